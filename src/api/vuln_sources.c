/* /api/v1/vulns/sources: the feeds fetched on a schedule (docs/api.md,
 * docs/vulns.md "Fetching feeds on a schedule"). Staff read, an admin
 * changes; the credential header is never shown back. */
#include "api/api.h"
#include "api/handlers.h"
#include "jobs/jobs.h"
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
	api_id_reply(rq, rs, vsource_get, 200);
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
	api_delete_reply(rq, rs, vsource_remove);
}

/* The source due now, for the server's job (one of its own threads, not
 * this request's: a download may take minutes): 202 with the source; its
 * last_fetch_at, last_status and last_message change when it is done. */
void api_vuln_sources_fetch(struct http_req *rq, struct http_resp *rs)
{
	int64_t id;
	json_t *out;
	struct wr_err e = {0};
	if (api_param_id(rq, rs, 0, &id))
		return;
	if (vsource_due_now(rq->db, &rq->actor, id, &out, &e)) {
		api_error(rs, &e);
	} else if (jobs_run_soon("vulns.fetch")) {
		json_decref(out);
		api_error_simple(rs, WR_ECONFLICT, "",
				 "this server does not fetch feeds (WARROOM_FETCH_CHECK_INTERVAL=0): the source is due"
				 " and `warroom vulns fetch` fetches it");
	} else {
		api_reply(rs, 202, out);
	}
}
