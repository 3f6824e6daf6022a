/* /api/v1/sessions: information sessions, registrations, attendance and
 * the iCalendar file. */
#include "api/api.h"
#include "api/api_text.h"
#include "api/handlers.h"
#include "programme/sessions.h"

#include <stdio.h>

void api_sessions_list(struct http_req *rq, struct http_resp *rs)
{
	json_t *items;
	struct wr_err e = {0};
	if (session_list(rq->db, &items, &e))
		api_error(rs, &e);
	else
		api_reply(rs, 200, json_pack("{s:o}", "items", items));
}

void api_sessions_create(struct http_req *rq, struct http_resp *rs)
{
	json_t *body, *out;
	struct wr_err e = {0};
	if (api_body_object(rq, rs, &body))
		return;
	int rc = session_create(rq->db, &rq->actor, body, &out, &e);
	json_decref(body);
	if (rc)
		api_error(rs, &e);
	else
		api_reply(rs, 201, out);
}

void api_sessions_get(struct http_req *rq, struct http_resp *rs)
{
	api_id_reply(rq, rs, session_get, 200);
}

void api_sessions_ics(struct http_req *rq, struct http_resp *rs)
{
	int64_t id;
	char *text, disp[80];
	struct wr_err e = {0};
	if (api_param_id(rq, rs, 0, &id))
		return;
	if (session_ics(rq->db, id, &text, &e)) {
		api_error(rs, &e);
		return;
	}
	snprintf(disp, sizeof disp, "attachment; filename=\"session-%lld.ics\"", (long long)id);
	api_reply_text(rs, text, "text/calendar; charset=utf-8", disp);
}

void api_registrations_create(struct http_req *rq, struct http_resp *rs)
{
	int64_t sid;
	json_t *body, *out;
	struct wr_err e = {0};
	if (api_param_id(rq, rs, 0, &sid) || api_body_object(rq, rs, &body))
		return;
	int rc = registration_create(rq->db, &rq->actor, sid, body, &out, &e);
	json_decref(body);
	if (rc)
		api_error(rs, &e);
	else
		api_reply(rs, 201, out);
}

void api_registrations_patch(struct http_req *rq, struct http_resp *rs)
{
	int64_t sid, id;
	json_t *body, *out;
	struct wr_err e = {0};
	if (api_param_id(rq, rs, 0, &sid) || api_param_id(rq, rs, 1, &id) ||
	    api_body_object(rq, rs, &body))
		return;
	int rc = registration_update(rq->db, &rq->actor, sid, id, body, &out, &e);
	json_decref(body);
	if (rc)
		api_error(rs, &e);
	else
		api_reply(rs, 200, out);
}

void api_registrations_delete(struct http_req *rq, struct http_resp *rs)
{
	int64_t sid, id;
	struct wr_err e = {0};
	if (api_param_id(rq, rs, 0, &sid) || api_param_id(rq, rs, 1, &id))
		return;
	if (registration_cancel(rq->db, &rq->actor, sid, id, &e))
		api_error(rs, &e);
	else
		api_no_content(rs);
}

static void session_mail_reply(struct http_req *rq, struct http_resp *rs, const char *kind)
{
	int64_t id;
	json_t *out;
	struct wr_err e = {0};
	if (api_param_id(rq, rs, 0, &id))
		return;
	if (session_mail(rq->db, &rq->actor, id, kind, &out, &e))
		api_error(rs, &e);
	else
		api_reply(rs, 201, out);
}

/* POST /api/v1/sessions/{id}/invitation and /reminder: the advisory draft. */
void api_sessions_invitation(struct http_req *rq, struct http_resp *rs)
{
	session_mail_reply(rq, rs, "invitation");
}

void api_sessions_reminder(struct http_req *rq, struct http_resp *rs)
{
	session_mail_reply(rq, rs, "reminder");
}
