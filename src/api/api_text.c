/* api_reply_text() of api_text.h. */
#include "api/api_text.h"

#include <string.h>

void api_reply_text(struct http_resp *rs, char *text, const char *type, const char *disposition)
{
	rs->status = 200;
	rs->raw = (const unsigned char *)text;
	rs->raw_len = strlen(text);
	rs->raw_owned = 1;
	rs->content_type = type;
	if (disposition)
		http_resp_header(rs, "Content-Disposition", disposition);
}
