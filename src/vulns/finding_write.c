/* A scan saw a finding (vulns/batch.h): opened, seen again, or reopened.
 * The finding is looked up first and one of three statements runs, so the
 * common case, a finding seen again and still open, rewrites no index entry:
 * SQLite rewrites an index whenever an UPDATE sets one of its columns, even
 * to the value it had (three times the work for a million rows). */
#include "vulns/batch.h"

#include <string.h>

#include "store/db.h"

/* ?1 id, ?2 seen, ?3 cves, ?4 now, ?5 host name, ?6 batch; the statement
 * that may change the status and severity adds ?7 severity and ?8 1 when
 * reopened. */
#define SEEN_AGAIN                                                                                \
	"UPDATE findings SET last_seen = max(last_seen, ?2), times_seen = times_seen + 1, cves = ?3," \
	" updated_at = ?4, hostname = coalesce(?5, hostname),"                                      \
	" last_batch = max(coalesce(last_batch, 0), ?6), missed = 0"

int vwriter_open(sqlite3 *db, struct vwriter *w, struct wr_err *e)
{
	memset(w, 0, sizeof *w);
	int rc = db_prepare(db, "SELECT id, status, severity FROM findings"
				" WHERE org_id = ?1 AND ip = ?2 AND issue = ?3",
			    &w->find, e);
	if (!rc)
		rc = db_prepare(db,
				"INSERT INTO findings (org_id, asset_id, provider_id, ip, port, issue, report,"
				" cves, severity, status, first_seen, last_seen, updated_at, hostname,"
				" last_batch, missed) VALUES (?1,?2,?3,?4,?5,?6,?7,?8,?9,'open',?10,?10,?11,"
				"?12,?13,0)",
				&w->add, e);
	if (!rc)
		rc = db_prepare(db, SEEN_AGAIN " WHERE id = ?1", &w->seen, e);
	if (!rc)
		rc = db_prepare(db,
				SEEN_AGAIN ", severity = ?7, status = CASE WHEN ?8 THEN 'open' ELSE status END,"
				" reopened = reopened + ?8 WHERE id = ?1",
				&w->change, e);
	if (rc)
		vwriter_close(w);
	return rc;
}

void vwriter_close(struct vwriter *w)
{
	sqlite3_finalize(w->find);
	sqlite3_finalize(w->add);
	sqlite3_finalize(w->seen);
	sqlite3_finalize(w->change);
	memset(w, 0, sizeof *w);
}

static int add(sqlite3_stmt *st, const struct route_hit *hit, const char *key,
	       const struct vrow *row, const char *report, int64_t batch, const char *now)
{
	sqlite3_reset(st);
	sqlite3_bind_int64(st, 1, hit->org_id);
	sqlite3_bind_int64(st, 2, hit->asset_id);
	if (hit->provider_id)
		sqlite3_bind_int64(st, 3, hit->provider_id);
	else
		sqlite3_bind_null(st, 3);
	sqlite3_bind_text(st, 4, key, -1, SQLITE_STATIC);
	if (row->port > 0)
		sqlite3_bind_int(st, 5, row->port);
	else
		sqlite3_bind_null(st, 5);
	sqlite3_bind_text(st, 6, row->issue, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 7, report, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 8, row->cves, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 9, row->severity, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 10, row->seen, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 11, now, -1, SQLITE_STATIC);
	db_bind_text_or_null(st, 12, row->host);
	sqlite3_bind_int64(st, 13, batch);
	return sqlite3_step(st);
}

static int again(sqlite3_stmt *st, int64_t id, const struct vrow *row, int64_t batch,
		 const char *now, int reopened)
{
	sqlite3_reset(st);
	sqlite3_bind_int64(st, 1, id);
	sqlite3_bind_text(st, 2, row->seen, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 3, row->cves, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 4, now, -1, SQLITE_STATIC);
	db_bind_text_or_null(st, 5, row->host);
	sqlite3_bind_int64(st, 6, batch);
	if (reopened >= 0) { /* the statement that may change status and severity */
		sqlite3_bind_text(st, 7, row->severity, -1, SQLITE_STATIC);
		sqlite3_bind_int(st, 8, reopened);
	}
	return sqlite3_step(st);
}

int vwriter_record(struct vwriter *w, sqlite3 *db, const struct route_hit *hit, const char *key,
		   const struct vrow *row, const char *report, int64_t batch, const char *now,
		   enum vseen *how, struct wr_err *e)
{
	sqlite3_stmt *f = w->find;
	sqlite3_reset(f);
	sqlite3_bind_int64(f, 1, hit->org_id);
	sqlite3_bind_text(f, 2, key, -1, SQLITE_STATIC);
	sqlite3_bind_text(f, 3, row->issue, -1, SQLITE_STATIC);
	int s = sqlite3_step(f);
	if (s == SQLITE_DONE) {
		*how = VSEEN_NEW;
		s = add(w->add, hit, key, row, report, batch, now);
		return s == SQLITE_DONE ? 0 : db_fail(db, e);
	}
	if (s != SQLITE_ROW)
		return db_fail(db, e);
	int64_t id = sqlite3_column_int64(f, 0);
	const char *status = (const char *)sqlite3_column_text(f, 1);
	const char *severity = (const char *)sqlite3_column_text(f, 2);
	int reopened = !strcmp(status, "fixed") || !strcmp(status, "probably-fixed");
	*how = reopened ? VSEEN_REOPENED : VSEEN_AGAIN;
	s = reopened || strcmp(severity, row->severity) ? again(w->change, id, row, batch, now, reopened)
							: again(w->seen, id, row, batch, now, -1);
	sqlite3_reset(f);
	return s == SQLITE_DONE ? 0 : db_fail(db, e);
}
