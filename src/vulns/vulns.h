/* Vulnerability notifications (issue 7, docs/vulns.md): internet-scan
 * reports routed to the town that owns each address, findings per (town,
 * address, issue) tracked to closure, and what reached nobody. */
#ifndef WR_VULNS_VULNS_H
#define WR_VULNS_VULNS_H

#include <jansson.h>
#include <sqlite3.h>
#include <stddef.h>
#include <stdio.h>

#include "base/err.h"
#include "store/scope.h"

struct vuln_import_result {
	size_t rows, routed, unrouted, opened, refreshed, reopened;
	size_t probably_fixed; /* findings of the report not seen in N batches */
	size_t notices;        /* towns sent their bundled notice */
	int64_t batch;
	int already; /* the same file was imported before: nothing changed */
	json_t *errors; /* [{"line", "message"}]: malformed rows, skipped */
};
void vuln_import_result_release(struct vuln_import_result *r);

/* A Shadowserver report (CSV; the file name gives date and report:
 * YYYY-MM-DD-<report>-<filter>.csv; columns by header name) in one
 * transaction. Staff only. A header without the common columns is refused
 * (WR_EINVAL); a malformed row is reported with its line and skipped. */
int vuln_import_shadowserver(sqlite3 *db, const struct actor *a, const char *name,
			     const char *text, size_t len, struct vuln_import_result *r,
			     struct wr_err *e);
/* The same from a seekable file (read twice: for its SHA-256, then its
 * rows), never all in memory. */
int vuln_import_shadowserver_file(sqlite3 *db, const struct actor *a, const char *name, FILE *in,
				  struct vuln_import_result *r, struct wr_err *e);

/* The generic scan CSV: columns by header name, ip or hostname (or both),
 * port, issue, cve, severity, timestamp; timestamp, issue and one of ip and
 * hostname required; any other column refuses the file (WR_EINVAL). A batch
 * of report "csv" (never "probably fixed"). Staff only. */
int vuln_import_csv(sqlite3 *db, const struct actor *a, const char *name, const char *text,
		    size_t len, struct vuln_import_result *r, struct wr_err *e);
int vuln_import_csv_file(sqlite3 *db, const struct actor *a, const char *name, FILE *in,
			 struct vuln_import_result *r, struct wr_err *e);

/* Findings the actor may see (staff all, a SPOC its town's, a provider those
 * on assets it manages), filters org/status/severity (0/NULL: any). */
int vuln_findings_list(sqlite3 *db, const struct actor *a, int64_t org, const char *status,
		       const char *severity, int limit, int64_t cursor, json_t **items,
		       int64_t *next_cursor, struct wr_err *e);
/* {"status": "acknowledged"|"fixed"|"accepted"|"false-positive"|"open",
 * "reason", "until"}: accepted and false-positive need a reason, accepted
 * the last day it holds ("until", within a year). */
int vuln_finding_update(sqlite3 *db, const struct actor *a, int64_t id, const json_t *body,
			json_t **out, struct wr_err *e);
/* Accepted risks whose last day is before now's date (UTC) are open again,
 * each journalled (finding.acceptance_expired). The caller's transaction;
 * *n how many. */
int vuln_acceptances_expire(sqlite3 *db, int64_t now, size_t *n, struct wr_err *e);
/* Events that reached nobody, grouped by /24 (IPv4) or /48 (IPv6) with
 * their count and AS numbers: the prefixes a town should claim. Staff. */
int vuln_unrouted(sqlite3 *db, const struct actor *a, json_t **items, struct wr_err *e);

/* Routes the events that reached nobody and that the registry's claims now
 * cover (call after a change of assets): findings opened, and the notice of
 * each (batch, town) sent that had none. One transaction; journal entry
 * vulns.reroute by who. */
int vuln_reroute(sqlite3 *db, const char *who, size_t *routed, size_t *notices, struct wr_err *e);

/* Coverage of [since, until) (RFC 3339 or YYYY-MM-DD; NULL: the last 30
 * days): events, routed to a town, to a town with a reachable SPOC (an
 * active SPOC with an e-mail address or phone), acknowledged (the town
 * acknowledged the batch's notice); and what reached nobody grouped by /24
 * (IPv4) or /48 (IPv6), by AS number and by domain. Staff. */
int vuln_coverage(sqlite3 *db, const struct actor *a, const char *since, const char *until,
		  json_t **out, struct wr_err *e);

/* A finding on a town's software, from a CVE matched to it (vulns/feeds.h):
 * keyed (org, asset, CVE) as (org_id, ip = the asset's value
 * "vendor:product:version", issue = the CVE id), report "software", cves
 * the CVE id, port NULL. Seen again: refreshed (severity and due date
 * follow the feeds); after "fixed": reopened. provider_id: the provider
 * that manages the asset, 0 for the town. due_on may be NULL. */
struct sw_finding {
	int64_t org_id, asset_id, provider_id;
	const char *asset, *cve, *severity, *due_on, *seen;
};
enum finding_change { FINDING_OPENED, FINDING_REFRESHED, FINDING_REOPENED };
int vuln_finding_software(sqlite3 *db, const struct sw_finding *f, enum finding_change *change,
			  struct wr_err *e);

#endif
