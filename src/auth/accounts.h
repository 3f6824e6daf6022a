/* Accounts and API tokens. Each change writes its journal entry in the same
 * transaction. Passwords and tokens never reach the journal or the log. */
#ifndef WR_AUTH_ACCOUNTS_H
#define WR_AUTH_ACCOUNTS_H

#include <jansson.h>
#include <sqlite3.h>
#include <stdint.h>

#include "base/err.h"
#include "base/secret.h"
#include "store/scope.h"

/* org_id is required for spoc, provider_id (an org of kind provider) for
 * provider; both must be 0 otherwise. */
int account_add(sqlite3 *db, const struct actor *by, const char *name, enum role role,
		int64_t org_id, int64_t provider_id, const char *password, struct wr_err *e);
int account_set_password(sqlite3 *db, const struct actor *by, const char *name,
			 const char *password, struct wr_err *e);
int account_disable(sqlite3 *db, const struct actor *by, const char *name, struct wr_err *e);
/* [{id, name, role, org_id, provider_id, disabled, created_at}] (caller owns) */
int account_list(sqlite3 *db, json_t **out, struct wr_err *e);
/* Fills a with the account's identity; WR_ENOTFOUND when missing or disabled. */
int account_load(sqlite3 *db, int64_t user_id, struct actor *a, struct wr_err *e);

/* Creates a token for user name; out gets the token (shown once). */
int token_create(sqlite3 *db, const struct actor *by, const char *name, const char *label,
		 int64_t *id, char out[SECRET_TOKEN_LEN], struct wr_err *e);
int token_revoke(sqlite3 *db, const struct actor *by, int64_t id, struct wr_err *e);
/* [{id, user, label, created_at, revoked_at}] */
int token_list(sqlite3 *db, json_t **out, struct wr_err *e);
/* The actor of a bearer token; WR_EAUTH when unknown, revoked or its user disabled. */
int token_authenticate(sqlite3 *db, const char *token, struct actor *a, struct wr_err *e);

#endif
