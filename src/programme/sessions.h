/* Information sessions for local governments: sessions with a capacity,
 * registrations by SPOCs with a waiting list, attendance, and an iCalendar
 * file per session. Invitations and reminders are advisories of the
 * communications engine (session_mail.c). */
#ifndef WR_PROGRAMME_SESSIONS_H
#define WR_PROGRAMME_SESSIONS_H

#include <jansson.h>
#include <sqlite3.h>
#include <stdint.h>

#include "base/err.h"
#include "store/scope.h"

/* Every authenticated role sees the sessions (with counts). */
int session_list(sqlite3 *db, json_t **items, struct wr_err *e);
/* One session; registrations: staff all, a SPOC its own town's, others none. */
int session_get(sqlite3 *db, const struct actor *a, int64_t id, json_t **out, struct wr_err *e);
/* Staff: {"title", "starts", "ends" (Brussels "YYYY-MM-DDTHH:MM" or RFC 3339),
 * "place", "online_url", "capacity", "audience"}. */
int session_create(sqlite3 *db, const struct actor *a, const json_t *body, json_t **out,
		   struct wr_err *e);
/* {"name", "email", "org_id" (staff only; a SPOC registers for its town)}:
 * registered while there is room, else on the waiting list. */
int registration_create(sqlite3 *db, const struct actor *a, int64_t session_id,
			const json_t *body, json_t **out, struct wr_err *e);
/* Cancels; the first on the waiting list takes the place. */
int registration_cancel(sqlite3 *db, const struct actor *a, int64_t session_id, int64_t id,
			struct wr_err *e);
/* Staff: {"attended": true|false}. */
int registration_update(sqlite3 *db, const struct actor *a, int64_t session_id, int64_t id,
			const json_t *body, json_t **out, struct wr_err *e);
/* The session as text/calendar; caller frees *text. */
int session_ics(sqlite3 *db, int64_t id, char **text, struct wr_err *e);

/* kind "invitation" (every town, the roles of the session's audience) or
 * "reminder" (the towns with someone registered; 409 when none): an
 * advisory draft with the session's .ics attached, once per session and
 * kind (409 naming the advisory otherwise); staff. Prepared by the system
 * (ROLE_SYSTEM: the server, the command line) it is submitted too, waiting
 * for one analyst's approval. *out: the advisory. */
int session_mail(sqlite3 *db, const struct actor *a, int64_t session_id, const char *kind, json_t **out,
		 struct wr_err *e);
/* Prepares (as actor a) the reminder of every session starting 12 to 36
 * hours after now that has registrations and no reminder yet. */
int session_reminders_due(sqlite3 *db, const struct actor *a, int64_t now, int *prepared, struct wr_err *e);

#endif
