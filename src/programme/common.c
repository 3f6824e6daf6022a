/* The helpers of prog_internal.h. */
#include "programme/prog_internal.h"
#include "base/jsonutil.h"
#include "base/timeutil.h"
#include "store/db.h"

#include <stdio.h>
#include <string.h>

int prog_org_visible(sqlite3 *db, const struct actor *a, int64_t org_id, struct wr_err *e)
{
	char scope[PROG_SCOPE_MAX], sql[PROG_SCOPE_MAX + 128];
	if (scope_org_sql(a, "id", scope, sizeof scope))
		return wr_err_set(e, WR_EINTERNAL, NULL, "scope too long");
	snprintf(sql, sizeof sql, "SELECT count(*) FROM orgs WHERE id = ? AND kind IN "
		 PROG_TOWN_KINDS " AND %s", scope);
	int64_t n = 0;
	int rc = db_query_int(db, sql, org_id, &n, e);
	if (rc)
		return rc;
	return n ? 0 : wr_err_set(e, WR_ENOTFOUND, NULL, "organisation %lld not found",
				   (long long)org_id);
}

const char *prog_col(sqlite3_stmt *st, int i)
{
	const unsigned char *s = sqlite3_column_text(st, i);
	return s ? (const char *)s : "";
}

json_t *prog_col_json(sqlite3_stmt *st, int i)
{
	const unsigned char *s = sqlite3_column_text(st, i);
	return s ? json_string((const char *)s) : json_null();
}

int prog_get_date(const json_t *obj, const char *key, int required, char out[11],
		  struct wr_err *e)
{
	const char *s = NULL;
	int64_t t;
	int rc = json_get_string(obj, key, required, &s, NULL, e);
	if (rc || !s)
		return rc;
	if (strlen(s) != 10 || time_parse_date(s, &t))
		return wr_err_set(e, WR_EINVAL, key, "must be a date YYYY-MM-DD");
	memcpy(out, s, 11);
	return 0;
}

int prog_get_text(const json_t *obj, const char *key, int required, size_t max,
		  const char **out, struct wr_err *e)
{
	const char *s = NULL;
	int rc = json_get_string(obj, key, required, &s, NULL, e);
	if (rc || !s)
		return rc;
	size_t n = strlen(s);
	if (n == 0 || n > max)
		return wr_err_set(e, WR_EINVAL, key, "must be 1 to %zu bytes", max);
	for (size_t i = 0; i < n; i++)
		if ((unsigned char)s[i] < 0x20 && s[i] != '\n' && s[i] != '\t')
			return wr_err_set(e, WR_EINVAL, key, "contains a control character");
	*out = s;
	return 0;
}

int prog_one_of(const char *s, const char *const list[], const char *field, struct wr_err *e)
{
	char all[160] = "";
	size_t used = 0;
	for (size_t i = 0; list[i]; i++) {
		if (!strcmp(s, list[i]))
			return 0;
		int w = snprintf(all + used, sizeof all - used, "%s%s", i ? ", " : "", list[i]);
		if (w > 0 && (size_t)w < sizeof all - used)
			used += (size_t)w;
	}
	return wr_err_set(e, WR_EINVAL, field, "must be one of %s", all);
}

int prog_finish(sqlite3 *db, int rc, struct wr_err *e)
{
	if (rc) {
		db_rollback(db);
		return rc;
	}
	return db_commit(db, e);
}

int prog_prepare_id(sqlite3 *db, const char *sql, int64_t id, sqlite3_stmt **st, struct wr_err *e)
{
	int rc = db_prepare(db, sql, st, e);
	if (!rc)
		sqlite3_bind_int64(*st, 1, id);
	return rc;
}

int prog_prepare_today(sqlite3 *db, const char *sql, int idx, sqlite3_stmt **st, struct wr_err *e)
{
	char today[11];
	int rc = db_prepare(db, sql, st, e);
	if (rc)
		return rc;
	time_today(today);
	sqlite3_bind_text(*st, idx, today, -1, SQLITE_TRANSIENT);
	return 0;
}

int prog_rows_json(sqlite3 *db, sqlite3_stmt *st, json_t *(*row)(sqlite3_stmt *), json_t **out,
		   struct wr_err *e)
{
	json_t *arr = json_array();
	int rc = 0, s = SQLITE_DONE;
	while (arr && (s = sqlite3_step(st)) == SQLITE_ROW)
		if (json_array_append_new(arr, row(st))) {
			rc = wr_err_set(e, WR_ENOMEM, NULL, "out of memory");
			break;
		}
	if (!arr)
		rc = wr_err_set(e, WR_ENOMEM, NULL, "out of memory");
	else if (!rc && s != SQLITE_DONE)
		rc = db_fail(db, e);
	sqlite3_finalize(st);
	if (rc)
		json_decref(arr);
	else
		*out = arr;
	return rc;
}

int prog_single(json_t *rows, const char *what, int64_t id, json_t **out, struct wr_err *e)
{
	int rc = json_array_size(rows) == 1 ? 0 : wr_err_set(e, WR_ENOTFOUND, NULL, "%s %lld not found", what, (long long)id);
	if (!rc)
		*out = json_incref(json_array_get(rows, 0));
	json_decref(rows);
	return rc;
}
