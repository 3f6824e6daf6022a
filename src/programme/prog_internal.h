/* Shared by the files of src/programme/: scope look-ups and field readers.
 * Not for use outside src/programme/. */
#ifndef WR_PROGRAMME_INTERNAL_H
#define WR_PROGRAMME_INTERNAL_H

#include <jansson.h>
#include <sqlite3.h>
#include <stddef.h>
#include <stdint.h>

#include "base/err.h"
#include "store/scope.h"

#define PROG_SCOPE_MAX 512
/* The kinds of organisation the programme is for. */
#define PROG_TOWN_KINDS "('municipality','ocmw','police-zone','intermunicipal')"

/* 0 when org_id is a local government in the actor's scope, else 404. */
int prog_org_visible(sqlite3 *db, const struct actor *a, int64_t org_id, struct wr_err *e);
/* Column i as text, "" for NULL. */
const char *prog_col(sqlite3_stmt *st, int i);
/* Column i as a JSON string, or null. */
json_t *prog_col_json(sqlite3_stmt *st, int i);
/* obj[key] as a calendar date "YYYY-MM-DD" copied into out; absent leaves
 * out unchanged (or is "is required"). */
int prog_get_date(const json_t *obj, const char *key, int required, char out[11],
		  struct wr_err *e);
/* obj[key] as text of 1..max bytes without control characters; absent
 * leaves *out unchanged. */
int prog_get_text(const json_t *obj, const char *key, int required, size_t max,
		  const char **out, struct wr_err *e);
/* s must be one of list (NULL-ended); WR_EINVAL naming field otherwise. */
int prog_one_of(const char *s, const char *const list[], const char *field, struct wr_err *e);
/* Prepares sql and binds id to ?1. */
int prog_prepare_id(sqlite3 *db, const char *sql, int64_t id, sqlite3_stmt **st, struct wr_err *e);
/* Prepares sql and binds today's date (YYYY-MM-DD, time_now()) to ?idx. */
int prog_prepare_today(sqlite3 *db, const char *sql, int idx, sqlite3_stmt **st, struct wr_err *e);
/* Steps st to its end, one row(st) per row into a new array, and
 * finalises st. Caller owns *out. */
int prog_rows_json(sqlite3 *db, sqlite3_stmt *st, json_t *(*row)(sqlite3_stmt *), json_t **out,
		   struct wr_err *e);
/* The single element of rows when there is one, else 404 naming what and id;
 * takes ownership of rows. */
int prog_single(json_t *rows, const char *what, int64_t id, json_t **out, struct wr_err *e);
/* Runs one write of the journal and commits, or rolls back on rc != 0. */
int prog_finish(sqlite3 *db, int rc, struct wr_err *e);

#endif
