/* The small state machines of tasks and help requests, and when something
 * is due (incidents.h): pure functions, tested in tests/unit. */
#include "incidents/incidents.h"

#include <string.h>

int incident_status_final(const char *status)
{
	return !strcmp(status, "closed") || !strcmp(status, "rejected") ||
	       !strcmp(status, "duplicate");
}

/* open -> done | skipped; done | skipped -> open (reopened). */
int incident_task_transition_ok(const char *from, const char *to)
{
	if (!strcmp(from, "open"))
		return !strcmp(to, "done") || !strcmp(to, "skipped");
	if (!strcmp(from, "done") || !strcmp(from, "skipped"))
		return !strcmp(to, "open");
	return 0;
}

/* requested -> offered -> accepted -> closed; an offer can be declined
 * (offered -> requested); any open request can be closed. */
int incident_help_transition_ok(const char *from, const char *to)
{
	static const char *const ok[][2] = {
		{"requested", "offered"}, {"offered", "accepted"}, {"offered", "requested"},
		{"requested", "closed"},  {"offered", "closed"},   {"accepted", "closed"},
	};
	for (size_t i = 0; i < sizeof ok / sizeof ok[0]; i++)
		if (!strcmp(from, ok[i][0]) && !strcmp(to, ok[i][1]))
			return 1;
	return 0;
}

int incident_past_due(int64_t due, int64_t now)
{
	return now > due; /* due at 03:10:00 is still in time at 03:10:00 */
}

const char *incident_due_state(int64_t due, int64_t now, int64_t horizon)
{
	if (!due)
		return NULL;
	if (incident_past_due(due, now))
		return "overdue";
	return due - now <= horizon ? "soon" : NULL;
}
