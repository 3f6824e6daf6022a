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

#endif
