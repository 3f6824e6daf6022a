/* warroom token create NAME [--label TEXT] | revoke ID | list */
#include "auth/accounts.h"
#include "cli/cli.h"
#include "store/db.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static int usage(void)
{
	fprintf(stderr, "usage: warroom token create NAME [--label TEXT]\n"
			"       warroom token revoke ID\n"
			"       warroom token list\n");
	return 2;
}

static int token_create_cmd(struct cli *c, sqlite3 *db, int argc, char **argv)
{
	const char *name = NULL, *label = NULL;
	for (int i = 2; i < argc; i++) {
		if (!strcmp(argv[i], "--label") && i + 1 < argc)
			label = argv[++i];
		else if (argv[i][0] != '-' && !name)
			name = argv[i];
		else
			return usage();
	}
	if (!name)
		return usage();
	char tok[SECRET_TOKEN_LEN];
	int64_t id;
	struct wr_err e = {0};
	if (token_create(db, &c->actor, name, label, &id, tok, &e))
		return cli_fail(c, &e);
	/* The token alone on stdout, so that scripts can capture it. */
	printf("%s\n", tok);
	fprintf(stderr, "token %lld for %s: shown once, store it now\n", (long long)id, name);
	secret_wipe(tok, sizeof tok);
	return 0;
}

static int token_list_cmd(struct cli *c, sqlite3 *db)
{
	json_t *rows;
	struct wr_err e = {0};
	if (token_list(db, &rows, &e))
		return cli_fail(c, &e);
	size_t i;
	json_t *r;
	printf("%-6s %-24s %-21s %-21s %s\n", "ID", "USER", "CREATED", "REVOKED", "LABEL");
	json_array_foreach(rows, i, r) {
		const char *rev = json_string_value(json_object_get(r, "revoked_at"));
		const char *label = json_string_value(json_object_get(r, "label"));
		printf("%-6lld %-24s %-21s %-21s %s\n",
		       (long long)json_integer_value(json_object_get(r, "id")),
		       json_string_value(json_object_get(r, "user")),
		       json_string_value(json_object_get(r, "created_at")), rev ? rev : "-",
		       label ? label : "");
	}
	json_decref(rows);
	return 0;
}

int cmd_token(struct cli *c, int argc, char **argv)
{
	if (argc < 2)
		return usage();
	int is_create = !strcmp(argv[1], "create"), is_revoke = !strcmp(argv[1], "revoke"),
	    is_list = !strcmp(argv[1], "list");
	if (!is_create && !is_revoke && !is_list)
		return usage();
	int64_t id = 0;
	if (is_revoke) {
		char *end;
		errno = 0;
		id = argc == 3 ? strtoll(argv[2], &end, 10) : 0;
		if (argc != 3 || errno || *end || id <= 0)
			return usage();
	}
	sqlite3 *db;
	if (cli_open_db(c, &db))
		return 1;
	int rc;
	struct wr_err e = {0};
	if (is_create) {
		rc = token_create_cmd(c, db, argc, argv);
	} else if (is_list) {
		rc = token_list_cmd(c, db);
	} else {
		rc = token_revoke(db, &c->actor, id, &e) ? cli_fail(c, &e) : 0;
		if (!rc)
			printf("token %lld revoked\n", (long long)id);
	}
	db_close(db);
	return rc;
}
