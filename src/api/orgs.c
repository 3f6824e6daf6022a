/* GET/POST /api/v1/orgs, GET/PATCH /api/v1/orgs/{id}. */
#include "api/api.h"
#include "api/handlers.h"
#include "registry/registry.h"

#include <string.h>

/* ?include_past=1|true|yes (also merged organisations). */
static int query_flag(const struct http_req *rq, struct http_resp *rs, const char *key, int *out)
{
	const char *v = http_query(rq, key);
	*out = 0;
	if (!v || !*v || !strcmp(v, "0") || !strcmp(v, "false") || !strcmp(v, "no"))
		return 0;
	if (!strcmp(v, "1") || !strcmp(v, "true") || !strcmp(v, "yes")) {
		*out = 1;
		return 0;
	}
	api_error_simple(rs, WR_EINVAL, key, "must be true or false");
	return -1;
}

void api_orgs_list(struct http_req *rq, struct http_resp *rs)
{
	struct org_filter f = {0};
	struct wr_err e = {0};
	json_t *items;
	int64_t next;
	if (api_paging(rq, rs, 100, 500, &f.limit, &f.cursor) ||
	    query_flag(rq, rs, "include_past", &f.include_past))
		return;
	f.q = http_query(rq, "q");
	f.kind = http_query(rq, "kind");
	f.province = http_query(rq, "province");
	if (org_list(rq->db, &rq->actor, &f, &items, &next, &e)) {
		api_error(rs, &e);
		return;
	}
	api_reply(rs, 200, api_page(items, next));
}

void api_orgs_create(struct http_req *rq, struct http_resp *rs)
{
	json_t *body, *out;
	struct wr_err e = {0};
	if (api_body_object(rq, rs, &body))
		return;
	int rc = org_create(rq->db, &rq->actor, body, &out, &e);
	json_decref(body);
	if (rc)
		api_error(rs, &e);
	else
		api_reply(rs, 201, out);
}

void api_orgs_get(struct http_req *rq, struct http_resp *rs)
{
	int64_t id;
	int details;
	json_t *out;
	struct wr_err e = {0};
	if (api_param_id(rq, rs, 0, &id))
		return;
	/* the town page wants everything; ?details=false for the bare record */
	const char *d = http_query(rq, "details");
	details = !(d && (!strcmp(d, "0") || !strcmp(d, "false") || !strcmp(d, "no")));
	if (org_get(rq->db, &rq->actor, id, details, &out, &e))
		api_error(rs, &e);
	else
		api_reply(rs, 200, out);
}

void api_orgs_patch(struct http_req *rq, struct http_resp *rs)
{
	api_change_reply(rq, rs, org_update, 200);
}
