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

/* t plus one calendar month, the day clamped to the month's last (31 Jan +
 * 1 month = 28 or 29 Feb), time of day kept. */
int64_t incident_add_month(int64_t t);

/* The clocks of an incident: [{"name", "due", "state" (due, overdue, done),
 * "submitted_at"}]: NIS2 early warning aware+24 h, notification aware+72 h,
 * final report one month after the notification was submitted (no due date
 * before), GDPR aware+72 h when personal data is involved. */
json_t *incident_clocks(int64_t aware, int personal_data, const json_t *reports, int64_t now);

int incident_create(sqlite3 *db, const struct actor *a, const json_t *body, json_t **out,
		    struct wr_err *e);
int incident_get(sqlite3 *db, const struct actor *a, int64_t id, json_t **out, struct wr_err *e);
int incident_list(sqlite3 *db, const struct actor *a, int limit, int64_t cursor, json_t **items,
		  int64_t *next_cursor, struct wr_err *e);
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

#endif
