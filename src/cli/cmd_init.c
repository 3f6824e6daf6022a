/* warroom init: creates the database or applies the missing migrations. */
#include "cli/cli.h"
#include "store/db.h"
#include "intel/intel.h"

#include <sodium.h>

#include <stdio.h>
#include <string.h>

int cmd_init(struct cli *c, int argc, char **argv)
{
	int warninglists = 1;
	if (argc == 2 && !strcmp(argv[1], "--no-warninglists"))
		warninglists = 0;
	else if (argc != 1) {
		fprintf(stderr, "usage: warroom init [--no-warninglists]\n");
		return 2;
	}
	struct wr_err e = {0};
	sqlite3 *db;
	if (db_open(c->db_path, 1, &db, &e))
		return cli_fail(c, &e);
	int applied = 0;
	int rc = db_migrate(db, &applied, &e);
	int version = db_schema_version(db);
	int64_t lists = 0;
	if (!rc && warninglists && applied)
		rc = db_query_int(db, "SELECT count(*) FROM warninglists", 0, &lists, &e);
	if (rc) {
		db_close(db);
		return cli_fail(c, &e);
	}
	printf("%s: schema version %d (%d migration%s applied)\n", c->db_path, version, applied,
	       applied == 1 ? "" : "s");
	/* a new database gets the shipped false-positive lists (docs/intel.md) */
	rc = warninglists && applied && !lists ? cli_load_warninglists(c, db, NULL) : 0;
	db_close(db);
	if (rc)
		return rc;
	/* the war room's pack signing key beside the database (docs/intel.md) */
	char pub[256], sec[256];
	rc = intel_pack_keys(c->db_path, 1, pub, sec, &e);
	sodium_memzero(sec, sizeof sec);
	if (rc)
		return cli_fail(c, &e);
	return 0;
}
