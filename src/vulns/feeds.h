/* Vulnerability feeds (issue 7, docs/vulns.md): the known-exploited
 * catalogue (CISA KEV, JSON or CSV), CVE records (CVE JSON 5) and NVD API
 * 2.0 pages, stored per CVE and matched to the towns' software, which opens
 * or refreshes a finding per (town, software asset, CVE).
 *
 * An import is one transaction: feed_import_begin(), one
 * feed_import_doc() per file, feed_import_end(). A record that is the same
 * as the stored one changes nothing, so the same file twice changes
 * nothing (not even the journal). */
#ifndef WR_VULNS_FEEDS_H
#define WR_VULNS_FEEDS_H

#include <jansson.h>
#include <sqlite3.h>
#include <stddef.h>

#include "base/err.h"
#include "store/scope.h"

enum feed_kind { FEED_KEV, FEED_CVE5, FEED_NVD };

struct feed_result {
	size_t records, added, changed, unchanged, skipped;
	size_t matched, opened, refreshed, reopened; /* findings on the towns' software */
	json_t *errors; /* [{"file", "at", "message"}]: malformed records, skipped */
};
void feed_result_release(struct feed_result *r);

/* "kev", "cve", "nvd": 0 and *kind, or -1. */
int feed_kind_parse(const char *s, enum feed_kind *kind);

struct feed_import;
/* Staff only (WR_EFORBIDDEN). Opens the transaction; caller ends it with
 * feed_import_end(). */
int feed_import_begin(sqlite3 *db, const struct actor *a, enum feed_kind kind,
		      struct feed_import **out, struct wr_err *e);
/* One file (name for messages, text borrowed). A file that is not of the
 * kind (not JSON, a header or structure not understood, a CVE record
 * without its id) is WR_EPARSE/WR_EINVAL with nothing of it stored; a
 * malformed record inside a good file is added to the errors with its
 * position (CSV line, "vulnerabilities[i]") and skipped. Other codes: the
 * database failed, the import must end without commit. */
int feed_import_doc(struct feed_import *fi, const char *name, const char *text, size_t len,
		    struct wr_err *e);
/* commit: match the new and changed CVEs to the software, journal what
 * changed and commit; else roll back. Fills *r (caller releases it) and
 * frees fi in every case. */
int feed_import_end(struct feed_import *fi, int commit, struct feed_result *r, struct wr_err *e);

/* The software assets added or changed since they were last matched,
 * against the stored CVEs, so a town's inventory is matched the moment it is
 * saved (a feed import does the same for any it missed). Its own
 * transaction; journalled under who when it matched something. */
int feed_match_saved_software(sqlite3 *db, const char *who, struct feed_result *r, struct wr_err *e);

/* GET /api/v1/vulns/kev: the catalogue, newest addition first, filters cve (exact),
 * vendor (case-insensitive) and ransomware (-1 any, 0 or 1). Any role. */
int feed_kev_list(sqlite3 *db, const char *cve, const char *vendor, int ransomware, int limit,
		  int64_t cursor, json_t **items, int64_t *next_cursor, struct wr_err *e);

#endif
