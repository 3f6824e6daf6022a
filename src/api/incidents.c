/* /api/v1/incidents (docs/api.md, docs/incidents.md): thin handlers over
 * incidents/incidents.h. */
#include "api/api.h"
#include "api/handlers.h"
#include "incidents/incidents.h"

typedef int (*incident_change_fn)(sqlite3 *, const struct actor *, int64_t, const json_t *,
				  json_t **, struct wr_err *);

void api_incidents_list(struct http_req *rq, struct http_resp *rs)
{
	api_list_reply(rq, rs, 50, 500, incident_list);
}

void api_incidents_create(struct http_req *rq, struct http_resp *rs)
{
	api_create_reply(rq, rs, incident_create);
}

void api_incidents_get(struct http_req *rq, struct http_resp *rs)
{
	int64_t id;
	json_t *out;
	struct wr_err e = {0};
	if (api_param_id(rq, rs, 0, &id))
		return;
	if (incident_get(rq->db, &rq->actor, id, &out, &e))
		api_error(rs, &e);
	else
		api_reply(rs, 200, out);
}

static void change(struct http_req *rq, struct http_resp *rs, incident_change_fn fn, int status)
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

void api_incidents_status(struct http_req *rq, struct http_resp *rs)
{
	change(rq, rs, incident_set_status, 200);
}

void api_incidents_report(struct http_req *rq, struct http_resp *rs)
{
	change(rq, rs, incident_add_report, 201);
}

void api_incidents_note(struct http_req *rq, struct http_resp *rs)
{
	change(rq, rs, incident_add_note, 201);
}

void api_incidents_timeline(struct http_req *rq, struct http_resp *rs)
{
	int64_t id;
	json_t *items;
	struct wr_err e = {0};
	if (api_param_id(rq, rs, 0, &id))
		return;
	if (incident_timeline(rq->db, &rq->actor, id, &items, &e))
		api_error(rs, &e);
	else
		api_reply(rs, 200, json_pack("{s:o}", "items", items));
}

void api_incidents_taxonomy(struct http_req *rq, struct http_resp *rs)
{
	(void)rq;
	api_reply(rs, 200, incident_taxonomy_json());
}
