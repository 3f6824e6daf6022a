/* What the files of src/incidents share: the confidentiality condition, the
 * timeline, and the begin/commit of a change (incident.c). */
#ifndef WR_INCIDENTS_INC_INTERNAL_H
#define WR_INCIDENTS_INC_INTERNAL_H

#include <jansson.h>
#include <sqlite3.h>
#include <stddef.h>
#include <stdint.h>

#include "base/err.h"
#include "store/scope.h"

/* Which incidents the actor may see, as an SQL condition on table alias i
 * (only integers are written into it): those of its own town (a SPOC),
 * those a client town shares with it (a provider, with the town's
 * consent), and those whose request for help the town accepted from the
 * actor's organisation (a responder). */
#define INC_SCOPE_MAX 600
void inc_scope_sql(const struct actor *a, char *out, size_t n);
/* 0 when the actor is a party to incident id (the war room, the town's
 * SPOC, a provider the town shares it with); 403 for a responder, who
 * reads the incident and adds notes but does not act for the town. */
int inc_party(sqlite3 *db, const struct actor *a, int64_t id, struct wr_err *e);
/* Moments are not in the future and come in order occurred <= detected <=
 * aware ("" unknown); 422 naming the field otherwise. */
int inc_moments_check(const char *occurred, const char *detected, const char *aware, struct wr_err *e);
/* An optional or required RFC 3339 time field, normalised into out ("" when
 * absent). */
int inc_time_field(const json_t *body, const char *key, int required, char out[32],
		   struct wr_err *e);
int inc_timeline_add(sqlite3 *db, int64_t id, const char *actor, const char *kind,
		     const char *text, int internal, const char *now, struct wr_err *e);
/* Begins a change of incident id that the actor can see (else 404); staff
 * only when staff_only (else 403). status gets the incident's status. */
int inc_begin(sqlite3 *db, const struct actor *a, int64_t id, int staff_only, char status[16],
	      struct wr_err *e);
/* Journals and commits when rc is 0, else rolls back; returns the outcome. */
int inc_commit(sqlite3 *db, const struct actor *a, int64_t id, const char *action,
	       const json_t *details, int rc, struct wr_err *e);
/* inc_commit, then the incident as the actor sees it in *out. */
int inc_finish(sqlite3 *db, const struct actor *a, int64_t id, const char *action,
	       const json_t *details, int rc, json_t **out, struct wr_err *e);
/* 0 when the actor may see incident id, else WR_ENOTFOUND (404). */
int inc_visible(sqlite3 *db, const struct actor *a, int64_t id, struct wr_err *e);
/* All rows of sql (?1 = p1, ?2 = p2 when it has one) as a JSON array through
 * conv (NULL: db_row_json). */
int inc_rows(sqlite3 *db, const char *sql, int64_t p1, int64_t p2,
	     json_t *(*conv)(sqlite3_stmt *), json_t **items, struct wr_err *e);
/* A keyset page of sql (?1 the cursor, ?2 the row limit; id in column 0),
 * newest first, refused to a viewer (figures only). */
int inc_page(sqlite3 *db, const struct actor *a, const char *sql, int limit, int64_t cursor,
	     json_t *(*conv)(sqlite3_stmt *), json_t **items, int64_t *next_cursor,
	     struct wr_err *e);
/* Whether the actor belongs to organisation org: a town's SPOC or a
 * provider's user (a helper org sees its own help requests). */
int inc_actor_in_org(const struct actor *a, int64_t org);
/* The current time as RFC 3339 (the server's clock, moved in tests). */
void inc_now(char out[32]);

#endif
