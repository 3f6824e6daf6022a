/* The legal clocks of an incident (incidents/incidents.h): due times, the
 * calendar month of the NIS2 final report at its edges, states, the
 * taxonomy and the status machine. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <sqlite3.h>
#include <string.h>

#include "base/timeutil.h"
#include "incidents/incidents.h"

static int64_t at(const char *s)
{
	int64_t t = 0;
	assert_int_equal(time_parse_rfc3339(s, &t), 0);
	return t;
}

static void month_is(const char *from, const char *want)
{
	char got[32];
	time_format_rfc3339((time_t)incident_add_month(at(from)), got, sizeof got);
	assert_string_equal(got, want);
}

static void test_add_month(void **state)
{
	(void)state;
	month_is("2026-01-31T10:00:00Z", "2026-02-28T10:00:00Z");
	month_is("2028-01-31T10:00:00Z", "2028-02-29T10:00:00Z"); /* leap year */
	month_is("2100-01-31T00:00:00Z", "2100-02-28T00:00:00Z"); /* not a leap year */
	month_is("2000-01-30T00:00:00Z", "2000-02-29T00:00:00Z"); /* a leap year */
	month_is("2026-03-31T23:59:59Z", "2026-04-30T23:59:59Z");
	month_is("2026-12-15T03:10:00Z", "2027-01-15T03:10:00Z");
	month_is("2026-11-28T03:10:00Z", "2026-12-28T03:10:00Z");
}

static const char *field(json_t *clocks, size_t i, const char *key)
{
	return json_string_value(json_object_get(json_array_get(clocks, i), key));
}

static void test_clocks(void **state)
{
	(void)state;
	int64_t aware = at("2026-11-28T03:10:00Z");
	json_t *none = json_array();
	json_t *c = incident_clocks(aware, 0, none, at("2026-11-29T03:09:59Z"));
	assert_int_equal(json_array_size(c), 3); /* no GDPR clock without personal data */
	assert_string_equal(field(c, 0, "due"), "2026-11-29T03:10:00Z");
	assert_string_equal(field(c, 0, "state"), "due");
	assert_string_equal(field(c, 1, "due"), "2026-12-01T03:10:00Z");
	assert_null(field(c, 2, "due")); /* the final report waits for the notification */
	assert_string_equal(field(c, 2, "state"), "waiting");
	json_decref(c);
	c = incident_clocks(aware, 1, none, at("2026-11-29T03:10:01Z"));
	assert_int_equal(json_array_size(c), 4);
	assert_string_equal(field(c, 0, "state"), "overdue"); /* a second late */
	assert_string_equal(field(c, 3, "name"), "GDPR notification");
	assert_string_equal(field(c, 3, "due"), "2026-12-01T03:10:00Z");
	json_decref(c);
	json_t *reports = json_pack("[{s:s, s:s}, {s:s, s:s}]", "kind", "nis2-early-warning",
				    "submitted_at", "2026-11-28T20:00:00Z", "kind",
				    "nis2-notification", "submitted_at", "2027-01-31T09:00:00Z");
	c = incident_clocks(aware, 0, reports, at("2027-02-01T00:00:00Z"));
	assert_string_equal(field(c, 0, "state"), "done");
	assert_string_equal(field(c, 0, "submitted_at"), "2026-11-28T20:00:00Z");
	assert_string_equal(field(c, 1, "state"), "done"); /* late, but submitted */
	assert_string_equal(field(c, 2, "due"), "2027-02-28T09:00:00Z");
	assert_string_equal(field(c, 2, "state"), "due");
	json_decref(c);
	json_decref(reports);
	json_decref(none);
}

/* Across the start of summer time in Brussels (29 March 2026, 02:00 CET ->
 * 03:00 CEST) the clocks count elapsed hours: 24 hours after Saturday
 * 23:00 CET is Monday 00:00 CEST by the wall clock, and due_local says so. */
static void test_clocks_across_summer_time(void **state)
{
	(void)state;
	json_t *reports = json_array();
	int64_t aware = at("2026-03-28T22:00:00Z"); /* 23:00 in Brussels (CET) */
	json_t *c = incident_clocks(aware, 1, reports, aware);
	const json_t *early = json_array_get(c, 0);
	assert_string_equal(json_string_value(json_object_get(early, "kind")), "nis2-early-warning");
	assert_string_equal(json_string_value(json_object_get(early, "due_at")), "2026-03-29T22:00:00Z");
	assert_string_equal(json_string_value(json_object_get(early, "due_local")), "2026-03-30T00:00");
	const json_t *notif = json_array_get(c, 1);
	assert_string_equal(json_string_value(json_object_get(notif, "due_at")), "2026-03-31T22:00:00Z");
	assert_string_equal(json_string_value(json_object_get(notif, "due_local")), "2026-04-01T00:00");
	/* and back to winter time on 25 October: 72 h after Friday 12:00 CEST */
	json_decref(c);
	aware = at("2026-10-23T10:00:00Z");
	c = incident_clocks(aware, 1, reports, aware);
	assert_string_equal(json_string_value(json_object_get(json_array_get(c, 3), "kind")), "gdpr-notification");
	assert_string_equal(json_string_value(json_object_get(json_array_get(c, 3), "due_local")), "2026-10-26T11:00");
	json_decref(c);
	json_decref(reports);
}

/* wr_incident_overdue (what ?clock=overdue and the counts' "overdue" ask)
 * on a connection where it is registered; reports[k] NULL: not recorded. */
static int sql_overdue(sqlite3 *db, int64_t aware, int pd, const char *const reports[INCIDENT_CLOCKS],
		       int64_t now)
{
	sqlite3_stmt *st;
	char a[32];
	time_format_rfc3339((time_t)aware, a, sizeof a);
	assert_int_equal(sqlite3_prepare_v2(db, "SELECT wr_incident_overdue(?1, ?2, ?3, ?4, ?5, ?6, ?7)", -1,
					    &st, NULL), SQLITE_OK);
	sqlite3_bind_text(st, 1, a, -1, SQLITE_TRANSIENT);
	sqlite3_bind_int(st, 2, pd);
	for (int k = 0; k < INCIDENT_CLOCKS; k++)
		if (reports[k])
			sqlite3_bind_text(st, 3 + k, reports[k], -1, SQLITE_STATIC);
	sqlite3_bind_int64(st, 7, now);
	assert_int_equal(sqlite3_step(st), SQLITE_ROW);
	int overdue = sqlite3_column_int(st, 0);
	sqlite3_finalize(st);
	return overdue;
}

/* Whether a clock the API shows is overdue. */
static int shown_overdue(int64_t aware, int pd, const char *const reports[INCIDENT_CLOCKS], int64_t now)
{
	static const char *const kinds[INCIDENT_CLOCKS] = {"nis2-early-warning", "nis2-notification",
							   "nis2-final", "gdpr"};
	json_t *r = json_array();
	for (int k = 0; k < INCIDENT_CLOCKS; k++)
		if (reports[k])
			json_array_append_new(r, json_pack("{s:s, s:s}", "kind", kinds[k], "submitted_at", reports[k]));
	json_t *c = incident_clocks(aware, pd, r, now);
	int overdue = 0;
	for (size_t i = 0; i < json_array_size(c); i++)
		overdue |= !strcmp(field(c, i, "state"), "overdue");
	json_decref(c);
	json_decref(r);
	return overdue;
}

/* The SQL function and the clocks agree at every edge: a minute either side
 * of 24 h and 72 h, the final report's clamped month (notification on 31
 * January, due on 28 February), personal data on and off, every set of
 * reports recorded. */
static void test_sql_agrees_with_clocks(void **state)
{
	(void)state;
	sqlite3 *db;
	assert_int_equal(sqlite3_open(":memory:", &db), SQLITE_OK);
	assert_int_equal(incidents_sql_register(db), SQLITE_OK);
	int64_t aware = at("2026-01-30T09:00:00Z");
	const char *sub = "2026-01-31T09:00:00Z"; /* each report, the notification too */
	const int64_t nows[] = {aware + 24 * 3600 - 60, aware + 24 * 3600, aware + 24 * 3600 + 60,
				aware + 72 * 3600 - 60, aware + 72 * 3600, aware + 72 * 3600 + 60,
				at("2026-02-28T08:59:00Z"), at("2026-02-28T09:00:00Z"), at("2026-02-28T09:01:00Z")};
	int seen[2] = {0, 0};
	for (unsigned set = 0; set < 1u << INCIDENT_CLOCKS; set++)
		for (int pd = 0; pd < 2; pd++)
			for (size_t n = 0; n < sizeof nows / sizeof nows[0]; n++) {
				const char *reports[INCIDENT_CLOCKS];
				for (int k = 0; k < INCIDENT_CLOCKS; k++)
					reports[k] = set & 1u << k ? sub : NULL;
				int want = shown_overdue(aware, pd, reports, nows[n]);
				assert_int_equal(sql_overdue(db, aware, pd, reports, nows[n]), want);
				seen[want]++;
			}
	assert_true(seen[0] && seen[1]);
	/* the final report alone: due on the last day of February, not later */
	const char *all_but_final[INCIDENT_CLOCKS] = {sub, sub, NULL, sub};
	assert_false(sql_overdue(db, aware, 1, all_but_final, at("2026-02-28T09:00:00Z")));
	assert_true(sql_overdue(db, aware, 1, all_but_final, at("2026-02-28T09:00:01Z")));
	/* GDPR only with personal data */
	const char *all_but_gdpr[INCIDENT_CLOCKS] = {sub, sub, sub, NULL};
	assert_false(sql_overdue(db, aware, 0, all_but_gdpr, aware + 72 * 3600 + 60));
	assert_true(sql_overdue(db, aware, 1, all_but_gdpr, aware + 72 * 3600 + 60));
	/* a recorded report settles its clock, whatever its time says */
	const char *epoch[INCIDENT_CLOCKS] = {"1970-01-01T00:00:00Z", NULL, NULL, NULL};
	assert_false(shown_overdue(aware, 0, epoch, aware + 24 * 3600 + 60));
	assert_false(sql_overdue(db, aware, 0, epoch, aware + 24 * 3600 + 60));
	/* open: every status that is not final */
	sqlite3_stmt *st;
	assert_int_equal(sqlite3_prepare_v2(db, "SELECT wr_incident_open('triaged'), wr_incident_open('closed'),"
					    " wr_incident_open('rejected'), wr_incident_open('duplicate')", -1, &st, NULL),
			 SQLITE_OK);
	assert_int_equal(sqlite3_step(st), SQLITE_ROW);
	assert_int_equal(sqlite3_column_int(st, 0), 1);
	for (int i = 1; i < 4; i++)
		assert_int_equal(sqlite3_column_int(st, i), 0);
	sqlite3_finalize(st);
	sqlite3_close(db);
}

static void test_taxonomy_and_status(void **state)
{
	(void)state;
	assert_true(incident_taxonomy_valid("malicious-code", "infected-system"));
	assert_true(incident_taxonomy_valid("availability", "ddos"));
	assert_false(incident_taxonomy_valid("availability", "infected-system"));
	assert_false(incident_taxonomy_valid("ransomware", "other"));
	assert_true(incident_transition_ok("reported", "triaged"));
	assert_true(incident_transition_ok("recovered", "closed"));
	assert_true(incident_transition_ok("contained", "duplicate"));
	assert_false(incident_transition_ok("reported", "contained")); /* no step skipped */
	assert_false(incident_transition_ok("triaged", "reported"));   /* never back */
	assert_false(incident_transition_ok("closed", "rejected"));    /* final */
	assert_false(incident_transition_ok("rejected", "triaged"));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_add_month),
		cmocka_unit_test(test_clocks),
		cmocka_unit_test(test_clocks_across_summer_time),
		cmocka_unit_test(test_sql_agrees_with_clocks),
		cmocka_unit_test(test_taxonomy_and_status),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
