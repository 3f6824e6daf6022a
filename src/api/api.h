/* Helpers shared by the api/ handlers: JSON replies, errors, bodies,
 * ids, pagination. A handler is: parse and validate -> call the domain ->
 * write JSON. It returns nothing useful; the response says it all. */
#ifndef WR_API_API_H
#define WR_API_API_H

#include <jansson.h>

#include "base/err.h"
#include "http/request.h"

typedef void (*api_handler)(struct http_req *rq, struct http_resp *rs);

struct api_route {
	const char *method;
	const char *pattern; /* "/api/v1/orgs/{id}/contacts": {x} matches one segment */
	api_handler handler;
	int auth;            /* 1: needs an authenticated actor */
};
extern const struct api_route api_routes[]; /* ends with method NULL */

/* Sets status and body (takes ownership of body; NULL body => 500). */
void api_reply(struct http_resp *rs, int status, json_t *body);
/* 204 No Content. */
void api_no_content(struct http_resp *rs);
/* {"error":{"code","message","field"}} with the status of e->code. */
void api_error(struct http_resp *rs, const struct wr_err *e);
void api_error_simple(struct http_resp *rs, int code, const char *field, const char *message);
/* Parses the body as a JSON object (400 naming the position; 422 when not
 * an object). On failure the response is already written and -1 returned. */
int api_body_object(const struct http_req *rq, struct http_resp *rs, json_t **out);
/* Path parameter i as a positive id; writes 404 and returns -1 when not. */
int api_param_id(const struct http_req *rq, struct http_resp *rs, int i, int64_t *out);
/* ?limit= (default def, 1..max) and ?cursor= (an opaque positive integer
 * id or offset; 0 when absent). Writes 422 naming the field and returns -1. */
int api_paging(const struct http_req *rq, struct http_resp *rs, int def, int max, int *limit,
	       int64_t *cursor);
/* {"items": items, "next_cursor": "N" or null} */
json_t *api_page(json_t *items, int64_t next_cursor);
/* A domain's page query and creation, for the two handler shapes that
 * many modules share. */
typedef int (*api_list_fn)(sqlite3 *db, const struct actor *a, int limit, int64_t cursor,
			   json_t **items, int64_t *next_cursor, struct wr_err *e);
typedef int (*api_create_fn)(sqlite3 *db, const struct actor *a, const json_t *body,
			     json_t **out, struct wr_err *e);
/* ?limit=&cursor= (default def, at most max) -> fn -> 200 page. */
void api_list_reply(struct http_req *rq, struct http_resp *rs, int def, int max, api_list_fn fn);
/* The JSON body -> fn -> 201 with what it made. */
void api_create_reply(struct http_req *rq, struct http_resp *rs, api_create_fn fn);
typedef int (*api_change_fn)(sqlite3 *db, const struct actor *a, int64_t id, const json_t *body,
			     json_t **out, struct wr_err *e);
/* Path id {id} and the JSON body -> fn -> status with what it answers. */
void api_change_reply(struct http_req *rq, struct http_resp *rs, api_change_fn fn, int status);
typedef int (*api_id_fn)(sqlite3 *db, const struct actor *a, int64_t id, json_t **out,
			 struct wr_err *e);
/* Path id {id} -> fn -> status with what it answers. */
void api_id_reply(struct http_req *rq, struct http_resp *rs, api_id_fn fn, int status);
typedef int (*api_delete_fn)(sqlite3 *db, const struct actor *a, int64_t id, struct wr_err *e);
/* Path id {id} -> fn -> 204. */
void api_delete_reply(struct http_req *rq, struct http_resp *rs, api_delete_fn fn);
/* Writes 403 and returns -1 unless the actor is admin or analyst. */
int api_require_staff(const struct http_req *rq, struct http_resp *rs);
int api_require_admin(const struct http_req *rq, struct http_resp *rs);

#endif
