/* The tasks of an incident: a playbook applied, tasks by hand, assigned,
 * done or skipped with a reason (incidents.h, docs/incidents.md). Everyone
 * who sees the incident sees its tasks; each change is on the timeline and
 * in the journal. */
#include "incidents/incidents.h"

#include <stdio.h>
#include <string.h>

#include "base/jsonutil.h"
#include "base/timeutil.h"
#include "incidents/inc_internal.h"
#include "incidents/playbook.h"
#include "store/db.h"

#define TASK_SQL                                                                                  \
	"SELECT id, incident_id, playbook, step, title, guidance, owner_role, assignee, due_at,"     \
	" status, reason, closed_by, closed_at, created_by, created_at FROM incident_tasks"

static json_t *task_json(sqlite3_stmt *st)
{
	int64_t now = time_now();
	json_t *o = db_row_json(st);
	if (!o)
		return NULL;
	int64_t due = 0;
	const char *d = json_string_value(json_object_get(o, "due_at"));
	if (d)
		time_parse_rfc3339(d, &due);
	const char *open = json_string_value(json_object_get(o, "status"));
	json_object_set_new(o, "overdue", json_boolean(open && !strcmp(open, "open") && due && incident_past_due(due, now)));
	return o;
}

/* The tasks of incident id, or only task when it is not 0. */
static int query_tasks(sqlite3 *db, int64_t id, int64_t task, json_t **items, struct wr_err *e)
{
	return inc_rows(db, task ? TASK_SQL " WHERE incident_id = ?1 AND id = ?2"
				 : TASK_SQL " WHERE incident_id = ?1 ORDER BY coalesce(due_at, '9'), id",
			id, task, task_json, items, e);
}

int incident_tasks_list(sqlite3 *db, const struct actor *a, int64_t id, json_t **items,
			struct wr_err *e)
{
	*items = NULL;
	int rc = inc_visible(db, a, id, e);
	return rc ? rc : query_tasks(db, id, 0, items, e);
}

/* One task of incident id as *out, after rc (the outcome of a change). */
static int one_task(sqlite3 *db, int rc, int64_t id, int64_t task, json_t **out, struct wr_err *e)
{
	json_t *items;
	*out = NULL;
	if (rc || (rc = query_tasks(db, id, task, &items, e)))
		return rc;
	*out = json_incref(json_array_get(items, 0));
	json_decref(items);
	return *out ? 0 : wr_err_set(e, WR_ENOTFOUND, NULL, "no such task");
}

/* The incident as the actor sees it (404 otherwise), refused to anyone but
 * the war room and the town (403) and when the incident is over (409). */
static int open_for_change(sqlite3 *db, const struct actor *a, int64_t id, int providers_too,
			   json_t **inc, struct wr_err *e)
{
	int rc = incident_get(db, a, id, inc, e);
	if (rc)
		return rc;
	const char *status = json_string_value(json_object_get(*inc, "status"));
	if ((rc = inc_party(db, a, id, e)))
		;
	else if (!scope_is_staff(a) && a->role != ROLE_SPOC && !(providers_too && a->role == ROLE_PROVIDER))
		rc = wr_err_set(e, WR_EFORBIDDEN, NULL, "the war room or the town's SPOC changes tasks");
	else if (incident_status_final(status))
		rc = wr_err_set(e, WR_ECONFLICT, "status", "the incident is %s: its tasks no longer change",
				status);
	if (rc) {
		json_decref(*inc);
		*inc = NULL;
	}
	return rc;
}

/* A user name to assign a task to: an active account that can see the
 * incident itself (else it could not do the task). */
static int check_assignee(sqlite3 *db, int64_t id, const char *name, struct wr_err *e)
{
	sqlite3_stmt *st;
	int rc = db_prepare(db, "SELECT role, coalesce(org_id, 0), coalesce(provider_id, 0) FROM users"
				" WHERE name = ?1 AND disabled = 0", &st, e);
	if (rc)
		return rc;
	sqlite3_bind_text(st, 1, name, -1, SQLITE_STATIC);
	struct actor u = {0};
	int found = sqlite3_step(st) == SQLITE_ROW &&
		    !role_parse((const char *)sqlite3_column_text(st, 0), &u.role);
	u.org_id = sqlite3_column_int64(st, 1);
	u.provider_id = sqlite3_column_int64(st, 2);
	sqlite3_finalize(st);
	if (!found)
		return wr_err_set(e, WR_EINVAL, "assignee", "is not an active account");
	char scope[INC_SCOPE_MAX], sql[400 + INC_SCOPE_MAX];
	inc_scope_sql(&u, scope, sizeof scope);
	snprintf(sql, sizeof sql, "SELECT count(*) FROM incidents i WHERE i.id = ?1 AND %s", scope);
	int64_t sees = 0;
	if ((rc = db_query_int(db, sql, id, &sees, e)))
		return rc;
	return sees ? 0 : wr_err_set(e, WR_EINVAL, "assignee", "cannot see this incident");
}

static int insert_task(sqlite3 *db, int64_t id, const char *playbook, const char *step,
		       const char *title, const char *guidance, const char *owner, const char *assignee,
		       const char *due, const char *by, const char *now, struct wr_err *e)
{
	sqlite3_stmt *st;
	int rc = db_prepare(db, "INSERT INTO incident_tasks (incident_id, playbook, step, title, guidance,"
				" owner_role, assignee, due_at, created_by, created_at)"
				" VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10)", &st, e);
	if (rc)
		return rc;
	sqlite3_bind_int64(st, 1, id);
	db_bind_text_or_null(st, 2, playbook);
	db_bind_text_or_null(st, 3, step);
	sqlite3_bind_text(st, 4, title, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 5, guidance ? guidance : "", -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 6, owner, -1, SQLITE_STATIC);
	db_bind_text_or_null(st, 7, assignee);
	db_bind_text_or_null(st, 8, due);
	sqlite3_bind_text(st, 9, by, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 10, now, -1, SQLITE_STATIC);
	return db_step_done(db, st, e);
}

int incident_apply_playbook(sqlite3 *db, const struct actor *a, int64_t id, const json_t *body,
			    json_t **out, struct wr_err *e)
{
	static const char *const allowed[] = {"playbook", NULL};
	*out = NULL;
	const char *name;
	int rc = json_reject_unknown(body, allowed, e);
	if (rc || (rc = json_get_string(body, "playbook", 1, &name, NULL, e)))
		return rc;
	const struct playbook *pb = playbook_find(name);
	if (!pb)
		return wr_err_set(e, WR_EINVAL, "playbook", "is not a playbook (GET /api/v1/playbooks)");
	json_t *inc;
	if ((rc = open_for_change(db, a, id, 0, &inc, e)))
		return rc;
	int64_t aware = 0;
	time_parse_rfc3339(json_string_value(json_object_get(inc, "aware_at")), &aware);
	json_decref(inc);
	char now[32];
	inc_now(now);
	if ((rc = db_begin(db, e)))
		return rc;
	sqlite3_stmt *st;
	rc = db_prepare(db, "INSERT INTO incident_playbooks (incident_id, playbook, version, applied_by,"
			    " applied_at) VALUES (?1, ?2, ?3, ?4, ?5)", &st, e);
	if (!rc) {
		sqlite3_bind_int64(st, 1, id);
		sqlite3_bind_text(st, 2, pb->id, -1, SQLITE_STATIC);
		sqlite3_bind_text(st, 3, pb->version, -1, SQLITE_STATIC);
		sqlite3_bind_text(st, 4, a->name, -1, SQLITE_STATIC);
		sqlite3_bind_text(st, 5, now, -1, SQLITE_STATIC);
		rc = db_step_done(db, st, e);
		if (rc == WR_ECONFLICT)
			rc = wr_err_set(e, WR_ECONFLICT, "playbook", "this playbook was already applied");
	}
	const json_t *tasks = json_object_get(pb->doc, "tasks");
	size_t i;
	const json_t *t;
	json_array_foreach(tasks, i, t)
	{
		if (rc)
			break;
		int64_t due = playbook_task_due(aware, t);
		char d[32] = "";
		if (due)
			time_format_rfc3339((time_t)due, d, sizeof d);
		rc = insert_task(db, id, pb->id, json_string_value(json_object_get(t, "id")),
				 json_string_value(json_object_get(t, "title")),
				 json_string_value(json_object_get(t, "guidance")),
				 json_string_value(json_object_get(t, "owner")), NULL, d, a->name, now, e);
	}
	char text[160];
	snprintf(text, sizeof text, "playbook applied: %s (version %s), %zu tasks", pb->id, pb->version,
		 json_array_size(tasks));
	if (!rc)
		rc = inc_timeline_add(db, id, a->name, "task", text, 0, now, e);
	json_t *d = json_pack("{s:s, s:s}", "playbook", pb->id, "version", pb->version);
	rc = inc_commit(db, a, id, "incident.playbook", d, rc, e);
	json_decref(d);
	json_t *items;
	if (rc || (rc = query_tasks(db, id, 0, &items, e)))
		return rc;
	*out = json_pack("{s:s, s:s, s:o}", "playbook", pb->id, "version", pb->version, "tasks", items);
	return *out ? 0 : wr_err_set(e, WR_ENOMEM, NULL, "out of memory");
}

static int owner_ok(const char *s)
{
	return !strcmp(s, "town") || !strcmp(s, "war-room") || !strcmp(s, "provider");
}

int incident_task_add(sqlite3 *db, const struct actor *a, int64_t id, const json_t *body,
		      json_t **out, struct wr_err *e)
{
	static const char *const allowed[] = {"title", "owner_role", "due_at", "guidance", "assignee",
					      NULL};
	*out = NULL;
	const char *title, *owner, *guidance = NULL, *assignee = NULL;
	char due[32];
	int rc = json_reject_unknown(body, allowed, e);
	if (rc || (rc = json_get_string(body, "title", 1, &title, NULL, e)) ||
	    (rc = json_get_string(body, "owner_role", 1, &owner, NULL, e)) ||
	    (rc = json_get_string(body, "guidance", 0, &guidance, NULL, e)) ||
	    (rc = json_get_string(body, "assignee", 0, &assignee, NULL, e)) ||
	    (rc = inc_time_field(body, "due_at", 0, due, e)))
		return rc;
	if (!*title || strlen(title) > 200)
		return wr_err_set(e, WR_EINVAL, "title", "must have 1 to 200 characters");
	if (!owner_ok(owner))
		return wr_err_set(e, WR_EINVAL, "owner_role", "is not town, war-room or provider");
	if (guidance && strlen(guidance) > 2000)
		return wr_err_set(e, WR_EINVAL, "guidance", "must have at most 2000 characters");
	json_t *inc;
	if ((rc = open_for_change(db, a, id, 0, &inc, e)))
		return rc;
	json_decref(inc);
	if (assignee && *assignee && (rc = check_assignee(db, id, assignee, e)))
		return rc;
	char now[32];
	inc_now(now);
	if ((rc = db_begin(db, e)))
		return rc;
	rc = insert_task(db, id, NULL, NULL, title, guidance, owner, assignee, due, a->name, now, e);
	int64_t task = sqlite3_last_insert_rowid(db);
	char text[260];
	snprintf(text, sizeof text, "task added: %s", title);
	if (!rc)
		rc = inc_timeline_add(db, id, a->name, "task", text, 0, now, e);
	json_t *d = json_pack("{s:I}", "task_id", (json_int_t)task);
	rc = inc_commit(db, a, id, "incident.task.add", d, rc, e);
	json_decref(d);
	return one_task(db, rc, id, task, out, e);
}

static void assign_text(char *out, size_t n, const char *assignee, const char *title)
{
	if (assignee && *assignee)
		snprintf(out, n, "task assigned to %s: %s", assignee, title);
	else
		snprintf(out, n, "task unassigned: %s", title);
}

int incident_task_update(sqlite3 *db, const struct actor *a, int64_t id, int64_t task,
			 const json_t *body, json_t **out, struct wr_err *e)
{
	static const char *const allowed[] = {"status", "reason", "assignee", NULL};
	*out = NULL;
	const char *to = NULL, *reason = NULL, *assignee = NULL;
	int has_assignee = 0;
	int rc = json_reject_unknown(body, allowed, e);
	if (rc || (rc = json_get_string(body, "status", 0, &to, NULL, e)) ||
	    (rc = json_get_string(body, "reason", 0, &reason, NULL, e)) ||
	    (rc = json_get_string(body, "assignee", 0, &assignee, &has_assignee, e)))
		return rc;
	has_assignee |= json_object_get(body, "assignee") != NULL; /* null unassigns */
	if (!to && !has_assignee)
		return wr_err_set(e, WR_EINVAL, "status", "a change needs status or assignee");
	if (reason && strlen(reason) > 2000)
		return wr_err_set(e, WR_EINVAL, "reason", "must have at most 2000 characters");
	json_t *inc, *t;
	if ((rc = open_for_change(db, a, id, 1, &inc, e)))
		return rc;
	json_decref(inc);
	if ((rc = one_task(db, 0, id, task, &t, e)))
		return rc;
	char from[16], title[210], owner[16];
	snprintf(from, sizeof from, "%s", json_string_value(json_object_get(t, "status")));
	snprintf(title, sizeof title, "%s", json_string_value(json_object_get(t, "title")));
	snprintf(owner, sizeof owner, "%s", json_string_value(json_object_get(t, "owner_role")));
	json_decref(t);
	/* A provider (with the town's consent) does its own tasks, nothing more. */
	if (a->role == ROLE_PROVIDER && (strcmp(owner, "provider") || has_assignee))
		return wr_err_set(e, WR_EFORBIDDEN, NULL, "a provider changes the status of its own tasks only");
	if (to && !incident_task_transition_ok(from, to))
		return wr_err_set(e, WR_ECONFLICT, "status", "a task cannot go from %s to %s", from, to);
	if (to && !strcmp(to, "skipped") && (!reason || !*reason))
		return wr_err_set(e, WR_EINVAL, "reason", "says why the task does not apply");
	if (has_assignee && assignee && *assignee && (rc = check_assignee(db, id, assignee, e)))
		return rc;
	char now[32];
	inc_now(now);
	if ((rc = db_begin(db, e)))
		return rc;
	sqlite3_stmt *st;
	rc = db_prepare(db, "UPDATE incident_tasks SET"
			    " status = coalesce(?3, status),"
			    " reason = CASE WHEN ?3 IS NULL THEN reason WHEN ?3 = 'skipped' THEN ?4 ELSE NULL END,"
			    " closed_by = CASE WHEN ?3 IS NULL THEN closed_by WHEN ?3 = 'open' THEN NULL ELSE ?5 END,"
			    " closed_at = CASE WHEN ?3 IS NULL THEN closed_at WHEN ?3 = 'open' THEN NULL ELSE ?6 END,"
			    " assignee = CASE WHEN ?7 THEN ?8 ELSE assignee END"
			    " WHERE incident_id = ?1 AND id = ?2", &st, e);
	if (!rc) {
		sqlite3_bind_int64(st, 1, id);
		sqlite3_bind_int64(st, 2, task);
		db_bind_text_or_null(st, 3, to);
		db_bind_text_or_null(st, 4, reason);
		sqlite3_bind_text(st, 5, a->name, -1, SQLITE_STATIC);
		sqlite3_bind_text(st, 6, now, -1, SQLITE_STATIC);
		sqlite3_bind_int(st, 7, has_assignee);
		db_bind_text_or_null(st, 8, assignee);
		rc = db_step_done(db, st, e);
	}
	char text[2400];
	if (to)
		snprintf(text, sizeof text, "task %s: %s%s%s%s", !strcmp(to, "open") ? "reopened" : to, title,
			 reason && !strcmp(to, "skipped") ? " (" : "", reason && !strcmp(to, "skipped") ? reason : "",
			 reason && !strcmp(to, "skipped") ? ")" : "");
	else
		assign_text(text, sizeof text, assignee, title);
	if (!rc)
		rc = inc_timeline_add(db, id, a->name, "task", text, 0, now, e);
	if (!rc && to && has_assignee) {
		assign_text(text, sizeof text, assignee, title);
		rc = inc_timeline_add(db, id, a->name, "task", text, 0, now, e);
	}
	json_t *d = json_pack("{s:I, s:s?, s:s?}", "task_id", (json_int_t)task, "status", to,
			      "assignee", assignee);
	rc = inc_commit(db, a, id, "incident.task.update", d, rc, e);
	json_decref(d);
	return one_task(db, rc, id, task, out, e);
}
