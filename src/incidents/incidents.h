/* Incidents (issue 4, docs/incidents.md): a town's report, the reference
 * taxonomy, the status machine, the legal clocks (NIS2 24 h / 72 h / one
 * month, GDPR 72 h), submitted reports, and the timeline, with strict
 * confidentiality: nothing of one town's incident is visible to another. */
#ifndef WR_INCIDENTS_INCIDENTS_H
#define WR_INCIDENTS_INCIDENTS_H

#include <jansson.h>
#include <sqlite3.h>
#include <stdint.h>

#include "base/err.h"
#include "store/scope.h"

/* The reference incident taxonomy (RSIT, derived from eCSIRT.net): 1 when
 * category and type are a pair of it. */
int incident_taxonomy_valid(const char *category, const char *type);
/* The taxonomy as {"category": ["type", ...], ...}. */
json_t *incident_taxonomy_json(void);

/* Whether the status machine allows from -> to. */
int incident_transition_ok(const char *from, const char *to);

/* Whether an incident's status is final (closed, rejected, duplicate): its
 * tasks and help requests no longer change. */
int incident_status_final(const char *status);
/* Tasks: open -> done | skipped, and back to open. */
int incident_task_transition_ok(const char *from, const char *to);
/* Help requests: requested -> offered -> accepted -> closed, offered ->
 * requested (declined), any open one -> closed. */
int incident_help_transition_ok(const char *from, const char *to);
/* "overdue" when now is past due, "soon" when due within horizon seconds,
 * else NULL (also when due is 0: nothing due). */
const char *incident_due_state(int64_t due, int64_t now, int64_t horizon);

/* t plus one calendar month, the day clamped to the month's last (31 Jan +
 * 1 month = 28 or 29 Feb), time of day kept. */
int64_t incident_add_month(int64_t t);

/* Whether something due at due is past due at now (a clock, a task). */
int incident_past_due(int64_t due, int64_t now);

/* The legal clocks, in the order the API lists them: NIS2 early warning
 * aware+24 h, notification aware+72 h, final report one month after the
 * notification was submitted (waiting before), GDPR aware+72 h when
 * personal data is involved. clocks.c holds these rules, once; the SQL
 * filters reach them through wr_incident_overdue (incidents_sql_register). */
enum { INCIDENT_CLOCK_EARLY, INCIDENT_CLOCK_NOTIF, INCIDENT_CLOCK_FINAL, INCIDENT_CLOCK_GDPR,
       INCIDENT_CLOCKS };
/* What the clocks count from. recorded[k]: the report settling clock k is
 * recorded, submitted at submitted[k]. */
struct incident_clock_facts {
	int64_t aware;
	int personal_data;
	int64_t submitted[INCIDENT_CLOCKS];
	int recorded[INCIDENT_CLOCKS];
};
/* One clock at a moment. due is meaningful unless state is "waiting". */
struct incident_clock {
	const char *name, *kind, *report; /* kind as the API names it; report the settling kind */
	int64_t start, due;              /* start: when its time began to run */
	const char *state;               /* due, overdue, done, waiting */
};
/* Clock k of f at now into *out; 0, or -1 when the clock does not apply
 * (GDPR without personal data). */
int incident_clock_eval(const struct incident_clock_facts *f, int k, int64_t now,
			struct incident_clock *out);
/* Whether any clock of f is overdue at now. */
int incident_clocks_overdue(const struct incident_clock_facts *f, int64_t now);
/* The facts from aware, personal_data and the reports ([{kind, submitted_at}]). */
void incident_clock_facts_of(int64_t aware, int personal_data, const json_t *reports,
			     struct incident_clock_facts *f);
/* The clocks of an incident as the API shows them: [{"kind", "name",
 * "report", "due", "due_at", "due_local", "state", "submitted_at"}]. */
json_t *incident_clocks(int64_t aware, int personal_data, const json_t *reports, int64_t now);
/* When the clock of API kind `kind` of incident inc (as incident_get gives
 * it) began to run; 0 when unknown. */
int64_t incident_clock_started(const json_t *inc, const char *kind);
/* Registers the SQL functions of the incidents on db: wr_incident_overdue(
 * aware_at, personal_data, early_at, notification_at, final_at, gdpr_at,
 * now) (times as RFC 3339 text or unix seconds, NULL for a report not
 * recorded; 1 when a clock is overdue) and wr_incident_open(status). An
 * SQLite result code. */
int incidents_sql_register(sqlite3 *db);
/* Has every connection db_open opens from now on register them; call at
 * start-up, before any connection opens. */
int incidents_init(void);

int incident_create(sqlite3 *db, const struct actor *a, const json_t *body, json_t **out,
		    struct wr_err *e);
int incident_get(sqlite3 *db, const struct actor *a, int64_t id, json_t **out, struct wr_err *e);
int incident_list(sqlite3 *db, const struct actor *a, int limit, int64_t cursor, json_t **items,
		  int64_t *next_cursor, struct wr_err *e);
/* Figures without detail, for the war room and the viewers (the
 * minister's office): {"total", "open", "overdue" (open with a legal clock
 * past due), "by_status", "by_severity"}. */
int incident_counts(sqlite3 *db, const struct actor *a, json_t **out, struct wr_err *e);
/* The list narrowed: status (NULL: any), org_id (0: any), overdue (open
 * incidents with a legal clock past due and its report not recorded). */
struct incident_filter {
	const char *status;
	int64_t org_id;
	int overdue;
};
int incident_list_filtered(sqlite3 *db, const struct actor *a, const struct incident_filter *f, int limit,
			   int64_t cursor, json_t **items, int64_t *next_cursor, struct wr_err *e);
/* Corrects or completes the facts (title, description, moments, category
 * and type, severity, tlp, the four flags, impact): the town's SPOC or the
 * war room, not once the incident is over; checked as a report is. */
int incident_update(sqlite3 *db, const struct actor *a, int64_t id, const json_t *body, json_t **out,
		    struct wr_err *e);
/* {"status", "duplicate_of", "note"}: staff (a town can only report). */
int incident_set_status(sqlite3 *db, const struct actor *a, int64_t id, const json_t *body,
			json_t **out, struct wr_err *e);
/* {"kind", "content", "submitted_at"}: a submitted legal report. */
int incident_add_report(sqlite3 *db, const struct actor *a, int64_t id, const json_t *body,
			json_t **out, struct wr_err *e);
/* {"text", "internal"}: internal notes are the war room's only. */
int incident_add_note(sqlite3 *db, const struct actor *a, int64_t id, const json_t *body,
		      json_t **out, struct wr_err *e);
int incident_timeline(sqlite3 *db, const struct actor *a, int64_t id, json_t **items,
		      struct wr_err *e);

/* Tasks (tasks.c): {"playbook"} applies a playbook (its tasks, due from
 * aware_at); a task by hand {"title", "owner_role", "due_at", "guidance",
 * "assignee"}; a change {"status", "reason", "assignee"}. */
int incident_tasks_list(sqlite3 *db, const struct actor *a, int64_t id, json_t **items,
			struct wr_err *e);
int incident_apply_playbook(sqlite3 *db, const struct actor *a, int64_t id, const json_t *body,
			    json_t **out, struct wr_err *e);
int incident_task_add(sqlite3 *db, const struct actor *a, int64_t id, const json_t *body,
		      json_t **out, struct wr_err *e);
int incident_task_update(sqlite3 *db, const struct actor *a, int64_t id, int64_t task,
			 const json_t *body, json_t **out, struct wr_err *e);

/* Help requests (help.c): within the incident's confidentiality, plus the
 * helper organisation for its own requests. */
int incident_help_list(sqlite3 *db, const struct actor *a, int64_t id, json_t **items,
		       struct wr_err *e);
/* Every request the actor may see (incident_id 0) for GET /help-requests. */
int help_list_mine(sqlite3 *db, const struct actor *a, int limit, int64_t cursor, json_t **items,
		   int64_t *next_cursor, struct wr_err *e);
int incident_help_create(sqlite3 *db, const struct actor *a, int64_t id, const json_t *body,
			 json_t **out, struct wr_err *e);
int help_get(sqlite3 *db, const struct actor *a, int64_t req, json_t **out, struct wr_err *e);
/* {"status", "helper_org_id" (to offer), "note"} */
int help_set_status(sqlite3 *db, const struct actor *a, int64_t req, const json_t *body,
		    json_t **out, struct wr_err *e);

/* Links (links.c): {"incident_id", "note"} links two incidents of one
 * campaign (staff); the incident shows "links" and "duplicates". */
int incident_link(sqlite3 *db, const struct actor *a, int64_t id, const json_t *body,
		  json_t **out, struct wr_err *e);
int incident_unlink(sqlite3 *db, const struct actor *a, int64_t id, int64_t other,
		    struct wr_err *e);
/* Adds "links" and "duplicates" (only those the actor may see) to o. */
int incident_add_relations(sqlite3 *db, const struct actor *a, int64_t id, json_t *o,
			   struct wr_err *e);
/* Checks that dup may be marked a duplicate of primary (exists, same town,
 * not itself a duplicate). */
int incident_check_duplicate_of(sqlite3 *db, int64_t dup, int64_t primary, struct wr_err *e);

/* The report to hand to the CCB (export.c): format "markdown" (*text) or
 * "json" (*json). Internal notes only for the war room. */
int incident_export(sqlite3 *db, const struct actor *a, int64_t id, const char *format,
		    char **text, json_t **json, struct wr_err *e);

/* Legal clocks and tasks of open incidents due within hours or overdue
 * (due.c), for the war room. */
int incidents_due(sqlite3 *db, const struct actor *a, int hours, json_t **items,
		  struct wr_err *e);

/* Sends the reminders of the legal clocks that are due at now (half of a
 * clock's time, nine tenths, overdue; each once) to the towns' SPOCs and
 * deputies through the communications engine; *sent how many. */
int incident_reminders_due(sqlite3 *db, int64_t now, int *sent, struct wr_err *e);

/* The war room's lessons of incident id as an advisory draft to every
 * local government's ICT providers ({"lessons": markdown, "title"}):
 * TLP:GREEN, anonymised, only with the town's consent_lessons (409). */
int incident_lessons(sqlite3 *db, const struct actor *a, int64_t id, const json_t *body, json_t **out,
		     struct wr_err *e);

#endif
