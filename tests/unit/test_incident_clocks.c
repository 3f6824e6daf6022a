/* The legal clocks of an incident (incidents/incidents.h): due times, the
 * calendar month of the NIS2 final report at its edges, states, the
 * taxonomy and the status machine. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

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
		cmocka_unit_test(test_taxonomy_and_status),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
