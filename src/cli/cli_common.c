#include "cli/cli.h"
#include "store/db.h"

#include <stdio.h>
#include <string.h>

int cli_open_db(const struct cli *c, sqlite3 **db)
{
	struct wr_err e = {0};
	if (db_open(c->db_path, 0, db, &e)) {
		fprintf(stderr, "warroom: %s (run `warroom init` first)\n", e.message);
		return 1;
	}
	int v = db_schema_version(*db);
	if (v != db_latest_version()) {
		fprintf(stderr, "warroom: %s has schema version %d, this program needs %d: run `warroom init`\n",
			c->db_path, v, db_latest_version());
		db_close(*db);
		*db = NULL;
		return 1;
	}
	return 0;
}

int cli_fail(const struct cli *c, const struct wr_err *e)
{
	(void)c;
	if (e->line)
		fprintf(stderr, "warroom: line %d: ", e->line);
	else
		fprintf(stderr, "warroom: ");
	if (e->field[0])
		fprintf(stderr, "%s: ", e->field);
	fprintf(stderr, "%s\n", e->message[0] ? e->message : wr_code_name(e->code));
	return 1;
}

int cli_read_secret_stdin(char *buf, size_t n)
{
	if (!fgets(buf, (int)n, stdin))
		return -1;
	size_t len = strlen(buf);
	if (len && buf[len - 1] == '\n')
		buf[--len] = '\0';
	else if (len == n - 1)
		return -1; /* longer than the buffer: refuse rather than cut */
	if (len && buf[len - 1] == '\r')
		buf[--len] = '\0';
	return 0;
}
