/* One HTTP request as the api/ handlers see it, and the response they fill.
 * Handlers never touch libmicrohttpd; the server glue (http/server.c)
 * authenticates, reads the body (bounded), routes, and sends. */
#ifndef WR_HTTP_REQUEST_H
#define WR_HTTP_REQUEST_H

#include <jansson.h>
#include <sqlite3.h>
#include <stddef.h>
#include <stdint.h>

#include "base/secret.h"
#include "store/scope.h"

struct app; /* server-wide state: config, throttles, metrics (http/app.h) */

#define HTTP_MAX_PARAMS 4
#define HTTP_MAX_HEADERS 8

struct http_req {
	const char *method;           /* "GET", "POST", ... */
	const char *path;             /* without the query string */
	const char *body;             /* NUL-terminated; "" when none */
	size_t body_len;
	const char *params[HTTP_MAX_PARAMS]; /* path captures ("{id}") in order */
	int nparams;
	char param_buf[256];          /* storage behind params */
	char client_addr[64];
	int authenticated;            /* actor is set */
	int via_cookie;               /* authenticated by session cookie */
	char session[SECRET_TOKEN_LEN]; /* the cookie value when via_cookie */
	char csrf[SECRET_TOKEN_LEN];  /* the session's CSRF token when via_cookie */
	struct actor actor;
	sqlite3 *db;                  /* this thread's connection */
	struct app *app;
	void *conn;                   /* opaque: for http_query() and http_header() */
};

struct http_header {
	const char *name;
	char *value; /* owned */
};

struct http_resp {
	int status;
	json_t *json;                 /* owned; sent as application/json */
	const unsigned char *raw;     /* or raw bytes (not owned unless raw_owned) */
	size_t raw_len;
	int raw_owned;
	const char *content_type;
	struct http_header headers[HTTP_MAX_HEADERS];
	int nheaders;
};

/* A query parameter, or NULL. */
const char *http_query(const struct http_req *rq, const char *key);
/* A request header, or NULL. */
const char *http_header(const struct http_req *rq, const char *name);
/* Adds a response header (value copied). 0 or WR_ENOMEM / WR_ETOOBIG. */
int http_resp_header(struct http_resp *rs, const char *name, const char *value);
void http_resp_release(struct http_resp *rs);

#endif
