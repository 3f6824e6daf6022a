/* Incidents: reporting, confidentiality in every query, the status machine,
 * legal reports and the timeline (incidents.h, docs/incidents.md). */
#include "incidents/incidents.h"

#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "audit/journal.h"
#include "base/jsonutil.h"
#include "base/timeutil.h"
#include "incidents/inc_internal.h"
#include "store/db.h"

/* The parties' part of the scope (no responders). */
static void party_sql(const struct actor *a, char *out, size_t n)
{
	if (scope_is_staff(a))
		snprintf(out, n, "1");
	else if (a->role == ROLE_SPOC)
		snprintf(out, n, "i.org_id = %lld", (long long)a->org_id);
	else if (a->role == ROLE_PROVIDER)
		/* A provider sees only what a client town chose to share with it. */
		snprintf(out, n,
			 "(i.consent_provider = 1 AND i.org_id IN (SELECT org_id FROM provider_clients"
			 " WHERE provider_id = %lld))",
			 (long long)a->provider_id);
	else
		snprintf(out, n, "0");
}

void inc_scope_sql(const struct actor *a, char *out, size_t n)
{
	char party[300];
	party_sql(a, party, sizeof party);
	int64_t own = a->role == ROLE_SPOC ? a->org_id : a->role == ROLE_PROVIDER ? a->provider_id : 0;
	if (own <= 0) {
		snprintf(out, n, "%s", party);
		return;
	}
	/* A responder sees the incident once the town accepted its help (and
	 * keeps it when that request is closed). */
	snprintf(out, n,
		 "(%s OR i.id IN (SELECT incident_id FROM incident_help_requests WHERE helper_org_id = %lld"
		 " AND accepted_by IS NOT NULL AND status IN ('accepted','closed')))",
		 party, (long long)own);
}

int inc_party(sqlite3 *db, const struct actor *a, int64_t id, struct wr_err *e)
{
	char party[300], sql[400];
	party_sql(a, party, sizeof party);
	snprintf(sql, sizeof sql, "SELECT count(*) FROM incidents i WHERE i.id = ?1 AND %s", party);
	int64_t n = 0;
	int rc = db_query_int(db, sql, id, &n, e);
	if (rc)
		return rc;
	return n ? 0 : wr_err_set(e, WR_EFORBIDDEN, NULL,
				  "a responder reads the incident and adds notes; the town and the war room act");
}

int inc_time_field(const json_t *body, const char *key, int required, char out[32],
		      struct wr_err *e)
{
	const char *s;
	int present;
	int64_t t;
	out[0] = '\0';
	int rc = json_get_string(body, key, required, &s, &present, e);
	if (rc || !present)
		return rc;
	if (time_parse_rfc3339(s, &t))
		return wr_err_set(e, WR_EINVAL, key, "is not an RFC 3339 time (2026-11-28T03:10:00Z)");
	time_format_rfc3339((time_t)t, out, 32);
	return 0;
}

/* Moments are not in the future (a few minutes of clock skew allowed) and
 * come in order: occurred <= detected <= aware; "" is unknown. */
int inc_moments_check(const char *occurred, const char *detected, const char *aware, struct wr_err *e)
{
	const char *names[] = {"occurred_at", "detected_at", "aware_at"};
	const char *v[] = {occurred, detected, aware};
	int64_t t[3] = {0, 0, 0}, now = time_now();
	for (int i = 0; i < 3; i++) {
		if (!v[i] || !*v[i] || time_parse_rfc3339(v[i], &t[i]))
			continue;
		if (t[i] > now + 300)
			return wr_err_set(e, WR_EINVAL, names[i], "lies in the future");
		for (int j = 0; j < i; j++)
			if (t[j] && t[j] > t[i])
				return wr_err_set(e, WR_EINVAL, names[i], "is before %s: occurred <= detected <= aware",
						  names[j]);
	}
	return 0;
}

int inc_timeline_add(sqlite3 *db, int64_t id, const char *actor, const char *kind,
			const char *text, int internal, const char *now, struct wr_err *e)
{
	sqlite3_stmt *st;
	int rc = db_prepare(db, "INSERT INTO incident_timeline (incident_id, at, actor, kind, text, internal)"
				" VALUES (?1, ?2, ?3, ?4, ?5, ?6)", &st, e);
	if (rc)
		return rc;
	sqlite3_bind_int64(st, 1, id);
	sqlite3_bind_text(st, 2, now, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 3, actor, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 4, kind, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 5, text, -1, SQLITE_STATIC);
	sqlite3_bind_int(st, 6, internal);
	return db_step_done(db, st, e);
}

int inc_commit(sqlite3 *db, const struct actor *a, int64_t id, const char *action,
	       const json_t *details, int rc, struct wr_err *e)
{
	if (!rc)
		rc = journal_append(db, a->name, action, "incident", id, details, e);
	if (!rc)
		rc = db_commit(db, e);
	if (rc)
		db_rollback(db);
	return rc;
}

int inc_finish(sqlite3 *db, const struct actor *a, int64_t id, const char *action,
	       const json_t *details, int rc, json_t **out, struct wr_err *e)
{
	if ((rc = inc_commit(db, a, id, action, details, rc, e)))
		return rc;
	return incident_get(db, a, id, out, e);
}

int inc_visible(sqlite3 *db, const struct actor *a, int64_t id, struct wr_err *e)
{
	json_t *cur;
	int rc = incident_get(db, a, id, &cur, e);
	json_decref(cur);
	return rc;
}

int inc_rows(sqlite3 *db, const char *sql, int64_t p1, int64_t p2,
	     json_t *(*conv)(sqlite3_stmt *), json_t **items, struct wr_err *e)
{
	sqlite3_stmt *st;
	int64_t next;
	*items = NULL;
	int rc = db_prepare(db, sql, &st, e);
	if (rc)
		return rc;
	sqlite3_bind_int64(st, 1, p1);
	if (sqlite3_bind_parameter_count(st) >= 2)
		sqlite3_bind_int64(st, 2, p2);
	return db_page(db, st, INT_MAX, conv, items, &next, e); /* one page: all of them */
}

int inc_actor_in_org(const struct actor *a, int64_t org)
{
	return org > 0 && ((a->role == ROLE_SPOC && a->org_id == org) ||
			   (a->role == ROLE_PROVIDER && a->provider_id == org));
}

void inc_now(char out[32])
{
	time_format_rfc3339((time_t)time_now(), out, 32);
}

int incident_create(sqlite3 *db, const struct actor *a, const json_t *body, json_t **out,
		    struct wr_err *e)
{
	static const char *const allowed[] = {"org_id", "title", "description", "occurred_at",
					      "detected_at", "aware_at", "category", "type", "severity",
					      "tlp", "significant", "personal_data", "nis2_mandatory",
					      "consent_provider", "consent_lessons", "consent_indicators", "impact", NULL};
	*out = NULL;
	int64_t org = 0;
	int rc = json_reject_unknown(body, allowed, e);
	if (rc)
		return rc;
	if (a->role == ROLE_SPOC) {
		/* A town reports its own incidents, for no other town. */
		if ((rc = json_get_int(body, "org_id", 0, &org, NULL, e)))
			return rc;
		if (org && org != a->org_id)
			return wr_err_set(e, WR_EINVAL, "org_id", "a SPOC reports for its own town only");
		org = a->org_id;
	} else if (scope_is_staff(a)) {
		if ((rc = json_get_int(body, "org_id", 1, &org, NULL, e)))
			return rc; /* an analyst records a phone call for the town */
	} else {
		return wr_err_set(e, WR_EFORBIDDEN, NULL, "a town's SPOC or the war room reports incidents");
	}
	const char *title, *desc = "", *cat, *type, *sev = "medium", *tlp = "AMBER+STRICT";
	char occurred[32], detected[32], aware[32];
	int sig = 0, pd = 0, nis2 = 0, consent = 0, lessons = 0, iocs = 0;
	if ((rc = json_get_string(body, "title", 1, &title, NULL, e)) ||
	    (rc = json_get_string(body, "description", 0, &desc, NULL, e)) ||
	    (rc = json_get_string(body, "category", 1, &cat, NULL, e)) ||
	    (rc = json_get_string(body, "type", 1, &type, NULL, e)) ||
	    (rc = json_get_string(body, "severity", 0, &sev, NULL, e)) ||
	    (rc = json_get_string(body, "tlp", 0, &tlp, NULL, e)) ||
	    (rc = inc_time_field(body, "occurred_at", 0, occurred, e)) ||
	    (rc = inc_time_field(body, "detected_at", 0, detected, e)) ||
	    (rc = inc_time_field(body, "aware_at", 1, aware, e)) ||
	    (rc = json_get_bool(body, "significant", 0, &sig, NULL, e)) ||
	    (rc = json_get_bool(body, "personal_data", 0, &pd, NULL, e)) ||
	    (rc = json_get_bool(body, "nis2_mandatory", 0, &nis2, NULL, e)) ||
	    (rc = json_get_bool(body, "consent_provider", 0, &consent, NULL, e)) ||
	    (rc = json_get_bool(body, "consent_lessons", 0, &lessons, NULL, e)) ||
	    (rc = json_get_bool(body, "consent_indicators", 0, &iocs, NULL, e)))
		return rc;
	if (!*title || strlen(title) > 200)
		return wr_err_set(e, WR_EINVAL, "title", "must have 1 to 200 characters");
	if ((rc = inc_moments_check(occurred, detected, aware, e)))
		return rc;
	if (!incident_taxonomy_valid(cat, type))
		return wr_err_set(e, WR_EINVAL, "type",
				  "%s / %s is not a category and type of the reference taxonomy "
				  "(GET /api/v1/incidents/taxonomy)", cat, type);
	if (strcmp(sev, "low") && strcmp(sev, "medium") && strcmp(sev, "high") && strcmp(sev, "critical"))
		return wr_err_set(e, WR_EINVAL, "severity", "is not low, medium, high or critical");
	const json_t *impact = json_object_get(body, "impact");
	if (impact && !json_is_object(impact))
		return wr_err_set(e, WR_EINVAL, "impact", "must be an object");
	char *impact_s = impact ? json_dumps(impact, JSON_COMPACT | JSON_SORT_KEYS) : NULL; /* NULL: {} */
	char now[32];
	time_format_rfc3339((time_t)time_now(), now, sizeof now);
	int64_t exists = 0;
	if ((rc = db_query_int(db, "SELECT count(*) FROM orgs WHERE id = ?1", org, &exists, e))) {
		free(impact_s);
		return rc;
	}
	if (!exists) {
		free(impact_s);
		return wr_err_set(e, WR_EINVAL, "org_id", "is not a known organisation");
	}
	sqlite3_stmt *st;
	int64_t id = 0;
	if ((rc = db_begin(db, e))) {
		free(impact_s);
		return rc;
	}
	rc = db_prepare(db,
			"INSERT INTO incidents (org_id, reporter, on_behalf, title, description, occurred_at,"
			" detected_at, aware_at, category, type, severity, status, tlp, significant,"
			" personal_data, nis2_mandatory, consent_provider, impact, created_at, updated_at,"
			" consent_lessons, consent_indicators)"
			" VALUES (?1,?2,?3,?4,?5,?6,?7,?8,?9,?10,?11,'reported',?12,?13,?14,?15,?16,?17,?18,?18,?19,?20)",
			&st, e);
	if (!rc) {
		sqlite3_bind_int64(st, 1, org);
		sqlite3_bind_text(st, 2, a->name, -1, SQLITE_STATIC);
		sqlite3_bind_int(st, 3, a->role != ROLE_SPOC);
		sqlite3_bind_text(st, 4, title, -1, SQLITE_STATIC);
		sqlite3_bind_text(st, 5, desc, -1, SQLITE_STATIC);
		db_bind_text_or_null(st, 6, occurred);
		db_bind_text_or_null(st, 7, detected);
		sqlite3_bind_text(st, 8, aware, -1, SQLITE_STATIC);
		sqlite3_bind_text(st, 9, cat, -1, SQLITE_STATIC);
		sqlite3_bind_text(st, 10, type, -1, SQLITE_STATIC);
		sqlite3_bind_text(st, 11, sev, -1, SQLITE_STATIC);
		sqlite3_bind_text(st, 12, tlp, -1, SQLITE_STATIC);
		sqlite3_bind_int(st, 13, sig);
		sqlite3_bind_int(st, 14, pd);
		sqlite3_bind_int(st, 15, nis2);
		sqlite3_bind_int(st, 16, consent);
		sqlite3_bind_text(st, 17, impact_s ? impact_s : "{}", -1, SQLITE_STATIC);
		sqlite3_bind_text(st, 18, now, -1, SQLITE_STATIC);
		sqlite3_bind_int(st, 19, lessons);
		sqlite3_bind_int(st, 20, iocs);
		rc = db_step_done(db, st, e);
		if (rc == WR_EDB)
			rc = wr_err_set(e, WR_EINVAL, "tlp", "is not CLEAR, GREEN, AMBER, AMBER+STRICT or RED");
		id = sqlite3_last_insert_rowid(db);
	}
	free(impact_s);
	if (!rc)
		rc = inc_timeline_add(db, id, a->name, "created",
				  a->role == ROLE_SPOC ? "reported by the town"
						       : "recorded by the war room for the town",
				  0, now, e);
	json_t *d = json_pack("{s:I, s:s}", "org_id", (json_int_t)org, "title", title);
	rc = inc_finish(db, a, id, "incident.create", d, rc, out, e);
	json_decref(d);
	return rc;
}

#define INCIDENT_SQL                                                                               \
	"SELECT i.id, i.org_id, o.name AS org_name, i.reporter, i.on_behalf, i.title, i.description," \
	" i.occurred_at, i.detected_at, i.aware_at, i.category, i.type, i.severity, i.status,"      \
	" i.duplicate_of, i.tlp, i.significant, i.personal_data, i.nis2_mandatory,"                 \
	" i.consent_provider, i.consent_lessons, i.consent_indicators, i.impact, i.created_at, i.updated_at"   \
	" FROM incidents i"                  \
	" JOIN orgs o ON o.id = i.org_id"

static json_t *row_json(sqlite3_stmt *st)
{
	json_t *o = db_row_json(st);
	if (!o)
		return NULL;
	const char *bools[] = {"on_behalf", "significant", "personal_data", "nis2_mandatory",
			       "consent_provider", "consent_lessons", "consent_indicators"};
	for (int i = 0; i < 7; i++)
		json_object_set_new(o, bools[i], json_boolean(json_integer_value(json_object_get(o, bools[i]))));
	json_t *impact = json_loads(json_string_value(json_object_get(o, "impact")) ? json_string_value(json_object_get(o, "impact")) : "{}", 0, NULL);
	json_object_set_new(o, "impact", impact ? impact : json_object());
	return o;
}

static json_t *reports_of(sqlite3 *db, int64_t id)
{
	sqlite3_stmt *st;
	struct wr_err e = {0};
	json_t *a = json_array();
	if (db_prepare(db, "SELECT kind, submitted_at, content, by_name FROM incident_reports"
			   " WHERE incident_id = ?1 ORDER BY submitted_at", &st, &e))
		return a;
	sqlite3_bind_int64(st, 1, id);
	while (sqlite3_step(st) == SQLITE_ROW)
		json_array_append_new(a, db_row_json(st));
	sqlite3_finalize(st);
	return a;
}

int incident_get(sqlite3 *db, const struct actor *a, int64_t id, json_t **out, struct wr_err *e)
{
	*out = NULL;
	char scope[INC_SCOPE_MAX], sql[1024 + INC_SCOPE_MAX];
	inc_scope_sql(a, scope, sizeof scope);
	snprintf(sql, sizeof sql, "%s WHERE i.id = ?1 AND %s", INCIDENT_SQL, scope);
	sqlite3_stmt *st;
	int rc = db_prepare(db, sql, &st, e);
	if (rc)
		return rc;
	sqlite3_bind_int64(st, 1, id);
	rc = sqlite3_step(st);
	json_t *o = rc == SQLITE_ROW ? row_json(st) : NULL;
	sqlite3_finalize(st);
	if (rc == SQLITE_DONE)
		return wr_err_set(e, WR_ENOTFOUND, NULL, "no such incident");
	if (rc != SQLITE_ROW)
		return db_fail(db, e);
	if (!o)
		return wr_err_set(e, WR_ENOMEM, NULL, "out of memory");
	json_t *reports = reports_of(db, id);
	int64_t aware = 0;
	time_parse_rfc3339(json_string_value(json_object_get(o, "aware_at")), &aware);
	json_object_set_new(o, "clocks", incident_clocks(aware, json_is_true(json_object_get(o, "personal_data")),
							 reports, time_now()));
	json_object_set_new(o, "reports", reports);
	if ((rc = incident_add_relations(db, a, id, o, e))) {
		json_decref(o);
		return rc;
	}
	*out = o;
	return 0;
}

int inc_page(sqlite3 *db, const struct actor *a, const char *sql, int limit, int64_t cursor,
	     json_t *(*conv)(sqlite3_stmt *), json_t **items, int64_t *next_cursor,
	     struct wr_err *e)
{
	*items = NULL;
	*next_cursor = 0;
	if (a->role == ROLE_VIEWER)
		return wr_err_set(e, WR_EFORBIDDEN, NULL, "a viewer sees figures only");
	sqlite3_stmt *st;
	int rc = db_prepare(db, sql, &st, e);
	if (rc)
		return rc;
	sqlite3_bind_int64(st, 1, cursor);
	sqlite3_bind_int(st, 2, limit + 1);
	return db_page(db, st, limit, conv, items, next_cursor, e);
}

/* An open incident with a legal clock overdue: the rules are clocks.c's,
 * through wr_incident_overdue (clock_sql.c). ?3 is now. */
#define REPORT_AT(kind) \
	" (SELECT r.submitted_at FROM incident_reports r WHERE r.incident_id = i.id AND r.kind = '" kind "')"
#define OVERDUE_SQL                                                                                \
	" wr_incident_open(i.status) AND wr_incident_overdue(i.aware_at, i.personal_data,"        \
	REPORT_AT("nis2-early-warning") "," REPORT_AT("nis2-notification") ","                    \
	REPORT_AT("nis2-final") "," REPORT_AT("gdpr") ", ?3)"

int incident_list_filtered(sqlite3 *db, const struct actor *a, const struct incident_filter *f, int limit,
			   int64_t cursor, json_t **items, int64_t *next_cursor, struct wr_err *e)
{
	static const char *const statuses[] = {"reported", "triaged", "contained", "eradicated", "recovered",
					       "closed", "rejected", "duplicate", NULL};
	int known = !f->status;
	for (int i = 0; f->status && statuses[i]; i++)
		known |= !strcmp(f->status, statuses[i]);
	if (!known)
		return wr_err_set(e, WR_EINVAL, "status", "is not reported, triaged, contained, eradicated, recovered,"
				  " closed, rejected or duplicate");
	char scope[INC_SCOPE_MAX], sql[2048 + INC_SCOPE_MAX], org[48] = "";
	inc_scope_sql(a, scope, sizeof scope);
	if (f->org_id)
		snprintf(org, sizeof org, " AND i.org_id = %lld", (long long)f->org_id);
	snprintf(sql, sizeof sql,
		 "%s WHERE %s%s AND (?4 IS NULL OR i.status = ?4)%s AND (?1 = 0 OR i.id < ?1)"
		 " ORDER BY i.id DESC LIMIT ?2",
		 INCIDENT_SQL, scope, org, f->overdue ? " AND" OVERDUE_SQL : "");
	*items = NULL;
	*next_cursor = 0;
	if (a->role == ROLE_VIEWER)
		return wr_err_set(e, WR_EFORBIDDEN, NULL, "a viewer sees figures only");
	sqlite3_stmt *st;
	int rc = db_prepare(db, sql, &st, e);
	if (rc)
		return rc;
	sqlite3_bind_int64(st, 1, cursor);
	sqlite3_bind_int(st, 2, limit + 1);
	if (f->overdue)
		sqlite3_bind_int64(st, 3, time_now());
	db_bind_text_or_null(st, 4, f->status);
	return db_page(db, st, limit, row_json, items, next_cursor, e);
}

int incident_counts(sqlite3 *db, const struct actor *a, json_t **out, struct wr_err *e)
{
	*out = NULL;
	if (!scope_is_staff(a) && a->role != ROLE_VIEWER)
		return wr_err_set(e, WR_EFORBIDDEN, NULL, "the counts are for the war room and the viewers");
	json_t *by_status = json_object(), *by_severity = json_object();
	int64_t total = 0, open = 0, overdue = 0;
	sqlite3_stmt *st;
	int rc = db_prepare(db, "SELECT status, severity, count(*) FROM incidents GROUP BY status, severity", &st, e);
	while (!rc && sqlite3_step(st) == SQLITE_ROW) {
		const char *status = (const char *)sqlite3_column_text(st, 0);
		const char *sev = (const char *)sqlite3_column_text(st, 1);
		int64_t n = sqlite3_column_int64(st, 2);
		json_object_set_new(by_status, status,
				    json_integer(json_integer_value(json_object_get(by_status, status)) + n));
		json_object_set_new(by_severity, sev, json_integer(json_integer_value(json_object_get(by_severity, sev)) + n));
		total += n;
		if (!incident_status_final(status))
			open += n;
	}
	if (!rc)
		sqlite3_finalize(st);
	if (!rc && !(rc = db_prepare(db, "SELECT count(*) FROM incidents i WHERE" OVERDUE_SQL, &st, e))) {
		sqlite3_bind_int64(st, 3, time_now());
		if (sqlite3_step(st) == SQLITE_ROW)
			overdue = sqlite3_column_int64(st, 0);
		else
			rc = db_fail(db, e);
		sqlite3_finalize(st);
	}
	if (!rc)
		*out = json_pack("{s:I, s:I, s:I, s:o, s:o}", "total", (json_int_t)total, "open", (json_int_t)open,
				 "overdue", (json_int_t)overdue, "by_status", by_status, "by_severity", by_severity);
	else {
		json_decref(by_status);
		json_decref(by_severity);
	}
	return rc || *out ? rc : wr_err_set(e, WR_ENOMEM, NULL, "out of memory");
}

int incident_list(sqlite3 *db, const struct actor *a, int limit, int64_t cursor, json_t **items,
		  int64_t *next_cursor, struct wr_err *e)
{
	struct incident_filter none = {0};
	return incident_list_filtered(db, a, &none, limit, cursor, items, next_cursor, e);
}

int inc_begin(sqlite3 *db, const struct actor *a, int64_t id, int staff_only, char status[16],
		 struct wr_err *e)
{
	json_t *cur;
	int rc = incident_get(db, a, id, &cur, e);
	if (rc)
		return rc;
	snprintf(status, 16, "%s", json_string_value(json_object_get(cur, "status")));
	json_decref(cur);
	if (staff_only && !scope_is_staff(a))
		return wr_err_set(e, WR_EFORBIDDEN, NULL, "the war room handles this");
	return db_begin(db, e);
}

int incident_set_status(sqlite3 *db, const struct actor *a, int64_t id, const json_t *body,
			json_t **out, struct wr_err *e)
{
	*out = NULL;
	const char *to, *note = NULL;
	int64_t dup = 0;
	char status[16], now[32];
	int rc = json_get_string(body, "status", 1, &to, NULL, e);
	if (!rc)
		rc = json_get_string(body, "note", 0, &note, NULL, e);
	if (!rc)
		rc = json_get_int(body, "duplicate_of", 0, &dup, NULL, e);
	if (rc || (rc = inc_begin(db, a, id, 1, status, e)))
		return rc;
	if (!incident_transition_ok(status, to))
		rc = wr_err_set(e, WR_ECONFLICT, "status", "cannot go from %s to %s", status, to);
	if (!rc && !strcmp(to, "duplicate"))
		rc = incident_check_duplicate_of(db, id, dup, e);
	else if (!rc && dup)
		rc = wr_err_set(e, WR_EINVAL, "duplicate_of", "is given only with status duplicate");
	time_format_rfc3339((time_t)time_now(), now, sizeof now);
	sqlite3_stmt *st;
	if (!rc)
		rc = db_prepare(db, "UPDATE incidents SET status = ?2, duplicate_of = ?3, updated_at = ?4"
				    " WHERE id = ?1", &st, e);
	if (!rc) {
		sqlite3_bind_int64(st, 1, id);
		sqlite3_bind_text(st, 2, to, -1, SQLITE_STATIC);
		if (dup)
			sqlite3_bind_int64(st, 3, dup);
		else
			sqlite3_bind_null(st, 3);
		sqlite3_bind_text(st, 4, now, -1, SQLITE_STATIC);
		rc = db_step_done(db, st, e);
	}
	char text[300];
	snprintf(text, sizeof text, "%s -> %s%s%s", status, to, note ? ": " : "", note ? note : "");
	if (!rc)
		rc = inc_timeline_add(db, id, a->name, "status", text, 0, now, e);
	/* The original shows its duplicates, whose reports stay reachable. */
	snprintf(text, sizeof text, "incident #%lld marked as a duplicate of this one", (long long)id);
	if (!rc && dup)
		rc = inc_timeline_add(db, dup, a->name, "link", text, 0, now, e);
	json_t *d = json_pack("{s:s, s:s}", "from", status, "to", to);
	rc = inc_finish(db, a, id, "incident.status", d, rc, out, e);
	json_decref(d);
	return rc;
}

int incident_add_report(sqlite3 *db, const struct actor *a, int64_t id, const json_t *body,
			json_t **out, struct wr_err *e)
{
	*out = NULL;
	const char *kind, *content;
	char at[32], status[16], now[32];
	int rc = json_get_string(body, "kind", 1, &kind, NULL, e);
	if (!rc)
		rc = json_get_string(body, "content", 1, &content, NULL, e);
	if (!rc)
		rc = inc_time_field(body, "submitted_at", 0, at, e);
	if (rc)
		return rc;
	if (strcmp(kind, "nis2-early-warning") && strcmp(kind, "nis2-notification") &&
	    strcmp(kind, "nis2-final") && strcmp(kind, "gdpr"))
		return wr_err_set(e, WR_EINVAL, "kind", "is not nis2-early-warning, nis2-notification, nis2-final or gdpr");
	if ((rc = inc_party(db, a, id, e)) || (rc = inc_begin(db, a, id, 0, status, e)))
		return rc;
	time_format_rfc3339((time_t)time_now(), now, sizeof now);
	sqlite3_stmt *st;
	rc = db_prepare(db, "INSERT INTO incident_reports (incident_id, kind, submitted_at, content, by_name)"
			    " VALUES (?1, ?2, ?3, ?4, ?5)", &st, e);
	if (!rc) {
		sqlite3_bind_int64(st, 1, id);
		sqlite3_bind_text(st, 2, kind, -1, SQLITE_STATIC);
		sqlite3_bind_text(st, 3, at[0] ? at : now, -1, SQLITE_STATIC);
		sqlite3_bind_text(st, 4, content, -1, SQLITE_STATIC);
		sqlite3_bind_text(st, 5, a->name, -1, SQLITE_STATIC);
		rc = db_step_done(db, st, e);
		if (rc == WR_ECONFLICT)
			rc = wr_err_set(e, WR_ECONFLICT, "kind", "this report was already recorded");
	}
	char text[100];
	snprintf(text, sizeof text, "report submitted: %s", kind);
	if (!rc)
		rc = inc_timeline_add(db, id, a->name, "report", text, 0, now, e);
	json_t *d = json_pack("{s:s}", "kind", kind);
	rc = inc_finish(db, a, id, "incident.report", d, rc, out, e);
	json_decref(d);
	return rc;
}

int incident_add_note(sqlite3 *db, const struct actor *a, int64_t id, const json_t *body,
		      json_t **out, struct wr_err *e)
{
	*out = NULL;
	const char *text;
	int internal = 0;
	char status[16], now[32];
	int rc = json_get_string(body, "text", 1, &text, NULL, e);
	if (!rc)
		rc = json_get_bool(body, "internal", 0, &internal, NULL, e);
	if (rc)
		return rc;
	if (!*text || strlen(text) > 20000)
		return wr_err_set(e, WR_EINVAL, "text", "must have 1 to 20,000 characters");
	if (internal && !scope_is_staff(a))
		return wr_err_set(e, WR_EFORBIDDEN, "internal", "only the war room writes internal notes");
	if ((rc = inc_begin(db, a, id, 0, status, e)))
		return rc;
	time_format_rfc3339((time_t)time_now(), now, sizeof now);
	rc = inc_timeline_add(db, id, a->name, "note", text, internal, now, e);
	json_t *d = json_pack("{s:b}", "internal", internal);
	rc = inc_finish(db, a, id, "incident.note", d, rc, out, e);
	json_decref(d);
	return rc;
}

static json_t *timeline_row(sqlite3_stmt *st)
{
	json_t *o = db_row_json(st);
	if (o)
		json_object_set_new(o, "internal", json_boolean(sqlite3_column_int(st, 5)));
	return o;
}

int incident_timeline(sqlite3 *db, const struct actor *a, int64_t id, json_t **items,
		      struct wr_err *e)
{
	*items = NULL;
	int rc = inc_visible(db, a, id, e);
	if (rc)
		return rc;
	/* Internal notes are the war room's: a town never sees them. */
	return inc_rows(db, "SELECT id, at, actor, kind, text, internal FROM incident_timeline"
			    " WHERE incident_id = ?1 AND (internal = 0 OR ?2) ORDER BY at, id",
			id, scope_is_staff(a), timeline_row, items, e);
}
