/* GET /health and GET /metrics: no authentication (bind to loopback or
 * put a proxy in front when the metrics should not be public). */
#include "api/api.h"
#include "api/handlers.h"
#include "base/buf.h"
#include "http/app.h"
#include "jobs/jobs.h"
#include "store/db.h"

#include <stdlib.h>

void api_health(struct http_req *rq, struct http_resp *rs)
{
	(void)rq;
	api_reply(rs, 200, json_pack("{s:s,s:s}", "status", "ok", "version", WARROOM_VERSION));
}

void api_metrics(struct http_req *rq, struct http_resp *rs)
{
	struct buf b;
	buf_init(&b, 1 << 20);
	if (metrics_write(&rq->app->metrics, &b, db_error_count(), jobs_queue_depth())) {
		buf_release(&b);
		api_error_simple(rs, WR_ENOMEM, "", "out of memory");
		return;
	}
	rs->status = 200;
	rs->raw_len = b.len;
	rs->raw = (const unsigned char *)buf_detach(&b);
	rs->raw_owned = 1;
	rs->content_type = "text/plain; version=0.0.4; charset=utf-8";
}
