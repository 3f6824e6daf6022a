/* libFuzzer harness for the vulnerability feed readers (vulns/feeds.h) and
 * the CPE and version functions they rest on (vulns/cpe.h).
 *
 * The first byte picks what the rest is: byte % 4 = 0 a KEV catalogue (JSON
 * or CSV), 1 a CVE JSON 5 record, 2 an NVD API 2.0 page, 3 two strings
 * split at the first NUL for cpe_parse() and version_cmp().
 *
 * One in-memory database with the registry fixture (which has a software
 * asset, FortiOS 7.2.5 of Gent) is made on the first call; every input runs
 * inside an outer transaction that is rolled back after it. Invariants
 * (abort() when broken):
 *  - an import returns 0, WR_EPARSE or WR_EINVAL; refused, it leaves no row
 *    in the feed tables, the findings or the journal; it never changes the
 *    registry; the journal verifies;
 *  - imported, records = new + changed + unchanged; every stored CVE id is
 *    one, every stored CPE name parses, every KEV date is a date; the same
 *    file a second time is all unchanged and writes nothing (findings and
 *    journal included);
 *  - version_cmp() is reflexive and antisymmetric; a parsed CPE name
 *    printed back parses to the same attributes. */
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/timeutil.h"
#include "vulns/cpe.h"
#include "vulns/feeds.h"

#define FUZZER_NAME "fuzz_vuln_feeds"
/* the fixture's registry checks are for the registry harnesses */
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wunused-function"
#include "registry_fixture.h"
#pragma GCC diagnostic pop

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static struct actor cli;

struct feed_counts {
	int64_t kev, cves, affected, findings, seen, journal;
};

static void feed_counts_get(struct feed_counts *c)
{
	c->kev = count_of("SELECT count(*) FROM vuln_kev");
	c->cves = count_of("SELECT count(*) FROM vuln_cves");
	c->affected = count_of("SELECT count(*) FROM vuln_affected");
	c->findings = count_of("SELECT count(*) FROM findings");
	c->seen = count_of("SELECT coalesce(sum(times_seen), 0) FROM findings");
	c->journal = count_of("SELECT count(*) FROM journal");
}

static void feed_counts_same(const struct feed_counts *a, const struct feed_counts *b, const char *when)
{
	if (memcmp(a, b, sizeof *a))
		die("%s: rows changed: kev %lld -> %lld, cves %lld -> %lld, affected %lld -> %lld,"
		    " findings %lld -> %lld (seen %lld -> %lld), journal %lld -> %lld",
		    when, (long long)a->kev, (long long)b->kev, (long long)a->cves, (long long)b->cves,
		    (long long)a->affected, (long long)b->affected, (long long)a->findings,
		    (long long)b->findings, (long long)a->seen, (long long)b->seen, (long long)a->journal,
		    (long long)b->journal);
}

static int import(enum feed_kind kind, const char *text, size_t len, struct feed_result *r)
{
	struct feed_import *fi;
	struct wr_err e = {0};
	memset(r, 0, sizeof *r);
	if (feed_import_begin(db, &cli, kind, &fi, &e))
		die("begin: %s", e.message);
	int rc = feed_import_doc(fi, "fuzz", text, len, &e);
	if (rc && rc != WR_EPARSE && rc != WR_EINVAL)
		die("import: code %d: %s", rc, e.message);
	int end = feed_import_end(fi, rc == 0, r, &e);
	if (end)
		die("end: code %d: %s", end, e.message);
	return rc;
}

static void check_stored(void)
{
	sqlite3_stmt *st;
	struct wr_err e = {0};
	struct cpe_name n;
	if (db_prepare(db, "SELECT cve_id, cpe FROM vuln_affected", &st, &e))
		die("prepare: %s", e.message);
	while (sqlite3_step(st) == SQLITE_ROW)
		if (cpe_parse(text(st, 1), &n))
			die("%s: stored CPE \"%s\" does not parse", text(st, 0), text(st, 1));
	sqlite3_finalize(st);
	if (db_prepare(db, "SELECT cve_id, date_added, due_date FROM vuln_kev", &st, &e))
		die("prepare: %s", e.message);
	while (sqlite3_step(st) == SQLITE_ROW) {
		int64_t t;
		const char *due = text(st, 2);
		if (strncmp(text(st, 0), "CVE-", 4) || time_parse_date(text(st, 1), &t) ||
		    (due && time_parse_date(due, &t)))
			die("KEV row %s %s %s", text(st, 0), text(st, 1), due ? due : "(null)");
	}
	sqlite3_finalize(st);
}

static int sign(int x)
{
	return (x > 0) - (x < 0);
}

static void cpe_version(const char *a, const char *b)
{
	if (version_cmp(a, a) || version_cmp(b, b))
		die("version_cmp not reflexive on \"%s\" / \"%s\"", a, b);
	if (sign(version_cmp(a, b)) != -sign(version_cmp(b, a)))
		die("version_cmp not antisymmetric on \"%s\", \"%s\"", a, b);
	struct cpe_name n, m;
	if (cpe_parse(a, &n))
		return;
	char s[CPE_MAX + 16];
	size_t k = (size_t)snprintf(s, sizeof s, "cpe:2.3");
	for (int i = 0; i < CPE_ATTRS && k < sizeof s; i++)
		k += (size_t)snprintf(s + k, sizeof s - k, ":%s", cpe_attr(&n, (enum cpe_attr)i));
	if (cpe_parse(s, &m))
		die("\"%s\" printed back as \"%s\" does not parse", a, s);
	for (int i = 0; i < CPE_ATTRS; i++)
		if (strcmp(cpe_attr(&n, (enum cpe_attr)i), cpe_attr(&m, (enum cpe_attr)i)))
			die("\"%s\": attribute %d changed when printed back", a, i);
	cpe_attr_match(cpe_attr(&n, CPE_PRODUCT), b);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static int ready;
	if (!ready) {
		struct fixture fx;
		fixture_setup(&fx);
		cli = fx.cli;
		ready = 1;
	}
	if (size < 1)
		return 0;
	int what = data[0] % 4;
	char *text = malloc(size);
	if (!text)
		return 0;
	memcpy(text, data + 1, size - 1);
	text[size - 1] = '\0';
	if (what == 3) {
		size_t la = strlen(text);
		cpe_version(text, la + 1 < size - 1 ? text + la + 1 : "");
		free(text);
		return 0;
	}
	struct wr_err e = {0};
	if (db_begin(db, &e))
		die("outer begin: %s", e.message);
	struct feed_counts before, after, again;
	struct counts reg_before, reg_after;
	counts_get(&reg_before);
	feed_counts_get(&before);
	struct feed_result r1, r2;
	enum feed_kind kind = (enum feed_kind)what;
	int rc = import(kind, text, size - 1, &r1);
	feed_counts_get(&after);
	if (rc)
		feed_counts_same(&before, &after, "refused file");
	else {
		if (r1.records != r1.added + r1.changed + r1.unchanged)
			die("records %zu != %zu new + %zu changed + %zu unchanged", r1.records, r1.added,
			    r1.changed, r1.unchanged);
		check_stored();
		if (import(kind, text, size - 1, &r2))
			die("the same file refused the second time");
		feed_counts_get(&again);
		feed_counts_same(&after, &again, "second import");
		if (r2.added || r2.changed || r2.matched)
			die("second import: %zu new, %zu changed, %zu matched", r2.added, r2.changed, r2.matched);
		feed_result_release(&r2);
		journal_ok("after the imports");
	}
	counts_get(&reg_after);
	reg_after.journal = reg_before.journal; /* the feed import's own entry */
	counts_same(&reg_before, &reg_after, "registry");
	feed_result_release(&r1);
	db_rollback(db);
	free(text);
	return 0;
}
