/* The demo data: today's 285 municipalities, the five provinces, the
 * merged towns of 2025 with their successors, a network and a domain per
 * town, a share of deliberately incomplete towns, all through the domain
 * (the journal verifies), deterministic, and only into an empty database. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "audit/journal.h"
#include "base/timeutil.h"
#include "registry/demo.h"
#include "registry/export.h"
#include "registry/registry.h"
#include "testdb.h"

static int64_t count(sqlite3 *db, const char *sql)
{
	int64_t n = -1;
	if (db_query_int(db, sql, 0, &n, NULL))
		fail_msg("query failed: %s", sql);
	return n;
}

static void load(struct testdb *t, struct demo_summary *s)
{
	struct actor a;
	actor_cli(&a);
	struct wr_err e = {0};
	assert_int_equal(testdb_open(t), 0);
	double t0 = time_monotonic();
	int rc = demo_load(t->db, &a, s, &e);
	double took = time_monotonic() - t0;
	if (rc)
		fail_msg("demo_load: %s: %s", e.field, e.message);
	print_message("demo loaded in %.3f s\n", took);
}

static void test_counts_and_reference_data(void **state)
{
	(void)state;
	struct testdb t;
	struct demo_summary s;
	load(&t, &s);
	assert_int_equal(s.municipalities, 285);
	assert_int_equal(s.provinces, 5);
	assert_int_equal(s.past, 27);
	assert_int_equal(s.providers, 3);

	sqlite3 *db = t.db;
	assert_int_equal(count(db, "SELECT count(*) FROM orgs WHERE kind = 'municipality'"
				   " AND valid_to IS NULL"),
			 285);
	assert_int_equal(count(db, "SELECT count(DISTINCT nis_code) FROM orgs"
				   " WHERE kind = 'municipality' AND valid_to IS NULL"),
			 285);
	assert_int_equal(count(db, "SELECT count(*) FROM orgs WHERE kind = 'province' AND nis_code IN"
				   " ('10000','20001','30000','40000','70000') AND province IS NOT NULL"
				   " AND population > 0"),
			 5);
	assert_int_equal(count(db, "SELECT count(*) FROM orgs WHERE kind = 'war-room'"
				   " AND name = 'Vlaamse cyber war room'"),
			 1);
	assert_int_equal(count(db, "SELECT count(*) FROM orgs WHERE kind = 'provider'"
				   " AND name LIKE 'Demo ICT Provider _'"),
			 3);
	assert_int_equal(count(db, "SELECT sum(population) FROM orgs WHERE kind = 'province'"),
			 count(db, "SELECT sum(population) FROM orgs WHERE kind = 'municipality'"
				   " AND valid_to IS NULL"));

	/* the past towns: valid to 2024-12-31, each pointing to today's town */
	assert_int_equal(count(db, "SELECT count(*) FROM orgs o JOIN orgs s ON s.id = o.successor_id"
				   " WHERE o.valid_to = '2024-12-31' AND s.valid_to IS NULL"
				   " AND s.kind = 'municipality'"),
			 27);
	assert_int_equal(count(db, "SELECT count(*) FROM orgs WHERE valid_to IS NOT NULL"), 27);
	/* Antwerpen kept its code: one organisation, no past row */
	assert_int_equal(count(db, "SELECT count(*) FROM orgs WHERE nis_code = '11002'"), 1);
	static const char *const merged[][2] = {
		{"11007", "11002"}, {"73040", "71072"}, {"11056", "46030"},
		{"37018", "37021"}, {"44045", "46029"}, {"23032", "23106"},
	};
	for (size_t i = 0; i < sizeof merged / sizeof merged[0]; i++) {
		char sql[256];
		snprintf(sql, sizeof sql,
			 "SELECT count(*) FROM orgs o JOIN orgs s ON s.id = o.successor_id"
			 " WHERE o.nis_code = '%s' AND s.nis_code = '%s'",
			 merged[i][0], merged[i][1]);
		assert_int_equal(count(db, sql), 1);
	}
	testdb_close(&t);
}

static void test_networks_domains_contacts_and_gaps(void **state)
{
	(void)state;
	struct testdb t;
	struct demo_summary s;
	load(&t, &s);
	sqlite3 *db = t.db;
	struct actor a;
	actor_cli(&a);

	/* every town: a /24 in 198.18.0.0/15, a /48 in 2001:db8::/32 and a
	 * domain <slug>.example; except the towns whose gap is "no assets" */
	struct org_filter f = {.kind = "municipality", .limit = 500};
	json_t *items = NULL;
	int64_t next = 0;
	assert_int_equal(org_list(db, &a, &f, &items, &next, NULL), 0);
	assert_int_equal(json_array_size(items), 285);
	assert_int_equal(next, 0);
	int incomplete = 0, gaps = 0, no_assets = 0;
	size_t i;
	json_t *o;
	json_array_foreach(items, i, o)
	{
		const char *nis = json_string_value(json_object_get(o, "nis_code"));
		const char *name = json_string_value(json_object_get(o, "name"));
		int64_t id = json_integer_value(json_object_get(o, "id"));
		enum demo_gap gap = demo_town_gap(nis);
		gaps += gap != DEMO_GAP_NONE;
		incomplete += !json_is_true(json_object_get(o, "complete"));
		/* the map's view agrees with the planned gap */
		assert_int_equal(json_is_true(json_object_get(o, "complete")), gap == DEMO_GAP_NONE);

		json_t *assets = NULL;
		assert_int_equal(asset_list(db, &a, id, &assets, NULL), 0);
		int v4 = 0, v6 = 0, dom = 0;
		char slug[64], want_domain[80];
		assert_int_equal(demo_slug(name, slug, sizeof slug), 0);
		snprintf(want_domain, sizeof want_domain, "%s.example", slug);
		size_t k;
		json_t *x;
		json_array_foreach(assets, k, x)
		{
			const char *type = json_string_value(json_object_get(x, "type"));
			const char *value = json_string_value(json_object_get(x, "value"));
			if (!strcmp(type, "cidr") && !strncmp(value, "198.1", 5) &&
			    (value[5] == '8' || value[5] == '9') &&
			    !strcmp(value + strlen(value) - 5, ".0/24"))
				v4++;
			else if (!strcmp(type, "cidr") && !strncmp(value, "2001:db8:", 9) &&
				 !strcmp(value + strlen(value) - 5, "::/48"))
				v6++;
			else if (!strcmp(type, "domain") && !strcmp(value, want_domain))
				dom++;
		}
		json_decref(assets);
		if (gap == DEMO_GAP_NO_ASSETS) {
			no_assets++;
			assert_int_equal(v4 + v6 + dom, 0);
		} else {
			if (v4 != 1 || v6 != 1 || dom != 1)
				fail_msg("%s %s: %d /24, %d /48, %d domains", nis, name, v4, v6, dom);
		}
	}
	json_decref(items);
	print_message("%d of 285 towns incomplete (%d without assets)\n", incomplete, no_assets);
	assert_int_equal(incomplete, s.incomplete);
	assert_int_equal(gaps, s.incomplete);
	assert_true(incomplete * 100 >= 285 * 10 && incomplete * 100 <= 285 * 20);
	assert_true(no_assets > 0);

	/* prefixes are unique: no town's network overlaps another's */
	assert_int_equal(count(db, "SELECT count(DISTINCT value) FROM assets WHERE type = 'cidr'"),
			 count(db, "SELECT count(*) FROM assets WHERE type = 'cidr'"));
	assert_int_equal(count(db, "SELECT count(*) FROM assets WHERE value = '198.18.0.0/24'"), 1);

	/* contacts: a SPOC for every town, synthetic addresses and numbers */
	assert_int_equal(count(db, "SELECT count(DISTINCT org_id) FROM contacts WHERE role = 'spoc'"),
			 285);
	assert_int_equal(count(db, "SELECT count(*) FROM contacts"), s.contacts);
	assert_int_equal(count(db, "SELECT count(*) FROM contacts WHERE email NOT LIKE '%.example.org'"
				   " OR language <> 'nl'"),
			 0);
	assert_int_equal(count(db, "SELECT count(*) FROM contacts WHERE mobile IS NOT NULL"
				   " AND mobile NOT GLOB '+3249900[0-9][0-9][0-9][0-9]'"),
			 0);
	assert_int_equal(count(db, "SELECT count(DISTINCT mobile) FROM contacts"),
			 count(db, "SELECT count(mobile) FROM contacts"));
	assert_int_equal(count(db, "SELECT count(*) FROM assets"), s.assets);
	assert_int_equal(count(db, "SELECT count(*) FROM provider_clients pc JOIN orgs p"
				   " ON p.id = pc.provider_id WHERE p.name LIKE 'Demo ICT Provider _'"),
			 count(db, "SELECT count(*) FROM provider_clients"));

	/* through the domain: every change journaled, and the chain holds */
	int64_t entries, bad;
	struct wr_err e = {0};
	assert_int_equal(journal_verify(db, &entries, &bad, &e), 0);
	assert_true(entries >= 285 + 5 + 27 + 1 + 3 + s.contacts + s.assets);
	testdb_close(&t);
}

static void test_refuses_a_database_with_data(void **state)
{
	(void)state;
	struct testdb t;
	struct demo_summary s;
	load(&t, &s);
	int64_t orgs = count(t.db, "SELECT count(*) FROM orgs");
	int64_t entries = count(t.db, "SELECT count(*) FROM journal");
	struct actor a;
	actor_cli(&a);
	struct wr_err e = {0};
	assert_int_equal(demo_load(t.db, &a, &s, &e), WR_ECONFLICT);
	assert_string_equal(e.message,
			    "the database already holds data; demo loads only into an empty one");
	assert_int_equal(count(t.db, "SELECT count(*) FROM orgs"), orgs);
	assert_int_equal(count(t.db, "SELECT count(*) FROM journal"), entries);
	testdb_close(&t);

	/* one organisation is enough to refuse */
	assert_int_equal(testdb_open(&t), 0);
	json_t *f = json_pack("{s:s,s:s}", "kind", "intermunicipal", "name", "Someone");
	assert_int_equal(org_create(t.db, &a, f, NULL, NULL), 0);
	json_decref(f);
	assert_int_equal(demo_load(t.db, &a, &s, &e), WR_ECONFLICT);
	assert_int_equal(count(t.db, "SELECT count(*) FROM orgs"), 1);
	testdb_close(&t);
}

static char *export_text(sqlite3 *db, enum import_kind kind)
{
	struct actor a;
	actor_cli(&a);
	char *text = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&text, &len);
	assert_non_null(f);
	struct export_result r;
	assert_int_equal(registry_export_csv(db, &a, kind, f, &r, NULL), 0);
	fclose(f);
	return text;
}

static void test_deterministic(void **state)
{
	(void)state;
	struct testdb t1, t2;
	struct demo_summary s1, s2;
	load(&t1, &s1);
	load(&t2, &s2);
	assert_memory_equal(&s1, &s2, sizeof s1);
	static const enum import_kind kinds[] = {IMPORT_ORGS, IMPORT_CONTACTS, IMPORT_PROVIDERS,
						 IMPORT_ASSETS};
	for (size_t i = 0; i < 4; i++) {
		char *x = export_text(t1.db, kinds[i]), *y = export_text(t2.db, kinds[i]);
		assert_string_equal(x, y);
		free(x);
		free(y);
	}
	testdb_close(&t1);
	testdb_close(&t2);
}

static void test_slug(void **state)
{
	(void)state;
	static const char *const cases[][2] = {
		{"Sint-Genesius-Rode", "sint-genesius-rode"},
		{"De Panne", "de-panne"},
		{"'s Gravenwezel", "s-gravenwezel"},
		{"Nazareth-De Pinte", "nazareth-de-pinte"},
		{"\xc3\x89\x63\x61ussinnes", "ecaussinnes"},
		{"Bi\xc3\xa8vre", "bievre"},
		{"Kapelle-op-den-Bos", "kapelle-op-den-bos"},
		{"  A  --  B  ", "a-b"},
	};
	char out[64];
	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		assert_int_equal(demo_slug(cases[i][0], out, sizeof out), 0);
		assert_string_equal(out, cases[i][1]);
	}
	assert_int_equal(demo_slug("''", out, sizeof out), WR_EINVAL);
	assert_int_equal(demo_slug("abcdef", out, 4), WR_EINVAL);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_counts_and_reference_data),
		cmocka_unit_test(test_networks_domains_contacts_and_gaps),
		cmocka_unit_test(test_refuses_a_database_with_data),
		cmocka_unit_test(test_deterministic),
		cmocka_unit_test(test_slug),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
