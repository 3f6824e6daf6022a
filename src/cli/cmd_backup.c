/* warroom backup FILE: SQLite's online backup, safe while the server runs. */
#include "cli/cli.h"
#include "store/db.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

int cmd_backup(struct cli *c, int argc, char **argv)
{
	if (argc != 2) {
		fprintf(stderr, "usage: warroom backup FILE\n");
		return 2;
	}
	/* Created here, exclusively and for the owner only: a backup holds
	 * password hashes and contacts, and never replaces another file. */
	int fd = open(argv[1], O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
	if (fd < 0) {
		fprintf(stderr, "warroom: cannot create %s: %s%s\n", argv[1], strerror(errno),
			errno == EEXIST ? "; choose a new file name" : "");
		return 1;
	}
	close(fd);
	sqlite3 *src, *dst;
	if (cli_open_db(c, &src)) {
		unlink(argv[1]);
		return 1;
	}
	struct wr_err e = {0};
	if (db_open(argv[1], 1, &dst, &e)) {
		db_close(src);
		unlink(argv[1]);
		return cli_fail(c, &e);
	}
	sqlite3_backup *b = sqlite3_backup_init(dst, "main", src, "main");
	int rc = SQLITE_ERROR;
	if (b) {
		/* Copy in steps so that writers are not held up for long. */
		do {
			rc = sqlite3_backup_step(b, 256);
			if (rc == SQLITE_BUSY || rc == SQLITE_LOCKED)
				sqlite3_sleep(50);
		} while (rc == SQLITE_OK || rc == SQLITE_BUSY || rc == SQLITE_LOCKED);
		sqlite3_backup_finish(b);
	}
	int ok = rc == SQLITE_DONE && sqlite3_errcode(dst) == SQLITE_OK;
	if (!ok)
		fprintf(stderr, "warroom: backup failed: %s\n", sqlite3_errmsg(dst));
	db_close(src);
	db_close(dst);
	if (!ok) {
		unlink(argv[1]);
		return 1;
	}
	printf("backup written to %s\n", argv[1]);
	return 0;
}
