/* Transactions nest as savepoints; migrations are recorded and idempotent. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <string.h>

#include "testdb.h"

static int64_t count(sqlite3 *db)
{
	int64_t n = -1;
	assert_int_equal(db_query_int(db, "SELECT count(*) FROM orgs", 0, &n, NULL), 0);
	return n;
}

static void insert(sqlite3 *db, const char *name)
{
	char sql[200];
	snprintf(sql, sizeof sql, "INSERT INTO orgs (kind, name, created_at, updated_at)"
				  " VALUES ('municipality','%s','t','t')", name);
	assert_int_equal(db_exec(db, sql, NULL), 0);
}

static void test_inner_rollback_keeps_outer(void **state)
{
	(void)state;
	struct testdb t;
	assert_int_equal(testdb_open(&t), 0);
	assert_int_equal(db_begin(t.db, NULL), 0);
	insert(t.db, "A");
	assert_int_equal(db_begin(t.db, NULL), 0);
	insert(t.db, "B");
	db_rollback(t.db);
	assert_int_equal(db_begin(t.db, NULL), 0);
	insert(t.db, "C");
	assert_int_equal(db_commit(t.db, NULL), 0);
	assert_int_equal(db_commit(t.db, NULL), 0);
	assert_int_equal(count(t.db), 2);
	testdb_close(&t);
}

static void test_outer_rollback_drops_inner_commits(void **state)
{
	(void)state;
	struct testdb t;
	assert_int_equal(testdb_open(&t), 0);
	assert_int_equal(db_begin(t.db, NULL), 0);
	assert_int_equal(db_begin(t.db, NULL), 0);
	insert(t.db, "A");
	assert_int_equal(db_commit(t.db, NULL), 0);
	db_rollback(t.db);
	assert_int_equal(count(t.db), 0);
	assert_true(sqlite3_get_autocommit(t.db));
	testdb_close(&t);
}

static void test_unique_violation_is_conflict(void **state)
{
	(void)state;
	struct testdb t;
	assert_int_equal(testdb_open(&t), 0);
	struct wr_err e = {0};
	assert_int_equal(db_exec(t.db, "INSERT INTO orgs (kind,name,nis_code,created_at,updated_at)"
				       " VALUES ('municipality','Gent','44021','t','t')", &e), 0);
	assert_int_equal(db_exec(t.db, "INSERT INTO orgs (kind,name,nis_code,created_at,updated_at)"
				       " VALUES ('municipality','Gent 2','44021','t','t')", &e), WR_ECONFLICT);
	/* The database's own text stays in the log, not in the user's message. */
	assert_null(strstr(e.message, "UNIQUE"));
	testdb_close(&t);
}

static void test_migrations_recorded_once(void **state)
{
	(void)state;
	struct testdb t;
	assert_int_equal(testdb_open(&t), 0);
	assert_int_equal(db_schema_version(t.db), db_latest_version());
	int applied = -1;
	assert_int_equal(db_migrate(t.db, &applied, NULL), 0);
	assert_int_equal(applied, 0);
	/* A database from a newer program is refused, not damaged. */
	assert_int_equal(db_exec(t.db, "INSERT INTO schema_migrations VALUES (999,'future','t')", NULL), 0);
	struct wr_err e = {0};
	assert_int_equal(db_migrate(t.db, &applied, &e), WR_ECONFLICT);
	assert_non_null(strstr(e.message, "newer"));
	testdb_close(&t);
}

static void test_read_snapshot_lets_writers_through(void **state)
{
	(void)state;
	struct testdb t;
	assert_int_equal(testdb_open(&t), 0);
	sqlite3 *writer;
	assert_int_equal(db_open(t.path, 0, &writer, NULL), 0);
	insert(t.db, "A");
	assert_int_equal(db_begin_read(t.db, NULL), 0);
	assert_int_equal(count(t.db), 1);
	/* Another connection writes while the snapshot is open... */
	insert(writer, "B");
	/* ...and the snapshot still sees the state it started with. */
	assert_int_equal(count(t.db), 1);
	db_end_read(t.db);
	assert_int_equal(count(t.db), 2);
	/* A read transaction does not nest inside a write one. */
	assert_int_equal(db_begin(t.db, NULL), 0);
	assert_int_equal(db_begin_read(t.db, NULL), WR_EINTERNAL);
	db_rollback(t.db);
	db_close(writer);
	testdb_close(&t);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_inner_rollback_keeps_outer),
		cmocka_unit_test(test_outer_rollback_drops_inner_commits),
		cmocka_unit_test(test_unique_violation_is_conflict),
		cmocka_unit_test(test_migrations_recorded_once),
		cmocka_unit_test(test_read_snapshot_lets_writers_through),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
