/* GET /api/v1/findings/summary (docs/api.md, docs/vulns.md). */
#include "api/api.h"
#include "api/handlers.h"
#include "vulns/summary.h"

#include <stdlib.h>

void api_vuln_findings_summary(struct http_req *rq, struct http_resp *rs)
{
	int64_t org = 0;
	json_t *out;
	struct wr_err e = {0};
	const char *o = http_query(rq, "org");
	char *end = NULL;
	if (o && ((org = strtoll(o, &end, 10)) < 1 || *end)) {
		api_error_simple(rs, WR_EINVAL, "org", "is not an organisation id");
		return;
	}
	if (vuln_findings_summary(rq->db, &rq->actor, org, &out, &e))
		api_error(rs, &e);
	else
		api_reply(rs, 200, out);
}
