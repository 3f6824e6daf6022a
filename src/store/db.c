#include "store/db.h"
#include "base/log.h"

#include <errno.h>
#include <limits.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

static atomic_uint_fast64_t db_errors;

static int mkdir_parent(const char *path)
{
	const char *slash = strrchr(path, '/');
	if (!slash || slash == path)
		return 0;
	size_t n = (size_t)(slash - path);
	char *dir = malloc(n + 1);
	if (!dir)
		return -1;
	memcpy(dir, path, n);
	dir[n] = '\0';
	int rc = mkdir(dir, 0750);
	free(dir);
	return rc == 0 || errno == EEXIST ? 0 : -1;
}

int db_global_init(void)
{
	/* Memory statistics take one global mutex on every allocation: with
	 * several worker threads that mutex was the busiest lock of the server.
	 * Connections are per thread (NOMUTEX), so multi-thread mode suffices. */
	if (sqlite3_config(SQLITE_CONFIG_MEMSTATUS, 0) != SQLITE_OK ||
	    sqlite3_config(SQLITE_CONFIG_MULTITHREAD) != SQLITE_OK)
		return WR_EINTERNAL;
	return sqlite3_initialize() == SQLITE_OK ? 0 : WR_EINTERNAL;
}

/* Filled at start-up, read by every db_open after. */
static int (*open_hooks[8])(sqlite3 *db);
static size_t open_hook_count;

int db_add_open_hook(int (*fn)(sqlite3 *db))
{
	for (size_t i = 0; i < open_hook_count; i++)
		if (open_hooks[i] == fn)
			return 0; /* once is enough */
	if (open_hook_count == sizeof open_hooks / sizeof open_hooks[0])
		return WR_EINTERNAL;
	open_hooks[open_hook_count++] = fn;
	return 0;
}

static int run_open_hooks(sqlite3 *db)
{
	for (size_t i = 0; i < open_hook_count; i++) {
		int rc = open_hooks[i](db);
		if (rc != SQLITE_OK)
			return rc;
	}
	return SQLITE_OK;
}

int db_open(const char *path, int create, sqlite3 **out, struct wr_err *e)
{
	*out = NULL;
	if (create && mkdir_parent(path) != 0)
		return wr_err_set(e, WR_EIO, "db", "cannot create the directory of %s: %s", path,
				  strerror(errno));
	sqlite3 *db = NULL;
	int flags = SQLITE_OPEN_READWRITE | (create ? SQLITE_OPEN_CREATE : 0) | SQLITE_OPEN_NOMUTEX;
	int rc = sqlite3_open_v2(path, &db, flags, NULL);
	if (rc != SQLITE_OK) {
		wr_err_set(e, WR_EIO, "db", "cannot open database %s: %s", path,
			   db ? sqlite3_errmsg(db) : sqlite3_errstr(rc));
		sqlite3_close(db);
		return WR_EIO;
	}
	sqlite3_busy_timeout(db, 5000);
	sqlite3_extended_result_codes(db, 1);
	static const char *pragmas = "PRAGMA journal_mode=WAL;"
				     "PRAGMA synchronous=NORMAL;"
				     "PRAGMA foreign_keys=ON;"
				     "PRAGMA trusted_schema=OFF;";
	char *msg = NULL;
	if (sqlite3_exec(db, pragmas, NULL, NULL, &msg) != SQLITE_OK) {
		wr_err_set(e, WR_EIO, "db", "cannot use database %s: %s", path, msg ? msg : "?");
		sqlite3_free(msg);
		sqlite3_close(db);
		return WR_EIO;
	}
	if ((rc = run_open_hooks(db)) != SQLITE_OK) {
		wr_err_set(e, WR_EIO, "db", "cannot set up database %s: %s", path, sqlite3_errstr(rc));
		sqlite3_close(db);
		return WR_EIO;
	}
	*out = db;
	return 0;
}

void db_close(sqlite3 *db)
{
	if (db)
		sqlite3_close_v2(db);
}

int db_fail(sqlite3 *db, struct wr_err *e)
{
	int ext = sqlite3_extended_errcode(db);
	if (ext == SQLITE_CONSTRAINT_UNIQUE || ext == SQLITE_CONSTRAINT_PRIMARYKEY)
		return wr_err_set(e, WR_ECONFLICT, "", "already exists");
	atomic_fetch_add(&db_errors, 1);
	log_error("database: %s (%d)", sqlite3_errmsg(db), ext);
	if ((ext & 0xff) == SQLITE_BUSY || (ext & 0xff) == SQLITE_LOCKED)
		return wr_err_set(e, WR_EDB, "", "the database is busy; try again");
	return wr_err_set(e, WR_EDB, "", "database error");
}

uint64_t db_error_count(void)
{
	return atomic_load(&db_errors);
}

int db_exec(sqlite3 *db, const char *sql, struct wr_err *e)
{
	if (sqlite3_exec(db, sql, NULL, NULL, NULL) != SQLITE_OK)
		return db_fail(db, e);
	return 0;
}

/* Transactions nest: the outermost is BEGIN IMMEDIATE (a writer queues
 * for the lock at the start, never fails on upgrade), inner ones are
 * savepoints, so a domain function can run alone or inside an import that
 * writes all lines or none. Connections are per thread, hence thread-local
 * depth. */
static _Thread_local sqlite3 *tx_db;
static _Thread_local int tx_depth;

int db_begin(sqlite3 *db, struct wr_err *e)
{
	if (tx_depth > 0 && tx_db != db)
		return wr_err_set(e, WR_EINTERNAL, "", "two connections in one thread's transaction");
	char sql[40];
	if (tx_depth == 0)
		snprintf(sql, sizeof sql, "BEGIN IMMEDIATE");
	else
		snprintf(sql, sizeof sql, "SAVEPOINT wr%d", tx_depth);
	int rc = db_exec(db, sql, e);
	if (rc)
		return rc;
	tx_db = db;
	tx_depth++;
	return 0;
}

int db_commit(sqlite3 *db, struct wr_err *e)
{
	if (tx_depth <= 0 || tx_db != db)
		return wr_err_set(e, WR_EINTERNAL, "", "commit without a transaction");
	char sql[40];
	if (tx_depth == 1)
		snprintf(sql, sizeof sql, "COMMIT");
	else
		snprintf(sql, sizeof sql, "RELEASE wr%d", tx_depth - 1);
	int rc = db_exec(db, sql, e);
	if (rc) {
		db_rollback(db);
		return rc;
	}
	tx_depth--;
	return 0;
}

void db_rollback(sqlite3 *db)
{
	if (tx_depth <= 0 || tx_db != db)
		return;
	tx_depth--;
	if (tx_depth == 0) {
		if (!sqlite3_get_autocommit(db))
			sqlite3_exec(db, "ROLLBACK", NULL, NULL, NULL);
		return;
	}
	char sql[64];
	snprintf(sql, sizeof sql, "ROLLBACK TO wr%d; RELEASE wr%d", tx_depth, tx_depth);
	sqlite3_exec(db, sql, NULL, NULL, NULL);
}

int db_begin_read(sqlite3 *db, struct wr_err *e)
{
	if (tx_depth > 0)
		return wr_err_set(e, WR_EINTERNAL, "", "a read transaction inside a write transaction");
	return db_exec(db, "BEGIN DEFERRED", e);
}

void db_end_read(sqlite3 *db)
{
	if (tx_depth == 0 && !sqlite3_get_autocommit(db))
		sqlite3_exec(db, "ROLLBACK", NULL, NULL, NULL);
}

int db_prepare(sqlite3 *db, const char *sql, sqlite3_stmt **st, struct wr_err *e)
{
	if (sqlite3_prepare_v2(db, sql, -1, st, NULL) != SQLITE_OK) {
		*st = NULL;
		return db_fail(db, e);
	}
	return 0;
}

int db_step_done(sqlite3 *db, sqlite3_stmt *st, struct wr_err *e)
{
	int rc = sqlite3_step(st) == SQLITE_DONE ? 0 : db_fail(db, e);
	sqlite3_finalize(st);
	return rc;
}

int db_bind_text_or_null(sqlite3_stmt *st, int idx, const char *s)
{
	if (!s || !*s)
		return sqlite3_bind_null(st, idx);
	return sqlite3_bind_text(st, idx, s, -1, SQLITE_TRANSIENT);
}

json_t *db_row_json(sqlite3_stmt *st)
{
	json_t *o = json_object();
	if (!o)
		return NULL;
	int n = sqlite3_column_count(st);
	for (int i = 0; i < n; i++) {
		json_t *v;
		switch (sqlite3_column_type(st, i)) {
		case SQLITE_INTEGER:
			v = json_integer(sqlite3_column_int64(st, i));
			break;
		case SQLITE_FLOAT:
			v = json_real(sqlite3_column_double(st, i));
			break;
		case SQLITE_NULL:
			v = json_null();
			break;
		default:
			v = json_stringn((const char *)sqlite3_column_text(st, i),
					 (size_t)sqlite3_column_bytes(st, i));
		}
		if (!v || json_object_set_new(o, sqlite3_column_name(st, i), v)) {
			json_decref(o);
			return NULL;
		}
	}
	return o;
}

int db_query_int(sqlite3 *db, const char *sql, int64_t param, int64_t *out, struct wr_err *e)
{
	sqlite3_stmt *st;
	int rc = db_prepare(db, sql, &st, e);
	if (rc)
		return rc;
	if (sqlite3_bind_parameter_count(st) >= 1)
		sqlite3_bind_int64(st, 1, param);
	int s = sqlite3_step(st);
	if (s == SQLITE_ROW)
		*out = sqlite3_column_int64(st, 0);
	else if (s == SQLITE_DONE)
		rc = wr_err_set(e, WR_ENOTFOUND, "", "not found");
	else
		rc = db_fail(db, e);
	sqlite3_finalize(st);
	return rc;
}

int db_page(sqlite3 *db, sqlite3_stmt *st, int limit, json_t *(*conv)(sqlite3_stmt *),
	    json_t **items, int64_t *next_cursor, struct wr_err *e)
{
	json_t *arr = json_array();
	int rc = SQLITE_DONE, n = 0;
	int64_t last = 0;
	*items = NULL;
	*next_cursor = 0;
	while (arr && (rc = sqlite3_step(st)) == SQLITE_ROW) {
		if (n++ == limit) {
			*next_cursor = last;
			break;
		}
		last = sqlite3_column_int64(st, 0);
		json_t *o = conv ? conv(st) : db_row_json(st);
		if (!o || json_array_append_new(arr, o)) {
			json_decref(arr);
			arr = NULL;
		}
	}
	int ok = rc == SQLITE_DONE || rc == SQLITE_ROW;
	if (!ok)
		rc = db_fail(db, e);
	sqlite3_finalize(st);
	if (!ok) {
		json_decref(arr);
		return rc;
	}
	if (!arr)
		return wr_err_set(e, WR_ENOMEM, NULL, "out of memory");
	*items = arr;
	return 0;
}

int db_rows(sqlite3 *db, sqlite3_stmt *st, json_t *(*conv)(sqlite3_stmt *), json_t **items,
	    struct wr_err *e)
{
	int64_t next;
	return db_page(db, st, INT_MAX, conv, items, &next, e);
}
