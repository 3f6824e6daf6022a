/* Open findings by age and severity (vulns/summary.h). */
#include "vulns/summary.h"

#include <string.h>

#include "base/timeutil.h"
#include "store/db.h"

static const char *const AGES[] = {"lt7", "7-30", "30-90", "gt90"};
static const char *const SEVERITIES[] = {"critical", "high", "medium", "low"};
#define NAGES 4
#define NSEV 4

/* A row of counts: one per severity and the total (which also counts a
 * severity outside the four, should a feed bring one). */
static json_t *counts(const json_int_t n[NSEV + 1])
{
	json_t *o = json_object();
	for (int s = 0; o && s < NSEV; s++)
		if (json_object_set_new(o, SEVERITIES[s], json_integer(n[s]))) {
			json_decref(o);
			return NULL;
		}
	if (o && json_object_set_new(o, "total", json_integer(n[NSEV]))) {
		json_decref(o);
		return NULL;
	}
	return o;
}

static int severity_index(const char *s)
{
	for (int i = 0; i < NSEV; i++)
		if (s && !strcmp(s, SEVERITIES[i]))
			return i;
	return -1;
}

/* count[age][severity] (the last column the total) and per status. */
static int tally(sqlite3 *db, int64_t org, const char *now, json_int_t n[NAGES][NSEV + 1],
		 json_int_t *open, json_int_t *acked, struct wr_err *e)
{
	sqlite3_stmt *st;
	int rc = db_prepare(db,
			    "SELECT CASE WHEN age < 7 THEN 0 WHEN age < 30 THEN 1 WHEN age < 90 THEN 2"
			    " ELSE 3 END, severity, status, count(*) FROM"
			    " (SELECT julianday(?1) - julianday(first_seen) AS age, severity, status"
			    "  FROM findings WHERE status IN ('open', 'acknowledged')"
			    "  AND (?2 = 0 OR org_id = ?2)) GROUP BY 1, 2, 3",
			    &st, e);
	if (rc)
		return rc;
	sqlite3_bind_text(st, 1, now, -1, SQLITE_STATIC);
	sqlite3_bind_int64(st, 2, org);
	int s;
	while ((s = sqlite3_step(st)) == SQLITE_ROW) {
		int age = sqlite3_column_int(st, 0);
		int sev = severity_index((const char *)sqlite3_column_text(st, 1));
		const char *status = (const char *)sqlite3_column_text(st, 2);
		json_int_t c = sqlite3_column_int64(st, 3);
		if (age < 0 || age >= NAGES)
			age = NAGES - 1; /* a first_seen that is no date sorts as the oldest */
		if (sev >= 0)
			n[age][sev] += c;
		n[age][NSEV] += c;
		*(status && !strcmp(status, "open") ? open : acked) += c;
	}
	sqlite3_finalize(st);
	return s == SQLITE_DONE ? 0 : db_fail(db, e);
}

int vuln_findings_summary(sqlite3 *db, const struct actor *a, int64_t org, json_t **out,
			  struct wr_err *e)
{
	*out = NULL;
	if (!scope_is_staff(a))
		return wr_err_set(e, WR_EFORBIDDEN, NULL, "the war room's figures");
	char now[32];
	time_now_rfc3339(now, sizeof now);
	json_int_t n[NAGES][NSEV + 1] = {{0}}, total[NSEV + 1] = {0}, open = 0, acked = 0;
	int64_t towns = 0;
	int rc = db_begin_read(db, e);
	if (rc)
		return rc;
	rc = tally(db, org, now, n, &open, &acked, e);
	if (!rc)
		rc = db_query_int(db,
				  "SELECT count(DISTINCT org_id) FROM findings WHERE status IN"
				  " ('open', 'acknowledged') AND (?1 = 0 OR org_id = ?1)",
				  org, &towns, e);
	db_end_read(db);
	if (rc)
		return rc;
	json_t *ages = json_array();
	for (int i = 0; ages && i < NAGES; i++) {
		for (int s = 0; s <= NSEV; s++)
			total[s] += n[i][s];
		json_t *row = counts(n[i]);
		if (!row || json_object_set_new(row, "age", json_string(AGES[i])) ||
		    json_array_append_new(ages, row)) {
			json_decref(row);
			json_decref(ages);
			ages = NULL;
		}
	}
	json_t *tot = ages ? counts(total) : NULL;
	*out = tot ? json_pack("{s:s, s:o, s:o, s:I, s:I, s:I}", "as_of", now, "ages", ages, "total",
			       tot, "open", open, "acknowledged", acked, "towns", (json_int_t)towns)
		   : NULL;
	if (!tot)
		json_decref(ages);
	return *out ? 0 : wr_err_set(e, WR_ENOMEM, NULL, "out of memory");
}
