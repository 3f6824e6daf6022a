/* Times: RFC 3339 UTC text ("2026-11-28T10:48:54Z") everywhere outside. */
#ifndef WR_BASE_TIMEUTIL_H
#define WR_BASE_TIMEUTIL_H

#include <stddef.h>
#include <stdint.h>
#include <time.h>

void time_now_rfc3339(char *out, size_t n);     /* seconds precision, 'Z' */
void time_format_rfc3339(time_t t, char *out, size_t n);
int64_t time_now_ms(void);                       /* wall clock, ms since epoch */
double time_monotonic(void);                     /* seconds, for durations */
void time_today(char out[11]);                   /* "2026-11-28" (UTC) */

/* The wall clock in seconds (and ms in time_now_ms) that every domain rule
 * uses (deadlines, escalations, legal clocks, expiry). When the environment
 * variable WARROOM_TEST_CLOCK_FILE names a file, the integer number of
 * seconds in it is added to the real time, so that an end-to-end test can
 * move a running server hours ahead by rewriting that file. */
int64_t time_now(void);

/* Parses an RFC 3339 date-time ("2026-11-28T10:48:54Z", fractions and
 * offsets like "+01:00" accepted, 't' and 'z' too) to seconds since the
 * epoch (UTC). 0, or -1 when s is not one (a bad field, 2026-02-30...). */
int time_parse_rfc3339(const char *s, int64_t *out);
/* Parses a calendar date "2026-11-28" to the epoch seconds of its midnight
 * UTC. 0 or -1. */
int time_parse_date(const char *s, int64_t *out);

/* Seconds since the epoch of a UTC calendar date and time of day; 0, or -1
 * when a field is out of range (2026-02-30, 24:00:00). A second of 60 (a
 * leap second) counts as the next one. */
int time_from_fields(int year, int month, int day, int hour, int minute, int second,
		     int64_t *out);

#endif
