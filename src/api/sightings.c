/* /api/v1/sightings and /api/v1/alerts (docs/api.md, docs/intel.md). */
#include "api/api.h"
#include "api/handlers.h"
#include "intel/intel.h"

#include <stdlib.h>

void api_sightings_report(struct http_req *rq, struct http_resp *rs)
{
	json_t *body, *out;
	struct wr_err e = {0};
	if (api_body_object(rq, rs, &body))
		return;
	int rc = intel_sightings_report(rq->db, &rq->actor, body, &out, &e);
	json_decref(body);
	if (rc)
		api_error(rs, &e);
	else
		api_reply(rs, 201, out);
}

static void list_sightings(struct http_req *rq, struct http_resp *rs, int64_t indicator)
{
	int limit;
	int64_t cursor, next;
	json_t *items;
	struct wr_err e = {0};
	if (api_paging(rq, rs, 100, 1000, &limit, &cursor))
		return;
	if (intel_sightings_list(rq->db, &rq->actor, indicator, limit, cursor, &items, &next, &e))
		api_error(rs, &e);
	else
		api_reply(rs, 200, api_page(items, next));
}

void api_sightings_list(struct http_req *rq, struct http_resp *rs)
{
	list_sightings(rq, rs, 0);
}

void api_indicator_sightings(struct http_req *rq, struct http_resp *rs)
{
	int64_t id;
	json_t *ind;
	struct wr_err e = {0};
	if (api_param_id(rq, rs, 0, &id))
		return;
	/* the indicator must be visible to the caller (404 otherwise) */
	if (intel_get(rq->db, &rq->actor, id, &ind, &e)) {
		api_error(rs, &e);
		return;
	}
	json_decref(ind);
	list_sightings(rq, rs, id);
}

void api_sightings_false_positive(struct http_req *rq, struct http_resp *rs)
{
	api_id_reply(rq, rs, intel_sighting_false_positive, 200);
}

void api_alerts_list(struct http_req *rq, struct http_resp *rs)
{
	int limit;
	int64_t cursor, next;
	json_t *items;
	struct wr_err e = {0};
	if (api_paging(rq, rs, 100, 1000, &limit, &cursor))
		return;
	const char *status = http_query(rq, "status"), *org = http_query(rq, "org_id");
	char *end = NULL;
	long long org_id = org && *org ? strtoll(org, &end, 10) : 0;
	if (org && *org && (*end || org_id <= 0)) {
		api_error_simple(rs, WR_EINVAL, "org_id", "must be an organisation id");
		return;
	}
	if (intel_alerts_list(rq->db, &rq->actor, status && *status ? status : NULL, org_id, limit, cursor,
			      &items, &next, &e))
		api_error(rs, &e);
	else
		api_reply(rs, 200, api_page(items, next));
}

void api_alerts_by_org(struct http_req *rq, struct http_resp *rs)
{
	json_t *items;
	struct wr_err e = {0};
	if (intel_alerts_by_org(rq->db, &rq->actor, &items, &e))
		api_error(rs, &e);
	else
		api_reply(rs, 200, json_pack("{s:o}", "items", items));
}

void api_alerts_incident(struct http_req *rq, struct http_resp *rs)
{
	api_change_reply(rq, rs, intel_alert_incident, 201);
}
