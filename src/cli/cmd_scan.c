/* warroom import shadowserver|vulns-csv FILE: a scan report routed to the
 * towns (vulns/vulns.h, docs/vulns.md). Reached from cmd_import.c. */
#include "cli/cli.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "store/db.h"
#include "sweep/sweep_cli.h"
#include "vulns/vulns.h"

int cmd_import_scan(struct cli *c, int argc, char **argv)
{
	if (argc != 3) {
		fprintf(stderr, "usage: warroom import shadowserver YYYY-MM-DD-REPORT-FILTER.csv\n"
				"       warroom import vulns-csv FILE.csv (ip|hostname, port, issue, cve,"
				" severity, timestamp)\n");
		return 2;
	}
	/* A file is read as it is imported (a million rows need not fit in
	 * memory twice); standard input or a pipe is read whole first. */
	int csv = !strcmp(argv[1], "vulns-csv");
	FILE *in = strcmp(argv[2], "-") ? fopen(argv[2], "rb") : NULL;
	struct stat sb;
	char *text = NULL;
	size_t len = 0;
	struct wr_err e = {0};
	if (in && (fstat(fileno(in), &sb) || !S_ISREG(sb.st_mode))) {
		fclose(in);
		in = NULL;
	}
	if (!in && sweep_slurp(argv[2], &text, &len, &e)) {
		fprintf(stderr, "%s: %s: %s\n", c->prog, argv[2], e.message);
		return 1;
	}
	sqlite3 *db;
	if (cli_open_db(c, &db)) {
		free(text);
		if (in)
			fclose(in);
		return 1;
	}
	struct vuln_import_result r;
	int rc = in ? (csv ? vuln_import_csv_file(db, &c->actor, argv[2], in, &r, &e)
			   : vuln_import_shadowserver_file(db, &c->actor, argv[2], in, &r, &e))
		    : (csv ? vuln_import_csv(db, &c->actor, argv[2], text, len, &r, &e)
			   : vuln_import_shadowserver(db, &c->actor, argv[2], text, len, &r, &e));
	db_close(db);
	free(text);
	if (in)
		fclose(in);
	for (size_t i = 0; r.errors && i < json_array_size(r.errors); i++) {
		const json_t *x = json_array_get(r.errors, i);
		fprintf(stderr, "%s:%lld: %s (row skipped)\n", argv[2],
			(long long)json_integer_value(json_object_get(x, "line")),
			json_string_value(json_object_get(x, "message")));
	}
	size_t bad = r.errors ? json_array_size(r.errors) : 0;
	vuln_import_result_release(&r);
	if (rc)
		return cli_fail(c, &e);
	if (r.already)
		printf("imported 0 rows from %s: already imported, nothing changed\n", argv[2]);
	else
		printf("imported %zu rows from %s: %zu routed to a town, %zu reached nobody, %zu findings"
		       " opened, %zu refreshed, %zu reopened, %zu rows skipped, %zu probably fixed,"
		       " %zu towns notified (batch %lld)\n",
		       r.rows, argv[2], r.routed, r.unrouted, r.opened, r.refreshed, r.reopened, bad,
		       r.probably_fixed, r.notices, (long long)r.batch);
	return 0;
}
