/* Shared inside src/comms: the frame of every change to an advisory. */
#ifndef WR_COMMS_COMMS_INTERNAL_H
#define WR_COMMS_COMMS_INTERNAL_H

#include "comms/comms.h"

/* Staff, a transaction, and advisory id in status draft (409 otherwise). */
int comms_begin_draft_change(sqlite3 *db, const struct actor *a, int64_t id, struct wr_err *e);
/* The journal entry, commit (rollback on any error in rc or here), and the
 * advisory as it is now in *out. */
int comms_end_change(sqlite3 *db, const struct actor *a, int64_t id, const char *action,
		     const json_t *details, int rc, json_t **out, struct wr_err *e);

#endif
