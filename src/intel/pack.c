/* Indicator packs for a town (docs/intel.md, docs/packs.md): what the
 * caller may see, never TLP:RED, expired, revoked, not meant for detection
 * or false-positive (unless overridden); versioned; the war room's key pair
 * that signs them. */
#include "intel/intel.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "base/buf.h"
#include "base/timeutil.h"
#include "ioc/pack.h"
#include "store/db.h"

#define PACK_MAX_BYTES ((size_t)1 << 30)

static int pack_item(struct buf *b, sqlite3_stmt *st, int removed, int *first)
{
	json_t *o = json_pack("{s:s, s:s}", "type", (const char *)sqlite3_column_text(st, 0), "value",
			      (const char *)sqlite3_column_text(st, 1));
	if (!o)
		return WR_ENOMEM;
	if (!removed) {
		char tlp[16];
		snprintf(tlp, sizeof tlp, "%s", (const char *)sqlite3_column_text(st, 2));
		for (char *p = tlp; *p; p++)
			if (*p >= 'A' && *p <= 'Z')
				*p = (char)(*p - 'A' + 'a');
		json_object_set_new(o, "tlp", json_string(tlp));
		for (int k = 0; k < 2; k++) {
			const char *s = (const char *)sqlite3_column_text(st, 3 + k);
			json_t *a = s ? json_loads(s, 0, NULL) : NULL;
			json_object_set_new(o, k ? "tags" : "sources", a ? a : json_array());
		}
		if (sqlite3_column_type(st, 5) != SQLITE_NULL) {
			char t[40];
			time_format_rfc3339((time_t)sqlite3_column_int64(st, 5), t, sizeof t);
			json_object_set_new(o, "valid_until", json_string(t));
		}
	}
	char *s = json_dumps(o, JSON_COMPACT | JSON_SORT_KEYS);
	json_decref(o);
	if (!s)
		return WR_ENOMEM;
	int rc = buf_adds(b, *first ? "\n  " : ",\n  ");
	if (!rc)
		rc = buf_adds(b, s);
	free(s);
	*first = 0;
	return rc;
}

/* Runs one query (cond picks the rows) and appends its items. */
static int pack_section(sqlite3 *db, struct buf *b, const char *vis, const char *cond, int64_t now,
			int64_t since, int64_t since_at, int removed, struct wr_err *e)
{
	char sql[2048];
	snprintf(sql, sizeof sql,
		 "SELECT i.type, i.value, i.tlp,"
		 " (SELECT json_group_array(source) FROM indicator_sources WHERE indicator_id = i.id),"
		 " (SELECT json_group_array(tag) FROM indicator_tags WHERE indicator_id = i.id),"
		 " i.valid_until FROM indicators i WHERE %s AND %s ORDER BY i.type, i.value", vis, cond);
	sqlite3_stmt *st;
	int rc = db_prepare(db, sql, &st, e);
	if (rc)
		return rc;
	sqlite3_bind_int64(st, 1, now);
	sqlite3_bind_int64(st, 2, since);
	sqlite3_bind_int64(st, 3, since_at);
	int first = 1, step;
	while ((step = sqlite3_step(st)) == SQLITE_ROW)
		if ((rc = pack_item(b, st, removed, &first))) {
			sqlite3_finalize(st);
			return wr_err_set(e, rc, NULL, rc == WR_ETOOBIG ? "the pack is too large" : "out of memory");
		}
	sqlite3_finalize(st);
	if (step != SQLITE_DONE)
		return db_fail(db, e);
	return buf_adds(b, first ? "]" : "\n]") ? wr_err_set(e, WR_ENOMEM, NULL, "out of memory") : 0;
}

/* In a pack: ?1 now. */
#define IN_PACK                                                                                   \
	"(i.tlp <> 'RED' AND i.status = 'active' AND i.to_ids = 1 AND (i.fp_list IS NULL OR"    \
	" i.fp_override = 1) AND (i.valid_until IS NULL OR i.valid_until > ?1))"

int intel_pack_build(sqlite3 *db, const struct actor *a, int64_t since, char **out, size_t *len,
		     int64_t *version, struct wr_err *e)
{
	char vis[512], cond[1024];
	*out = NULL;
	*len = 0;
	if (a->role == ROLE_VIEWER)
		return wr_err_set(e, WR_EFORBIDDEN, NULL, "a viewer account receives no indicator packs");
	if (intel_visible_sql(a, vis, sizeof vis))
		return wr_err_set(e, WR_EINTERNAL, NULL, "scope too long");
	int rc = db_begin_read(db, e);
	if (rc)
		return rc;
	int64_t now = time_now(), since_at = 0;
	char town[256] = "all";
	struct buf b;
	buf_init(&b, PACK_MAX_BYTES);
	if ((rc = db_query_int(db, "SELECT max(version) FROM intel_versions", 0, version, e)))
		goto out;
	if (since < 0 || since > *version) {
		rc = wr_err_set(e, WR_EINVAL, "since", "must be a pack version between 0 and %lld",
				(long long)*version);
		goto out;
	}
	if (since && (rc = db_query_int(db, "SELECT at FROM intel_versions WHERE version = ?", since, &since_at, e)))
		goto out;
	int64_t org = a->role == ROLE_SPOC ? a->org_id : a->role == ROLE_PROVIDER ? a->provider_id : 0;
	if (org) {
		sqlite3_stmt *st;
		if ((rc = db_prepare(db, "SELECT name FROM orgs WHERE id = ?", &st, e)))
			goto out;
		sqlite3_bind_int64(st, 1, org);
		if (sqlite3_step(st) == SQLITE_ROW)
			snprintf(town, sizeof town, "%s", (const char *)sqlite3_column_text(st, 0));
		sqlite3_finalize(st);
	}
	char created[40];
	time_format_rfc3339((time_t)now, created, sizeof created);
	json_t *head = json_pack("{s:s, s:s}", "audience", town, "created", created);
	char *hs = head ? json_dumps(head, JSON_COMPACT) : NULL;
	json_decref(head);
	if (!hs) {
		rc = wr_err_set(e, WR_ENOMEM, NULL, "out of memory");
		goto out;
	}
	/* hs is {"audience":...,"created":...}: its members go into the pack. */
	hs[strlen(hs) - 1] = '\0';
	rc = buf_printf(&b, "{\"format\": \"" PACK_FORMAT "\", \"version\": 1, %s, \"pack_version\": %lld,"
			    " \"since\": %lld,\n \"indicators\": [", hs + 1, (long long)*version, (long long)since);
	free(hs);
	if (rc) {
		rc = wr_err_set(e, rc, NULL, "out of memory");
		goto out;
	}
	/* full: everything in the pack; delta: what changed since, and what
	 * left it since (changed out of it, or expired in between) */
	snprintf(cond, sizeof cond, since ? IN_PACK " AND i.version > ?2 AND ?3 >= 0" : IN_PACK " AND ?2 >= 0 AND ?3 >= 0");
	if ((rc = pack_section(db, &b, vis, cond, now, since, since_at, 0, e)))
		goto out;
	if (since) {
		snprintf(cond, sizeof cond,
			 "NOT " IN_PACK " AND (i.version > ?2 OR (i.valid_until > ?3 AND i.valid_until <= ?1))");
		if ((rc = buf_adds(&b, ",\n \"removed\": [")) ||
		    (rc = pack_section(db, &b, vis, cond, now, since, since_at, 1, e)))
			goto out;
	}
	if (buf_adds(&b, "}\n")) {
		rc = wr_err_set(e, WR_ENOMEM, NULL, "out of memory");
		goto out;
	}
	*len = b.len;
	*out = buf_detach(&b);
	if (!*out)
		rc = wr_err_set(e, WR_ENOMEM, NULL, "out of memory");
out:
	db_end_read(db);
	buf_release(&b);
	return rc;
}

/* ------------------------------------------------------------------ keys */

static int read_line(const char *path, char out[256], struct wr_err *e)
{
	FILE *f = fopen(path, "r");
	if (!f)
		return errno == ENOENT ? WR_ENOTFOUND
				       : wr_err_set(e, WR_EIO, NULL, "%s: cannot open: %s", path, strerror(errno));
	int ok = fgets(out, 256, f) != NULL;
	fclose(f);
	if (!ok)
		return wr_err_set(e, WR_EIO, NULL, "%s: empty", path);
	out[strcspn(out, "\r\n")] = '\0';
	return 0;
}

static int write_new(const char *path, const char *text, mode_t mode)
{
	int fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, mode);
	if (fd < 0)
		return -1;
	size_t n = strlen(text);
	int ok = write(fd, text, n) == (ssize_t)n && fsync(fd) == 0;
	if (close(fd) || !ok) {
		unlink(path);
		return -1;
	}
	return 0;
}

int intel_pack_keys(const char *db_path, int create, char pub[256], char sec[256], struct wr_err *e)
{
	char pp[PATH_MAX], sp[PATH_MAX];
	const char *ep = getenv("WARROOM_PACK_PUBLIC_KEY"), *es = getenv("WARROOM_PACK_SECRET_KEY");
	if (snprintf(pp, sizeof pp, "%s", ep && *ep ? ep : "") >= (int)sizeof pp ||
	    snprintf(sp, sizeof sp, "%s", es && *es ? es : "") >= (int)sizeof sp)
		return wr_err_set(e, WR_EINVAL, NULL, "pack key path too long");
	if ((!*pp && snprintf(pp, sizeof pp, "%s.pack.pub", db_path) >= (int)sizeof pp) ||
	    (!*sp && snprintf(sp, sizeof sp, "%s.pack.key", db_path) >= (int)sizeof sp))
		return wr_err_set(e, WR_EINVAL, NULL, "database path too long");
	int rc = read_line(sp, sec, e);
	if (rc == WR_ENOTFOUND && create) {
		char p[PACK_LINE_MAX], s[PACK_LINE_MAX];
		if ((rc = pack_keygen(p, s, e)))
			return rc;
		/* the secret first, mode 0600: a crash leaves no public key without it */
		if (write_new(sp, s, 0600) || write_new(pp, p, 0644)) {
			sodium_memzero(s, sizeof s);
			return wr_err_set(e, WR_EIO, NULL, "cannot write the pack key %s: %s", sp, strerror(errno));
		}
		sodium_memzero(s, sizeof s);
		rc = read_line(sp, sec, e);
	}
	if (rc == WR_ENOTFOUND)
		return wr_err_set(e, WR_ENOTFOUND, NULL, "no pack key at %s (run warroom serve or warroom init)", sp);
	if (rc || (rc = read_line(pp, pub, e)) == WR_ENOTFOUND) {
		sodium_memzero(sec, 256);
		return rc == WR_ENOTFOUND ? wr_err_set(e, WR_ENOTFOUND, NULL, "no public pack key at %s", pp) : rc;
	}
	if (rc)
		sodium_memzero(sec, 256);
	return rc;
}
