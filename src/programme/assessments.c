/* Dated self-assessments of a town against the current checklist: answers
 * with evidence, carried over from the previous assessment where the item
 * did not change, scored when recorded. */
#include "programme/programme.h"
#include "audit/journal.h"
#include "base/jsonutil.h"
#include "base/timeutil.h"
#include "programme/checklist.h"
#include "programme/prog_internal.h"
#include "programme/score.h"
#include "store/db.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define EVIDENCE_MAX 2000
#define NEXT_STEPS 5

struct answer_rec {
	enum answer answer;
	int documentation, implementation;
	char *evidence; /* owned, or NULL */
	int carried;
	int given;      /* in this request's body */
};

struct draft {
	const struct checklist *cl;
	int cyfun;
	struct answer_rec a[CHECKLIST_MAX_ITEMS];
};

static void draft_release(struct draft *d)
{
	for (size_t i = 0; i < CHECKLIST_MAX_ITEMS; i++)
		free(d->a[i].evidence);
}

static const char *mode_name(int cyfun)
{
	return cyfun ? "cyfun" : "simple";
}

/* The town's latest assessment: id and mode, id 0 when none. */
static int latest(sqlite3 *db, int64_t org_id, int64_t *id, int *cyfun, struct wr_err *e)
{
	sqlite3_stmt *st;
	int rc = prog_prepare_id(db, "SELECT id, mode FROM programme_assessments WHERE org_id = ?"
				     " ORDER BY id DESC LIMIT 1", org_id, &st, e);
	if (rc)
		return rc;
	*id = 0;
	int s = sqlite3_step(st);
	if (s == SQLITE_ROW) {
		*id = sqlite3_column_int64(st, 0);
		*cyfun = !strcmp(prog_col(st, 1), "cyfun");
	} else if (s != SQLITE_DONE) {
		rc = db_fail(db, e);
	}
	sqlite3_finalize(st);
	return rc;
}

/* Copies the answers of assessment prev whose item is unchanged. */
static int carry_over(sqlite3 *db, int64_t prev, struct draft *d, struct wr_err *e)
{
	sqlite3_stmt *st;
	int rc = prog_prepare_id(db, "SELECT item_id, item_hash, answer, documentation, implementation,"
				     " evidence FROM programme_answers WHERE assessment_id = ?", prev, &st, e);
	if (rc)
		return rc;
	int s;
	while ((s = sqlite3_step(st)) == SQLITE_ROW) {
		const struct checklist_item *it = checklist_find(d->cl, prog_col(st, 0));
		if (!it || strcmp(it->hash, prog_col(st, 1)))
			continue;
		struct answer_rec *r = &d->a[it - d->cl->items];
		r->answer = answer_parse(prog_col(st, 2));
		r->documentation = sqlite3_column_int(st, 3);
		r->implementation = sqlite3_column_int(st, 4);
		if (sqlite3_column_type(st, 5) != SQLITE_NULL &&
		    !(r->evidence = strdup(prog_col(st, 5)))) {
			rc = wr_err_set(e, WR_ENOMEM, NULL, "out of memory");
			break;
		}
		r->carried = 1;
	}
	if (!rc && s != SQLITE_DONE)
		rc = db_fail(db, e);
	sqlite3_finalize(st);
	return rc;
}

__attribute__((format(printf, 5, 6)))
static int field_err(struct wr_err *e, int code, size_t i, const char *key, const char *fmt, ...)
{
	char f[48], m[200];
	va_list ap;
	snprintf(f, sizeof f, "answers[%zu].%s", i, key);
	va_start(ap, fmt);
	vsnprintf(m, sizeof m, fmt, ap);
	va_end(ap);
	return wr_err_set(e, code, f, "%s", m);
}

static int maturity(const json_t *o, const char *key, size_t i, int *out, struct wr_err *e)
{
	const json_t *v = json_object_get(o, key);
	if (!json_is_integer(v) || json_integer_value(v) < 1 || json_integer_value(v) > 5)
		return field_err(e, WR_EINVAL, i, key, "%s must be an integer from 1 to 5 (or answer \"na\")", key);
	*out = (int)json_integer_value(v);
	return 0;
}

/* One element of "answers". */
static int apply_answer(const struct actor *a, struct draft *d, size_t i, const json_t *o,
			struct wr_err *e)
{
	static const char *const allowed[] = {"item", "answer", "documentation", "implementation",
					      "evidence", NULL};
	if (!json_is_object(o))
		return field_err(e, WR_EINVAL, i, "item", "each answer must be an object");
	const char *key;
	json_t *v;
	json_object_foreach((json_t *)o, key, v)
	{
		int ok = 0;
		for (size_t k = 0; allowed[k]; k++)
			ok |= !strcmp(key, allowed[k]);
		if (!ok)
			return field_err(e, WR_EINVAL, i, key, "%s is not a known field", key);
	}
	v = json_object_get(o, "item");
	const struct checklist_item *it = json_is_string(v) ? checklist_find(d->cl, json_string_value(v)) : NULL;
	if (!it)
		return field_err(e, WR_EINVAL, i, "item", "%s is not an item of the current checklist",
				 json_is_string(v) ? json_string_value(v) : "(not a text)");
	if (a->role == ROLE_PROVIDER && !it->provider_owned)
		return field_err(e, WR_EFORBIDDEN, i, "item",
				 "%s is the town's to answer, not the provider's", it->id);
	struct answer_rec *r = &d->a[it - d->cl->items];
	if (r->given)
		return field_err(e, WR_EINVAL, i, "item", "%s is answered twice", it->id);
	free(r->evidence);
	memset(r, 0, sizeof *r);
	r->given = 1;
	v = json_object_get(o, "answer");
	if (v && !json_is_null(v)) {
		r->answer = json_is_string(v) ? answer_parse(json_string_value(v)) : ANS_NONE;
		if (r->answer == ANS_NONE || (d->cyfun && r->answer != ANS_NA))
			return field_err(e, WR_EINVAL, i, "answer", "%s", d->cyfun ?
					 "in cyfun mode the answer is \"na\" or left out (give documentation and implementation)" :
					 "must be yes, partial, no or na");
	}
	int rc;
	if (d->cyfun && r->answer != ANS_NA &&
	    ((rc = maturity(o, "documentation", i, &r->documentation, e)) ||
	     (rc = maturity(o, "implementation", i, &r->implementation, e))))
		return rc;
	if (!d->cyfun && r->answer == ANS_NONE)
		return field_err(e, WR_EINVAL, i, "answer", "%s", "is required: yes, partial, no or na");
	if (!d->cyfun && (json_object_get(o, "documentation") || json_object_get(o, "implementation")))
		return field_err(e, WR_EINVAL, i, "documentation", "%s",
				 "maturity scores belong to the cyfun mode");
	const char *ev = NULL;
	struct wr_err fe = {0};
	if ((rc = prog_get_text(o, "evidence", 0, EVIDENCE_MAX, &ev, &fe)))
		return field_err(e, rc, i, "evidence", "evidence %s", fe.message);
	if (ev && !(r->evidence = strdup(ev)))
		return wr_err_set(e, WR_ENOMEM, NULL, "out of memory");
	return 0;
}

static void draft_score(const struct draft *d, struct score *s)
{
	struct score_item in[CHECKLIST_MAX_ITEMS];
	for (size_t i = 0; i < d->cl->n; i++) {
		const struct checklist_item *it = &d->cl->items[i];
		in[i] = (struct score_item){it->function, it->weight, it->key_measure, d->a[i].answer,
					    d->a[i].documentation, d->a[i].implementation};
	}
	(d->cyfun ? score_cyfun : score_simple)(in, (int)d->cl->n, s);
}

static json_t *function_scores_json(const int x100[FN_COUNT])
{
	json_t *o = json_object();
	for (int f = 0; o && f < FN_COUNT; f++)
		json_object_set_new(o, cl_function_name((enum cl_function)f),
				    x100[f] < 0 ? json_null() : json_integer(x100[f]));
	return o;
}

static int insert_assessment(sqlite3 *db, const struct actor *a, int64_t org_id,
			     const struct draft *d, const char *on, int64_t *id, struct wr_err *e)
{
	struct score s;
	draft_score(d, &s);
	json_t *fs = function_scores_json(s.function_x100);
	char *fs_text = fs ? json_dumps(fs, JSON_SORT_KEYS | JSON_COMPACT) : NULL;
	json_decref(fs);
	if (!fs_text)
		return wr_err_set(e, WR_ENOMEM, NULL, "out of memory");
	char now[40];
	time_now_rfc3339(now, sizeof now);
	sqlite3_stmt *st;
	int rc = db_prepare(db, "INSERT INTO programme_assessments (org_id, checklist_id,"
				" checklist_version, mode, assessed_on, answered, total, complete, score_x100,"
				" critical_gaps, level, function_scores, created_by, created_at)"
				" VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?)", &st, e);
	if (!rc) {
		sqlite3_bind_int64(st, 1, org_id);
		sqlite3_bind_text(st, 2, d->cl->id, -1, SQLITE_STATIC);
		sqlite3_bind_text(st, 3, d->cl->version, -1, SQLITE_STATIC);
		sqlite3_bind_text(st, 4, mode_name(d->cyfun), -1, SQLITE_STATIC);
		sqlite3_bind_text(st, 5, on, -1, SQLITE_STATIC);
		sqlite3_bind_int(st, 6, s.answered);
		sqlite3_bind_int(st, 7, s.total);
		sqlite3_bind_int(st, 8, s.complete);
		sqlite3_bind_int(st, 9, s.score_x100);
		sqlite3_bind_int(st, 10, s.critical_gaps);
		db_bind_text_or_null(st, 11, level_name(s.level));
		sqlite3_bind_text(st, 12, fs_text, -1, SQLITE_STATIC);
		sqlite3_bind_text(st, 13, a->name, -1, SQLITE_STATIC);
		sqlite3_bind_text(st, 14, now, -1, SQLITE_STATIC);
		rc = db_step_done(db, st, e);
	}
	free(fs_text);
	if (rc)
		return rc;
	*id = sqlite3_last_insert_rowid(db);
	for (size_t i = 0; i < d->cl->n && !rc; i++) {
		const struct answer_rec *r = &d->a[i];
		if (r->answer == ANS_NONE && !r->documentation)
			continue;
		if ((rc = db_prepare(db, "INSERT INTO programme_answers (assessment_id, item_id, item_hash,"
					 " answer, documentation, implementation, evidence, carried)"
					 " VALUES (?,?,?,?,?,?,?,?)", &st, e)))
			break;
		sqlite3_bind_int64(st, 1, *id);
		sqlite3_bind_text(st, 2, d->cl->items[i].id, -1, SQLITE_STATIC);
		sqlite3_bind_text(st, 3, d->cl->items[i].hash, -1, SQLITE_STATIC);
		db_bind_text_or_null(st, 4, answer_name(r->answer));
		if (r->documentation) {
			sqlite3_bind_int(st, 5, r->documentation);
			sqlite3_bind_int(st, 6, r->implementation);
		}
		db_bind_text_or_null(st, 7, r->evidence);
		sqlite3_bind_int(st, 8, r->carried);
		rc = db_step_done(db, st, e);
	}
	return rc;
}

/* What to do first: unmet items, key measures first, then by weight. */
static json_t *next_steps(sqlite3_stmt *answers, const struct checklist *cl, int cyfun,
			  int64_t assessment_id, struct wr_err *e)
{
	int met[CHECKLIST_MAX_ITEMS] = {0};
	sqlite3_reset(answers);
	sqlite3_bind_int64(answers, 1, assessment_id);
	while (sqlite3_step(answers) == SQLITE_ROW) {
		const struct checklist_item *it = checklist_find(cl, prog_col(answers, 0));
		if (!it)
			continue;
		const char *ans = prog_col(answers, 2);
		int two = sqlite3_column_int(answers, 3) + sqlite3_column_int(answers, 4);
		met[it - cl->items] = !strcmp(ans, "na") || (cyfun ? two >= 6 : !strcmp(ans, "yes"));
	}
	json_t *out = json_array();
	if (!out) {
		wr_err_set(e, WR_ENOMEM, NULL, "out of memory");
		return NULL;
	}
	for (int key = 1; key >= 0; key--)
		for (int w = 10; w >= 1; w--)
			for (size_t i = 0; i < cl->n && json_array_size(out) < NEXT_STEPS; i++)
				if (!met[i] && cl->items[i].key_measure == key && cl->items[i].weight == w)
					json_array_append_new(out, json_string(cl->items[i].id));
	return out;
}

/* The answers of one assessment as JSON, filtered for a provider. */
static json_t *answers_json(sqlite3_stmt *st, const struct checklist *cl, int provider,
			    int64_t assessment_id)
{
	json_t *arr = json_array();
	sqlite3_reset(st);
	sqlite3_bind_int64(st, 1, assessment_id);
	while (arr && sqlite3_step(st) == SQLITE_ROW) {
		const struct checklist_item *it = checklist_find(cl, prog_col(st, 0));
		if (provider && (!it || !it->provider_owned))
			continue;
		json_t *o = json_pack("{s:s,s:o,s:o,s:o,s:o,s:b}", "item", prog_col(st, 0), "answer",
				      prog_col_json(st, 2), "documentation",
				      sqlite3_column_type(st, 3) == SQLITE_NULL ? json_null() : json_integer(sqlite3_column_int(st, 3)),
				      "implementation",
				      sqlite3_column_type(st, 4) == SQLITE_NULL ? json_null() : json_integer(sqlite3_column_int(st, 4)),
				      "evidence", prog_col_json(st, 5), "carried", sqlite3_column_int(st, 6));
		if (!o || json_array_append_new(arr, o)) {
			json_decref(arr);
			return NULL;
		}
	}
	return arr;
}

#define ASSESSMENT_COLS \
	"id, org_id, checklist_id, checklist_version, mode, assessed_on, answered, total, complete," \
	" score_x100, critical_gaps, level, function_scores, created_by, created_at"

static json_t *assessment_json(sqlite3 *db, sqlite3_stmt *st, sqlite3_stmt *ans,
			       const struct checklist *cl, int provider, struct wr_err *e)
{
	int64_t id = sqlite3_column_int64(st, 0);
	int cyfun = !strcmp(prog_col(st, 4), "cyfun");
	json_t *o = json_pack("{s:I,s:I,s:{s:s,s:s},s:s,s:s,s:s,s:s}", "id", (json_int_t)id,
			      "org_id", (json_int_t)sqlite3_column_int64(st, 1), "checklist", "id",
			      prog_col(st, 2), "version", prog_col(st, 3), "mode", prog_col(st, 4),
			      "assessed_on", prog_col(st, 5), "created_by", prog_col(st, 13),
			      "created_at", prog_col(st, 14));
	json_t *answers = answers_json(ans, cl, provider, id);
	if (!o || !answers || json_object_set_new(o, "answers", answers)) {
		json_decref(o);
		wr_err_set(e, WR_ENOMEM, NULL, "out of memory");
		return NULL;
	}
	if (provider) /* the provider's part only: no town score */
		return o;
	json_error_t je;
	json_t *fs = json_loads(prog_col(st, 12), 0, &je);
	json_t *sc = json_pack("{s:i,s:i,s:b,s:i,s:i,s:o,s:o}", "answered", sqlite3_column_int(st, 6),
			       "total", sqlite3_column_int(st, 7), "complete", sqlite3_column_int(st, 8),
			       "value_x100", sqlite3_column_int(st, 9), "critical_gaps",
			       sqlite3_column_int(st, 10), "level", prog_col_json(st, 11),
			       "functions_x100", fs ? fs : json_object());
	json_t *steps = next_steps(ans, cl, cyfun, id, e);
	if (!sc || !steps || json_object_set_new(o, "score", sc) ||
	    json_object_set_new(o, "next_steps", steps)) {
		json_decref(o);
		(void)db;
		wr_err_set(e, WR_ENOMEM, NULL, "out of memory");
		return NULL;
	}
	return o;
}

static int list_where(sqlite3 *db, const struct actor *a, const char *where, int64_t param,
		      int limit, json_t **items, struct wr_err *e)
{
	const struct checklist *cl = checklist_current(e);
	if (!cl)
		return e ? e->code : WR_EINTERNAL;
	char sql[256];
	snprintf(sql, sizeof sql, "SELECT " ASSESSMENT_COLS " FROM programme_assessments WHERE %s"
		 " ORDER BY id DESC LIMIT %d", where, limit);
	sqlite3_stmt *st = NULL, *ans = NULL;
	int rc;
	if ((rc = db_prepare(db, sql, &st, e)) ||
	    (rc = db_prepare(db, "SELECT item_id, item_hash, answer, documentation, implementation,"
				 " evidence, carried FROM programme_answers WHERE assessment_id = ?"
				 " ORDER BY rowid", &ans, e))) {
		sqlite3_finalize(st);
		return rc;
	}
	sqlite3_bind_int64(st, 1, param);
	json_t *arr = json_array();
	int s;
	while (arr && (s = sqlite3_step(st)) == SQLITE_ROW) {
		json_t *o = assessment_json(db, st, ans, cl, a->role == ROLE_PROVIDER, e);
		if (!o) {
			rc = e ? e->code : WR_ENOMEM;
			break;
		}
		json_array_append_new(arr, o);
	}
	if (!arr)
		rc = wr_err_set(e, WR_ENOMEM, NULL, "out of memory");
	else if (!rc && s != SQLITE_DONE)
		rc = db_fail(db, e);
	sqlite3_finalize(st);
	sqlite3_finalize(ans);
	if (rc)
		json_decref(arr);
	else
		*items = arr;
	return rc;
}

int assessment_list(sqlite3 *db, const struct actor *a, int64_t org_id, int limit,
		    json_t **items, struct wr_err *e)
{
	int rc = db_begin_read(db, e);
	if (rc)
		return rc;
	if (!(rc = prog_org_visible(db, a, org_id, e)))
		rc = list_where(db, a, "org_id = ?", org_id, limit, items, e);
	db_end_read(db);
	return rc;
}

static int may_answer(const struct actor *a, int64_t org_id, struct wr_err *e)
{
	if (scope_is_staff(a) || a->role == ROLE_PROVIDER || (a->role == ROLE_SPOC && a->org_id == org_id))
		return 0;
	return wr_err_set(e, WR_EFORBIDDEN, NULL, "your role may not fill in this checklist");
}

static int build_draft(sqlite3 *db, const struct actor *a, int64_t org_id, const json_t *body,
		       struct draft *d, struct wr_err *e)
{
	static const char *const allowed[] = {"mode", "assessed_on", "answers", NULL};
	int rc, prev_cyfun = 0;
	int64_t prev;
	const char *mode = NULL;
	if ((rc = json_reject_unknown(body, allowed, e)) ||
	    (rc = json_get_string(body, "mode", 0, &mode, NULL, e)) ||
	    (rc = latest(db, org_id, &prev, &prev_cyfun, e)))
		return rc;
	static const char *const modes[] = {"simple", "cyfun", NULL};
	if (mode && (rc = prog_one_of(mode, modes, "mode", e)))
		return rc;
	d->cyfun = mode ? !strcmp(mode, "cyfun") : prev_cyfun;
	if (prev && prev_cyfun == d->cyfun && (rc = carry_over(db, prev, d, e)))
		return rc;
	const json_t *answers = json_object_get(body, "answers");
	if (!json_is_array(answers))
		return wr_err_set(e, WR_EINVAL, "answers", "must be a list (it may be empty)");
	size_t i;
	const json_t *o;
	json_array_foreach(answers, i, o)
	{
		if ((rc = apply_answer(a, d, i, o, e)))
			return rc;
	}
	return 0;
}

int assessment_create(sqlite3 *db, const struct actor *a, int64_t org_id, const json_t *body,
		      json_t **out, struct wr_err *e)
{
	const struct checklist *cl = checklist_current(e);
	if (!cl)
		return e ? e->code : WR_EINTERNAL;
	char on[11];
	time_today(on);
	char today[11];
	memcpy(today, on, sizeof today);
	int rc = prog_get_date(body, "assessed_on", 0, on, e);
	if (rc)
		return rc;
	if (strcmp(on, today) > 0)
		return wr_err_set(e, WR_EINVAL, "assessed_on", "lies in the future");
	struct draft *d = calloc(1, sizeof *d);
	if (!d)
		return wr_err_set(e, WR_ENOMEM, NULL, "out of memory");
	d->cl = cl;
	int64_t id = 0;
	if ((rc = db_begin(db, e))) {
		free(d);
		return rc;
	}
	if (!(rc = prog_org_visible(db, a, org_id, e)) && !(rc = may_answer(a, org_id, e)) &&
	    !(rc = build_draft(db, a, org_id, body, d, e)) &&
	    !(rc = insert_assessment(db, a, org_id, d, on, &id, e))) {
		json_t *j = json_pack("{s:I,s:s,s:s,s:s}", "org_id", (json_int_t)org_id, "mode",
				      mode_name(d->cyfun), "assessed_on", on, "checklist", cl->version);
		rc = j ? journal_append(db, a->name, "assessment.create", "assessment", id, j, e)
		       : wr_err_set(e, WR_ENOMEM, NULL, "out of memory");
		json_decref(j);
	}
	draft_release(d);
	free(d);
	if ((rc = prog_finish(db, rc, e)))
		return rc;
	json_t *items = NULL;
	if ((rc = list_where(db, a, "id = ?", id, 1, &items, e)))
		return rc;
	*out = json_incref(json_array_get(items, 0));
	json_decref(items);
	return *out ? 0 : wr_err_set(e, WR_EINTERNAL, NULL, "the assessment vanished");
}
