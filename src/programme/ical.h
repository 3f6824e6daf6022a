/* iCalendar (RFC 5545) for information sessions: text values escaped
 * (backslash, semicolon, comma, newline), content lines folded at 75
 * octets without splitting a UTF-8 character, CRLF line ends. */
#ifndef WR_PROGRAMME_ICAL_H
#define WR_PROGRAMME_ICAL_H

#include <stdint.h>

#include "base/buf.h"

struct ical_event {
	const char *uid;        /* "session-12@warroom" */
	int64_t start, end;     /* UTC seconds */
	int64_t stamp;          /* DTSTAMP */
	const char *summary;
	const char *location;   /* may be NULL */
	const char *url;        /* may be NULL */
	const char *description; /* may be NULL */
};

/* Writes a VCALENDAR with one VEVENT into b. 0 or a buf error. */
int ical_write_event(struct buf *b, const struct ical_event *ev);

#endif
