/* The journal: appends chain by hash, the schema refuses UPDATE and
 * DELETE, and verify names the first entry that was altered, removed,
 * inserted or reordered. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <string.h>

#include "audit/journal.h"
#include "testdb.h"

static void append_n(sqlite3 *db, int n)
{
	for (int i = 0; i < n; i++) {
		json_t *d = json_pack("{s:i,s:s}", "i", i, "note", "ünïcode ok");
		assert_int_equal(db_begin(db, NULL), 0);
		assert_int_equal(journal_append(db, "alice", "test.step", "thing", i + 1, d, NULL), 0);
		assert_int_equal(db_commit(db, NULL), 0);
		json_decref(d);
	}
}

static int verify(sqlite3 *db, int64_t *count, int64_t *bad, struct wr_err *e)
{
	return journal_verify(db, count, bad, e);
}

static void test_intact_chain_verifies(void **state)
{
	(void)state;
	struct testdb t;
	assert_int_equal(testdb_open(&t), 0);
	int64_t count, bad;
	assert_int_equal(verify(t.db, &count, &bad, NULL), 0);
	assert_int_equal(count, 0);
	append_n(t.db, 5);
	assert_int_equal(verify(t.db, &count, &bad, NULL), 0);
	assert_int_equal(count, 5);
	testdb_close(&t);
}

static void test_schema_forbids_update_and_delete(void **state)
{
	(void)state;
	struct testdb t;
	assert_int_equal(testdb_open(&t), 0);
	append_n(t.db, 2);
	assert_int_not_equal(sqlite3_exec(t.db, "UPDATE journal SET actor='mallory'", 0, 0, 0), SQLITE_OK);
	assert_non_null(strstr(sqlite3_errmsg(t.db), "append-only"));
	assert_int_not_equal(sqlite3_exec(t.db, "DELETE FROM journal WHERE seq=1", 0, 0, 0), SQLITE_OK);
	testdb_close(&t);
}

static void expect_broken(const char *tamper, int64_t want_bad, const char *want_word)
{
	struct testdb t;
	assert_int_equal(testdb_open(&t), 0);
	append_n(t.db, 6);
	assert_int_equal(sqlite3_exec(t.db, "DROP TRIGGER journal_no_update; DROP TRIGGER journal_no_delete",
				      0, 0, 0), SQLITE_OK);
	assert_int_equal(sqlite3_exec(t.db, tamper, 0, 0, 0), SQLITE_OK);
	int64_t count, bad;
	struct wr_err e = {0};
	assert_int_equal(verify(t.db, &count, &bad, &e), WR_ECONFLICT);
	assert_int_equal(bad, want_bad);
	assert_int_equal(count, want_bad - 1);
	assert_non_null(strstr(e.message, want_word));
	testdb_close(&t);
}

static void test_edited_details_detected(void **state)
{
	(void)state;
	expect_broken("UPDATE journal SET details='{\"i\":99}' WHERE seq=3", 3, "altered");
}

static void test_edited_actor_detected(void **state)
{
	(void)state;
	expect_broken("UPDATE journal SET actor='bob' WHERE seq=4", 4, "altered");
}

static void test_deleted_entry_detected(void **state)
{
	(void)state;
	expect_broken("DELETE FROM journal WHERE seq=2", 2, "missing");
}

static void test_swapped_entries_detected(void **state)
{
	(void)state;
	/* Swap the content of 2 and 3, keeping seq in order. */
	expect_broken("UPDATE journal SET seq=100 WHERE seq=2; UPDATE journal SET seq=2 WHERE seq=3;"
		      "UPDATE journal SET seq=3 WHERE seq=100",
		      2, "follow");
}

static void test_rehashed_entry_breaks_next_link(void **state)
{
	(void)state;
	/* An attacker who recomputes the hash of the entry they edit still
	 * breaks the link from the next entry. */
	struct testdb t;
	assert_int_equal(testdb_open(&t), 0);
	append_n(t.db, 4);
	sqlite3_exec(t.db, "DROP TRIGGER journal_no_update", 0, 0, 0);
	sqlite3_stmt *st;
	assert_int_equal(db_prepare(t.db, "SELECT seq, at, actor, action, object_type, object_id,"
					  " prev_hash FROM journal WHERE seq=2", &st, NULL), 0);
	assert_int_equal(sqlite3_step(st), SQLITE_ROW);
	char h[65];
	assert_int_equal(journal_entry_hash(2, (const char *)sqlite3_column_text(st, 1), "mallory",
					    (const char *)sqlite3_column_text(st, 3),
					    (const char *)sqlite3_column_text(st, 4),
					    (const char *)sqlite3_column_text(st, 5), "{}",
					    (const char *)sqlite3_column_text(st, 6), h), 0);
	sqlite3_finalize(st);
	char sql[256];
	snprintf(sql, sizeof sql, "UPDATE journal SET actor='mallory', details='{}', hash='%s' WHERE seq=2", h);
	assert_int_equal(sqlite3_exec(t.db, sql, 0, 0, 0), SQLITE_OK);
	int64_t count, bad;
	assert_int_equal(journal_verify(t.db, &count, &bad, NULL), WR_ECONFLICT);
	assert_int_equal(bad, 3);
	testdb_close(&t);
}

static void test_rolled_back_change_leaves_no_entry(void **state)
{
	(void)state;
	struct testdb t;
	assert_int_equal(testdb_open(&t), 0);
	append_n(t.db, 1);
	assert_int_equal(db_begin(t.db, NULL), 0);
	assert_int_equal(journal_append(t.db, "alice", "x", "thing", 9, NULL, NULL), 0);
	db_rollback(t.db);
	int64_t n = 0;
	assert_int_equal(db_query_int(t.db, "SELECT count(*) FROM journal", 0, &n, NULL), 0);
	assert_int_equal(n, 1);
	testdb_close(&t);
}

static void test_list_pages_newest_first(void **state)
{
	(void)state;
	struct testdb t;
	assert_int_equal(testdb_open(&t), 0);
	append_n(t.db, 5);
	json_t *items;
	int64_t next;
	assert_int_equal(journal_list(t.db, 2, 0, &items, &next, NULL), 0);
	assert_int_equal(json_array_size(items), 2);
	assert_int_equal(json_integer_value(json_object_get(json_array_get(items, 0), "seq")), 5);
	assert_int_equal(json_integer_value(json_object_get(json_object_get(json_array_get(items, 0), "details"), "i")), 4);
	assert_int_equal(next, 4);
	json_decref(items);
	assert_int_equal(journal_list(t.db, 10, next, &items, &next, NULL), 0);
	assert_int_equal(json_array_size(items), 3);
	assert_int_equal(next, 0);
	json_decref(items);
	testdb_close(&t);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_intact_chain_verifies),
		cmocka_unit_test(test_schema_forbids_update_and_delete),
		cmocka_unit_test(test_edited_details_detected),
		cmocka_unit_test(test_edited_actor_detected),
		cmocka_unit_test(test_deleted_entry_detected),
		cmocka_unit_test(test_swapped_entries_detected),
		cmocka_unit_test(test_rehashed_entry_breaks_next_link),
		cmocka_unit_test(test_rolled_back_change_leaves_no_entry),
		cmocka_unit_test(test_list_pages_newest_first),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
