/* What the feed readers (kev.c, cve.c), the software matcher (swmatch.c)
 * and the import driver (feeds.c) share. Not for other modules. */
#ifndef WR_VULNS_FEEDS_INTERNAL_H
#define WR_VULNS_FEEDS_INTERNAL_H

#include "vulns/feeds.h"

#define FEED_TEXT_MAX 10000 /* characters of one stored text field */

struct feed_import {
	sqlite3 *db;
	const struct actor *actor;
	enum feed_kind kind;
	char now[32];
	struct feed_result r;
	json_t *touched;     /* {"CVE-...": true}: new or changed by this import */
	json_t *doc_touched; /* the same for the document being read */
	json_t *seen, *doc_seen; /* CVE ids read by this import, and by this document */
	const char *doc;     /* its name, for errors */
	int saved_software;  /* no feed: the software assets just saved */
};

/* Adds {"file", "at", "message"} to the errors and counts a skipped
 * record. Returns 0 (the import goes on) or WR_ENOMEM. */
int feed_skip(struct feed_import *fi, const char *at, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
/* The CVE is new or changed: match it to the software at the end. */
int feed_touch(struct feed_import *fi, const char *cve_id);
/* 1 the first time this import reads cve_id; 0 after a skip naming the
 * earlier one (the first one counts, so the same file twice is the same);
 * or WR_ENOMEM. */
int feed_first(struct feed_import *fi, const char *at, const char *cve_id);
/* "CVE-YYYY-NNNN..." (4 or more digits after the year), upper case. */
int feed_cve_id_ok(const char *s);

int kev_read(struct feed_import *fi, const char *text, size_t len, struct wr_err *e);
int cve5_read(struct feed_import *fi, const char *text, size_t len, struct wr_err *e);
int nvd_read(struct feed_import *fi, const char *text, size_t len, struct wr_err *e);
/* Every CVE in fi->touched against every software asset: findings. */
int swmatch_run(struct feed_import *fi, struct wr_err *e);

#endif
