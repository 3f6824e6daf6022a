/* What falls due: the legal clocks and the tasks of open incidents that are
 * overdue or due within the coming hours, soonest first, for the war room
 * (incidents.h, docs/incidents.md). Sending reminders is the
 * communications engine's work; this is the list it and the dashboard read. */
#include "incidents/incidents.h"

#include <stdlib.h>
#include <string.h>

#include "base/timeutil.h"
#include "incidents/inc_internal.h"
#include "store/db.h"

#define OPEN_SQL " wr_incident_open(i.status)"

static int add_item(json_t *arr, int64_t id, const char *org, const char *title, const char *kind,
		    const char *name, const char *due, const char *state, json_t *extra)
{
	json_t *o = json_pack("{s:I, s:s, s:s, s:s, s:s, s:s, s:s}", "incident_id", (json_int_t)id,
			      "org_name", org, "incident_title", title, "kind", kind, "name", name,
			      "due_at", due, "state", state);
	if (o && extra)
		json_object_update(o, extra);
	json_decref(extra);
	return !o || json_array_append_new(arr, o);
}

static int clocks_due(sqlite3 *db, const struct actor *a, int64_t now, int64_t horizon, json_t *arr,
		      struct wr_err *e)
{
	sqlite3_stmt *st;
	int rc = db_prepare(db, "SELECT i.id FROM incidents i WHERE" OPEN_SQL " ORDER BY i.id", &st, e);
	if (rc)
		return rc;
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		json_t *inc;
		if ((rc = incident_get(db, a, sqlite3_column_int64(st, 0), &inc, e)))
			break;
		size_t i;
		const json_t *c;
		json_array_foreach(json_object_get(inc, "clocks"), i, c)
		{
			int64_t due = 0;
			const char *d = json_string_value(json_object_get(c, "due"));
			const char *state = json_string_value(json_object_get(c, "state"));
			if (!d || !strcmp(state, "done") || time_parse_rfc3339(d, &due))
				continue;
			const char *when = incident_due_state(due, now, horizon);
			if (when && add_item(arr, json_integer_value(json_object_get(inc, "id")),
					     json_string_value(json_object_get(inc, "org_name")),
					     json_string_value(json_object_get(inc, "title")), "clock",
					     json_string_value(json_object_get(c, "name")), d, when,
					     json_pack("{s:O}", "report", json_object_get(c, "report"))))
				rc = wr_err_set(e, WR_ENOMEM, NULL, "out of memory");
		}
		json_decref(inc);
		if (rc)
			break;
	}
	sqlite3_finalize(st);
	return rc == SQLITE_DONE ? 0 : rc > 0 ? db_fail(db, e) : rc;
}

static int tasks_due(sqlite3 *db, int64_t now, int64_t horizon, json_t *arr, struct wr_err *e)
{
	char until[32];
	time_format_rfc3339((time_t)(now + horizon), until, sizeof until);
	sqlite3_stmt *st;
	int rc = db_prepare(db, "SELECT i.id, o.name, i.title, t.title, t.due_at, t.id, t.owner_role,"
				" t.assignee FROM incident_tasks t JOIN incidents i ON i.id = t.incident_id"
				" JOIN orgs o ON o.id = i.org_id WHERE t.status = 'open'"
				" AND t.due_at IS NOT NULL AND t.due_at <= ?1 AND" OPEN_SQL, &st, e);
	if (rc)
		return rc;
	sqlite3_bind_text(st, 1, until, -1, SQLITE_STATIC);
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		int64_t due = 0;
		const char *d = (const char *)sqlite3_column_text(st, 4);
		const char *when = time_parse_rfc3339(d, &due) ? NULL : incident_due_state(due, now, horizon);
		const char *assignee = (const char *)sqlite3_column_text(st, 7);
		if (when && add_item(arr, sqlite3_column_int64(st, 0), (const char *)sqlite3_column_text(st, 1),
				     (const char *)sqlite3_column_text(st, 2), "task",
				     (const char *)sqlite3_column_text(st, 3), d, when,
				     json_pack("{s:I, s:s, s:s?}", "task_id", (json_int_t)sqlite3_column_int64(st, 5),
					       "owner_role", (const char *)sqlite3_column_text(st, 6),
					       "assignee", assignee))) {
			rc = wr_err_set(e, WR_ENOMEM, NULL, "out of memory");
			break;
		}
	}
	sqlite3_finalize(st);
	return rc == SQLITE_DONE ? 0 : rc > 0 ? db_fail(db, e) : rc;
}

static int by_due(const void *x, const void *y)
{
	const json_t *a = *(json_t *const *)x, *b = *(json_t *const *)y;
	return strcmp(json_string_value(json_object_get(a, "due_at")),
		      json_string_value(json_object_get(b, "due_at")));
}

int incidents_due(sqlite3 *db, const struct actor *a, int hours, json_t **items,
		  struct wr_err *e)
{
	*items = NULL;
	if (!scope_is_staff(a))
		return wr_err_set(e, WR_EFORBIDDEN, NULL, "the war room's list of what falls due");
	int64_t now = time_now(), horizon = (int64_t)hours * 3600;
	json_t *arr = json_array();
	if (!arr)
		return wr_err_set(e, WR_ENOMEM, NULL, "out of memory");
	int rc = db_begin_read(db, e);
	if (!rc) {
		rc = clocks_due(db, a, now, horizon, arr, e);
		if (!rc)
			rc = tasks_due(db, now, horizon, arr, e);
		db_end_read(db);
	}
	size_t n = json_array_size(arr);
	json_t **v = n ? calloc(n, sizeof *v) : NULL;
	if (!rc && n && !v)
		rc = wr_err_set(e, WR_ENOMEM, NULL, "out of memory");
	if (rc) {
		free(v);
		json_decref(arr);
		return rc;
	}
	for (size_t i = 0; i < n; i++)
		v[i] = json_incref(json_array_get(arr, i));
	if (n)
		qsort(v, n, sizeof *v, by_due);
	json_array_clear(arr);
	for (size_t i = 0; i < n; i++)
		json_array_append_new(arr, v[i]);
	free(v);
	*items = arr;
	return 0;
}
