/* /api/v1/vulns/kev: the known-exploited catalogue (docs/api.md,
 * docs/vulns.md). */
#include "api/api.h"
#include "api/handlers.h"
#include "vulns/feeds.h"

#include <string.h>

void api_vulns_kev(struct http_req *rq, struct http_resp *rs)
{
	int limit, ransomware = -1;
	int64_t cursor, next;
	json_t *items;
	struct wr_err e = {0};
	const char *r = http_query(rq, "ransomware");
	if (r && (!strcmp(r, "true") || !strcmp(r, "known")))
		ransomware = 1;
	else if (r && (!strcmp(r, "false") || !strcmp(r, "unknown")))
		ransomware = 0;
	else if (r) {
		api_error_simple(rs, WR_EINVAL, "ransomware", "is not true (known) or false (unknown)");
		return;
	}
	if (api_paging(rq, rs, 100, 1000, &limit, &cursor))
		return;
	if (feed_kev_list(rq->db, http_query(rq, "cve"), http_query(rq, "vendor"), ransomware, limit, cursor,
			  &items, &next, &e))
		api_error(rs, &e);
	else
		api_reply(rs, 200, api_page(items, next));
}
