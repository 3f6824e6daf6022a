#include "base/timeutil.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

void time_format_rfc3339(time_t t, char *out, size_t n)
{
	struct tm tm;
	if (!gmtime_r(&t, &tm) || !strftime(out, n, "%Y-%m-%dT%H:%M:%SZ", &tm))
		snprintf(out, n, "1970-01-01T00:00:00Z");
}

/* The test clock's offset in seconds; 0 when none is set or it is unreadable. */
static int64_t test_offset(void)
{
	const char *path = getenv("WARROOM_TEST_CLOCK_FILE");
	if (!path || !*path)
		return 0;
	FILE *f = fopen(path, "r");
	if (!f)
		return 0;
	char line[64] = "";
	char *ok = fgets(line, sizeof line, f);
	fclose(f);
	if (!ok)
		return 0;
	char *end;
	long long v = strtoll(line, &end, 10);
	if (end == line || v < -(100LL * 365 * 86400) || v > 100LL * 365 * 86400)
		return 0;
	return (int64_t)v;
}

int64_t time_now(void)
{
	return (int64_t)time(NULL) + test_offset();
}

void time_now_rfc3339(char *out, size_t n)
{
	time_format_rfc3339((time_t)time_now(), out, n);
}

int64_t time_now_ms(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_REALTIME, &ts);
	return ((int64_t)ts.tv_sec + test_offset()) * 1000 + ts.tv_nsec / 1000000;
}

double time_monotonic(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

void time_today(char out[11])
{
	time_t t = (time_t)time_now();
	struct tm tm;
	if (!gmtime_r(&t, &tm) || !strftime(out, 11, "%Y-%m-%d", &tm))
		snprintf(out, 11, "1970-01-01");
}

/* Reads exactly n digits at *p. -1 when one is missing. */
static int digits(const char **p, int n)
{
	int v = 0;
	for (int i = 0; i < n; i++, (*p)++) {
		if (!isdigit((unsigned char)**p))
			return -1;
		v = v * 10 + (**p - '0');
	}
	return v;
}

/* Days from 1970-01-01 to y-m-d of the proleptic Gregorian calendar
 * (H. Hinnant's days_from_civil). */
static int64_t days_from_civil(int64_t y, int m, int d)
{
	y -= m <= 2;
	const int64_t era = (y >= 0 ? y : y - 399) / 400;
	const int64_t yoe = y - era * 400;
	const int64_t doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
	const int64_t doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
	return era * 146097 + doe - 719468;
}

static int month_days(int y, int m)
{
	static const int days[12] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
	int leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
	return m == 2 && leap ? 29 : days[m - 1];
}

/* "YYYY-MM-DD" at *p to days since the epoch; -1 when it is not a date. */
static int parse_ymd(const char **p, int64_t *days)
{
	int y = digits(p, 4);
	if (y < 0 || *(*p)++ != '-')
		return -1;
	int m = digits(p, 2);
	if (m < 1 || m > 12 || *(*p)++ != '-')
		return -1;
	int d = digits(p, 2);
	if (d < 1 || d > month_days(y, m))
		return -1;
	*days = days_from_civil(y, m, d);
	return 0;
}

int time_parse_date(const char *s, int64_t *out)
{
	int64_t days;
	if (!s || parse_ymd(&s, &days) || *s)
		return -1;
	*out = days * 86400;
	return 0;
}

int time_parse_rfc3339(const char *s, int64_t *out)
{
	int64_t days;
	if (!s || parse_ymd(&s, &days) || (*s != 'T' && *s != 't'))
		return -1;
	s++;
	int hh = digits(&s, 2);
	if (hh < 0 || hh > 23 || *s++ != ':')
		return -1;
	int mi = digits(&s, 2);
	if (mi < 0 || mi > 59 || *s++ != ':')
		return -1;
	int ss = digits(&s, 2);
	if (ss < 0 || ss > 60) /* 60: a leap second, counted as the next one */
		return -1;
	if (*s == '.') {
		s++;
		if (!isdigit((unsigned char)*s))
			return -1;
		while (isdigit((unsigned char)*s))
			s++;
	}
	int64_t offset = 0;
	if (*s == 'Z' || *s == 'z') {
		s++;
	} else if (*s == '+' || *s == '-') {
		int sign = *s++ == '-' ? -1 : 1;
		int oh = digits(&s, 2);
		if (oh < 0 || oh > 23 || *s++ != ':')
			return -1;
		int om = digits(&s, 2);
		if (om < 0 || om > 59)
			return -1;
		offset = sign * (oh * 3600 + om * 60);
	} else {
		return -1;
	}
	if (*s)
		return -1;
	*out = days * 86400 + hh * 3600 + mi * 60 + ss - offset;
	return 0;
}

int time_from_fields(int year, int month, int day, int hour, int minute, int second,
		     int64_t *out)
{
	if (year < 1 || year > 9999 || month < 1 || month > 12 || day < 1 ||
	    day > month_days(year, month) || hour < 0 || hour > 23 || minute < 0 || minute > 59 ||
	    second < 0 || second > 60)
		return -1;
	*out = days_from_civil(year, month, day) * 86400 + hour * 3600 + minute * 60 + second;
	return 0;
}
