/* Escalation steps, the call list and calls (comms/escalation.h). */
#include "comms/escalation.h"

#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "audit/journal.h"
#include "base/jsonutil.h"
#include "base/timeutil.h"
#include "store/db.h"

#define MAX_STEPS 10
#define MAX_AFTER_MINUTES (30 * 24 * 60)

static const char *const actions[] = {"email", "sms", "call", NULL};
static const char *const contact_roles[] = {"spoc", "deputy", "ciso", "it-lead", "mayor", "dpo", NULL};
static const char *const outcomes[] = {"reached", "no-answer", "voicemail", "wrong-number", NULL};

static int one_of(const char *v, const char *const *set)
{
	for (int i = 0; set[i]; i++)
		if (!strcmp(v, set[i]))
			return 1;
	return 0;
}

json_t *escalation_default(void)
{
	return json_pack("[{s:i, s:s, s:[s]}, {s:i, s:s, s:[s]}, {s:i, s:s}]", "after_minutes", 0,
			 "action", "email", "roles", "deputy", "after_minutes", 60, "action", "sms",
			 "roles", "spoc", "after_minutes", 120, "action", "call");
}

int escalation_check(const json_t *policy, struct wr_err *e)
{
	static const char *const keys[] = {"after_minutes", "action", "roles", NULL};
	if (!policy || json_is_null(policy))
		return 0;
	if (!json_is_array(policy) || json_array_size(policy) > MAX_STEPS)
		return wr_err_set(e, WR_EINVAL, "escalation", "must be a list of at most %d steps",
				  MAX_STEPS);
	size_t i;
	const json_t *s;
	json_int_t prev = 0;
	json_array_foreach(policy, i, s)
	{
		char field[48];
		snprintf(field, sizeof field, "escalation[%zu]", i);
		if (!json_is_object(s))
			return wr_err_set(e, WR_EINVAL, field,
					  "must be {\"after_minutes\", \"action\", \"roles\"}");
		int rc = json_reject_unknown(s, keys, e);
		if (rc)
			return rc;
		const json_t *after = json_object_get(s, "after_minutes");
		if (!json_is_integer(after) || json_integer_value(after) < 0 ||
		    json_integer_value(after) > MAX_AFTER_MINUTES)
			return wr_err_set(e, WR_EINVAL, field,
					  "after_minutes must be a whole number from 0 to %d",
					  MAX_AFTER_MINUTES);
		if (json_integer_value(after) < prev)
			return wr_err_set(e, WR_EINVAL, field,
					  "after_minutes must not be less than the step before's");
		prev = json_integer_value(after);
		const char *action = json_string_value(json_object_get(s, "action"));
		if (!action || !one_of(action, actions))
			return wr_err_set(e, WR_EINVAL, field, "action must be email, sms or call");
		const json_t *roles = json_object_get(s, "roles");
		if (!strcmp(action, "call")) {
			if (roles)
				return wr_err_set(e, WR_EINVAL, field,
						  "a call step has no roles: the call list shows the "
						  "SPOC and deputies");
			continue;
		}
		if (!json_is_array(roles) || !json_array_size(roles) || json_array_size(roles) > 6)
			return wr_err_set(e, WR_EINVAL, field, "roles must be a list of contact roles");
		size_t k;
		const json_t *r;
		json_array_foreach(roles, k, r)
		{
			if (!json_is_string(r) || !one_of(json_string_value(r), contact_roles))
				return wr_err_set(e, WR_EINVAL, field, "roles[%zu] is not a contact role",
						  k);
		}
	}
	return 0;
}

/* The recipient towns of advisory ?1 that neither acknowledged nor had step ?2. */
#define TOWNS_WITHOUT_STEP                                                                         \
	" FROM deliveries d WHERE d.advisory_id = ?1 AND d.step = 0 AND NOT EXISTS (SELECT 1"     \
	" FROM acks k WHERE k.advisory_id = ?1 AND k.org_id = d.org_id) AND NOT EXISTS (SELECT 1" \
	" FROM escalations x WHERE x.advisory_id = ?1 AND x.org_id = d.org_id AND x.step = ?2)"

/* Runs step k (1-based) of advisory id for its unacknowledged towns that
 * have not had it: one transaction. */
static int run_step(sqlite3 *db, int64_t id, int k, const json_t *step, const char *now,
		    int *executed, struct wr_err *e)
{
	const char *action = json_string_value(json_object_get(step, "action"));
	sqlite3_stmt *st;
	/* A read first: a pass that finds nothing to do takes no write lock. */
	int rc = db_prepare(db, "SELECT EXISTS (SELECT 1" TOWNS_WITHOUT_STEP ")", &st, e);
	if (rc)
		return rc;
	sqlite3_bind_int64(st, 1, id);
	sqlite3_bind_int(st, 2, k);
	int todo = sqlite3_step(st) == SQLITE_ROW && sqlite3_column_int(st, 0);
	sqlite3_finalize(st);
	if (!todo)
		return 0;
	if ((rc = db_begin(db, e)))
		return rc;
	rc = db_prepare(db,
			"INSERT INTO escalations (advisory_id, org_id, step, action, at)"
			" SELECT DISTINCT ?1, d.org_id, ?2, ?3, ?4" TOWNS_WITHOUT_STEP,
			&st, e);
	if (!rc) {
		sqlite3_bind_int64(st, 1, id);
		sqlite3_bind_int(st, 2, k);
		sqlite3_bind_text(st, 3, action, -1, SQLITE_STATIC);
		sqlite3_bind_text(st, 4, now, -1, SQLITE_STATIC);
		rc = db_step_done(db, st, e);
	}
	int towns = rc ? 0 : sqlite3_changes(db);
	if (!rc && towns && strcmp(action, "call")) {
		/* The step's messages, to the town's contacts of today. */
		char *roles = json_dumps(json_object_get(step, "roles"), JSON_COMPACT);
		rc = roles ? db_prepare(db,
					"INSERT OR IGNORE INTO deliveries (advisory_id, org_id, contact_id, name,"
					" role, channel, step, address, message_id, status, next_attempt_at)"
					" SELECT ?1, c.org_id, c.id, c.name, c.role, ?3, ?2,"
					" CASE ?3 WHEN 'sms' THEN c.mobile ELSE c.email END,"
					" printf('<wr-%d-%d-%s%d-%s@warroom>', ?1, c.id, ?3, ?2, hex(randomblob(6))),"
					" 'queued', ?4 FROM contacts c JOIN escalations x ON x.org_id = c.org_id"
					" AND x.advisory_id = ?1 AND x.step = ?2 AND x.at = ?4 WHERE c.active = 1"
					" AND c.role IN (SELECT value FROM json_each(?5))"
					" AND coalesce(CASE ?3 WHEN 'sms' THEN c.mobile ELSE c.email END, '') != ''",
					&st, e)
			   : wr_err_set(e, WR_ENOMEM, NULL, "out of memory");
		if (!rc) {
			sqlite3_bind_int64(st, 1, id);
			sqlite3_bind_int(st, 2, k);
			sqlite3_bind_text(st, 3, action, -1, SQLITE_STATIC);
			sqlite3_bind_text(st, 4, now, -1, SQLITE_STATIC);
			sqlite3_bind_text(st, 5, roles, -1, SQLITE_STATIC);
			rc = db_step_done(db, st, e);
		}
		free(roles);
		if (!rc)
			rc = db_prepare(db,
					"UPDATE escalations SET messages = (SELECT count(*) FROM deliveries d"
					" WHERE d.advisory_id = ?1 AND d.org_id = escalations.org_id AND d.step = ?2)"
					" WHERE advisory_id = ?1 AND step = ?2 AND at = ?3",
					&st, e);
		if (!rc) {
			sqlite3_bind_int64(st, 1, id);
			sqlite3_bind_int(st, 2, k);
			sqlite3_bind_text(st, 3, now, -1, SQLITE_STATIC);
			rc = db_step_done(db, st, e);
		}
	}
	if (!rc && towns) {
		json_t *d = json_pack("{s:i, s:s, s:i}", "step", k, "action", action, "towns", towns);
		rc = journal_append(db, "escalation", "advisory.escalate", "advisory", id, d, e);
		json_decref(d);
	}
	if (!rc)
		rc = db_commit(db, e);
	if (rc) {
		db_rollback(db);
		return rc;
	}
	if (executed)
		*executed += towns;
	return 0;
}

int escalation_pass(sqlite3 *db, int64_t now, int *executed, struct wr_err *e)
{
	if (executed)
		*executed = 0;
	/* Advisories that asked for an acknowledgement and still miss one. */
	sqlite3_stmt *st;
	int rc = db_prepare(db,
			    "SELECT a.id, a.ack_deadline, a.escalation FROM advisories a"
			    " WHERE a.ack_required = 1 AND a.ack_deadline IS NOT NULL"
			    " AND a.status IN ('sending','sent') AND EXISTS (SELECT 1 FROM deliveries d"
			    " WHERE d.advisory_id = a.id AND d.step = 0 AND NOT EXISTS (SELECT 1 FROM acks k"
			    " WHERE k.advisory_id = a.id AND k.org_id = d.org_id)) ORDER BY a.id",
			    &st, e);
	if (rc)
		return rc;
	json_t *due = json_array();
	if (!due) {
		sqlite3_finalize(st);
		return wr_err_set(e, WR_ENOMEM, NULL, "out of memory");
	}
	int s;
	while ((s = sqlite3_step(st)) == SQLITE_ROW) {
		int64_t deadline;
		if (time_parse_rfc3339((const char *)sqlite3_column_text(st, 1), &deadline) ||
		    deadline > now)
			continue;
		json_t *policy = NULL;
		if (sqlite3_column_type(st, 2) == SQLITE_NULL)
			policy = escalation_default();
		else
			policy = json_loads((const char *)sqlite3_column_text(st, 2), 0, NULL);
		if (json_is_array(policy))
			json_array_append_new(due, json_pack("{s:I, s:I, s:o}", "id",
							     (json_int_t)sqlite3_column_int64(st, 0),
							     "deadline", (json_int_t)deadline, "policy",
							     policy));
		else
			json_decref(policy);
	}
	sqlite3_finalize(st);
	if (s != SQLITE_DONE) {
		json_decref(due);
		return db_fail(db, e);
	}
	char nows[32];
	time_format_rfc3339((time_t)now, nows, sizeof nows);
	size_t i;
	json_t *adv;
	json_array_foreach(due, i, adv)
	{
		int64_t id = json_integer_value(json_object_get(adv, "id"));
		int64_t deadline = json_integer_value(json_object_get(adv, "deadline"));
		size_t k;
		json_t *step;
		json_array_foreach(json_object_get(adv, "policy"), k, step)
		{
			int64_t after = json_integer_value(json_object_get(step, "after_minutes"));
			if (deadline + after * 60 > now)
				break; /* steps are in order of time */
			if ((rc = run_step(db, id, (int)k + 1, step, nows, executed, e)))
				break;
		}
		if (rc)
			break;
	}
	json_decref(due);
	return rc;
}

/* The JSON text columns of a call-list row as JSON. */
static json_t *call_row(sqlite3_stmt *st)
{
	json_t *o = db_row_json(st);
	const char *nested[] = {"contacts", "tried", "calls"};
	for (int i = 0; o && i < 3; i++) {
		const char *s = json_string_value(json_object_get(o, nested[i]));
		json_t *v = s ? json_loads(s, 0, NULL) : NULL;
		json_object_set_new(o, nested[i], v ? v : json_array());
	}
	return o;
}

int call_list(sqlite3 *db, const struct actor *a, int64_t advisory_id, json_t **items,
	      struct wr_err *e)
{
	*items = NULL;
	if (!scope_is_staff(a))
		return wr_err_set(e, WR_EFORBIDDEN, NULL, "the call list is the war room's");
	int64_t n = 1;
	int rc = 0;
	if (advisory_id &&
	    (rc = db_query_int(db, "SELECT count(*) FROM advisories WHERE id = ?1", advisory_id, &n, e)))
		return rc;
	if (!n)
		return wr_err_set(e, WR_ENOTFOUND, NULL, "no such advisory");
	sqlite3_stmt *st;
	rc = db_prepare(
		db,
		"SELECT x.advisory_id, a.title, a.tlp, a.severity, a.ack_deadline, x.org_id,"
		" o.name AS org_name, x.at AS since,"
		" (SELECT json_group_array(json_object('name', c.name, 'role', c.role, 'mobile', c.mobile,"
		"  'phone', c.phone)) FROM (SELECT * FROM contacts c WHERE c.org_id = x.org_id"
		"  AND c.active = 1 AND c.role IN ('spoc','deputy') ORDER BY c.role DESC, c.name) c) AS contacts,"
		" (SELECT json_group_array(json_object('step', t.step, 'action', t.action, 'at', t.at,"
		"  'messages', t.messages, 'sent', (SELECT count(*) FROM deliveries d WHERE"
		"  d.advisory_id = t.advisory_id AND d.org_id = t.org_id AND d.step = t.step AND"
		"  d.status = 'sent'))) FROM (SELECT * FROM escalations t WHERE t.advisory_id = x.advisory_id"
		"  AND t.org_id = x.org_id ORDER BY t.step) t) AS tried,"
		" (SELECT json_group_array(json_object('at', k.at, 'by', k.by_name, 'outcome', k.outcome,"
		"  'note', k.note)) FROM (SELECT * FROM escalation_calls k WHERE k.advisory_id ="
		"  x.advisory_id AND k.org_id = x.org_id ORDER BY k.id) k) AS calls"
		" FROM escalations x JOIN advisories a ON a.id = x.advisory_id JOIN orgs o ON o.id = x.org_id"
		" WHERE x.action = 'call' AND (?1 = 0 OR x.advisory_id = ?1)"
		" AND NOT EXISTS (SELECT 1 FROM acks k WHERE k.advisory_id = x.advisory_id AND k.org_id = x.org_id)"
		" AND NOT EXISTS (SELECT 1 FROM escalation_calls k WHERE k.advisory_id = x.advisory_id"
		"  AND k.org_id = x.org_id AND k.outcome = 'reached')"
		" GROUP BY x.advisory_id, x.org_id ORDER BY since, a.id, o.name",
		&st, e);
	if (rc)
		return rc;
	sqlite3_bind_int64(st, 1, advisory_id);
	int64_t no_cursor;
	return db_page(db, st, INT_MAX, call_row, items, &no_cursor, e);
}

int call_record(sqlite3 *db, const struct actor *a, int64_t advisory_id, const json_t *body,
		json_t **out, struct wr_err *e)
{
	static const char *const keys[] = {"org_id", "outcome", "note", NULL};
	*out = NULL;
	if (!scope_is_staff(a))
		return wr_err_set(e, WR_EFORBIDDEN, NULL, "the call list is the war room's");
	int64_t org = 0;
	const char *outcome, *note = NULL;
	int has_note = 0;
	int rc = json_reject_unknown(body, keys, e);
	if (!rc)
		rc = json_get_int(body, "org_id", 1, &org, NULL, e);
	if (!rc)
		rc = json_get_string(body, "outcome", 1, &outcome, NULL, e);
	if (!rc)
		rc = json_get_string(body, "note", 0, &note, &has_note, e);
	if (rc)
		return rc;
	if (!one_of(outcome, outcomes))
		return wr_err_set(e, WR_EINVAL, "outcome",
				  "is not reached, no-answer, voicemail or wrong-number");
	if (has_note && strlen(note) > 2000)
		return wr_err_set(e, WR_EINVAL, "note", "is longer than 2,000 characters");
	int64_t n = 0;
	if ((rc = db_query_int(db, "SELECT count(*) FROM advisories WHERE id = ?1", advisory_id, &n, e)))
		return rc;
	if (!n)
		return wr_err_set(e, WR_ENOTFOUND, NULL, "no such advisory");
	char now[32];
	time_now_rfc3339(now, sizeof now);
	sqlite3_stmt *st;
	if ((rc = db_begin(db, e)))
		return rc;
	rc = db_prepare(db,
			"INSERT INTO escalation_calls (advisory_id, org_id, outcome, note, by_name, at)"
			" SELECT ?1, ?2, ?3, ?4, ?5, ?6 WHERE EXISTS (SELECT 1 FROM deliveries d"
			" WHERE d.advisory_id = ?1 AND d.org_id = ?2)",
			&st, e);
	if (!rc) {
		sqlite3_bind_int64(st, 1, advisory_id);
		sqlite3_bind_int64(st, 2, org);
		sqlite3_bind_text(st, 3, outcome, -1, SQLITE_STATIC);
		db_bind_text_or_null(st, 4, has_note ? note : NULL);
		sqlite3_bind_text(st, 5, a->name, -1, SQLITE_STATIC);
		sqlite3_bind_text(st, 6, now, -1, SQLITE_STATIC);
		rc = db_step_done(db, st, e);
	}
	if (!rc && !sqlite3_changes(db))
		rc = wr_err_set(e, WR_EINVAL, "org_id", "is not a town this advisory was sent to");
	int64_t call_id = sqlite3_last_insert_rowid(db);
	if (!rc) {
		json_t *d = json_pack("{s:I, s:s}", "org_id", (json_int_t)org, "outcome", outcome);
		rc = journal_append(db, a->name, "advisory.call", "advisory", advisory_id, d, e);
		json_decref(d);
	}
	if (!rc)
		rc = db_commit(db, e);
	if (rc) {
		db_rollback(db);
		return rc;
	}
	*out = json_pack("{s:I, s:I, s:I, s:s, s:o, s:s, s:s}", "id", (json_int_t)call_id,
			 "advisory_id", (json_int_t)advisory_id, "org_id", (json_int_t)org, "outcome",
			 outcome, "note", has_note ? json_string(note) : json_null(), "by", a->name,
			 "at", now);
	return *out ? 0 : wr_err_set(e, WR_ENOMEM, NULL, "out of memory");
}
