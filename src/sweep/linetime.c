/* Timestamps of log lines (see linetime.h). The forms, tried at each byte:
 *   2024-01-15T00:00:28Z, 2024-01-15 00:00:28.007, with an optional offset
 *     (Z, +01:00, +0100); without one the time is taken as UTC;
 *   date=2024-01-15 time=00:00:21 (FortiGate);
 *   [15/Jan/2024:00:00:07 +0000] (Apache, nginx);
 *   Jan 15 2024 00:00:35 (Cisco ASA) and Jan 15 00:00:35 (syslog, no year);
 *   1705276814.002 as the line's first field (Squid, Zeek). */
#include "sweep/linetime.h"

#include <string.h>

#include "base/timeutil.h"

/* Exactly k digits at p[*i..]; their value, or -1. */
static int num(const unsigned char *p, size_t n, size_t *i, int k)
{
	if (*i + (size_t)k > n)
		return -1;
	int v = 0;
	for (int j = 0; j < k; j++) {
		unsigned char c = p[*i + (size_t)j];
		if (c < '0' || c > '9')
			return -1;
		v = v * 10 + (c - '0');
	}
	*i += (size_t)k;
	return v;
}

static int at(const unsigned char *p, size_t n, size_t i, char c)
{
	return i < n && p[i] == (unsigned char)c;
}

/* "HH:MM:SS" at p[*i..]. */
static int hms(const unsigned char *p, size_t n, size_t *i, int *h, int *m, int *s)
{
	if ((*h = num(p, n, i, 2)) < 0 || !at(p, n, (*i)++, ':') || (*m = num(p, n, i, 2)) < 0 ||
	    !at(p, n, (*i)++, ':') || (*s = num(p, n, i, 2)) < 0)
		return -1;
	return 0;
}

/* An offset from UTC at p[*i..] ("Z", "+01:00", "+0100", "-05"): seconds
 * to subtract; 0 when there is none. */
static int64_t offset(const unsigned char *p, size_t n, size_t i)
{
	if (at(p, n, i, ' '))
		i++;
	if (i >= n || (p[i] != '+' && p[i] != '-'))
		return 0;
	int64_t sign = p[i] == '-' ? -1 : 1;
	i++;
	int h = num(p, n, &i, 2);
	if (h < 0 || h > 14)
		return 0;
	if (at(p, n, i, ':'))
		i++;
	int m = num(p, n, &i, 2);
	return sign * (h * 3600 + (m > 0 && m < 60 ? m : 0) * 60);
}

static int month_name(const unsigned char *p, size_t n, size_t i)
{
	static const char names[] = "JanFebMarAprMayJunJulAugSepOctNovDec";
	if (i + 3 > n)
		return 0;
	for (int k = 0; k < 12; k++)
		if (!memcmp(p + i, names + 3 * k, 3))
			return k + 1;
	return 0;
}

/* 2024-01-15[T ]00:00:28[.fff][offset], or FortiGate's date=... time=... */
static int64_t iso(const unsigned char *p, size_t n, size_t i)
{
	int y = num(p, n, &i, 4), mo, d, h, mi, s;
	if (y < 0 || !at(p, n, i++, '-') || (mo = num(p, n, &i, 2)) < 0 || !at(p, n, i++, '-') ||
	    (d = num(p, n, &i, 2)) < 0)
		return 0;
	if (at(p, n, i, 'T') || at(p, n, i, ' '))
		i++;
	if (i + 5 <= n && !memcmp(p + i, "time=", 5))
		i += 5;
	if (hms(p, n, &i, &h, &mi, &s))
		return 0;
	while (at(p, n, i, '.') || at(p, n, i, ','))
		for (i++; i < n && p[i] >= '0' && p[i] <= '9'; i++)
			;
	int64_t t;
	if (time_from_fields(y, mo, d, h, mi, s, &t))
		return 0;
	return t - offset(p, n, i);
}

/* [15/Jan/2024:00:00:07 +0000] */
static int64_t clf(const unsigned char *p, size_t n, size_t i)
{
	int d, mo, y, h, mi, s;
	i++;
	if ((d = num(p, n, &i, 2)) < 0 || !at(p, n, i++, '/') || !(mo = month_name(p, n, i)))
		return 0;
	i += 3;
	if (!at(p, n, i++, '/') || (y = num(p, n, &i, 4)) < 0 || !at(p, n, i++, ':') ||
	    hms(p, n, &i, &h, &mi, &s))
		return 0;
	int64_t t;
	if (time_from_fields(y, mo, d, h, mi, s, &t))
		return 0;
	return t - offset(p, n, i);
}

/* Jan 15 2024 00:00:35, Jan  5 00:00:35 */
static int64_t syslog_time(const unsigned char *p, size_t n, size_t i, int64_t now)
{
	int mo = month_name(p, n, i), d, y = -1, h, mi, s;
	if (!mo || !at(p, n, i + 3, ' '))
		return 0;
	i += 4;
	if (at(p, n, i, ' '))
		i++;
	size_t j = i;
	if ((d = num(p, n, &j, 2)) < 0) {
		j = i;
		if ((d = num(p, n, &j, 1)) < 0)
			return 0;
	}
	i = j;
	if (!at(p, n, i++, ' '))
		return 0;
	j = i;
	if ((y = num(p, n, &j, 4)) >= 0 && at(p, n, j, ' '))
		i = j + 1;
	else
		y = -1;
	if (hms(p, n, &i, &h, &mi, &s))
		return 0;
	int64_t t;
	if (y >= 0)
		return time_from_fields(y, mo, d, h, mi, s, &t) ? 0 : t;
	/* No year: this year's, or last year's when that would be ahead. */
	int64_t days = now / 86400;
	int year = 1970 + (int)(days / 366); /* a lower bound, then stepped up */
	int64_t start;
	while (!time_from_fields(year + 1, 1, 1, 0, 0, 0, &start) && start <= now)
		year++;
	if (time_from_fields(year, mo, d, h, mi, s, &t) == 0 && t <= now + 86400)
		return t;
	return time_from_fields(year - 1, mo, d, h, mi, s, &t) ? 0 : t;
}

/* 1705276814[.002] as the first field: seconds from 2000 to 2100. */
static int64_t epoch(const unsigned char *p, size_t n)
{
	size_t i = 0;
	int64_t v = 0;
	while (i < n && p[i] >= '0' && p[i] <= '9' && i < 11)
		v = v * 10 + (p[i++] - '0');
	if (i != 10 || (i < n && p[i] != '.' && p[i] != ' ' && p[i] != '\t'))
		return 0;
	return v >= 946684800 && v < 4102444800 ? v : 0;
}

int64_t line_time(const unsigned char *p, size_t n, int64_t now)
{
	if (n > LINE_TIME_SPAN)
		n = LINE_TIME_SPAN;
	const unsigned char *nl = memchr(p, '\n', n);
	if (nl)
		n = (size_t)(nl - p);
	int64_t t = epoch(p, n);
	for (size_t i = 0; !t && i < n; i++) {
		unsigned char c = p[i];
		int word_start = i == 0 || !((p[i - 1] | 0x20) >= 'a' && (p[i - 1] | 0x20) <= 'z') ;
		int num_start = i == 0 || p[i - 1] < '0' || p[i - 1] > '9';
		if (c >= '1' && c <= '2' && num_start)
			t = iso(p, n, i);
		else if (c == '[')
			t = clf(p, n, i);
		else if (c >= 'A' && c <= 'S' && word_start)
			t = syslog_time(p, n, i, now);
	}
	return t > 0 ? t : 0;
}
