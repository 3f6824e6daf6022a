/* warroom backup FILE: SQLite's online backup, safe while the server runs,
 * and beside it the keys that live next to the database (the pack signing
 * key and the acknowledgement-link key): without them a restored war room
 * could not sign packs the towns trust, nor honour the links it sent. */
#include "cli/cli.h"
#include "store/db.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

/* Copies DB.suffix to FILE.suffix (0600, never over a file) when it exists.
 * 0, or -1 after a message. */
static int copy_key(const char *db, const char *dest, const char *suffix)
{
	char from[4200], to[4200];
	snprintf(from, sizeof from, "%s%s", db, suffix);
	snprintf(to, sizeof to, "%s%s", dest, suffix);
	int in = open(from, O_RDONLY | O_CLOEXEC);
	if (in < 0)
		return errno == ENOENT ? 0 : (fprintf(stderr, "warroom: %s: %s\n", from, strerror(errno)), -1);
	int out = open(to, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
	char buf[4096];
	ssize_t n = 0;
	int ok = out >= 0;
	while (ok && (n = read(in, buf, sizeof buf)) > 0)
		ok = write(out, buf, (size_t)n) == n;
	ok = ok && n == 0 && fsync(out) == 0;
	if (out >= 0 && close(out))
		ok = 0;
	close(in);
	if (!ok) {
		fprintf(stderr, "warroom: cannot copy %s to %s: %s\n", from, to, strerror(errno));
		return -1;
	}
	printf("key copied to %s\n", to);
	return 0;
}

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
	static const char *const keys[] = {".pack.key", ".pack.pub", ".comms.key"};
	int status = 0;
	for (int i = 0; i < 3; i++)
		if (copy_key(c->db_path, argv[1], keys[i]))
			status = 1;
	return status;
}
