/* The signed pack a town downloads (docs/packs.md, docs/intel.md): what the
 * caller may see, never TLP:RED, never expired, in a stable order so that
 * the pack and its signature can be fetched in two requests; and the war
 * room's signing key beside the database. */
#include "intel/store.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "base/secret.h"
#include "ioc/pack.h"
#include "store/db.h"

static const char *audience(const struct actor *a)
{
	return scope_is_staff(a) ? "war room" : a->role == ROLE_SPOC ? "towns" : "providers";
}

int intel_pack(sqlite3 *db, const struct actor *a, char **text, size_t *len, int64_t *version,
	       struct wr_err *e)
{
	*text = NULL;
	if (!scope_is_staff(a) && a->role != ROLE_SPOC && a->role != ROLE_PROVIDER)
		return wr_err_set(e, WR_EFORBIDDEN, NULL, "packs are for towns and providers");
	int rc = db_begin_read(db, e);
	if (rc)
		return rc;
	sqlite3_stmt *st;
	char changed[40] = "";
	rc = db_prepare(db, "SELECT version, changed_at FROM pack_version WHERE id = 1", &st, e);
	if (!rc && sqlite3_step(st) == SQLITE_ROW) {
		*version = sqlite3_column_int64(st, 0);
		snprintf(changed, sizeof changed, "%s", (const char *)sqlite3_column_text(st, 1));
	}
	if (!rc)
		sqlite3_finalize(st);
	struct intel_items it;
	if (!rc)
		rc = intel_items_load(db, a, IOC_NONE, 1, 1, &it, e);
	db_end_read(db);
	if (rc)
		return rc;
	json_t *list = json_array();
	for (size_t i = 0; list && i < it.n; i++) {
		const struct intel_item *x = &it.v[i];
		json_t *src = json_array(), *tags = json_array();
		for (size_t k = 0; k < x->n_sources; k++)
			json_array_append_new(src, json_string(x->sources[k]));
		for (size_t k = 0; k < x->n_tags; k++)
			json_array_append_new(tags, json_string(x->tags[k]));
		char tlp[16];
		snprintf(tlp, sizeof tlp, "%s", x->tlp);
		for (char *c = tlp; *c; c++)
			if (*c >= 'A' && *c <= 'Z')
				*c = (char)(*c - 'A' + 'a');
		json_t *o = json_pack("{s:s, s:s, s:s, s:o, s:o}", "type", ioc_type_name(x->type),
				      "value", x->value, "tlp", tlp, "sources", src, "tags", tags);
		if (!o || json_array_append_new(list, o)) {
			json_decref(list);
			list = NULL;
		}
	}
	intel_items_release(&it);
	json_t *doc = list ? json_pack("{s:s, s:i, s:I, s:s, s:s, s:o}", "format", PACK_FORMAT,
				       "version", 1, "pack_version", (json_int_t)*version,
				       "created", changed, "audience", audience(a), "indicators", list)
			   : NULL;
	char *s = doc ? json_dumps(doc, JSON_COMPACT) : NULL;
	json_decref(doc);
	if (!s)
		return wr_err_set(e, WR_ENOMEM, NULL, "out of memory making the pack");
	*text = s;
	*len = strlen(s);
	return 0;
}

/* The first line of path into out (without the newline). 0, -1 with errno. */
static int read_line(const char *path, char out[256])
{
	FILE *f = fopen(path, "re");
	if (!f)
		return -1;
	char *ok = fgets(out, 256, f);
	fclose(f);
	if (!ok) {
		errno = EINVAL;
		return -1;
	}
	out[strcspn(out, "\r\n")] = '\0';
	return 0;
}

/* Writes text to a new file (never over an existing one). */
static int write_new(const char *path, const char *text, mode_t mode)
{
	int fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, mode);
	if (fd < 0)
		return -1;
	size_t n = strlen(text);
	ssize_t w = write(fd, text, n);
	int rc = w == (ssize_t)n && fsync(fd) == 0 ? 0 : -1;
	if (close(fd))
		rc = -1;
	return rc;
}

int intel_pack_keys(const char *db_path, char pub[256], char sec[256], struct wr_err *e)
{
	char kp[4096], pp[4096];
	if (snprintf(kp, sizeof kp, "%s.pack.key", db_path) >= (int)sizeof kp ||
	    snprintf(pp, sizeof pp, "%s.pack.pub", db_path) >= (int)sizeof pp)
		return wr_err_set(e, WR_EINVAL, NULL, "the database path is too long");
	if (read_line(kp, sec) == 0 && read_line(pp, pub) == 0)
		return 0;
	if (errno != ENOENT)
		return wr_err_set(e, WR_EIO, NULL, "cannot read the pack key %s: %s", kp, strerror(errno));
	char p[PACK_LINE_MAX], s[PACK_LINE_MAX];
	int rc = pack_keygen(p, s, e);
	if (rc)
		return rc;
	/* Two first requests at once: the second finds the files made. */
	if (write_new(kp, s, 0600) == 0) {
		if (write_new(pp, p, 0644)) {
			unlink(kp);
			secret_wipe(s, sizeof s);
			return wr_err_set(e, WR_EIO, NULL, "cannot write %s: %s", pp, strerror(errno));
		}
	}
	secret_wipe(s, sizeof s);
	if (read_line(kp, sec) || read_line(pp, pub))
		return wr_err_set(e, WR_EIO, NULL, "cannot read the pack key %s: %s", kp, strerror(errno));
	return 0;
}
