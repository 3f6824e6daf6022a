/* The one-click incident of an alert ("possible compromise at <town>"): the
 * war room opens an incident for the town, filled in from the alert's
 * sighting and indicator, and the alert points to it (docs/intel.md). The
 * alert is read, the incident created and the alert closed in one
 * transaction, so two analysts clicking at once get one incident. */
#include "intel/intel.h"

#include <stdio.h>
#include <string.h>

#include "audit/journal.h"
#include "base/jsonutil.h"
#include "base/timeutil.h"
#include "incidents/incidents.h"
#include "store/db.h"

/* What the analyst may set; the rest comes from the alert. */
static const char *const allowed[] = {"title", "description", "category", "type", "severity",
				      "tlp", "aware_at", NULL};

struct alert_row {
	int64_t org_id, incident_id, sighting_id;
	char status[16], title[256], type[16], value[IOC_VALUE_MAX + 1], where[256], host[256];
	int64_t count, first_seen, last_seen;
};

static void copy_col(sqlite3_stmt *st, int i, char *out, size_t n)
{
	const unsigned char *s = sqlite3_column_text(st, i);
	snprintf(out, n, "%s", s ? (const char *)s : "");
}

static int load_alert(sqlite3 *db, int64_t id, struct alert_row *r, struct wr_err *e)
{
	sqlite3_stmt *st;
	int rc = db_prepare(db,
			    "SELECT x.org_id, x.incident_id, x.status, x.title, i.type, i.value, s.where_seen,"
			    " s.host, s.count, s.first_seen, s.last_seen, x.sighting_id"
			    " FROM alerts x JOIN indicators i ON i.id = x.indicator_id"
			    " JOIN sightings s ON s.id = x.sighting_id WHERE x.id = ?1",
			    &st, e);
	if (rc)
		return rc;
	sqlite3_bind_int64(st, 1, id);
	int s = sqlite3_step(st);
	if (s != SQLITE_ROW) {
		sqlite3_finalize(st);
		if (s != SQLITE_DONE)
			return db_fail(db, e);
		return wr_err_set(e, WR_ENOTFOUND, NULL, "alert %lld not found", (long long)id);
	}
	r->org_id = sqlite3_column_int64(st, 0);
	r->incident_id = sqlite3_column_int64(st, 1);
	copy_col(st, 2, r->status, sizeof r->status);
	copy_col(st, 3, r->title, sizeof r->title);
	copy_col(st, 4, r->type, sizeof r->type);
	copy_col(st, 5, r->value, sizeof r->value);
	copy_col(st, 6, r->where, sizeof r->where);
	copy_col(st, 7, r->host, sizeof r->host);
	r->count = sqlite3_column_int64(st, 8);
	r->first_seen = sqlite3_column_int64(st, 9);
	r->last_seen = sqlite3_column_int64(st, 10);
	r->sighting_id = sqlite3_column_int64(st, 11);
	sqlite3_finalize(st);
	return 0;
}

/* The incident's description: what was seen, where and when, for the town. */
static void describe(const struct alert_row *r, char *out, size_t n)
{
	char first[32] = "unknown", last[32] = "unknown";
	if (r->first_seen)
		time_format_rfc3339((time_t)r->first_seen, first, sizeof first);
	if (r->last_seen)
		time_format_rfc3339((time_t)r->last_seen, last, sizeof last);
	snprintf(out, n,
		 "Opened by the war room from alert: %s.\n"
		 "Indicator: %s %s (sighting %lld: seen %lld time(s), first %s, last %s%s%s%s%s).",
		 r->title, r->type, r->value, (long long)r->sighting_id, (long long)r->count, first,
		 last, *r->host ? ", host " : "", r->host, *r->where ? ", in " : "", r->where);
}

/* A copy of the analyst's fields with the alert's defaults filled in. */
static json_t *incident_body(const json_t *given, const struct alert_row *r, const char *now)
{
	char desc[4096];
	describe(r, desc, sizeof desc);
	json_t *b = json_pack("{s:I, s:s, s:s, s:s, s:s, s:s, s:s}", "org_id", (json_int_t)r->org_id,
			      "title", r->title, "description", desc, "category", "malicious-code",
			      "type", "infected-system", "severity", "high", "aware_at", now);
	if (b && json_object_update_existing(b, (json_t *)given)) {
		json_decref(b);
		return NULL;
	}
	if (b && json_object_get(given, "tlp") && json_object_set(b, "tlp", json_object_get(given, "tlp"))) {
		json_decref(b);
		return NULL;
	}
	return b;
}

int intel_alert_incident(sqlite3 *db, const struct actor *a, int64_t id, const json_t *body,
			 json_t **out, struct wr_err *e)
{
	*out = NULL;
	if (!scope_is_staff(a))
		return wr_err_set(e, WR_EFORBIDDEN, NULL, "the war room opens incidents from alerts");
	int rc = json_reject_unknown(body, allowed, e);
	if (rc)
		return rc;
	struct alert_row r = {0};
	json_t *inc = NULL, *b = NULL;
	char now[32];
	time_format_rfc3339((time_t)time_now(), now, sizeof now);
	if ((rc = db_begin(db, e)))
		return rc;
	if ((rc = load_alert(db, id, &r, e)))
		goto fail;
	if (r.incident_id) {
		rc = wr_err_set(e, WR_ECONFLICT, "incident_id", "alert %lld already has incident %lld",
				(long long)id, (long long)r.incident_id);
		goto fail;
	}
	if (!strcmp(r.status, "false-positive")) {
		rc = wr_err_set(e, WR_ECONFLICT, "status", "alert %lld was marked a false positive",
				(long long)id);
		goto fail;
	}
	if (!(b = incident_body(body, &r, now))) {
		rc = wr_err_set(e, WR_ENOMEM, NULL, "out of memory");
		goto fail;
	}
	if ((rc = incident_create(db, a, b, &inc, e)))
		goto fail;
	int64_t inc_id = json_integer_value(json_object_get(inc, "id"));
	sqlite3_stmt *st;
	if ((rc = db_prepare(db, "UPDATE alerts SET incident_id = ?2, status = 'closed' WHERE id = ?1", &st, e)))
		goto fail;
	sqlite3_bind_int64(st, 1, id);
	sqlite3_bind_int64(st, 2, inc_id);
	if ((rc = db_step_done(db, st, e)) ||
	    (rc = journal_append(db, a->name, "intel.alert_incident", "alert", id, NULL, e)) ||
	    (rc = db_commit(db, e)))
		goto fail;
	json_decref(b);
	*out = json_pack("{s:I, s:s, s:I, s:o}", "id", (json_int_t)id, "status", "closed",
			 "incident_id", (json_int_t)inc_id, "incident", inc);
	return *out ? 0 : wr_err_set(e, WR_ENOMEM, NULL, "out of memory");
fail:
	db_rollback(db);
	json_decref(b);
	json_decref(inc);
	return rc;
}
