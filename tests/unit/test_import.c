/* CSV import and export of the registry: a good file writes what it says,
 * one bad line writes nothing and every bad line is reported as
 * FILE:LINE: column: reason, a second import skips everything, and
 * export -> import into a fresh database gives the same rows. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "audit/journal.h"
#include "registry/export.h"
#include "registry/import.h"
#include "registry/registry.h"
#include "testdb.h"

static const char orgs_csv[] =
	"kind,name,nis_code,province,population,valid_from,valid_to,successor_nis\n"
	/* a past town whose successor comes later in the file */
	"municipality,Borsbeek,11007,Antwerpen,10931,2019-01-01,2024-12-31,11002\n"
	"municipality,Aartselaar,11001,Antwerpen,14427,2019-01-01,,\n"
	"municipality,Antwerpen,11002,antwerpen,540196,2025-01-01,,\n"
	"municipality,Boechout,11004,Antwerpen, 13372 ,2019-01-01,,\n"
	"province,Provincie Antwerpen,10000,Antwerpen,,,,\n"
	"war-room,Vlaamse cyber war room,,,,,,\n";

static const char providers_csv[] = "provider,client,services\n"
				    "Demo ICT Provider A,11001,network;workplace\n"
				    "Demo ICT Provider A,Antwerpen,Hosting\n"
				    "Demo ICT Provider B,,\n";

static const char contacts_csv[] =
	"name,org,role,email,mobile,oob_email,language,active\n"
	"An Peeters,11001,spoc,spoc@aartselaar.example.org,0499 00 00 01,"
	"an@oob.example.org,nl,true\n"
	"Bart Maes,Aartselaar,deputy,deputy@aartselaar.example.org,+32 499 00 00 02,,nl,TRUE\n"
	"Els Claes,11002,spoc,spoc@antwerpen.example.org,+32499000003,,,\n"
	"Wim Wouters,Vlaamse cyber war room,it-lead,wim@warroom.example.org,,,en,false\n";

static const char assets_csv[] =
	"org,type,value,vendor,product,version,cpe,managed_by,provider\n"
	"11001,cidr,198.18.0.0/24,,,,,,Demo ICT Provider A\n"
	"11001,cidr,2001:DB8:0:0::/48,,,,,town,\n"
	"11001,domain,Aartselaar.Example.,,,,,,\n"
	"11002,hostname,vpn.antwerpen.example,,,,,,\n"
	"11002,software,,Fortinet,FortiOS,7.2.5,,,\n"
	"11002,software,citrix:netscaler_adc:13.1,,,,,,\n"
	/* named by its CPE alone, and with spaces around the parts of value */
	"11002,software,,,,,cpe:2.3:a:microsoft:exchange_server:2019:*:*:*:*:*:*:*,,\n"
	"11001,software, Veeam : Backup_Replication : 12.1 ,,,,,,\n";

/* Imports text; returns the code and fills r (released by the caller). */
static int import_text(sqlite3 *db, enum import_kind kind, const char *text, size_t len,
		       struct import_result *r)
{
	struct actor a;
	actor_cli(&a);
	FILE *in = fmemopen((void *)(uintptr_t)text, len, "r");
	assert_non_null(in);
	struct wr_err e = {0};
	int rc = registry_import_csv(db, &a, kind, in, r, &e);
	fclose(in);
	return rc;
}

static int import_str(sqlite3 *db, enum import_kind kind, const char *text,
		      struct import_result *r)
{
	return import_text(db, kind, text, strlen(text), r);
}

/* Imports a file that must succeed. */
static void import_ok(sqlite3 *db, enum import_kind kind, const char *text, size_t imported)
{
	struct import_result r;
	int rc = import_str(db, kind, text, &r);
	if (rc) {
		import_errors_print(&r, "test.csv", stderr);
		fail_msg("import %s failed: %d", import_kind_name(kind), rc);
	}
	assert_int_equal(r.imported, imported);
	assert_int_equal(r.total_errors, 0);
	import_result_release(&r);
}

static int64_t count(sqlite3 *db, const char *sql)
{
	int64_t n = -1;
	assert_int_equal(db_query_int(db, sql, 0, &n, NULL), 0);
	return n;
}

/* What a print function wrote, as one string (caller frees). */
static char *errors_text(const struct import_result *r, const char *file)
{
	char *text = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&text, &len);
	assert_non_null(f);
	import_errors_print(r, file, f);
	fclose(f);
	return text;
}

static char *result_text(const struct import_result *r)
{
	char *text = NULL, *notes = NULL;
	size_t len = 0, nlen = 0;
	FILE *f = open_memstream(&text, &len), *g = open_memstream(&notes, &nlen);
	assert_non_null(f);
	assert_non_null(g);
	import_result_print(r, "test.csv", f, g);
	fclose(f);
	fclose(g);
	free(notes);
	return text;
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
	struct wr_err e = {0};
	int rc = registry_export_csv(db, &a, kind, f, &r, &e);
	fclose(f);
	if (rc)
		fail_msg("export failed: %s", e.message);
	return text;
}

static void load_all(sqlite3 *db)
{
	import_ok(db, IMPORT_ORGS, orgs_csv, 6);
	import_ok(db, IMPORT_PROVIDERS, providers_csv, 2);
	import_ok(db, IMPORT_CONTACTS, contacts_csv, 4);
	import_ok(db, IMPORT_ASSETS, assets_csv, 8);
}

static void test_good_files_write_what_they_say(void **state)
{
	(void)state;
	struct testdb t;
	assert_int_equal(testdb_open(&t), 0);
	load_all(t.db);

	assert_int_equal(count(t.db, "SELECT count(*) FROM orgs"), 8); /* 6 + 2 providers */
	assert_int_equal(count(t.db, "SELECT count(*) FROM orgs WHERE kind = 'provider'"), 2);
	/* the successor given by NIS code, resolved after the file */
	assert_int_equal(count(t.db, "SELECT count(*) FROM orgs o JOIN orgs s ON s.id = o.successor_id"
				     " WHERE o.nis_code = '11007' AND s.nis_code = '11002'"
				     " AND o.valid_to = '2024-12-31'"),
			 1);
	/* canonical forms: province, population, phone numbers, prefixes, names */
	assert_int_equal(count(t.db, "SELECT count(*) FROM orgs WHERE nis_code = '11002'"
				     " AND province = 'Antwerpen'"),
			 1);
	assert_int_equal(count(t.db, "SELECT population FROM orgs WHERE nis_code = '11004'"), 13372);
	assert_int_equal(count(t.db, "SELECT count(*) FROM contacts WHERE mobile = '+32499000001'"
				     " AND role = 'spoc' AND active = 1"),
			 1);
	assert_int_equal(count(t.db, "SELECT count(*) FROM contacts WHERE role = 'it-lead'"
				     " AND active = 0 AND language = 'en'"),
			 1);
	assert_int_equal(count(t.db, "SELECT count(*) FROM assets WHERE value IN ('2001:db8::/48',"
				     " 'aartselaar.example', 'fortinet:fortios:7.2.5',"
				     " 'citrix:netscaler_adc:13.1')"),
			 4);
	assert_int_equal(count(t.db, "SELECT count(*) FROM assets a JOIN orgs p ON p.id = a.provider_id"
				     " WHERE a.value = '198.18.0.0/24' AND a.managed_by = 'provider'"
				     " AND p.name = 'Demo ICT Provider A'"),
			 1);
	assert_int_equal(count(t.db, "SELECT count(*) FROM provider_clients pc JOIN orgs o"
				     " ON o.id = pc.org_id WHERE o.nis_code = '11002'"
				     " AND pc.services = 'hosting'"),
			 1);

	/* what it says */
	struct import_result r;
	const char more[] = "org,name,role\n11004,Koen Aerts,spoc\n11004,Lieve Smets,deputy\n";
	assert_int_equal(import_str(t.db, IMPORT_CONTACTS, more, &r), 0);
	char *text = result_text(&r);
	assert_string_equal(text, "imported 2 contacts\n");
	free(text);
	import_result_release(&r);
	assert_int_equal(import_str(t.db, IMPORT_PROVIDERS, "provider\nDemo ICT Provider C\n", &r), 0);
	text = result_text(&r);
	assert_string_equal(text, "created 1 provider\nimported 0 provider clients\n");
	free(text);
	import_result_release(&r);

	int64_t entries, bad;
	assert_int_equal(journal_verify(t.db, &entries, &bad, NULL), 0);
	assert_true(entries >= 21);
	testdb_close(&t);
}

static void test_bad_lines_write_nothing_and_are_all_reported(void **state)
{
	(void)state;
	struct testdb t;
	assert_int_equal(testdb_open(&t), 0);
	import_ok(t.db, IMPORT_ORGS, orgs_csv, 6);
	int64_t journal_before = count(t.db, "SELECT count(*) FROM journal");

	const char bad[] =
		"org,name,role,email,mobile\n"                                   /* 1 */
		"11001,\"An Peeters\n"                                            /* 2 */
		"\",spoc,an@aartselaar.example.org,0499 00 00 01\n"              /* 3 */
		"11001,Bart Maes,deputy,not-an-email,\n"                          /* 4 */
		"11001,\"Two\n"                                                   /* 5 */
		"lines\",deputy,x@aartselaar.example.org,\n"                      /* 6 */
		"99999,Els Claes,spoc,,\n"                                        /* 7 */
		"\n"                                                              /* 8 */
		"11001,Geert Jacobs,boss,,\n"                                     /* 9 */
		"11001,Hilde Mertens,ciso,hilde@aartselaar.example.org,+32499000009\n" /* 10 */
		"11001,Jan Janssens,dpo,,0499\n"                                  /* 11 */
		"11001,too,many,fields,here,again\n";                             /* 12 */
	struct import_result r;
	assert_int_equal(import_str(t.db, IMPORT_CONTACTS, bad, &r), WR_EINVAL);
	assert_int_equal(r.total_errors, 6);
	assert_int_equal(r.n_errors, 6);
	static const struct {
		long line;
		const char *prefix;
	} want[] = {
		{4, "f.csv:4: email: "}, {5, "f.csv:5: name: "}, {7, "f.csv:7: org: "},
		{9, "f.csv:9: role: "},	 {11, "f.csv:11: mobile: "},
		{12, "f.csv:12: has 6 fields, the header has 5"},
	};
	char *text = errors_text(&r, "f.csv");
	char *p = text;
	for (size_t i = 0; i < sizeof want / sizeof want[0]; i++) {
		assert_int_equal(r.errors[i].line, want[i].line);
		char *nl = strchr(p, '\n');
		assert_non_null(nl);
		*nl = '\0';
		if (strncmp(p, want[i].prefix, strlen(want[i].prefix)) != 0)
			fail_msg("error %zu: got \"%s\", want \"%s...\"", i, p, want[i].prefix);
		if (want[i].prefix[strlen(want[i].prefix) - 1] == ' ')
			assert_true(strlen(p) > strlen(want[i].prefix)); /* a reason follows */
		else
			assert_string_equal(p, want[i].prefix);
		p = nl + 1;
	}
	assert_string_equal(p, "");
	free(text);
	import_result_release(&r);

	/* nothing written: no contact, no journal entry */
	assert_int_equal(count(t.db, "SELECT count(*) FROM contacts"), 0);
	assert_int_equal(count(t.db, "SELECT count(*) FROM journal"), journal_before);
	/* and the connection is usable: no transaction left open */
	assert_int_not_equal(sqlite3_get_autocommit(t.db), 0);
	import_ok(t.db, IMPORT_CONTACTS, "org,name,role\n11001,An Peeters,spoc\n", 1);
	testdb_close(&t);
}

static void test_unknown_missing_and_duplicate_columns(void **state)
{
	(void)state;
	struct testdb t;
	assert_int_equal(testdb_open(&t), 0);
	import_ok(t.db, IMPORT_ORGS, orgs_csv, 6);

	struct import_result r;
	assert_int_equal(import_str(t.db, IMPORT_CONTACTS, "org,Name,colour\n11001,x,red\n", &r),
			 WR_EINVAL);
	char *text = errors_text(&r, "c.csv");
	assert_string_equal(text, "c.csv:1: colour: unknown column (the columns of contacts are "
				  "org,name,role,email,mobile,phone,oob_email,language,active)\n"
				  "c.csv:1: role: required column missing\n");
	free(text);
	import_result_release(&r);

	assert_int_equal(import_str(t.db, IMPORT_ORGS, "kind,name,name\n", &r), WR_EINVAL);
	text = errors_text(&r, "o.csv");
	assert_string_equal(text, "o.csv:1: name: column appears twice\n");
	free(text);
	import_result_release(&r);

	assert_int_equal(import_str(t.db, IMPORT_ASSETS, "org,value\n", &r), WR_EINVAL);
	text = errors_text(&r, "a.csv");
	assert_string_equal(text, "a.csv:1: type: required column missing\n");
	free(text);
	import_result_release(&r);

	assert_int_equal(import_str(t.db, IMPORT_ORGS, "", &r), WR_EINVAL);
	assert_int_equal(r.total_errors, 1);
	assert_int_equal(r.errors[0].line, 1);
	import_result_release(&r);
	testdb_close(&t);
}

static void test_second_import_skips_everything(void **state)
{
	(void)state;
	struct testdb t;
	assert_int_equal(testdb_open(&t), 0);
	load_all(t.db);
	int64_t journal_before = count(t.db, "SELECT count(*) FROM journal");
	int64_t contacts_before = count(t.db, "SELECT count(*) FROM contacts");

	static const struct {
		enum import_kind kind;
		const char *text;
		size_t lines;
		const char *says;
	} again[] = {
		{IMPORT_ORGS, orgs_csv, 6,
		 "imported 0 organisations\nskipped 6 organisations (already stored)\n"},
		{IMPORT_PROVIDERS, providers_csv, 3,
		 "created 0 providers\nimported 0 provider clients\n"
		 "skipped 2 provider clients (already stored)\n"},
		{IMPORT_CONTACTS, contacts_csv, 4,
		 "imported 0 contacts\nskipped 4 contacts (already stored)\n"},
		{IMPORT_ASSETS, assets_csv, 8, "imported 0 assets\nskipped 8 assets (already stored)\n"},
	};
	for (size_t i = 0; i < sizeof again / sizeof again[0]; i++) {
		struct import_result r;
		assert_int_equal(import_str(t.db, again[i].kind, again[i].text, &r), 0);
		assert_int_equal(r.imported, 0);
		assert_int_equal(r.lines, again[i].lines);
		char *text = result_text(&r);
		assert_string_equal(text, again[i].says);
		free(text);
		import_result_release(&r);
	}
	assert_int_equal(count(t.db, "SELECT count(*) FROM journal"), journal_before);
	assert_int_equal(count(t.db, "SELECT count(*) FROM contacts"), contacts_before);

	/* A line naming a stored object with other values: skipped, with a
	 * note naming the columns; the stored values stay. */
	struct import_result r;
	assert_int_equal(import_str(t.db, IMPORT_CONTACTS,
				    "org,name,role,email\n11001,an peeters,spoc,an@elsewhere.example.org\n"
				    "11001,New Person,mayor,\n",
				    &r),
			 0);
	assert_int_equal(r.imported, 1);
	assert_int_equal(r.skipped_differs, 1);
	assert_int_equal(r.n_notes, 1);
	assert_int_equal(r.notes[0].line, 2);
	assert_non_null(strstr(r.notes[0].message, "email"));
	import_result_release(&r);
	assert_int_equal(count(t.db, "SELECT count(*) FROM contacts WHERE email ="
				     " 'spoc@aartselaar.example.org'"),
			 1);
	/* what a line leaves empty is not compared: all it says is stored */
	assert_int_equal(import_str(t.db, IMPORT_CONTACTS, "org,name,role,email\n11001,AN PEETERS,spoc,\n",
				    &r),
			 0);
	assert_int_equal(r.skipped_same, 1);
	import_result_release(&r);
	assert_int_equal(import_str(t.db, IMPORT_ORGS, "kind,name\nwar-room,Vlaamse cyber war room\n", &r),
			 0);
	assert_int_equal(r.skipped_same, 1);
	import_result_release(&r);
	assert_int_equal(import_str(t.db, IMPORT_ASSETS,
				    "org,type,value,managed_by\n11001,domain,aartselaar.example,provider\n",
				    &r),
			 WR_EINVAL); /* managed_by provider needs a provider: an error, not a skip */
	import_result_release(&r);
	assert_int_equal(import_str(t.db, IMPORT_ORGS,
				    "kind,name,nis_code,population\nmunicipality,Boechout,11004,1\n", &r),
			 0);
	assert_int_equal(r.skipped_differs, 1);
	assert_non_null(strstr(r.notes[0].message, "population"));
	import_result_release(&r);
	assert_int_equal(count(t.db, "SELECT population FROM orgs WHERE nis_code = '11004'"), 13372);
	testdb_close(&t);
}

static void test_export_import_round_trip(void **state)
{
	(void)state;
	struct testdb a, b;
	assert_int_equal(testdb_open(&a), 0);
	assert_int_equal(testdb_open(&b), 0);
	load_all(a.db);
	/* ids differ between the databases: a gap in b's ids */
	import_ok(b.db, IMPORT_ORGS, "kind,name\nintermunicipal,Placeholder\n", 1);

	static const enum import_kind order[] = {IMPORT_ORGS, IMPORT_PROVIDERS, IMPORT_CONTACTS,
						 IMPORT_ASSETS};
	char *first[4];
	for (int i = 0; i < 4; i++) {
		first[i] = export_text(a.db, order[i]);
		struct import_result r;
		int rc = import_str(b.db, order[i], first[i], &r);
		if (rc) {
			import_errors_print(&r, "export.csv", stderr);
			fail_msg("re-import of %s failed", import_kind_name(order[i]));
		}
		import_result_release(&r);
	}
	/* the mobile numbers were defused against formulas on the way */
	assert_non_null(strstr(first[2], ",'+32499000001,"));
	for (int i = 0; i < 4; i++) {
		char *second = export_text(b.db, order[i]);
		if (order[i] == IMPORT_ORGS) {
			/* b also has the placeholder */
			const char *ph = "intermunicipal,Placeholder,,,,,,\n";
			char *at = strstr(second, ph);
			assert_non_null(at);
			memmove(at, at + strlen(ph), strlen(at + strlen(ph)) + 1);
		}
		assert_string_equal(second, first[i]);
		free(second);
		free(first[i]);
	}
	assert_int_equal(count(a.db, "SELECT count(*) FROM assets"),
			 count(b.db, "SELECT count(*) FROM assets"));
	testdb_close(&a);
	testdb_close(&b);
}

static void expect_file_error(sqlite3 *db, const char *text, size_t len, long line,
			      const char *word)
{
	struct import_result r;
	assert_int_equal(import_text(db, IMPORT_CONTACTS, text, len, &r), WR_EINVAL);
	assert_true(r.total_errors >= 1);
	struct import_msg *m = &r.errors[r.n_errors - 1];
	assert_int_equal(m->line, line);
	if (!strstr(m->message, word))
		fail_msg("got \"%s\", want a message with \"%s\"", m->message, word);
	import_result_release(&r);
}

/* Names longer than their field allows are refused with the column named,
 * never cut (a cut could split a character or merge two names). */
static void test_overlong_names_are_refused_not_cut(void **state)
{
	(void)state;
	struct testdb t;
	assert_int_equal(testdb_open(&t), 0);
	load_all(t.db);
	char *text = malloc(4096);
	assert_non_null(text);
	/* 201 characters of two bytes each: a provider name is at most 200 */
	size_t n = (size_t)snprintf(text, 4096, "provider,client,services\n");
	for (int i = 0; i < 201; i++)
		n += (size_t)snprintf(text + n, 4096 - n, "\xc3\xa9");
	snprintf(text + n, 4096 - n, ",11001,network\n");
	struct import_result r;
	int64_t before = count(t.db, "SELECT count(*) FROM orgs WHERE kind = 'provider'");
	assert_int_equal(import_str(t.db, IMPORT_PROVIDERS, text, &r), WR_EINVAL);
	assert_int_equal(r.total_errors, 1);
	assert_int_equal(r.errors[0].line, 2);
	assert_string_equal(r.errors[0].column, "provider");
	assert_non_null(strstr(r.errors[0].message, "too long"));
	import_result_release(&r);
	assert_int_equal(count(t.db, "SELECT count(*) FROM orgs WHERE kind = 'provider'"), before);

	/* a software vendor of 101 characters inside value */
	n = (size_t)snprintf(text, 4096, "org,type,value\n11001,software,");
	for (int i = 0; i < 101; i++)
		n += (size_t)snprintf(text + n, 4096 - n, "\xc3\xa9");
	snprintf(text + n, 4096 - n, ":product:1.0\n");
	assert_int_equal(import_str(t.db, IMPORT_ASSETS, text, &r), WR_EINVAL);
	assert_int_equal(r.total_errors, 1);
	assert_string_equal(r.errors[0].column, "value");
	assert_non_null(strstr(r.errors[0].message, "too long"));
	import_result_release(&r);
	free(text);
	testdb_close(&t);
}

static void test_hostile_input_fails_cleanly(void **state)
{
	(void)state;
	struct testdb t;
	assert_int_equal(testdb_open(&t), 0);
	import_ok(t.db, IMPORT_ORGS, orgs_csv, 6);

	/* binary: a NUL byte */
	const char bin[] = "org,name,role\n11001,\x01\x02\x00\xff,spoc\n";
	expect_file_error(t.db, bin, sizeof bin - 1, 2, "NUL");
	/* bytes that are not UTF-8 */
	expect_file_error(t.db, "org,name,role\n11001,\xff\xfe,spoc\n",
			  strlen("org,name,role\n11001,\xff\xfe,spoc\n"), 2, "UTF-8");
	/* a quote never closed */
	const char open_quote[] = "org,name,role\n11001,An,spoc\n11001,\"Bart,deputy\n";
	expect_file_error(t.db, open_quote, sizeof open_quote - 1, 3, "quote");
	/* a record over 64 KiB */
	size_t big = 70000;
	char *huge = malloc(big + 64);
	assert_non_null(huge);
	int n = snprintf(huge, big + 64, "org,name,role\n11001,");
	memset(huge + n, 'x', big);
	memcpy(huge + n + big, ",spoc\n", 7);
	expect_file_error(t.db, huge, strlen(huge), 2, "longer");
	free(huge);
	/* too many fields */
	char wide[512];
	n = snprintf(wide, sizeof wide, "org,name,role\n11001");
	for (int i = 0; i < 80; i++)
		n += snprintf(wide + n, sizeof wide - (size_t)n, ",x");
	snprintf(wide + n, sizeof wide - (size_t)n, "\n");
	expect_file_error(t.db, wide, strlen(wide), 2, "fields");
	/* the good lines before a broken one are not written either */
	assert_int_equal(count(t.db, "SELECT count(*) FROM contacts"), 0);
	testdb_close(&t);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_good_files_write_what_they_say),
		cmocka_unit_test(test_bad_lines_write_nothing_and_are_all_reported),
		cmocka_unit_test(test_unknown_missing_and_duplicate_columns),
		cmocka_unit_test(test_second_import_skips_everything),
		cmocka_unit_test(test_export_import_round_trip),
		cmocka_unit_test(test_overlong_names_are_refused_not_cut),
		cmocka_unit_test(test_hostile_input_fails_cleanly),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
