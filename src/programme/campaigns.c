/* Saved filters that turn into a campaign: the exact list of towns
 * (municipalities valid today) each one selects, and the advisory draft that
 * addresses them. The communications engine (four-eyes approval, outbox) is
 * not part of this module: campaign_advisory_draft() is the one seam where a
 * campaign becomes an advisory; it builds the body that POST
 * /api/v1/advisories takes (comms/comms.h), with the explicit list of towns
 * as its audience, and campaign_send() makes it a draft in the four-eyes
 * flow. */
#include "programme/programme.h"
#include "comms/comms.h"
#include "base/timeutil.h"
#include "programme/prog_internal.h"
#include "store/db.h"

#include <stdio.h>
#include <string.h>

struct campaign {
	const char *name;
	const char *where; /* over orgs o; ?1 is today */
	const char *title_nl, *title_en;
};

static const struct campaign campaigns[] = {
	{"not-signed-up",
	 "NOT EXISTS (SELECT 1 FROM programme_audits a WHERE a.org_id = o.id"
	 " AND a.state <> 'not-signed-up')",
	 "Schrijf uw gemeente in voor de cyberaudit", "Sign your town up for the cyber-audit"},
	{"checklist-not-started",
	 "NOT EXISTS (SELECT 1 FROM programme_assessments pa WHERE pa.org_id = o.id)",
	 "Vul de checklist met de kernactiepunten in", "Fill in the checklist of key action points"},
	{"basic-not-reached",
	 "coalesce((SELECT level FROM programme_assessments pa WHERE pa.org_id = o.id"
	 " ORDER BY pa.id DESC LIMIT 1), '') = ''",
	 "Uw gemeente haalt het basisniveau nog niet", "Your town does not reach the basic level yet"},
	{"findings-overdue",
	 "EXISTS (SELECT 1 FROM programme_findings f WHERE f.org_id = o.id"
	 " AND f.status IN ('open','in-progress') AND f.due_on < ?1)",
	 "Bevindingen van de cyberaudit zijn over tijd", "Findings of the cyber-audit are overdue"},
};
#define NCAMPAIGNS (sizeof campaigns / sizeof campaigns[0])

static const struct campaign *campaign_find(const char *name)
{
	for (size_t i = 0; i < NCAMPAIGNS; i++)
		if (!strcmp(campaigns[i].name, name))
			return &campaigns[i];
	return NULL;
}

static json_t *town_json(sqlite3_stmt *st)
{
	return json_pack("{s:I,s:s,s:o,s:o}", "id", (json_int_t)sqlite3_column_int64(st, 0), "name",
			 prog_col(st, 1), "nis_code", prog_col_json(st, 2), "province",
			 prog_col_json(st, 3));
}

static int select_towns(sqlite3 *db, const struct campaign *c, json_t **orgs, struct wr_err *e)
{
	char sql[768];
	snprintf(sql, sizeof sql,
		 "SELECT o.id, o.name, o.nis_code, o.province FROM orgs o WHERE o.kind = 'municipality'"
		 " AND o.valid_to IS NULL AND %s ORDER BY o.name COLLATE NOCASE, o.id", c->where);
	sqlite3_stmt *st;
	int rc = prog_prepare_today(db, sql, 1, &st, e);
	return rc ? rc : prog_rows_json(db, st, town_json, orgs, e);
}

/* The advisory draft for a campaign, addressed to exactly the towns of orgs
 * (borrowed); campaign_send() makes it an advisory, which then goes through
 * the four-eyes flow. */
static json_t *campaign_advisory_draft(const struct campaign *c, const json_t *orgs)
{
	json_t *ids = json_array();
	size_t i;
	const json_t *o;
	json_array_foreach(orgs, i, o)
		json_array_append_new(ids, json_integer(json_integer_value(json_object_get(o, "id"))));
	char body[1024];
	snprintf(body, sizeof body,
		 "**%s**\n\nDe Vlaamse cyber war room vraagt uw gemeente hier werk van te maken; "
		 "uw SPOC vindt de details in warroom.\n\n---\n\n**%s**\n\nThe Flemish cyber war "
		 "room asks your town to act on this; your SPOC finds the details in warroom.\n",
		 c->title_nl, c->title_en);
	return json_pack("{s:s, s:s, s:s, s:s, s:s, s:{s:o, s:[s]}}", "title", c->title_nl, "body",
			 body, "tlp", "CLEAR", "severity", "info", "kind", "advisory", "audience",
			 "orgs", ids, "roles", "spoc");
}

int campaign_send(sqlite3 *db, const struct actor *a, const char *filter, json_t **out,
		  struct wr_err *e)
{
	json_t *aud;
	*out = NULL;
	int rc = campaign_audience(db, a, filter, &aud, e);
	if (rc)
		return rc;
	if (json_integer_value(json_object_get(aud, "count")) == 0)
		rc = wr_err_set(e, WR_ECONFLICT, "filter", "no town matches this campaign now");
	else
		rc = advisory_create(db, a, json_object_get(aud, "advisory_draft"), out, e);
	json_decref(aud);
	return rc;
}

int campaign_audience(sqlite3 *db, const struct actor *a, const char *filter, json_t **out,
		      struct wr_err *e)
{
	if (!scope_is_staff(a))
		return wr_err_set(e, WR_EFORBIDDEN, NULL, "campaigns are run by the war room");
	const struct campaign *c = campaign_find(filter);
	if (!c)
		return wr_err_set(e, WR_ENOTFOUND, "filter",
				  "no such campaign filter (not-signed-up, checklist-not-started,"
				  " basic-not-reached, findings-overdue)");
	json_t *orgs = NULL;
	int rc = db_begin_read(db, e);
	if (!rc) {
		rc = select_towns(db, c, &orgs, e);
		db_end_read(db);
	}
	json_t *draft = rc ? NULL : campaign_advisory_draft(c, orgs);
	json_t *o = draft ? json_pack("{s:s,s:I,s:O,s:o}", "filter", c->name, "count",
				      (json_int_t)json_array_size(orgs), "orgs", orgs,
				      "advisory_draft", draft) : NULL;
	json_decref(orgs);
	if (!rc && !o)
		rc = wr_err_set(e, WR_ENOMEM, NULL, "out of memory");
	if (!rc)
		*out = o;
	return rc;
}
