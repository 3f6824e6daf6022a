/* Vulnerability feeds fetched from a URL on a schedule (issue 7,
 * docs/vulns.md "Fetching feeds on a schedule"): the configured sources,
 * the download with libcurl to a temporary file, and the import of it with
 * the feed's own importer (vulns/feeds.h, vulns/vulns.h). */
#ifndef WR_VULNS_FETCH_H
#define WR_VULNS_FETCH_H

#include <jansson.h>
#include <sqlite3.h>
#include <stddef.h>
#include <stdint.h>

#include "base/err.h"
#include "store/scope.h"

/* -- the sources (vulns/sources.c) --------------------------------------- */

/* {"kind", "url", "every" ("24h", "90m", "7d", "3600s" or seconds),
 * "enabled", "token" (sent as Authorization: Bearer) or "header"
 * ("Name: value")}. Admin (or the command line). 201 shape in *out. A URL
 * that is not https (http only to 127.0.0.1, ::1 or localhost) is
 * WR_EINVAL on "url". A new source is due at once. */
int vsource_add(sqlite3 *db, const struct actor *a, const json_t *body, json_t **out,
		struct wr_err *e);
/* Staff. Every source, oldest first; the header's value is never shown,
 * only its name and last four characters ("auth"). */
int vsource_list(sqlite3 *db, const struct actor *a, json_t **items, struct wr_err *e);
int vsource_get(sqlite3 *db, const struct actor *a, int64_t id, json_t **out, struct wr_err *e);
/* Staff. Makes an enabled source due now (for the server's job to fetch
 * it); WR_ECONFLICT when it is disabled. The source in *out. */
int vsource_due_now(sqlite3 *db, const struct actor *a, int64_t id, json_t **out, struct wr_err *e);
/* Admin. WR_ENOTFOUND when there is none. */
int vsource_remove(sqlite3 *db, const struct actor *a, int64_t id, struct wr_err *e);
/* Admin. {"enabled", "every", "token", "header"}: what is given changes. */
int vsource_update(sqlite3 *db, const struct actor *a, int64_t id, const json_t *body,
		   json_t **out, struct wr_err *e);

/* "24h" -> 86400; 60 s to 30 days. 0 or -1. */
int vsource_every_parse(const char *s, int64_t *seconds);

/* -- fetching (vulns/fetch_run.c) ------------------------------------------ */

/* Fetches source id now (staff), whatever its schedule: the download, then
 * the import in its own transaction; the outcome (imported, unchanged,
 * failed, refused, with the import's summary or the error) is recorded on
 * the source and the next fetch scheduled. 0 with the source in *out when
 * the attempt ran, even if it failed (its last_status says so);
 * WR_ENOTFOUND; WR_ECONFLICT when another fetch of it is running. */
int vsource_fetch(sqlite3 *db, const struct actor *a, int64_t id, json_t **out, struct wr_err *e);
/* Fetches every enabled source that is due at now (all: every enabled
 * one), each (when not NULL) called with the source after its fetch.
 * *ran: how many were attempted, *failed: how many of them failed or were
 * refused. */
int vsource_fetch_due(sqlite3 *db, const struct actor *a, int all, int64_t now, int *ran,
		      int *failed, void (*each)(const json_t *source, void *arg), void *arg,
		      struct wr_err *e);

/* -- the download (vulns/fetch_http.c) ------------------------------------- */

/* https, or http to a loopback host; no user name or password in it. */
int fetch_url_check(const char *url, struct wr_err *e);

struct fetch_req {
	const char *url;
	const char *header;        /* "Name: value" or NULL */
	const char *etag;          /* If-None-Match, or NULL */
	const char *last_modified; /* If-Modified-Since, or NULL */
	const char *dir;           /* where the temporary file goes */
	uint64_t max;              /* bytes, after decompression */
};
struct fetch_resp {
	long status;
	int not_modified;     /* 304: nothing downloaded */
	char path[4096];      /* the body (200): the caller unlinks it */
	uint64_t size;
	char etag[256], last_modified[64];
	char disposition[256]; /* the file name Content-Disposition gives, or "" */
};
/* GET with the validators; 0 on 200 (the body in r->path) or 304; any
 * other answer, a timeout, too large a body, a redirect to anything but
 * https: WR_EIO with the reason, and no file left. */
int fetch_get(const struct fetch_req *q, struct fetch_resp *r, struct wr_err *e);
/* on: downloads in flight stop and new ones fail at once (the server is
 * shutting down); off again for a new start. */
void fetch_cancel(int on);
/* WARROOM_FETCH_MAX (bytes), default 256 MiB. */
uint64_t fetch_max_bytes(void);

/* -- file names (vulns/fetch_name.c) --------------------------------------- */

/* The file name of a Content-Disposition value: filename*=UTF-8''pct
 * first, else filename= (quoted or a token). 0 with it in out; -1 when
 * there is none or it is not a plain name (empty, ".", "..", a / or \,
 * a control character, longer than n - 1). */
int fetch_disposition_name(const char *value, char *out, size_t n);
/* The last segment of the URL's path, percent-decoded, under the same
 * rules. 0 or -1. */
int fetch_url_name(const char *url, char *out, size_t n);

#endif
