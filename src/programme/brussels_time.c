/* Europe/Brussels time by the EU summer-time rule (brussels_time.h). */
#include "programme/brussels_time.h"
#include "base/timeutil.h"

#include <stdio.h>
#include <string.h>
#include <time.h>

/* Days since 1970-01-01 of a civil date (Howard Hinnant's algorithm). */
static int64_t days_from_civil(int64_t y, int m, int d)
{
	y -= m <= 2;
	int64_t era = (y >= 0 ? y : y - 399) / 400;
	int64_t yoe = y - era * 400;
	int64_t doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
	int64_t doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
	return era * 146097 + doe - 719468;
}

/* 01:00 UTC of the last Sunday of month m (31 days long) of year y. */
static int64_t last_sunday_0100(int64_t y, int m)
{
	int64_t days = days_from_civil(y, m, 31);
	int64_t wd = (days + 4) % 7; /* 1970-01-01 was a Thursday; 0 = Sunday */
	if (wd < 0)
		wd += 7;
	return (days - wd) * 86400 + 3600;
}

int brussels_offset(int64_t utc)
{
	time_t t = (time_t)utc;
	struct tm tm;
	if (!gmtime_r(&t, &tm))
		return 3600;
	int64_t y = tm.tm_year + 1900;
	return utc >= last_sunday_0100(y, 3) && utc < last_sunday_0100(y, 10) ? 7200 : 3600;
}

void brussels_format(int64_t utc, char *out, size_t n)
{
	time_t t = (time_t)(utc + brussels_offset(utc));
	struct tm tm;
	/* snprintf rather than strftime: %Y does not pad a year below 1000. */
	if (!gmtime_r(&t, &tm))
		snprintf(out, n, "?");
	else
		snprintf(out, n, "%04d-%02d-%02dT%02d:%02d", tm.tm_year + 1900, tm.tm_mon + 1,
			 tm.tm_mday, tm.tm_hour, tm.tm_min);
}

int brussels_parse(const char *s, int64_t *utc)
{
	char buf[32];
	int64_t wall;
	if (strlen(s) != 16 || s[10] != 'T')
		return -1;
	snprintf(buf, sizeof buf, "%s:00Z", s);
	if (time_parse_rfc3339(buf, &wall))
		return -1;
	/* Try summer time first, then winter time: the first that maps back. */
	for (int off = 7200; off >= 3600; off -= 3600)
		if (brussels_offset(wall - off) == off) {
			*utc = wall - off;
			return 0;
		}
	return -1;
}
