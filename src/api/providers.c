/* /api/v1/providers, /api/v1/providers/{id} and their client links. */
#include "api/api.h"
#include "api/handlers.h"
#include "registry/registry.h"

void api_providers_list(struct http_req *rq, struct http_resp *rs)
{
	json_t *items;
	struct wr_err e = {0};
	if (provider_list(rq->db, &rq->actor, &items, &e))
		api_error(rs, &e);
	else
		api_reply(rs, 200, json_pack("{s:o}", "items", items));
}

void api_providers_create(struct http_req *rq, struct http_resp *rs)
{
	json_t *body, *out;
	struct wr_err e = {0};
	if (api_body_object(rq, rs, &body))
		return;
	int rc = provider_create(rq->db, &rq->actor, body, &out, &e);
	json_decref(body);
	if (rc)
		api_error(rs, &e);
	else
		api_reply(rs, 201, out);
}

void api_providers_patch(struct http_req *rq, struct http_resp *rs)
{
	api_change_reply(rq, rs, provider_update, 200);
}

void api_providers_delete(struct http_req *rq, struct http_resp *rs)
{
	api_delete_reply(rq, rs, provider_delete);
}

/* POST /api/v1/providers/{id}/clients {org_id, services}: links a client
 * (or replaces its services); answers 201 with the provider. */
void api_provider_clients_set(struct http_req *rq, struct http_resp *rs)
{
	api_change_reply(rq, rs, provider_client_set, 201);
}

void api_provider_clients_delete(struct http_req *rq, struct http_resp *rs)
{
	int64_t id, org_id;
	struct wr_err e = {0};
	if (api_param_id(rq, rs, 0, &id) || api_param_id(rq, rs, 1, &org_id))
		return;
	if (provider_client_remove(rq->db, &rq->actor, id, org_id, &e))
		api_error(rs, &e);
	else
		api_no_content(rs);
}
