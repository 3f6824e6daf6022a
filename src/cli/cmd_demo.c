/* warroom demo: loads the demo data into an empty database. */
#include "cli/cli.h"
#include "registry/demo.h"
#include "store/db.h"

#include <stdio.h>

int cmd_demo(struct cli *c, int argc, char **argv)
{
	(void)argv;
	if (argc != 1) {
		fprintf(stderr, "usage: warroom demo\n");
		return 2;
	}
	sqlite3 *db;
	if (cli_open_db(c, &db))
		return 1;
	struct demo_summary s;
	struct wr_err e = {0};
	int rc = demo_load(db, &c->actor, &s, &e);
	db_close(db);
	if (rc)
		return cli_fail(c, &e);
	printf("demo: %d municipalities, %d provinces, %d past municipalities, %d providers,"
	       " %d contacts, %d assets (%d towns deliberately incomplete)\n",
	       s.municipalities, s.provinces, s.past, s.providers, s.contacts, s.assets,
	       s.incomplete);
	return 0;
}
