#include "auth/sessions.h"
#include "audit/journal.h"
#include "auth/accounts.h"
#include "auth/password.h"
#include "base/log.h"
#include "base/timeutil.h"
#include "store/db.h"

#include <string.h>
#include <time.h>

static int lookup_user(sqlite3 *db, const char *username, int64_t *id, char hash[256],
		       struct wr_err *e)
{
	sqlite3_stmt *st;
	*id = 0;
	int rc = db_prepare(db, "SELECT id, pw_hash FROM users WHERE name = ? AND disabled = 0", &st, e);
	if (rc)
		return rc;
	sqlite3_bind_text(st, 1, username, -1, SQLITE_STATIC);
	int s = sqlite3_step(st);
	if (s == SQLITE_ROW) {
		*id = sqlite3_column_int64(st, 0);
		snprintf(hash, 256, "%s", (const char *)sqlite3_column_text(st, 1));
	} else if (s != SQLITE_DONE) {
		rc = db_fail(db, e);
	}
	sqlite3_finalize(st);
	return rc;
}

int session_login(sqlite3 *db, const struct login_throttles *t, const char *addr,
		  const char *username, const char *password, struct actor *a,
		  char session[SECRET_TOKEN_LEN], char csrf[SECRET_TOKEN_LEN], int *retry_after,
		  struct wr_err *e)
{
	int64_t now = (int64_t)time(NULL);
	char ukey[80];
	snprintf(ukey, sizeof ukey, "u:%.70s", username);
	int wait_u = throttle_check(t->per_user, ukey, now);
	int wait_a = throttle_check(t->per_addr, addr, now);
	*retry_after = wait_u > wait_a ? wait_u : wait_a;
	if (*retry_after > 0)
		return wr_err_set(e, WR_ERATE, "", "too many failed logins; try again in %d seconds",
				  *retry_after);

	int64_t uid;
	char stored[256];
	int rc = lookup_user(db, username, &uid, stored, e);
	if (rc)
		return rc;
	int ok = password_verify(uid ? stored : password_dummy_hash(), password) && uid;
	secret_wipe(stored, sizeof stored);
	if (!ok) {
		throttle_fail(t->per_user, ukey, now);
		throttle_fail(t->per_addr, addr, now);
		log_warn("login failed from %s", addr);
		return wr_err_set(e, WR_EAUTH, "", "wrong user name or password");
	}
	throttle_reset(t->per_user, ukey);
	if ((rc = account_load(db, uid, a, e)))
		return rc;

	char hash[SECRET_SHA256_HEX], at[40];
	secret_token(session);
	secret_token(csrf);
	secret_sha256_hex(session, strlen(session), hash);
	time_now_rfc3339(at, sizeof at);
	if ((rc = db_begin(db, e)))
		return rc;
	sqlite3_stmt *st;
	/* Expired sessions are swept here, so the table stays small. */
	if ((rc = db_prepare(db, "DELETE FROM sessions WHERE expires_at < ?", &st, e)))
		goto out;
	sqlite3_bind_int64(st, 1, now);
	if ((rc = db_step_done(db, st, e)))
		goto out;
	if ((rc = db_prepare(db, "INSERT INTO sessions (id_hash, user_id, csrf_token, created_at,"
				 " expires_at) VALUES (?,?,?,?,?)", &st, e)))
		goto out;
	sqlite3_bind_text(st, 1, hash, -1, SQLITE_STATIC);
	sqlite3_bind_int64(st, 2, uid);
	sqlite3_bind_text(st, 3, csrf, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 4, at, -1, SQLITE_STATIC);
	sqlite3_bind_int64(st, 5, now + SESSION_TTL);
	if ((rc = db_step_done(db, st, e)))
		goto out;
	json_t *d = json_pack("{s:s}", "address", addr);
	rc = journal_append(db, a->name, "session.login", "user", uid, d, e);
	json_decref(d);
	if (!rc)
		return db_commit(db, e);
out:
	db_rollback(db);
	return rc;
}

int session_lookup(sqlite3 *db, const char *session, struct actor *a, char csrf[SECRET_TOKEN_LEN],
		   struct wr_err *e)
{
	if (strlen(session) != SECRET_TOKEN_LEN - 1)
		return wr_err_set(e, WR_EAUTH, "", "not logged in");
	char hash[SECRET_SHA256_HEX];
	secret_sha256_hex(session, strlen(session), hash);
	sqlite3_stmt *st;
	int rc = db_prepare(db, "SELECT user_id, csrf_token FROM sessions WHERE id_hash = ?"
				" AND expires_at >= ?", &st, e);
	if (rc)
		return rc;
	sqlite3_bind_text(st, 1, hash, -1, SQLITE_STATIC);
	sqlite3_bind_int64(st, 2, (int64_t)time(NULL));
	int64_t uid = 0;
	int s = sqlite3_step(st);
	if (s == SQLITE_ROW) {
		uid = sqlite3_column_int64(st, 0);
		snprintf(csrf, SECRET_TOKEN_LEN, "%s", (const char *)sqlite3_column_text(st, 1));
	} else if (s != SQLITE_DONE) {
		rc = db_fail(db, e);
	}
	sqlite3_finalize(st);
	if (rc)
		return rc;
	if (!uid || account_load(db, uid, a, NULL))
		return wr_err_set(e, WR_EAUTH, "", "not logged in");
	return 0;
}

int session_logout(sqlite3 *db, const struct actor *a, const char *session, struct wr_err *e)
{
	char hash[SECRET_SHA256_HEX];
	secret_sha256_hex(session, strlen(session), hash);
	int rc = db_begin(db, e);
	if (rc)
		return rc;
	sqlite3_stmt *st;
	if ((rc = db_prepare(db, "DELETE FROM sessions WHERE id_hash = ?", &st, e)))
		goto out;
	sqlite3_bind_text(st, 1, hash, -1, SQLITE_STATIC);
	if ((rc = db_step_done(db, st, e)))
		goto out;
	if (!(rc = journal_append(db, a->name, "session.logout", "user", a->user_id, NULL, e)))
		return db_commit(db, e);
out:
	db_rollback(db);
	return rc;
}
