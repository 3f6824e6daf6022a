/* warroom audit verify: recomputes the journal's hash chain. */
#include "audit/journal.h"
#include "cli/cli.h"
#include "store/db.h"

#include <stdio.h>
#include <string.h>

int cmd_audit(struct cli *c, int argc, char **argv)
{
	if (argc != 2 || strcmp(argv[1], "verify") != 0) {
		fprintf(stderr, "usage: warroom audit verify\n");
		return 2;
	}
	sqlite3 *db;
	if (cli_open_db(c, &db))
		return 1;
	int64_t count, bad;
	struct wr_err e = {0};
	int rc = journal_verify(db, &count, &bad, &e);
	char head[65] = "";
	if (!rc) {
		sqlite3_stmt *st;
		if (!db_prepare(db, "SELECT hash FROM journal ORDER BY seq DESC LIMIT 1", &st, NULL)) {
			if (sqlite3_step(st) == SQLITE_ROW)
				snprintf(head, sizeof head, "%s", (const char *)sqlite3_column_text(st, 0));
			sqlite3_finalize(st);
		}
	}
	db_close(db);
	if (rc == WR_ECONFLICT) {
		printf("broken: entry %lld: %s (%lld entries before it are intact)\n", (long long)bad,
		       e.message, (long long)count);
		return 1;
	}
	if (rc)
		return cli_fail(c, &e);
	/* The head hash lets an operator notice a cut tail: keep it elsewhere. */
	printf("ok: %lld entries%s%s\n", (long long)count, head[0] ? ", head " : "", head);
	return 0;
}
