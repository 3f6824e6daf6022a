/* The tamper-evident journal. Every mutation appends one entry inside the
 * transaction that makes the change: seq, time, actor, action, object type
 * and id, a JSON summary (never a secret), prev_hash, and
 * hash = SHA-256(prev_hash || canonical entry). Triggers forbid UPDATE and
 * DELETE; journal_verify() recomputes the chain. */
#ifndef WR_AUDIT_JOURNAL_H
#define WR_AUDIT_JOURNAL_H

#include <jansson.h>
#include <sqlite3.h>
#include <stdint.h>

#include "base/err.h"

/* Must be called inside a transaction (db_begin). details is borrowed and
 * may be NULL ({}). */
int journal_append(sqlite3 *db, const char *actor, const char *action, const char *object_type,
		   int64_t object_id, const json_t *details, struct wr_err *e);
/* Same, for objects named by text (a user name, a file). */
int journal_append_named(sqlite3 *db, const char *actor, const char *action,
			 const char *object_type, const char *object_id, const json_t *details,
			 struct wr_err *e);

/* Walks the whole chain. 0 with *count entries when intact; WR_ECONFLICT
 * with *bad_seq = the first entry that does not match (edited, deleted,
 * inserted or reordered) and a message saying what is wrong. */
int journal_verify(sqlite3 *db, int64_t *count, int64_t *bad_seq, struct wr_err *e);

/* Entries newest first, at most limit, below seq cursor (0 = from the
 * newest); *next_cursor is 0 at the end. details come back as JSON. */
int journal_list(sqlite3 *db, int limit, int64_t cursor, json_t **items, int64_t *next_cursor,
		 struct wr_err *e);

/* The hash of an entry from its stored fields (exposed for tests). */
int journal_entry_hash(int64_t seq, const char *at, const char *actor, const char *action,
		       const char *object_type, const char *object_id, const char *details,
		       const char *prev_hash, char out[65]);

#endif
