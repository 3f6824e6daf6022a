/* warroom import orgs|contacts|providers|assets FILE.csv (FILE may be -):
 * all lines or none (registry/import.h). */
#include "cli/cli.h"
#include "registry/import.h"
#include "store/db.h"
#include "vulns/feeds.h"
#include "vulns/vulns.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>

static int usage(void)
{
	fprintf(stderr, "usage: warroom import orgs|contacts|providers|assets FILE.csv"
			" (- reads standard input; the columns are in docs/csv.md)\n");
	return 2;
}

int cmd_import(struct cli *c, int argc, char **argv)
{
	enum import_kind kind;
	if (argc >= 2 && (!strcmp(argv[1], "shadowserver") || !strcmp(argv[1], "vulns-csv")))
		return cmd_import_scan(c, argc, argv);
	if (argc >= 2 && cli_is_feed_import(argv[1]))
		return cmd_import_feed(c, argc, argv);
	if (argc >= 2 && cli_is_intel_import(argv[1]))
		return cmd_import_intel(c, argc, argv);
	if (argc != 3 || import_kind_parse(argv[1], &kind))
		return usage();
	const char *path = argv[2];
	int from_stdin = !strcmp(path, "-");
	const char *label = from_stdin ? "stdin" : path;
	FILE *in = from_stdin ? stdin : fopen(path, "rb");
	if (!in) {
		fprintf(stderr, "%s: %s: cannot open: %s\n", c->prog, path, strerror(errno));
		return 1;
	}
	struct stat sb;
	if (!from_stdin && fstat(fileno(in), &sb) == 0 && S_ISDIR(sb.st_mode)) {
		fprintf(stderr, "%s: %s: is a directory, not a CSV file\n", c->prog, path);
		fclose(in);
		return 1;
	}
	sqlite3 *db;
	if (cli_open_db(c, &db)) {
		if (!from_stdin)
			fclose(in);
		return 1;
	}
	struct import_result r;
	struct wr_err e = {0};
	int rc = registry_import_csv(db, &c->actor, kind, in, &r, &e);
	size_t routed = 0, notices = 0;
	struct wr_err re = {0};
	/* New claims route the past scan events they cover, new software is
	 * matched against the stored CVEs (docs/vulns.md). */
	if (rc == 0 && kind == IMPORT_ASSETS && vuln_reroute(db, c->actor.name, &routed, &notices, &re))
		fprintf(stderr, "%s: routing past scan events: %s\n", c->prog, re.message);
	else if (routed)
		printf("%zu past scan events routed to a town, %zu towns notified\n", routed, notices);
	struct feed_result fr = {0};
	if (rc == 0 && kind == IMPORT_ASSETS && feed_match_saved_software(db, c->actor.name, &fr, &re))
		fprintf(stderr, "%s: matching software against the CVEs: %s\n", c->prog, re.message);
	else if (fr.matched)
		printf("%zu software findings: %zu opened, %zu refreshed, %zu reopened\n", fr.matched,
		       fr.opened, fr.refreshed, fr.reopened);
	feed_result_release(&fr);
	db_close(db);
	if (!from_stdin)
		fclose(in);
	if (rc == WR_EINVAL) {
		import_errors_print(&r, label, stderr);
		fprintf(stderr, "%s: %s\n", c->prog, e.message);
	} else if (rc == 0) {
		import_result_print(&r, label, stdout, stderr);
	}
	import_result_release(&r);
	if (rc && rc != WR_EINVAL)
		return cli_fail(c, &e);
	return rc ? 1 : 0;
}
