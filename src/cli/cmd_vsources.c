/* warroom vulns sources add|list|remove|enable|disable and warroom vulns
 * fetch [ID|--all]: the feeds fetched from a URL on a schedule
 * (vulns/fetch.h, docs/vulns.md). Reached from cmd_vulns.c. */
#include "cli/cli.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/secret.h"
#include "base/timeutil.h"
#include "store/db.h"
#include "vulns/fetch.h"

static int usage(void)
{
	fprintf(stderr, "usage: warroom vulns sources add kev|cve|nvd|shadowserver|csv URL [--every 24h]"
			" [--token T | --token-stdin | --header 'Name: value'] [--disabled]\n"
			"       warroom vulns sources list\n"
			"       warroom vulns sources remove|enable|disable ID\n"
			"       warroom vulns fetch [ID | --all]   (no argument: the sources that are due)\n");
	return 2;
}

static const char *str(const json_t *o, const char *k)
{
	const char *s = json_string_value(json_object_get(o, k));
	return s ? s : "-";
}

static void print_source(const json_t *s, void *arg)
{
	(void)arg;
	const json_t *auth = json_object_get(s, "auth");
	printf("%lld  %-12s %-8s every %llds  %s%s%s\n", (long long)json_integer_value(json_object_get(s, "id")),
	       str(s, "kind"), json_is_true(json_object_get(s, "enabled")) ? "enabled" : "disabled",
	       (long long)json_integer_value(json_object_get(s, "every")), str(s, "url"),
	       json_is_object(auth) ? "  header " : "", json_is_object(auth) ? str(auth, "header") : "");
	printf("    last fetch %s: %s%s%s; next due %s\n", str(s, "last_fetch_at"), str(s, "last_status"),
	       json_is_string(json_object_get(s, "last_message")) ? ": " : "",
	       json_is_string(json_object_get(s, "last_message")) ? str(s, "last_message") : "",
	       str(s, "next_due_at"));
}

static int parse_id(const char *s, int64_t *id)
{
	char *end;
	long long v = strtoll(s, &end, 10);
	if (*end || v < 1)
		return -1;
	*id = v;
	return 0;
}

static int sources_add(struct cli *c, sqlite3 *db, int argc, char **argv)
{
	if (argc < 5)
		return usage();
	json_t *body = json_pack("{s:s, s:s}", "kind", argv[3], "url", argv[4]);
	char tok[4096];
	int rc = body ? 0 : 1;
	for (int i = 5; !rc && i < argc; i++) {
		if (!strcmp(argv[i], "--every") && i + 1 < argc)
			rc = json_object_set_new(body, "every", json_string(argv[++i]));
		else if (!strcmp(argv[i], "--token") && i + 1 < argc)
			rc = json_object_set_new(body, "token", json_string(argv[++i]));
		else if (!strcmp(argv[i], "--header") && i + 1 < argc)
			rc = json_object_set_new(body, "header", json_string(argv[++i]));
		else if (!strcmp(argv[i], "--disabled"))
			rc = json_object_set_new(body, "enabled", json_false());
		else if (!strcmp(argv[i], "--token-stdin")) {
			if (cli_read_secret_stdin(tok, sizeof tok)) {
				fprintf(stderr, "%s: no token on standard input\n", c->prog);
				json_decref(body);
				return 1;
			}
			rc = json_object_set_new(body, "token", json_string(tok));
			secret_wipe(tok, sizeof tok);
		} else {
			json_decref(body);
			return usage();
		}
	}
	json_t *out = NULL;
	struct wr_err e = {0};
	if (rc)
		rc = wr_err_set(&e, WR_ENOMEM, NULL, "out of memory");
	else
		rc = vsource_add(db, &c->actor, body, &out, &e);
	json_decref(body);
	if (rc)
		return cli_fail(c, &e);
	printf("added feed source %lld: %s every %llds, %s\n", (long long)json_integer_value(json_object_get(out, "id")),
	       str(out, "kind"), (long long)json_integer_value(json_object_get(out, "every")),
	       json_is_true(json_object_get(out, "enabled")) ? "due now" : "disabled");
	json_decref(out);
	return 0;
}

static int sources(struct cli *c, sqlite3 *db, int argc, char **argv)
{
	struct wr_err e = {0};
	int64_t id;
	if (argc == 3 && !strcmp(argv[2], "list")) {
		json_t *items;
		if (vsource_list(db, &c->actor, &items, &e))
			return cli_fail(c, &e);
		size_t i;
		json_t *s;
		json_array_foreach(items, i, s) print_source(s, NULL);
		if (!json_array_size(items))
			printf("no feed sources (warroom vulns sources add KIND URL)\n");
		json_decref(items);
		return 0;
	}
	if (argc >= 3 && !strcmp(argv[2], "add"))
		return sources_add(c, db, argc, argv);
	if (argc != 4 || parse_id(argv[3], &id))
		return usage();
	if (!strcmp(argv[2], "remove")) {
		if (vsource_remove(db, &c->actor, id, &e))
			return cli_fail(c, &e);
		printf("removed feed source %lld\n", (long long)id);
		return 0;
	}
	int on = !strcmp(argv[2], "enable");
	if (!on && strcmp(argv[2], "disable"))
		return usage();
	json_t *body = json_pack("{s:b}", "enabled", on), *out = NULL;
	int rc = body ? vsource_update(db, &c->actor, id, body, &out, &e)
		      : wr_err_set(&e, WR_ENOMEM, NULL, "out of memory");
	json_decref(body);
	if (rc)
		return cli_fail(c, &e);
	print_source(out, NULL);
	json_decref(out);
	return 0;
}

static int fetch(struct cli *c, sqlite3 *db, int argc, char **argv)
{
	struct wr_err e = {0};
	int64_t id;
	if (argc == 3 && strcmp(argv[2], "--all") && !parse_id(argv[2], &id)) {
		json_t *out;
		if (vsource_fetch(db, &c->actor, id, &out, &e))
			return cli_fail(c, &e);
		print_source(out, NULL);
		const char *st = str(out, "last_status");
		int bad = !strcmp(st, "failed") || !strcmp(st, "refused");
		json_decref(out);
		return bad;
	}
	if (argc > 3 || (argc == 3 && strcmp(argv[2], "--all")))
		return usage();
	int ran, failed;
	if (vsource_fetch_due(db, &c->actor, argc == 3, time_now(), &ran, &failed, print_source, NULL, &e))
		return cli_fail(c, &e);
	printf("fetched %d feed source%s, %d failed\n", ran, ran == 1 ? "" : "s", failed);
	return failed ? 1 : 0;
}

int cmd_vulns_sources(struct cli *c, int argc, char **argv)
{
	int is_fetch = !strcmp(argv[1], "fetch");
	if (!is_fetch && argc < 3)
		return usage();
	sqlite3 *db;
	if (cli_open_db(c, &db))
		return 1;
	int rc = is_fetch ? fetch(c, db, argc, argv) : sources(c, db, argc, argv);
	db_close(db);
	return rc;
}
