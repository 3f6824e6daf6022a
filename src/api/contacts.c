/* /api/v1/orgs/{id}/contacts and /api/v1/contacts/{id}. */
#include "api/api.h"
#include "api/handlers.h"
#include "registry/registry.h"

void api_contacts_list(struct http_req *rq, struct http_resp *rs)
{
	int64_t org_id;
	json_t *items;
	struct wr_err e = {0};
	if (api_param_id(rq, rs, 0, &org_id))
		return;
	if (contact_list(rq->db, &rq->actor, org_id, &items, &e))
		api_error(rs, &e);
	else
		api_reply(rs, 200, json_pack("{s:o}", "items", items));
}

void api_contacts_create(struct http_req *rq, struct http_resp *rs)
{
	int64_t org_id;
	json_t *body, *out;
	struct wr_err e = {0};
	if (api_param_id(rq, rs, 0, &org_id) || api_body_object(rq, rs, &body))
		return;
	int rc = contact_create(rq->db, &rq->actor, org_id, body, &out, &e);
	json_decref(body);
	if (rc)
		api_error(rs, &e);
	else
		api_reply(rs, 201, out);
}

void api_contacts_get(struct http_req *rq, struct http_resp *rs)
{
	api_id_reply(rq, rs, contact_get, 200);
}

void api_contacts_patch(struct http_req *rq, struct http_resp *rs)
{
	api_change_reply(rq, rs, contact_update, 200);
}

void api_contacts_delete(struct http_req *rq, struct http_resp *rs)
{
	api_delete_reply(rq, rs, contact_delete);
}
