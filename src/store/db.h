/* The database: SQLite in WAL mode with a busy timeout and foreign keys.
 * One connection per thread. Every multi-step change is one transaction
 * (db_begin .. db_commit, db_rollback on any error). */
#ifndef WR_STORE_DB_H
#define WR_STORE_DB_H

#include <jansson.h>
#include <sqlite3.h>
#include <stdint.h>

#include "base/err.h"

/* Process-wide SQLite settings; call once before any connection opens. */
int db_global_init(void);
/* Has db_open run fn on every connection it opens from now on (a module's
 * SQL functions: the store knows none of them). fn returns an SQLite result
 * code; one that is not SQLITE_OK fails the open. At start-up only, before
 * any connection opens (not thread-safe); 0, or WR_EINTERNAL when full. */
int db_add_open_hook(int (*fn)(sqlite3 *db));
/* Opens (creating the file and its directory when create is set). Caller
 * closes with db_close(). */
int db_open(const char *path, int create, sqlite3 **out, struct wr_err *e);
void db_close(sqlite3 *db);
/* Applies the numbered migrations not yet recorded in schema_migrations. */
int db_migrate(sqlite3 *db, int *applied, struct wr_err *e);
int db_schema_version(sqlite3 *db);
int db_latest_version(void);

int db_begin(sqlite3 *db, struct wr_err *e); /* BEGIN IMMEDIATE: writers queue here */
int db_commit(sqlite3 *db, struct wr_err *e);
void db_rollback(sqlite3 *db);
/* A read transaction: one consistent snapshot for several queries, without
 * the write lock that db_begin takes. Not inside db_begin. */
int db_begin_read(sqlite3 *db, struct wr_err *e);
void db_end_read(sqlite3 *db);
int db_exec(sqlite3 *db, const char *sql, struct wr_err *e);
int db_prepare(sqlite3 *db, const char *sql, sqlite3_stmt **st, struct wr_err *e);

/* Turns the connection's last error into a wr_err: a UNIQUE violation is
 * WR_ECONFLICT, anything else WR_EDB with a generic message (the SQLite text
 * goes to the log, not to the user). Counts database errors for /metrics. */
int db_fail(sqlite3 *db, struct wr_err *e);
uint64_t db_error_count(void);

/* Runs one prepared write to its end and finalises it: 0 or db_fail(). */
int db_step_done(sqlite3 *db, sqlite3_stmt *st, struct wr_err *e);
/* Binds text, or NULL when s is NULL or empty. */
int db_bind_text_or_null(sqlite3_stmt *st, int idx, const char *s);
/* The current row as a JSON object keyed by column name (integers, reals,
 * text, null). Caller owns. NULL when memory runs out. */
json_t *db_row_json(sqlite3_stmt *st);
/* A page of a keyset-paged list: st is bound to return at most limit + 1
 * rows, newest first, with the id in column 0. *items gets the first limit
 * rows through conv (NULL: db_row_json); *next_cursor the id of the last of
 * them when another row follows, else 0. Finalises st. */
int db_page(sqlite3 *db, sqlite3_stmt *st, int limit, json_t *(*conv)(sqlite3_stmt *),
	    json_t **items, int64_t *next_cursor, struct wr_err *e);
/* Every row of st through conv (NULL: db_row_json) as a JSON array;
 * finalizes st. */
int db_rows(sqlite3 *db, sqlite3_stmt *st, json_t *(*conv)(sqlite3_stmt *), json_t **items,
	    struct wr_err *e);
/* Runs a single-value integer query with one optional int64 parameter. */
int db_query_int(sqlite3 *db, const char *sql, int64_t param, int64_t *out, struct wr_err *e);

#endif
