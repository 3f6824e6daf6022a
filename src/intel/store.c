/* Reading and changing stored indicators, under role scope AND TLP. */
#include "intel/intel.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "audit/journal.h"
#include "base/timeutil.h"
#include "intel/intel_internal.h"
#include "store/db.h"

#define T(col) "strftime('%%Y-%%m-%%dT%%H:%%M:%%SZ', i." col ", 'unixepoch') AS " col

/* The columns of an indicator as the API shows it (a snprintf format: %% doubled). */
#define INDICATOR_COLS                                                                             \
	"i.id, i.uuid, i.type, i.value, i.tlp, i.confidence, i.to_ids, " T("first_seen") ", "        \
	T("last_seen") ", " T("valid_until") ", " T("created") ", " T("modified") ", i.description," \
	" i.status, i.fp_list, i.fp_override, i.incident_id, i.advisory_id, i.version,"              \
	" i.corr_towns, i.corr_capped,"                                                              \
	" (SELECT json_group_array(source) FROM indicator_sources WHERE indicator_id = i.id) AS sources," \
	" (SELECT json_group_array(tag) FROM indicator_tags WHERE indicator_id = i.id) AS tags"

/* The row as JSON, with sources and tags as arrays and flags as booleans. */
static json_t *indicator_json(sqlite3_stmt *st)
{
	json_t *o = db_row_json(st);
	if (!o)
		return NULL;
	const char *arrays[] = {"sources", "tags"};
	for (int k = 0; k < 2; k++) {
		const char *s = json_string_value(json_object_get(o, arrays[k]));
		json_t *a = s ? json_loads(s, 0, NULL) : NULL;
		json_object_set_new(o, arrays[k], a ? a : json_array());
	}
	int fp = json_is_string(json_object_get(o, "fp_list"));
	int over = json_integer_value(json_object_get(o, "fp_override")) == 1;
	json_object_set_new(o, "false_positive", json_boolean(fp && !over));
	json_object_set_new(o, "fp_override", json_boolean(over));
	json_object_set_new(o, "to_ids", json_boolean(json_integer_value(json_object_get(o, "to_ids"))));
	json_object_set_new(o, "correlation_capped",
			    json_boolean(json_integer_value(json_object_get(o, "corr_capped"))));
	json_object_del(o, "corr_capped");
	if (json_integer_value(json_object_get(o, "confidence")) < 0)
		json_object_set_new(o, "confidence", json_null());
	return o;
}

int intel_list(sqlite3 *db, const struct actor *a, const struct intel_filter *f, json_t **items,
	       int64_t *next, struct wr_err *e)
{
	char vis[512], sql[2048];
	*items = NULL;
	*next = 0;
	if (intel_visible_sql(a, vis, sizeof vis))
		return wr_err_set(e, WR_EINTERNAL, NULL, "scope too long");
	const char *tlp = NULL;
	if (f->tlp && *f->tlp && !(tlp = intel_tlp_name(f->tlp)))
		return wr_err_set(e, WR_EINVAL, "tlp", "is not a TLP (CLEAR, GREEN, AMBER, AMBER+STRICT, RED)");
	enum ioc_type type = IOC_NONE;
	if (f->type && *f->type && (type = ioc_type_from_name(f->type)) == IOC_NONE)
		return wr_err_set(e, WR_EINVAL, "type", "is not an indicator type");
	snprintf(sql, sizeof sql,
		 "SELECT " INDICATOR_COLS " FROM indicators i WHERE %s"
		 " AND (?1 = 0 OR i.id < ?1) AND (?2 IS NULL OR i.type = ?2) AND (?3 IS NULL OR i.tlp = ?3)"
		 " AND (?4 IS NULL OR EXISTS (SELECT 1 FROM indicator_tags t WHERE t.indicator_id = i.id"
		 " AND t.tag = ?4)) AND (?5 IS NULL OR instr(i.value, lower(?5)) > 0)"
		 " AND i.modified >= ?6 ORDER BY i.id DESC LIMIT ?7",
		 vis);
	sqlite3_stmt *st;
	int rc = db_prepare(db, sql, &st, e);
	if (rc)
		return rc;
	sqlite3_bind_int64(st, 1, f->cursor);
	if (type != IOC_NONE)
		sqlite3_bind_text(st, 2, ioc_type_name(type), -1, SQLITE_STATIC);
	db_bind_text_or_null(st, 3, tlp);
	db_bind_text_or_null(st, 4, f->tag);
	db_bind_text_or_null(st, 5, f->q);
	sqlite3_bind_int64(st, 6, f->since);
	sqlite3_bind_int(st, 7, f->limit + 1);
	json_t *list = json_array();
	int step, n = 0;
	int64_t last = 0;
	while (list && (step = sqlite3_step(st)) == SQLITE_ROW) {
		if (n == f->limit) {
			*next = last;
			break;
		}
		last = sqlite3_column_int64(st, 0);
		json_t *o = indicator_json(st);
		if (!o || json_array_append_new(list, o)) {
			json_decref(list);
			list = NULL;
		}
		n++;
	}
	if (list && step != SQLITE_ROW && step != SQLITE_DONE) {
		json_decref(list);
		sqlite3_finalize(st);
		return db_fail(db, e);
	}
	sqlite3_finalize(st);
	if (!list)
		return wr_err_set(e, WR_ENOMEM, NULL, "out of memory");
	*items = list;
	return 0;
}

/* The visible indicator id as JSON, or WR_ENOTFOUND. */
static int get_row(sqlite3 *db, const struct actor *a, int64_t id, json_t **out, struct wr_err *e)
{
	char vis[512], sql[2048];
	*out = NULL;
	if (intel_visible_sql(a, vis, sizeof vis))
		return wr_err_set(e, WR_EINTERNAL, NULL, "scope too long");
	snprintf(sql, sizeof sql, "SELECT " INDICATOR_COLS " FROM indicators i WHERE i.id = ?1 AND %s", vis);
	sqlite3_stmt *st;
	int rc = db_prepare(db, sql, &st, e);
	if (rc)
		return rc;
	sqlite3_bind_int64(st, 1, id);
	int step = sqlite3_step(st);
	if (step == SQLITE_ROW)
		*out = indicator_json(st);
	sqlite3_finalize(st);
	if (step == SQLITE_DONE)
		return wr_err_set(e, WR_ENOTFOUND, NULL, "indicator %lld not found", (long long)id);
	if (step != SQLITE_ROW)
		return db_fail(db, e);
	return *out ? 0 : wr_err_set(e, WR_ENOMEM, NULL, "out of memory");
}

/* A JSON array of a one-column-per-field query with one id parameter. */
/* The rows of sql with ?1 = id and ?2 = org as a JSON array; NULL on error. */
static json_t *rows_org(sqlite3 *db, const char *sql, int64_t id, int64_t org)
{
	sqlite3_stmt *st;
	if (sqlite3_prepare_v2(db, sql, -1, &st, NULL) != SQLITE_OK)
		return NULL;
	sqlite3_bind_int64(st, 1, id);
	if (sqlite3_bind_parameter_count(st) >= 2)
		sqlite3_bind_int64(st, 2, org);
	json_t *a = json_array();
	while (a && sqlite3_step(st) == SQLITE_ROW) {
		json_t *o = db_row_json(st);
		if (!o || json_array_append_new(a, o)) {
			json_decref(a);
			a = NULL;
		}
	}
	sqlite3_finalize(st);
	return a;
}

static json_t *rows(sqlite3 *db, const char *sql, int64_t id)
{
	return rows_org(db, sql, id, 0);
}

int intel_get(sqlite3 *db, const struct actor *a, int64_t id, json_t **out, struct wr_err *e)
{
	int rc = db_begin_read(db, e);
	if (rc)
		return rc;
	json_t *o = NULL;
	if ((rc = get_row(db, a, id, &o, e)))
		goto out;
	/* Correlation: staff see every town that sighted it; a town only itself. */
	char cond[96];
	if (scope_is_staff(a))
		snprintf(cond, sizeof cond, "1");
	else
		snprintf(cond, sizeof cond, "t.org_id = %lld", (long long)(a->role == ROLE_SPOC ? a->org_id : -1));
	char sql[768];
	snprintf(sql, sizeof sql,
		 "SELECT t.org_id, o.name AS org_name, t.sightings, t.hits,"
		 " strftime('%%Y-%%m-%%dT%%H:%%M:%%SZ', t.first_seen, 'unixepoch') AS first_seen,"
		 " strftime('%%Y-%%m-%%dT%%H:%%M:%%SZ', t.last_seen, 'unixepoch') AS last_seen"
		 " FROM indicator_towns t JOIN orgs o ON o.id = t.org_id WHERE t.indicator_id = ?1"
		 " AND %s ORDER BY t.last_seen DESC LIMIT %d", cond, INTEL_CORRELATION_CAP);
	json_t *towns = rows(db, sql, id);
	/* The incidents sharing it: its own link and those opened from its
	 * alerts; incidents are confidential, so a town sees only its own. */
	snprintf(sql, sizeof sql,
		 "SELECT n.id, n.org_id, n.title, n.status FROM incidents n WHERE n.id IN"
		 " (SELECT incident_id FROM alerts WHERE indicator_id = ?1 AND incident_id IS NOT NULL"
		 "  UNION SELECT incident_id FROM indicators WHERE id = ?1 AND incident_id IS NOT NULL)"
		 " AND %s ORDER BY n.id DESC LIMIT %d",
		 scope_is_staff(a) ? "?2 = ?2" : "n.org_id = ?2", INTEL_CORRELATION_CAP);
	json_t *incidents = rows_org(db, sql, id, a->role == ROLE_SPOC ? a->org_id : -1);
	json_t *aud = scope_is_staff(a) ? rows(db, "SELECT org_id FROM indicator_audience"
						   " WHERE indicator_id = ?1 ORDER BY org_id", id)
				      : json_array();
	if (!towns || !aud || !incidents) {
		json_decref(towns);
		json_decref(aud);
		json_decref(incidents);
		rc = wr_err_set(e, WR_ENOMEM, NULL, "out of memory");
		goto out;
	}
	json_t *ids = json_array();
	size_t i;
	json_t *x;
	json_array_foreach(aud, i, x)
		json_array_append(ids, json_object_get(x, "org_id"));
	json_decref(aud);
	json_object_set_new(o, "audience", ids ? ids : json_array());
	json_t *corr = json_pack("{s:o, s:o, s:I, s:O, s:i}", "towns", towns, "incidents", incidents, "town_count",
				 json_object_get(o, "corr_towns") ? json_integer_value(json_object_get(o, "corr_towns")) : 0,
				 "capped", json_object_get(o, "correlation_capped"), "cap", INTEL_CORRELATION_CAP);
	json_object_set_new(o, "correlation", corr ? corr : json_object());
out:
	db_end_read(db);
	if (rc)
		json_decref(o);
	else
		*out = o;
	return rc;
}

static int set_audience(sqlite3 *db, int64_t id, const json_t *list, struct wr_err *e)
{
	if (!json_is_array(list))
		return wr_err_set(e, WR_EINVAL, "audience", "must be an array of organisation ids");
	sqlite3_stmt *st;
	int rc = db_prepare(db, "DELETE FROM indicator_audience WHERE indicator_id = ?", &st, e);
	if (rc)
		return rc;
	sqlite3_bind_int64(st, 1, id);
	if ((rc = db_step_done(db, st, e)))
		return rc;
	size_t i;
	json_t *x;
	json_array_foreach(list, i, x) {
		if (!json_is_integer(x) || json_integer_value(x) <= 0)
			return wr_err_set(e, WR_EINVAL, "audience", "item %zu is not an organisation id", i);
		int64_t n = 0;
		if ((rc = db_query_int(db, "SELECT count(*) FROM orgs WHERE id = ?", json_integer_value(x), &n, e)))
			return rc;
		if (!n)
			return wr_err_set(e, WR_EINVAL, "audience", "organisation %lld does not exist",
					  (long long)json_integer_value(x));
		if ((rc = db_prepare(db, "INSERT OR IGNORE INTO indicator_audience VALUES (?, ?)", &st, e)))
			return rc;
		sqlite3_bind_int64(st, 1, id);
		sqlite3_bind_int64(st, 2, json_integer_value(x));
		if ((rc = db_step_done(db, st, e)))
			return rc;
	}
	return 0;
}

/* One optional field of the PATCH body into the UPDATE. */
static int patch_fields(sqlite3 *db, int64_t id, const json_t *body, struct wr_err *e)
{
	static const char *const allowed[] = {"false_positive_override", "tlp", "valid_until", "status",
					      "audience", "incident_id", "advisory_id", NULL};
	const char *key;
	json_t *v;
	json_object_foreach((json_t *)body, key, v) {
		int known = 0;
		for (int k = 0; allowed[k]; k++)
			known |= !strcmp(key, allowed[k]);
		if (!known)
			return wr_err_set(e, WR_EINVAL, key, "is not a field of an indicator that can be changed");
	}
	sqlite3_stmt *st;
	int rc;
	if ((v = json_object_get(body, "audience")) && (rc = set_audience(db, id, v, e)))
		return rc;
	struct {
		const char *key, *sql;
	} sets[] = {
		{"false_positive_override", "UPDATE indicators SET fp_override = ?2 WHERE id = ?1"},
		{"tlp", "UPDATE indicators SET tlp = ?2 WHERE id = ?1"},
		{"valid_until", "UPDATE indicators SET valid_until = ?2 WHERE id = ?1"},
		{"status", "UPDATE indicators SET status = ?2 WHERE id = ?1"},
		{"incident_id", "UPDATE indicators SET incident_id = ?2 WHERE id = ?1"},
		{"advisory_id", "UPDATE indicators SET advisory_id = ?2 WHERE id = ?1"},
	};
	for (size_t k = 0; k < sizeof sets / sizeof sets[0]; k++) {
		if (!(v = json_object_get(body, sets[k].key)))
			continue;
		if ((rc = db_prepare(db, sets[k].sql, &st, e)))
			return rc;
		sqlite3_bind_int64(st, 1, id);
		int64_t t;
		if (!strcmp(sets[k].key, "false_positive_override") && json_is_boolean(v)) {
			sqlite3_bind_int(st, 2, json_is_true(v));
		} else if (!strcmp(sets[k].key, "tlp") && intel_tlp_name(json_string_value(v))) {
			sqlite3_bind_text(st, 2, intel_tlp_name(json_string_value(v)), -1, SQLITE_STATIC);
		} else if (!strcmp(sets[k].key, "valid_until") && json_is_null(v)) {
			sqlite3_bind_null(st, 2);
		} else if (!strcmp(sets[k].key, "valid_until") && json_is_string(v) &&
			   !time_parse_rfc3339(json_string_value(v), &t)) {
			sqlite3_bind_int64(st, 2, t);
		} else if (!strcmp(sets[k].key, "status") && json_is_string(v) &&
			   (!strcmp(json_string_value(v), "active") || !strcmp(json_string_value(v), "revoked"))) {
			sqlite3_bind_text(st, 2, json_string_value(v), -1, SQLITE_STATIC);
		} else if (strstr(sets[k].key, "_id") && (json_is_null(v) || (json_is_integer(v) && json_integer_value(v) > 0))) {
			if (json_is_null(v))
				sqlite3_bind_null(st, 2);
			else
				sqlite3_bind_int64(st, 2, json_integer_value(v));
		} else {
			sqlite3_finalize(st);
			return wr_err_set(e, WR_EINVAL, sets[k].key, "has a value it cannot take");
		}
		if ((rc = db_step_done(db, st, e)))
			return rc;
	}
	return 0;
}

int intel_update(sqlite3 *db, const struct actor *a, int64_t id, const json_t *body, json_t **out,
		 struct wr_err *e)
{
	*out = NULL;
	json_t *before = NULL;
	int rc = get_row(db, a, id, &before, e);
	if (rc)
		return rc;
	json_decref(before);
	if (!scope_is_staff(a))
		return wr_err_set(e, WR_EFORBIDDEN, NULL, "only the war room changes indicators");
	if ((rc = db_begin(db, e)))
		return rc;
	int64_t version;
	sqlite3_stmt *st = NULL;
	if ((rc = patch_fields(db, id, body, e)) || (rc = intel_next_version(db, "update", &version, e)) ||
	    (rc = db_prepare(db, "UPDATE indicators SET modified = ?, version = ? WHERE id = ?", &st, e)))
		goto fail;
	sqlite3_bind_int64(st, 1, time_now());
	sqlite3_bind_int64(st, 2, version);
	sqlite3_bind_int64(st, 3, id);
	if ((rc = db_step_done(db, st, e)) ||
	    (rc = journal_append(db, a->name, "intel.update", "indicator", id, body, e)) ||
	    (rc = db_commit(db, e)))
		goto fail;
	return get_row(db, a, id, out, e);
fail:
	db_rollback(db);
	return rc;
}

int intel_counts(sqlite3 *db, const struct actor *a, json_t **out, struct wr_err *e)
{
	char vis[512], sql[1024];
	*out = NULL;
	if (intel_visible_sql(a, vis, sizeof vis))
		return wr_err_set(e, WR_EINTERNAL, NULL, "scope too long");
	snprintf(sql, sizeof sql,
		 "SELECT i.type, i.tlp, count(*), sum(i.fp_list IS NOT NULL AND i.fp_override = 0)"
		 " FROM indicators i WHERE %s GROUP BY i.type, i.tlp", vis);
	sqlite3_stmt *st;
	int rc = db_prepare(db, sql, &st, e);
	if (rc)
		return rc;
	json_t *types = json_object(), *tlps = json_object();
	json_int_t total = 0, fp = 0;
	while (types && tlps && sqlite3_step(st) == SQLITE_ROW) {
		const char *t = (const char *)sqlite3_column_text(st, 0), *l = (const char *)sqlite3_column_text(st, 1);
		json_int_t n = sqlite3_column_int64(st, 2);
		json_object_set_new(types, t, json_integer(json_integer_value(json_object_get(types, t)) + n));
		json_object_set_new(tlps, l, json_integer(json_integer_value(json_object_get(tlps, l)) + n));
		total += n;
		fp += sqlite3_column_int64(st, 3);
	}
	sqlite3_finalize(st);
	*out = json_pack("{s:I, s:I, s:o, s:o}", "total", total, "false_positive", fp, "per_type",
			 types ? types : json_object(), "per_tlp", tlps ? tlps : json_object());
	return *out ? 0 : wr_err_set(e, WR_ENOMEM, NULL, "out of memory");
}
