/* When a log line says it was written: the first timestamp among its first
 * LINE_TIME_SPAN bytes, in the forms of the usual logs (docs/sweep.md,
 * "First and last seen"). Used for the first and last seen of a sighting;
 * best effort, never trusted for anything else. */
#ifndef WR_SWEEP_LINETIME_H
#define WR_SWEEP_LINETIME_H

#include <stddef.h>
#include <stdint.h>

#define LINE_TIME_SPAN 256

/* Seconds since the epoch (UTC) of the line that starts at p (n bytes
 * readable; it ends at the first newline), or 0 when no form is
 * recognised. now (epoch seconds) gives the year of a syslog time that has
 * none: the latest one not more than a day ahead of now. */
int64_t line_time(const unsigned char *p, size_t n, int64_t now);

#endif
