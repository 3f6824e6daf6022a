/* /api/v1/advisories/{id}/attachments (docs/api.md, docs/comms.md): the
 * file is the raw request body, its media type the Content-Type header and
 * its name ?name=. */
#include "api/api.h"
#include "api/handlers.h"
#include "comms/comms.h"

#include <stdio.h>
#include <stdlib.h>

void api_advisory_attachment_add(struct http_req *rq, struct http_resp *rs)
{
	int64_t id;
	json_t *out;
	struct wr_err e = {0};
	if (api_param_id(rq, rs, 0, &id))
		return;
	if (comms_attachment_add(rq->db, &rq->actor, id, http_query(rq, "name"), http_header(rq, "Content-Type"),
				 rq->body, rq->body_len, &out, &e))
		api_error(rs, &e);
	else
		api_reply(rs, 201, out);
}

void api_advisory_attachment_get(struct http_req *rq, struct http_resp *rs)
{
	int64_t id, aid;
	struct wr_err e = {0};
	struct mail_attachment f;
	json_t *adv;
	if (api_param_id(rq, rs, 0, &id) || api_param_id(rq, rs, 1, &aid))
		return;
	/* the advisory must be visible to the caller (404 otherwise) */
	if (advisory_get(rq->db, &rq->actor, id, &adv, &e) ||
	    comms_attachment_data(rq->db, &rq->actor, id, aid, &f, &e)) {
		api_error(rs, &e);
		return;
	}
	json_decref(adv);
	char disp[160];
	snprintf(disp, sizeof disp, "attachment; filename=\"%s\"", f.name); /* a checked safe name */
	free((char *)f.name);
	if (http_resp_header(rs, "Content-Disposition", disp)) {
		free((unsigned char *)f.data);
		api_error_simple(rs, WR_ENOMEM, NULL, "out of memory");
		return;
	}
	rs->status = 200;
	rs->raw = f.data;
	rs->raw_len = f.len;
	rs->raw_owned = 1;
	rs->content_type = f.content_type; /* static */
}

void api_advisory_attachment_delete(struct http_req *rq, struct http_resp *rs)
{
	int64_t id, aid;
	json_t *out;
	struct wr_err e = {0};
	if (api_param_id(rq, rs, 0, &id) || api_param_id(rq, rs, 1, &aid))
		return;
	if (comms_attachment_delete(rq->db, &rq->actor, id, aid, &out, &e))
		api_error(rs, &e);
	else
		api_reply(rs, 200, out);
}
