/* Europe/Brussels wall-clock time without touching the process's TZ (not
 * thread-safe): the EU rule, CET (UTC+1) with summer time (UTC+2) from the
 * last Sunday of March 01:00 UTC to the last Sunday of October 01:00 UTC. */
#ifndef WR_PROGRAMME_BRUSSELS_TIME_H
#define WR_PROGRAMME_BRUSSELS_TIME_H

#include <stddef.h>
#include <stdint.h>

/* The offset from UTC in seconds (3600 or 7200) at UTC instant t. */
int brussels_offset(int64_t utc);
/* "2026-12-10T14:00" (Brussels wall time at utc). */
void brussels_format(int64_t utc, char *out, size_t n);
/* Parses Brussels wall time "YYYY-MM-DDTHH:MM" to UTC; in the repeated hour
 * of October the first (summer time) is taken, and a time in the skipped
 * hour of March is refused. 0 or -1. */
int brussels_parse(const char *s, int64_t *utc);

#endif
