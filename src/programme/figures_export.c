/* The programme's figures as CSV (one row per group) and as a printable
 * one-page HTML summary with print styles. */
#include "programme/programme.h"
#include "base/buf.h"
#include "base/csv.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define EXPORT_MAX (4u << 20)

static const char *const csv_cols[] = {
	"group",	     "name",		   "towns",	     "signed_up",
	"signed_up_share",   "audits_performed",   "population",     "population_covered",
	"checklist_started", "checklist_completed", "passing_basic", "passing_important",
	"passing_essential", "findings_overdue"};
#define NCOLS (sizeof csv_cols / sizeof csv_cols[0])

static json_int_t num(const json_t *o, const char *k)
{
	return json_integer_value(json_object_get(o, k));
}

static json_int_t passing(const json_t *o, const char *k)
{
	return json_integer_value(json_object_get(json_object_get(o, "passing"), k));
}

/* "47.33" from 4733. */
static void x100_text(json_int_t v, char *out, size_t n)
{
	snprintf(out, n, "%lld.%02lld", (long long)(v / 100), (long long)(v % 100));
}

static int csv_row(FILE *f, const char *group, const char *name, const json_t *o)
{
	char cells[NCOLS][32];
	const char *row[NCOLS];
	json_int_t v[] = {num(o, "towns"), num(o, "signed_up"), 0, num(o, "audits_performed"),
			  num(o, "population"), num(o, "population_covered"),
			  num(o, "checklist_started"), num(o, "checklist_completed"),
			  passing(o, "basic"), passing(o, "important"), passing(o, "essential"),
			  num(o, "findings_overdue")};
	row[0] = group;
	row[1] = name;
	for (size_t i = 2; i < NCOLS; i++) {
		if (i == 4)
			x100_text(num(o, "signed_up_share_x100"), cells[i], sizeof cells[i]);
		else
			snprintf(cells[i], sizeof cells[i], "%lld", (long long)v[i - 2]);
		row[i] = cells[i];
	}
	return csv_write_record(f, row, NCOLS);
}

int programme_summary_csv(const json_t *summary, char **text, struct wr_err *e)
{
	char *data = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&data, &len);
	if (!f)
		return wr_err_set(e, WR_ENOMEM, NULL, "out of memory");
	int rc = csv_write_record(f, csv_cols, NCOLS) || csv_row(f, "all", "Vlaanderen", summary);
	size_t i;
	const json_t *g;
	json_array_foreach(json_object_get(summary, "by_province"), i, g)
		rc = rc || csv_row(f, "province", json_string_value(json_object_get(g, "province")), g);
	json_array_foreach(json_object_get(summary, "by_provider"), i, g)
		rc = rc || csv_row(f, "provider", json_string_value(json_object_get(g, "provider")), g);
	if (fclose(f) || rc || !data) {
		free(data);
		return wr_err_set(e, WR_EIO, NULL, "the CSV could not be written");
	}
	*text = data;
	return 0;
}

static int html_escaped(struct buf *b, const char *s)
{
	int rc = 0;
	for (; *s && !rc; s++) {
		switch (*s) {
		case '<': rc = buf_adds(b, "&lt;"); break;
		case '>': rc = buf_adds(b, "&gt;"); break;
		case '&': rc = buf_adds(b, "&amp;"); break;
		case '"': rc = buf_adds(b, "&quot;"); break;
		case '\'': rc = buf_adds(b, "&#39;"); break;
		default: rc = buf_addc(b, *s);
		}
	}
	return rc;
}

static int html_row(struct buf *b, const char *name, const json_t *o)
{
	char share[32];
	x100_text(num(o, "signed_up_share_x100"), share, sizeof share);
	int rc = buf_adds(b, "<tr><th scope=\"row\">") || html_escaped(b, name && name[0] ? name : "-");
	return rc || buf_printf(b, "</th><td>%lld</td><td>%lld (%s%%)</td><td>%lld</td><td>%lld</td>"
				"<td>%lld</td><td>%lld</td><td>%lld / %lld / %lld</td><td>%lld</td></tr>\n",
				(long long)num(o, "towns"), (long long)num(o, "signed_up"), share,
				(long long)num(o, "audits_performed"), (long long)num(o, "population_covered"),
				(long long)num(o, "checklist_started"), (long long)num(o, "checklist_completed"),
				(long long)passing(o, "basic"), (long long)passing(o, "important"),
				(long long)passing(o, "essential"), (long long)num(o, "findings_overdue"));
}

/* The styles are in web/css/programme-summary.css: the Content-Security-
 * Policy allows no inline styles. */
static const char html_head[] =
	"<!DOCTYPE html>\n<html lang=\"nl\"><head><meta charset=\"utf-8\">"
	"<title>Preventieprogramma: stand van zaken</title>"
	"<link rel=\"stylesheet\" href=\"/css/programme-summary.css\"></head><body>\n";

static const char html_table_head[] =
	"<table><thead><tr><th>Groep</th><th>Gemeenten</th><th>Ingeschreven audit</th>"
	"<th>Audits uitgevoerd</th><th>Inwoners gedekt</th><th>Checklist gestart</th>"
	"<th>Checklist volledig</th><th>Basic / Important / Essential</th>"
	"<th>Bevindingen over tijd</th></tr></thead><tbody>\n";

int programme_summary_html(const json_t *s, char **text, struct wr_err *e)
{
	struct buf b;
	buf_init(&b, EXPORT_MAX);
	char share[32];
	x100_text(num(s, "signed_up_share_x100"), share, sizeof share);
	const char *asof = json_string_value(json_object_get(s, "as_of"));
	int rc = buf_adds(&b, html_head) ||
		 buf_printf(&b, "<h1>Preventieprogramma cyberveilige lokale besturen</h1>"
				"<p class=\"asof\">Stand op %s</p><div class=\"kpis\">"
				"<div class=\"kpi\"><b>%lld / %lld</b>ingeschreven voor een audit (%s%%)</div>"
				"<div class=\"kpi\"><b>%lld</b>audits uitgevoerd, %lld inwoners gedekt</div>"
				"<div class=\"kpi\"><b>%lld</b>checklists gestart, %lld volledig</div>"
				"<div class=\"kpi\"><b>%lld</b>halen het basisniveau</div>"
				"<div class=\"kpi\"><b>%lld</b>bevindingen over tijd</div></div>\n",
				asof ? asof : "", (long long)num(s, "signed_up"), (long long)num(s, "towns"),
				share, (long long)num(s, "audits_performed"),
				(long long)num(s, "population_covered"), (long long)num(s, "checklist_started"),
				(long long)num(s, "checklist_completed"), (long long)passing(s, "basic"),
				(long long)num(s, "findings_overdue")) ||
		 buf_adds(&b, "<h2>Per provincie</h2>") || buf_adds(&b, html_table_head) ||
		 html_row(&b, "Vlaanderen", s);
	size_t i;
	const json_t *g;
	json_array_foreach(json_object_get(s, "by_province"), i, g)
		rc = rc || html_row(&b, json_string_value(json_object_get(g, "province")), g);
	rc = rc || buf_adds(&b, "</tbody></table><h2>Per ICT-leverancier</h2>") ||
	     buf_adds(&b, html_table_head);
	json_array_foreach(json_object_get(s, "by_provider"), i, g)
		rc = rc || html_row(&b, json_string_value(json_object_get(g, "provider")), g);
	rc = rc || buf_adds(&b, "</tbody></table></body></html>\n");
	if (rc) {
		buf_release(&b);
		return wr_err_set(e, WR_ENOMEM, NULL, "the summary is too large");
	}
	*text = buf_detach(&b);
	return *text ? 0 : wr_err_set(e, WR_ENOMEM, NULL, "out of memory");
}
