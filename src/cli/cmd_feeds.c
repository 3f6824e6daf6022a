/* warroom import kev|cve|nvd FILE|DIR: vulnerability feeds matched to the
 * towns' software (vulns/feeds.h, docs/vulns.md). Reached from
 * cmd_import.c. A directory (cve) is read in name order, *.json files at
 * any depth; a file in it that is not a record is reported and skipped,
 * while a single FILE that is not one is refused. */
#include "cli/cli.h"

#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "store/db.h"
#include "sweep/sweep_cli.h"
#include "vulns/feeds.h"

#define DIR_DEPTH_MAX 8

int cli_is_feed_import(const char *kind)
{
	enum feed_kind k;
	return feed_kind_parse(kind, &k) == 0;
}

struct walk {
	struct cli *c;
	struct feed_import *fi;
	size_t files, refused;
};

static int one_file(struct walk *w, const char *path, int in_dir)
{
	char *text;
	size_t len;
	struct wr_err e = {0};
	if (sweep_slurp(path, &text, &len, &e)) {
		fprintf(stderr, "%s: %s: %s\n", w->c->prog, path, e.message);
		return 1;
	}
	int rc = feed_import_doc(w->fi, path, text, len, &e);
	free(text);
	w->files++;
	if (in_dir && (rc == WR_EPARSE || rc == WR_EINVAL)) {
		fprintf(stderr, "%s (file skipped)\n", e.message);
		w->refused++;
		return 0;
	}
	if (rc)
		return cli_fail(w->c, &e);
	return 0;
}

static int is_json(const char *name)
{
	size_t n = strlen(name);
	return n > 5 && !strcmp(name + n - 5, ".json");
}

static int walk_dir(struct walk *w, const char *dir, int depth)
{
	struct dirent **list;
	int n = scandir(dir, &list, NULL, alphasort);
	if (n < 0) {
		fprintf(stderr, "%s: %s: cannot read the directory\n", w->c->prog, dir);
		return 1;
	}
	int rc = 0;
	for (int i = 0; i < n; i++) {
		const char *name = list[i]->d_name;
		char path[4096];
		struct stat sb;
		if (!rc && name[0] != '.' && snprintf(path, sizeof path, "%s/%s", dir, name) < (int)sizeof path &&
		    stat(path, &sb) == 0) {
			if (S_ISDIR(sb.st_mode) && depth < DIR_DEPTH_MAX)
				rc = walk_dir(w, path, depth + 1);
			else if (S_ISREG(sb.st_mode) && is_json(name))
				rc = one_file(w, path, 1);
		}
		free(list[i]);
	}
	free(list);
	return rc;
}

int cmd_import_feed(struct cli *c, int argc, char **argv)
{
	enum feed_kind kind;
	if (argc != 3 || feed_kind_parse(argv[1], &kind)) {
		fprintf(stderr, "usage: warroom import kev FILE.json|FILE.csv, warroom import cve FILE|DIR,"
				" warroom import nvd FILE\n");
		return 2;
	}
	const char *path = argv[2];
	struct stat sb;
	int is_dir = stat(path, &sb) == 0 && S_ISDIR(sb.st_mode);
	if (is_dir && kind != FEED_CVE5) {
		fprintf(stderr, "%s: %s: is a directory (only `import cve` reads one)\n", c->prog, path);
		return 1;
	}
	sqlite3 *db;
	if (cli_open_db(c, &db))
		return 1;
	struct wr_err e = {0};
	struct walk w = {c, NULL, 0, 0};
	if (feed_import_begin(db, &c->actor, kind, &w.fi, &e)) {
		db_close(db);
		return cli_fail(c, &e);
	}
	int rc = is_dir ? walk_dir(&w, path, 0) : one_file(&w, path, 0);
	struct feed_result r;
	int end = feed_import_end(w.fi, rc == 0, &r, &e);
	db_close(db);
	for (size_t i = 0; r.errors && i < json_array_size(r.errors); i++) {
		const json_t *x = json_array_get(r.errors, i);
		fprintf(stderr, "%s: %s: %s (skipped)\n", json_string_value(json_object_get(x, "file")),
			json_string_value(json_object_get(x, "at")),
			json_string_value(json_object_get(x, "message")));
	}
	feed_result_release(&r);
	if (rc)
		return rc;
	if (end)
		return cli_fail(c, &e);
	printf("imported %zu %s records from %s: %zu new, %zu changed, %zu unchanged, %zu skipped",
	       r.records, argv[1], path, r.added, r.changed, r.unchanged, r.skipped);
	if (is_dir)
		printf(" (%zu files, %zu not records)", w.files, w.refused);
	printf("; software findings: %zu matched, %zu opened, %zu refreshed, %zu reopened\n", r.matched,
	       r.opened, r.refreshed, r.reopened);
	return 0;
}
