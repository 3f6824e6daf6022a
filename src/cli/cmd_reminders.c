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

int cmd_programme(struct cli *c, int argc, char **argv)
{
	if (argc != 2 || strcmp(argv[1], "reminders")) {
		fprintf(stderr, "usage: warroom programme reminders\n");
		return 2;
	}
	sqlite3 *db;
	if (cli_open_db(c, &db))
		return 1;
	struct wr_err e = {0};
	int n = 0;
	int rc = session_reminders_due(db, &c->actor, time_now(), &n, &e);
	db_close(db);
	if (rc)
		return cli_fail(c, &e);
	printf("%d session reminder%s prepared (submitted, waiting for approval)\n", n, n == 1 ? "" : "s");
	return 0;
}

int cmd_incidents(struct cli *c, int argc, char **argv)
{
	if (argc != 2 || strcmp(argv[1], "reminders")) {
		fprintf(stderr, "usage: warroom incidents reminders\n");
		return 2;
	}
	sqlite3 *db;
	if (cli_open_db(c, &db))
		return 1;
	struct wr_err e = {0};
	int n = 0;
	int rc = incident_reminders_due(db, time_now(), &n, &e);
	db_close(db);
	if (rc)
		return cli_fail(c, &e);
	printf("%d clock reminder%s sent to the towns\n", n, n == 1 ? "" : "s");
	return 0;
}
