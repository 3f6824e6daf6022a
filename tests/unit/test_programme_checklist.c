/* The default checklist: it loads, every reference names a real
 * CyberFundamentals 2025 control or CIS v8 IG1 safeguard, and a bad file is
 * refused with the item and the field named. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "programme/checklist.h"

static void test_current_loads(void **state)
{
	(void)state;
	struct wr_err e = {0};
	const struct checklist *c = checklist_current(&e);
	assert_non_null(c);
	assert_string_equal(c->id, "local-government");
	assert_true(c->n >= 20 && c->n <= 30);
	int fns[FN_COUNT] = {0}, keys = 0, provider = 0;
	for (size_t i = 0; i < c->n; i++) {
		fns[c->items[i].function]++;
		keys += c->items[i].key_measure;
		provider += c->items[i].provider_owned;
	}
	for (int f = 0; f < FN_COUNT; f++)
		assert_true(fns[f] > 0);
	assert_true(keys >= 8);
	assert_true(provider > 0 && provider < (int)c->n);
	/* The lessons of 2022 are in it. */
	const char *must[] = {"LG-PR-01", "LG-PR-02", "LG-PR-03", "LG-PR-04", "LG-PR-05",
			      "LG-RC-03", "LG-DE-01", "LG-PR-08", "LG-DE-02", "LG-RS-01", "LG-GV-03"};
	for (size_t i = 0; i < sizeof must / sizeof must[0]; i++) {
		const struct checklist_item *it = checklist_find(c, must[i]);
		assert_non_null(it);
		assert_true(it->key_measure || !strcmp(must[i], "LG-GV-03"));
	}
}

static void test_every_reference_exists(void **state)
{
	(void)state;
	const struct checklist *c = checklist_current(NULL);
	assert_non_null(c);
	size_t count = 0;
	for (size_t i = 0; i < c->n; i++) {
		const json_t *refs = json_object_get(c->items[i].json, "references");
		size_t k;
		const json_t *r;
		json_array_foreach(refs, k, r)
		{
			const char *s = json_string_value(r);
			assert_true(!strncmp(s, "CYFUN25:", 8) || !strncmp(s, "CISV8:", 6));
			assert_true(checklist_reference_exists(s));
			count++;
		}
	}
	assert_true(count >= c->n);
}

static void test_reference_lookup(void **state)
{
	(void)state;
	assert_true(checklist_reference_exists("CYFUN25:PR.AA-03.2"));
	assert_true(checklist_reference_exists("CYFUN25:RC.CO-04.3")); /* the last row */
	assert_true(checklist_reference_exists("CISV8:6.4"));
	assert_true(checklist_reference_exists("CISV8:17.3"));
	assert_false(checklist_reference_exists("CYFUN25:PR.AA-03"));   /* a subcategory */
	assert_false(checklist_reference_exists("CYFUN25:PR.AA-03.20"));
	assert_false(checklist_reference_exists("CISV8:13.1"));  /* IG2, not IG1 */
	assert_false(checklist_reference_exists("CISV8:6"));
	assert_false(checklist_reference_exists("CYFUN23:PR.AA-03.2"));
	assert_false(checklist_reference_exists("CISV8:"));
	assert_false(checklist_reference_exists("CISV8:6.4,x"));
}

/* The current document with one change, reloaded: it must be refused with
 * field and item named. */
static void expect_refused(const char *path_item, int idx, const char *key, json_t *value,
			   const char *field, const char *in_message)
{
	const struct checklist *c = checklist_current(NULL);
	assert_non_null(c);
	json_t *doc = json_deep_copy(c->doc);
	json_t *item = json_array_get(json_object_get(doc, "items"), (size_t)idx);
	if (path_item)
		json_array_set_new(json_object_get(item, path_item), 0, value);
	else if (value)
		json_object_set_new(item, key, value);
	else
		json_object_del(item, key);
	char *text = json_dumps(doc, 0);
	struct checklist *out = NULL;
	struct wr_err e = {0};
	assert_int_equal(checklist_load_text(text, strlen(text), &out, &e), WR_EINVAL);
	assert_null(out);
	assert_string_equal(e.field, field);
	assert_non_null(strstr(e.message, in_message));
	free(text);
	json_decref(doc);
}

static void test_bad_files_refused(void **state)
{
	(void)state;
	const struct checklist *c = checklist_current(NULL);
	char id3[32];
	snprintf(id3, sizeof id3, "%s", c->items[3].id);
	expect_refused("references", 3, NULL, json_string("CYFUN25:PR.ZZ-99.9"), "items[3].references[0]", id3);
	expect_refused("references", 3, NULL, json_string("CISV8:13.1"), "items[3].references[0]", "CISV8:13.1");
	expect_refused(NULL, 2, "weight", json_integer(0), "items[2].weight", c->items[2].id);
	expect_refused(NULL, 2, "owner", json_string("mayor"), "items[2].owner", "town");
	expect_refused(NULL, 1, "function", json_string("pray"), "items[1].function", "govern");
	expect_refused(NULL, 4, "id", json_string(c->items[0].id), "items[4].id", "twice");
	expect_refused(NULL, 5, "guidance", json_pack("{s:s}", "nl", "alleen Nederlands"), "items[5].guidance", "en");
	expect_refused(NULL, 5, "key_measure", NULL, "items[5].key_measure", "true or false");
	expect_refused(NULL, 6, "colour", json_string("red"), "items[6].colour", "not a known field");
	struct checklist *out = NULL;
	struct wr_err e = {0};
	assert_int_equal(checklist_load_text("{\"id\":", 6, &out, &e), WR_EPARSE);
	assert_int_equal(checklist_load_text("{\"id\":\"x\",\"version\":\"1\",\"items\":[]}", 35, &out, &e), WR_EINVAL);
	assert_string_equal(e.field, "items");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_current_loads),
		cmocka_unit_test(test_every_reference_exists),
		cmocka_unit_test(test_reference_lookup),
		cmocka_unit_test(test_bad_files_refused),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
