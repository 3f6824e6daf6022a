/* The cyber-audit of a town as a state machine: not-signed-up -> signed-up
 * -> scheduled -> performed -> report-received -> remediation -> closed, one
 * step at a time (a sign-up may be withdrawn before it is scheduled). Each
 * step records its date. */
#include "programme/programme.h"
#include "audit/journal.h"
#include "base/jsonutil.h"
#include "base/timeutil.h"
#include "programme/prog_internal.h"
#include "store/db.h"

#include <stdio.h>
#include <string.h>

static const char *const states[] = {"not-signed-up", "signed-up",	 "scheduled", "performed",
				     "report-received", "remediation", "closed",    NULL};
/* The date column each state sets (the first has none). */
static const char *const state_dates[] = {NULL,		    "signed_up_on", "scheduled_for",
					  "performed_on",   "report_received_on",
					  "remediation_on", "closed_on"};
static const char *const kinds[] = {"basic", "supplementary", NULL};

#define FIRM_MAX 200

int audit_state_index(const char *s)
{
	for (int i = 0; states[i]; i++)
		if (!strcmp(s, states[i]))
			return i;
	return -1;
}

#define AUDIT_COLS \
	"state, kind, firm, signed_up_on, scheduled_for, performed_on, report_received_on," \
	" remediation_on, closed_on, updated_at"

/* The audit row as JSON; a town without a row is "not-signed-up". */
static int audit_json(sqlite3 *db, int64_t org_id, json_t **out, struct wr_err *e)
{
	sqlite3_stmt *st;
	int rc = prog_prepare_today(db, "SELECT " AUDIT_COLS ", (SELECT count(*) FROM programme_findings f"
				    " WHERE f.org_id = ?1 AND f.status IN ('open','in-progress') AND f.due_on < ?2)"
				    " FROM programme_audits WHERE org_id = ?1", 2, &st, e);
	if (rc)
		return rc;
	sqlite3_bind_int64(st, 1, org_id);
	int s = sqlite3_step(st);
	json_t *o = NULL;
	if (s == SQLITE_ROW) {
		o = json_pack("{s:I,s:s,s:s,s:o,s:{s:o,s:o,s:o,s:o,s:o,s:o},s:s,s:I}", "org_id",
			      (json_int_t)org_id, "state", prog_col(st, 0), "kind", prog_col(st, 1),
			      "firm", prog_col_json(st, 2), "dates", "signed_up_on", prog_col_json(st, 3),
			      "scheduled_for", prog_col_json(st, 4), "performed_on", prog_col_json(st, 5),
			      "report_received_on", prog_col_json(st, 6), "remediation_on",
			      prog_col_json(st, 7), "closed_on", prog_col_json(st, 8), "updated_at",
			      prog_col(st, 9), "findings_overdue", (json_int_t)sqlite3_column_int64(st, 10));
	} else if (s == SQLITE_DONE) {
		o = json_pack("{s:I,s:s,s:n,s:n,s:{s:n,s:n,s:n,s:n,s:n,s:n},s:n,s:i}", "org_id",
			      (json_int_t)org_id, "state", states[0], "kind", "firm", "dates",
			      "signed_up_on", "scheduled_for", "performed_on", "report_received_on",
			      "remediation_on", "closed_on", "updated_at", "findings_overdue", 0);
	} else {
		rc = db_fail(db, e);
	}
	sqlite3_finalize(st);
	if (!rc && !o)
		rc = wr_err_set(e, WR_ENOMEM, NULL, "out of memory");
	if (!rc)
		*out = o;
	return rc;
}

int audit_get(sqlite3 *db, const struct actor *a, int64_t org_id, json_t **out,
	      struct wr_err *e)
{
	int rc = db_begin_read(db, e);
	if (rc)
		return rc;
	if (!(rc = prog_org_visible(db, a, org_id, e)))
		rc = audit_json(db, org_id, out, e);
	db_end_read(db);
	return rc;
}

static int check_edit(sqlite3 *db, const struct actor *a, int64_t org_id, struct wr_err *e)
{
	int rc = prog_org_visible(db, a, org_id, e);
	if (rc)
		return rc;
	if (!scope_can_edit_org(a, org_id))
		return wr_err_set(e, WR_EFORBIDDEN, NULL,
				  "the audit is followed by the war room and the town's SPOC");
	return 0;
}

/* The current state index, -1 when the town has no row. */
static int current_state(sqlite3 *db, int64_t org_id, int *idx, char *firm, size_t firmsz,
			 struct wr_err *e)
{
	sqlite3_stmt *st;
	int rc = prog_prepare_id(db, "SELECT state, firm FROM programme_audits WHERE org_id = ?", org_id, &st, e);
	if (rc)
		return rc;
	*idx = -1;
	firm[0] = '\0';
	int s = sqlite3_step(st);
	if (s == SQLITE_ROW) {
		*idx = audit_state_index(prog_col(st, 0));
		snprintf(firm, firmsz, "%s", prog_col(st, 1));
	} else if (s != SQLITE_DONE) {
		rc = db_fail(db, e);
	}
	sqlite3_finalize(st);
	return rc;
}

static int exec_bind(sqlite3 *db, const char *sql, int64_t org_id, const char *t1,
		     const char *t2, const char *t3, struct wr_err *e)
{
	sqlite3_stmt *st;
	int rc = prog_prepare_id(db, sql, org_id, &st, e);
	if (rc)
		return rc;
	db_bind_text_or_null(st, 2, t1);
	db_bind_text_or_null(st, 3, t2);
	db_bind_text_or_null(st, 4, t3);
	return db_step_done(db, st, e);
}

static int journal_state(sqlite3 *db, const struct actor *a, int64_t org_id, const char *action,
			 const char *state, const char *date, struct wr_err *e)
{
	json_t *j = json_pack("{s:s,s:s?}", "state", state, "date", date);
	if (!j)
		return wr_err_set(e, WR_ENOMEM, NULL, "out of memory");
	int rc = journal_append(db, a->name, action, "org", org_id, j, e);
	json_decref(j);
	return rc;
}

int audit_signup(sqlite3 *db, const struct actor *a, int64_t org_id, const json_t *body,
		 json_t **out, struct wr_err *e)
{
	static const char *const allowed[] = {"kind", "date", NULL};
	const char *kind = "basic";
	char date[11];
	time_today(date);
	int rc, idx;
	char firm[FIRM_MAX + 1];
	if ((rc = json_reject_unknown(body, allowed, e)) ||
	    (rc = json_get_string(body, "kind", 0, &kind, NULL, e)) ||
	    (rc = prog_one_of(kind, kinds, "kind", e)) ||
	    (rc = prog_get_date(body, "date", 0, date, e)))
		return rc;
	if ((rc = db_begin(db, e)))
		return rc;
	char now[40];
	time_now_rfc3339(now, sizeof now);
	if (!(rc = check_edit(db, a, org_id, e)) &&
	    !(rc = current_state(db, org_id, &idx, firm, sizeof firm, e))) {
		if (idx > 0)
			rc = wr_err_set(e, WR_ECONFLICT, "state", "the town is already %s", states[idx]);
		else
			rc = exec_bind(db, "INSERT INTO programme_audits (org_id, state, kind, signed_up_on,"
					   " updated_at) VALUES (?1, 'signed-up', ?2, ?3, ?4)"
					   " ON CONFLICT (org_id) DO UPDATE SET state = 'signed-up', kind = ?2,"
					   " signed_up_on = ?3, updated_at = ?4", org_id, kind, date, now, e);
	}
	if (!rc)
		rc = journal_state(db, a, org_id, "audit.signup", "signed-up", date, e);
	if ((rc = prog_finish(db, rc, e)))
		return rc;
	return audit_get(db, a, org_id, out, e);
}

/* Whether from -> to is one of the allowed steps. */
static int step_allowed(int from, int to)
{
	return to == from + 1 || (from == 1 && to == 0);
}

static int open_findings(sqlite3 *db, int64_t org_id, int64_t *n, struct wr_err *e)
{
	return db_query_int(db, "SELECT count(*) FROM programme_findings WHERE org_id = ?"
				" AND status IN ('open','in-progress')", org_id, n, e);
}

static int apply_update(sqlite3 *db, const struct actor *a, int64_t org_id, const json_t *body,
			struct wr_err *e)
{
	static const char *const allowed[] = {"state", "date", "firm", "kind", NULL};
	const char *state = NULL, *firm = NULL, *kind = NULL;
	char date[11], cur_firm[FIRM_MAX + 1], now[40];
	int rc, idx;
	time_today(date);
	time_now_rfc3339(now, sizeof now);
	if ((rc = json_reject_unknown(body, allowed, e)) ||
	    (rc = json_get_string(body, "state", 0, &state, NULL, e)) ||
	    (rc = prog_get_text(body, "firm", 0, FIRM_MAX, &firm, e)) ||
	    (rc = json_get_string(body, "kind", 0, &kind, NULL, e)) ||
	    (kind && (rc = prog_one_of(kind, kinds, "kind", e))) ||
	    (rc = prog_get_date(body, "date", 0, date, e)) ||
	    (state && (rc = prog_one_of(state, states, "state", e))) ||
	    (rc = check_edit(db, a, org_id, e)) ||
	    (rc = current_state(db, org_id, &idx, cur_firm, sizeof cur_firm, e)))
		return rc;
	if (idx < 0)
		return wr_err_set(e, WR_ECONFLICT, "state",
				  "the town has not signed up: POST the sign-up first");
	if (firm || kind) {
		if ((rc = exec_bind(db, "UPDATE programme_audits SET firm = coalesce(?2, firm),"
					" kind = coalesce(?3, kind), updated_at = ?4 WHERE org_id = ?1",
				    org_id, firm, kind, now, e)))
			return rc;
		if (firm)
			snprintf(cur_firm, sizeof cur_firm, "%s", firm);
	}
	if (!state || !strcmp(state, states[idx]))
		return journal_state(db, a, org_id, "audit.update", states[idx], NULL, e);
	int to = audit_state_index(state);
	if (!step_allowed(idx, to))
		return wr_err_set(e, WR_ECONFLICT, "state", "an audit goes from %s to %s, not to %s",
				  states[idx], idx + 1 < 7 ? states[idx + 1] : "nowhere", state);
	if (to == 2 && !cur_firm[0])
		return wr_err_set(e, WR_EINVAL, "firm", "is required to schedule the audit");
	int64_t n = 0;
	if (to == 6 && (rc = open_findings(db, org_id, &n, e)))
		return rc;
	if (n)
		return wr_err_set(e, WR_ECONFLICT, "state",
				  "%lld findings are still open: fix or accept them before closing",
				  (long long)n);
	char sql[200];
	if (to == 0)
		snprintf(sql, sizeof sql, "UPDATE programme_audits SET state = ?2, signed_up_on = NULL,"
			 " updated_at = ?4 WHERE org_id = ?1 AND ?3 IS NOT NULL");
	else
		snprintf(sql, sizeof sql, "UPDATE programme_audits SET state = ?2, %s = ?3,"
			 " updated_at = ?4 WHERE org_id = ?1", state_dates[to]);
	if ((rc = exec_bind(db, sql, org_id, state, date, now, e)))
		return rc;
	return journal_state(db, a, org_id, "audit.state", state, to ? date : NULL, e);
}

int audit_update(sqlite3 *db, const struct actor *a, int64_t org_id, const json_t *body,
		 json_t **out, struct wr_err *e)
{
	int rc = db_begin(db, e);
	if (rc)
		return rc;
	if ((rc = prog_finish(db, apply_update(db, a, org_id, body, e), e)))
		return rc;
	return audit_get(db, a, org_id, out, e);
}
