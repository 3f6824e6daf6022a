/* The timestamps the sweeper reads from log lines for the first and last
 * seen of a sighting (sweep/linetime.h): every form of the bench corpus and
 * the usual logs, offsets, the year of a syslog time, and what is refused. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <string.h>

#include "sweep/linetime.h"

#define T0 1705276828 /* 2024-01-15T00:00:28Z */
#define NOW 1709294400 /* 2024-03-01T12:00:00Z */

static int64_t lt(const char *s, int64_t now)
{
	return line_time((const unsigned char *)s, strlen(s), now);
}

static void test_forms(void **state)
{
	(void)state;
	assert_int_equal(lt("2024-01-15T00:00:28Z GET bad.com", NOW), T0);
	assert_int_equal(lt("{\"UtcTime\":\"2024-01-15 00:00:28.007\",\"x\":1}", NOW), T0);
	assert_int_equal(lt("2024-01-15T01:00:28+01:00 x", NOW), T0);
	assert_int_equal(lt("2024-01-15T01:00:28.5+0100 x", NOW), T0);
	assert_int_equal(lt("2024-01-14T19:00:28-05:00 x", NOW), T0);
	assert_int_equal(lt("<189>date=2024-01-15 time=00:00:28 devname=\"FGT\"", NOW), T0);
	assert_int_equal(lt("10.0.0.1 - - [15/Jan/2024:01:00:28 +0100] \"GET / HTTP/1.1\"", NOW), T0);
	assert_int_equal(lt("Jan 15 2024 00:00:28 fw-asa-01 : %ASA-6-302015", NOW), T0);
	assert_int_equal(lt("1705276828.002  14646 10.2.197.122 TCP_TUNNEL/200", NOW), T0);
	assert_int_equal(lt("1705276828.123456\tCx1\t10.0.0.1", NOW), T0);
	assert_int_equal(lt("1705276828 x", NOW), T0);
}

static void test_syslog_year(void **state)
{
	(void)state;
	/* No year: this year's, unless that is more than a day ahead. */
	assert_int_equal(lt("Jan 15 00:00:28 host sshd[1]: x", NOW), T0);
	assert_int_equal(lt("Jan  5 00:00:28 host sshd[1]: x", NOW), T0 - 10 * 86400);
	assert_int_equal(lt("Jan 15 00:00:28 host", 1704888000 /* 2024-01-10 12:00 */),
			 T0 - 365 * 86400); /* 2023-01-15 */
	assert_int_equal(lt("Dec 31 23:59:59 host", 1735689610 /* 2025-01-01 00:00:10 */),
			 1735689599);
	assert_int_equal(lt("Jan 15 00:00:28 host", T0 - 3600), T0); /* an hour ahead: fine */
}

static void test_refused(void **state)
{
	(void)state;
	assert_int_equal(lt("nothing here at all", NOW), 0);
	assert_int_equal(lt("2024-02-30T00:00:00Z impossible day", NOW), 0);
	assert_int_equal(lt("version 2024-13-01 10:00:00", NOW), 0);
	assert_int_equal(lt("2024-01-15 no time of day", NOW), 0);
	assert_int_equal(lt("[15/Foo/2024:00:00:28 +0000]", NOW), 0);
	assert_int_equal(lt("Jan 32 00:00:28 host", NOW), 0);
	assert_int_equal(lt("12024-01-15T00:00:28Z", NOW), 0);     /* glued to a number */
	assert_int_equal(lt("12345678901 x", NOW), 0);               /* not ten digits */
	assert_int_equal(lt("0000000001 x", NOW), 0);                /* before 2000 */
	assert_int_equal(lt("abc\n2024-01-15T00:00:28Z", NOW), 0);   /* the next line's */
	assert_int_equal(lt("2024-01-15T00:00:2", NOW), 0);          /* cut short */
	char far[400];
	memset(far, 'x', sizeof far);
	memcpy(far + 300, "2024-01-15T00:00:28Z", 20);
	assert_int_equal(line_time((const unsigned char *)far, sizeof far, NOW), 0);
	memcpy(far + 100, "2024-01-15T00:00:28Z", 20);
	assert_int_equal(line_time((const unsigned char *)far, sizeof far, NOW), T0);
	/* The first one counts. */
	assert_int_equal(lt("2024-01-15T00:00:28Z then 2025-01-01T00:00:00Z", NOW), T0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_forms),
		cmocka_unit_test(test_syslog_year),
		cmocka_unit_test(test_refused),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
