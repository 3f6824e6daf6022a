/* warroom user add|list|disable|passwd */
#include "auth/accounts.h"
#include "auth/password.h"
#include "cli/cli.h"
#include "registry/registry.h"
#include "store/db.h"

#include <stdio.h>
#include <string.h>

static int usage(void)
{
	fprintf(stderr,
		"usage: warroom user add NAME --role admin|analyst|spoc|provider|viewer\n"
		"                        [--org ID|NIS] [--provider ID] (--password-stdin | --generate-password)\n"
		"       warroom user list\n"
		"       warroom user disable NAME\n"
		"       warroom user passwd NAME (--password-stdin | --generate-password)\n");
	return 2;
}

/* The password from stdin, or a generated one that is printed once. */
static int get_password(int from_stdin, int generate, char *pw, size_t n)
{
	if (from_stdin == generate)
		return usage();
	if (generate) {
		char g[21];
		password_generate(g);
		snprintf(pw, n, "%s", g);
		return 0;
	}
	if (cli_read_secret_stdin(pw, n)) {
		fprintf(stderr, "warroom: no password on standard input (or longer than %zu bytes)\n",
			n - 2);
		return 1;
	}
	return 0;
}

static int user_add(struct cli *c, sqlite3 *db, int argc, char **argv)
{
	const char *name = NULL, *role_s = NULL, *org = NULL, *provider = NULL;
	int from_stdin = 0, generate = 0;
	for (int i = 2; i < argc; i++) {
		if (!strcmp(argv[i], "--role") && i + 1 < argc)
			role_s = argv[++i];
		else if (!strcmp(argv[i], "--org") && i + 1 < argc)
			org = argv[++i];
		else if (!strcmp(argv[i], "--provider") && i + 1 < argc)
			provider = argv[++i];
		else if (!strcmp(argv[i], "--password-stdin"))
			from_stdin = 1;
		else if (!strcmp(argv[i], "--generate-password"))
			generate = 1;
		else if (argv[i][0] != '-' && !name)
			name = argv[i];
		else
			return usage();
	}
	enum role role;
	if (!name || !role_s)
		return usage();
	if (role_parse(role_s, &role)) {
		fprintf(stderr, "warroom: --role: must be admin, analyst, spoc, provider or viewer\n");
		return 2;
	}
	struct wr_err e = {0};
	int64_t org_id = 0, provider_id = 0;
	if (org && org_resolve(db, org, &org_id, &e))
		return cli_fail(c, &e);
	if (provider && org_resolve(db, provider, &provider_id, &e))
		return cli_fail(c, &e);
	char pw[PASSWORD_MAX_LEN + 2];
	int rc = get_password(from_stdin, generate, pw, sizeof pw);
	if (rc)
		return rc;
	rc = account_add(db, &c->actor, name, role, org_id, provider_id, pw, &e);
	if (!rc) {
		printf("user %s added (%s)\n", name, role_s);
		if (generate)
			printf("password: %s\n", pw);
	}
	secret_wipe(pw, sizeof pw);
	return rc ? cli_fail(c, &e) : 0;
}

static int user_passwd(struct cli *c, sqlite3 *db, int argc, char **argv)
{
	const char *name = NULL;
	int from_stdin = 0, generate = 0;
	for (int i = 2; i < argc; i++) {
		if (!strcmp(argv[i], "--password-stdin"))
			from_stdin = 1;
		else if (!strcmp(argv[i], "--generate-password"))
			generate = 1;
		else if (argv[i][0] != '-' && !name)
			name = argv[i];
		else
			return usage();
	}
	if (!name)
		return usage();
	char pw[PASSWORD_MAX_LEN + 2];
	int rc = get_password(from_stdin, generate, pw, sizeof pw);
	if (rc)
		return rc;
	struct wr_err e = {0};
	rc = account_set_password(db, &c->actor, name, pw, &e);
	if (!rc) {
		printf("password of %s changed; its sessions ended\n", name);
		if (generate)
			printf("password: %s\n", pw);
	}
	secret_wipe(pw, sizeof pw);
	return rc ? cli_fail(c, &e) : 0;
}

static int user_list(struct cli *c, sqlite3 *db)
{
	json_t *rows;
	struct wr_err e = {0};
	if (account_list(db, &rows, &e))
		return cli_fail(c, &e);
	size_t i;
	json_t *r;
	printf("%-24s %-9s %-8s %-8s %s\n", "NAME", "ROLE", "ORG", "PROVIDER", "STATE");
	json_array_foreach(rows, i, r) {
		printf("%-24s %-9s %-8lld %-8lld %s\n", json_string_value(json_object_get(r, "name")),
		       json_string_value(json_object_get(r, "role")),
		       (long long)json_integer_value(json_object_get(r, "org_id")),
		       (long long)json_integer_value(json_object_get(r, "provider_id")),
		       json_integer_value(json_object_get(r, "disabled")) ? "disabled" : "active");
	}
	json_decref(rows);
	return 0;
}

int cmd_user(struct cli *c, int argc, char **argv)
{
	if (argc < 2)
		return usage();
	sqlite3 *db;
	int rc;
	if (!strcmp(argv[1], "add") || !strcmp(argv[1], "list") || !strcmp(argv[1], "disable") ||
	    !strcmp(argv[1], "passwd")) {
		if (cli_open_db(c, &db))
			return 1;
	} else {
		return usage();
	}
	struct wr_err e = {0};
	if (!strcmp(argv[1], "add")) {
		rc = user_add(c, db, argc, argv);
	} else if (!strcmp(argv[1], "passwd")) {
		rc = user_passwd(c, db, argc, argv);
	} else if (!strcmp(argv[1], "list")) {
		rc = argc == 2 ? user_list(c, db) : usage();
	} else if (argc == 3) {
		rc = account_disable(db, &c->actor, argv[2], &e) ? cli_fail(c, &e) : 0;
		if (!rc)
			printf("user %s disabled; its sessions ended\n", argv[2]);
	} else {
		rc = usage();
	}
	db_close(db);
	return rc;
}
