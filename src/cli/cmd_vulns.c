/* warroom vulns route FILE.csv: routes every row of a scan CSV (columns ip
 * and hostname by header name) against the registry without writing
 * anything: where a report would go, and the routing stage of the benchmark
 * (bench/vulns, docs/vulns.md). */
#include "cli/cli.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "base/csv.h"
#include "store/db.h"
#include "vulns/route.h"

static int usage(void)
{
	fprintf(stderr, "usage: warroom vulns route FILE.csv\n"
			"       warroom vulns sources add|list|remove|enable|disable ...\n"
			"       warroom vulns fetch [ID|--all]\n");
	return 2;
}

int cmd_vulns(struct cli *c, int argc, char **argv)
{
	if (argc >= 2 && (!strcmp(argv[1], "sources") || !strcmp(argv[1], "fetch")))
		return cmd_vulns_sources(c, argc, argv);
	if (argc != 3 || strcmp(argv[1], "route"))
		return usage();
	struct timespec t0, t1;
	clock_gettime(CLOCK_MONOTONIC, &t0);
	FILE *in = fopen(argv[2], "rb");
	if (!in) {
		fprintf(stderr, "%s: %s: cannot open: %s\n", c->prog, argv[2], strerror(errno));
		return 1;
	}
	sqlite3 *db;
	if (cli_open_db(c, &db)) {
		fclose(in);
		return 1;
	}
	struct wr_err e = {0};
	struct vroute *rt = NULL;
	int rc = vroute_build(db, &rt, &e);
	db_close(db);
	struct csv_reader *cr = rc ? NULL : csv_reader_new(in, 0, 0);
	if (!rc && !cr)
		rc = wr_err_set(&e, WR_ENOMEM, NULL, "out of memory");
	struct csv_record *rec;
	int ip = -1, host = -1, n = 0;
	if (!rc && (n = csv_next(cr, &rec, &e)) == 1) {
		ip = csv_header_index(rec, "ip");
		host = csv_header_index(rec, "hostname");
	}
	if (!rc && n < 0)
		rc = n;
	if (!rc && ip < 0 && host < 0)
		rc = wr_err_set(&e, WR_EINVAL, "header", "has neither an ip nor a hostname column");
	size_t rows = 0, by_ip = 0, by_host = 0, nobody = 0, bad = 0;
	while (!rc && (n = csv_next(cr, &rec, &e)) == 1) {
		struct route_hit hit;
		const char *a = ip >= 0 && (size_t)ip < rec->n ? rec->fields[ip] : "";
		const char *h = host >= 0 && (size_t)host < rec->n ? rec->fields[host] : "";
		int k = *a ? vroute_addr(rt, a, &hit) : 0;
		rows++;
		if (k < 0)
			bad++;
		else if (k)
			by_ip++;
		else if (*h && vroute_host(rt, h, &hit))
			by_host++;
		else
			nobody++;
	}
	if (!rc && n < 0)
		rc = n;
	csv_reader_free(cr);
	vroute_free(rt);
	fclose(in);
	if (rc)
		return cli_fail(c, &e);
	clock_gettime(CLOCK_MONOTONIC, &t1);
	double s = (double)(t1.tv_sec - t0.tv_sec) + (double)(t1.tv_nsec - t0.tv_nsec) / 1e9;
	printf("routed %zu rows of %s: %zu to a town by address, %zu by host name, %zu reached nobody,"
	       " %zu not an address; %.3f s, %.0f rows/s\n",
	       rows, argv[2], by_ip, by_host, nobody, bad, s, s > 0 ? (double)rows / s : 0.0);
	return 0;
}
