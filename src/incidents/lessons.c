/* When an incident is over, the war room turns its lessons into an advisory
 * to the ICT providers of every local government (docs/incidents.md): an
 * advisory draft (TLP:GREEN, kind lessons-learned, role provider), only
 * with the town's consent, anonymised: the kind of incident, its month and
 * what was done, never the town, its people or its description; the
 * analyst's own text says what was learned. Four eyes follow as usual. */
#include "incidents/incidents.h"

#include <stdio.h>
#include <string.h>

#include "base/buf.h"
#include "base/jsonutil.h"
#include "comms/comms.h"
#include "incidents/inc_internal.h"

int incident_lessons(sqlite3 *db, const struct actor *a, int64_t id, const json_t *body, json_t **out,
		     struct wr_err *e)
{
	static const char *const allowed[] = {"lessons", "title", NULL};
	*out = NULL;
	if (!scope_is_staff(a))
		return wr_err_set(e, WR_EFORBIDDEN, NULL, "the war room shares lessons");
	const char *lessons, *title = NULL;
	int rc = json_reject_unknown(body, allowed, e);
	if (!rc)
		rc = json_get_string(body, "lessons", 1, &lessons, NULL, e);
	if (!rc)
		rc = json_get_string(body, "title", 0, &title, NULL, e);
	if (rc)
		return rc;
	if (!*lessons || strlen(lessons) > 20000)
		return wr_err_set(e, WR_EINVAL, "lessons", "says what was learned in 1 to 20,000 characters");
	json_t *inc, *tasks = NULL;
	if ((rc = incident_get(db, a, id, &inc, e)))
		return rc;
	if (!json_is_true(json_object_get(inc, "consent_lessons"))) {
		json_decref(inc);
		return wr_err_set(e, WR_ECONFLICT, "consent_lessons", "the town has not consented to sharing its lessons");
	}
	const char *aware = json_string_value(json_object_get(inc, "aware_at"));
	struct buf b;
	buf_init(&b, 1 << 20);
	rc = buf_printf(&b,
			"**Lessons from an incident at a Flemish local government** (%s / %s, severity %s, %.7s).\n\n"
			"%s\n",
			json_string_value(json_object_get(inc, "category")), json_string_value(json_object_get(inc, "type")),
			json_string_value(json_object_get(inc, "severity")), aware ? aware : "", lessons);
	/* what was done: the playbook tasks completed, by title */
	if (!rc && !(rc = incident_tasks_list(db, a, id, &tasks, e))) {
		size_t i, n = 0;
		const json_t *t;
		json_array_foreach(tasks, i, t)
			if (!strcmp(json_string_value(json_object_get(t, "status")), "done") && !rc)
				rc = buf_printf(&b, "%s- %s\n", n++ ? "" : "\n**What the town did**\n\n",
						json_string_value(json_object_get(t, "title")));
	}
	char heading[240];
	snprintf(heading, sizeof heading, "%s",
		 title && *title ? title : "Lessons learned from an incident at a local government");
	json_t *draft = rc ? NULL
			   : json_pack("{s:s, s:s, s:s, s:s, s:s, s:{s:b, s:[s]}}", "title", heading, "body", b.ptr,
				       "tlp", "GREEN", "severity", "info", "kind", "lessons-learned", "audience",
				       "all", 1, "roles", "provider");
	if (!rc && !draft)
		rc = wr_err_set(e, WR_ENOMEM, NULL, "out of memory");
	if (!rc)
		rc = advisory_create(db, a, draft, out, e);
	json_decref(draft);
	json_decref(tasks);
	json_decref(inc);
	buf_release(&b);
	return rc;
}
