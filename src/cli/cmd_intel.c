/* warroom import stix|misp|csv|list FILE and warroom export
 * stix|misp|csv|list|zeek|suricata|misp-feed: the indicator store from the
 * command line (docs/intel.md). Reached from cmd_import.c and cmd_export.c. */
#include "cli/cli.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/timeutil.h"
#include "intel/store.h"
#include "store/db.h"
#include "sweep/sweep_cli.h"
#include "vulns/vulns.h"

static const char *const import_kinds[] = {"stix", "misp", "csv", "list", NULL};

int cli_is_ioc_import(const char *kind)
{
	for (int i = 0; kind && import_kinds[i]; i++)
		if (!strcmp(kind, import_kinds[i]))
			return 1;
	return 0;
}

int cmd_import_scan(struct cli *c, int argc, char **argv)
{
	if (argc != 3) {
		fprintf(stderr, "usage: warroom import shadowserver YYYY-MM-DD-REPORT-FILTER.csv\n");
		return 2;
	}
	char *text;
	size_t len;
	struct wr_err e = {0};
	if (sweep_slurp(argv[2], &text, &len, &e)) {
		fprintf(stderr, "%s: %s: %s\n", c->prog, argv[2], e.message);
		return 1;
	}
	sqlite3 *db;
	if (cli_open_db(c, &db)) {
		free(text);
		return 1;
	}
	struct vuln_import_result r;
	int rc = vuln_import_shadowserver(db, &c->actor, argv[2], text, len, &r, &e);
	db_close(db);
	free(text);
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
		       " opened, %zu refreshed, %zu reopened, %zu rows skipped\n",
		       r.rows, argv[2], r.routed, r.unrouted, r.opened, r.refreshed, r.reopened, bad);
	return 0;
}

int cli_is_ioc_export(const char *kind)
{
	enum intel_format f;
	return kind && (intel_format_from_name(kind, &f) == 0 || !strcmp(kind, "misp-feed"));
}

int cmd_import_iocs(struct cli *c, int argc, char **argv)
{
	const char *tlp = NULL, *source = NULL, *path = NULL;
	for (int i = 2; i < argc; i++) {
		if (!strcmp(argv[i], "--tlp") && i + 1 < argc)
			tlp = argv[++i];
		else if (!strcmp(argv[i], "--source") && i + 1 < argc)
			source = argv[++i];
		else if (!path && (argv[i][0] != '-' || !strcmp(argv[i], "-")))
			path = argv[i];
		else
			path = NULL, i = argc;
	}
	if (!path) {
		fprintf(stderr, "usage: warroom import stix|misp|csv|list FILE [--tlp TLP] [--source NAME]"
				" (- reads standard input; the format is decided by the content)\n");
		return 2;
	}
	char *text;
	size_t len;
	struct wr_err e = {0};
	if (sweep_slurp(path, &text, &len, &e)) {
		fprintf(stderr, "%s: %s: %s\n", c->prog, path, e.message);
		return 1;
	}
	sqlite3 *db;
	if (cli_open_db(c, &db)) {
		free(text);
		return 1;
	}
	struct intel_import_result r;
	/* Indicators without a source of their own get the file's name. */
	const char *slash = strrchr(path, '/');
	int rc = intel_import(db, &c->actor, text, len, slash ? slash + 1 : path, tlp, source, &r, &e);
	db_close(db);
	free(text);
	for (size_t i = 0; r.skipped && i < json_array_size(r.skipped); i++) {
		const json_t *k = json_array_get(r.skipped, i);
		long long line = (long long)json_integer_value(json_object_get(k, "line"));
		char at[32] = "";
		if (line > 0)
			snprintf(at, sizeof at, ":%lld", line);
		fprintf(stderr, "%s%s: skipped %s: %s\n", path, at,
			json_string_value(json_object_get(k, "id")),
			json_string_value(json_object_get(k, "reason")));
	}
	size_t skipped = r.skipped ? json_array_size(r.skipped) : 0;
	intel_import_result_release(&r);
	if (rc) {
		if (e.line)
			fprintf(stderr, "%s: %s:%d: %s (nothing was stored)\n", c->prog, path, (int)e.line,
				e.message);
		else
			cli_fail(c, &e);
		return 1;
	}
	printf("imported %zu indicators from %s: %zu new, %zu merged, %zu skipped\n", r.read, path,
	       r.added, r.merged, skipped);
	return 0;
}

int cmd_export_iocs(struct cli *c, int argc, char **argv)
{
	const char *type = NULL, *dir = NULL;
	int feed = !strcmp(argv[1], "misp-feed");
	for (int i = 2; i < argc; i++) {
		if (!strcmp(argv[i], "--type") && i + 1 < argc)
			type = argv[++i];
		else if (feed && !dir)
			dir = argv[i];
		else
			type = "?", i = argc;
	}
	enum ioc_type only = type ? ioc_type_from_name(type) : IOC_NONE;
	if ((type && only == IOC_NONE) || (feed && !dir)) {
		fprintf(stderr, "usage: warroom export stix|misp|csv|list|zeek|suricata [--type TYPE]"
				" > FILE, or warroom export misp-feed DIR\n");
		return 2;
	}
	sqlite3 *db;
	if (cli_open_db(c, &db))
		return 1;
	struct intel_items it;
	struct wr_err e = {0};
	/* A file leaves the war room: never TLP:RED, never expired. */
	int rc = intel_items_load(db, &c->actor, only, 1, 1, &it, &e);
	db_close(db);
	if (rc)
		return cli_fail(c, &e);
	struct intel_export_meta m = {.title = "warroom indicators",
				      .producer = "warroom",
				      .event_uuid = "7b3c6f4e-2a51-4c8e-9d0a-5f1e8b2c4d6a",
				      .now = time_now(),
				      .only_type = only};
	if (feed) {
		rc = intel_export_misp_feed(dir, it.v, it.n, &m, &e);
	} else {
		enum intel_format f;
		intel_format_from_name(argv[1], &f);
		struct buf out;
		buf_init(&out, (size_t)4 << 30);
		rc = intel_export_write(f, it.v, it.n, &m, &out, &e);
		if (!rc && (fwrite(out.ptr, 1, out.len, stdout) != out.len || fflush(stdout)))
			rc = wr_err_set(&e, WR_EIO, NULL, "cannot write the export");
		buf_release(&out);
	}
	size_t n = it.n;
	intel_items_release(&it);
	if (rc)
		return cli_fail(c, &e);
	fprintf(stderr, "%s: exported %zu indicators\n", c->prog, n);
	return 0;
}
