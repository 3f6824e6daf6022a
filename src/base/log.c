#include "base/log.h"
#include "base/timeutil.h"

#include <stdarg.h>
#include <stdio.h>

static enum log_level min_level = LOG_INFO;

void log_set_level(enum log_level level)
{
	min_level = level;
}

void log_msg(enum log_level level, const char *fmt, ...)
{
	static const char *names[] = {"debug", "info", "warn", "error"};
	if (level < min_level)
		return;
	char now[40];
	time_now_rfc3339(now, sizeof now);
	char line[1024];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(line, sizeof line, fmt, ap);
	va_end(ap);
	/* Messages quote what clients sent (a decoded URL may hold a newline):
	 * control characters are written as \xNN, so that nobody can forge a
	 * log line. */
	char safe[sizeof line * 4];
	size_t o = 0;
	for (const unsigned char *p = (const unsigned char *)line; *p; p++) {
		if (*p < 0x20 || *p == 0x7f || *p == '\\')
			o += (size_t)snprintf(safe + o, sizeof safe - o, "\\x%02x", *p);
		else
			safe[o++] = (char)*p;
	}
	safe[o] = '\0';
	/* One fprintf per line so that lines of several threads do not mix. */
	fprintf(stderr, "%s %s %s\n", now, names[level], safe);
}
