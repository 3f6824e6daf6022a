/* Requests for help on an incident (incidents.h, docs/incidents.md): a town
 * or the war room asks (requested), the war room offers a helper
 * organisation (offered), the town accepts (accepted) or declines (back to
 * requested), and the request is closed. A request is seen by whoever sees
 * the incident, and by the users of its helper organisation: that request
 * only, never the incident itself. */
#include "incidents/incidents.h"

#include <stdio.h>
#include <string.h>

#include "base/jsonutil.h"
#include "incidents/inc_internal.h"
#include "store/db.h"

#define HELP_SQL                                                                                  \
	"SELECT h.id, h.incident_id, i.org_id, o.name AS org_name, h.kind, h.urgency,"             \
	" h.description, h.status, h.helper_org_id, ho.name AS helper_org_name, h.requested_by,"    \
	" h.requested_at, h.offered_by, h.offered_at, h.accepted_by, h.accepted_at, h.closed_by,"   \
	" h.closed_at, h.outcome, h.updated_at FROM incident_help_requests h"                        \
	" JOIN incidents i ON i.id = h.incident_id JOIN orgs o ON o.id = i.org_id"                  \
	" LEFT JOIN orgs ho ON ho.id = h.helper_org_id"

static const char *const kinds[] = {"forensics", "coordination", "legal", "communication",
				    "recovery", "hardware", "other", NULL};
static const char *const urgencies[] = {"low", "normal", "high", "critical", NULL};

static int one_of(const char *s, const char *const set[])
{
	for (size_t i = 0; set[i]; i++)
		if (!strcmp(s, set[i]))
			return 1;
	return 0;
}

/* Which requests the actor sees: those of incidents in its scope, and those
 * its own organisation was asked to help with. */
static void visible_sql(const struct actor *a, char *out, size_t n)
{
	char scope[INC_SCOPE_MAX];
	inc_scope_sql(a, scope, sizeof scope);
	int64_t own = a->role == ROLE_SPOC ? a->org_id : a->role == ROLE_PROVIDER ? a->provider_id : 0;
	snprintf(out, n, "((%s) OR h.helper_org_id = %lld)", scope, (long long)(own > 0 ? own : -1));
}

static int query(sqlite3 *db, const char *where, int64_t param, json_t **items, struct wr_err *e)
{
	char sql[1400 + INC_SCOPE_MAX];
	snprintf(sql, sizeof sql, "%s WHERE %s ORDER BY h.id", HELP_SQL, where);
	return inc_rows(db, sql, param, 0, NULL, items, e);
}

int incident_help_list(sqlite3 *db, const struct actor *a, int64_t id, json_t **items,
		       struct wr_err *e)
{
	*items = NULL;
	int rc = inc_visible(db, a, id, e);
	return rc ? rc : query(db, "h.incident_id = ?1", id, items, e);
}

int help_list_mine(sqlite3 *db, const struct actor *a, int limit, int64_t cursor, json_t **items,
		   int64_t *next_cursor, struct wr_err *e)
{
	char vis[INC_SCOPE_MAX + 100], sql[1600 + INC_SCOPE_MAX];
	visible_sql(a, vis, sizeof vis);
	snprintf(sql, sizeof sql, "%s WHERE %s AND (?1 = 0 OR h.id < ?1) ORDER BY h.id DESC LIMIT ?2",
		 HELP_SQL, vis);
	return inc_page(db, a, sql, limit, cursor, NULL, items, next_cursor, e);
}

int help_get(sqlite3 *db, const struct actor *a, int64_t req, json_t **out, struct wr_err *e)
{
	*out = NULL;
	char vis[INC_SCOPE_MAX + 100], where[INC_SCOPE_MAX + 180];
	visible_sql(a, vis, sizeof vis);
	snprintf(where, sizeof where, "h.id = ?1 AND %s", vis);
	json_t *items;
	int rc = query(db, where, req, &items, e);
	if (rc)
		return rc;
	*out = json_incref(json_array_get(items, 0));
	json_decref(items);
	return *out ? 0 : wr_err_set(e, WR_ENOTFOUND, NULL, "no such help request");
}

int incident_help_create(sqlite3 *db, const struct actor *a, int64_t id, const json_t *body,
			 json_t **out, struct wr_err *e)
{
	static const char *const allowed[] = {"kind", "urgency", "description", NULL};
	*out = NULL;
	const char *kind, *urgency = "normal", *desc;
	int rc = json_reject_unknown(body, allowed, e);
	if (rc || (rc = json_get_string(body, "kind", 1, &kind, NULL, e)) ||
	    (rc = json_get_string(body, "urgency", 0, &urgency, NULL, e)) ||
	    (rc = json_get_string(body, "description", 1, &desc, NULL, e)))
		return rc;
	if (!one_of(kind, kinds))
		return wr_err_set(e, WR_EINVAL, "kind",
				  "is not forensics, coordination, legal, communication, recovery, hardware or other");
	if (!one_of(urgency, urgencies))
		return wr_err_set(e, WR_EINVAL, "urgency", "is not low, normal, high or critical");
	if (!*desc || strlen(desc) > 4000)
		return wr_err_set(e, WR_EINVAL, "description", "says what is needed in 1 to 4000 characters");
	json_t *inc;
	if ((rc = incident_get(db, a, id, &inc, e)))
		return rc;
	int final = incident_status_final(json_string_value(json_object_get(inc, "status")));
	json_decref(inc);
	if ((rc = inc_party(db, a, id, e)))
		return rc;
	if (!scope_is_staff(a) && a->role != ROLE_SPOC)
		return wr_err_set(e, WR_EFORBIDDEN, NULL, "the town's SPOC or the war room asks for help");
	if (final)
		return wr_err_set(e, WR_ECONFLICT, "status", "the incident is over");
	char now[32];
	inc_now(now);
	if ((rc = db_begin(db, e)))
		return rc;
	sqlite3_stmt *st;
	rc = db_prepare(db, "INSERT INTO incident_help_requests (incident_id, kind, urgency, description,"
			    " status, requested_by, requested_at, updated_at)"
			    " VALUES (?1, ?2, ?3, ?4, 'requested', ?5, ?6, ?6)", &st, e);
	if (!rc) {
		sqlite3_bind_int64(st, 1, id);
		sqlite3_bind_text(st, 2, kind, -1, SQLITE_STATIC);
		sqlite3_bind_text(st, 3, urgency, -1, SQLITE_STATIC);
		sqlite3_bind_text(st, 4, desc, -1, SQLITE_STATIC);
		sqlite3_bind_text(st, 5, a->name, -1, SQLITE_STATIC);
		sqlite3_bind_text(st, 6, now, -1, SQLITE_STATIC);
		rc = db_step_done(db, st, e);
	}
	int64_t req = sqlite3_last_insert_rowid(db);
	char text[100];
	snprintf(text, sizeof text, "help requested (#%lld): %s, urgency %s", (long long)req, kind, urgency);
	if (!rc)
		rc = inc_timeline_add(db, id, a->name, "help", text, 0, now, e);
	json_t *d = json_pack("{s:I, s:s}", "request_id", (json_int_t)req, "kind", kind);
	rc = inc_commit(db, a, id, "incident.help.request", d, rc, e);
	json_decref(d);
	return rc ? rc : help_get(db, a, req, out, e);
}

/* Who may move a request to `to`: the war room always; the town accepts,
 * declines or closes; the helper organisation may decline an offer. */
static int may_move(const struct actor *a, const json_t *r, const char *to)
{
	if (scope_is_staff(a))
		return 1;
	int town = a->role == ROLE_SPOC &&
		   a->org_id == json_integer_value(json_object_get(r, "org_id"));
	int helper = inc_actor_in_org(a, json_integer_value(json_object_get(r, "helper_org_id")));
	if (!strcmp(to, "accepted") || !strcmp(to, "closed"))
		return town;
	if (!strcmp(to, "requested"))
		return town || helper;
	return 0; /* offered: the war room finds the helper */
}

int help_set_status(sqlite3 *db, const struct actor *a, int64_t req, const json_t *body,
		    json_t **out, struct wr_err *e)
{
	static const char *const allowed[] = {"status", "helper_org_id", "note", NULL};
	*out = NULL;
	const char *to, *note = NULL;
	int64_t helper = 0;
	int rc = json_reject_unknown(body, allowed, e);
	if (rc || (rc = json_get_string(body, "status", 1, &to, NULL, e)) ||
	    (rc = json_get_int(body, "helper_org_id", 0, &helper, NULL, e)) ||
	    (rc = json_get_string(body, "note", 0, &note, NULL, e)))
		return rc;
	static const char *const states[] = {"requested", "offered", "accepted", "closed", NULL};
	if (!one_of(to, states))
		return wr_err_set(e, WR_EINVAL, "status", "is not requested, offered, accepted or closed");
	if (note && strlen(note) > 2000)
		return wr_err_set(e, WR_EINVAL, "note", "must have at most 2000 characters");
	json_t *r;
	if ((rc = help_get(db, a, req, &r, e)))
		return rc;
	char from[16], kind[24];
	snprintf(from, sizeof from, "%s", json_string_value(json_object_get(r, "status")));
	snprintf(kind, sizeof kind, "%s", json_string_value(json_object_get(r, "kind")));
	int64_t id = json_integer_value(json_object_get(r, "incident_id"));
	int64_t town = json_integer_value(json_object_get(r, "org_id"));
	int allowed_move = may_move(a, r, to);
	json_decref(r);
	if (!allowed_move)
		return wr_err_set(e, WR_EFORBIDDEN, "status", "your role cannot move this request to %.20s", to);
	if (!incident_help_transition_ok(from, to))
		return wr_err_set(e, WR_ECONFLICT, "status", "a help request cannot go from %s to %.20s", from, to);
	char helper_name[200] = "";
	if (!strcmp(to, "offered")) {
		sqlite3_stmt *st;
		if (helper < 1 || helper == town)
			return wr_err_set(e, WR_EINVAL, "helper_org_id",
					  "names the organisation that helps (not the town itself)");
		if ((rc = db_prepare(db, "SELECT name FROM orgs WHERE id = ?1", &st, e)))
			return rc;
		sqlite3_bind_int64(st, 1, helper);
		if (sqlite3_step(st) == SQLITE_ROW)
			snprintf(helper_name, sizeof helper_name, "%s", (const char *)sqlite3_column_text(st, 0));
		sqlite3_finalize(st);
		if (!helper_name[0])
			return wr_err_set(e, WR_EINVAL, "helper_org_id", "is not a known organisation");
	} else if (helper) {
		return wr_err_set(e, WR_EINVAL, "helper_org_id", "is given only with status offered");
	}
	char now[32];
	inc_now(now);
	if ((rc = db_begin(db, e)))
		return rc;
	sqlite3_stmt *st;
	/* ?2 the new status; declining clears the helper and the offer. */
	rc = db_prepare(db, "UPDATE incident_help_requests SET status = ?2, updated_at = ?4,"
			    " helper_org_id = CASE ?2 WHEN 'offered' THEN ?5 WHEN 'requested' THEN NULL ELSE helper_org_id END,"
			    " offered_by = CASE ?2 WHEN 'offered' THEN ?3 WHEN 'requested' THEN NULL ELSE offered_by END,"
			    " offered_at = CASE ?2 WHEN 'offered' THEN ?4 WHEN 'requested' THEN NULL ELSE offered_at END,"
			    " accepted_by = CASE ?2 WHEN 'accepted' THEN ?3 ELSE accepted_by END,"
			    " accepted_at = CASE ?2 WHEN 'accepted' THEN ?4 ELSE accepted_at END,"
			    " closed_by = CASE ?2 WHEN 'closed' THEN ?3 ELSE closed_by END,"
			    " closed_at = CASE ?2 WHEN 'closed' THEN ?4 ELSE closed_at END,"
			    " outcome = CASE ?2 WHEN 'closed' THEN ?6 ELSE outcome END"
			    " WHERE id = ?1", &st, e);
	if (!rc) {
		sqlite3_bind_int64(st, 1, req);
		sqlite3_bind_text(st, 2, to, -1, SQLITE_STATIC);
		sqlite3_bind_text(st, 3, a->name, -1, SQLITE_STATIC);
		sqlite3_bind_text(st, 4, now, -1, SQLITE_STATIC);
		sqlite3_bind_int64(st, 5, helper);
		db_bind_text_or_null(st, 6, note);
		rc = db_step_done(db, st, e);
	}
	char text[2400];
	if (!strcmp(to, "offered"))
		snprintf(text, sizeof text, "help (#%lld, %s) offered by %s", (long long)req, kind, helper_name);
	else
		snprintf(text, sizeof text, "help (#%lld, %s) %s%s%s", (long long)req, kind,
			 !strcmp(to, "requested") ? "offer declined" : to, note ? ": " : "", note ? note : "");
	if (!rc)
		rc = inc_timeline_add(db, id, a->name, "help", text, 0, now, e);
	json_t *d = json_pack("{s:I, s:s, s:s}", "request_id", (json_int_t)req, "from", from, "to", to);
	if (d && helper)
		json_object_set_new(d, "helper_org_id", json_integer(helper));
	rc = inc_commit(db, a, id, "incident.help.status", d, rc, e);
	json_decref(d);
	if (rc || (rc = help_get(db, a, req, out, e)) != WR_ENOTFOUND)
		return rc;
	/* A helper that declined no longer sees the request. */
	*out = json_pack("{s:I, s:s}", "id", (json_int_t)req, "status", to);
	return *out ? 0 : wr_err_set(e, WR_ENOMEM, NULL, "out of memory");
}
