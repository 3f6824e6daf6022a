#include "audit/journal.h"
#include "base/buf.h"
#include "base/jsonutil.h"
#include "base/secret.h"
#include "base/timeutil.h"
#include "store/db.h"

#include <stdlib.h>
#include <string.h>

/* The genesis entry's prev_hash: 64 zeros. */
static const char genesis[] =
	"0000000000000000000000000000000000000000000000000000000000000000";

static int add_json_string(struct buf *b, const char *s)
{
	json_t *j = json_string(s);
	if (!j)
		return WR_EINVAL; /* not UTF-8: callers only pass our own text */
	char *t = json_dumps(j, JSON_ENCODE_ANY);
	json_decref(j);
	if (!t)
		return WR_ENOMEM;
	int rc = buf_adds(b, t);
	free(t);
	return rc;
}

/* The canonical entry is a JSON object with its keys in sorted order,
 * written field by field so that the stored details text is hashed exactly
 * as stored. */
int journal_entry_hash(int64_t seq, const char *at, const char *actor, const char *action,
		       const char *object_type, const char *object_id, const char *details,
		       const char *prev_hash, char out[65])
{
	struct buf b;
	buf_init(&b, 16u << 20);
	int rc = buf_adds(&b, prev_hash);
	rc = rc ? rc : buf_adds(&b, "{\"action\":");
	rc = rc ? rc : add_json_string(&b, action);
	rc = rc ? rc : buf_adds(&b, ",\"actor\":");
	rc = rc ? rc : add_json_string(&b, actor);
	rc = rc ? rc : buf_adds(&b, ",\"at\":");
	rc = rc ? rc : add_json_string(&b, at);
	rc = rc ? rc : buf_adds(&b, ",\"details\":");
	rc = rc ? rc : buf_adds(&b, details);
	rc = rc ? rc : buf_adds(&b, ",\"object_id\":");
	rc = rc ? rc : add_json_string(&b, object_id);
	rc = rc ? rc : buf_adds(&b, ",\"object_type\":");
	rc = rc ? rc : add_json_string(&b, object_type);
	rc = rc ? rc : buf_printf(&b, ",\"seq\":%lld}", (long long)seq);
	if (!rc)
		secret_sha256_hex(b.ptr, b.len, out);
	buf_release(&b);
	return rc;
}

int journal_append_named(sqlite3 *db, const char *actor, const char *action,
			 const char *object_type, const char *object_id, const json_t *details,
			 struct wr_err *e)
{
	char prev[65];
	int64_t seq = 1;
	sqlite3_stmt *st = NULL;
	int rc = db_prepare(db, "SELECT seq, hash FROM journal ORDER BY seq DESC LIMIT 1", &st, e);
	if (rc)
		return rc;
	int s = sqlite3_step(st);
	if (s == SQLITE_ROW) {
		seq = sqlite3_column_int64(st, 0) + 1;
		snprintf(prev, sizeof prev, "%s", (const char *)sqlite3_column_text(st, 1));
	} else if (s == SQLITE_DONE) {
		snprintf(prev, sizeof prev, "%s", genesis);
	} else {
		rc = db_fail(db, e);
	}
	sqlite3_finalize(st);
	if (rc)
		return rc;

	char *det = NULL;
	if (details) {
		det = json_canonical(details);
	} else {
		det = strdup("{}");
	}
	if (!det)
		return wr_err_set(e, WR_ENOMEM, "", "out of memory");
	char at[40], hash[65];
	time_now_rfc3339(at, sizeof at);
	rc = journal_entry_hash(seq, at, actor, action, object_type, object_id, det, prev, hash);
	if (rc) {
		free(det);
		return wr_err_set(e, rc, "", "cannot hash the journal entry");
	}
	rc = db_prepare(db, "INSERT INTO journal (seq, at, actor, action, object_type, object_id,"
			    " details, prev_hash, hash) VALUES (?,?,?,?,?,?,?,?,?)", &st, e);
	if (!rc) {
		sqlite3_bind_int64(st, 1, seq);
		sqlite3_bind_text(st, 2, at, -1, SQLITE_TRANSIENT);
		sqlite3_bind_text(st, 3, actor, -1, SQLITE_STATIC);
		sqlite3_bind_text(st, 4, action, -1, SQLITE_STATIC);
		sqlite3_bind_text(st, 5, object_type, -1, SQLITE_STATIC);
		sqlite3_bind_text(st, 6, object_id, -1, SQLITE_STATIC);
		sqlite3_bind_text(st, 7, det, -1, SQLITE_STATIC);
		sqlite3_bind_text(st, 8, prev, -1, SQLITE_STATIC);
		sqlite3_bind_text(st, 9, hash, -1, SQLITE_STATIC);
		if (sqlite3_step(st) != SQLITE_DONE)
			rc = db_fail(db, e);
		sqlite3_finalize(st);
	}
	free(det);
	return rc;
}

int journal_append(sqlite3 *db, const char *actor, const char *action, const char *object_type,
		   int64_t object_id, const json_t *details, struct wr_err *e)
{
	char id[24];
	snprintf(id, sizeof id, "%lld", (long long)object_id);
	return journal_append_named(db, actor, action, object_type, id, details, e);
}

static const char *col(sqlite3_stmt *st, int i)
{
	const char *s = (const char *)sqlite3_column_text(st, i);
	return s ? s : "";
}

int journal_verify(sqlite3 *db, int64_t *count, int64_t *bad_seq, struct wr_err *e)
{
	*count = 0;
	*bad_seq = 0;
	sqlite3_stmt *st;
	int rc = db_prepare(db, "SELECT seq, at, actor, action, object_type, object_id, details,"
				" prev_hash, hash FROM journal ORDER BY seq", &st, e);
	if (rc)
		return rc;
	char prev[65];
	snprintf(prev, sizeof prev, "%s", genesis);
	int64_t expect = 1;
	int s;
	while ((s = sqlite3_step(st)) == SQLITE_ROW) {
		int64_t seq = sqlite3_column_int64(st, 0);
		char hash[65];
		if (seq != expect) {
			rc = wr_err_set(e, WR_ECONFLICT, "", "entry %lld is missing (next is %lld)",
					(long long)expect, (long long)seq);
			*bad_seq = expect;
			break;
		}
		if (strcmp(col(st, 7), prev) != 0) {
			rc = wr_err_set(e, WR_ECONFLICT, "",
					"entry %lld does not follow entry %lld (prev_hash differs)",
					(long long)seq, (long long)seq - 1);
			*bad_seq = seq;
			break;
		}
		if (journal_entry_hash(seq, col(st, 1), col(st, 2), col(st, 3), col(st, 4), col(st, 5),
				       col(st, 6), prev, hash) ||
		    strcmp(hash, col(st, 8)) != 0) {
			rc = wr_err_set(e, WR_ECONFLICT, "", "entry %lld was altered (hash differs)",
					(long long)seq);
			*bad_seq = seq;
			break;
		}
		snprintf(prev, sizeof prev, "%s", hash);
		expect++;
		(*count)++;
	}
	if (!rc && s != SQLITE_DONE)
		rc = db_fail(db, e);
	sqlite3_finalize(st);
	return rc;
}

int journal_list(sqlite3 *db, int limit, int64_t cursor, json_t **items, int64_t *next_cursor,
		 struct wr_err *e)
{
	*items = NULL;
	*next_cursor = 0;
	sqlite3_stmt *st;
	int rc = db_prepare(db, "SELECT seq, at, actor, action, object_type, object_id, details"
				" FROM journal WHERE (?1 = 0 OR seq < ?1) ORDER BY seq DESC LIMIT ?2",
			    &st, e);
	if (rc)
		return rc;
	sqlite3_bind_int64(st, 1, cursor);
	sqlite3_bind_int(st, 2, limit + 1);
	json_t *arr = json_array();
	int n = 0, s;
	int64_t last = 0;
	while (arr && (s = sqlite3_step(st)) == SQLITE_ROW) {
		if (n == limit) {
			*next_cursor = last;
			break;
		}
		json_t *row = db_row_json(st);
		json_t *det = json_loads(col(st, 6), 0, NULL);
		/* set_new and append_new take their value even when they fail */
		int failed = !row || !det;
		if (failed) {
			json_decref(row);
			json_decref(det);
		} else if (json_object_set_new(row, "details", det)) {
			json_decref(row);
			failed = 1;
		} else {
			failed = json_array_append_new(arr, row) != 0;
		}
		if (failed) {
			json_decref(arr);
			arr = NULL;
			break;
		}
		last = sqlite3_column_int64(st, 0);
		n++;
	}
	if (!arr)
		rc = wr_err_set(e, WR_ENOMEM, "", "out of memory");
	else if (s != SQLITE_ROW && s != SQLITE_DONE) {
		rc = db_fail(db, e);
		json_decref(arr);
		arr = NULL;
	}
	sqlite3_finalize(st);
	*items = arr;
	return rc;
}
