/* Sightings: what a town's `warroom sweep --report` (or its SIEM) found,
 * recorded per indicator for the town (docs/intel.md). */
#include "intel/store.h"

#include <stdio.h>
#include <string.h>

#include "audit/journal.h"
#include "base/jsonutil.h"
#include "base/timeutil.h"
#include "store/db.h"

#define SIGHTINGS_MAX 100000

/* An optional RFC 3339 field of o, or def; -1 after e is filled. */
static int time_field(const json_t *o, const char *key, const char *def, char out[32],
		      struct wr_err *e)
{
	const json_t *v = json_object_get(o, key);
	int64_t t;
	if (!v || json_is_null(v)) {
		snprintf(out, 32, "%s", def);
		return 0;
	}
	if (!json_is_string(v) || time_parse_rfc3339(json_string_value(v), &t))
		return wr_err_set(e, WR_EINVAL, key, "is not an RFC 3339 time (2026-11-28T10:00:00Z)");
	time_format_rfc3339((time_t)t, out, 32);
	return 0;
}

static int record(sqlite3 *db, sqlite3_stmt *find, sqlite3_stmt *ins, const json_t *s, size_t i,
		  int64_t org, const char *reporter, const char *host, const char *swept,
		  const char *now, size_t *accepted, size_t *unknown, struct wr_err *e)
{
	char field[48];
	snprintf(field, sizeof field, "sightings[%zu]", i);
	const char *ind = json_string_value(json_object_get(s, "indicator"));
	const char *tname = json_string_value(json_object_get(s, "type"));
	const json_t *cnt = json_object_get(s, "count");
	if (!json_is_object(s) || !ind || !tname)
		return wr_err_set(e, WR_EINVAL, field, "needs an indicator and its type");
	if (!json_is_integer(cnt) || json_integer_value(cnt) < 1)
		return wr_err_set(e, WR_EINVAL, field, "count must be a positive integer");
	enum ioc_type t = ioc_type_from_name(tname);
	char canon[IOC_VALUE_MAX + 1], first[32], last[32];
	struct wr_err ce = {0};
	if (t == IOC_NONE || ioc_canonical(&t, ind, canon, sizeof canon, &ce)) {
		(*unknown)++; /* not an indicator we could hold: certainly not ours */
		return 0;
	}
	if (time_field(s, "first_seen", swept, first, e) || time_field(s, "last_seen", swept, last, e))
		return WR_EINVAL;
	const json_t *where = json_object_get(s, "where");
	const char *path = json_string_value(json_object_get(where, "path"));
	const char *whost = json_string_value(json_object_get(where, "host"));
	sqlite3_reset(find);
	sqlite3_bind_text(find, 1, ioc_type_name(t), -1, SQLITE_STATIC);
	sqlite3_bind_text(find, 2, canon, -1, SQLITE_STATIC);
	int rc = sqlite3_step(find);
	if (rc == SQLITE_DONE) {
		(*unknown)++;
		return 0;
	}
	if (rc != SQLITE_ROW)
		return db_fail(db, e);
	sqlite3_reset(ins);
	sqlite3_bind_int64(ins, 1, sqlite3_column_int64(find, 0));
	sqlite3_bind_int64(ins, 2, org);
	sqlite3_bind_text(ins, 3, reporter, -1, SQLITE_STATIC);
	sqlite3_bind_int64(ins, 4, json_integer_value(cnt));
	sqlite3_bind_text(ins, 5, first, -1, SQLITE_STATIC);
	sqlite3_bind_text(ins, 6, last, -1, SQLITE_STATIC);
	db_bind_text_or_null(ins, 7, whost ? whost : host);
	db_bind_text_or_null(ins, 8, path);
	sqlite3_bind_text(ins, 9, now, -1, SQLITE_STATIC);
	if (sqlite3_step(ins) != SQLITE_DONE)
		return db_fail(db, e);
	(*accepted)++;
	return 0;
}

int intel_sightings_post(sqlite3 *db, const struct actor *a, const json_t *body, json_t **out,
			 struct wr_err *e)
{
	*out = NULL;
	int64_t org = 0;
	if (a->role == ROLE_SPOC) {
		org = a->org_id;
	} else if (scope_is_staff(a)) {
		const json_t *o = json_object_get(body, "org_id");
		if (!json_is_integer(o) || json_integer_value(o) < 1)
			return wr_err_set(e, WR_EINVAL, "org_id",
					  "is needed when the war room records a town's sightings");
		org = json_integer_value(o);
	} else {
		return wr_err_set(e, WR_EFORBIDDEN, NULL, "only a town (or the war room) reports sightings");
	}
	const json_t *list = json_object_get(body, "sightings");
	if (!json_is_array(list))
		return wr_err_set(e, WR_EINVAL, "sightings", "must be a list");
	if (json_array_size(list) > SIGHTINGS_MAX)
		return wr_err_set(e, WR_ETOOBIG, "sightings", "has more than %d elements", SIGHTINGS_MAX);
	const char *host = json_string_value(json_object_get(body, "host"));
	char now[32], swept[32];
	time_format_rfc3339((time_t)time_now(), now, sizeof now);
	if (time_field(body, "swept_at", now, swept, e))
		return WR_EINVAL;
	int64_t found = 0;
	int rc = db_query_int(db, "SELECT count(*) FROM orgs WHERE id = ?1", org, &found, e);
	if (rc)
		return rc;
	if (!found)
		return wr_err_set(e, WR_EINVAL, "org_id", "is not a known organisation");
	sqlite3_stmt *find = NULL, *ins = NULL;
	size_t accepted = 0, unknown = 0;
	rc = db_begin(db, e);
	if (!rc)
		rc = db_prepare(db, "SELECT id FROM indicators WHERE type = ?1 AND value = ?2", &find, e);
	if (!rc)
		rc = db_prepare(db,
				"INSERT INTO sightings (indicator_id, org_id, reporter, count, first_seen,"
				" last_seen, host, path, received_at) VALUES (?1,?2,?3,?4,?5,?6,?7,?8,?9)",
				&ins, e);
	for (size_t i = 0; !rc && i < json_array_size(list); i++)
		rc = record(db, find, ins, json_array_get(list, i), i, org, a->name, host, swept, now,
			    &accepted, &unknown, e);
	sqlite3_finalize(find);
	sqlite3_finalize(ins);
	if (!rc) {
		json_t *d = json_pack("{s:I, s:I, s:I}", "org_id", (json_int_t)org, "accepted",
				      (json_int_t)accepted, "unknown", (json_int_t)unknown);
		rc = journal_append(db, a->name, "sightings.report", "org", org, d, e);
		json_decref(d);
	}
	if (!rc)
		rc = db_commit(db, e);
	if (rc) {
		db_rollback(db);
		return rc;
	}
	*out = json_pack("{s:I, s:I, s:I}", "org_id", (json_int_t)org, "accepted",
			 (json_int_t)accepted, "unknown", (json_int_t)unknown);
	return *out ? 0 : wr_err_set(e, WR_ENOMEM, NULL, "out of memory");
}

int intel_sightings_list(sqlite3 *db, const struct actor *a, int limit, int64_t cursor,
			 json_t **items, int64_t *next_cursor, struct wr_err *e)
{
	*items = NULL;
	*next_cursor = 0;
	if (!scope_is_staff(a) && a->role != ROLE_SPOC)
		return wr_err_set(e, WR_EFORBIDDEN, NULL, "sightings are shown to the war room and the towns");
	char scope[160], sql[640];
	if (scope_org_sql(a, "s.org_id", scope, sizeof scope))
		return wr_err_set(e, WR_EINTERNAL, NULL, "scope too long");
	snprintf(sql, sizeof sql,
		 "SELECT s.id, s.org_id, o.name AS org_name, i.type, i.value, i.tlp, s.count,"
		 " s.first_seen, s.last_seen, s.host, s.path, s.reporter, s.received_at"
		 " FROM sightings s JOIN indicators i ON i.id = s.indicator_id"
		 " JOIN orgs o ON o.id = s.org_id WHERE %s AND (?1 = 0 OR s.id < ?1)"
		 " ORDER BY s.id DESC LIMIT ?2",
		 scope);
	sqlite3_stmt *st;
	int rc = db_prepare(db, sql, &st, e);
	if (rc)
		return rc;
	sqlite3_bind_int64(st, 1, cursor);
	sqlite3_bind_int(st, 2, limit + 1);
	json_t *arr = json_array();
	int n = 0;
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		if (n++ == limit) {
			json_t *last = json_array_get(arr, json_array_size(arr) - 1);
			*next_cursor = json_integer_value(json_object_get(last, "id"));
			break;
		}
		if (json_array_append_new(arr, db_row_json(st)))
			break;
	}
	sqlite3_finalize(st);
	return intel_page_done(db, rc, arr, items, e);
}
