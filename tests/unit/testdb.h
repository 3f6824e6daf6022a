/* A fresh migrated database in a temporary file, for unit tests. */
#ifndef WR_TESTS_TESTDB_H
#define WR_TESTS_TESTDB_H

#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

#include "base/secret.h"
#include "store/db.h"

struct testdb {
	char path[64];
	sqlite3 *db;
};

static inline int testdb_open(struct testdb *t)
{
	snprintf(t->path, sizeof t->path, "/tmp/warroom-test-XXXXXX");
	int fd = mkstemp(t->path);
	if (fd < 0)
		return -1;
	close(fd);
	int applied;
	if (secret_init() || db_open(t->path, 1, &t->db, NULL) || db_migrate(t->db, &applied, NULL))
		return -1;
	return 0;
}

static inline void testdb_close(struct testdb *t)
{
	char p[80];
	db_close(t->db);
	unlink(t->path);
	snprintf(p, sizeof p, "%s-wal", t->path);
	unlink(p);
	snprintf(p, sizeof p, "%s-shm", t->path);
	unlink(p);
}

#endif
