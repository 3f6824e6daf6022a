/* One fetch of a feed source (vulns/fetch.h): hold the source, download
 * it, import the file with the feed's own importer (its own transaction,
 * so a refused file changes no data), and record on the source what
 * happened and when to try next. */
#include "vulns/fetch.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "base/log.h"
#include "base/timeutil.h"
#include "store/db.h"
#include "sweep/sweep_cli.h"
#include "vulns/feeds.h"
#include "vulns/vulns.h"

/* How long a fetch holds its source: past the download's own timeout and
 * the import, after which a crashed fetch no longer blocks the next one. */
#define HOLD_S 3600
/* After a failure the next attempt comes sooner than the interval. */
#define RETRY_S 3600

struct source {
	int64_t id, every, failures;
	char kind[16];
	char *url, *header, *etag, *last_modified;
};

static void source_free(struct source *s)
{
	free(s->url);
	free(s->header);
	free(s->etag);
	free(s->last_modified);
}

static char *col_dup(sqlite3_stmt *st, int i)
{
	const unsigned char *t = sqlite3_column_text(st, i);
	return t ? strdup((const char *)t) : NULL;
}

/* Takes the source for this fetch (no other fetch of it runs) and reads it. */
static int hold(sqlite3 *db, int64_t id, int64_t now, struct source *s, struct wr_err *e)
{
	sqlite3_stmt *st;
	int rc = db_prepare(db,
			    "UPDATE vuln_sources SET fetching_until = ?2 WHERE id = ?1"
			    " AND (fetching_until IS NULL OR fetching_until < ?3)"
			    " RETURNING kind, url, auth_header, etag, last_modified, every_s, failures",
			    &st, e);
	if (rc)
		return rc;
	sqlite3_bind_int64(st, 1, id);
	sqlite3_bind_int64(st, 2, now + HOLD_S);
	sqlite3_bind_int64(st, 3, now);
	int step = sqlite3_step(st);
	if (step == SQLITE_ROW) {
		s->id = id;
		snprintf(s->kind, sizeof s->kind, "%s", (const char *)sqlite3_column_text(st, 0));
		s->url = col_dup(st, 1);
		s->header = col_dup(st, 2);
		s->etag = col_dup(st, 3);
		s->last_modified = col_dup(st, 4);
		s->every = sqlite3_column_int64(st, 5);
		s->failures = sqlite3_column_int64(st, 6);
		step = sqlite3_step(st);
		if (!s->url)
			rc = wr_err_set(e, WR_ENOMEM, NULL, "out of memory");
	} else if (step == SQLITE_DONE) {
		int64_t n = 0;
		sqlite3_finalize(st);
		st = NULL;
		rc = db_query_int(db, "SELECT count(*) FROM vuln_sources WHERE id = ?", id, &n, e);
		if (!rc)
			rc = n ? wr_err_set(e, WR_ECONFLICT, NULL, "a fetch of this source is running")
			       : wr_err_set(e, WR_ENOTFOUND, NULL, "no such feed source");
		return rc;
	}
	if (!rc && step != SQLITE_DONE)
		rc = db_fail(db, e);
	sqlite3_finalize(st);
	return rc;
}

struct outcome {
	const char *status; /* imported, unchanged, failed, refused */
	char message[1024];
	char etag[256], last_modified[64]; /* the validators to keep ("": none) */
};

__attribute__((format(printf, 3, 4))) static void say(struct outcome *o, const char *status,
							const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	o->status = status;
	vsnprintf(o->message, sizeof o->message, fmt, ap);
	va_end(ap);
}

static int refused(int rc)
{
	return rc == WR_EINVAL || rc == WR_EPARSE || rc == WR_ETOOBIG;
}

/* A KEV, CVE or NVD file (JSON, read whole: a catalogue or one page). */
static void import_feed(sqlite3 *db, const struct actor *a, enum feed_kind k, const char *name,
			const char *path, struct outcome *o)
{
	struct wr_err e = {0};
	struct feed_import *fi;
	struct feed_result r = {0};
	char *text = NULL;
	size_t len = 0;
	int rc = sweep_slurp(path, &text, &len, &e);
	if (rc) {
		say(o, "failed", "reading the download: %s", e.message);
		return;
	}
	if ((rc = feed_import_begin(db, a, k, &fi, &e))) {
		free(text);
		say(o, "failed", "%s", e.message);
		return;
	}
	rc = feed_import_doc(fi, name, text, len, &e);
	free(text);
	struct wr_err ee = {0};
	int end = feed_import_end(fi, rc == 0, &r, &ee);
	if (rc)
		say(o, refused(rc) ? "refused" : "failed", "%s", e.message);
	else if (end)
		say(o, "failed", "%s", ee.message);
	else
		say(o, r.added || r.changed || r.matched ? "imported" : "unchanged",
		    "imported %zu records from %s: %zu new, %zu changed, %zu unchanged, %zu skipped;"
		    " software findings: %zu matched, %zu opened, %zu refreshed, %zu reopened",
		    r.records, name, r.added, r.changed, r.unchanged, r.skipped, r.matched, r.opened,
		    r.refreshed, r.reopened);
	feed_result_release(&r);
}

/* A scan report, streamed from the file (never whole in memory). */
static void import_scan(sqlite3 *db, const struct actor *a, int shadowserver, const char *name,
			const char *path, struct outcome *o)
{
	struct wr_err e = {0};
	struct vuln_import_result r;
	FILE *in = fopen(path, "rb");
	if (!in) {
		say(o, "failed", "reading the download: %s", strerror(errno));
		return;
	}
	int rc = shadowserver ? vuln_import_shadowserver_file(db, a, name, in, &r, &e)
			      : vuln_import_csv_file(db, a, name, in, &r, &e);
	fclose(in);
	size_t bad = r.errors ? json_array_size(r.errors) : 0;
	vuln_import_result_release(&r);
	if (rc)
		say(o, refused(rc) ? "refused" : "failed", "%s", e.message);
	else if (r.already)
		say(o, "unchanged", "%s: already imported, nothing changed", name);
	else
		say(o, "imported",
		    "imported %zu rows from %s: %zu routed to a town, %zu reached nobody, %zu findings"
		    " opened, %zu refreshed, %zu reopened, %zu rows skipped, %zu probably fixed,"
		    " %zu towns notified (batch %lld)",
		    r.rows, name, r.routed, r.unrouted, r.opened, r.refreshed, r.reopened, bad,
		    r.probably_fixed, r.notices, (long long)r.batch);
}

/* The directory of the database: the download goes there. */
static void data_dir(sqlite3 *db, char *out, size_t n)
{
	const char *f = sqlite3_db_filename(db, "main");
	const char *slash = f ? strrchr(f, '/') : NULL;
	if (f && *f && slash && (size_t)(slash - f) < n)
		snprintf(out, n, "%.*s", (int)(slash - f), f);
	else if (f && *f && !slash)
		snprintf(out, n, ".");
	else
		snprintf(out, n, "%s", getenv("TMPDIR") && *getenv("TMPDIR") ? getenv("TMPDIR") : "/tmp");
	if (!*out)
		snprintf(out, n, "/");
}

static void run(sqlite3 *db, const struct actor *a, const struct source *s, struct outcome *o)
{
	char dir[4096];
	data_dir(db, dir, sizeof dir);
	struct fetch_req q = {s->url, s->header, s->etag, s->last_modified, dir, fetch_max_bytes()};
	struct fetch_resp r;
	struct wr_err e = {0};
	if (fetch_get(&q, &r, &e)) {
		say(o, "failed", "%s", e.message);
		return;
	}
	if (r.not_modified) {
		say(o, "unchanged", "not modified since the last fetch (304): nothing imported");
		snprintf(o->etag, sizeof o->etag, "%s", s->etag ? s->etag : "");
		snprintf(o->last_modified, sizeof o->last_modified, "%s", s->last_modified ? s->last_modified : "");
		return;
	}
	char name[256];
	int named = r.disposition[0] ? (snprintf(name, sizeof name, "%s", r.disposition), 1)
				     : !fetch_url_name(s->url, name, sizeof name);
	enum feed_kind k;
	if (!strcmp(s->kind, "shadowserver") && !named)
		say(o, "refused", "the answer names no file: a Shadowserver report needs its name"
				  " (YYYY-MM-DD-<report>-<filter>.csv) from Content-Disposition or the"
				  " URL's last path segment");
	else if (!strcmp(s->kind, "shadowserver") || !strcmp(s->kind, "csv"))
		import_scan(db, a, s->kind[0] == 's', named ? name : s->url, r.path, o);
	else if (!feed_kind_parse(s->kind, &k))
		import_feed(db, a, k, named ? name : s->url, r.path, o);
	else
		say(o, "refused", "%s is not a feed kind", s->kind);
	unlink(r.path);
	/* the validators only of a file that was imported: a refused one is
	 * downloaded again next time */
	if (!strcmp(o->status, "imported") || !strcmp(o->status, "unchanged")) {
		snprintf(o->etag, sizeof o->etag, "%s", r.etag);
		snprintf(o->last_modified, sizeof o->last_modified, "%s", r.last_modified);
	}
}

static int record(sqlite3 *db, const struct source *s, const struct outcome *o, int64_t now,
		  struct wr_err *e)
{
	int ok = strcmp(o->status, "failed") && strcmp(o->status, "refused");
	int64_t next = now + (ok || s->every < RETRY_S ? s->every : RETRY_S);
	char at[40];
	time_format_rfc3339((time_t)now, at, sizeof at);
	sqlite3_stmt *st;
	int rc = db_prepare(db,
			    "UPDATE vuln_sources SET last_fetch_at = ?2, last_status = ?3, last_message = ?4,"
			    " failures = CASE WHEN ?5 THEN 0 ELSE failures + 1 END,"
			    " etag = CASE WHEN ?5 THEN ?6 ELSE etag END,"
			    " last_modified = CASE WHEN ?5 THEN ?7 ELSE last_modified END,"
			    " next_due = ?8, fetching_until = NULL WHERE id = ?1",
			    &st, e);
	if (rc)
		return rc;
	sqlite3_bind_int64(st, 1, s->id);
	sqlite3_bind_text(st, 2, at, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 3, o->status, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 4, o->message, -1, SQLITE_STATIC);
	sqlite3_bind_int(st, 5, ok);
	db_bind_text_or_null(st, 6, o->etag);
	db_bind_text_or_null(st, 7, o->last_modified);
	sqlite3_bind_int64(st, 8, next);
	return db_step_done(db, st, e);
}

int vsource_fetch(sqlite3 *db, const struct actor *a, int64_t id, json_t **out, struct wr_err *e)
{
	*out = NULL;
	if (!scope_is_staff(a))
		return wr_err_set(e, WR_EFORBIDDEN, NULL, "only the war room fetches the feeds");
	struct source s = {0};
	int rc = hold(db, id, time_now(), &s, e);
	if (rc) {
		source_free(&s);
		return rc;
	}
	struct outcome o = {"failed", "", "", ""};
	run(db, a, &s, &o);
	log_info("vulns.fetch: source %lld (%s): %s", (long long)id, s.kind, o.status);
	rc = record(db, &s, &o, time_now(), e);
	source_free(&s);
	return rc ? rc : vsource_get(db, a, id, out, e);
}

int vsource_fetch_due(sqlite3 *db, const struct actor *a, int all, int64_t now, int *ran, int *failed,
		      void (*each)(const json_t *source, void *arg), void *arg, struct wr_err *e)
{
	*ran = *failed = 0;
	sqlite3_stmt *st;
	int rc = db_prepare(db,
			    "SELECT id FROM vuln_sources WHERE enabled = 1 AND (?1 OR next_due <= ?2)"
			    " AND (fetching_until IS NULL OR fetching_until < ?2) ORDER BY next_due, id",
			    &st, e);
	if (rc)
		return rc;
	sqlite3_bind_int(st, 1, all);
	sqlite3_bind_int64(st, 2, now);
	json_t *ids;
	if ((rc = db_rows(db, st, NULL, &ids, e)))
		return rc;
	size_t i;
	json_t *row;
	json_array_foreach(ids, i, row) {
		json_t *src = NULL;
		struct wr_err fe = {0};
		int frc = vsource_fetch(db, a, json_integer_value(json_object_get(row, "id")), &src, &fe);
		if (frc == WR_ECONFLICT || frc == WR_ENOTFOUND)
			continue; /* taken by another fetch, or removed meanwhile */
		if (frc) {
			rc = rc ? rc : (*e = fe, frc);
			continue;
		}
		(*ran)++;
		const char *st_ = json_string_value(json_object_get(src, "last_status"));
		if (st_ && (!strcmp(st_, "failed") || !strcmp(st_, "refused")))
			(*failed)++;
		if (each)
			each(src, arg);
		json_decref(src);
	}
	json_decref(ids);
	return rc;
}
