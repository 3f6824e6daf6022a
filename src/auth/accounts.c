#include "auth/accounts.h"
#include "audit/journal.h"
#include "auth/password.h"
#include "base/timeutil.h"
#include "store/db.h"

#include <string.h>

static int check_name(const char *name, struct wr_err *e)
{
	size_t n = strlen(name);
	if (n < 1 || n > 64)
		return wr_err_set(e, WR_EINVAL, "name", "must be 1 to 64 characters");
	for (size_t i = 0; i < n; i++) {
		char c = name[i];
		if (!((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '.' || c == '-' ||
		      c == '_' || c == '@'))
			return wr_err_set(e, WR_EINVAL, "name",
					  "may hold only a-z, 0-9, '.', '-', '_' and '@'");
	}
	return 0;
}

static int check_org_kind(sqlite3 *db, int64_t id, const char *field, int provider,
			  struct wr_err *e)
{
	sqlite3_stmt *st;
	int rc = db_prepare(db, "SELECT kind FROM orgs WHERE id = ?", &st, e);
	if (rc)
		return rc;
	sqlite3_bind_int64(st, 1, id);
	int s = sqlite3_step(st);
	if (s == SQLITE_ROW) {
		int is_provider = !strcmp((const char *)sqlite3_column_text(st, 0), "provider");
		if (is_provider != provider)
			rc = wr_err_set(e, WR_EINVAL, field, provider ? "is not a provider"
								      : "is a provider, not a local government");
	} else if (s == SQLITE_DONE) {
		rc = wr_err_set(e, WR_EINVAL, field, "no organisation with id %lld", (long long)id);
	} else {
		rc = db_fail(db, e);
	}
	sqlite3_finalize(st);
	return rc;
}

int account_add(sqlite3 *db, const struct actor *by, const char *name, enum role role,
		int64_t org_id, int64_t provider_id, const char *password, struct wr_err *e)
{
	int rc = check_name(name, e);
	if (rc || (rc = password_check_policy(password, e)))
		return rc;
	if (role == ROLE_SPOC && org_id <= 0)
		return wr_err_set(e, WR_EINVAL, "org", "a spoc needs --org");
	if (role == ROLE_PROVIDER && provider_id <= 0)
		return wr_err_set(e, WR_EINVAL, "provider", "a provider account needs --provider");
	if (role != ROLE_SPOC && org_id > 0)
		return wr_err_set(e, WR_EINVAL, "org", "only a spoc belongs to one organisation");
	if (role != ROLE_PROVIDER && provider_id > 0)
		return wr_err_set(e, WR_EINVAL, "provider", "only a provider account has --provider");
	if (role != ROLE_ADMIN && role != ROLE_ANALYST && role != ROLE_SPOC && role != ROLE_PROVIDER &&
	    role != ROLE_VIEWER)
		return wr_err_set(e, WR_EINVAL, "role", "unknown role");
	char hash[256];
	if ((rc = password_hash(password, hash, sizeof hash, e)))
		return rc;
	if ((rc = db_begin(db, e)))
		return rc;
	if (org_id > 0 && (rc = check_org_kind(db, org_id, "org", 0, e)))
		goto out;
	if (provider_id > 0 && (rc = check_org_kind(db, provider_id, "provider", 1, e)))
		goto out;
	sqlite3_stmt *st;
	if ((rc = db_prepare(db, "INSERT INTO users (name, role, org_id, provider_id, pw_hash,"
				 " created_at) VALUES (?,?,?,?,?,?)", &st, e)))
		goto out;
	char now[40];
	time_now_rfc3339(now, sizeof now);
	sqlite3_bind_text(st, 1, name, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 2, role_name(role), -1, SQLITE_STATIC);
	if (org_id > 0)
		sqlite3_bind_int64(st, 3, org_id);
	if (provider_id > 0)
		sqlite3_bind_int64(st, 4, provider_id);
	sqlite3_bind_text(st, 5, hash, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 6, now, -1, SQLITE_STATIC);
	if ((rc = db_step_done(db, st, e))) {
		if (rc == WR_ECONFLICT)
			wr_err_set(e, WR_ECONFLICT, "name", "a user named %s exists", name);
		goto out;
	}
	int64_t id = sqlite3_last_insert_rowid(db);
	json_t *d = json_pack("{s:s, s:s}", "name", name, "role", role_name(role));
	if (d && org_id > 0)
		json_object_set_new(d, "org_id", json_integer(org_id));
	if (d && provider_id > 0)
		json_object_set_new(d, "provider_id", json_integer(provider_id));
	rc = journal_append(db, by->name, "user.add", "user", id, d, e);
	json_decref(d);
	if (!rc)
		return db_commit(db, e);
out:
	db_rollback(db);
	return rc;
}

/* Runs an UPDATE on the user row named name, ends the user's sessions (a
 * new password or a disabled account must not leave one open) and journals
 * action, in one transaction. */
static int update_user(sqlite3 *db, const struct actor *by, const char *sql, const char *name,
		       const char *text, const char *action, struct wr_err *e)
{
	int rc = db_begin(db, e);
	if (rc)
		return rc;
	sqlite3_stmt *st;
	if ((rc = db_prepare(db, sql, &st, e)))
		goto out;
	sqlite3_bind_text(st, 1, name, -1, SQLITE_STATIC);
	if (text)
		sqlite3_bind_text(st, 2, text, -1, SQLITE_STATIC);
	if ((rc = db_step_done(db, st, e)))
		goto out;
	if (sqlite3_changes(db) == 0) {
		rc = wr_err_set(e, WR_ENOTFOUND, "name", "no user named %s", name);
		goto out;
	}
	if ((rc = db_prepare(db, "DELETE FROM sessions WHERE user_id ="
				 " (SELECT id FROM users WHERE name = ?)", &st, e)))
		goto out;
	sqlite3_bind_text(st, 1, name, -1, SQLITE_STATIC);
	if ((rc = db_step_done(db, st, e)))
		goto out;
	json_t *d = json_pack("{s:s}", "name", name);
	rc = journal_append_named(db, by->name, action, "user", name, d, e);
	json_decref(d);
	if (!rc)
		return db_commit(db, e);
out:
	db_rollback(db);
	return rc;
}

int account_set_password(sqlite3 *db, const struct actor *by, const char *name,
			 const char *password, struct wr_err *e)
{
	int rc = password_check_policy(password, e);
	char hash[256];
	if (rc || (rc = password_hash(password, hash, sizeof hash, e)))
		return rc;
	return update_user(db, by, "UPDATE users SET pw_hash = ?2 WHERE name = ?1", name, hash,
			   "user.password", e);
}

int account_disable(sqlite3 *db, const struct actor *by, const char *name, struct wr_err *e)
{
	return update_user(db, by, "UPDATE users SET disabled = 1 WHERE name = ?1", name, NULL,
			   "user.disable", e);
}

/* Collects every row of a query into a JSON array. */
static int rows_json(sqlite3 *db, const char *sql, json_t **out, struct wr_err *e)
{
	sqlite3_stmt *st;
	int rc = db_prepare(db, sql, &st, e);
	if (rc)
		return rc;
	json_t *arr = json_array();
	int s;
	while (arr && (s = sqlite3_step(st)) == SQLITE_ROW)
		if (json_array_append_new(arr, db_row_json(st))) {
			json_decref(arr);
			arr = NULL;
		}
	if (!arr)
		rc = wr_err_set(e, WR_ENOMEM, "", "out of memory");
	else if (s != SQLITE_DONE) {
		rc = db_fail(db, e);
		json_decref(arr);
		arr = NULL;
	}
	sqlite3_finalize(st);
	*out = arr;
	return rc;
}

int account_list(sqlite3 *db, json_t **out, struct wr_err *e)
{
	return rows_json(db, "SELECT id, name, role, org_id, provider_id, disabled, created_at"
			     " FROM users ORDER BY name", out, e);
}

int account_load(sqlite3 *db, int64_t user_id, struct actor *a, struct wr_err *e)
{
	sqlite3_stmt *st;
	int rc = db_prepare(db, "SELECT name, role, coalesce(org_id,0), coalesce(provider_id,0)"
				" FROM users WHERE id = ? AND disabled = 0", &st, e);
	if (rc)
		return rc;
	sqlite3_bind_int64(st, 1, user_id);
	int s = sqlite3_step(st);
	if (s == SQLITE_ROW) {
		memset(a, 0, sizeof *a);
		a->user_id = user_id;
		snprintf(a->name, sizeof a->name, "%s", (const char *)sqlite3_column_text(st, 0));
		if (role_parse((const char *)sqlite3_column_text(st, 1), &a->role))
			rc = wr_err_set(e, WR_EINTERNAL, "role", "unknown role in database");
		a->org_id = sqlite3_column_int64(st, 2);
		a->provider_id = sqlite3_column_int64(st, 3);
	} else if (s == SQLITE_DONE) {
		rc = wr_err_set(e, WR_ENOTFOUND, "", "no such user");
	} else {
		rc = db_fail(db, e);
	}
	sqlite3_finalize(st);
	return rc;
}

int token_create(sqlite3 *db, const struct actor *by, const char *name, const char *label,
		 int64_t *id, char out[SECRET_TOKEN_LEN], struct wr_err *e)
{
	if (label && strlen(label) > 200)
		return wr_err_set(e, WR_EINVAL, "label", "must be at most 200 characters");
	char hash[SECRET_SHA256_HEX], now[40];
	secret_token(out);
	secret_sha256_hex(out, strlen(out), hash);
	time_now_rfc3339(now, sizeof now);
	int rc = db_begin(db, e);
	if (rc)
		return rc;
	sqlite3_stmt *st;
	if ((rc = db_prepare(db, "INSERT INTO api_tokens (user_id, label, token_hash, created_at)"
				 " SELECT id, ?, ?, ? FROM users WHERE name = ? AND disabled = 0",
			     &st, e)))
		goto out;
	db_bind_text_or_null(st, 1, label);
	sqlite3_bind_text(st, 2, hash, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 3, now, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 4, name, -1, SQLITE_STATIC);
	if ((rc = db_step_done(db, st, e)))
		goto out;
	if (sqlite3_changes(db) == 0) {
		rc = wr_err_set(e, WR_ENOTFOUND, "name", "no active user named %s", name);
		goto out;
	}
	*id = sqlite3_last_insert_rowid(db);
	json_t *d = json_pack("{s:s, s:s?}", "user", name, "label", label);
	rc = journal_append(db, by->name, "token.create", "token", *id, d, e);
	json_decref(d);
	if (!rc) {
		if (!(rc = db_commit(db, e)))
			return 0;
		goto wipe; /* the failed commit rolled back */
	}
out:
	db_rollback(db);
wipe:
	secret_wipe(out, SECRET_TOKEN_LEN);
	return rc;
}

int token_revoke(sqlite3 *db, const struct actor *by, int64_t id, struct wr_err *e)
{
	char now[40];
	time_now_rfc3339(now, sizeof now);
	int rc = db_begin(db, e);
	if (rc)
		return rc;
	sqlite3_stmt *st;
	if ((rc = db_prepare(db, "UPDATE api_tokens SET revoked_at = ? WHERE id = ? AND revoked_at IS NULL",
			     &st, e)))
		goto out;
	sqlite3_bind_text(st, 1, now, -1, SQLITE_STATIC);
	sqlite3_bind_int64(st, 2, id);
	if ((rc = db_step_done(db, st, e)))
		goto out;
	if (sqlite3_changes(db) == 0) {
		rc = wr_err_set(e, WR_ENOTFOUND, "id", "no active token with id %lld", (long long)id);
		goto out;
	}
	if (!(rc = journal_append(db, by->name, "token.revoke", "token", id, NULL, e)))
		return db_commit(db, e);
out:
	db_rollback(db);
	return rc;
}

int token_list(sqlite3 *db, json_t **out, struct wr_err *e)
{
	return rows_json(db, "SELECT t.id, u.name AS user, t.label, t.created_at, t.revoked_at"
			     " FROM api_tokens t JOIN users u ON u.id = t.user_id ORDER BY t.id",
			 out, e);
}

int token_authenticate(sqlite3 *db, const char *token, struct actor *a, struct wr_err *e)
{
	if (strlen(token) != SECRET_TOKEN_LEN - 1)
		return wr_err_set(e, WR_EAUTH, "", "invalid token");
	char hash[SECRET_SHA256_HEX];
	secret_sha256_hex(token, strlen(token), hash);
	int64_t uid = 0;
	sqlite3_stmt *st;
	int rc = db_prepare(db, "SELECT user_id FROM api_tokens WHERE token_hash = ? AND revoked_at IS NULL",
			    &st, e);
	if (rc)
		return rc;
	sqlite3_bind_text(st, 1, hash, -1, SQLITE_STATIC);
	int s = sqlite3_step(st);
	if (s == SQLITE_ROW)
		uid = sqlite3_column_int64(st, 0);
	else if (s != SQLITE_DONE)
		rc = db_fail(db, e);
	sqlite3_finalize(st);
	if (rc)
		return rc;
	/* The lookup is by hash, so comparing in constant time is not needed. */
	if (!uid || account_load(db, uid, a, NULL))
		return wr_err_set(e, WR_EAUTH, "", "invalid token");
	return 0;
}
