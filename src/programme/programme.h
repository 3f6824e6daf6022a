/* The prevention programme (DESIGN.md flow 5): self-assessments against the
 * checklist, cyber-audits and their findings, the figures, and the campaign
 * audiences. Every function checks the actor's scope in its SQL (an
 * organisation outside it is not found) and writes its journal entry in the
 * transaction of the change. JSON results are owned by the caller. */
#ifndef WR_PROGRAMME_PROGRAMME_H
#define WR_PROGRAMME_PROGRAMME_H

#include <jansson.h>
#include <sqlite3.h>
#include <stdint.h>

#include "base/err.h"
#include "store/scope.h"

/* ---- assessments.c ---- */
/* The town's assessments, newest first (at most limit). A provider sees
 * only the answers to the items its clients' checklist gives to providers,
 * and no total score. */
int assessment_list(sqlite3 *db, const struct actor *a, int64_t org_id, int limit,
		    json_t **items, struct wr_err *e);
/* Records a dated assessment: {"mode": "simple"|"cyfun", "assessed_on":
 * "YYYY-MM-DD", "answers": [{"item", "answer", "documentation",
 * "implementation", "evidence"}]}. Items not answered are carried over from
 * the town's latest assessment in the same mode when the item did not
 * change. A provider may answer only provider-owned items. */
int assessment_create(sqlite3 *db, const struct actor *a, int64_t org_id, const json_t *body,
		      json_t **out, struct wr_err *e);

/* ---- audits.c ---- */
int audit_get(sqlite3 *db, const struct actor *a, int64_t org_id, json_t **out,
	      struct wr_err *e);
/* The first sign-up: {"kind": "basic"|"supplementary", "date"}. 409 when the
 * town is already signed up. */
int audit_signup(sqlite3 *db, const struct actor *a, int64_t org_id, const json_t *body,
		 json_t **out, struct wr_err *e);
/* {"state", "date", "firm", "kind"}: one step along not-signed-up ->
 * signed-up -> scheduled -> performed -> report-received -> remediation ->
 * closed (or signed-up -> not-signed-up); anything else is 409. */
int audit_update(sqlite3 *db, const struct actor *a, int64_t org_id, const json_t *body,
		 json_t **out, struct wr_err *e);
/* The state names in order; returns the index or -1. */
int audit_state_index(const char *s);

/* ---- findings.c ---- */
int finding_list(sqlite3 *db, const struct actor *a, int64_t org_id, json_t **items,
		 struct wr_err *e);
int finding_create(sqlite3 *db, const struct actor *a, int64_t org_id, const json_t *body,
		   json_t **out, struct wr_err *e);
int finding_update(sqlite3 *db, const struct actor *a, int64_t org_id, int64_t id,
		   const json_t *body, json_t **out, struct wr_err *e);

/* ---- figures.c ---- */
/* The programme's figures, overall, per province and per provider. Staff
 * and viewers only (aggregates). */
int programme_summary(sqlite3 *db, const struct actor *a, json_t **out, struct wr_err *e);
/* The same as CSV (one row per group) and as a printable one-page HTML;
 * caller frees *text. */
int programme_summary_csv(const json_t *summary, char **text, struct wr_err *e);
int programme_summary_html(const json_t *summary, char **text, struct wr_err *e);

/* ---- campaigns.c ---- */
/* The towns a saved filter selects ("not-signed-up", "checklist-not-started",
 * "basic-not-reached", "findings-overdue"), by name. Staff only. */
int campaign_audience(sqlite3 *db, const struct actor *a, const char *filter, json_t **out,
		      struct wr_err *e);
/* The campaign's reminder as an advisory draft (comms/comms.h) to the towns
 * the filter selects now: it still needs submission and a second analyst's
 * approval. WR_ECONFLICT when no town matches. */
int campaign_send(sqlite3 *db, const struct actor *a, const char *filter, json_t **out,
		  struct wr_err *e);

#endif
