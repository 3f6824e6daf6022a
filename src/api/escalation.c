/* The call list (/api/v1/call-list, /api/v1/advisories/{id}/call-list and
 * .../called) and the webhooks of towns (/api/v1/orgs/{id}/webhook);
 * docs/api.md, docs/comms.md. */
#include "api/api.h"
#include "api/handlers.h"
#include "comms/escalation.h"
#include "comms/webhook.h"

static void reply_items(struct http_resp *rs, int rc, json_t *items, const struct wr_err *e)
{
	if (rc)
		api_error(rs, e);
	else
		api_reply(rs, 200, json_pack("{s:o}", "items", items));
}

void api_call_list(struct http_req *rq, struct http_resp *rs)
{
	json_t *items;
	struct wr_err e = {0};
	int rc = call_list(rq->db, &rq->actor, 0, &items, &e);
	reply_items(rs, rc, items, &e);
}

void api_advisory_call_list(struct http_req *rq, struct http_resp *rs)
{
	int64_t id;
	json_t *items;
	struct wr_err e = {0};
	if (api_param_id(rq, rs, 0, &id))
		return;
	int rc = call_list(rq->db, &rq->actor, id, &items, &e);
	reply_items(rs, rc, items, &e);
}

void api_advisory_called(struct http_req *rq, struct http_resp *rs)
{
	api_change_reply(rq, rs, call_record, 201);
}

void api_webhook_get(struct http_req *rq, struct http_resp *rs)
{
	api_id_reply(rq, rs, webhook_get, 200);
}

void api_webhook_set(struct http_req *rq, struct http_resp *rs)
{
	api_change_reply(rq, rs, webhook_set, 200);
}

void api_webhook_delete(struct http_req *rq, struct http_resp *rs)
{
	api_delete_reply(rq, rs, webhook_delete);
}
