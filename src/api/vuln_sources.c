/* /api/v1/vulns/sources: the feeds fetched on a schedule (docs/api.md,
 * docs/vulns.md "Fetching feeds on a schedule"). Staff read, an admin
 * changes; the credential header is never shown back. */
#include "api/api.h"
#include "api/handlers.h"
#include "vulns/fetch.h"

void api_vuln_sources_list(struct http_req *rq, struct http_resp *rs)
{
	json_t *items;
	struct wr_err e = {0};
	if (vsource_list(rq->db, &rq->actor, &items, &e))
		api_error(rs, &e);
	else
		api_reply(rs, 200, json_pack("{s:o}", "items", items));
}

void api_vuln_sources_get(struct http_req *rq, struct http_resp *rs)
{
	int64_t id;
	json_t *out;
	struct wr_err e = {0};
	if (api_param_id(rq, rs, 0, &id))
		return;
	if (vsource_get(rq->db, &rq->actor, id, &out, &e))
		api_error(rs, &e);
	else
		api_reply(rs, 200, out);
}

void api_vuln_sources_add(struct http_req *rq, struct http_resp *rs)
{
	api_create_reply(rq, rs, vsource_add);
}

void api_vuln_sources_patch(struct http_req *rq, struct http_resp *rs)
{
	api_change_reply(rq, rs, vsource_update, 200);
}

void api_vuln_sources_delete(struct http_req *rq, struct http_resp *rs)
{
	int64_t id;
	struct wr_err e = {0};
	if (api_param_id(rq, rs, 0, &id))
		return;
	if (vsource_remove(rq->db, &rq->actor, id, &e))
		api_error(rs, &e);
	else
		api_no_content(rs);
}

/* Runs the fetch now, in this request: 200 with the source, whose
 * last_status and last_message say what the fetch did. */
void api_vuln_sources_fetch(struct http_req *rq, struct http_resp *rs)
{
	int64_t id;
	json_t *out;
	struct wr_err e = {0};
	if (api_param_id(rq, rs, 0, &id))
		return;
	if (vsource_fetch(rq->db, &rq->actor, id, &out, &e))
		api_error(rs, &e);
	else
		api_reply(rs, 200, out);
}
