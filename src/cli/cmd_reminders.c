/* The reminders the server sends on its own, run by hand or from cron:
 * `warroom programme reminders` prepares the reminder of every information
 * session starting tomorrow (12 to 36 hours from now) that has
 * registrations, as a submitted advisory waiting for an analyst's approval
 * (docs/programme.md; the server does it hourly); `warroom incidents
 * reminders` sends the reminders of the incidents' legal clocks that are
 * due (docs/incidents.md; the server does it every five minutes). */
#include "cli/cli.h"
#include "base/timeutil.h"
#include "incidents/incidents.h"
#include "programme/sessions.h"
#include "store/db.h"

#include <stdio.h>
#include <string.h>

/* One kind of reminder: run(db, actor, now, &n, e) and what it did. */
typedef int (*reminders_fn)(sqlite3 *, const struct actor *, int64_t, int *, struct wr_err *);

static int run_reminders(struct cli *c, int argc, char **argv, const char *command, reminders_fn run,
			 const char *did)
{
	if (argc != 2 || strcmp(argv[1], "reminders")) {
		fprintf(stderr, "usage: warroom %s reminders\n", command);
		return 2;
	}
	sqlite3 *db;
	if (cli_open_db(c, &db))
		return 1;
	struct wr_err e = {0};
	int n = 0;
	int rc = run(db, &c->actor, time_now(), &n, &e);
	db_close(db);
	if (rc)
		return cli_fail(c, &e);
	printf("%d %s\n", n, did);
	return 0;
}

static int clock_reminders(sqlite3 *db, const struct actor *a, int64_t now, int *n, struct wr_err *e)
{
	(void)a; /* sent as the system */
	return incident_reminders_due(db, now, n, e);
}

int cmd_programme(struct cli *c, int argc, char **argv)
{
	return run_reminders(c, argc, argv, "programme", session_reminders_due,
			     "session reminder(s) prepared (submitted, waiting for approval)");
}

int cmd_incidents(struct cli *c, int argc, char **argv)
{
	return run_reminders(c, argc, argv, "incidents", clock_reminders, "clock reminder(s) sent to the towns");
}
