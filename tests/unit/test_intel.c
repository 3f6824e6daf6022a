/* The indicator store: TLP names, metadata from STIX and MISP records, one
 * journal entry per import batch, merges, warninglist matching (host
 * suffixes, CIDR ranges, ".suffix" entries), visibility per role, pack
 * contents and the key pair. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "intel/intel.h"
#include "testdb.h"

static void test_tlp_names(void **state)
{
	(void)state;
	assert_string_equal(intel_tlp_name("tlp:white"), "CLEAR");
	assert_string_equal(intel_tlp_name("Amber+Strict"), "AMBER+STRICT");
	assert_string_equal(intel_tlp_name("TLP:RED"), "RED");
	assert_null(intel_tlp_name("purple"));
	assert_true(intel_tlp_rank("RED") > intel_tlp_rank("AMBER+STRICT"));
	assert_int_equal(intel_tlp_rank("nope"), -1);
}

struct seen {
	int n;
	char tlp[8][16];
	char value[8][64];
	int64_t valid_until[8];
	int to_ids[8];
};

static void on_meta(void *arg, enum ioc_type t, const char *value, const struct ioc_meta *m)
{
	(void)t;
	struct seen *s = arg;
	if (s->n == 8)
		return;
	snprintf(s->tlp[s->n], 16, "%s", m->tlp ? m->tlp : "-");
	snprintf(s->value[s->n], 64, "%s", value);
	s->valid_until[s->n] = m->valid_until;
	s->to_ids[s->n] = m->to_ids;
	s->n++;
}

static void test_stix_meta(void **state)
{
	(void)state;
	/* a TLP 1.0 marking defined in the bundle, refanged value, valid_until */
	const char *doc = "{\"type\":\"bundle\",\"objects\":["
			  "{\"type\":\"marking-definition\",\"id\":\"marking-definition--x\","
			  "\"definition_type\":\"tlp\",\"definition\":{\"tlp\":\"red\"}},"
			  "{\"type\":\"indicator\",\"id\":\"indicator--1\",\"pattern_type\":\"stix\","
			  "\"pattern\":\"[domain-name:value = 'Evil[.]Example']\","
			  "\"valid_until\":\"2027-01-01T00:00:00.000Z\","
			  "\"object_marking_refs\":[\"marking-definition--x\"]}]}";
	struct ioc_set *s = ioc_set_new();
	struct seen seen = {0};
	struct wr_err e = {0};
	assert_int_equal(ioc_read_text_meta(s, doc, strlen(doc), "t", NULL, NULL, NULL, on_meta, &seen, &e), 0);
	assert_int_equal(seen.n, 1);
	assert_string_equal(seen.value[0], "evil.example");
	assert_string_equal(seen.tlp[0], "RED");
	assert_int_equal(seen.valid_until[0], 1798761600);
	ioc_set_free(s);
}

static void test_misp_meta(void **state)
{
	(void)state;
	/* no tlp tag: the event's distribution (1 = community -> AMBER); an
	 * attribute's own tag wins; to_ids false is kept with to_ids 0 */
	const char *doc = "{\"Event\":{\"distribution\":\"1\",\"Attribute\":["
			  "{\"type\":\"ip-dst\",\"value\":\"198.51.100.9\",\"to_ids\":true},"
			  "{\"type\":\"domain\",\"value\":\"c2.example\",\"to_ids\":false,"
			  "\"Tag\":[{\"name\":\"tlp:green\"}]}]}}";
	struct ioc_set *s = ioc_set_new();
	struct seen seen = {0};
	struct wr_err e = {0};
	assert_int_equal(ioc_read_text_meta(s, doc, strlen(doc), "t", NULL, NULL, NULL, on_meta, &seen, &e), 0);
	assert_int_equal(seen.n, 2);
	assert_string_equal(seen.tlp[0], "AMBER");
	assert_int_equal(seen.to_ids[0], 1);
	assert_string_equal(seen.tlp[1], "GREEN");
	assert_int_equal(seen.to_ids[1], 0);
	/* the sweeper's reader still leaves out what is not for detection */
	struct ioc_set *s2 = ioc_set_new();
	assert_int_equal(ioc_read_text(s2, doc, strlen(doc), "t", NULL, NULL, NULL, &e), 0);
	assert_int_equal(ioc_set_count(s2), 1);
	ioc_set_free(s);
	ioc_set_free(s2);
}

static struct actor staff(void)
{
	struct actor a;
	actor_cli(&a);
	return a;
}

static int64_t q(sqlite3 *db, const char *sql)
{
	int64_t v = -1;
	assert_int_equal(db_query_int(db, sql, 0, &v, NULL), 0);
	return v;
}

static void import(struct testdb *t, const char *text, const char *tlp, json_t **r)
{
	struct actor a = staff();
	struct intel_import_opts o = {.format = INTEL_DOC_AUTO, .default_tlp = tlp, .name = "unit"};
	struct wr_err e = {0};
	int rc = intel_import(t->db, &a, text, strlen(text), &o, r, &e);
	if (rc)
		fail_msg("import: %s", e.message);
}

static void test_import_batch_and_merge(void **state)
{
	(void)state;
	struct testdb t;
	assert_int_equal(testdb_open(&t), 0);
	int64_t j0 = q(t.db, "SELECT count(*) FROM journal");
	json_t *r;
	import(&t, "value,type,source,tags\n198.51.100.1,ipv4,feed-a,play\nbad.example,domain,feed-a,\n", "GREEN", &r);
	assert_int_equal(json_integer_value(json_object_get(r, "new")), 2);
	json_decref(r);
	assert_int_equal(q(t.db, "SELECT count(*) FROM journal") - j0, 1); /* one entry per batch */
	import(&t, "value,type,source,tags\n198.51.100.1,ipv4,feed-b,tlp:red\n", "GREEN", &r);
	assert_int_equal(json_integer_value(json_object_get(r, "merged")), 1);
	json_decref(r);
	assert_int_equal(q(t.db, "SELECT count(*) FROM indicator_sources s JOIN indicators i ON i.id ="
				 " s.indicator_id WHERE i.value = '198.51.100.1'"), 2);
	assert_int_equal(q(t.db, "SELECT count(*) FROM indicators WHERE value = '198.51.100.1' AND tlp = 'RED'"), 1);
	assert_int_equal(q(t.db, "SELECT count(*) FROM indicator_tags WHERE tag LIKE 'tlp:%'"), 0);
	/* a malformed document stores nothing */
	struct actor a = staff();
	struct intel_import_opts o = {.format = INTEL_DOC_STIX};
	struct wr_err e = {0};
	const char *bad = "{\"type\":\"bundle\",\"objects\":[";
	assert_int_equal(intel_import(t.db, &a, bad, strlen(bad), &o, &r, &e), WR_EPARSE);
	assert_true(e.line >= 1);
	assert_int_equal(q(t.db, "SELECT count(*) FROM indicators"), 2);
	testdb_close(&t);
}

static void write_file(const char *path, const char *text)
{
	FILE *f = fopen(path, "w");
	assert_non_null(f);
	fputs(text, f);
	fclose(f);
}

static void test_warninglists(void **state)
{
	(void)state;
	struct testdb t;
	assert_int_equal(testdb_open(&t), 0);
	char dir[] = "/tmp/warroom-wl-XXXXXX", p1[96], p2[96], p3[96];
	assert_non_null(mkdtemp(dir));
	snprintf(p1, sizeof p1, "%s/a.json", dir);
	snprintf(p2, sizeof p2, "%s/b.json", dir);
	snprintf(p3, sizeof p3, "%s/c.json", dir);
	write_file(p1, "{\"name\":\"nets\",\"type\":\"cidr\",\"list\":[\"10.0.0.0/8\",\"8.8.8.8\",\"2001:db8::/32\"]}");
	write_file(p2, "{\"name\":\"hosts\",\"type\":\"hostname\",\"list\":[\"Example.COM\"]}");
	write_file(p3, "{\"name\":\"strings\",\"type\":\"string\",\"list\":[\".cdn.test\",\"exact.test\"]}");
	struct actor a = staff();
	struct wr_err e = {0};
	json_t *r;
	import(&t, "10.1.2.3\n10.0.0.0/16\n11.0.0.1\n2001:db8::5\nwww.example.com\nexample.com\nnotexample.com\n"
		   "a.cdn.test\ncdn.test\nexact.test\nsub.exact.test\nhttps://deep.www.example.com/x\n", NULL, &r);
	json_decref(r);
	const char *paths[] = {p1, p2, p3};
	for (int i = 0; i < 3; i++) {
		assert_int_equal(intel_warninglist_load(t.db, &a, paths[i], &r, &e), 0);
		json_decref(r);
	}
	static const struct {
		const char *value;
		int flagged;
	} want[] = {
		{"10.1.2.3", 1}, {"10.0.0.0/16", 1}, {"11.0.0.1", 0}, {"2001:db8::5", 1},
		{"www.example.com", 1}, {"example.com", 1}, {"notexample.com", 0}, {"a.cdn.test", 1},
		{"cdn.test", 0}, {"exact.test", 1}, {"sub.exact.test", 0}, {"https://deep.www.example.com/x", 1},
	};
	for (size_t i = 0; i < sizeof want / sizeof want[0]; i++) {
		sqlite3_stmt *st;
		assert_int_equal(db_prepare(t.db, "SELECT fp_list IS NOT NULL FROM indicators WHERE value = ?", &st, NULL), 0);
		sqlite3_bind_text(st, 1, want[i].value, -1, SQLITE_STATIC);
		assert_int_equal(sqlite3_step(st), SQLITE_ROW);
		if (sqlite3_column_int(st, 0) != want[i].flagged)
			fail_msg("%s: flagged %d, want %d", want[i].value, sqlite3_column_int(st, 0), want[i].flagged);
		sqlite3_finalize(st);
	}
	/* a new import is checked against the loaded lists at once */
	import(&t, "10.9.9.9\n", NULL, &r);
	assert_int_equal(json_integer_value(json_object_get(r, "flagged")), 1);
	json_decref(r);
	unlink(p1);
	unlink(p2);
	unlink(p3);
	rmdir(dir);
	testdb_close(&t);
}

static void test_visibility_sql(void **state)
{
	(void)state;
	char s[512];
	struct actor v = {.role = ROLE_VIEWER};
	assert_int_equal(intel_visible_sql(&v, s, sizeof s), 0);
	assert_string_equal(s, "0");
	struct actor sp = {.role = ROLE_SPOC, .org_id = 7};
	assert_int_equal(intel_visible_sql(&sp, s, sizeof s), 0);
	assert_non_null(strstr(s, "x.org_id = 7"));
	assert_null(strstr(s, "'RED'"));
	assert_int_equal(intel_visible_sql(&sp, s, 20), WR_EINVAL);
}

static void test_pack_keys(void **state)
{
	(void)state;
	char dir[] = "/tmp/warroom-key-XXXXXX", db[96], path[128], pub[256], sec[256], pub2[256], sec2[256];
	assert_non_null(mkdtemp(dir));
	snprintf(db, sizeof db, "%s/w.db", dir);
	struct wr_err e = {0};
	assert_int_equal(intel_pack_keys(db, 0, pub, sec, &e), WR_ENOTFOUND);
	assert_int_equal(intel_pack_keys(db, 1, pub, sec, &e), 0);
	assert_int_equal(strncmp(pub, "warroom-pack-key 1 ", 19), 0);
	assert_int_equal(intel_pack_keys(db, 1, pub2, sec2, &e), 0); /* the same pair again */
	assert_string_equal(pub, pub2);
	assert_string_equal(sec, sec2);
	struct stat sb;
	snprintf(path, sizeof path, "%s.pack.key", db);
	assert_int_equal(stat(path, &sb), 0);
	assert_int_equal(sb.st_mode & 0777, 0600);
	unlink(path);
	snprintf(path, sizeof path, "%s.pack.pub", db);
	unlink(path);
	rmdir(dir);
}

/* The correlation keeps at most INTEL_CORRELATION_CAP towns per indicator
 * and says when more saw it; alerts are raised for every town still. */
static void test_correlation_cap(void **state)
{
	(void)state;
	struct testdb t;
	assert_int_equal(testdb_open(&t), 0);
	json_t *r;
	import(&t, "cap-test.example\n", "GREEN", &r);
	json_decref(r);
	struct actor a = staff();
	struct wr_err e = {0};
	int towns = INTEL_CORRELATION_CAP + 5;
	for (int i = 1; i <= towns; i++) {
		char sql[256];
		snprintf(sql, sizeof sql, "INSERT INTO orgs (id, kind, name, created_at, updated_at)"
					  " VALUES (%d, 'municipality', 'Town %d', '', '')", i, i);
		assert_int_equal(db_exec(t.db, sql, NULL), 0);
		json_t *body = json_pack("{s:i, s:[{s:s, s:i}]}", "org_id", i, "sightings", "indicator",
					 "cap-test.example", "count", 2);
		if (intel_sightings_report(t.db, &a, body, &r, &e))
			fail_msg("report %d: %s", i, e.message);
		assert_int_equal(json_array_size(json_object_get(r, "alerts")), 1);
		json_decref(r);
		json_decref(body);
	}
	assert_int_equal(q(t.db, "SELECT corr_towns FROM indicators"), INTEL_CORRELATION_CAP);
	assert_int_equal(q(t.db, "SELECT corr_capped FROM indicators"), 1);
	assert_int_equal(q(t.db, "SELECT count(*) FROM indicator_towns"), INTEL_CORRELATION_CAP);
	assert_int_equal(q(t.db, "SELECT count(*) FROM alerts"), towns);
	/* a town already listed keeps counting */
	json_t *body = json_pack("{s:i, s:[{s:s, s:i}]}", "org_id", 1, "sightings", "indicator",
				 "cap-test.example", "count", 3);
	assert_int_equal(intel_sightings_report(t.db, &a, body, &r, &e), 0);
	json_decref(r);
	json_decref(body);
	assert_int_equal(q(t.db, "SELECT hits FROM indicator_towns WHERE org_id = 1"), 5);
	json_t *ind;
	assert_int_equal(intel_get(t.db, &a, 1, &ind, &e), 0);
	assert_true(json_is_true(json_object_get(json_object_get(ind, "correlation"), "capped")));
	json_decref(ind);
	testdb_close(&t);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_tlp_names),	cmocka_unit_test(test_stix_meta),
		cmocka_unit_test(test_misp_meta),	cmocka_unit_test(test_import_batch_and_merge),
		cmocka_unit_test(test_warninglists),	cmocka_unit_test(test_visibility_sql),
		cmocka_unit_test(test_pack_keys),	cmocka_unit_test(test_correlation_cap),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
