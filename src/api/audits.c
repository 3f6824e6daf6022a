/* /api/v1/orgs/{id}/audit (the town's cyber-audit) and its findings. */
#include "api/api.h"
#include "api/handlers.h"
#include "programme/programme.h"

void api_audit_get(struct http_req *rq, struct http_resp *rs)
{
	int64_t org_id;
	json_t *out;
	struct wr_err e = {0};
	if (api_param_id(rq, rs, 0, &org_id))
		return;
	if (audit_get(rq->db, &rq->actor, org_id, &out, &e))
		api_error(rs, &e);
	else
		api_reply(rs, 200, out);
}

/* POST (the first sign-up, 201) and PATCH (a step, 200). */
static void audit_change(struct http_req *rq, struct http_resp *rs, int signup)
{
	int64_t org_id;
	json_t *body, *out;
	struct wr_err e = {0};
	if (api_param_id(rq, rs, 0, &org_id) || api_body_object(rq, rs, &body))
		return;
	int rc = signup ? audit_signup(rq->db, &rq->actor, org_id, body, &out, &e)
			: audit_update(rq->db, &rq->actor, org_id, body, &out, &e);
	json_decref(body);
	if (rc)
		api_error(rs, &e);
	else
		api_reply(rs, signup ? 201 : 200, out);
}

void api_audit_signup(struct http_req *rq, struct http_resp *rs)
{
	audit_change(rq, rs, 1);
}

void api_audit_patch(struct http_req *rq, struct http_resp *rs)
{
	audit_change(rq, rs, 0);
}

void api_findings_list(struct http_req *rq, struct http_resp *rs)
{
	int64_t org_id;
	json_t *items;
	struct wr_err e = {0};
	if (api_param_id(rq, rs, 0, &org_id))
		return;
	if (finding_list(rq->db, &rq->actor, org_id, &items, &e))
		api_error(rs, &e);
	else
		api_reply(rs, 200, json_pack("{s:o}", "items", items));
}

void api_findings_create(struct http_req *rq, struct http_resp *rs)
{
	int64_t org_id;
	json_t *body, *out;
	struct wr_err e = {0};
	if (api_param_id(rq, rs, 0, &org_id) || api_body_object(rq, rs, &body))
		return;
	int rc = finding_create(rq->db, &rq->actor, org_id, body, &out, &e);
	json_decref(body);
	if (rc)
		api_error(rs, &e);
	else
		api_reply(rs, 201, out);
}

void api_findings_patch(struct http_req *rq, struct http_resp *rs)
{
	int64_t org_id, id;
	json_t *body, *out;
	struct wr_err e = {0};
	if (api_param_id(rq, rs, 0, &org_id) || api_param_id(rq, rs, 1, &id) ||
	    api_body_object(rq, rs, &body))
		return;
	int rc = finding_update(rq->db, &rq->actor, org_id, id, body, &out, &e);
	json_decref(body);
	if (rc)
		api_error(rs, &e);
	else
		api_reply(rs, 200, out);
}
