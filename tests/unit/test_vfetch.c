/* The feed fetcher's pure parts (vulns/fetch.h): the file name from
 * Content-Disposition and from the URL (a Shadowserver report's date and
 * type are in it), the source URL rule and the interval. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <string.h>

#include "vulns/fetch.h"

static const char *name_of(const char *cd)
{
	static char out[256];
	return fetch_disposition_name(cd, out, sizeof out) ? NULL : out;
}

static void test_disposition_forms(void **state)
{
	(void)state;
	assert_string_equal(name_of("attachment; filename=\"2026-11-27-scan_rdp-belgium-geo.csv\""),
			    "2026-11-27-scan_rdp-belgium-geo.csv");
	assert_string_equal(name_of("attachment; filename=2026-11-27-scan_smb-x.csv"), "2026-11-27-scan_smb-x.csv");
	assert_string_equal(name_of("ATTACHMENT;FILENAME = a.csv ; size=12"), "a.csv");
	/* a quoted string with escapes and a ; inside */
	assert_string_equal(name_of("attachment; filename=\"a \\\"b\\\";c.csv\""), "a \"b\";c.csv");
	/* filename*= (RFC 8187) wins over filename=, in either order */
	assert_string_equal(name_of("attachment; filename*=UTF-8''2026-11-27-scan_rdp-%C3%A9t%C3%A9.csv;"
				    " filename=\"fallback.csv\""),
			    "2026-11-27-scan_rdp-\xc3\xa9t\xc3\xa9.csv");
	assert_string_equal(name_of("attachment; filename=\"fallback.csv\"; filename*=utf-8'en'r%20x.csv"),
			    "r x.csv");
	/* a charset other than UTF-8 is not decoded: the plain name counts */
	assert_string_equal(name_of("attachment; filename*=ISO-8859-1''%E9.csv; filename=e.csv"), "e.csv");
	assert_string_equal(name_of("inline; filename=\"report.csv\""), "report.csv");
}

static void test_disposition_refused(void **state)
{
	(void)state;
	char small[8];
	assert_null(name_of("attachment"));
	assert_null(name_of("attachment; size=3"));
	assert_null(name_of("attachment; filename=\"\""));
	assert_null(name_of("attachment; filename=\"unterminated.csv"));
	assert_null(name_of("attachment; filename=\"../../etc/passwd\""));
	assert_null(name_of("attachment; filename=\"dir/2026-11-27-scan_rdp-x.csv\""));
	assert_null(name_of("attachment; filename=\"c:\\\\temp\\\\x.csv\""));
	assert_null(name_of("attachment; filename*=UTF-8''..%2Fx.csv"));
	assert_null(name_of("attachment; filename*=UTF-8''a%5Cb.csv"));
	assert_null(name_of("attachment; filename*=UTF-8''a%00b.csv"));
	assert_null(name_of("attachment; filename*=UTF-8''a%0Ab.csv"));
	assert_null(name_of("attachment; filename*=UTF-8''bad%zz.csv"));
	assert_null(name_of("attachment; filename=.."));
	assert_null(name_of("attachment; filename=\".\""));
	assert_int_equal(fetch_disposition_name("attachment; filename=longer-than-eight.csv", small, sizeof small), -1);
}

static void test_url_name(void **state)
{
	(void)state;
	char out[256];
	assert_int_equal(fetch_url_name("https://example.org/reports/2026-11-27-scan_rdp-be.csv?k=1#x", out, sizeof out), 0);
	assert_string_equal(out, "2026-11-27-scan_rdp-be.csv");
	assert_int_equal(fetch_url_name("https://example.org/a%20b.csv", out, sizeof out), 0);
	assert_string_equal(out, "a b.csv");
	assert_int_equal(fetch_url_name("https://example.org/reports/", out, sizeof out), -1);
	assert_int_equal(fetch_url_name("https://example.org", out, sizeof out), -1);
	assert_int_equal(fetch_url_name("https://example.org/x/..%2Fy", out, sizeof out), -1);
	assert_int_equal(fetch_url_name("not a url", out, sizeof out), -1);
}

static void test_url_rule_and_interval(void **state)
{
	(void)state;
	struct wr_err e = {0};
	assert_int_equal(fetch_url_check("https://www.cisa.gov/kev.json", &e), 0);
	assert_int_equal(fetch_url_check("http://127.0.0.1:8080/kev.json", &e), 0);
	assert_int_equal(fetch_url_check("http://[::1]:8080/kev.json", &e), 0);
	assert_int_equal(fetch_url_check("http://localhost/kev.json", &e), 0);
	assert_int_equal(fetch_url_check("http://www.cisa.gov/kev.json", &e), WR_EINVAL);
	assert_string_equal(e.field, "url");
	assert_int_equal(fetch_url_check("http://127.0.0.2/kev.json", &e), WR_EINVAL);
	assert_int_equal(fetch_url_check("http://127.0.0.1.example.org/kev.json", &e), WR_EINVAL);
	assert_int_equal(fetch_url_check("ftp://127.0.0.1/kev.json", &e), WR_EINVAL);
	assert_int_equal(fetch_url_check("file:///etc/passwd", &e), WR_EINVAL);
	assert_int_equal(fetch_url_check("https://user:pw@example.org/kev.json", &e), WR_EINVAL);
	assert_int_equal(fetch_url_check("kev.json", &e), WR_EINVAL);
	int64_t s = 0;
	assert_int_equal(vsource_every_parse("24h", &s), 0);
	assert_int_equal(s, 86400);
	assert_int_equal(vsource_every_parse("90m", &s), 0);
	assert_int_equal(s, 5400);
	assert_int_equal(vsource_every_parse("7d", &s), 0);
	assert_int_equal(vsource_every_parse("3600", &s), 0);
	assert_int_equal(s, 3600);
	assert_int_equal(vsource_every_parse("59s", &s), -1);
	assert_int_equal(vsource_every_parse("31d", &s), -1);
	assert_int_equal(vsource_every_parse("1w", &s), -1);
	assert_int_equal(vsource_every_parse("-1h", &s), -1);
	assert_int_equal(vsource_every_parse("99999999999999999999d", &s), -1);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_disposition_forms),
		cmocka_unit_test(test_disposition_refused),
		cmocka_unit_test(test_url_name),
		cmocka_unit_test(test_url_rule_and_interval),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
