/* Non-JSON answers of the programme endpoints (CSV, HTML, iCalendar). */
#ifndef WR_API_API_TEXT_H
#define WR_API_API_TEXT_H

#include "http/request.h"

/* 200 with text (takes ownership; NUL-terminated) as content type type and,
 * when disposition is not NULL, a Content-Disposition header. */
void api_reply_text(struct http_resp *rs, char *text, const char *type, const char *disposition);

#endif
