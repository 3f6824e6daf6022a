/* One import batch of scan rows, shared by the feeds (Shadowserver, the
 * generic CSV): rows routed to a town (address first, then host name),
 * events and findings written, "probably fixed" marked, one notice per town
 * sent, all in one transaction (docs/vulns.md). Internal to src/vulns. */
#ifndef WR_VULNS_BATCH_H
#define WR_VULNS_BATCH_H

#include <sqlite3.h>
#include <stdint.h>
#include <stdio.h>

#include "base/csv.h"

#include "vulns/route.h"
#include "vulns/vulns.h"

struct vrow {
	long line;        /* in the file, for errors */
	const char *seen; /* RFC 3339 */
	const char *ip;   /* "" when the row names only a host */
	const char *host; /* "" when none */
	const char *asn, *issue, *cves, *severity;
	int port; /* 0: none */
};

struct vbatch;

/* "2026-11-27 03:12:45" or RFC 3339 to RFC 3339 in out; -1 when neither. */
int vscan_time(const char *s, char out[32]);
/* A CSV reader over the len bytes of text: 0, or WR_ENOMEM (e filled).
 * vcsv_close() frees both. */
int vcsv_open(const char *text, size_t len, FILE **in, struct csv_reader **cr, struct wr_err *e);
void vcsv_close(FILE *in, struct csv_reader *cr);
/* The CVE ids in s, upper case and comma-separated, into out. */
void vcves_of(const char *s, char *out, size_t n);

/* Begins the transaction and the batch (report: the report type, whose
 * findings "probably fixed" counts; "csv" never marks them). When the file
 * (sha) was imported before: 0, r->already set and *out NULL. */
int vbatch_open(sqlite3 *db, const struct actor *a, const char *sha, const char *name,
		const char *report, const char *date, struct vuln_import_result *r,
		struct vbatch **out, struct wr_err *e);
/* Routes and records one row; a row that cannot be recorded is an error of
 * r->errors (line, message) and 0. Nonzero only when the database fails. */
int vbatch_row(struct vbatch *b, const struct vrow *row, struct wr_err *e);
/* rc 0: finishes the batch (counts, probably fixed, notices, journal) and
 * commits; otherwise rolls back. Frees b; returns the outcome. */
int vbatch_close(struct vbatch *b, int rc, struct wr_err *e);

/* The finding upsert: ?1 org, ?2 asset, ?3 provider, ?4 key (the address, or
 * the host name of a row without one), ?5 port, ?6 issue, ?7 report, ?8 cves,
 * ?9 severity, ?10 seen, ?11 now, ?12 host name, ?13 batch. Seen again after
 * fixed or probably fixed: reopened. */
int vfinding_prepare(sqlite3 *db, sqlite3_stmt **up, struct wr_err *e);
void vfinding_bind(sqlite3_stmt *up, const struct route_hit *hit, const char *key,
		   const struct vrow *row, const char *report, int64_t batch, const char *now);

/* Writes the notice of batch to each town with routed events in it (only
 * town org when org > 0) that has none yet: a system advisory (TLP:AMBER,
 * ticket WR-VULN-<batch>-<org>) and its deliveries in the outbox. The
 * caller's transaction. *notices: how many were written. */
int vuln_notify(sqlite3 *db, int64_t batch, int64_t org, size_t *notices, struct wr_err *e);

#endif
