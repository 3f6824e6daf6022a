#include "api/api.h"
#include "base/jsonutil.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

void api_reply(struct http_resp *rs, int status, json_t *body)
{
	json_decref(rs->json);
	if (!body) {
		rs->status = 500;
		rs->json = json_pack("{s:{s:s,s:s,s:s}}", "error", "code", "out_of_memory", "message",
				     "out of memory", "field", "");
		return;
	}
	rs->status = status;
	rs->json = body;
}

void api_no_content(struct http_resp *rs)
{
	json_decref(rs->json);
	rs->json = NULL;
	rs->status = 204;
}

void api_error(struct http_resp *rs, const struct wr_err *e)
{
	int code = e->code ? e->code : WR_EINTERNAL;
	const char *msg = e->message[0] ? e->message : wr_code_name(code);
	json_t *body = json_pack("{s:{s:s,s:s,s:s}}", "error", "code", wr_code_name(code), "message",
				 msg, "field", e->field);
	/* A message quoting invalid UTF-8 from the request cannot be JSON: the
	 * status and code still tell what went wrong. */
	if (!body)
		body = json_pack("{s:{s:s,s:s,s:s}}", "error", "code", wr_code_name(code), "message",
				 wr_code_name(code), "field", "");
	api_reply(rs, wr_code_http_status(code), body);
}

/* "application/json", with or without parameters ("; charset=utf-8"). */
static int is_json_media_type(const char *ct)
{
	static const char want[] = "application/json";
	if (!ct || strncasecmp(ct, want, sizeof want - 1) != 0)
		return 0;
	ct += sizeof want - 1;
	while (*ct == ' ' || *ct == '\t')
		ct++;
	return *ct == '\0' || *ct == ';';
}

void api_error_simple(struct http_resp *rs, int code, const char *field, const char *message)
{
	struct wr_err e;
	wr_err_set(&e, code, field, "%s", message);
	api_error(rs, &e);
}

int api_body_object(const struct http_req *rq, struct http_resp *rs, json_t **out)
{
	struct wr_err e = {0};
	json_t *v = NULL;
	if (rq->body_len == 0) {
		api_error_simple(rs, WR_EPARSE, "", "a JSON body is required");
		return -1;
	}
	/* Also keeps cross-site HTML forms (which cannot send this type without
	 * a CORS preflight) away from the endpoints that need no CSRF token. */
	if (!is_json_media_type(http_header(rq, "Content-Type"))) {
		api_error_simple(rs, WR_EMEDIA, "Content-Type", "the body must be application/json");
		return -1;
	}
	if (json_parse_text(rq->body, rq->body_len, &v, &e)) {
		api_error(rs, &e);
		return -1;
	}
	if (!json_is_object(v)) {
		json_decref(v);
		api_error_simple(rs, WR_EINVAL, "", "the body must be a JSON object");
		return -1;
	}
	*out = v;
	return 0;
}

/* A positive decimal integer without sign, spaces or leading zeros. */
static int parse_id(const char *s, int64_t *out)
{
	if (!s || *s < '1' || *s > '9')
		return -1;
	errno = 0;
	char *end;
	long long v = strtoll(s, &end, 10);
	if (errno || *end || v <= 0)
		return -1;
	*out = v;
	return 0;
}

int api_param_id(const struct http_req *rq, struct http_resp *rs, int i, int64_t *out)
{
	if (i >= rq->nparams || parse_id(rq->params[i], out)) {
		api_error_simple(rs, WR_ENOTFOUND, "", "not found");
		return -1;
	}
	return 0;
}

int api_paging(const struct http_req *rq, struct http_resp *rs, int def, int max, int *limit,
	       int64_t *cursor)
{
	const char *l = http_query(rq, "limit");
	const char *c = http_query(rq, "cursor");
	int64_t v;
	*limit = def;
	*cursor = 0;
	if (l && *l) {
		if (parse_id(l, &v) || v > max) {
			char msg[64];
			snprintf(msg, sizeof msg, "must be an integer from 1 to %d", max);
			api_error_simple(rs, WR_EINVAL, "limit", msg);
			return -1;
		}
		*limit = (int)v;
	}
	if (c && *c) {
		if (parse_id(c, &v)) {
			api_error_simple(rs, WR_EINVAL, "cursor", "is not a cursor from this API");
			return -1;
		}
		*cursor = v;
	}
	return 0;
}

json_t *api_page(json_t *items, int64_t next_cursor)
{
	if (!items)
		return NULL;
	json_t *next = json_null();
	if (next_cursor > 0) {
		char buf[24];
		snprintf(buf, sizeof buf, "%lld", (long long)next_cursor);
		next = json_string(buf);
	}
	return json_pack("{s:o,s:o}", "items", items, "next_cursor", next);
}

int api_require_staff(const struct http_req *rq, struct http_resp *rs)
{
	if (scope_is_staff(&rq->actor))
		return 0;
	api_error_simple(rs, WR_EFORBIDDEN, "", "this needs an analyst or admin account");
	return -1;
}

int api_require_admin(const struct http_req *rq, struct http_resp *rs)
{
	if (rq->actor.role == ROLE_ADMIN || rq->actor.role == ROLE_SYSTEM)
		return 0;
	api_error_simple(rs, WR_EFORBIDDEN, "", "this needs an admin account");
	return -1;
}

void api_list_reply(struct http_req *rq, struct http_resp *rs, int def, int max, api_list_fn fn)
{
	int limit;
	int64_t cursor, next;
	json_t *items;
	struct wr_err e = {0};
	if (api_paging(rq, rs, def, max, &limit, &cursor))
		return;
	if (fn(rq->db, &rq->actor, limit, cursor, &items, &next, &e))
		api_error(rs, &e);
	else
		api_reply(rs, 200, api_page(items, next));
}

void api_change_reply(struct http_req *rq, struct http_resp *rs, api_change_fn fn, int status)
{
	int64_t id;
	json_t *body, *out;
	struct wr_err e = {0};
	if (api_param_id(rq, rs, 0, &id) || api_body_object(rq, rs, &body))
		return;
	int rc = fn(rq->db, &rq->actor, id, body, &out, &e);
	json_decref(body);
	if (rc)
		api_error(rs, &e);
	else
		api_reply(rs, status, out);
}

void api_id_reply(struct http_req *rq, struct http_resp *rs, api_id_fn fn, int status)
{
	int64_t id;
	json_t *out;
	struct wr_err e = {0};
	if (api_param_id(rq, rs, 0, &id))
		return;
	if (fn(rq->db, &rq->actor, id, &out, &e))
		api_error(rs, &e);
	else
		api_reply(rs, status, out);
}

void api_delete_reply(struct http_req *rq, struct http_resp *rs, api_delete_fn fn)
{
	int64_t id;
	struct wr_err e = {0};
	if (api_param_id(rq, rs, 0, &id))
		return;
	if (fn(rq->db, &rq->actor, id, &e))
		api_error(rs, &e);
	else
		api_no_content(rs);
}

void api_create_reply(struct http_req *rq, struct http_resp *rs, api_create_fn fn)
{
	json_t *body, *out;
	struct wr_err e = {0};
	if (api_body_object(rq, rs, &body))
		return;
	int rc = fn(rq->db, &rq->actor, body, &out, &e);
	json_decref(body);
	if (rc)
		api_error(rs, &e);
	else
		api_reply(rs, 201, out);
}
