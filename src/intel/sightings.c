/* Sightings from the towns (`warroom sweep --report`, a SIEM) and the
 * alerts they raise for the war room (docs/intel.md). */
#include "intel/intel.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "audit/journal.h"
#include "base/timeutil.h"
#include "store/db.h"

#define SIGHTINGS_PER_REPORT 10000

static int field_err(struct wr_err *e, size_t i, const char *name, const char *msg)
{
	char f[64];
	snprintf(f, sizeof f, "sightings[%zu].%s", i, name);
	return wr_err_set(e, WR_EINVAL, f, "%s", msg);
}

/* An optional RFC 3339 time field; 0 when absent. */
static int opt_time(const json_t *o, const char *key, size_t i, int64_t *out, struct wr_err *e)
{
	const json_t *v = json_object_get(o, key);
	*out = 0;
	if (!v || json_is_null(v))
		return 0;
	if (!json_is_string(v) || time_parse_rfc3339(json_string_value(v), out))
		return field_err(e, i, key, "must be an RFC 3339 time");
	return 0;
}

struct parsed {
	enum ioc_type t;
	char value[IOC_VALUE_MAX + 1];
	int64_t count, first, last;
	char *where, *context; /* owned */
};

static int parse_one(const json_t *s, size_t i, struct parsed *p, struct wr_err *e)
{
	if (!json_is_object(s))
		return field_err(e, i, "indicator", "a sighting must be an object");
	const char *v = json_string_value(json_object_get(s, "indicator"));
	if (!v)
		v = json_string_value(json_object_get(s, "value"));
	if (!v || !*v)
		return field_err(e, i, "indicator", "is required");
	const char *tn = json_string_value(json_object_get(s, "type"));
	p->t = tn ? ioc_type_from_name(tn) : IOC_NONE;
	if (tn && p->t == IOC_NONE)
		return field_err(e, i, "type", "is not an indicator type");
	struct wr_err ce = {0};
	if (ioc_canonical(&p->t, v, p->value, sizeof p->value, &ce))
		return field_err(e, i, "indicator", ce.message);
	const json_t *c = json_object_get(s, "count");
	p->count = c ? json_integer_value(c) : 1;
	if ((c && !json_is_integer(c)) || p->count < 1)
		return field_err(e, i, "count", "must be a whole number of at least 1");
	int rc;
	if ((rc = opt_time(s, "first_seen", i, &p->first, e)) || (rc = opt_time(s, "last_seen", i, &p->last, e)))
		return rc;
	const json_t *w = json_object_get(s, "where");
	const json_t *ctx = json_object_get(s, "context");
	p->where = json_is_string(w) ? strdup(json_string_value(w)) : json_is_object(w) ? json_dumps(w, JSON_COMPACT | JSON_SORT_KEYS) : NULL;
	p->context = json_is_string(ctx) ? strdup(json_string_value(ctx)) : ctx && !json_is_null(ctx) ? json_dumps(ctx, JSON_COMPACT | JSON_SORT_KEYS) : NULL;
	if ((w && !json_is_null(w) && !p->where) || (ctx && !json_is_null(ctx) && !p->context))
		return wr_err_set(e, WR_ENOMEM, NULL, "out of memory");
	return 0;
}

static int town_name(sqlite3 *db, int64_t org, char *out, size_t n, struct wr_err *e)
{
	sqlite3_stmt *st;
	int rc = db_prepare(db, "SELECT name FROM orgs WHERE id = ?", &st, e);
	if (rc)
		return rc;
	sqlite3_bind_int64(st, 1, org);
	if (sqlite3_step(st) == SQLITE_ROW)
		snprintf(out, n, "%s", (const char *)sqlite3_column_text(st, 0));
	else
		rc = wr_err_set(e, WR_EINVAL, "org_id", "organisation %lld does not exist", (long long)org);
	sqlite3_finalize(st);
	return rc;
}

enum { S_FIND, S_INSERT, S_TOWN_GET, S_TOWN_INS, S_TOWN_UPD, S_CORR, S_ALERT, S_COUNT };
static const char *const ssql[S_COUNT] = {
	"SELECT id, status = 'active' AND (fp_list IS NULL OR fp_override = 1), corr_towns FROM indicators"
	" WHERE type = ? AND value = ?",
	"INSERT INTO sightings (org_id, indicator_id, type, value, count, first_seen, last_seen, where_seen,"
	" context, reporter, host, reported_by, received_at) VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?)",
	"SELECT 1 FROM indicator_towns WHERE indicator_id = ? AND org_id = ?",
	"INSERT INTO indicator_towns VALUES (?1, ?2, 1, ?3, ?4, ?5)",
	"UPDATE indicator_towns SET sightings = sightings + 1, hits = hits + ?3,"
	" first_seen = min(coalesce(first_seen, ?4), ?4), last_seen = max(coalesce(last_seen, ?5), ?5)"
	" WHERE indicator_id = ?1 AND org_id = ?2",
	"UPDATE indicators SET corr_towns = corr_towns + ?2, corr_capped = corr_capped OR ?3 WHERE id = ?1",
	"INSERT INTO alerts (org_id, indicator_id, sighting_id, title, created_at) VALUES (?,?,?,?,?)",
};

struct rep {
	sqlite3 *db;
	sqlite3_stmt *q[S_COUNT];
	int64_t org, now;
	const char *town, *reporter, *host, *by;
	json_t *alerts;
	size_t matched, unknown;
};

static int step_done(struct rep *r, sqlite3_stmt *st, struct wr_err *e)
{
	int s = sqlite3_step(st);
	sqlite3_reset(st);
	return s == SQLITE_DONE ? 0 : db_fail(r->db, e);
}

/* The incremental correlation: the town joins the indicator's list of
 * towns unless the list is at its cap (then the cap is marked). */
static int correlate(struct rep *r, int64_t ind, int64_t corr_towns, const struct parsed *p, struct wr_err *e)
{
	int64_t first = p->first ? p->first : r->now, last = p->last ? p->last : r->now;
	sqlite3_stmt *st = r->q[S_TOWN_GET];
	sqlite3_bind_int64(st, 1, ind);
	sqlite3_bind_int64(st, 2, r->org);
	int known = sqlite3_step(st) == SQLITE_ROW;
	sqlite3_reset(st);
	if (!known && corr_towns >= INTEL_CORRELATION_CAP) {
		st = r->q[S_CORR];
		sqlite3_bind_int64(st, 1, ind);
		sqlite3_bind_int(st, 2, 0);
		sqlite3_bind_int(st, 3, 1);
		return step_done(r, st, e);
	}
	st = r->q[known ? S_TOWN_UPD : S_TOWN_INS];
	sqlite3_bind_int64(st, 1, ind);
	sqlite3_bind_int64(st, 2, r->org);
	sqlite3_bind_int64(st, 3, p->count);
	sqlite3_bind_int64(st, 4, first);
	sqlite3_bind_int64(st, 5, last);
	int rc = step_done(r, st, e);
	if (rc || known)
		return rc;
	st = r->q[S_CORR];
	sqlite3_bind_int64(st, 1, ind);
	sqlite3_bind_int(st, 2, 1);
	sqlite3_bind_int(st, 3, 0);
	return step_done(r, st, e);
}

static int store_one(struct rep *r, const struct parsed *p, struct wr_err *e)
{
	sqlite3_stmt *st = r->q[S_FIND];
	sqlite3_bind_text(st, 1, ioc_type_name(p->t), -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 2, p->value, -1, SQLITE_STATIC);
	int64_t ind = 0, corr = 0;
	int active = 0, s = sqlite3_step(st);
	if (s == SQLITE_ROW) {
		ind = sqlite3_column_int64(st, 0);
		active = sqlite3_column_int(st, 1);
		corr = sqlite3_column_int64(st, 2);
	}
	sqlite3_reset(st);
	if (s != SQLITE_ROW && s != SQLITE_DONE)
		return db_fail(r->db, e);
	st = r->q[S_INSERT];
	sqlite3_bind_int64(st, 1, r->org);
	if (ind)
		sqlite3_bind_int64(st, 2, ind);
	else
		sqlite3_bind_null(st, 2);
	sqlite3_bind_text(st, 3, ioc_type_name(p->t), -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 4, p->value, -1, SQLITE_STATIC);
	sqlite3_bind_int64(st, 5, p->count);
	if (p->first)
		sqlite3_bind_int64(st, 6, p->first);
	else
		sqlite3_bind_null(st, 6);
	if (p->last)
		sqlite3_bind_int64(st, 7, p->last);
	else
		sqlite3_bind_null(st, 7);
	db_bind_text_or_null(st, 8, p->where);
	db_bind_text_or_null(st, 9, p->context);
	db_bind_text_or_null(st, 10, r->reporter);
	db_bind_text_or_null(st, 11, r->host);
	sqlite3_bind_text(st, 12, r->by, -1, SQLITE_STATIC);
	sqlite3_bind_int64(st, 13, r->now);
	int rc = step_done(r, st, e);
	if (rc)
		return rc;
	int64_t sid = sqlite3_last_insert_rowid(r->db);
	if (!ind) {
		r->unknown++;
		return 0;
	}
	r->matched++;
	if ((rc = correlate(r, ind, corr, p, e)) || !active)
		return rc;
	char title[512];
	snprintf(title, sizeof title, "possible compromise at %s: %s %.300s", r->town, ioc_type_name(p->t), p->value);
	st = r->q[S_ALERT];
	sqlite3_bind_int64(st, 1, r->org);
	sqlite3_bind_int64(st, 2, ind);
	sqlite3_bind_int64(st, 3, sid);
	sqlite3_bind_text(st, 4, title, -1, SQLITE_TRANSIENT);
	sqlite3_bind_int64(st, 5, r->now);
	if ((rc = step_done(r, st, e)))
		return rc;
	json_array_append_new(r->alerts, json_integer(sqlite3_last_insert_rowid(r->db)));
	return 0;
}

int intel_sightings_report(sqlite3 *db, const struct actor *a, const json_t *body, json_t **result,
			   struct wr_err *e)
{
	*result = NULL;
	int64_t org = 0;
	if (a->role == ROLE_SPOC) {
		org = a->org_id;
	} else if (scope_is_staff(a)) {
		const json_t *o = json_object_get(body, "org_id");
		if (!json_is_integer(o) || json_integer_value(o) <= 0)
			return wr_err_set(e, WR_EINVAL, "org_id", "the war room names the town that saw it");
		org = json_integer_value(o);
	} else {
		return wr_err_set(e, WR_EFORBIDDEN, NULL, "sightings are reported by a town (a SPOC token)");
	}
	const json_t *list = json_object_get(body, "sightings");
	if (!json_is_array(list))
		return wr_err_set(e, WR_EINVAL, "sightings", "must be an array");
	size_t n = json_array_size(list);
	if (n > SIGHTINGS_PER_REPORT)
		return wr_err_set(e, WR_ETOOBIG, "sightings", "at most %d per report", SIGHTINGS_PER_REPORT);
	const json_t *rep = json_object_get(body, "reporter"), *host = json_object_get(body, "host");
	if ((rep && !json_is_string(rep)) || (host && !json_is_string(host)))
		return wr_err_set(e, WR_EINVAL, rep && !json_is_string(rep) ? "reporter" : "host", "must be a string");
	struct parsed *ps = calloc(n ? n : 1, sizeof *ps);
	if (!ps)
		return wr_err_set(e, WR_ENOMEM, NULL, "out of memory");
	char town[256];
	struct rep r = {.db = db, .org = org, .now = time_now(), .town = town, .by = a->name,
			.reporter = json_string_value(rep), .host = json_string_value(host),
			.alerts = json_array()};
	int rc = r.alerts ? 0 : wr_err_set(e, WR_ENOMEM, NULL, "out of memory");
	for (size_t i = 0; !rc && i < n; i++)
		rc = parse_one(json_array_get(list, i), i, &ps[i], e);
	if (rc || (rc = db_begin(db, e)))
		goto out;
	if ((rc = town_name(db, org, town, sizeof town, e)))
		goto fail;
	for (int k = 0; k < S_COUNT; k++)
		if ((rc = db_prepare(db, ssql[k], &r.q[k], e)))
			goto fail;
	for (size_t i = 0; i < n; i++)
		if ((rc = store_one(&r, &ps[i], e)))
			goto fail;
	json_t *d = json_pack("{s:I, s:I, s:I, s:O}", "org_id", (json_int_t)org, "received", (json_int_t)n,
			      "matched", (json_int_t)r.matched, "alerts", r.alerts);
	rc = journal_append(db, a->name, "intel.sightings", "org", org, d, e);
	json_decref(d);
	if (rc)
		goto fail;
	for (int k = 0; k < S_COUNT; k++)
		sqlite3_finalize(r.q[k]);
	memset(r.q, 0, sizeof r.q);
	if ((rc = db_commit(db, e)))
		goto fail;
	*result = json_pack("{s:I, s:I, s:I, s:O}", "received", (json_int_t)n, "matched", (json_int_t)r.matched,
			    "unknown", (json_int_t)r.unknown, "alerts", r.alerts);
	if (!*result)
		rc = wr_err_set(e, WR_ENOMEM, NULL, "out of memory");
	goto out;
fail:
	for (int k = 0; k < S_COUNT; k++)
		sqlite3_finalize(r.q[k]);
	db_rollback(db);
out:
	for (size_t i = 0; i < n; i++) {
		free(ps[i].where);
		free(ps[i].context);
	}
	free(ps);
	json_decref(r.alerts);
	return rc;
}

/* A page of a query whose ?1 is the cursor (0 = from the newest) and ?2 the limit + 1. */
static int page(sqlite3 *db, const char *sql, int64_t p3, int limit, int64_t cursor, json_t **items,
		int64_t *next, struct wr_err *e)
{
	sqlite3_stmt *st;
	*items = NULL;
	*next = 0;
	int rc = db_prepare(db, sql, &st, e);
	if (rc)
		return rc;
	sqlite3_bind_int64(st, 1, cursor);
	sqlite3_bind_int(st, 2, limit + 1);
	sqlite3_bind_int64(st, 3, p3);
	return db_page(db, st, limit, NULL, items, next, e);
}

static int org_cond(const struct actor *a, const char *col, char *out, size_t n)
{
	int w;
	if (scope_is_staff(a))
		w = snprintf(out, n, "1");
	else if (a->role == ROLE_SPOC)
		w = snprintf(out, n, "%s = %lld", col, (long long)a->org_id);
	else
		w = snprintf(out, n, "0");
	return w < 0 || (size_t)w >= n;
}

#define TS(col) "strftime('%%Y-%%m-%%dT%%H:%%M:%%SZ', " col ", 'unixepoch')"

int intel_sightings_list(sqlite3 *db, const struct actor *a, int64_t indicator_id, int limit,
			 int64_t cursor, json_t **items, int64_t *next, struct wr_err *e)
{
	char cond[128], sql[1024];
	if (org_cond(a, "s.org_id", cond, sizeof cond))
		return wr_err_set(e, WR_EINTERNAL, NULL, "scope too long");
	snprintf(sql, sizeof sql,
		 "SELECT s.id, s.org_id, o.name AS org_name, s.indicator_id, s.type, s.value, s.count,"
		 " " TS("s.first_seen") " AS first_seen, " TS("s.last_seen") " AS last_seen,"
		 " s.where_seen AS \"where\", s.context, s.reporter, s.host, " TS("s.received_at") " AS received_at,"
		 " s.false_positive FROM sightings s JOIN orgs o ON o.id = s.org_id WHERE %s"
		 " AND (?1 = 0 OR s.id < ?1) AND (?3 = 0 OR s.indicator_id = ?3) ORDER BY s.id DESC LIMIT ?2",
		 cond);
	return page(db, sql, indicator_id, limit, cursor, items, next, e);
}

/* Alerts are for the war room and the town concerned, not for providers
 * or viewers. */
static int alerts_allowed(const struct actor *a)
{
	return a->role != ROLE_PROVIDER && a->role != ROLE_VIEWER;
}

int intel_alerts_list(sqlite3 *db, const struct actor *a, const char *status, int64_t org_id,
		      int limit, int64_t cursor, json_t **items, int64_t *next, struct wr_err *e)
{
	char cond[128], sql[1024];
	if (!alerts_allowed(a))
		return wr_err_set(e, WR_EFORBIDDEN, NULL, "alerts are for the war room and the town concerned");
	if (status && strcmp(status, "open") && strcmp(status, "false-positive") && strcmp(status, "closed"))
		return wr_err_set(e, WR_EINVAL, "status", "must be open, false-positive or closed");
	if (org_cond(a, "x.org_id", cond, sizeof cond))
		return wr_err_set(e, WR_EINTERNAL, NULL, "scope too long");
	snprintf(sql, sizeof sql,
		 "SELECT x.id, x.org_id, o.name AS org_name, x.indicator_id, i.type, i.value, x.sighting_id,"
		 " x.title, x.status, x.incident_id, " TS("x.created_at") " AS created_at"
		 " FROM alerts x JOIN orgs o ON o.id = x.org_id JOIN indicators i ON i.id = x.indicator_id"
		 " WHERE %s AND (?1 = 0 OR x.id < ?1) AND (?3 = 0 OR x.status = '%s')"
		 " AND (%lld = 0 OR x.org_id = %lld) ORDER BY x.id DESC LIMIT ?2",
		 cond, status ? status : "open", (long long)org_id, (long long)org_id);
	return page(db, sql, status ? 1 : 0, limit, cursor, items, next, e);
}

int intel_alerts_by_org(sqlite3 *db, const struct actor *a, json_t **items, struct wr_err *e)
{
	char cond[128], sql[512];
	*items = NULL;
	if (!alerts_allowed(a))
		return wr_err_set(e, WR_EFORBIDDEN, NULL, "alerts are for the war room and the town concerned");
	if (org_cond(a, "x.org_id", cond, sizeof cond))
		return wr_err_set(e, WR_EINTERNAL, NULL, "scope too long");
	snprintf(sql, sizeof sql,
		 "SELECT x.org_id, o.nis_code, o.name, count(*) AS open, " TS("max(x.created_at)") " AS last_at"
		 " FROM alerts x JOIN orgs o ON o.id = x.org_id WHERE %s AND x.status = 'open'"
		 " GROUP BY x.org_id ORDER BY open DESC, o.name",
		 cond);
	sqlite3_stmt *st;
	int rc = db_prepare(db, sql, &st, e);
	return rc ? rc : db_rows(db, st, NULL, items, e);
}

int intel_sighting_false_positive(sqlite3 *db, const struct actor *a, int64_t id, json_t **out,
				  struct wr_err *e)
{
	char cond[128], sql[512];
	*out = NULL;
	if (org_cond(a, "org_id", cond, sizeof cond))
		return wr_err_set(e, WR_EINTERNAL, NULL, "scope too long");
	int rc = db_begin(db, e);
	if (rc)
		return rc;
	snprintf(sql, sizeof sql, "UPDATE sightings SET false_positive = 1, fp_by = ?2 WHERE id = ?1 AND %s", cond);
	sqlite3_stmt *st;
	if ((rc = db_prepare(db, sql, &st, e)))
		goto fail;
	sqlite3_bind_int64(st, 1, id);
	sqlite3_bind_text(st, 2, a->name, -1, SQLITE_STATIC);
	if ((rc = db_step_done(db, st, e)))
		goto fail;
	if (sqlite3_changes(db) == 0) {
		rc = wr_err_set(e, WR_ENOTFOUND, NULL, "sighting %lld not found", (long long)id);
		goto fail;
	}
	if ((rc = db_prepare(db, "UPDATE alerts SET status = 'false-positive' WHERE sighting_id = ? AND status = 'open'",
			     &st, e)))
		goto fail;
	sqlite3_bind_int64(st, 1, id);
	if ((rc = db_step_done(db, st, e)) ||
	    (rc = journal_append(db, a->name, "intel.sighting_false_positive", "sighting", id, NULL, e)) ||
	    (rc = db_commit(db, e)))
		goto fail;
	*out = json_pack("{s:I, s:b}", "id", (json_int_t)id, "false_positive", 1);
	return *out ? 0 : wr_err_set(e, WR_ENOMEM, NULL, "out of memory");
fail:
	db_rollback(db);
	return rc;
}
