/* PATCH /api/v1/incidents/{id}: the town's SPOC or the war room corrects or
 * completes the facts after the report (docs/incidents.md). The given fields
 * are merged into the current ones and the whole is checked as a report is
 * (taxonomy pair, moments in order and not in the future, enumerations), so
 * a change never leaves an incident that could not have been reported. */
#include "incidents/incidents.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/jsonutil.h"
#include "incidents/inc_internal.h"
#include "store/db.h"

static const char *const texts[] = {"title", "description", "category", "type", "severity", "tlp", NULL};
static const char *const times[] = {"occurred_at", "detected_at", "aware_at", NULL};
static const char *const flags[] = {"significant", "personal_data", "nis2_mandatory", "consent_provider",
				    "consent_lessons", "consent_indicators", NULL};

static int one_of(const char *s, const char *const list[])
{
	for (int i = 0; list[i]; i++)
		if (!strcmp(s, list[i]))
			return 1;
	return 0;
}

/* cur with the body's fields over it, each checked for its type. */
static int merge(json_t *cur, const json_t *body, struct wr_err *e)
{
	const char *k;
	json_t *v;
	json_object_foreach((json_t *)body, k, v) {
		int rc = 0;
		if (one_of(k, texts)) {
			if (!json_is_string(v))
				rc = wr_err_set(e, WR_EINVAL, k, "must be a string");
		} else if (one_of(k, times)) {
			char norm[32];
			if (json_is_null(v) && strcmp(k, "aware_at")) {
				json_object_set_new(cur, k, json_null());
				continue;
			}
			json_t *one = json_pack("{s:O}", k, v);
			rc = one ? inc_time_field(one, k, 1, norm, e) : wr_err_set(e, WR_ENOMEM, NULL, "out of memory");
			json_decref(one);
			if (!rc) {
				json_object_set_new(cur, k, json_string(norm));
				continue;
			}
		} else if (one_of(k, flags)) {
			if (!json_is_boolean(v))
				rc = wr_err_set(e, WR_EINVAL, k, "must be true or false");
		} else if (!strcmp(k, "impact")) {
			if (!json_is_object(v))
				rc = wr_err_set(e, WR_EINVAL, k, "must be an object");
		} else {
			rc = wr_err_set(e, WR_EINVAL, k, "is not a field that can be changed");
		}
		if (rc)
			return rc;
		json_object_set(cur, k, v);
	}
	return 0;
}

static const char *str(const json_t *o, const char *k)
{
	const char *s = json_string_value(json_object_get(o, k));
	return s ? s : "";
}

static int check(const json_t *m, struct wr_err *e)
{
	static const char *const severities[] = {"low", "medium", "high", "critical", NULL};
	static const char *const tlps[] = {"CLEAR", "GREEN", "AMBER", "AMBER+STRICT", "RED", NULL};
	size_t tl = strlen(str(m, "title"));
	if (tl < 1 || tl > 200)
		return wr_err_set(e, WR_EINVAL, "title", "must have 1 to 200 characters");
	if (!incident_taxonomy_valid(str(m, "category"), str(m, "type")))
		return wr_err_set(e, WR_EINVAL, "type", "%s / %s is not a category and type of the reference taxonomy",
				  str(m, "category"), str(m, "type"));
	if (!one_of(str(m, "severity"), severities))
		return wr_err_set(e, WR_EINVAL, "severity", "is not low, medium, high or critical");
	if (!one_of(str(m, "tlp"), tlps))
		return wr_err_set(e, WR_EINVAL, "tlp", "is not CLEAR, GREEN, AMBER, AMBER+STRICT or RED");
	return inc_moments_check(str(m, "occurred_at"), str(m, "detected_at"), str(m, "aware_at"), e);
}

int incident_update(sqlite3 *db, const struct actor *a, int64_t id, const json_t *body, json_t **out,
		    struct wr_err *e)
{
	*out = NULL;
	json_t *cur;
	int rc = incident_get(db, a, id, &cur, e);
	if (rc)
		return rc;
	if ((rc = inc_party(db, a, id, e)) ||
	    (!scope_is_staff(a) && a->role != ROLE_SPOC &&
	     (rc = wr_err_set(e, WR_EFORBIDDEN, NULL, "the town's SPOC or the war room changes an incident"))) ||
	    (incident_status_final(str(cur, "status")) &&
	     (rc = wr_err_set(e, WR_ECONFLICT, "status", "the incident is %s: it no longer changes", str(cur, "status")))) ||
	    (!json_object_size(body) && (rc = wr_err_set(e, WR_EINVAL, NULL, "nothing to change"))) ||
	    (rc = merge(cur, body, e)) || (rc = check(cur, e))) {
		json_decref(cur);
		return rc;
	}
	char *impact = json_dumps(json_object_get(cur, "impact"), JSON_COMPACT | JSON_SORT_KEYS);
	char now[32], status[16], what[400] = "changed:";
	const char *k;
	json_t *v;
	json_object_foreach((json_t *)body, k, v) {
		size_t n = strlen(what);
		snprintf(what + n, sizeof what - n, " %s", k);
	}
	inc_now(now);
	if (!impact)
		rc = wr_err_set(e, WR_ENOMEM, NULL, "out of memory");
	if (rc || (rc = inc_begin(db, a, id, 0, status, e))) {
		free(impact);
		json_decref(cur);
		return rc;
	}
	sqlite3_stmt *st;
	rc = db_prepare(db,
			"UPDATE incidents SET title = ?2, description = ?3, occurred_at = ?4, detected_at = ?5,"
			" aware_at = ?6, category = ?7, type = ?8, severity = ?9, tlp = ?10, significant = ?11,"
			" personal_data = ?12, nis2_mandatory = ?13, consent_provider = ?14, impact = ?17,"
			" updated_at = ?18, consent_lessons = ?15, consent_indicators = ?16 WHERE id = ?1",
			&st, e);
	if (!rc) {
		static const char *const cols[] = {"title", "description", "occurred_at", "detected_at", "aware_at",
						   "category", "type", "severity", "tlp"};
		sqlite3_bind_int64(st, 1, id);
		for (int i = 0; i < 9; i++)
			db_bind_text_or_null(st, i + 2, json_string_value(json_object_get(cur, cols[i])));
		for (int i = 0; flags[i]; i++)
			sqlite3_bind_int(st, 11 + i, json_is_true(json_object_get(cur, flags[i])));
		sqlite3_bind_text(st, 17, impact, -1, SQLITE_STATIC);
		sqlite3_bind_text(st, 18, now, -1, SQLITE_STATIC);
		if (!(rc = db_step_done(db, st, e)))
			rc = inc_timeline_add(db, id, a->name, "update", what, 0, now, e);
	}
	json_t *d = json_pack("{s:s}", "fields", what + 9);
	rc = inc_finish(db, a, id, "incident.update", d, rc, out, e);
	json_decref(d);
	free(impact);
	json_decref(cur);
	return rc;
}
