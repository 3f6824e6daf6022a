/* /api/v1/findings and /api/v1/vulns (docs/api.md, docs/vulns.md). */
#include "api/api.h"
#include "api/handlers.h"
#include "vulns/vulns.h"

#include <stdlib.h>
#include <string.h>

void api_vuln_findings_list(struct http_req *rq, struct http_resp *rs)
{
	int limit;
	int64_t cursor, next, org = 0;
	json_t *items;
	struct wr_err e = {0};
	const char *o = http_query(rq, "org");
	if (o && (org = strtoll(o, NULL, 10)) < 1) {
		api_error_simple(rs, WR_EINVAL, "org", "is not an organisation id");
		return;
	}
	if (api_paging(rq, rs, 100, 1000, &limit, &cursor))
		return;
	if (vuln_findings_list(rq->db, &rq->actor, org, http_query(rq, "status"), http_query(rq, "severity"),
			       limit, cursor, &items, &next, &e))
		api_error(rs, &e);
	else
		api_reply(rs, 200, api_page(items, next));
}

void api_vuln_findings_patch(struct http_req *rq, struct http_resp *rs)
{
	api_change_reply(rq, rs, vuln_finding_update, 200);
}

void api_vulns_unrouted(struct http_req *rq, struct http_resp *rs)
{
	json_t *items;
	struct wr_err e = {0};
	if (vuln_unrouted(rq->db, &rq->actor, &items, &e))
		api_error(rs, &e);
	else
		api_reply(rs, 200, json_pack("{s:o}", "items", items));
}

void api_vulns_import(struct http_req *rq, struct http_resp *rs)
{
	struct vuln_import_result r;
	struct wr_err e = {0};
	const char *name = http_query(rq, "name"), *format = http_query(rq, "format");
	if (format && strcmp(format, "shadowserver") && strcmp(format, "csv")) {
		api_error_simple(rs, WR_EINVAL, "format", "is not shadowserver or csv");
		return;
	}
	int rc = format && !strcmp(format, "csv")
			 ? vuln_import_csv(rq->db, &rq->actor, name ? name : "upload.csv", rq->body,
					   rq->body_len, &r, &e)
			 : vuln_import_shadowserver(rq->db, &rq->actor, name ? name : "", rq->body,
						    rq->body_len, &r, &e);
	if (rc) {
		vuln_import_result_release(&r);
		api_error(rs, &e);
		return;
	}
	api_reply(rs, 200, json_pack("{s:b, s:I, s:I, s:I, s:I, s:I, s:I, s:I, s:I, s:I, s:O}",
				     "already", r.already, "batch", (json_int_t)r.batch, "probably_fixed",
				     (json_int_t)r.probably_fixed, "notices", (json_int_t)r.notices,
				     "rows", (json_int_t)r.rows, "routed", (json_int_t)r.routed,
				     "unrouted", (json_int_t)r.unrouted, "opened", (json_int_t)r.opened,
				     "refreshed", (json_int_t)r.refreshed, "reopened",
				     (json_int_t)r.reopened, "errors", r.errors));
	vuln_import_result_release(&r);
}

void api_vulns_coverage(struct http_req *rq, struct http_resp *rs)
{
	json_t *out;
	struct wr_err e = {0};
	if (vuln_coverage(rq->db, &rq->actor, http_query(rq, "since"), http_query(rq, "until"), &out, &e))
		api_error(rs, &e);
	else
		api_reply(rs, 200, out);
}
