/* The programme's figures for the dashboard and the minister's office:
 * audit coverage, checklist progress and levels, function scores and
 * overdue findings, overall, per province and per provider. Towns are the
 * municipalities valid today. */
#include "programme/programme.h"
#include "base/timeutil.h"
#include "programme/checklist.h"
#include "programme/prog_internal.h"
#include "store/db.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct bucket {
	int64_t towns, signed_up, performed, population, covered, started, completed;
	int64_t passing[3], overdue, towns_overdue;
	int64_t fn_sum[2][FN_COUNT], fn_n[2][FN_COUNT]; /* [simple, cyfun] */
};

struct town_row {
	int state;         /* audit state index */
	int64_t population;
	int assessed, complete, cyfun, level; /* level 0..3 */
	int fn[FN_COUNT];  /* -1 when not scored */
	int64_t overdue;
};

static void bucket_add(struct bucket *b, const struct town_row *t)
{
	b->towns++;
	b->population += t->population;
	if (t->state >= 1)
		b->signed_up++;
	if (t->state >= audit_state_index("performed")) {
		b->performed++;
		b->covered += t->population;
	}
	if (t->assessed) {
		b->started++;
		b->completed += t->complete;
		for (int l = 0; l < 3; l++)
			b->passing[l] += t->level > l;
		for (int f = 0; f < FN_COUNT; f++)
			if (t->fn[f] >= 0) {
				b->fn_sum[t->cyfun][f] += t->fn[f];
				b->fn_n[t->cyfun][f]++;
			}
	}
	b->overdue += t->overdue;
	b->towns_overdue += t->overdue > 0;
}

static json_t *fn_json(const struct bucket *b, int mode)
{
	json_t *o = json_object();
	for (int f = 0; o && f < FN_COUNT; f++)
		json_object_set_new(o, cl_function_name((enum cl_function)f),
				    b->fn_n[mode][f] ? json_integer(b->fn_sum[mode][f] / b->fn_n[mode][f])
						     : json_null());
	return o;
}

/* The figures of one group; extra (may be NULL) is merged in first. */
static json_t *bucket_json(const struct bucket *b, json_t *extra)
{
	json_t *o = json_pack(
		"{s:I,s:I,s:I,s:I,s:I,s:I,s:I,s:I,s:{s:I,s:I,s:I},s:{s:o,s:o},s:I,s:I}", "towns",
		(json_int_t)b->towns, "signed_up", (json_int_t)b->signed_up, "signed_up_share_x100",
		(json_int_t)(b->towns ? b->signed_up * 10000 / b->towns : 0), "audits_performed",
		(json_int_t)b->performed, "population", (json_int_t)b->population,
		"population_covered", (json_int_t)b->covered, "checklist_started",
		(json_int_t)b->started, "checklist_completed", (json_int_t)b->completed, "passing",
		"basic", (json_int_t)b->passing[0], "important", (json_int_t)b->passing[1],
		"essential", (json_int_t)b->passing[2], "average_by_function_x100", "simple_percent",
		fn_json(b, 0), "cyfun_maturity", fn_json(b, 1), "findings_overdue",
		(json_int_t)b->overdue, "towns_with_findings_overdue", (json_int_t)b->towns_overdue);
	if (extra) {
		if (o)
			json_object_update(extra, o);
		json_decref(o);
		return extra;
	}
	return o;
}

static void town_from_row(sqlite3_stmt *st, struct town_row *t)
{
	memset(t, 0, sizeof *t);
	t->state = audit_state_index(prog_col(st, 2));
	t->population = sqlite3_column_int64(st, 1);
	t->assessed = sqlite3_column_type(st, 3) != SQLITE_NULL;
	t->complete = sqlite3_column_int(st, 3);
	t->cyfun = !strcmp(prog_col(st, 4), "cyfun");
	const char *lv = prog_col(st, 5);
	t->level = !strcmp(lv, "essential") ? 3 : !strcmp(lv, "important") ? 2 : !strcmp(lv, "basic");
	json_t *fs = json_loads(prog_col(st, 6), 0, NULL);
	for (int f = 0; f < FN_COUNT; f++) {
		json_t *v = json_object_get(fs, cl_function_name((enum cl_function)f));
		t->fn[f] = json_is_integer(v) ? (int)json_integer_value(v) : -1;
	}
	json_decref(fs);
	t->overdue = sqlite3_column_int64(st, 7);
}

/* One row per (town, group): group is the province (by = 0) or the
 * provider's id and name (by = 1); overall uses by = 0 and ignores it. */
static const char *const town_sql[] = {
	"SELECT o.province, coalesce(o.population,0), coalesce(a.state,'not-signed-up'),"
	" pa.complete, pa.mode, pa.level, pa.function_scores,"
	" (SELECT count(*) FROM programme_findings f WHERE f.org_id = o.id"
	"  AND f.status IN ('open','in-progress') AND f.due_on < ?1), NULL"
	" FROM orgs o LEFT JOIN programme_audits a ON a.org_id = o.id"
	" LEFT JOIN programme_assessments pa ON pa.id ="
	"  (SELECT max(id) FROM programme_assessments WHERE org_id = o.id)"
	" WHERE o.kind = 'municipality' AND o.valid_to IS NULL ORDER BY o.province",
	"SELECT p.name, coalesce(o.population,0), coalesce(a.state,'not-signed-up'),"
	" pa.complete, pa.mode, pa.level, pa.function_scores,"
	" (SELECT count(*) FROM programme_findings f WHERE f.org_id = o.id"
	"  AND f.status IN ('open','in-progress') AND f.due_on < ?1), p.id"
	" FROM provider_clients pc JOIN orgs o ON o.id = pc.org_id JOIN orgs p ON p.id = pc.provider_id"
	" LEFT JOIN programme_audits a ON a.org_id = o.id"
	" LEFT JOIN programme_assessments pa ON pa.id ="
	"  (SELECT max(id) FROM programme_assessments WHERE org_id = o.id)"
	" WHERE o.kind = 'municipality' AND o.valid_to IS NULL ORDER BY p.name, p.id",
};

static int group_pass(sqlite3 *db, int by, struct bucket *overall, json_t *groups,
		      struct wr_err *e)
{
	sqlite3_stmt *st;
	int rc = db_prepare(db, town_sql[by], &st, e);
	if (rc)
		return rc;
	char today[11];
	time_today(today);
	sqlite3_bind_text(st, 1, today, -1, SQLITE_TRANSIENT);
	struct bucket cur;
	char name[256] = "";
	int64_t gid = -1;
	int have = 0, s;
	while ((s = sqlite3_step(st)) == SQLITE_ROW) {
		const char *g = prog_col(st, 0);
		int64_t id = sqlite3_column_int64(st, 8);
		struct town_row t;
		town_from_row(st, &t);
		if (!have || strcmp(g, name) || id != gid) {
			if (have && json_array_append_new(groups, bucket_json(&cur, by ? json_pack("{s:I,s:s}", "provider_id", (json_int_t)gid, "provider", name) : json_pack("{s:s}", "province", name))))
				rc = wr_err_set(e, WR_ENOMEM, NULL, "out of memory");
			memset(&cur, 0, sizeof cur);
			snprintf(name, sizeof name, "%s", g);
			gid = id;
			have = 1;
		}
		bucket_add(&cur, &t);
		if (overall)
			bucket_add(overall, &t);
	}
	if (!rc && s != SQLITE_DONE)
		rc = db_fail(db, e);
	sqlite3_finalize(st);
	if (!rc && have &&
	    json_array_append_new(groups, bucket_json(&cur, by ? json_pack("{s:I,s:s}", "provider_id", (json_int_t)gid, "provider", name) : json_pack("{s:s}", "province", name))))
		rc = wr_err_set(e, WR_ENOMEM, NULL, "out of memory");
	return rc;
}

/* Attendance of the information sessions (held = started before now). */
static json_t *sessions_json(sqlite3 *db, struct wr_err *e)
{
	static const char *const keys[] = {"sessions", "sessions_held", "registered", "waiting",
					   "attended", "towns_attended"};
	sqlite3_stmt *st;
	if (db_prepare(db, "SELECT (SELECT count(*) FROM programme_sessions),"
			   " (SELECT count(*) FROM programme_sessions WHERE starts_at <= ?1),"
			   " (SELECT count(*) FROM programme_registrations WHERE status = 'registered'),"
			   " (SELECT count(*) FROM programme_registrations WHERE status = 'waiting'),"
			   " (SELECT count(*) FROM programme_registrations WHERE attended = 1),"
			   " (SELECT count(DISTINCT org_id) FROM programme_registrations WHERE attended = 1)",
		       &st, e))
		return NULL;
	char now[40];
	time_now_rfc3339(now, sizeof now);
	sqlite3_bind_text(st, 1, now, -1, SQLITE_TRANSIENT);
	json_t *o = NULL;
	if (sqlite3_step(st) == SQLITE_ROW) {
		o = json_object();
		for (int i = 0; o && i < 6; i++)
			json_object_set_new(o, keys[i], json_integer(sqlite3_column_int64(st, i)));
	} else {
		db_fail(db, e);
	}
	sqlite3_finalize(st);
	return o;
}

int programme_summary(sqlite3 *db, const struct actor *a, json_t **out, struct wr_err *e)
{
	if (!scope_is_staff(a) && a->role != ROLE_VIEWER)
		return wr_err_set(e, WR_EFORBIDDEN, NULL,
				  "the programme figures are for the war room and the minister's office");
	struct bucket overall = {0};
	json_t *prov = json_array(), *provs = json_array(), *sess = NULL;
	char today[11];
	time_today(today);
	int rc = prov && provs ? db_begin_read(db, e) : wr_err_set(e, WR_ENOMEM, NULL, "out of memory");
	if (!rc) {
		if (!(rc = group_pass(db, 0, &overall, prov, e)))
			rc = group_pass(db, 1, NULL, provs, e);
		if (!rc && !(sess = sessions_json(db, e)))
			rc = e && e->code ? e->code : WR_ENOMEM;
		db_end_read(db);
	}
	json_t *o = rc ? NULL : bucket_json(&overall, json_pack("{s:s}", "as_of", today));
	if (!rc && (!o || json_object_set(o, "by_province", prov) ||
		    json_object_set(o, "by_provider", provs) || json_object_set(o, "sessions", sess)))
		rc = wr_err_set(e, WR_ENOMEM, NULL, "out of memory");
	json_decref(prov);
	json_decref(provs);
	json_decref(sess);
	if (rc) {
		json_decref(o);
		return rc;
	}
	*out = o;
	return 0;
}
