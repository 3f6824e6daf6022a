/* The incident as one document for the town to hand to the CCB, the base of
 * the NIS2 final report (incidents.h, docs/incidents.md): facts, impact,
 * clocks, submitted reports, tasks, help, related incidents and the
 * timeline, as Markdown or JSON. It is built from what the actor may see:
 * a town never gets the war room's internal notes. */
#include "incidents/incidents.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/buf.h"
#include "incidents/inc_internal.h"

#define EXPORT_MAX (8u << 20)

/* The document being written; rc keeps the first failure (too big, out of
 * memory) so that a truncated report is never handed out. */
struct doc {
	struct buf b;
	int rc;
};

static void d_adds(struct doc *d, const char *s)
{
	if (!d->rc)
		d->rc = buf_adds(&d->b, s);
}

static void d_addc(struct doc *d, char c)
{
	if (!d->rc)
		d->rc = buf_addc(&d->b, c);
}

__attribute__((format(printf, 2, 3))) static void d_printf(struct doc *d, const char *fmt, ...)
{
	char line[1024];
	va_list ap;
	va_start(ap, fmt);
	int n = vsnprintf(line, sizeof line, fmt, ap);
	va_end(ap);
	if (n < 0 || (size_t)n >= sizeof line)
		d->rc = d->rc ? d->rc : WR_ETOOBIG;
	else
		d_adds(d, line);
}

static const char *str(const json_t *o, const char *key)
{
	const char *s = json_string_value(json_object_get(o, key));
	return s && *s ? s : "-";
}

/* A table cell: one line, no column breaks. */
static void cell(struct doc *b, const char *s)
{
	d_adds(b, "| ");
	for (; *s; s++) {
		if (*s == '|')
			d_adds(b, "\\|");
		else
			d_addc(b, *s == '\n' || *s == '\r' ? ' ' : *s);
	}
	d_addc(b, ' ');
}

static void row(struct doc *b, const char *const cells[], size_t n)
{
	for (size_t i = 0; i < n; i++)
		cell(b, cells[i]);
	d_adds(b, "|\n");
}

/* Free text as a quoted block, so that it cannot break the document's
 * structure. */
static void quote(struct doc *b, const char *s)
{
	d_adds(b, "> ");
	for (; *s; s++) {
		if (*s == '\r')
			continue;
		d_addc(b, *s);
		if (*s == '\n')
			d_adds(b, "> ");
	}
	d_adds(b, "\n\n");
}

static void facts(struct doc *b, const json_t *inc)
{
	const char *yes = "yes", *no = "no";
	d_printf(b, "**TLP:%s**\n\n# Incident report: %s\n\n", str(inc, "tlp"), str(inc, "title"));
	d_adds(b, "## Facts\n\n| | |\n|---|---|\n");
	const char *rows[][2] = {
		{"Incident", NULL},
		{"Town", str(inc, "org_name")},
		{"Recorded by", str(inc, "reporter")},
		{"Occurred", str(inc, "occurred_at")},
		{"Detected", str(inc, "detected_at")},
		{"Aware (the clocks start here)", str(inc, "aware_at")},
		{"Category", str(inc, "category")},
		{"Type", str(inc, "type")},
		{"Severity", str(inc, "severity")},
		{"Status", str(inc, "status")},
		{"Significant incident", json_is_true(json_object_get(inc, "significant")) ? yes : no},
		{"Personal data involved", json_is_true(json_object_get(inc, "personal_data")) ? yes : no},
		{"NIS2 notification", json_is_true(json_object_get(inc, "nis2_mandatory")) ? "mandatory" : "voluntary"},
	};
	char id[32];
	snprintf(id, sizeof id, "#%lld", (long long)json_integer_value(json_object_get(inc, "id")));
	rows[0][1] = id;
	for (size_t i = 0; i < sizeof rows / sizeof rows[0]; i++)
		row(b, rows[i], 2);
	d_adds(b, "\n## Description\n\n");
	quote(b, str(inc, "description"));
	const json_t *impact = json_object_get(inc, "impact");
	if (json_object_size(impact)) {
		d_adds(b, "## Impact\n\n| | |\n|---|---|\n");
		const char *k;
		json_t *v;
		json_object_foreach((json_t *)impact, k, v)
		{
			char *val = json_is_string(v) ? strdup(json_string_value(v))
						      : json_dumps(v, JSON_COMPACT | JSON_ENCODE_ANY);
			const char *c[2] = {k, val ? val : "?"};
			row(b, c, 2);
			free(val);
		}
		d_addc(b, '\n');
	}
}

static void clocks_and_reports(struct doc *b, const json_t *inc)
{
	size_t i;
	const json_t *c;
	d_adds(b, "## Legal clocks\n\n| Clock | Due | State | Submitted |\n|---|---|---|---|\n");
	json_array_foreach(json_object_get(inc, "clocks"), i, c)
	{
		const char *r[] = {str(c, "name"), str(c, "due"), str(c, "state"), str(c, "submitted_at")};
		row(b, r, 4);
	}
	d_adds(b, "\n## Reports submitted\n\n");
	if (!json_array_size(json_object_get(inc, "reports")))
		d_adds(b, "None yet.\n\n");
	json_array_foreach(json_object_get(inc, "reports"), i, c)
	{
		d_printf(b, "### %s, submitted %s by %s\n\n", str(c, "kind"), str(c, "submitted_at"),
			   str(c, "by_name"));
		quote(b, str(c, "content"));
	}
}

static void tasks_help_links(struct doc *b, const json_t *tasks, const json_t *help, const json_t *inc)
{
	size_t i;
	const json_t *t;
	d_adds(b, "## Tasks\n\n| Task | Owner | Due | Status | By | Reason |\n|---|---|---|---|---|---|\n");
	json_array_foreach(tasks, i, t)
	{
		const char *r[] = {str(t, "title"), str(t, "owner_role"), str(t, "due_at"),
				   str(t, "status"), str(t, "closed_by"), str(t, "reason")};
		row(b, r, 6);
	}
	d_adds(b, "\n## Help requested\n\n| Kind | Urgency | Status | Helper | Needed |\n|---|---|---|---|---|\n");
	json_array_foreach(help, i, t)
	{
		const char *r[] = {str(t, "kind"), str(t, "urgency"), str(t, "status"),
				   str(t, "helper_org_name"), str(t, "description")};
		row(b, r, 5);
	}
	d_adds(b, "\n## Related incidents\n\n");
	if (!json_array_size(json_object_get(inc, "links")) &&
	    !json_array_size(json_object_get(inc, "duplicates")))
		d_adds(b, "None.\n");
	json_array_foreach(json_object_get(inc, "links"), i, t)
		d_printf(b, "- linked: #%lld %s (%s)\n", (long long)json_integer_value(json_object_get(t, "id")),
			   str(t, "title"), str(t, "status"));
	json_array_foreach(json_object_get(inc, "duplicates"), i, t)
		d_printf(b, "- duplicate report merged into this one: #%lld %s, recorded by %s\n",
			   (long long)json_integer_value(json_object_get(t, "id")), str(t, "title"),
			   str(t, "reporter"));
	d_addc(b, '\n');
}

static void timeline(struct doc *b, const json_t *items)
{
	size_t i;
	const json_t *t;
	d_adds(b, "## Timeline\n\n| Time | Who | Kind | What |\n|---|---|---|---|\n");
	json_array_foreach(items, i, t)
	{
		const char *r[] = {str(t, "at"), str(t, "actor"), str(t, "kind"), str(t, "text")};
		row(b, r, 4);
	}
}

int incident_export(sqlite3 *db, const struct actor *a, int64_t id, const char *format,
		    char **text, json_t **json, struct wr_err *e)
{
	*text = NULL;
	*json = NULL;
	if (strcmp(format, "markdown") && strcmp(format, "json"))
		return wr_err_set(e, WR_EINVAL, "format", "is markdown or json");
	json_t *inc = NULL, *tasks = NULL, *help = NULL, *tl = NULL;
	int rc;
	if ((rc = incident_get(db, a, id, &inc, e)) || (rc = incident_tasks_list(db, a, id, &tasks, e)) ||
	    (rc = incident_help_list(db, a, id, &help, e)) || (rc = incident_timeline(db, a, id, &tl, e)))
		goto out;
	char now[32];
	inc_now(now);
	if (!strcmp(format, "json")) {
		*json = json_pack("{s:O, s:O, s:O, s:O, s:s, s:s}", "incident", inc, "tasks", tasks,
				  "help_requests", help, "timeline", tl, "generated_at", now,
				  "generated_by", a->name);
		rc = *json ? 0 : wr_err_set(e, WR_ENOMEM, NULL, "out of memory");
		goto out;
	}
	struct doc d = {.rc = 0};
	buf_init(&d.b, EXPORT_MAX);
	facts(&d, inc);
	clocks_and_reports(&d, inc);
	tasks_help_links(&d, tasks, help, inc);
	timeline(&d, tl);
	d_printf(&d, "\nGenerated %s by %s with warroom.\n", now, a->name);
	if (d.rc) {
		buf_release(&d.b);
		rc = wr_err_set(e, d.rc, NULL, "the report is too large or memory ran out");
		goto out;
	}
	*text = buf_detach(&d.b);
	rc = *text ? 0 : wr_err_set(e, WR_ENOMEM, NULL, "out of memory");
out:
	json_decref(inc);
	json_decref(tasks);
	json_decref(help);
	json_decref(tl);
	return rc;
}
