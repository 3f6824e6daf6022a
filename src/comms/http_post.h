/* One JSON POST with libcurl, for the SMS gateway and the webhooks: the
 * answer classified the way the outbox retries (comms/worker.h). */
#ifndef WR_COMMS_HTTP_POST_H
#define WR_COMMS_HTTP_POST_H

#include <stddef.h>

#include "base/err.h"

/* POSTs body (application/json) to url with the extra header lines
 * ("Name: value", NULL-terminated; may be NULL). 0 on a 2xx answer;
 * WR_EIO for a failure worth retrying (no connection, timeout, 408, 429,
 * 5xx); WR_EINVAL for a permanent one (any other answer, a URL that is not
 * http(s)). e names the reason; *code is the HTTP status (0 if none). */
int http_post_json(const char *url, const char *const *headers, const char *body, size_t len,
		   long *code, struct wr_err *e);

#endif
