/* Accounts, passwords, sessions, tokens and login throttling. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <string.h>

#include "auth/accounts.h"
#include "auth/password.h"
#include "auth/sessions.h"
#include "testdb.h"

static const char *PW = "correct horse battery";

static void test_throttle_blocks_after_limit_and_expires(void **state)
{
	(void)state;
	struct throttle *t = throttle_new(3, 60);
	assert_non_null(t);
	for (int i = 0; i < 3; i++) {
		assert_int_equal(throttle_check(t, "u:alice", 1000), 0);
		throttle_fail(t, "u:alice", 1000 + i);
	}
	assert_int_equal(throttle_check(t, "u:alice", 1010), 50); /* window opened at 1000 */
	assert_int_equal(throttle_check(t, "u:bob", 1010), 0);    /* others unaffected */
	assert_int_equal(throttle_check(t, "u:alice", 1060), 0);  /* window over */
	throttle_fail(t, "u:alice", 1061);
	assert_int_equal(throttle_check(t, "u:alice", 1061), 0); /* a new window counts anew */
	throttle_reset(t, "u:alice");
	throttle_free(t);
}

static void test_throttle_survives_a_flood_of_keys(void **state)
{
	(void)state;
	struct throttle *t = throttle_new(2, 60);
	char key[32];
	throttle_fail(t, "victim", 0);
	throttle_fail(t, "victim", 0);
	for (int i = 0; i < 100000; i++) {
		snprintf(key, sizeof key, "10.%d.%d.%d", i >> 16 & 255, i >> 8 & 255, i & 255);
		throttle_fail(t, key, 1);
	}
	/* The table is bounded; the flood may evict, but never crash or grow. */
	assert_true(throttle_check(t, "victim", 2) == 0 || throttle_check(t, "victim", 2) == 58);
	throttle_free(t);
}

static void test_password_policy(void **state)
{
	(void)state;
	struct wr_err e = {0};
	assert_int_equal(password_check_policy("short", &e), WR_EINVAL);
	assert_string_equal(e.field, "password");
	assert_non_null(strstr(e.message, "12"));
	assert_int_equal(password_check_policy(PW, &e), 0);
	char hash[256];
	assert_int_equal(password_hash(PW, hash, sizeof hash, &e), 0);
	assert_non_null(strstr(hash, "$argon2id$"));
	assert_true(password_verify(hash, PW));
	assert_false(password_verify(hash, "correct horse battery!"));
	char g[21];
	password_generate(g);
	assert_int_equal(strlen(g), 20);
	assert_int_equal(password_check_policy(g, NULL), 0);
}

static int64_t add_org(sqlite3 *db, const char *kind, const char *name)
{
	char sql[256];
	snprintf(sql, sizeof sql, "INSERT INTO orgs (kind, name, created_at, updated_at)"
				  " VALUES ('%s', '%s', 'now', 'now')", kind, name);
	assert_int_equal(sqlite3_exec(db, sql, 0, 0, 0), SQLITE_OK);
	return sqlite3_last_insert_rowid(db);
}

static void test_account_rules(void **state)
{
	(void)state;
	struct testdb t;
	assert_int_equal(testdb_open(&t), 0);
	struct actor cli;
	actor_cli(&cli);
	int64_t town = add_org(t.db, "municipality", "Gent");
	int64_t prov = add_org(t.db, "provider", "Demo ICT");
	struct wr_err e = {0};
	assert_int_equal(account_add(t.db, &cli, "spoc", ROLE_SPOC, 0, 0, PW, &e), WR_EINVAL);
	assert_string_equal(e.field, "org");
	assert_int_equal(account_add(t.db, &cli, "spoc", ROLE_SPOC, prov, 0, PW, &e), WR_EINVAL);
	assert_non_null(strstr(e.message, "provider"));
	assert_int_equal(account_add(t.db, &cli, "prov", ROLE_PROVIDER, 0, town, PW, &e), WR_EINVAL);
	assert_string_equal(e.field, "provider");
	assert_int_equal(account_add(t.db, &cli, "Bad Name", ROLE_VIEWER, 0, 0, PW, &e), WR_EINVAL);
	assert_string_equal(e.field, "name");
	assert_int_equal(account_add(t.db, &cli, "spoc", ROLE_SPOC, town, 0, PW, &e), 0);
	assert_int_equal(account_add(t.db, &cli, "spoc", ROLE_ANALYST, 0, 0, PW, &e), WR_ECONFLICT);
	assert_int_equal(account_add(t.db, &cli, "prov", ROLE_PROVIDER, 0, prov, PW, &e), 0);
	json_t *list;
	assert_int_equal(account_list(t.db, &list, &e), 0);
	assert_int_equal(json_array_size(list), 2);
	/* No password hash leaves the store through the list. */
	char *text = json_dumps(list, 0);
	assert_null(strstr(text, "argon2"));
	free(text);
	json_decref(list);
	int64_t n;
	assert_int_equal(db_query_int(t.db, "SELECT count(*) FROM journal WHERE action='user.add'", 0, &n, NULL), 0);
	assert_int_equal(n, 2);
	assert_int_equal(db_query_int(t.db, "SELECT count(*) FROM journal WHERE details LIKE '%argon%'"
					    " OR details LIKE '%horse%'", 0, &n, NULL), 0);
	assert_int_equal(n, 0);
	testdb_close(&t);
}

static void test_login_session_logout(void **state)
{
	(void)state;
	struct testdb t;
	assert_int_equal(testdb_open(&t), 0);
	struct actor cli, a, b;
	actor_cli(&cli);
	assert_int_equal(account_add(t.db, &cli, "alice", ROLE_ANALYST, 0, 0, PW, NULL), 0);
	struct login_throttles th = {throttle_new(2, 900), throttle_new(100, 900)};
	char sess[SECRET_TOKEN_LEN], csrf[SECRET_TOKEN_LEN], csrf2[SECRET_TOKEN_LEN];
	int retry;
	struct wr_err e = {0};
	assert_int_equal(session_login(t.db, &th, "127.0.0.1", "nobody", PW, &a, sess, csrf, &retry, &e), WR_EAUTH);
	char msg_unknown[256];
	snprintf(msg_unknown, sizeof msg_unknown, "%s", e.message);
	assert_int_equal(session_login(t.db, &th, "127.0.0.1", "alice", "wrong password!", &a, sess, csrf, &retry, &e), WR_EAUTH);
	/* The same answer whether the name exists or not. */
	assert_string_equal(msg_unknown, e.message);
	assert_int_equal(session_login(t.db, &th, "127.0.0.1", "alice", PW, &a, sess, csrf, &retry, &e), 0);
	assert_string_equal(a.name, "alice");
	assert_int_equal(a.role, ROLE_ANALYST);
	assert_int_equal(session_lookup(t.db, sess, &b, csrf2, &e), 0);
	assert_string_equal(csrf, csrf2);
	assert_int_equal(b.user_id, a.user_id);
	/* The cookie value is not stored, only its hash. */
	int64_t n;
	sqlite3_stmt *st;
	assert_int_equal(db_prepare(t.db, "SELECT count(*) FROM sessions WHERE id_hash = ?", &st, NULL), 0);
	sqlite3_bind_text(st, 1, sess, -1, SQLITE_STATIC);
	assert_int_equal(sqlite3_step(st), SQLITE_ROW);
	assert_int_equal(sqlite3_column_int(st, 0), 0);
	sqlite3_finalize(st);
	assert_int_equal(session_logout(t.db, &a, sess, &e), 0);
	assert_int_equal(session_lookup(t.db, sess, &b, csrf2, &e), WR_EAUTH);
	/* Two failures for alice: the third attempt is refused even with the right password. */
	session_login(t.db, &th, "127.0.0.1", "alice", "wrong password!", &a, sess, csrf, &retry, &e);
	session_login(t.db, &th, "127.0.0.1", "alice", "wrong password!", &a, sess, csrf, &retry, &e);
	assert_int_equal(session_login(t.db, &th, "127.0.0.1", "alice", PW, &a, sess, csrf, &retry, &e), WR_ERATE);
	assert_true(retry > 0 && retry <= 900);
	assert_int_equal(db_query_int(t.db, "SELECT count(*) FROM journal WHERE action LIKE 'session.%'", 0, &n, NULL), 0);
	assert_int_equal(n, 2); /* login and logout */
	throttle_free(th.per_user);
	throttle_free(th.per_addr);
	testdb_close(&t);
}

static void test_disable_and_new_password_end_sessions(void **state)
{
	(void)state;
	struct testdb t;
	assert_int_equal(testdb_open(&t), 0);
	struct actor cli, a;
	actor_cli(&cli);
	assert_int_equal(account_add(t.db, &cli, "bob", ROLE_VIEWER, 0, 0, PW, NULL), 0);
	struct login_throttles th = {throttle_new(5, 900), throttle_new(100, 900)};
	char sess[SECRET_TOKEN_LEN], csrf[SECRET_TOKEN_LEN];
	int retry;
	assert_int_equal(session_login(t.db, &th, "::1", "bob", PW, &a, sess, csrf, &retry, NULL), 0);
	assert_int_equal(account_set_password(t.db, &cli, "bob", "another long password", NULL), 0);
	assert_int_equal(session_lookup(t.db, sess, &a, csrf, NULL), WR_EAUTH);
	assert_int_equal(session_login(t.db, &th, "::1", "bob", PW, &a, sess, csrf, &retry, NULL), WR_EAUTH);
	assert_int_equal(session_login(t.db, &th, "::1", "bob", "another long password", &a, sess, csrf, &retry, NULL), 0);
	assert_int_equal(account_disable(t.db, &cli, "bob", NULL), 0);
	assert_int_equal(session_lookup(t.db, sess, &a, csrf, NULL), WR_EAUTH);
	assert_int_equal(session_login(t.db, &th, "::1", "bob", "another long password", &a, sess, csrf, &retry, NULL), WR_EAUTH);
	assert_int_equal(account_disable(t.db, &cli, "nobody", NULL), WR_ENOTFOUND);
	throttle_free(th.per_user);
	throttle_free(th.per_addr);
	testdb_close(&t);
}

static void test_tokens(void **state)
{
	(void)state;
	struct testdb t;
	assert_int_equal(testdb_open(&t), 0);
	struct actor cli, a;
	actor_cli(&cli);
	assert_int_equal(account_add(t.db, &cli, "robot", ROLE_ANALYST, 0, 0, PW, NULL), 0);
	char tok[SECRET_TOKEN_LEN];
	int64_t id;
	struct wr_err e = {0};
	assert_int_equal(token_create(t.db, &cli, "nobody", "x", &id, tok, &e), WR_ENOTFOUND);
	assert_int_equal(token_create(t.db, &cli, "robot", "feed importer", &id, tok, &e), 0);
	assert_int_equal(strlen(tok), 43);
	assert_int_equal(token_authenticate(t.db, tok, &a, &e), 0);
	assert_string_equal(a.name, "robot");
	tok[0] = tok[0] == 'A' ? 'B' : 'A';
	assert_int_equal(token_authenticate(t.db, tok, &a, &e), WR_EAUTH);
	tok[0] = tok[0] == 'A' ? 'B' : 'A';
	assert_int_equal(token_revoke(t.db, &cli, id, &e), 0);
	assert_int_equal(token_authenticate(t.db, tok, &a, &e), WR_EAUTH);
	assert_int_equal(token_revoke(t.db, &cli, id, &e), WR_ENOTFOUND);
	testdb_close(&t);
}

static void test_scope_sql(void **state)
{
	(void)state;
	struct actor a = {0};
	char sql[256];
	a.role = ROLE_SPOC;
	a.org_id = 42;
	assert_int_equal(scope_org_sql(&a, "c.org_id", sql, sizeof sql), 0);
	assert_string_equal(sql, "(c.org_id = 42)");
	assert_true(scope_can_edit_org(&a, 42));
	assert_false(scope_can_edit_org(&a, 43));
	a.role = ROLE_VIEWER;
	assert_int_equal(scope_org_sql(&a, "org_id", sql, sizeof sql), 0);
	assert_string_equal(sql, "0");
	assert_false(scope_can_edit_org(&a, 42));
	a.role = ROLE_ANALYST;
	assert_int_equal(scope_org_sql(&a, "org_id", sql, sizeof sql), 0);
	assert_string_equal(sql, "1");
	a.role = ROLE_PROVIDER;
	a.provider_id = 7;
	assert_int_equal(scope_org_sql(&a, "org_id", sql, 10), WR_EINVAL); /* too small: refused, not cut */
	enum role r;
	assert_int_equal(role_parse("system", &r), WR_EINVAL); /* not an account role */
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_throttle_blocks_after_limit_and_expires),
		cmocka_unit_test(test_throttle_survives_a_flood_of_keys),
		cmocka_unit_test(test_password_policy),
		cmocka_unit_test(test_account_rules),
		cmocka_unit_test(test_login_session_logout),
		cmocka_unit_test(test_disable_and_new_password_end_sessions),
		cmocka_unit_test(test_tokens),
		cmocka_unit_test(test_scope_sql),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
