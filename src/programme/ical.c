/* One-event iCalendar documents (ical.h). */
#include "programme/ical.h"

#include <string.h>
#include <time.h>

/* Appends one content line "name:value" (value already escaped), folded
 * so that no line exceeds 75 octets, then CRLF. */
static int content_line(struct buf *b, const char *name, const char *value)
{
	size_t col = 0;
	int rc = 0;
	const char *parts[2] = {name, value};
	for (int p = 0; p < 2 && !rc; p++) {
		if (p == 1) {
			rc = buf_addc(b, ':');
			col++;
		}
		for (const unsigned char *s = (const unsigned char *)parts[p]; *s && !rc;) {
			size_t n = 1; /* the UTF-8 sequence at s stays whole */
			while ((s[n] & 0xC0) == 0x80)
				n++;
			if (col + n > 75) {
				rc = buf_add(b, "\r\n ", 3);
				col = 1;
			}
			if (!rc)
				rc = buf_add(b, s, n);
			col += n;
			s += n;
		}
	}
	return rc ? rc : buf_add(b, "\r\n", 2);
}

/* Escapes a TEXT value (RFC 5545 3.3.11) into out (bounded by b's max). */
static int text_line(struct buf *b, const char *name, const char *text)
{
	struct buf v;
	buf_init(&v, 64 * 1024);
	int rc = 0;
	for (const char *s = text; *s && !rc; s++) {
		switch (*s) {
		case '\\': rc = buf_adds(&v, "\\\\"); break;
		case ';': rc = buf_adds(&v, "\\;"); break;
		case ',': rc = buf_adds(&v, "\\,"); break;
		case '\n': rc = buf_adds(&v, "\\n"); break;
		case '\r': break;
		default: rc = (unsigned char)*s < 0x20 && *s != '\t' ? 0 : buf_addc(&v, *s);
		}
	}
	if (!rc)
		rc = buf_addc(&v, '\0');
	if (!rc)
		rc = content_line(b, name, v.ptr);
	buf_release(&v);
	return rc;
}

static int time_line(struct buf *b, const char *name, int64_t t)
{
	char v[20];
	time_t tt = (time_t)t;
	struct tm tm;
	if (!gmtime_r(&tt, &tm) || !strftime(v, sizeof v, "%Y%m%dT%H%M%SZ", &tm))
		return -1;
	return content_line(b, name, v);
}

int ical_write_event(struct buf *b, const struct ical_event *ev)
{
	int rc = content_line(b, "BEGIN", "VCALENDAR");
	rc = rc ? rc : content_line(b, "VERSION", "2.0");
	rc = rc ? rc : content_line(b, "PRODID", "-//warroom//prevention programme//NL");
	rc = rc ? rc : content_line(b, "CALSCALE", "GREGORIAN");
	rc = rc ? rc : content_line(b, "METHOD", "PUBLISH");
	rc = rc ? rc : content_line(b, "BEGIN", "VEVENT");
	rc = rc ? rc : text_line(b, "UID", ev->uid);
	rc = rc ? rc : time_line(b, "DTSTAMP", ev->stamp);
	rc = rc ? rc : time_line(b, "DTSTART", ev->start);
	rc = rc ? rc : time_line(b, "DTEND", ev->end);
	rc = rc ? rc : text_line(b, "SUMMARY", ev->summary);
	if (!rc && ev->location && ev->location[0])
		rc = text_line(b, "LOCATION", ev->location);
	if (!rc && ev->url && ev->url[0])
		rc = content_line(b, "URL", ev->url);
	if (!rc && ev->description && ev->description[0])
		rc = text_line(b, "DESCRIPTION", ev->description);
	rc = rc ? rc : content_line(b, "END", "VEVENT");
	return rc ? rc : content_line(b, "END", "VCALENDAR");
}
