/* /api/v1/incidents (docs/api.md, docs/incidents.md): thin handlers over
 * incidents/incidents.h. */
#include "api/api.h"
#include "api/api_text.h"
#include "api/handlers.h"
#include "incidents/incidents.h"
#include "incidents/playbook.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* GET /api/v1/incidents?status=&org=&clock=overdue */
void api_incidents_list(struct http_req *rq, struct http_resp *rs)
{
	int limit;
	int64_t cursor, next;
	json_t *items;
	struct wr_err e = {0};
	struct incident_filter f = {0};
	if (api_paging(rq, rs, 50, 500, &limit, &cursor))
		return;
	const char *status = http_query(rq, "status"), *org = http_query(rq, "org"), *clock = http_query(rq, "clock");
	f.status = status && *status ? status : NULL;
	if (org && *org) {
		char *end;
		long long v = strtoll(org, &end, 10);
		if (*end || v <= 0) {
			api_error_simple(rs, WR_EINVAL, "org", "must be an organisation id");
			return;
		}
		f.org_id = v;
	}
	if (clock && *clock) {
		if (strcmp(clock, "overdue")) {
			api_error_simple(rs, WR_EINVAL, "clock", "must be overdue");
			return;
		}
		f.overdue = 1;
	}
	if (incident_list_filtered(rq->db, &rq->actor, &f, limit, cursor, &items, &next, &e))
		api_error(rs, &e);
	else
		api_reply(rs, 200, api_page(items, next));
}

void api_incidents_create(struct http_req *rq, struct http_resp *rs)
{
	api_create_reply(rq, rs, incident_create);
}

void api_incidents_get(struct http_req *rq, struct http_resp *rs)
{
	api_id_reply(rq, rs, incident_get, 200);
}


void api_incidents_patch(struct http_req *rq, struct http_resp *rs)
{
	api_change_reply(rq, rs, incident_update, 200);
}

void api_incidents_counts(struct http_req *rq, struct http_resp *rs)
{
	json_t *out;
	struct wr_err e = {0};
	if (incident_counts(rq->db, &rq->actor, &out, &e))
		api_error(rs, &e);
	else
		api_reply(rs, 200, out);
}

void api_incidents_lessons(struct http_req *rq, struct http_resp *rs)
{
	api_change_reply(rq, rs, incident_lessons, 201);
}

void api_incidents_status(struct http_req *rq, struct http_resp *rs)
{
	api_change_reply(rq, rs, incident_set_status, 200);
}

void api_incidents_report(struct http_req *rq, struct http_resp *rs)
{
	api_change_reply(rq, rs, incident_add_report, 201);
}

void api_incidents_note(struct http_req *rq, struct http_resp *rs)
{
	api_change_reply(rq, rs, incident_add_note, 201);
}

typedef int (*incident_items_fn)(sqlite3 *, const struct actor *, int64_t, json_t **,
				 struct wr_err *);

/* GET .../{id}/x -> {"items": [...]} */
static void items(struct http_req *rq, struct http_resp *rs, incident_items_fn fn)
{
	int64_t id;
	json_t *list;
	struct wr_err e = {0};
	if (api_param_id(rq, rs, 0, &id))
		return;
	if (fn(rq->db, &rq->actor, id, &list, &e))
		api_error(rs, &e);
	else
		api_reply(rs, 200, json_pack("{s:o}", "items", list));
}

void api_incidents_timeline(struct http_req *rq, struct http_resp *rs)
{
	items(rq, rs, incident_timeline);
}

void api_incident_tasks_list(struct http_req *rq, struct http_resp *rs)
{
	items(rq, rs, incident_tasks_list);
}

void api_incident_tasks_add(struct http_req *rq, struct http_resp *rs)
{
	api_change_reply(rq, rs, incident_task_add, 201);
}

void api_incident_playbook_apply(struct http_req *rq, struct http_resp *rs)
{
	api_change_reply(rq, rs, incident_apply_playbook, 201);
}

void api_incident_task_patch(struct http_req *rq, struct http_resp *rs)
{
	int64_t id, task;
	json_t *body, *out;
	struct wr_err e = {0};
	if (api_param_id(rq, rs, 0, &id) || api_param_id(rq, rs, 1, &task) ||
	    api_body_object(rq, rs, &body))
		return;
	int rc = incident_task_update(rq->db, &rq->actor, id, task, body, &out, &e);
	json_decref(body);
	if (rc)
		api_error(rs, &e);
	else
		api_reply(rs, 200, out);
}

void api_playbooks_list(struct http_req *rq, struct http_resp *rs)
{
	struct wr_err e = {0};
	size_t n;
	(void)rq;
	if (!playbooks_all(&n, &e))
		api_error(rs, &e);
	else
		api_reply(rs, 200, json_pack("{s:o}", "items", playbooks_json()));
}

void api_incident_help_list(struct http_req *rq, struct http_resp *rs)
{
	items(rq, rs, incident_help_list);
}

void api_incident_help_create(struct http_req *rq, struct http_resp *rs)
{
	api_change_reply(rq, rs, incident_help_create, 201);
}

void api_help_requests_list(struct http_req *rq, struct http_resp *rs)
{
	api_list_reply(rq, rs, 50, 500, help_list_mine);
}

void api_help_requests_get(struct http_req *rq, struct http_resp *rs)
{
	api_id_reply(rq, rs, help_get, 200);
}

void api_help_requests_status(struct http_req *rq, struct http_resp *rs)
{
	api_change_reply(rq, rs, help_set_status, 200);
}

void api_incident_link(struct http_req *rq, struct http_resp *rs)
{
	api_change_reply(rq, rs, incident_link, 201);
}

void api_incident_unlink(struct http_req *rq, struct http_resp *rs)
{
	int64_t id, other;
	struct wr_err e = {0};
	if (api_param_id(rq, rs, 0, &id) || api_param_id(rq, rs, 1, &other))
		return;
	if (incident_unlink(rq->db, &rq->actor, id, other, &e))
		api_error(rs, &e);
	else
		api_no_content(rs);
}

/* ?format=markdown (default) or json. */
void api_incident_export(struct http_req *rq, struct http_resp *rs)
{
	int64_t id;
	char *text;
	json_t *json;
	struct wr_err e = {0};
	const char *format = http_query(rq, "format");
	if (api_param_id(rq, rs, 0, &id))
		return;
	if (incident_export(rq->db, &rq->actor, id, format && *format ? format : "markdown", &text, &json, &e)) {
		api_error(rs, &e);
		return;
	}
	if (json) {
		api_reply(rs, 200, json);
		return;
	}
	char disp[80];
	snprintf(disp, sizeof disp, "attachment; filename=\"incident-%lld.md\"", (long long)id);
	api_reply_text(rs, text, "text/markdown; charset=utf-8", disp);
}

/* ?hours=N (1..720, default 24). */
void api_incidents_due(struct http_req *rq, struct http_resp *rs)
{
	const char *h = http_query(rq, "hours");
	char *end = NULL;
	long hours = h && *h ? strtol(h, &end, 10) : 24;
	json_t *list;
	struct wr_err e = {0};
	if ((h && *h && *end) || hours < 1 || hours > 720) {
		api_error_simple(rs, WR_EINVAL, "hours", "must be an integer from 1 to 720");
		return;
	}
	if (incidents_due(rq->db, &rq->actor, (int)hours, &list, &e))
		api_error(rs, &e);
	else
		api_reply(rs, 200, json_pack("{s:i, s:o}", "hours", (int)hours, "items", list));
}

void api_incidents_taxonomy(struct http_req *rq, struct http_resp *rs)
{
	(void)rq;
	api_reply(rs, 200, incident_taxonomy_json());
}
