/* warroom export orgs|contacts|providers|assets > FILE.csv: the columns
 * that `warroom import` reads. */
#include "cli/cli.h"
#include "registry/export.h"
#include "store/db.h"

#include <stdio.h>

int cmd_export(struct cli *c, int argc, char **argv)
{
	enum import_kind kind;
	if (argc >= 2 && cli_is_intel_export(argv[1]))
		return cmd_export_intel(c, argc, argv);
	if (argc != 2 || import_kind_parse(argv[1], &kind)) {
		fprintf(stderr, "usage: warroom export orgs|contacts|providers|assets > FILE.csv\n");
		return 2;
	}
	sqlite3 *db;
	if (cli_open_db(c, &db))
		return 1;
	struct export_result r;
	struct wr_err e = {0};
	int rc = registry_export_csv(db, &c->actor, kind, stdout, &r, &e);
	db_close(db);
	if (rc)
		return cli_fail(c, &e);
	if (r.by_id_rows)
		fprintf(stderr,
			"%s: note: %zu row%s name an organisation by its id (it has no NIS code or"
			" unique name valid today); ids differ between databases\n",
			c->prog, r.by_id_rows, r.by_id_rows == 1 ? "" : "s");
	return 0;
}
