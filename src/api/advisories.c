/* /api/v1/advisories, /api/v1/orgs/{id}/communications and the
 * acknowledgement link /api/v1/ack/{token} (docs/api.md, docs/comms.md). */
#include "api/api.h"
#include "api/handlers.h"
#include "comms/comms.h"
#include "http/app.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/buf.h"
#include "base/timeutil.h"
#include "store/db.h"

void api_advisories_list(struct http_req *rq, struct http_resp *rs)
{
	api_list_reply(rq, rs, 50, 500, advisory_list);
}

void api_advisories_create(struct http_req *rq, struct http_resp *rs)
{
	api_create_reply(rq, rs, advisory_create);
}

void api_advisories_patch(struct http_req *rq, struct http_resp *rs)
{
	api_change_reply(rq, rs, advisory_update, 200);
}

void api_advisories_get(struct http_req *rq, struct http_resp *rs)
{
	api_id_reply(rq, rs, advisory_get, 200);
}

void api_advisories_submit(struct http_req *rq, struct http_resp *rs)
{
	api_id_reply(rq, rs, advisory_submit, 200);
}

void api_advisories_withdraw(struct http_req *rq, struct http_resp *rs)
{
	api_id_reply(rq, rs, advisory_withdraw, 200);
}

void api_advisories_approve(struct http_req *rq, struct http_resp *rs)
{
	api_id_reply(rq, rs, advisory_approve, 200);
}

void api_advisories_deliveries(struct http_req *rq, struct http_resp *rs)
{
	int64_t id;
	json_t *items;
	struct wr_err e = {0};
	if (api_param_id(rq, rs, 0, &id))
		return;
	if (advisory_deliveries(rq->db, &rq->actor, id, &items, &e))
		api_error(rs, &e);
	else
		api_reply(rs, 200, json_pack("{s:o}", "items", items));
}

void api_org_communications(struct http_req *rq, struct http_resp *rs)
{
	int64_t id;
	json_t *items;
	struct wr_err e = {0};
	if (api_param_id(rq, rs, 0, &id))
		return;
	if (comms_for_org(rq->db, &rq->actor, id, &items, &e))
		api_error(rs, &e);
	else
		api_reply(rs, 200, json_pack("{s:o}", "items", items));
}

void api_advisories_ack(struct http_req *rq, struct http_resp *rs)
{
	int64_t id;
	struct wr_err e = {0};
	if (api_param_id(rq, rs, 0, &id))
		return;
	const char *via = rq->via_cookie ? "portal" : "api";
	if (advisory_ack(rq->db, &rq->actor, id, 0, via, rq->actor.name, &e)) {
		api_error(rs, &e);
		return;
	}
	json_t *out;
	if (advisory_get(rq->db, &rq->actor, id, &out, &e))
		api_error(rs, &e);
	else
		api_reply(rs, 200, out);
}

/* Text for HTML. */
static int html_text(struct buf *b, const char *s)
{
	int rc = 0;
	for (; *s && !rc; s++)
		rc = *s == '<'	 ? buf_adds(b, "&lt;")
		     : *s == '>' ? buf_adds(b, "&gt;")
		     : *s == '&' ? buf_adds(b, "&amp;")
		     : *s == '"' ? buf_adds(b, "&quot;")
				 : buf_addc(b, *s);
	return rc;
}

/* The page of an acknowledgement link: the advisory and a button (a GET
 * never acknowledges: mail gateways open links), or the outcome. */
static void ack_page(struct http_req *rq, struct http_resp *rs, int post)
{
	unsigned char key[32];
	int64_t delivery = 0;
	struct wr_err e = {0};
	int rc = comms_key_load(rq->app->cfg.db_path, key, &e);
	if (!rc)
		rc = ack_token_check(key, rq->params[0], time_now(), &delivery, &e);
	memset(key, 0, sizeof key);
	char title[256] = "", org[256] = "", acked[40] = "";
	sqlite3_stmt *st;
	if (!rc && !(rc = db_prepare(rq->db,
				     "SELECT a.title, o.name, (SELECT k.at FROM acks k WHERE k.advisory_id ="
				     " d.advisory_id AND k.org_id = d.org_id), d.name FROM deliveries d JOIN"
				     " advisories a ON a.id = d.advisory_id JOIN orgs o ON o.id = d.org_id"
				     " WHERE d.id = ?1",
				     &st, &e))) {
		sqlite3_bind_int64(st, 1, delivery);
		if (sqlite3_step(st) == SQLITE_ROW) {
			snprintf(title, sizeof title, "%s", (const char *)sqlite3_column_text(st, 0));
			snprintf(org, sizeof org, "%s", (const char *)sqlite3_column_text(st, 1));
			if (sqlite3_column_type(st, 2) != SQLITE_NULL)
				snprintf(acked, sizeof acked, "%s", (const char *)sqlite3_column_text(st, 2));
			if (post) {
				char by[200];
				snprintf(by, sizeof by, "link: %s", (const char *)sqlite3_column_text(st, 3));
				struct actor sys = {.role = ROLE_SYSTEM};
				snprintf(sys.name, sizeof sys.name, "ack-link");
				sqlite3_finalize(st);
				st = NULL;
				rc = advisory_ack(rq->db, &sys, 0, delivery, "link", by, &e);
				if (!rc && !acked[0])
					time_format_rfc3339((time_t)time_now(), acked, sizeof acked);
			}
		} else {
			rc = wr_err_set(&e, WR_ENOTFOUND, NULL, "this advisory is no longer here");
		}
		sqlite3_finalize(st);
	}
	struct buf b;
	buf_init(&b, 1u << 16);
	int brc = buf_adds(&b, "<!doctype html><html lang=\"en\"><head><meta charset=\"utf-8\">"
			       "<title>warroom: acknowledgement</title></head><body>");
	if (rc) {
		brc = brc ? brc : buf_adds(&b, "<h1>Acknowledgement</h1><p>");
		brc = brc ? brc : html_text(&b, e.message);
		brc = brc ? brc : buf_adds(&b, "</p>");
	} else {
		brc = brc ? brc : buf_adds(&b, "<h1>");
		brc = brc ? brc : html_text(&b, title);
		brc = brc ? brc : buf_adds(&b, "</h1><p>For ");
		brc = brc ? brc : html_text(&b, org);
		brc = brc ? brc : buf_adds(&b, ".</p>");
		if (acked[0]) {
			brc = brc ? brc : buf_printf(&b, "<p>Acknowledged at %s. Thank you.</p>", acked);
		} else {
			brc = brc ? brc : buf_adds(&b, "<form method=\"post\"><button type=\"submit\">"
							"Acknowledge</button></form>");
		}
	}
	brc = brc ? brc : buf_adds(&b, "</body></html>\n");
	if (brc) {
		buf_release(&b);
		api_error_simple(rs, WR_ENOMEM, "", "out of memory");
		return;
	}
	rs->status = rc == WR_EAUTH ? 403 : rc == WR_ENOTFOUND ? 404 : rc ? 500 : 200;
	rs->raw_len = b.len;
	rs->raw = (const unsigned char *)buf_detach(&b);
	rs->raw_owned = 1;
	rs->content_type = "text/html; charset=utf-8";
}

void api_ack_link_get(struct http_req *rq, struct http_resp *rs)
{
	ack_page(rq, rs, 0);
}

void api_ack_link_post(struct http_req *rq, struct http_resp *rs)
{
	ack_page(rq, rs, 1);
}
