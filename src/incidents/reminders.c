/* Reminders of the legal clocks (docs/incidents.md): for every open
 * incident and every clock not settled by a recorded report, a message to
 * the town's SPOC and deputy through the communications engine at half of
 * the clock's time, at nine tenths, and once it is overdue; each step once
 * (incident_reminders). Run by the server every few minutes and by
 * `warroom incidents reminders`. */
#include "incidents/incidents.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/buf.h"
#include "base/email.h"
#include "base/timeutil.h"
#include "comms/comms.h"
#include "incidents/inc_internal.h"
#include "store/db.h"

/* The step a clock has reached at now, or NULL: start is when it began
 * to run (awareness; for the final report the notification). */
static const char *step_at(int64_t start, int64_t due, int64_t now)
{
	if (incident_past_due(due, now))
		return "overdue";
	if (due <= start)
		return NULL;
	int64_t passed = (now - start) * 10 / (due - start);
	return passed >= 9 ? "late" : passed >= 5 ? "half" : NULL;
}

static int already(sqlite3 *db, int64_t id, const char *clock, const char *step, int *yes, struct wr_err *e)
{
	sqlite3_stmt *st;
	int rc = db_prepare(db, "SELECT 1 FROM incident_reminders WHERE incident_id = ?1 AND clock = ?2 AND step = ?3",
			    &st, e);
	if (rc)
		return rc;
	sqlite3_bind_int64(st, 1, id);
	sqlite3_bind_text(st, 2, clock, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 3, step, -1, SQLITE_STATIC);
	*yes = sqlite3_step(st) == SQLITE_ROW;
	sqlite3_finalize(st);
	return 0;
}

/* A copy for the war room's own mailbox (WARROOM_TEAM_EMAIL), so the
 * analysts handling incidents get the reminders too. */
static int copy_to_team(sqlite3 *db, int64_t adv, int64_t org, const char *now, struct wr_err *e)
{
	const char *team = getenv("WARROOM_TEAM_EMAIL");
	char address[256];
	if (!team || !*team)
		return 0;
	int rc = email_canonical(team, "WARROOM_TEAM_EMAIL", address, sizeof address, e);
	sqlite3_stmt *st;
	if (rc || (rc = db_prepare(db,
				   "INSERT INTO deliveries (advisory_id, org_id, contact_id, name, role, channel, address,"
				   " message_id, status, next_attempt_at) VALUES (?1, ?2, NULL, 'war room', 'war-room',"
				   " 'email', ?3, printf('<wr-%d-team@warroom>', ?1), 'queued', ?4)",
				   &st, e)))
		return rc;
	sqlite3_bind_int64(st, 1, adv);
	sqlite3_bind_int64(st, 2, org);
	sqlite3_bind_text(st, 3, address, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 4, now, -1, SQLITE_STATIC);
	if (!(rc = db_step_done(db, st, e)) &&
	    !(rc = db_prepare(db, "UPDATE advisories SET status = 'sending' WHERE id = ?1", &st, e))) {
		sqlite3_bind_int64(st, 1, adv); /* a town without contacts left it 'sent' */
		rc = db_step_done(db, st, e);
	}
	return rc;
}

static int remind(sqlite3 *db, const json_t *inc, const json_t *clock, const char *step, struct wr_err *e)
{
	int64_t id = json_integer_value(json_object_get(inc, "id"));
	const char *name = json_string_value(json_object_get(clock, "name"));
	const char *kind = json_string_value(json_object_get(clock, "kind"));
	const char *due = json_string_value(json_object_get(clock, "due_at"));
	char title[300], now[32];
	snprintf(title, sizeof title, "%s: %s of incident #%lld %s %s UTC",
		 !strcmp(step, "overdue") ? "Overdue" : "Reminder", name, (long long)id,
		 !strcmp(step, "overdue") ? "was due" : "is due", due);
	struct buf b;
	buf_init(&b, 1 << 16);
	/* the incident's title stays out of the e-mail: the portal shows it */
	int rc = buf_printf(&b,
			    "The **%s** of incident #%lld of your local government %s at **%s** (UTC).\n\n"
			    "Submit it to the authority, then record it in warroom (Incidents, incident #%lld, "
			    "\"Record as submitted\"): the reminders stop. The war room sees the same clock on "
			    "its dashboard.\n",
			    name, (long long)id, !strcmp(step, "overdue") ? "was due" : "is due", due, (long long)id);
	if (rc) {
		buf_release(&b);
		return wr_err_set(e, WR_ENOMEM, NULL, "out of memory");
	}
	struct comms_system_msg m = {.title = title, .body = b.ptr, .tlp = "AMBER+STRICT",
				     .severity = !strcmp(step, "half") ? "medium" : "high", .kind = "alert",
				     .org_id = json_integer_value(json_object_get(inc, "org_id")),
				     .roles = "spoc,deputy"};
	int64_t adv = 0;
	sqlite3_stmt *st;
	inc_now(now);
	if (!(rc = db_begin(db, e))) {
		rc = comms_system_message(db, &m, &adv, e);
		if (!rc)
			rc = copy_to_team(db, adv, m.org_id, now, e);
		if (!rc && !(rc = db_prepare(db, "INSERT INTO incident_reminders VALUES (?1, ?2, ?3, ?4, ?5)", &st, e))) {
			sqlite3_bind_int64(st, 1, id);
			sqlite3_bind_text(st, 2, kind, -1, SQLITE_STATIC);
			sqlite3_bind_text(st, 3, step, -1, SQLITE_STATIC);
			sqlite3_bind_int64(st, 4, adv);
			sqlite3_bind_text(st, 5, now, -1, SQLITE_STATIC);
			rc = db_step_done(db, st, e);
		}
		char text[400];
		snprintf(text, sizeof text, "reminder sent (%s): %s due %s", step, name, due);
		if (!rc)
			rc = inc_timeline_add(db, id, "warroom", "reminder", text, 0, now, e);
		if (!rc)
			rc = db_commit(db, e);
		if (rc)
			db_rollback(db);
	}
	buf_release(&b);
	return rc;
}

int incident_reminders_due(sqlite3 *db, int64_t now, int *sent, struct wr_err *e)
{
	*sent = 0;
	struct actor sys = {.role = ROLE_SYSTEM};
	snprintf(sys.name, sizeof sys.name, "warroom");
	sqlite3_stmt *st;
	int rc = db_prepare(db, "SELECT id FROM incidents WHERE wr_incident_open(status)"
				" ORDER BY id", &st, e);
	if (rc)
		return rc;
	size_t n = 0, cap = 0;
	int64_t *ids = NULL;
	int s;
	while ((s = sqlite3_step(st)) == SQLITE_ROW) {
		if (n == cap) {
			int64_t *g = realloc(ids, (cap = cap ? cap * 2 : 64) * sizeof *ids);
			if (!g) {
				rc = wr_err_set(e, WR_ENOMEM, NULL, "out of memory");
				break;
			}
			ids = g;
		}
		ids[n++] = sqlite3_column_int64(st, 0);
	}
	if (!rc && s != SQLITE_DONE)
		rc = db_fail(db, e);
	sqlite3_finalize(st);
	for (size_t i = 0; i < n && !rc; i++) {
		json_t *inc;
		if ((rc = incident_get(db, &sys, ids[i], &inc, e)))
			break;
		size_t k;
		const json_t *c;
		json_array_foreach(json_object_get(inc, "clocks"), k, c) {
			int64_t due = 0;
			const char *state = json_string_value(json_object_get(c, "state"));
			const char *d = json_string_value(json_object_get(c, "due_at"));
			if (!d || !strcmp(state, "done") || time_parse_rfc3339(d, &due))
				continue;
			const char *kind = json_string_value(json_object_get(c, "kind"));
			const char *step = step_at(incident_clock_started(inc, kind), due, now);
			int done = 0;
			if (!step)
				continue;
			if ((rc = already(db, ids[i], kind, step, &done, e)))
				break;
			if (done)
				continue;
			if ((rc = remind(db, inc, c, step, e)))
				break;
			(*sent)++;
		}
		json_decref(inc);
	}
	free(ids);
	return rc;
}
