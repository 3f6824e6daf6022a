/* The findings of a town's cyber-audit, followed to closure: severity,
 * owner (town or provider), due date, status and the evidence of the fix.
 * A finding past its due date and not fixed or accepted is overdue. */
#include "programme/programme.h"
#include "audit/journal.h"
#include "base/jsonutil.h"
#include "base/timeutil.h"
#include "programme/prog_internal.h"
#include "store/db.h"

#include <stdio.h>
#include <string.h>

static const char *const severities[] = {"low", "medium", "high", "critical", NULL};
static const char *const owners[] = {"town", "provider", NULL};
static const char *const statuses[] = {"open", "in-progress", "fixed", "accepted", NULL};

#define TITLE_MAX 300
#define EVIDENCE_MAX 2000

#define FINDING_SELECT \
	"SELECT id, org_id, title, severity, owner, due_on, status, evidence, fixed_on, created_at," \
	" updated_at, status IN ('open','in-progress') AND due_on < ?2 FROM programme_findings"

static json_t *finding_json(sqlite3_stmt *st)
{
	return json_pack("{s:I,s:I,s:s,s:s,s:s,s:s,s:s,s:o,s:o,s:s,s:s,s:b}", "id",
			 (json_int_t)sqlite3_column_int64(st, 0), "org_id",
			 (json_int_t)sqlite3_column_int64(st, 1), "title", prog_col(st, 2), "severity",
			 prog_col(st, 3), "owner", prog_col(st, 4), "due_on", prog_col(st, 5), "status",
			 prog_col(st, 6), "evidence", prog_col_json(st, 7), "fixed_on",
			 prog_col_json(st, 8), "created_at", prog_col(st, 9), "updated_at",
			 prog_col(st, 10), "overdue", sqlite3_column_int(st, 11));
}

/* Findings of org_id (all, or the one with id when id > 0). */
static int select_findings(sqlite3 *db, int64_t org_id, int64_t id, json_t **out,
			   struct wr_err *e)
{
	sqlite3_stmt *st;
	json_t *rows;
	int rc = prog_prepare_today(db, id ? FINDING_SELECT " WHERE org_id = ?1 AND id = ?3"
				    : FINDING_SELECT " WHERE org_id = ?1 ORDER BY status IN ('fixed','accepted'),"
				      " due_on, id", 2, &st, e);
	if (rc)
		return rc;
	sqlite3_bind_int64(st, 1, org_id);
	if (id)
		sqlite3_bind_int64(st, 3, id);
	if ((rc = prog_rows_json(db, st, finding_json, &rows, e)))
		return rc;
	if (id)
		return prog_single(rows, "finding", id, out, e);
	*out = rows;
	return 0;
}

int finding_list(sqlite3 *db, const struct actor *a, int64_t org_id, json_t **items,
		 struct wr_err *e)
{
	int rc = db_begin_read(db, e);
	if (rc)
		return rc;
	if (!(rc = prog_org_visible(db, a, org_id, e)))
		rc = select_findings(db, org_id, 0, items, e);
	db_end_read(db);
	return rc;
}

struct finding_in {
	const char *title, *severity, *owner, *status, *evidence;
	char due_on[11];
};

static int read_fields(const json_t *body, int create, struct finding_in *f, struct wr_err *e)
{
	static const char *const allowed[] = {"title", "severity", "owner", "due_on",
					      "status", "evidence", NULL};
	int rc;
	f->due_on[0] = '\0';
	if ((rc = json_reject_unknown(body, allowed, e)) ||
	    (rc = prog_get_text(body, "title", create, TITLE_MAX, &f->title, e)) ||
	    (rc = json_get_string(body, "severity", create, &f->severity, NULL, e)) ||
	    (f->severity && (rc = prog_one_of(f->severity, severities, "severity", e))) ||
	    (rc = json_get_string(body, "owner", 0, &f->owner, NULL, e)) ||
	    (f->owner && (rc = prog_one_of(f->owner, owners, "owner", e))) ||
	    (rc = json_get_string(body, "status", 0, &f->status, NULL, e)) ||
	    (f->status && (rc = prog_one_of(f->status, statuses, "status", e))) ||
	    (rc = prog_get_text(body, "evidence", 0, EVIDENCE_MAX, &f->evidence, e)) ||
	    (rc = prog_get_date(body, "due_on", create, f->due_on, e)))
		return rc;
	return 0;
}

static int journal_finding(sqlite3 *db, const struct actor *a, const char *action, int64_t id,
			   int64_t org_id, const struct finding_in *f, struct wr_err *e)
{
	json_t *j = json_pack("{s:I,s:s?,s:s?,s:s?}", "org_id", (json_int_t)org_id, "severity",
			      f->severity, "status", f->status, "due_on", f->due_on[0] ? f->due_on : NULL);
	if (!j)
		return wr_err_set(e, WR_ENOMEM, NULL, "out of memory");
	int rc = journal_append(db, a->name, action, "audit_finding", id, j, e);
	json_decref(j);
	return rc;
}

static int insert_finding(sqlite3 *db, const struct actor *a, int64_t org_id,
			  struct finding_in *f, int64_t *id, struct wr_err *e)
{
	int rc;
	char state[24] = "";
	sqlite3_stmt *st;
	if ((rc = prog_org_visible(db, a, org_id, e)))
		return rc;
	if (!scope_is_staff(a))
		return wr_err_set(e, WR_EFORBIDDEN, NULL, "findings are recorded by the war room");
	if ((rc = prog_prepare_id(db, "SELECT state FROM programme_audits WHERE org_id = ?", org_id, &st, e)))
		return rc;
	if (sqlite3_step(st) == SQLITE_ROW)
		snprintf(state, sizeof state, "%s", prog_col(st, 0));
	sqlite3_finalize(st);
	int idx = audit_state_index(state);
	if (idx < audit_state_index("performed") || idx > audit_state_index("remediation"))
		return wr_err_set(e, WR_ECONFLICT, "state",
				  "findings come from a performed audit (the audit is %s)",
				  state[0] ? state : "not-signed-up");
	if (!f->status)
		f->status = "open";
	if (!f->owner)
		f->owner = "town";
	if (!strcmp(f->status, "fixed") && !f->evidence)
		return wr_err_set(e, WR_EINVAL, "evidence", "is required for a fixed finding");
	char now[40], today[11];
	time_now_rfc3339(now, sizeof now);
	time_today(today);
	if ((rc = db_prepare(db, "INSERT INTO programme_findings (org_id, title, severity, owner,"
				 " due_on, status, evidence, fixed_on, created_at, updated_at)"
				 " VALUES (?,?,?,?,?,?,?,?,?,?)", &st, e)))
		return rc;
	sqlite3_bind_int64(st, 1, org_id);
	sqlite3_bind_text(st, 2, f->title, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 3, f->severity, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 4, f->owner, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 5, f->due_on, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 6, f->status, -1, SQLITE_STATIC);
	db_bind_text_or_null(st, 7, f->evidence);
	db_bind_text_or_null(st, 8, !strcmp(f->status, "fixed") ? today : NULL);
	sqlite3_bind_text(st, 9, now, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 10, now, -1, SQLITE_STATIC);
	if ((rc = db_step_done(db, st, e)))
		return rc;
	*id = sqlite3_last_insert_rowid(db);
	return journal_finding(db, a, "finding.create", *id, org_id, f, e);
}

int finding_create(sqlite3 *db, const struct actor *a, int64_t org_id, const json_t *body,
		   json_t **out, struct wr_err *e)
{
	struct finding_in f = {0};
	int64_t id = 0;
	int rc = read_fields(body, 1, &f, e);
	if (rc || (rc = db_begin(db, e)))
		return rc;
	rc = prog_finish(db, insert_finding(db, a, org_id, &f, &id, e), e);
	return rc ? rc : select_findings(db, org_id, id, out, e);
}

/* Staff change everything; the town's SPOC and, for the findings it owns,
 * a provider of the town report progress (status, evidence). */
static int may_update(const struct actor *a, int64_t org_id, const char *owner,
		      const struct finding_in *f, struct wr_err *e)
{
	if (scope_is_staff(a))
		return 0;
	int own = (a->role == ROLE_SPOC && a->org_id == org_id) ||
		  (a->role == ROLE_PROVIDER && !strcmp(owner, "provider"));
	if (!own)
		return wr_err_set(e, WR_EFORBIDDEN, NULL, "your role may not change this finding");
	if (f->title || f->severity || f->owner || f->due_on[0])
		return wr_err_set(e, WR_EFORBIDDEN, f->title ? "title" : f->severity ? "severity"
								: f->owner ? "owner" : "due_on",
				  "only the war room changes what a finding is; report status and evidence");
	return 0;
}

static int apply_finding_update(sqlite3 *db, const struct actor *a, int64_t org_id, int64_t id,
				struct finding_in *f, struct wr_err *e)
{
	int rc = prog_org_visible(db, a, org_id, e);
	if (rc)
		return rc;
	sqlite3_stmt *st;
	if ((rc = prog_prepare_id(db, "SELECT owner, evidence IS NOT NULL FROM programme_findings"
				      " WHERE id = ?1 AND org_id = ?2", id, &st, e)))
		return rc;
	sqlite3_bind_int64(st, 2, org_id);
	char owner[16] = "";
	int has_evidence = 0;
	if (sqlite3_step(st) == SQLITE_ROW) {
		snprintf(owner, sizeof owner, "%s", prog_col(st, 0));
		has_evidence = sqlite3_column_int(st, 1);
	}
	sqlite3_finalize(st);
	if (!owner[0])
		return wr_err_set(e, WR_ENOTFOUND, NULL, "finding %lld not found", (long long)id);
	if ((rc = may_update(a, org_id, owner, f, e)))
		return rc;
	if (f->status && !strcmp(f->status, "fixed") && !f->evidence && !has_evidence)
		return wr_err_set(e, WR_EINVAL, "evidence", "is required to mark a finding fixed");
	char now[40], today[11];
	time_now_rfc3339(now, sizeof now);
	time_today(today);
	if ((rc = db_prepare(db, "UPDATE programme_findings SET title = coalesce(?3, title),"
				 " severity = coalesce(?4, severity), owner = coalesce(?5, owner),"
				 " due_on = coalesce(?6, due_on), evidence = coalesce(?7, evidence),"
				 " fixed_on = CASE WHEN ?8 IS NULL THEN fixed_on WHEN ?8 = 'fixed' THEN ?9"
				 " ELSE NULL END, status = coalesce(?8, status), updated_at = ?10"
				 " WHERE id = ?1 AND org_id = ?2", &st, e)))
		return rc;
	sqlite3_bind_int64(st, 1, id);
	sqlite3_bind_int64(st, 2, org_id);
	db_bind_text_or_null(st, 3, f->title);
	db_bind_text_or_null(st, 4, f->severity);
	db_bind_text_or_null(st, 5, f->owner);
	db_bind_text_or_null(st, 6, f->due_on);
	db_bind_text_or_null(st, 7, f->evidence);
	db_bind_text_or_null(st, 8, f->status);
	sqlite3_bind_text(st, 9, today, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 10, now, -1, SQLITE_STATIC);
	if ((rc = db_step_done(db, st, e)))
		return rc;
	return journal_finding(db, a, "finding.update", id, org_id, f, e);
}

int finding_update(sqlite3 *db, const struct actor *a, int64_t org_id, int64_t id,
		   const json_t *body, json_t **out, struct wr_err *e)
{
	struct finding_in f = {0};
	int rc = read_fields(body, 0, &f, e);
	if (rc || (rc = db_begin(db, e)))
		return rc;
	rc = prog_finish(db, apply_finding_update(db, a, org_id, id, &f, e), e);
	return rc ? rc : select_findings(db, org_id, id, out, e);
}
