/* The legal clocks of an incident (incidents.h, docs/incidents.md). */
#include "incidents/incidents.h"

#include <stdio.h>
#include <string.h>
#include <time.h>

#include "base/timeutil.h"
#include "programme/brussels_time.h"

static int month_days(int y, int m)
{
	static const int days[12] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
	int leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
	return m == 2 && leap ? 29 : days[m - 1];
}

int64_t incident_add_month(int64_t t)
{
	time_t tt = (time_t)t;
	struct tm tm;
	gmtime_r(&tt, &tm);
	int y = tm.tm_year + 1900, m = tm.tm_mon + 2;
	if (m == 13) {
		m = 1;
		y++;
	}
	int d = tm.tm_mday <= month_days(y, m) ? tm.tm_mday : month_days(y, m);
	int64_t out = 0;
	time_from_fields(y, m, d, tm.tm_hour, tm.tm_min, tm.tm_sec, &out);
	return out;
}

/* The submitted_at of report kind in reports ([{kind, submitted_at}]), or 0. */
static int64_t submitted(const json_t *reports, const char *kind)
{
	size_t i;
	const json_t *r;
	json_array_foreach(reports, i, r)
	{
		int64_t t;
		const char *k = json_string_value(json_object_get(r, "kind"));
		const char *at = json_string_value(json_object_get(r, "submitted_at"));
		if (k && at && !strcmp(k, kind) && !time_parse_rfc3339(at, &t))
			return t;
	}
	return 0;
}

/* The clock's kind as the API names it (the report recorded against it is
 * `report`). */
static const char *clock_kind(const char *report)
{
	if (!strcmp(report, "nis2-final"))
		return "nis2-final-report";
	if (!strcmp(report, "gdpr"))
		return "gdpr-notification";
	return report;
}

static json_t *legal_clock(const char *name, const char *kind, int64_t due, int64_t done, int64_t now)
{
	char d[32] = "", s[32] = "";
	if (due)
		time_format_rfc3339((time_t)due, d, sizeof d);
	if (done)
		time_format_rfc3339((time_t)done, s, sizeof s);
	const char *state = done ? "done" : !due ? "waiting" : now > due ? "overdue" : "due";
	/* The clocks run on elapsed time; due_local shows the due moment as a
	 * Brussels wall time (summer time included). */
	char local[32] = "";
	if (due)
		brussels_format(due, local, sizeof local);
	return json_pack("{s:s, s:s, s:s, s:s?, s:s?, s:s?, s:s, s:s?}", "kind", clock_kind(kind), "name", name,
			 "report", kind, "due", due ? d : NULL, "due_at", due ? d : NULL, "due_local",
			 due ? local : NULL, "state", state, "submitted_at", done ? s : NULL);
}

json_t *incident_clocks(int64_t aware, int personal_data, const json_t *reports, int64_t now)
{
	json_t *a = json_array();
	int64_t notif = submitted(reports, "nis2-notification");
	json_array_append_new(a, legal_clock("NIS2 early warning", "nis2-early-warning", aware + 24 * 3600,
				       submitted(reports, "nis2-early-warning"), now));
	json_array_append_new(a, legal_clock("NIS2 incident notification", "nis2-notification",
				       aware + 72 * 3600, notif, now));
	json_array_append_new(a, legal_clock("NIS2 final report", "nis2-final",
				       notif ? incident_add_month(notif) : 0,
				       submitted(reports, "nis2-final"), now));
	if (personal_data)
		json_array_append_new(a, legal_clock("GDPR notification", "gdpr", aware + 72 * 3600,
					       submitted(reports, "gdpr"), now));
	return a;
}
