/* Findings and what reached nobody (vulns/vulns.h). */
#include "vulns/vulns.h"

#include <stdio.h>
#include <string.h>

#include "audit/journal.h"
#include "base/jsonutil.h"
#include "base/timeutil.h"
#include "store/db.h"

/* Which findings the actor may see, as SQL on table f (integers only). */
static int scope_sql(const struct actor *a, char *out, size_t n)
{
	if (scope_is_staff(a))
		return snprintf(out, n, "1"), 0;
	if (a->role == ROLE_SPOC)
		return snprintf(out, n, "f.org_id = %lld", (long long)a->org_id), 0;
	if (a->role == ROLE_PROVIDER)
		return snprintf(out, n, "f.provider_id = %lld", (long long)a->provider_id), 0;
	return -1;
}

#define FINDING_SQL                                                                                \
	"SELECT f.id, f.org_id, o.name AS org_name, f.asset_id, f.provider_id, f.ip, f.port, f.issue," \
	" f.report, f.cves, f.severity, f.status, f.reason, f.first_seen, f.last_seen, f.times_seen,"  \
	" f.reopened, f.hostname, f.due_on, f.accepted_until FROM findings f"                         \
	" JOIN orgs o ON o.id = f.org_id"

int vuln_findings_list(sqlite3 *db, const struct actor *a, int64_t org, const char *status,
		       const char *severity, int limit, int64_t cursor, json_t **items,
		       int64_t *next_cursor, struct wr_err *e)
{
	char scope[96], sql[1024];
	*items = NULL;
	*next_cursor = 0;
	if (scope_sql(a, scope, sizeof scope))
		return wr_err_set(e, WR_EFORBIDDEN, NULL, "a viewer sees figures only");
	snprintf(sql, sizeof sql,
		 "%s WHERE %s AND (?1 = 0 OR f.org_id = ?1) AND (?2 IS NULL OR f.status = ?2)"
		 " AND (?3 IS NULL OR f.severity = ?3) AND (?4 = 0 OR f.id < ?4) ORDER BY f.id DESC LIMIT ?5",
		 FINDING_SQL, scope);
	sqlite3_stmt *st;
	int rc = db_prepare(db, sql, &st, e);
	if (rc)
		return rc;
	sqlite3_bind_int64(st, 1, org);
	db_bind_text_or_null(st, 2, status);
	db_bind_text_or_null(st, 3, severity);
	sqlite3_bind_int64(st, 4, cursor);
	sqlite3_bind_int(st, 5, limit + 1);
	return db_page(db, st, limit, NULL, items, next_cursor, e);
}

static int get_one(sqlite3 *db, const struct actor *a, int64_t id, json_t **out, struct wr_err *e)
{
	char scope[96], sql[1024];
	if (scope_sql(a, scope, sizeof scope))
		return wr_err_set(e, WR_ENOTFOUND, NULL, "no such finding");
	snprintf(sql, sizeof sql, "%s WHERE f.id = ?1 AND %s", FINDING_SQL, scope);
	sqlite3_stmt *st;
	int rc = db_prepare(db, sql, &st, e);
	if (rc)
		return rc;
	sqlite3_bind_int64(st, 1, id);
	rc = sqlite3_step(st);
	*out = rc == SQLITE_ROW ? db_row_json(st) : NULL;
	sqlite3_finalize(st);
	if (rc == SQLITE_DONE)
		return wr_err_set(e, WR_ENOTFOUND, NULL, "no such finding");
	return rc == SQLITE_ROW ? 0 : db_fail(db, e);
}

/* An acceptance's last day: a date after today and at most a year ahead
 * (a risk is accepted for a while, then looked at again). */
#define ACCEPT_MAX_DAYS 366
static int check_until(const char *until, struct wr_err *e)
{
	int64_t day, today = time_now() / 86400 * 86400;
	if (time_parse_date(until, &day) || strlen(until) != 10)
		return wr_err_set(e, WR_EINVAL, "until", "is not a date (2027-03-31)");
	if (day <= today)
		return wr_err_set(e, WR_EINVAL, "until", "must be after today");
	if (day > today + ACCEPT_MAX_DAYS * 86400LL)
		return wr_err_set(e, WR_EINVAL, "until", "must be within a year: accept a risk for a while, then look again");
	return 0;
}

int vuln_finding_update(sqlite3 *db, const struct actor *a, int64_t id, const json_t *body,
			json_t **out, struct wr_err *e)
{
	static const char *const allowed[] = {"status", "reason", "until", NULL};
	const char *status, *reason = NULL, *until = NULL;
	*out = NULL;
	int rc = json_reject_unknown(body, allowed, e);
	if (!rc)
		rc = json_get_string(body, "status", 1, &status, NULL, e);
	if (!rc)
		rc = json_get_string(body, "reason", 0, &reason, NULL, e);
	if (!rc)
		rc = json_get_string(body, "until", 0, &until, NULL, e);
	if (rc)
		return rc;
	int accepted = !strcmp(status, "accepted");
	if (strcmp(status, "open") && strcmp(status, "acknowledged") && strcmp(status, "fixed") && !accepted &&
	    strcmp(status, "false-positive"))
		return wr_err_set(e, WR_EINVAL, "status", "is not open, acknowledged, fixed, accepted or false-positive");
	if ((accepted || !strcmp(status, "false-positive")) && (!reason || !*reason))
		return wr_err_set(e, WR_EINVAL, "reason", "is required to accept a risk or call it a false positive");
	if (accepted && !until)
		return wr_err_set(e, WR_EINVAL, "until", "is required: the last day the risk is accepted");
	if (!accepted && until)
		return wr_err_set(e, WR_EINVAL, "until", "is only for an accepted risk");
	if (until && (rc = check_until(until, e)))
		return rc;
	json_t *cur;
	if ((rc = get_one(db, a, id, &cur, e)))
		return rc;
	json_decref(cur);
	if (a->role == ROLE_VIEWER)
		return wr_err_set(e, WR_EFORBIDDEN, NULL, "a viewer changes nothing");
	char now[32];
	time_format_rfc3339((time_t)time_now(), now, sizeof now);
	sqlite3_stmt *st;
	if ((rc = db_begin(db, e)))
		return rc;
	rc = db_prepare(db, "UPDATE findings SET status = ?2, reason = ?3, updated_at = ?4, accepted_until = ?5"
			    " WHERE id = ?1",
			    &st, e);
	if (!rc) {
		sqlite3_bind_int64(st, 1, id);
		sqlite3_bind_text(st, 2, status, -1, SQLITE_STATIC);
		db_bind_text_or_null(st, 3, reason);
		sqlite3_bind_text(st, 4, now, -1, SQLITE_STATIC);
		db_bind_text_or_null(st, 5, until);
		rc = db_step_done(db, st, e);
	}
	if (!rc)
		rc = journal_append(db, a->name, "finding.update", "finding", id, body, e);
	if (!rc)
		rc = db_commit(db, e);
	if (rc) {
		db_rollback(db);
		return rc;
	}
	return get_one(db, a, id, out, e);
}

int vuln_acceptances_expire(sqlite3 *db, int64_t now, size_t *n, struct wr_err *e)
{
	char today[32], nows[32];
	time_format_rfc3339((time_t)now, nows, sizeof nows);
	snprintf(today, sizeof today, "%.10s", nows);
	*n = 0;
	sqlite3_stmt *st;
	int rc = db_prepare(db,
			    "UPDATE findings SET status = 'open', accepted_until = NULL, updated_at = ?2"
			    " WHERE status = 'accepted' AND accepted_until < ?1 RETURNING id",
			    &st, e);
	if (rc)
		return rc;
	sqlite3_bind_text(st, 1, today, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 2, nows, -1, SQLITE_STATIC);
	/* RETURNING gives the new row: the ids first, journalled after the
	 * statement has run to its end (SQLite's rule for RETURNING). */
	json_t *ids = json_array();
	int s;
	while (ids && (s = sqlite3_step(st)) == SQLITE_ROW)
		json_array_append_new(ids, json_integer(sqlite3_column_int64(st, 0)));
	sqlite3_finalize(st);
	if (!ids)
		return wr_err_set(e, WR_ENOMEM, NULL, "out of memory");
	if (s != SQLITE_DONE)
		rc = db_fail(db, e);
	size_t i;
	json_t *id;
	json_array_foreach (ids, i, id) {
		json_t *d = rc ? NULL : json_pack("{s:s}", "status", "open");
		rc = rc ? rc
		     : d ? journal_append(db, "system", "finding.acceptance_expired", "finding", json_integer_value(id), d, e)
			 : wr_err_set(e, WR_ENOMEM, NULL, "out of memory");
		json_decref(d);
	}
	if (!rc)
		*n = json_array_size(ids);
	json_decref(ids);
	return rc;
}

int vuln_unrouted(sqlite3 *db, const struct actor *a, json_t **items, struct wr_err *e)
{
	*items = NULL;
	if (!scope_is_staff(a))
		return wr_err_set(e, WR_EFORBIDDEN, NULL, "the war room's list");
	/* The /24 of an IPv4 address: the text up to its last dot. */
	sqlite3_stmt *st;
	int rc = db_prepare(db,
			    "SELECT CASE WHEN instr(ip, ':') = 0 THEN rtrim(ip, '0123456789') || '0/24'"
			    " ELSE ip END AS prefix, count(*) AS events, group_concat(DISTINCT asn) AS asns,"
			    " group_concat(DISTINCT issue) AS issues, min(seen_at) AS first_seen,"
			    " max(seen_at) AS last_seen FROM vuln_events WHERE org_id IS NULL AND ip <> ''"
			    " GROUP BY prefix ORDER BY events DESC, prefix LIMIT 1000",
			    &st, e);
	if (rc)
		return rc;
	json_t *arr = json_array();
	while ((rc = sqlite3_step(st)) == SQLITE_ROW)
		json_array_append_new(arr, db_row_json(st));
	sqlite3_finalize(st);
	if (rc != SQLITE_DONE) {
		json_decref(arr);
		return db_fail(db, e);
	}
	*items = arr;
	return 0;
}

int vuln_finding_software(sqlite3 *db, const struct sw_finding *f, enum finding_change *change,
			  struct wr_err *e)
{
	sqlite3_stmt *st;
	int rc = db_prepare(db, "SELECT status FROM findings WHERE org_id = ?1 AND ip = ?2 AND issue = ?3", &st, e);
	if (rc)
		return rc;
	sqlite3_bind_int64(st, 1, f->org_id);
	sqlite3_bind_text(st, 2, f->asset, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 3, f->cve, -1, SQLITE_STATIC);
	int s = sqlite3_step(st);
	*change = s != SQLITE_ROW ? FINDING_OPENED
		  : !strcmp((const char *)sqlite3_column_text(st, 0), "fixed") ? FINDING_REOPENED
									       : FINDING_REFRESHED;
	sqlite3_finalize(st);
	if (s != SQLITE_ROW && s != SQLITE_DONE)
		return db_fail(db, e);
	rc = db_prepare(db,
			"INSERT INTO findings (org_id, asset_id, provider_id, ip, port, issue, report, cves,"
			" severity, status, first_seen, last_seen, updated_at, due_on) VALUES"
			" (?1,?2,?3,?4,NULL,?5,'software',?5,?6,'open',?7,?7,?7,?8)"
			" ON CONFLICT (org_id, ip, issue) DO UPDATE SET last_seen = max(last_seen, ?7),"
			" times_seen = times_seen + 1, reopened = reopened + (status = 'fixed'),"
			" status = CASE WHEN status = 'fixed' THEN 'open' ELSE status END,"
			" asset_id = ?2, provider_id = ?3, severity = ?6, due_on = ?8, updated_at = ?7",
			&st, e);
	if (rc)
		return rc;
	sqlite3_bind_int64(st, 1, f->org_id);
	sqlite3_bind_int64(st, 2, f->asset_id);
	if (f->provider_id)
		sqlite3_bind_int64(st, 3, f->provider_id);
	else
		sqlite3_bind_null(st, 3);
	sqlite3_bind_text(st, 4, f->asset, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 5, f->cve, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 6, f->severity, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 7, f->seen, -1, SQLITE_STATIC);
	db_bind_text_or_null(st, 8, f->due_on);
	return db_step_done(db, st, e);
}
