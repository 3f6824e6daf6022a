/* Information sessions in time and in calendars: Europe/Brussels wall time
 * around the summer-time switches, and an iCalendar file parsed back
 * (CRLF, folding at 75 octets without splitting UTF-8, text escaping). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/timeutil.h"
#include "programme/brussels_time.h"
#include "programme/ical.h"

static int64_t utc(const char *s)
{
	int64_t t;
	assert_int_equal(time_parse_rfc3339(s, &t), 0);
	return t;
}

static void test_brussels(void **state)
{
	(void)state;
	int64_t t;
	char out[32];
	assert_int_equal(brussels_parse("2026-12-10T14:00", &t), 0);
	assert_int_equal(t, utc("2026-12-10T13:00:00Z"));
	assert_int_equal(brussels_parse("2026-07-01T14:00", &t), 0);
	assert_int_equal(t, utc("2026-07-01T12:00:00Z"));
	/* 29 March 2026: 02:00 -> 03:00; the hour between does not exist. */
	assert_int_equal(brussels_parse("2026-03-29T02:30", &t), -1);
	assert_int_equal(brussels_parse("2026-03-29T03:00", &t), 0);
	assert_int_equal(t, utc("2026-03-29T01:00:00Z"));
	assert_int_equal(brussels_parse("2026-03-29T01:59", &t), 0);
	assert_int_equal(t, utc("2026-03-29T00:59:00Z"));
	/* 25 October 2026: 03:00 -> 02:00; the repeated hour is taken first. */
	assert_int_equal(brussels_parse("2026-10-25T02:30", &t), 0);
	assert_int_equal(t, utc("2026-10-25T00:30:00Z"));
	assert_int_equal(brussels_offset(utc("2026-10-25T00:59:59Z")), 7200);
	assert_int_equal(brussels_offset(utc("2026-10-25T01:00:00Z")), 3600);
	brussels_format(utc("2026-10-25T01:30:00Z"), out, sizeof out);
	assert_string_equal(out, "2026-10-25T02:30");
	brussels_format(utc("2026-03-29T01:00:00Z"), out, sizeof out);
	assert_string_equal(out, "2026-03-29T03:00");
	/* Found by the fuzzer: a year below 1000 formats back with four digits. */
	assert_int_equal(brussels_parse("0206-06-01T10:00", &t), 0);
	brussels_format(t, out, sizeof out);
	assert_string_equal(out, "0206-06-01T10:00");
	assert_int_equal(brussels_parse("2026-13-01T10:00", &t), -1);
	assert_int_equal(brussels_parse("2026-12-10 14:00", &t), -1);
	assert_int_equal(brussels_parse("2026-12-10T14:00Z", &t), -1);
}

/* Unfolds the calendar and returns the unescaped value of property name. */
static char *property(const char *cal, const char *name)
{
	char *unfolded = malloc(strlen(cal) + 1), *o = unfolded;
	for (const char *p = cal; *p;) {
		if (p[0] == '\r' && p[1] == '\n' && p[2] == ' ')
			p += 3;
		else
			*o++ = *p++;
	}
	*o = '\0';
	char key[40];
	snprintf(key, sizeof key, "\r\n%s:", name);
	char *at = strstr(unfolded, key);
	char *val = NULL;
	if (at) {
		at += strlen(key);
		val = malloc(strlen(at) + 1);
		char *v = val;
		for (; *at && !(at[0] == '\r' && at[1] == '\n'); at++) {
			if (*at == '\\' && at[1]) {
				at++;
				*v++ = *at == 'n' || *at == 'N' ? '\n' : *at;
			} else {
				*v++ = *at;
			}
		}
		*v = '\0';
	}
	free(unfolded);
	return val;
}

static void test_ical(void **state)
{
	(void)state;
	const char *title = "Infosessie: back-ups; MFA, en \\ meer \xe2\x80\x94 "
			    "Cyberveilige gemeenten \xc3\xa9\xc3\xa9n\xc3\xa9\xc3\xa9n\xc3\xa9\xc3\xa9n "
			    "met een heel lange titel die zeker gevouwen moet worden, twee keer zelfs, "
			    "want RFC 5545 wil 75 octetten.";
	const char *place = "Herman Teirlinckgebouw, Havenlaan 88\nBrussel";
	struct ical_event ev = {.uid = "session-7@warroom",
				.start = utc("2026-12-10T13:00:00Z"),
				.end = utc("2026-12-10T15:30:00Z"),
				.stamp = utc("2026-11-28T10:00:00Z"),
				.summary = title,
				.location = place,
				.url = "https://example.org/meet?id=1,2;3"};
	struct buf b;
	buf_init(&b, 1 << 16);
	assert_int_equal(ical_write_event(&b, &ev), 0);
	assert_int_equal(buf_addc(&b, '\0'), 0);
	const char *cal = b.ptr;
	assert_int_equal(strncmp(cal, "BEGIN:VCALENDAR\r\nVERSION:2.0\r\n", 30), 0);
	/* Every line ends in CRLF, is at most 75 octets, and a continuation
	 * line does not start inside a UTF-8 character. */
	size_t lines = 0;
	for (const char *p = cal; *p;) {
		const char *eol = strstr(p, "\r\n");
		assert_non_null(eol);
		assert_true(eol - p <= 75);
		assert_null(memchr(p, '\n', (size_t)(eol - p)));
		if (*p == ' ')
			assert_true(((unsigned char)p[1] & 0xC0) != 0x80);
		p = eol + 2;
		lines++;
	}
	assert_true(lines >= 14);
	char *v = property(cal, "SUMMARY");
	assert_non_null(v);
	assert_string_equal(v, title);
	free(v);
	v = property(cal, "LOCATION");
	assert_string_equal(v, place);
	free(v);
	v = property(cal, "DTSTART");
	assert_string_equal(v, "20261210T130000Z");
	free(v);
	v = property(cal, "DTEND");
	assert_string_equal(v, "20261210T153000Z");
	free(v);
	v = property(cal, "UID");
	assert_string_equal(v, "session-7@warroom");
	free(v);
	assert_non_null(strstr(cal, "SUMMARY:Infosessie: back-ups\\; MFA\\, en \\\\ meer"));
	assert_non_null(strstr(cal, "END:VEVENT\r\nEND:VCALENDAR\r\n"));
	buf_release(&b);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_brussels),
		cmocka_unit_test(test_ical),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
