/* Links between incidents (incidents.h, docs/incidents.md): incidents of one
 * campaign linked as related, and a duplicate report pointing to the
 * incident it duplicates. Each side shows only what the actor may see. */
#include "incidents/incidents.h"

#include <stdio.h>
#include <string.h>

#include "base/jsonutil.h"
#include "incidents/inc_internal.h"
#include "store/db.h"

int incident_add_relations(sqlite3 *db, const struct actor *a, int64_t id, json_t *o,
			   struct wr_err *e)
{
	char scope[INC_SCOPE_MAX], sql[700 + INC_SCOPE_MAX];
	inc_scope_sql(a, scope, sizeof scope);
	json_t *links, *dups;
	snprintf(sql, sizeof sql,
		 "SELECT i.id, i.title, i.status, l.note FROM incident_links l JOIN incidents i"
		 " ON i.id = CASE WHEN l.a_id = ?1 THEN l.b_id ELSE l.a_id END"
		 " WHERE (l.a_id = ?1 OR l.b_id = ?1) AND %s ORDER BY i.id", scope);
	int rc = inc_rows(db, sql, id, 0, NULL, &links, e);
	if (rc)
		return rc;
	snprintf(sql, sizeof sql,
		 "SELECT i.id, i.title, i.reporter, i.aware_at, i.created_at FROM incidents i"
		 " WHERE i.duplicate_of = ?1 AND %s ORDER BY i.id", scope);
	if ((rc = inc_rows(db, sql, id, 0, NULL, &dups, e))) {
		json_decref(links);
		return rc;
	}
	json_object_set_new(o, "links", links);
	json_object_set_new(o, "duplicates", dups);
	return 0;
}

/* The town and status of incident id; WR_ENOTFOUND when there is none. */
static int town_status(sqlite3 *db, int64_t id, int64_t *org, char status[16], struct wr_err *e)
{
	sqlite3_stmt *st;
	int rc = db_prepare(db, "SELECT org_id, status FROM incidents WHERE id = ?1", &st, e);
	if (rc)
		return rc;
	sqlite3_bind_int64(st, 1, id);
	rc = sqlite3_step(st);
	if (rc == SQLITE_ROW) {
		*org = sqlite3_column_int64(st, 0);
		snprintf(status, 16, "%s", (const char *)sqlite3_column_text(st, 1));
	}
	sqlite3_finalize(st);
	if (rc == SQLITE_DONE)
		return WR_ENOTFOUND;
	return rc == SQLITE_ROW ? 0 : db_fail(db, e);
}

int incident_check_duplicate_of(sqlite3 *db, int64_t dup, int64_t primary, struct wr_err *e)
{
	int64_t org_d = 0, org_p = 0;
	char st_d[16], st_p[16];
	int rc;
	if (primary < 1 || primary == dup)
		return wr_err_set(e, WR_EINVAL, "duplicate_of", "names the incident this one duplicates");
	if ((rc = town_status(db, dup, &org_d, st_d, e)))
		return rc == WR_ENOTFOUND ? wr_err_set(e, rc, NULL, "no such incident") : rc;
	rc = town_status(db, primary, &org_p, st_p, e);
	if (rc == WR_ENOTFOUND)
		return wr_err_set(e, WR_EINVAL, "duplicate_of", "is not an incident");
	if (rc)
		return rc;
	/* Two towns' incidents are never merged: link them instead. */
	if (org_d != org_p)
		return wr_err_set(e, WR_EINVAL, "duplicate_of",
				  "is another town's incident (link incidents of a campaign instead)");
	if (!strcmp(st_p, "duplicate"))
		return wr_err_set(e, WR_EINVAL, "duplicate_of",
				  "is itself a duplicate: name the incident it duplicates");
	return 0;
}

int incident_link(sqlite3 *db, const struct actor *a, int64_t id, const json_t *body,
		  json_t **out, struct wr_err *e)
{
	static const char *const allowed[] = {"incident_id", "note", NULL};
	*out = NULL;
	int64_t other, org_a = 0, org_b = 0;
	const char *note = "";
	char status[16], now[32], text[2200];
	int rc = json_reject_unknown(body, allowed, e);
	if (rc || (rc = json_get_int(body, "incident_id", 1, &other, NULL, e)) ||
	    (rc = json_get_string(body, "note", 0, &note, NULL, e)))
		return rc;
	if (strlen(note) > 2000)
		return wr_err_set(e, WR_EINVAL, "note", "must have at most 2000 characters");
	if (other == id)
		return wr_err_set(e, WR_EINVAL, "incident_id", "is this incident");
	if ((rc = inc_begin(db, a, id, 1, status, e)))
		return rc;
	rc = town_status(db, id, &org_a, status, e);
	if (!rc && (rc = town_status(db, other, &org_b, status, e)) == WR_ENOTFOUND)
		rc = wr_err_set(e, WR_EINVAL, "incident_id", "is not an incident");
	sqlite3_stmt *st;
	if (!rc)
		rc = db_prepare(db, "INSERT INTO incident_links (a_id, b_id, note, created_by, created_at)"
				    " VALUES (min(?1, ?2), max(?1, ?2), ?3, ?4, ?5)", &st, e);
	inc_now(now);
	if (!rc) {
		sqlite3_bind_int64(st, 1, id);
		sqlite3_bind_int64(st, 2, other);
		sqlite3_bind_text(st, 3, note, -1, SQLITE_STATIC);
		sqlite3_bind_text(st, 4, a->name, -1, SQLITE_STATIC);
		sqlite3_bind_text(st, 5, now, -1, SQLITE_STATIC);
		rc = db_step_done(db, st, e);
		if (rc == WR_ECONFLICT)
			rc = wr_err_set(e, WR_ECONFLICT, "incident_id", "the incidents are already linked");
	}
	/* A link to another town's incident is the war room's knowledge. */
	int internal = org_a != org_b;
	for (int side = 0; side < 2 && !rc; side++) {
		snprintf(text, sizeof text, "linked to incident #%lld%s%s", (long long)(side ? id : other),
			 *note ? ": " : "", note);
		rc = inc_timeline_add(db, side ? other : id, a->name, "link", text, internal, now, e);
	}
	json_t *d = json_pack("{s:I}", "incident_id", (json_int_t)other);
	rc = inc_finish(db, a, id, "incident.link", d, rc, out, e);
	json_decref(d);
	return rc;
}

int incident_unlink(sqlite3 *db, const struct actor *a, int64_t id, int64_t other,
		    struct wr_err *e)
{
	char status[16], now[32], text[100];
	int rc = inc_begin(db, a, id, 1, status, e);
	if (rc)
		return rc;
	sqlite3_stmt *st;
	rc = db_prepare(db, "DELETE FROM incident_links WHERE a_id = min(?1, ?2) AND b_id = max(?1, ?2)",
			&st, e);
	if (!rc) {
		sqlite3_bind_int64(st, 1, id);
		sqlite3_bind_int64(st, 2, other);
		rc = db_step_done(db, st, e);
	}
	if (!rc && sqlite3_changes(db) == 0)
		rc = wr_err_set(e, WR_ENOTFOUND, NULL, "the incidents are not linked");
	inc_now(now);
	int64_t org_a = 0, org_b = 0;
	if (!rc && !(rc = town_status(db, id, &org_a, status, e)))
		rc = town_status(db, other, &org_b, status, e);
	for (int side = 0; side < 2 && !rc; side++) {
		snprintf(text, sizeof text, "link to incident #%lld removed", (long long)(side ? id : other));
		rc = inc_timeline_add(db, side ? other : id, a->name, "link", text, org_a != org_b, now, e);
	}
	json_t *d = json_pack("{s:I}", "incident_id", (json_int_t)other);
	rc = inc_commit(db, a, id, "incident.unlink", d, rc, e);
	json_decref(d);
	return rc;
}
