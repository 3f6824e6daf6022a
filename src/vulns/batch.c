/* One import batch (vulns/batch.h). */
#include "vulns/batch.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "audit/journal.h"
#include "base/timeutil.h"
#include "store/db.h"

struct vbatch {
	sqlite3 *db;
	const struct actor *a;
	struct vuln_import_result *r;
	struct vroute *rt;
	sqlite3_stmt *ev;
	struct vwriter w;
	int64_t id;
	char report[64], now[32];
	int fixed_after;
	int64_t cache; /* the connection's cache_size before the import */
};

static void restore_cache(struct vbatch *b)
{
	char sql[64];
	snprintf(sql, sizeof sql, "PRAGMA cache_size = %lld", (long long)(b->cache ? b->cache : -2000));
	sqlite3_exec(b->db, sql, NULL, NULL, NULL);
	/* the pages beyond the old size are freed now, not at the next use */
	sqlite3_db_release_memory(b->db);
}

/* WARROOM_VULNS_FIXED_AFTER: the scans of a report without a finding that
 * make it "probably fixed" (default 3; 0 never). */
static int fixed_after(int *n, struct wr_err *e)
{
	const char *v = getenv("WARROOM_VULNS_FIXED_AFTER");
	*n = 3;
	if (!v)
		return 0;
	char *end;
	long k = strtol(v, &end, 10);
	if (end == v || *end || k < 0 || k > 1000)
		return wr_err_set(e, WR_EINVAL, "WARROOM_VULNS_FIXED_AFTER",
				  "must be a whole number from 0 (never) to 1000");
	*n = (int)k;
	return 0;
}

/* "2026-11-27 03:12:45" or RFC 3339 to RFC 3339; -1 when neither. */
int vscan_time(const char *s, char out[32])
{
	char buf[40];
	int64_t t;
	snprintf(buf, sizeof buf, "%s", s);
	if (strlen(buf) == 19 && buf[10] == ' ') {
		buf[10] = 'T';
		buf[19] = 'Z', buf[20] = '\0';
	}
	if (time_parse_rfc3339(buf, &t))
		return -1;
	time_format_rfc3339((time_t)t, out, 32);
	return 0;
}

/* The CVE ids in s, comma-separated, into out. */
void vcves_of(const char *s, char *out, size_t n)
{
	size_t k = 0;
	out[0] = '\0';
	for (const char *p = s; p && (p = strcasestr(p, "cve-")); p += 4) {
		size_t len = 4;
		while (p[len] == '-' || (p[len] >= '0' && p[len] <= '9'))
			len++;
		if (len < 13 || k + len + 2 > n)
			continue;
		k += (size_t)snprintf(out + k, n - k, "%s%.*s", k ? "," : "", (int)len, p);
	}
	for (char *c = out; *c; c++)
		if (*c >= 'a' && *c <= 'z')
			*c = (char)(*c - 'a' + 'A');
}

static int source_reader(struct vsource *s, struct wr_err *e)
{
	if (s->in && (s->cr = csv_reader_new(s->in, 0, 0)))
		return 0;
	return wr_err_set(e, WR_ENOMEM, NULL, "out of memory");
}

int vsource_memory(struct vsource *s, const char *text, size_t len, struct wr_err *e)
{
	memset(s, 0, sizeof *s);
	secret_sha256_hex(text, len, s->sha);
	s->in = fmemopen((void *)(len ? text : ""), len, "r"); /* glibc takes size 0 */
	s->own = 1;
	return source_reader(s, e);
}

int vsource_file(struct vsource *s, FILE *in, struct wr_err *e)
{
	memset(s, 0, sizeof *s);
	s->in = in;
	if (secret_sha256_stream(in, s->sha) || fseek(in, 0, SEEK_SET))
		return wr_err_set(e, WR_EIO, NULL, "cannot read the file: %s", strerror(errno));
	return source_reader(s, e);
}

void vsource_close(struct vsource *s)
{
	csv_reader_free(s->cr);
	if (s->own && s->in)
		fclose(s->in);
	s->cr = NULL;
	s->in = NULL;
}

int vimport_run(sqlite3 *db, const struct actor *a, const char *name, struct vsource *src,
		int opened, vimport_rows rows, struct vuln_import_result *r, struct wr_err *e)
{
	memset(r, 0, sizeof *r);
	int rc = opened;
	if (!rc && !scope_is_staff(a))
		rc = wr_err_set(e, WR_EFORBIDDEN, NULL, "only the war room imports scan reports");
	if (!rc && !(r->errors = json_array()))
		rc = wr_err_set(e, WR_ENOMEM, NULL, "out of memory");
	if (!rc)
		rc = rows(db, a, name, src, r, e);
	vsource_close(src);
	return rc;
}

static int row_error(struct vuln_import_result *r, long line, const char *msg)
{
	return json_array_append_new(r->errors, json_pack("{s:i, s:s}", "line", (int)line, "message", msg));
}

int vbatch_open(sqlite3 *db, const struct actor *a, const char *sha, const char *name,
		const char *report, const char *date, struct vuln_import_result *r,
		struct vbatch **out, struct wr_err *e)
{
	*out = NULL;
	int after;
	int rc = fixed_after(&after, e);
	if (rc)
		return rc;
	struct vbatch *b = calloc(1, sizeof *b);
	if (!b)
		return wr_err_set(e, WR_ENOMEM, NULL, "out of memory");
	b->db = db;
	b->a = a;
	b->r = r;
	b->fixed_after = strcmp(report, "csv") ? after : 0;
	snprintf(b->report, sizeof b->report, "%s", report);
	time_format_rfc3339((time_t)time_now(), b->now, sizeof b->now);
	/* A scan report is written in one transaction: with SQLite's default
	 * cache (2 MiB) its pages spill to the WAL and are read back for every
	 * index insert. 256 MiB for this import, given back at the close. */
	sqlite3_stmt *st;
	if (!db_prepare(db, "PRAGMA cache_size", &st, NULL)) {
		b->cache = sqlite3_step(st) == SQLITE_ROW ? sqlite3_column_int64(st, 0) : -2000;
		sqlite3_finalize(st);
	}
	sqlite3_exec(db, "PRAGMA cache_size = -262144", NULL, NULL, NULL);
	if ((rc = db_begin(db, e))) {
		restore_cache(b);
		free(b);
		return rc;
	}
	rc = db_prepare(db, "SELECT count(*) FROM vuln_batches WHERE sha256 = ?1", &st, e);
	if (!rc) {
		sqlite3_bind_text(st, 1, sha, -1, SQLITE_STATIC);
		r->already = sqlite3_step(st) == SQLITE_ROW && sqlite3_column_int(st, 0) > 0;
		sqlite3_finalize(st);
	}
	if (!rc && r->already) {
		db_rollback(db);
		restore_cache(b);
		free(b);
		return 0;
	}
	/* An acceptance that ran out is open again before this scan counts. */
	size_t expired;
	if (!rc)
		rc = vuln_acceptances_expire(db, time_now(), &expired, e);
	if (!rc)
		rc = vroute_build(db, &b->rt, e);
	if (!rc)
		rc = db_prepare(db, "INSERT INTO vuln_batches (sha256, name, report, report_date, rows, routed,"
				    " imported_at) VALUES (?1, ?2, ?3, ?4, 0, 0, ?5)", &st, e);
	if (!rc) {
		const char *base = strrchr(name, '/');
		sqlite3_bind_text(st, 1, sha, -1, SQLITE_STATIC);
		sqlite3_bind_text(st, 2, base ? base + 1 : name, -1, SQLITE_STATIC);
		sqlite3_bind_text(st, 3, report, -1, SQLITE_STATIC);
		sqlite3_bind_text(st, 4, date, -1, SQLITE_STATIC);
		sqlite3_bind_text(st, 5, b->now, -1, SQLITE_STATIC);
		rc = db_step_done(db, st, e);
		b->id = r->batch = sqlite3_last_insert_rowid(db);
	}
	if (!rc)
		rc = db_prepare(db, "INSERT INTO vuln_events (batch_id, seen_at, ip, port, hostname, asn, issue,"
				    " cves, severity, org_id, asset_id) VALUES (?1,?2,?3,?4,?5,?6,?7,?8,?9,?10,?11)",
				&b->ev, e);
	if (!rc)
		rc = vwriter_open(db, &b->w, e);
	if (rc)
		return vbatch_close(b, rc, e);
	*out = b;
	return 0;
}

int vbatch_row(struct vbatch *b, const struct vrow *row, struct wr_err *e)
{
	struct vuln_import_result *r = b->r;
	struct route_hit hit;
	char host[256] = "";
	int routed = 0;
	if (*row->ip && (routed = vroute_addr(b->rt, row->ip, &hit)) < 0)
		return row_error(r, row->line, "ip is not an address"), 0;
	if (*row->host && vroute_canonical_host(row->host, host)) {
		if (!*row->ip)
			return row_error(r, row->line, "hostname is not a host name"), 0;
		host[0] = '\0'; /* the address is what counts */
	}
	if (!*row->ip && !*host)
		return row_error(r, row->line, "has neither ip nor hostname"), 0;
	/* The address first; a host name routes when its address reaches nobody. */
	if (!routed && *host)
		routed = vroute_host(b->rt, host, &hit);
	struct vrow v = *row;
	v.host = host;
	r->rows++;
	sqlite3_stmt *ev = b->ev;
	sqlite3_reset(ev);
	sqlite3_bind_int64(ev, 1, b->id);
	sqlite3_bind_text(ev, 2, v.seen, -1, SQLITE_STATIC);
	sqlite3_bind_text(ev, 3, v.ip, -1, SQLITE_STATIC);
	if (v.port > 0)
		sqlite3_bind_int(ev, 4, v.port);
	else
		sqlite3_bind_null(ev, 4);
	db_bind_text_or_null(ev, 5, host);
	db_bind_text_or_null(ev, 6, v.asn);
	sqlite3_bind_text(ev, 7, v.issue, -1, SQLITE_STATIC);
	sqlite3_bind_text(ev, 8, v.cves, -1, SQLITE_STATIC);
	sqlite3_bind_text(ev, 9, v.severity, -1, SQLITE_STATIC);
	if (routed) {
		sqlite3_bind_int64(ev, 10, hit.org_id);
		sqlite3_bind_int64(ev, 11, hit.asset_id);
	} else {
		sqlite3_bind_null(ev, 10);
		sqlite3_bind_null(ev, 11);
	}
	if (sqlite3_step(ev) != SQLITE_DONE)
		return db_fail(b->db, e);
	if (!routed) {
		r->unrouted++;
		return 0;
	}
	r->routed++;
	enum vseen how;
	int rc = vwriter_record(&b->w, b->db, &hit, *v.ip ? v.ip : host, &v, b->report, b->id, b->now, &how, e);
	if (!rc)
		*(how == VSEEN_NEW ? &r->opened : how == VSEEN_REOPENED ? &r->reopened : &r->refreshed) += 1;
	return rc;
}

/* The open findings of this report that this batch did not see count one
 * more miss; N misses in a row make them "probably fixed". */
static int probably_fixed(struct vbatch *b, struct wr_err *e)
{
	if (!b->fixed_after)
		return 0;
	sqlite3_stmt *st;
	int rc = db_prepare(b->db,
			    "UPDATE findings SET missed = missed + 1 WHERE report = ?1"
			    " AND status IN ('open','acknowledged') AND coalesce(last_batch, 0) <> ?2",
			    &st, e);
	if (!rc) {
		sqlite3_bind_text(st, 1, b->report, -1, SQLITE_STATIC);
		sqlite3_bind_int64(st, 2, b->id);
		rc = db_step_done(b->db, st, e);
	}
	if (!rc)
		rc = db_prepare(b->db,
				"UPDATE findings SET status = 'probably-fixed', updated_at = ?3 WHERE report = ?1"
				" AND status IN ('open','acknowledged') AND missed >= ?2",
				&st, e);
	if (!rc) {
		sqlite3_bind_text(st, 1, b->report, -1, SQLITE_STATIC);
		sqlite3_bind_int(st, 2, b->fixed_after);
		sqlite3_bind_text(st, 3, b->now, -1, SQLITE_STATIC);
		rc = db_step_done(b->db, st, e);
		b->r->probably_fixed = rc ? 0 : (size_t)sqlite3_changes(b->db);
	}
	return rc;
}

static int finish(struct vbatch *b, struct wr_err *e)
{
	struct vuln_import_result *r = b->r;
	sqlite3_stmt *st;
	int rc = probably_fixed(b, e);
	if (!rc)
		rc = vuln_notify(b->db, b->id, 0, 1, &r->notices, e);
	if (!rc)
		rc = db_prepare(b->db, "UPDATE vuln_batches SET rows = ?2, routed = ?3 WHERE id = ?1", &st, e);
	if (!rc) {
		sqlite3_bind_int64(st, 1, b->id);
		sqlite3_bind_int64(st, 2, (sqlite3_int64)r->rows);
		sqlite3_bind_int64(st, 3, (sqlite3_int64)r->routed);
		rc = db_step_done(b->db, st, e);
	}
	json_t *d = json_pack("{s:s, s:I, s:I, s:I, s:I, s:I}", "report", b->report, "rows",
			      (json_int_t)r->rows, "routed", (json_int_t)r->routed, "unrouted",
			      (json_int_t)r->unrouted, "probably_fixed", (json_int_t)r->probably_fixed,
			      "notices", (json_int_t)r->notices);
	if (!rc)
		rc = d ? journal_append(b->db, b->a->name, "vulns.import", "vuln_batch", b->id, d, e)
		       : wr_err_set(e, WR_ENOMEM, NULL, "out of memory");
	json_decref(d);
	return rc ? rc : db_commit(b->db, e);
}

int vbatch_close(struct vbatch *b, int rc, struct wr_err *e)
{
	if (!b)
		return rc;
	sqlite3_finalize(b->ev);
	b->ev = NULL;
	vwriter_close(&b->w);
	if (!rc)
		rc = finish(b, e);
	if (rc)
		db_rollback(b->db);
	restore_cache(b);
	vroute_free(b->rt);
	free(b);
	return rc;
}
