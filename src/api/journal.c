/* GET /api/v1/journal: admin and analyst. */
#include "api/api.h"
#include "api/handlers.h"
#include "audit/journal.h"

void api_journal_list(struct http_req *rq, struct http_resp *rs)
{
	int limit;
	int64_t cursor, next;
	json_t *items;
	struct wr_err e = {0};
	if (api_require_staff(rq, rs) || api_paging(rq, rs, 100, 1000, &limit, &cursor))
		return;
	if (journal_list(rq->db, limit, cursor, &items, &next, &e)) {
		api_error(rs, &e);
		return;
	}
	api_reply(rs, 200, api_page(items, next));
}
