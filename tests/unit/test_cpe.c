/* CPE 2.3 names and version ranges (vulns/cpe.h): what decides whether a
 * town's software is affected by a CVE. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <string.h>

#include "vulns/cpe.h"

static void test_parse_attributes(void **state)
{
	(void)state;
	struct cpe_name n;
	assert_int_equal(cpe_parse("cpe:2.3:o:Fortinet:FortiOS:7.2.5:*:*:*:*:*:*:*", &n), 0);
	assert_string_equal(cpe_attr(&n, CPE_PART), "o");
	assert_string_equal(cpe_attr(&n, CPE_VENDOR), "fortinet"); /* lower case */
	assert_string_equal(cpe_attr(&n, CPE_PRODUCT), "fortios");
	assert_string_equal(cpe_attr(&n, CPE_VERSION), "7.2.5");
	assert_string_equal(cpe_attr(&n, CPE_OTHER), "*");
	/* the struct may be copied: attributes are offsets into its buffer */
	struct cpe_name copy = n;
	memset(&n, 0, sizeof n);
	assert_string_equal(cpe_attr(&copy, CPE_PRODUCT), "fortios");
}

static void test_parse_escapes(void **state)
{
	(void)state;
	struct cpe_name n;
	char out[64];
	/* an NVD product with an escaped "&" and an escaped colon inside */
	assert_int_equal(
		cpe_parse("cpe:2.3:a:themeisle:wp_maintenance_mode_\\&_coming_soon:*:*:*:*:*:wordpress:*:*", &n), 0);
	assert_string_equal(cpe_attr(&n, CPE_PRODUCT), "wp_maintenance_mode_\\&_coming_soon");
	assert_string_equal(cpe_attr(&n, CPE_TARGET_SW), "wordpress");
	assert_int_equal(cpe_unescape(cpe_attr(&n, CPE_PRODUCT), out, sizeof out), 0);
	assert_string_equal(out, "wp_maintenance_mode_&_coming_soon");
	assert_int_equal(cpe_parse("cpe:2.3:a:acme:a\\:b:1.0:*:*:*:*:*:*:*", &n), 0);
	assert_string_equal(cpe_attr(&n, CPE_PRODUCT), "a\\:b");
	assert_string_equal(cpe_attr(&n, CPE_VERSION), "1.0");
	assert_int_equal(cpe_unescape("a\\:b", out, 3), -1); /* "a:b" needs 4 bytes */
}

static void test_parse_refused(void **state)
{
	(void)state;
	struct cpe_name n;
	const char *bad[] = {
		"",
		"cpe:/a:fortinet:fortios:7.2.5",			  /* CPE 2.2 URI */
		"cpe:2.3:a:fortinet:fortios:7.2.5:*:*:*:*:*:*",		  /* 10 attributes */
		"cpe:2.3:a:fortinet:fortios:7.2.5:*:*:*:*:*:*:*:*",	  /* 12 */
		"cpe:2.3:x:fortinet:fortios:7.2.5:*:*:*:*:*:*:*",	  /* part */
		"cpe:2.3:a::fortios:7.2.5:*:*:*:*:*:*:*",		  /* empty vendor */
		"cpe:2.3:a:fortinet:forti os:7.2.5:*:*:*:*:*:*:*",	  /* space */
		"cpe:2.3:a:fortinet:fortios:7.2.5:*:*:*:*:*:*:\\",	  /* dangling escape */
		"cpe:2.3:a:fortinet:fortios:7.2.5:*:*:*:*:*:*:\xc3\xa9", /* not ASCII */
	};
	for (size_t i = 0; i < sizeof bad / sizeof *bad; i++)
		if (cpe_parse(bad[i], &n) == 0)
			fail_msg("accepted \"%s\"", bad[i]);
	char longer[CPE_MAX + 40];
	memset(longer, 'a', sizeof longer);
	memcpy(longer, "cpe:2.3:a:", 10);
	longer[sizeof longer - 1] = '\0';
	assert_int_equal(cpe_parse(longer, &n), -1);
}

static void test_attr_wildcards(void **state)
{
	(void)state;
	/* ANY on either side, NA only with NA */
	assert_true(cpe_attr_match("*", "fortios"));
	assert_true(cpe_attr_match("fortios", "*"));
	assert_true(cpe_attr_match("-", "-"));
	assert_true(cpe_attr_match("*", "-"));
	assert_false(cpe_attr_match("-", "fortios"));
	assert_false(cpe_attr_match("fortios", "-"));
	/* literal, and embedded wildcards of the pattern */
	assert_true(cpe_attr_match("fortios", "fortios"));
	assert_false(cpe_attr_match("fortios", "fortiproxy"));
	assert_true(cpe_attr_match("forti*", "fortiproxy"));
	assert_true(cpe_attr_match("*proxy", "fortiproxy"));
	assert_true(cpe_attr_match("fort?os", "fortios"));
	assert_false(cpe_attr_match("fort?os", "fortos"));
	assert_true(cpe_attr_match("exchange_server_20??", "exchange_server_2019"));
	assert_false(cpe_attr_match("exchange_server_20??", "exchange_server_201"));
	/* an escaped star is a star, not a wildcard */
	assert_true(cpe_attr_match("a\\*b", "a\\*b"));
	assert_false(cpe_attr_match("a\\*b", "axxb"));
	/* a wildcard in the asset's name is taken literally */
	assert_false(cpe_attr_match("fortios", "forti?s"));
	/* escapes compare by what they stand for */
	assert_true(cpe_attr_match("wp_\\&_x", "wp_\\&_x"));
}

static void test_escape_names(void **state)
{
	(void)state;
	char out[64];
	assert_int_equal(cpe_escape("Exchange Server", out, sizeof out), 0);
	assert_string_equal(out, "exchange_server");
	assert_int_equal(cpe_escape("WP Maintenance & Coming-Soon 2.x", out, sizeof out), 0);
	assert_string_equal(out, "wp_maintenance_\\&_coming-soon_2.x");
	assert_int_equal(cpe_escape("", out, sizeof out), 0);
	assert_string_equal(out, "*");
	assert_int_equal(cpe_escape("abcdefgh", out, 4), -1);
}

static void test_version_cmp(void **state)
{
	(void)state;
	assert_true(version_cmp("7.2.5", "7.2.5") == 0);
	assert_true(version_cmp("7.2.10", "7.2.9") > 0);   /* numerically, not as text */
	assert_true(version_cmp("7.10", "7.9.9") > 0);
	assert_true(version_cmp("007.2", "7.2") == 0);	   /* leading zeros */
	assert_true(version_cmp("7.4", "7.4.0") == 0);	   /* missing zeros */
	assert_true(version_cmp("7.4.0.0", "7.4") == 0);
	assert_true(version_cmp("7.4", "7.4.1") < 0);
	assert_true(version_cmp("22.4", "22.4r2") < 0);	   /* letters after the end: later */
	assert_true(version_cmp("22.4R1.2", "22.7r2.3") < 0); /* letters without case */
	assert_true(version_cmp("22.7R2.1", "22.7r2.1") == 0);
	assert_true(version_cmp("22.7_r2.3", "22.7r2.3") == 0); /* "_" separates like "." */
	assert_true(version_cmp("1.0.1", "1.0a") > 0);	   /* a number after a word */
	assert_true(version_cmp("1.0b", "1.0a") > 0);	   /* words lexically */
	assert_true(version_cmp("123456789012345678901234567890", "123456789012345678901234567889") > 0);
	assert_true(version_cmp("", "0") == 0);
	assert_true(version_cmp("", "1") < 0);
}

static int in(const char *v, const char *exact, const char *start, int si, const char *end, int ei)
{
	struct version_range r = {exact, start, end, si, ei};
	return version_in_range(v, &r);
}

static void test_range_bounds(void **state)
{
	(void)state;
	/* versionStartIncluding */
	assert_true(in("7.2.0", NULL, "7.2.0", 1, NULL, 0));
	assert_true(in("7.3", NULL, "7.2.0", 1, NULL, 0));
	assert_false(in("7.1.9", NULL, "7.2.0", 1, NULL, 0));
	/* versionStartExcluding */
	assert_false(in("7.2.0", NULL, "7.2.0", 0, NULL, 0));
	assert_true(in("7.2.1", NULL, "7.2.0", 0, NULL, 0));
	/* versionEndIncluding */
	assert_true(in("7.2.5", NULL, NULL, 1, "7.2.5", 1));
	assert_false(in("7.2.6", NULL, NULL, 1, "7.2.5", 1));
	/* versionEndExcluding */
	assert_false(in("2.4.5", NULL, NULL, 1, "2.4.5", 0));
	assert_true(in("2.4.4", NULL, NULL, 1, "2.4.5", 0));
	assert_true(in("2.4", NULL, NULL, 1, "2.4.5", 0));
	/* both ends: [7.2.0, 7.2.7] and (6.0, 7.0) */
	assert_true(in("7.2.5", NULL, "7.2.0", 1, "7.2.7", 1));
	assert_false(in("7.0.12", NULL, "7.2.0", 1, "7.2.7", 1));
	assert_false(in("7.2.8", NULL, "7.2.0", 1, "7.2.7", 1));
	assert_false(in("6.0", NULL, "6.0", 0, "7.0", 0));
	assert_true(in("6.4.15", NULL, "6.0", 0, "7.0", 0));
	assert_false(in("7.0.0", NULL, "6.0", 0, "7.0", 0));
	/* a plain version: equal only */
	assert_true(in("7.0", "7.0", NULL, 1, NULL, 0));
	assert_true(in("7.0.0", "7.0", NULL, 1, NULL, 0));
	assert_false(in("7.0.1", "7.0", NULL, 1, NULL, 0));
	/* a version pattern, ANY and NA */
	assert_true(in("7.2.5", "7.2.*", NULL, 1, NULL, 0));
	assert_false(in("7.3.0", "7.2.*", NULL, 1, NULL, 0));
	assert_true(in("9.9", "*", NULL, 1, NULL, 0));
	assert_true(in("9.9", "-", NULL, 1, NULL, 0));
	/* no bounds at all: every version, even an unknown one */
	assert_true(in("1.0", NULL, NULL, 1, NULL, 0));
	assert_true(in("", "", "", 1, "", 0));
	/* an unknown version is in no bounded range */
	assert_false(in("", NULL, NULL, 1, "2.4.5", 0));
	assert_false(in("", "7.0", NULL, 1, NULL, 0));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_parse_attributes), cmocka_unit_test(test_parse_escapes),
		cmocka_unit_test(test_parse_refused),	 cmocka_unit_test(test_attr_wildcards),
		cmocka_unit_test(test_escape_names),	 cmocka_unit_test(test_version_cmp),
		cmocka_unit_test(test_range_bounds),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
