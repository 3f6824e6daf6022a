/* Incident playbooks (incidents/playbook.h): every playbook file shipped in
 * data/playbooks loads and is complete, a bad one is refused naming the task
 * and the field; task due dates; the task and help-request state machines;
 * when something counts as due soon or overdue. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/embedded.h"
#include "base/timeutil.h"
#include "incidents/incidents.h"
#include "incidents/playbook.h"

static void test_every_playbook_loads(void **state)
{
	(void)state;
	struct wr_err e = {0};
	size_t n = 0;
	const struct playbook *const *all = playbooks_all(&n, &e);
	if (!all)
		fail_msg("a playbook is refused: %s (%s)", e.message, e.field);
	assert_true(n >= 5);
	const char *must[] = {"ransomware", "phishing-account-takeover", "data-leak", "ddos",
			      "supplier-compromise"};
	for (size_t i = 0; i < sizeof must / sizeof must[0]; i++)
		assert_non_null(playbook_find(must[i]));
	assert_null(playbook_find("nope"));
	for (size_t i = 0; i < n; i++) {
		const json_t *tasks = json_object_get(all[i]->doc, "tasks");
		assert_true(json_array_size(tasks) >= 3);
		int notify = 0;
		size_t k;
		const json_t *t;
		json_array_foreach(tasks, k, t)
			notify |= !strcmp(json_string_value(json_object_get(t, "id")), "notify-authorities");
		if (!notify)
			fail_msg("playbook %s has no notify-authorities task", all[i]->id);
	}
	/* Every file in the source tree is embedded (and so loaded above). */
	char dir[512];
	const char *self = __FILE__, *cut = strstr(self, "tests/unit/");
	assert_non_null(cut); /* CMake compiles with the absolute path */
	snprintf(dir, sizeof dir, "%.*sdata/playbooks", (int)(cut - self), self);
	DIR *d = opendir(dir);
	assert_non_null(d);
	size_t files = 0;
	struct dirent *de;
	while ((de = readdir(d))) {
		size_t len = strlen(de->d_name);
		if (len > 5 && !strcmp(de->d_name + len - 5, ".json")) {
			char name[300];
			snprintf(name, sizeof name, "data/playbooks/%s", de->d_name);
			if (!embedded_find(name))
				fail_msg("%s is not embedded", name);
			files++;
		}
	}
	closedir(d);
	assert_int_equal(files, n);
}

static void refused(const char *doc, const char *file_id, int code, const char *field)
{
	struct wr_err e = {0};
	struct playbook *p = NULL;
	assert_int_equal(playbook_load_text(doc, strlen(doc), file_id, &p, &e), code);
	assert_null(p);
	assert_string_equal(e.field, field);
}

#define HEAD "{\"id\": \"x\", \"version\": \"1\", \"title\": \"X\", \"description\": \"d\", "

static void test_bad_playbooks_refused(void **state)
{
	(void)state;
	const char *good = HEAD "\"tasks\": [{\"id\": \"a\", \"title\": \"A\", \"owner\": \"town\", \"due_hours\": 2}]}";
	struct wr_err e = {0};
	struct playbook *p = NULL;
	assert_int_equal(playbook_load_text(good, strlen(good), "x", &p, &e), 0);
	assert_string_equal(p->id, "x");
	playbook_free(p);
	refused(good, "y", WR_EINVAL, "id"); /* not its file's name */
	refused("{\"id\": ", NULL, WR_EPARSE, "");
	refused("[]", NULL, WR_EINVAL, "");
	refused(HEAD "\"tasks\": []}", NULL, WR_EINVAL, "tasks");
	refused(HEAD "\"tasks\": [], \"extra\": 1}", NULL, WR_EINVAL, "extra");
	refused(HEAD "\"tasks\": [{\"id\": \"a\", \"title\": \"A\", \"owner\": \"mayor\"}]}", NULL, WR_EINVAL,
		"tasks[0].owner");
	refused(HEAD "\"tasks\": [{\"id\": \"a\", \"title\": \"A\", \"owner\": \"town\"},"
		     " {\"id\": \"a\", \"title\": \"B\", \"owner\": \"town\"}]}", NULL, WR_EINVAL, "tasks[1].id");
	refused(HEAD "\"tasks\": [{\"id\": \"a\", \"title\": \"A\", \"owner\": \"town\", \"due_hours\": -1}]}",
		NULL, WR_EINVAL, "tasks[0].due_hours");
	refused(HEAD "\"tasks\": [{\"id\": \"a\", \"title\": \"A\", \"owner\": \"town\", \"due_hours\": 1.5}]}",
		NULL, WR_EINVAL, "tasks[0].due_hours");
	refused(HEAD "\"tasks\": [{\"id\": \"a\", \"title\": \"\", \"owner\": \"town\"}]}", NULL, WR_EINVAL,
		"tasks[0].title");
	refused(HEAD "\"tasks\": [{\"id\": \"A B\", \"title\": \"t\", \"owner\": \"town\"}]}", NULL, WR_EINVAL,
		"tasks[0].id");
	refused(HEAD "\"tasks\": [{\"id\": \"a\", \"title\": \"t\", \"owner\": \"town\", \"when\": 1}]}", NULL,
		WR_EINVAL, "tasks[0].when");
	refused(HEAD "\"tasks\": [7]}", NULL, WR_EINVAL, "tasks[0].id");
}

static int64_t at(const char *s)
{
	int64_t t = 0;
	assert_int_equal(time_parse_rfc3339(s, &t), 0);
	return t;
}

static void test_task_due_dates(void **state)
{
	(void)state;
	json_t *t = json_pack("{s:i}", "due_hours", 24);
	int64_t aware = at("2026-10-24T23:30:00Z");
	/* Elapsed hours, across the end of summer time in Brussels (25 October). */
	char got[32];
	time_format_rfc3339((time_t)playbook_task_due(aware, t), got, sizeof got);
	assert_string_equal(got, "2026-10-25T23:30:00Z");
	json_object_set_new(t, "due_hours", json_integer(0));
	assert_int_equal(playbook_task_due(aware, t), aware);
	json_object_del(t, "due_hours");
	assert_int_equal(playbook_task_due(aware, t), 0); /* no due date */
	json_decref(t);
	const json_t *isolate = json_array_get(json_object_get(playbook_find("ransomware")->doc, "tasks"), 0);
	assert_int_equal(playbook_task_due(aware, isolate), aware + 3600);
}

static void test_state_machines(void **state)
{
	(void)state;
	assert_true(incident_task_transition_ok("open", "done"));
	assert_true(incident_task_transition_ok("open", "skipped"));
	assert_true(incident_task_transition_ok("done", "open"));
	assert_true(incident_task_transition_ok("skipped", "open"));
	assert_false(incident_task_transition_ok("done", "skipped"));
	assert_false(incident_task_transition_ok("done", "done"));
	assert_false(incident_task_transition_ok("open", "open"));
	assert_false(incident_task_transition_ok("open", "closed"));
	assert_true(incident_help_transition_ok("requested", "offered"));
	assert_true(incident_help_transition_ok("offered", "accepted"));
	assert_true(incident_help_transition_ok("offered", "requested")); /* declined */
	assert_true(incident_help_transition_ok("accepted", "closed"));
	assert_true(incident_help_transition_ok("requested", "closed"));
	assert_false(incident_help_transition_ok("requested", "accepted")); /* nothing offered */
	assert_false(incident_help_transition_ok("accepted", "offered"));
	assert_false(incident_help_transition_ok("accepted", "requested"));
	assert_false(incident_help_transition_ok("closed", "requested"));  /* final */
	assert_false(incident_help_transition_ok("closed", "closed"));
	assert_true(incident_status_final("closed"));
	assert_true(incident_status_final("duplicate"));
	assert_false(incident_status_final("recovered"));
}

static void test_due_state(void **state)
{
	(void)state;
	int64_t now = at("2026-11-29T02:10:00Z"), h = 2 * 3600;
	assert_string_equal(incident_due_state(now - 1, now, h), "overdue");
	assert_string_equal(incident_due_state(now, now, h), "soon"); /* due this second */
	assert_string_equal(incident_due_state(now + h, now, h), "soon");
	assert_null(incident_due_state(now + h + 1, now, h));
	assert_null(incident_due_state(0, now, h)); /* nothing due */
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_every_playbook_loads),
		cmocka_unit_test(test_bad_playbooks_refused),
		cmocka_unit_test(test_task_due_dates),
		cmocka_unit_test(test_state_machines),
		cmocka_unit_test(test_due_state),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
