/* Browser sessions: a 256-bit random cookie value, stored as its SHA-256,
 * with a CSRF token that every state-changing request must echo in the
 * X-CSRF-Token header. Sessions end after SESSION_TTL seconds. */
#ifndef WR_AUTH_SESSIONS_H
#define WR_AUTH_SESSIONS_H

#include <sqlite3.h>

#include "auth/throttle.h"
#include "base/err.h"
#include "base/secret.h"
#include "store/scope.h"

#define SESSION_TTL (12 * 3600)

struct login_throttles {
	struct throttle *per_user;
	struct throttle *per_addr;
};

/* Checks the throttles, then the password (argon2id). On success fills a,
 * session and csrf (shown once: the caller sets the cookie). WR_EAUTH on
 * wrong name or password (the same answer for both); WR_ERATE with
 * *retry_after seconds when throttled. */
int session_login(sqlite3 *db, const struct login_throttles *t, const char *addr,
		  const char *username, const char *password, struct actor *a,
		  char session[SECRET_TOKEN_LEN], char csrf[SECRET_TOKEN_LEN], int *retry_after,
		  struct wr_err *e);
/* The actor and CSRF token of a live session; WR_EAUTH otherwise. */
int session_lookup(sqlite3 *db, const char *session, struct actor *a, char csrf[SECRET_TOKEN_LEN],
		   struct wr_err *e);
int session_logout(sqlite3 *db, const struct actor *a, const char *session, struct wr_err *e);

#endif
