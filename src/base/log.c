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
	/* One fprintf per line so that lines of several threads do not mix. */
	fprintf(stderr, "%s %s %s\n", now, names[level], line);
}
