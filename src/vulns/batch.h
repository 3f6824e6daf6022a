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
#include "base/secret.h"

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
/* The rows of an import: a CSV reader over bytes in memory or over a
 * seekable file, and the SHA-256 of the whole content (a file is read once
 * for it and rewound, so a large report is never all in memory). */
struct vsource {
	FILE *in;
	int own; /* in is ours to close */
	struct csv_reader *cr;
	char sha[SECRET_SHA256_HEX];
};
/* 0, or an error in e (WR_ENOMEM, WR_EIO); vsource_close() in both cases. */
int vsource_memory(struct vsource *s, const char *text, size_t len, struct wr_err *e);
int vsource_file(struct vsource *s, FILE *in, struct wr_err *e);
void vsource_close(struct vsource *s);

/* An importer's work on an open source: header, rows, batch. */
typedef int (*vimport_rows)(sqlite3 *db, const struct actor *a, const char *name,
			    struct vsource *src, struct vuln_import_result *r, struct wr_err *e);
/* Clears r; when the source opened (opened 0) and a is staff, runs rows with
 * r->errors ready for the rows skipped. Closes src. */
int vimport_run(sqlite3 *db, const struct actor *a, const char *name, struct vsource *src,
		int opened, vimport_rows rows, struct vuln_import_result *r, struct wr_err *e);
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

/* Records that a scan row saw a finding of town hit->org_id at key (the
 * address, or the host name of a row without one) with row's issue: opened,
 * seen again (last seen, times, CVEs, severity), or reopened when it was
 * fixed or probably fixed. Accepted and false-positive findings keep their
 * status. The statements are prepared once per import. */
struct vwriter {
	sqlite3_stmt *find, *add, *seen, *change;
};
enum vseen { VSEEN_NEW, VSEEN_AGAIN, VSEEN_REOPENED };
int vwriter_open(sqlite3 *db, struct vwriter *w, struct wr_err *e);
void vwriter_close(struct vwriter *w);
int vwriter_record(struct vwriter *w, sqlite3 *db, const struct route_hit *hit, const char *key,
		   const struct vrow *row, const char *report, int64_t batch, const char *now,
		   enum vseen *how, struct wr_err *e);

/* Writes the notice of batch to each town with routed events in it (only
 * town org when org > 0) that has none yet: a system advisory (TLP:AMBER,
 * ticket WR-VULN-<batch>-<org>) and its deliveries in the outbox. The
 * caller's transaction. fresh: batch is the import in progress (the last
 * to see its findings). *notices: how many were written. */
int vuln_notify(sqlite3 *db, int64_t batch, int64_t org, int fresh, size_t *notices,
		struct wr_err *e);

#endif
