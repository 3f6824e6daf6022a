/* warroom [--db PATH] COMMAND ... */
#include "base/log.h"
#include "base/secret.h"
#include "cli/cli.h"
#include "incidents/incidents.h"
#include "store/db.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

static const struct {
	const char *name;
	int (*run)(struct cli *c, int argc, char **argv);
	const char *help;
} commands[] = {
	{"init", cmd_init, "init                      create or migrate the database schema"},
	{"demo", cmd_demo, "demo                      load the demo data into an empty database"},
	{"serve", cmd_serve, "serve [--listen A:P] [--public-url URL]   API, web UI and jobs"},
	{"user", cmd_user, "user add|list|disable|passwd ...          accounts"},
	{"token", cmd_token, "token create|revoke|list ...              API tokens"},
	{"import", cmd_import, "import orgs|contacts|providers|assets FILE.csv"},
	{"export", cmd_export, "export orgs|contacts|providers|assets > FILE.csv"},
	{"audit", cmd_audit, "audit verify              check the journal's hash chain"},
	{"backup", cmd_backup, "backup FILE               consistent copy while serving"},
	{"sweep", cmd_sweep, "sweep --iocs FILE [--format tsv] PATH...  look for indicators in logs"},
	{"pack", cmd_pack, "pack keygen|sign|verify ...               signed indicator packs"},
	{"vulns", cmd_vulns, "vulns route FILE.csv       where each row of a scan report would go;"
			     " vulns sources|fetch: feeds fetched from a URL"},
	{"programme", cmd_programme, "programme reminders       prepare tomorrow's session reminders"},
	{"incidents", cmd_incidents, "incidents reminders       send the legal clocks' reminders due"},
	{"pack-key", cmd_pack_key, "pack-key                  the war room's public pack key (for the towns)"},
};

static void usage(FILE *out)
{
	fprintf(out, "usage: warroom [--db PATH] COMMAND [ARGS]\n\n"
		     "PATH defaults to $WARROOM_DB, then ./var/warroom.db.\n\ncommands:\n");
	for (size_t i = 0; i < sizeof commands / sizeof commands[0]; i++)
		fprintf(out, "  %s\n", commands[i].help);
}

int main(int argc, char **argv)
{
	/* The database, its WAL, backups and exports hold personal data and
	 * password hashes: files are created for the owner only. */
	umask(077);
	struct cli c = {.prog = "warroom"};
	c.db_path = getenv("WARROOM_DB");
	if (!c.db_path || !*c.db_path)
		c.db_path = "./var/warroom.db";
	int i = 1;
	for (; i < argc && argv[i][0] == '-'; i++) {
		if (!strcmp(argv[i], "--db") && i + 1 < argc) {
			c.db_path = argv[++i];
		} else if (!strcmp(argv[i], "--help") || !strcmp(argv[i], "-h")) {
			usage(stdout);
			return 0;
		} else {
			fprintf(stderr, "warroom: unknown option %s\n", argv[i]);
			usage(stderr);
			return 2;
		}
	}
	if (i >= argc) {
		usage(stderr);
		return 2;
	}
	if (secret_init() || db_global_init() || incidents_init()) {
		fprintf(stderr, "warroom: libsodium or SQLite cannot start\n");
		return 1;
	}
	const char *level = getenv("WARROOM_LOG");
	if (level && !strcmp(level, "debug"))
		log_set_level(LOG_DEBUG);
	else if (level && !strcmp(level, "warn"))
		log_set_level(LOG_WARN);
	actor_cli(&c.actor);
	for (size_t k = 0; k < sizeof commands / sizeof commands[0]; k++)
		if (!strcmp(argv[i], commands[k].name))
			return commands[k].run(&c, argc - i, argv + i);
	fprintf(stderr, "warroom: unknown command %s\n", argv[i]);
	usage(stderr);
	return 2;
}
