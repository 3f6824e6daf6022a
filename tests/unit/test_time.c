/* RFC 3339 and date parsing, and the test clock that moves a server ahead. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <time.h>
#include <unistd.h>

#include "base/timeutil.h"

static int64_t parsed(const char *s)
{
	int64_t t = 0;
	if (time_parse_rfc3339(s, &t) != 0)
		fail_msg("\"%s\" refused", s);
	return t;
}

static void test_rfc3339_accepted(void **state)
{
	(void)state;
	assert_int_equal(parsed("1970-01-01T00:00:00Z"), 0);
	assert_int_equal(parsed("2022-12-05T03:10:00Z"), 1670209800);
	/* Antwerp's local time in winter is UTC+1. */
	assert_int_equal(parsed("2022-12-05T04:10:00+01:00"), 1670209800);
	assert_int_equal(parsed("2022-12-05T02:40:00-00:30"), 1670209800);
	assert_int_equal(parsed("2022-12-05t03:10:00.123456z"), 1670209800);
	assert_int_equal(parsed("2024-02-29T12:00:00Z"), 1709208000);
	assert_int_equal(parsed("1969-12-31T23:59:59Z"), -1);
	char back[32];
	time_format_rfc3339((time_t)parsed("2026-11-28T18:19:12Z"), back, sizeof back);
	assert_string_equal(back, "2026-11-28T18:19:12Z");
}

static void test_rfc3339_refused(void **state)
{
	(void)state;
	const char *bad[] = {"",
			     "2022-12-05",
			     "2022-12-05T03:10:00",
			     "2022-12-05 03:10:00Z",
			     "2023-02-29T00:00:00Z",
			     "2022-13-01T00:00:00Z",
			     "2022-12-32T00:00:00Z",
			     "2022-12-05T24:00:00Z",
			     "2022-12-05T03:60:00Z",
			     "2022-12-05T03:10:00.Z",
			     "2022-12-05T03:10:00+0100",
			     "2022-12-05T03:10:00Z trailing",
			     "22-12-05T03:10:00Z",
			     "2022-1-05T03:10:00Z"};
	for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
		int64_t t = 42;
		if (time_parse_rfc3339(bad[i], &t) == 0)
			fail_msg("\"%s\" accepted as %lld", bad[i], (long long)t);
	}
	int64_t t;
	assert_int_equal(time_parse_rfc3339(NULL, &t), -1);
}

static void test_date(void **state)
{
	(void)state;
	int64_t t = 0;
	assert_int_equal(time_parse_date("2022-12-05", &t), 0);
	assert_int_equal(t, 1670198400);
	assert_int_equal(time_parse_date("2000-02-29", &t), 0);
	assert_int_equal(time_parse_date("1900-02-29", &t), -1);
	assert_int_equal(time_parse_date("2022-12-05T00:00:00Z", &t), -1);
	assert_int_equal(time_parse_date("2022-12-5", &t), -1);
}

static void test_test_clock_moves_time_ahead(void **state)
{
	(void)state;
	char path[] = "/tmp/warroom-clock-XXXXXX";
	int fd = mkstemp(path);
	assert_true(fd >= 0);
	assert_int_equal(write(fd, "7200\n", 5), 5);
	close(fd);
	int64_t real = (int64_t)time(NULL);
	assert_int_equal(setenv("WARROOM_TEST_CLOCK_FILE", path, 1), 0);
	int64_t moved = time_now();
	assert_true(moved >= real + 7200 && moved <= real + 7202);
	assert_true(time_now_ms() / 1000 >= real + 7200);
	/* Garbage in the file is no offset at all. */
	FILE *f = fopen(path, "w");
	assert_non_null(f);
	fputs("two hours\n", f);
	fclose(f);
	assert_true(time_now() <= (int64_t)time(NULL) + 1);
	unlink(path);
	unsetenv("WARROOM_TEST_CLOCK_FILE");
	assert_true(time_now() <= (int64_t)time(NULL) + 1);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_rfc3339_accepted),
		cmocka_unit_test(test_rfc3339_refused),
		cmocka_unit_test(test_date),
		cmocka_unit_test(test_test_clock_moves_time_ahead),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
