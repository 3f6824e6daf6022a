/* `warroom import stix|misp|csv|list|warninglist FILE` (dispatched from
 * cmd_import.c) and `warroom pack-key`: the command-line side of intel/
 * (docs/intel.md). */
#include <errno.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/buf.h"
#include "cli/cli.h"
#include "intel/intel.h"
#include "intel/share.h"
#include "store/db.h"

#define IMPORT_MAX_BYTES ((size_t)2 << 30)

int cli_is_intel_import(const char *kind)
{
	static const char *const kinds[] = {"stix", "misp", "csv", "list", "auto", "warninglist"};
	for (size_t i = 0; kind && i < sizeof kinds / sizeof kinds[0]; i++)
		if (!strcmp(kind, kinds[i]))
			return 1;
	return 0;
}

static int read_all(FILE *in, struct buf *b)
{
	char chunk[65536];
	size_t n;
	while ((n = fread(chunk, 1, sizeof chunk, in)) > 0)
		if (buf_add(b, chunk, n))
			return -1;
	return ferror(in) ? -1 : 0;
}

static void print_result(const json_t *r)
{
	printf("%lld indicators (%lld new, %lld merged), %lld on false-positive lists, %lld skipped, version %lld\n",
	       (long long)json_integer_value(json_object_get(r, "imported")),
	       (long long)json_integer_value(json_object_get(r, "new")),
	       (long long)json_integer_value(json_object_get(r, "merged")),
	       (long long)json_integer_value(json_object_get(r, "flagged")),
	       (long long)json_integer_value(json_object_get(r, "skipped_count")),
	       (long long)json_integer_value(json_object_get(r, "version")));
	const char *k;
	json_t *v;
	json_object_foreach(json_object_get(r, "per_type"), k, v)
		printf("  %-10s %lld\n", k, (long long)json_integer_value(v));
	size_t i;
	json_array_foreach(json_object_get(r, "skipped"), i, v) {
		json_int_t line = json_integer_value(json_object_get(v, "line"));
		if (line)
			fprintf(stderr, "skipped line %lld %s: %s\n", (long long)line,
				json_string_value(json_object_get(v, "id")),
				json_string_value(json_object_get(v, "reason")));
		else
			fprintf(stderr, "skipped %s: %s\n", json_string_value(json_object_get(v, "id")),
				json_string_value(json_object_get(v, "reason")));
	}
}

int cli_load_warninglists(struct cli *c, sqlite3 *db, const char *path)
{
	json_t *r = NULL;
	struct wr_err e = {0};
	if (intel_warninglist_load(db, &c->actor, path, &r, &e))
		return cli_fail(c, &e);
	printf("%lld warning lists, %lld entries; %lld indicators on them\n",
	       (long long)json_integer_value(json_object_get(r, "lists")),
	       (long long)json_integer_value(json_object_get(r, "entries")),
	       (long long)json_integer_value(json_object_get(r, "flagged")));
	json_decref(r);
	return 0;
}

/* argv: import KIND FILE [--source S] [--tlp T] */
int cmd_import_intel(struct cli *c, int argc, char **argv)
{
	const char *source = NULL, *tlp = NULL;
	if (argc < 3)
		goto usage;
	for (int i = 3; i < argc; i++) {
		if (!strcmp(argv[i], "--source") && i + 1 < argc)
			source = argv[++i];
		else if (!strcmp(argv[i], "--tlp") && i + 1 < argc)
			tlp = argv[++i];
		else
			goto usage;
	}
	sqlite3 *db;
	struct wr_err e = {0};
	json_t *r = NULL;
	int rc;
	if (!strcmp(argv[1], "warninglist")) {
		if (cli_open_db(c, &db))
			return 1;
		rc = cli_load_warninglists(c, db, strcmp(argv[2], "--shipped") ? argv[2] : NULL);
		db_close(db);
		return rc;
	}
	struct intel_import_opts o = {.source = source, .default_tlp = tlp, .name = argv[2]};
	intel_doc_format_parse(argv[1], &o.format);
	int from_stdin = !strcmp(argv[2], "-");
	FILE *in = from_stdin ? stdin : fopen(argv[2], "rb");
	if (!in) {
		fprintf(stderr, "%s: %s: cannot open: %s\n", c->prog, argv[2], strerror(errno));
		return 1;
	}
	struct buf b;
	buf_init(&b, IMPORT_MAX_BYTES);
	int bad = read_all(in, &b);
	if (!from_stdin)
		fclose(in);
	if (bad || buf_addc(&b, '\0')) {
		fprintf(stderr, "%s: %s: cannot read (or larger than 2 GiB)\n", c->prog, argv[2]);
		buf_release(&b);
		return 1;
	}
	if (cli_open_db(c, &db)) {
		buf_release(&b);
		return 1;
	}
	rc = intel_import(db, &c->actor, b.ptr, b.len - 1, &o, &r, &e);
	db_close(db);
	buf_release(&b);
	if (rc) {
		fprintf(stderr, "%s: %s: nothing imported\n", c->prog, argv[2]);
		return cli_fail(c, &e);
	}
	print_result(r);
	json_decref(r);
	return 0;
usage:
	fprintf(stderr, "usage: warroom import stix|misp|csv|list|auto FILE [--source S] [--tlp TLP]\n"
			"       warroom import warninglist FILE|DIR|--shipped\n");
	return 2;
}

/* warroom pack-key: the war room's public pack key (created when missing),
 * to hand to the towns out of band. */
int cmd_pack_key(struct cli *c, int argc, char **argv)
{
	(void)argv;
	if (argc != 1) {
		fprintf(stderr, "usage: warroom pack-key > warroom-pack.pub\n");
		return 2;
	}
	char pub[256], sec[256];
	struct wr_err e = {0};
	int rc = intel_pack_keys(c->db_path, 1, pub, sec, &e);
	sodium_memzero(sec, sizeof sec);
	if (rc)
		return cli_fail(c, &e);
	printf("%s\n", pub);
	return 0;
}

int cli_is_intel_export(const char *kind)
{
	enum intel_format f;
	return kind && (!strcmp(kind, "misp-feed") || !intel_format_from_name(kind, &f));
}

/* argv: export FORMAT [--type T] [--no-red] | export misp-feed DIR.
 * The war room's own copy keeps TLP:RED unless --no-red. */
int cmd_export_intel(struct cli *c, int argc, char **argv)
{
	struct intel_share_opts o = {.only_type = IOC_NONE, .include_red = 1};
	const char *dir = NULL;
	int i = 2;
	if (!strcmp(argv[1], "misp-feed")) {
		if (argc < 3)
			goto usage;
		dir = argv[2];
		i = 3;
	} else if (intel_format_from_name(argv[1], &o.format)) {
		goto usage;
	}
	for (; i < argc; i++) {
		if (!strcmp(argv[i], "--type") && i + 1 < argc) {
			if ((o.only_type = ioc_type_from_name(argv[++i])) == IOC_NONE)
				goto usage;
		} else if (!strcmp(argv[i], "--no-red")) {
			o.include_red = 0;
		} else {
			goto usage;
		}
	}
	sqlite3 *db;
	struct wr_err e = {0};
	if (cli_open_db(c, &db))
		return 1;
	char *out = NULL;
	size_t len = 0;
	int rc = dir ? intel_share_misp_feed(db, &c->actor, &o, dir, &e)
		     : intel_share_export(db, &c->actor, &o, &out, &len, &e);
	db_close(db);
	if (rc)
		return cli_fail(c, &e);
	if (out && (fwrite(out, 1, len, stdout) != len || fflush(stdout))) {
		free(out);
		fprintf(stderr, "%s: export: cannot write: %s\n", c->prog, strerror(errno));
		return 1;
	}
	free(out);
	return 0;
usage:
	fprintf(stderr, "usage: warroom export stix|misp|csv|list|zeek|suricata [--type T] [--no-red] > FILE\n"
			"       warroom export misp-feed DIR [--no-red]\n");
	return 2;
}
