/* The command line: `warroom [--db PATH] COMMAND ...`. Each command is a
 * function in its own cli/cmd_*.c file, listed in cli/main.c. A command
 * prints a one-line error ("warroom: ...") and returns non-zero on failure. */
#ifndef WR_CLI_CLI_H
#define WR_CLI_CLI_H

#include <sqlite3.h>

#include "base/err.h"
#include "store/scope.h"

struct cli {
	const char *prog;    /* "warroom" */
	const char *db_path; /* --db, $WARROOM_DB, or ./var/warroom.db */
	struct actor actor;  /* cli:<unix user>, full rights */
};

/* Opens the database (it must exist and be migrated to this program's
 * version, else a message that says to run `warroom init`). */
int cli_open_db(const struct cli *c, sqlite3 **db);
/* Prints "warroom: message" (and "field: " when set) to stderr; returns 1. */
int cli_fail(const struct cli *c, const struct wr_err *e);
/* Reads one line from stdin (no trailing newline), for --password-stdin. */
int cli_read_secret_stdin(char *buf, size_t n);

/* Commands: argc/argv start at the command name. Return the exit status. */
int cmd_init(struct cli *c, int argc, char **argv);
int cmd_demo(struct cli *c, int argc, char **argv);
int cmd_serve(struct cli *c, int argc, char **argv);
int cmd_user(struct cli *c, int argc, char **argv);
int cmd_token(struct cli *c, int argc, char **argv);
int cmd_import(struct cli *c, int argc, char **argv);
int cmd_export(struct cli *c, int argc, char **argv);
int cmd_audit(struct cli *c, int argc, char **argv);
int cmd_backup(struct cli *c, int argc, char **argv);
int cmd_sweep(struct cli *c, int argc, char **argv);
int cmd_pack(struct cli *c, int argc, char **argv);
/* cli/cmd_scan.c */
int cmd_import_scan(struct cli *c, int argc, char **argv); /* warroom import shadowserver FILE */
int cmd_vulns(struct cli *c, int argc, char **argv);       /* warroom vulns route FILE */
/* cli/cmd_vsources.c: warroom vulns sources ..., warroom vulns fetch [ID|--all] */
int cmd_vulns_sources(struct cli *c, int argc, char **argv);
/* cli/cmd_feeds.c: warroom import kev|cve|nvd FILE|DIR */
int cli_is_feed_import(const char *kind);
int cmd_import_feed(struct cli *c, int argc, char **argv);

/* cli/cmd_intel.c: indicator imports (cmd_import dispatches them) and the pack key */
int cli_is_intel_import(const char *kind);
int cmd_import_intel(struct cli *c, int argc, char **argv);
/* Loads MISP warning lists (path NULL: the shipped ones) and prints what it did. */
int cli_load_warninglists(struct cli *c, sqlite3 *db, const char *path);
int cmd_pack_key(struct cli *c, int argc, char **argv);
int cmd_programme(struct cli *c, int argc, char **argv);
int cmd_incidents(struct cli *c, int argc, char **argv);
int cli_is_intel_export(const char *kind);
int cmd_export_intel(struct cli *c, int argc, char **argv);

#endif
