/* Helpers shared by the intel/ files; not for other modules. */
#ifndef WR_INTEL_INTERNAL_H
#define WR_INTEL_INTERNAL_H

#include <sqlite3.h>
#include <stddef.h>
#include <stdint.h>

#include "base/err.h"

/* 16 bytes as a lower-case UUID text. */
void intel_uuid_format(const unsigned char b[16], char out[37]);
/* A random (version 4) lower-case UUID. */
void intel_uuid4(char out[37]);
/* Takes the next intel version (one per change batch) inside the caller's
 * transaction. */
int intel_next_version(sqlite3 *db, const char *what, int64_t *version, struct wr_err *e);

#endif
