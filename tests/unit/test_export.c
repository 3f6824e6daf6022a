/* The indicator export writers (intel/export.h): exact output of the line
 * formats, STIX and MISP read back by the house reader (ioc_read_text) with
 * every value and type, the MISP feed files, refusals, and 0, 1 and 10,000
 * items. The official STIX schemas are checked by tests/export. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "../tools/export_sample.h"
#include "intel/export.h"

static char *write_fmt(enum intel_format f, const struct intel_item *items, size_t n,
		       enum ioc_type only, int want_rc)
{
	struct intel_export_meta m = sample_meta();
	m.only_type = only;
	struct buf out;
	buf_init(&out, 64u << 20);
	struct wr_err e = {0};
	int rc = intel_export_write(f, items, n, &m, &out, &e);
	if (rc != want_rc)
		fail_msg("format %d: rc %d (%s), want %d", (int)f, rc, e.message, want_rc);
	char *s = buf_detach(&out);
	assert_non_null(s);
	return s;
}

static void test_names(void **state)
{
	(void)state;
	enum intel_format f;
	assert_int_equal(intel_format_from_name("stix", &f), 0);
	assert_int_equal(f, INTEL_FMT_STIX);
	assert_int_equal(intel_format_from_name("suricata", &f), 0);
	assert_int_equal(f, INTEL_FMT_SURICATA);
	assert_int_equal(intel_format_from_name("STIX", &f), -1);
	assert_int_equal(intel_format_from_name("xml", &f), -1);
	assert_string_equal(intel_format_content_type(INTEL_FMT_CSV), "text/csv; charset=utf-8");
}

static void test_csv_exact(void **state)
{
	(void)state;
	/* Items 22 and 23: a file name with a quote and a backslash, one that
	 * starts like a formula (written with ' in front). */
	char *s = write_fmt(INTEL_FMT_CSV, sample_items + 12, 2, IOC_NONE, 0);
	assert_string_equal(s, "type,value,tlp,first_seen,last_seen,valid_until,confidence,sources,tags\n"
			       "filename,O'Brien \\ invoice.pdf.exe,GREEN,2024-01-15T00:00:00Z,"
			       "2024-01-16T00:00:00Z,,80,ir-2026-017,play\n"
			       "filename,'-2+3.exe,GREEN,2024-01-15T00:00:00Z,2024-01-16T00:00:00Z,"
			       "2030-01-01T00:00:00Z,80,ir-2026-017;cert.be,play;ransomware\n");
	free(s);
}

static void test_list_zeek_exact(void **state)
{
	(void)state;
	char *s = write_fmt(INTEL_FMT_LIST, sample_items, SAMPLE_N, IOC_SHA1, 0);
	assert_string_equal(s, "0123456789abcdef0123456789abcdef01234567\n");
	free(s);
	s = write_fmt(INTEL_FMT_ZEEK, sample_items + 6, 2, IOC_NONE, 0);
	assert_string_equal(s, "#fields\tindicator\tindicator_type\tmeta.source\tmeta.desc\tmeta.url\n"
			       "bad.example/a%27b?q=x&y=%22z%22\tIntel::URL\tir-2026-017\tTLP:AMBER #play\t-\n"
			       "bad.example:8443/=cmd|calc!A0\tIntel::URL\tir-2026-017 cert.be\t"
			       "TLP:GREEN #play #ransomware\t-\n");
	free(s);
	/* A file name with a line break cannot be a line: left out. */
	struct intel_item odd = sample_items[12];
	odd.value = "two\nlines.exe";
	s = write_fmt(INTEL_FMT_LIST, &odd, 1, IOC_NONE, 0);
	assert_string_equal(s, "");
	free(s);
	s = write_fmt(INTEL_FMT_ZEEK, &odd, 1, IOC_NONE, 0);
	assert_null(strstr(s, "two"));
	free(s);
}

static void test_suricata(void **state)
{
	(void)state;
	char *s = write_fmt(INTEL_FMT_SURICATA, sample_items, SAMPLE_N, IOC_HOSTNAME, 0);
	assert_string_equal(s, "YzIuYmFkLmV4YW1wbGU=\n"); /* base64("c2.bad.example") */
	free(s);
	s = write_fmt(INTEL_FMT_SURICATA, sample_items, SAMPLE_N, IOC_IPV6, 0);
	assert_string_equal(s, "2001:db8::1\n");
	free(s);
	free(write_fmt(INTEL_FMT_SURICATA, sample_items, SAMPLE_N, IOC_NONE, WR_EINVAL));
	free(write_fmt(INTEL_FMT_SURICATA, sample_items, SAMPLE_N, IOC_CIDR, WR_EINVAL));
}

static int by_text(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* lines[0..n) sorted and joined into one string (caller frees); frees them. */
static char *sorted_joined(char **lines, size_t n)
{
	qsort(lines, n, sizeof *lines, by_text);
	size_t total = 1;
	for (size_t i = 0; i < n; i++)
		total += strlen(lines[i]);
	char *all = calloc(total, 1);
	assert_non_null(all);
	for (size_t i = 0; i < n; i++) {
		strcat(all, lines[i]);
		free(lines[i]);
	}
	return all;
}

static void print_skip(void *arg, const struct ioc_skip *k)
{
	(void)arg;
	fprintf(stderr, "skipped %s: %s\n", k->id, k->reason);
}

/* Reads text back with the house reader: "type value" lines, sorted. */
static char *read_back(const char *text)
{
	struct ioc_set *set = ioc_set_new();
	assert_non_null(set);
	struct wr_err e = {0};
	if (ioc_read_text(set, text, strlen(text), "export", NULL, print_skip, NULL, &e))
		fail_msg("read back: %s (line %ld)", e.message, e.line);
	size_t n = ioc_set_count(set);
	char **lines = calloc(n + 1, sizeof *lines);
	assert_non_null(lines);
	for (uint32_t i = 0; i < n; i++) {
		const char *v = ioc_set_value(set, i, NULL);
		size_t len = strlen(v) + 32;
		lines[i] = malloc(len);
		assert_non_null(lines[i]);
		snprintf(lines[i], len, "%s %s\n", ioc_type_name(ioc_set_type(set, i)), v);
	}
	char *all = sorted_joined(lines, n);
	free(lines);
	ioc_set_free(set);
	return all;
}

/* What the sample should read back as: "type value" lines, sorted. The
 * readers know no hostname (STIX domain-name, MISP hostname: a domain
 * either way on the sweeper's side, which matches subdomains). */
static char *expected(int hostname_as_domain)
{
	char *lines[SAMPLE_N];
	for (size_t i = 0; i < SAMPLE_N; i++) {
		enum ioc_type t = sample_items[i].type;
		if (t == IOC_HOSTNAME && hostname_as_domain)
			t = IOC_DOMAIN;
		size_t len = strlen(sample_items[i].value) + 32;
		lines[i] = malloc(len);
		assert_non_null(lines[i]);
		snprintf(lines[i], len, "%s %s\n", ioc_type_name(t), sample_items[i].value);
	}
	return sorted_joined(lines, SAMPLE_N);
}

static void test_stix_misp_round_trip(void **state)
{
	(void)state;
	char *stix = write_fmt(INTEL_FMT_STIX, sample_items, SAMPLE_N, IOC_NONE, 0);
	char *got = read_back(stix), *want = expected(1);
	assert_string_equal(got, want);
	free(got);
	free(stix);
	char *misp = write_fmt(INTEL_FMT_MISP, sample_items, SAMPLE_N, IOC_NONE, 0);
	got = read_back(misp);
	free(want);
	want = expected(0);
	assert_string_equal(got, want);
	free(got);
	free(want);
	free(misp);
}

static void test_sizes(void **state)
{
	(void)state;
	static const enum intel_format fmts[] = {INTEL_FMT_STIX, INTEL_FMT_MISP, INTEL_FMT_CSV,
						 INTEL_FMT_LIST, INTEL_FMT_ZEEK};
	/* 0 items: a valid empty document. */
	for (size_t k = 0; k < sizeof fmts / sizeof *fmts; k++)
		free(write_fmt(fmts[k], NULL, 0, IOC_NONE, 0));
	char *s = write_fmt(INTEL_FMT_STIX, NULL, 0, IOC_NONE, 0);
	assert_non_null(strstr(s, "\"objects\""));
	free(s);
	/* 10,000 items: every one written, read back by the house reader. */
	size_t n = 10000;
	struct intel_item *items = calloc(n, sizeof *items);
	char (*values)[32] = calloc(n, sizeof *values);
	assert_non_null(items);
	assert_non_null(values);
	for (size_t i = 0; i < n; i++) {
		items[i] = sample_items[0];
		snprintf(values[i], sizeof values[i], "10.%zu.%zu.1", i / 250, i % 250);
		snprintf(items[i].uuid, sizeof items[i].uuid, "00000000-0000-4000-8000-%012zu", i);
		items[i].value = values[i];
	}
	for (size_t k = 0; k < 2; k++) {
		s = write_fmt(fmts[k], items, n, IOC_NONE, 0);
		struct ioc_set *set = ioc_set_new();
		struct wr_err e = {0};
		assert_int_equal(ioc_read_text(set, s, strlen(s), "x", NULL, NULL, NULL, &e), 0);
		assert_int_equal(ioc_set_count(set), n);
		ioc_set_free(set);
		free(s);
	}
	/* Past the buffer's maximum: WR_ETOOBIG, not a cut document. */
	struct intel_export_meta m = sample_meta();
	struct buf small;
	buf_init(&small, 4096);
	struct wr_err e = {0};
	assert_int_equal(intel_export_write(INTEL_FMT_CSV, items, n, &m, &small, &e), WR_ETOOBIG);
	buf_release(&small);
	free(items);
	free(values);
}

static void test_misp_feed(void **state)
{
	(void)state;
	char dir[] = "/tmp/wr-feed-XXXXXX";
	assert_non_null(mkdtemp(dir));
	char feed[64];
	snprintf(feed, sizeof feed, "%s/feed", dir);
	struct intel_export_meta m = sample_meta();
	struct wr_err e = {0};
	assert_int_equal(intel_export_misp_feed(feed, sample_items, SAMPLE_N, &m, &e), 0);
	/* Written again: the same files, replaced whole. */
	assert_int_equal(intel_export_misp_feed(feed, sample_items, 2, &m, &e), 0);
	char path[160];
	snprintf(path, sizeof path, "%s/hashes.csv", feed);
	FILE *f = fopen(path, "r");
	assert_non_null(f);
	char line[128];
	int lines = 0;
	while (fgets(line, sizeof line, f))
		lines++;
	fclose(f);
	assert_int_equal(lines, 2);
	snprintf(path, sizeof path, "%s/%s.json", feed, m.event_uuid);
	assert_int_equal(access(path, R_OK), 0);
	const char *names[] = {"manifest.json", "hashes.csv", NULL};
	for (int i = 0; names[i]; i++) {
		snprintf(path, sizeof path, "%s/%s", feed, names[i]);
		unlink(path);
	}
	snprintf(path, sizeof path, "%s/%s.json", feed, m.event_uuid);
	unlink(path);
	rmdir(feed);
	/* A directory that cannot be made: an error naming it. */
	snprintf(feed, sizeof feed, "%s/no/such/feed", dir);
	assert_int_equal(intel_export_misp_feed(feed, sample_items, 1, &m, &e), WR_EIO);
	assert_non_null(strstr(e.message, "no/such"));
	rmdir(dir);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_names),
		cmocka_unit_test(test_csv_exact),
		cmocka_unit_test(test_list_zeek_exact),
		cmocka_unit_test(test_suricata),
		cmocka_unit_test(test_stix_misp_round_trip),
		cmocka_unit_test(test_sizes),
		cmocka_unit_test(test_misp_feed),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
