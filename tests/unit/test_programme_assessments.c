/* Self-assessments in the store: a new assessment carries an answer over
 * only when the item is unchanged (same item hash, as after a new checklist
 * version that rewrote one item), the mode is kept, and every assessment is
 * journaled. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <string.h>

#include "programme/checklist.h"
#include "programme/programme.h"
#include "store/scope.h"
#include "testdb.h"

static int64_t make_town(sqlite3 *db)
{
	assert_int_equal(db_exec(db, "INSERT INTO orgs (kind, name, nis_code, province, population,"
				     " created_at, updated_at) VALUES ('municipality', 'Testgem', '99001',"
				     " 'Limburg', 12000, 'x', 'x')", NULL), 0);
	return sqlite3_last_insert_rowid(db);
}

static const json_t *answer_of(const json_t *assessment, const char *item)
{
	size_t i;
	const json_t *a;
	json_array_foreach(json_object_get(assessment, "answers"), i, a)
		if (!strcmp(json_string_value(json_object_get(a, "item")), item))
			return a;
	return NULL;
}

static void test_carry_over_only_unchanged_items(void **state)
{
	(void)state;
	struct testdb t;
	assert_int_equal(testdb_open(&t), 0);
	struct actor cli;
	actor_cli(&cli);
	int64_t org = make_town(t.db);
	const struct checklist *cl = checklist_current(NULL);
	assert_non_null(cl);
	json_t *answers = json_array();
	for (size_t i = 0; i < cl->n; i++)
		json_array_append_new(answers, json_pack("{s:s,s:s,s:s}", "item", cl->items[i].id,
							 "answer", "yes", "evidence", "bewijs"));
	json_t *body = json_pack("{s:s,s:s,s:o}", "mode", "simple", "assessed_on", "2026-01-05",
				 "answers", answers);
	json_t *first = NULL, *second = NULL, *list = NULL;
	struct wr_err e = {0};
	assert_int_equal(assessment_create(t.db, &cli, org, body, &first, &e), 0);
	json_decref(body);
	assert_int_equal(json_integer_value(json_object_get(json_object_get(first, "score"), "value_x100")), 10000);

	/* The stored answer to LG-GV-01 belongs to an older wording of the item. */
	assert_int_equal(db_exec(t.db, "UPDATE programme_answers SET item_hash = 'older-version'"
				       " WHERE item_id = 'LG-GV-01'", NULL), 0);
	body = json_pack("{s:[]}", "answers");
	assert_int_equal(assessment_create(t.db, &cli, org, body, &second, &e), 0);
	json_decref(body);
	assert_string_equal(json_string_value(json_object_get(second, "mode")), "simple");
	assert_null(answer_of(second, "LG-GV-01"));
	const json_t *carried = answer_of(second, "LG-PR-01");
	assert_non_null(carried);
	assert_true(json_is_true(json_object_get(carried, "carried")));
	assert_string_equal(json_string_value(json_object_get(carried, "evidence")), "bewijs");
	const json_t *score = json_object_get(second, "score");
	assert_int_equal(json_integer_value(json_object_get(score, "answered")), (json_int_t)cl->n - 1);
	assert_false(json_is_true(json_object_get(score, "complete")));

	assert_int_equal(assessment_list(t.db, &cli, org, 10, &list, &e), 0);
	assert_int_equal(json_array_size(list), 2);
	int64_t journaled = 0;
	assert_int_equal(db_query_int(t.db, "SELECT count(*) FROM journal WHERE action = 'assessment.create'",
				      0, &journaled, NULL), 0);
	assert_int_equal(journaled, 2);

	/* Out of scope: a SPOC of another town gets "not found", and nothing is written. */
	struct actor spoc = {.role = ROLE_SPOC, .org_id = org + 1000};
	snprintf(spoc.name, sizeof spoc.name, "spoc");
	body = json_pack("{s:[]}", "answers");
	json_t *none = NULL;
	assert_int_equal(assessment_create(t.db, &spoc, org, body, &none, &e), WR_ENOTFOUND);
	json_decref(body);
	assert_int_equal(db_query_int(t.db, "SELECT count(*) FROM programme_assessments", 0, &journaled, NULL), 0);
	assert_int_equal(journaled, 2);
	json_decref(first);
	json_decref(second);
	json_decref(list);
	testdb_close(&t);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_carry_over_only_unchanged_items),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
