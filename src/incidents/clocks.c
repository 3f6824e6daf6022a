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

/* The rules of the legal clocks, once (docs/incidents.md). hours: after
 * awareness; 0: one calendar month after the notification was submitted. */
static const struct clock_rule {
	const char *name, *kind, *report;
	int hours, personal_data_only;
} rules[INCIDENT_CLOCKS] = {
	[INCIDENT_CLOCK_EARLY] = {"NIS2 early warning", "nis2-early-warning", "nis2-early-warning", 24, 0},
	[INCIDENT_CLOCK_NOTIF] = {"NIS2 incident notification", "nis2-notification", "nis2-notification", 72, 0},
	[INCIDENT_CLOCK_FINAL] = {"NIS2 final report", "nis2-final-report", "nis2-final", 0, 0},
	[INCIDENT_CLOCK_GDPR] = {"GDPR notification", "gdpr-notification", "gdpr", 72, 1},
};

int incident_clock_eval(const struct incident_clock_facts *f, int k, int64_t now,
			struct incident_clock *out)
{
	const struct clock_rule *r = &rules[k];
	if (r->personal_data_only && !f->personal_data)
		return -1;
	*out = (struct incident_clock){.name = r->name, .kind = r->kind, .report = r->report};
	int waiting = 0;
	if (r->hours) {
		out->start = f->aware;
		out->due = f->aware + (int64_t)r->hours * 3600;
	} else if (f->recorded[INCIDENT_CLOCK_NOTIF]) {
		out->start = f->submitted[INCIDENT_CLOCK_NOTIF];
		out->due = incident_add_month(out->start);
	} else {
		waiting = 1; /* the final report's month starts with the notification */
	}
	out->state = f->recorded[k] ? "done" : waiting ? "waiting"
				  : incident_past_due(out->due, now) ? "overdue" : "due";
	return 0;
}

int incident_clocks_overdue(const struct incident_clock_facts *f, int64_t now)
{
	struct incident_clock c;
	for (int k = 0; k < INCIDENT_CLOCKS; k++)
		if (!incident_clock_eval(f, k, now, &c) && !strcmp(c.state, "overdue"))
			return 1;
	return 0;
}

void incident_clock_facts_of(int64_t aware, int personal_data, const json_t *reports,
			     struct incident_clock_facts *f)
{
	*f = (struct incident_clock_facts){.aware = aware, .personal_data = personal_data};
	size_t i;
	const json_t *r;
	json_array_foreach(reports, i, r)
	{
		const char *kind = json_string_value(json_object_get(r, "kind"));
		const char *at = json_string_value(json_object_get(r, "submitted_at"));
		for (int k = 0; kind && at && k < INCIDENT_CLOCKS; k++)
			if (!strcmp(kind, rules[k].report) && !time_parse_rfc3339(at, &f->submitted[k]))
				f->recorded[k] = 1;
	}
}

static json_t *clock_json(const struct incident_clock *c, const struct incident_clock_facts *f, int k)
{
	int waiting = !strcmp(c->state, "waiting");
	char d[32] = "", s[32] = "", local[32] = "";
	if (!waiting) {
		time_format_rfc3339((time_t)c->due, d, sizeof d);
		/* The clocks run on elapsed time; due_local shows the due moment
		 * as a Brussels wall time (summer time included). */
		brussels_format(c->due, local, sizeof local);
	}
	if (f->recorded[k])
		time_format_rfc3339((time_t)f->submitted[k], s, sizeof s);
	return json_pack("{s:s, s:s, s:s, s:s?, s:s?, s:s?, s:s, s:s?}", "kind", c->kind, "name", c->name,
			 "report", c->report, "due", waiting ? NULL : d, "due_at", waiting ? NULL : d,
			 "due_local", waiting ? NULL : local, "state", c->state, "submitted_at",
			 f->recorded[k] ? s : NULL);
}

json_t *incident_clocks(int64_t aware, int personal_data, const json_t *reports, int64_t now)
{
	struct incident_clock_facts f;
	incident_clock_facts_of(aware, personal_data, reports, &f);
	json_t *a = json_array();
	struct incident_clock c;
	for (int k = 0; a && k < INCIDENT_CLOCKS; k++)
		if (!incident_clock_eval(&f, k, now, &c) && json_array_append_new(a, clock_json(&c, &f, k))) {
			json_decref(a);
			return NULL;
		}
	return a;
}

int64_t incident_clock_started(const json_t *inc, const char *kind)
{
	int64_t aware = 0;
	time_parse_rfc3339(json_string_value(json_object_get(inc, "aware_at")), &aware);
	struct incident_clock_facts f;
	incident_clock_facts_of(aware, json_is_true(json_object_get(inc, "personal_data")),
				json_object_get(inc, "reports"), &f);
	struct incident_clock c;
	for (int k = 0; k < INCIDENT_CLOCKS; k++)
		if (!strcmp(rules[k].kind, kind) && !incident_clock_eval(&f, k, 0, &c))
			return c.start;
	return 0;
}
