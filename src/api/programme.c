/* The prevention programme: /api/v1/checklists/current,
 * /api/v1/orgs/{id}/assessments, /api/v1/programme/summary (JSON, .csv,
 * .html) and /api/v1/programme/campaigns/{filter}. */
#include "api/api.h"
#include "api/api_text.h"
#include "api/handlers.h"
#include "programme/checklist.h"
#include "programme/programme.h"

void api_checklist_current(struct http_req *rq, struct http_resp *rs)
{
	struct wr_err e = {0};
	const struct checklist *c = checklist_current(&e);
	if (!c) {
		api_error(rs, &e);
		return;
	}
	(void)rq;
	api_reply(rs, 200, json_deep_copy(c->doc));
}

void api_assessments_list(struct http_req *rq, struct http_resp *rs)
{
	int64_t org_id, cursor;
	int limit;
	json_t *items;
	struct wr_err e = {0};
	if (api_param_id(rq, rs, 0, &org_id) || api_paging(rq, rs, 20, 100, &limit, &cursor))
		return;
	if (assessment_list(rq->db, &rq->actor, org_id, limit, &items, &e))
		api_error(rs, &e);
	else
		api_reply(rs, 200, json_pack("{s:o}", "items", items));
}

void api_assessments_create(struct http_req *rq, struct http_resp *rs)
{
	int64_t org_id;
	json_t *body, *out;
	struct wr_err e = {0};
	if (api_param_id(rq, rs, 0, &org_id) || api_body_object(rq, rs, &body))
		return;
	int rc = assessment_create(rq->db, &rq->actor, org_id, body, &out, &e);
	json_decref(body);
	if (rc)
		api_error(rs, &e);
	else
		api_reply(rs, 201, out);
}

void api_programme_summary(struct http_req *rq, struct http_resp *rs)
{
	json_t *out;
	struct wr_err e = {0};
	if (programme_summary(rq->db, &rq->actor, &out, &e))
		api_error(rs, &e);
	else
		api_reply(rs, 200, out);
}

/* The summary rendered as text by render (CSV or HTML). */
static void summary_text(struct http_req *rq, struct http_resp *rs,
			 int (*render)(const json_t *, char **, struct wr_err *), const char *type,
			 const char *disposition)
{
	json_t *s;
	char *text = NULL;
	struct wr_err e = {0};
	if (programme_summary(rq->db, &rq->actor, &s, &e)) {
		api_error(rs, &e);
		return;
	}
	int rc = render(s, &text, &e);
	json_decref(s);
	if (rc) {
		api_error(rs, &e);
		return;
	}
	api_reply_text(rs, text, type, disposition);
}

void api_programme_summary_csv(struct http_req *rq, struct http_resp *rs)
{
	summary_text(rq, rs, programme_summary_csv, "text/csv; charset=utf-8",
		     "attachment; filename=\"programme-summary.csv\"");
}

void api_programme_summary_html(struct http_req *rq, struct http_resp *rs)
{
	summary_text(rq, rs, programme_summary_html, "text/html; charset=utf-8", NULL);
}

void api_programme_campaign_send(struct http_req *rq, struct http_resp *rs)
{
	json_t *out;
	struct wr_err e = {0};
	if (campaign_send(rq->db, &rq->actor, rq->params[0], &out, &e))
		api_error(rs, &e);
	else
		api_reply(rs, 201, out);
}

void api_programme_campaign(struct http_req *rq, struct http_resp *rs)
{
	json_t *out;
	struct wr_err e = {0};
	if (campaign_audience(rq->db, &rq->actor, rq->params[0], &out, &e))
		api_error(rs, &e);
	else
		api_reply(rs, 200, out);
}
