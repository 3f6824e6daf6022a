/* One advisory message by e-mail: the MIME text (multipart/alternative, a
 * plain-text part with the Markdown as written and an HTML part rendered by
 * libcmark without raw HTML; inside multipart/mixed with the attachments
 * when there are any), and sending it over SMTP with libcurl. */
#ifndef WR_COMMS_MAIL_H
#define WR_COMMS_MAIL_H

#include <stddef.h>
#include <stdint.h>

#include "base/buf.h"
#include "base/err.h"

struct mail_attachment {
	const char *name;         /* a safe ASCII file name (checked when added) */
	const char *content_type;
	const unsigned char *data;
	size_t len;
};

struct mail_msg {
	const char *from, *to;
	const char *subject;    /* UTF-8, no line breaks */
	const char *message_id; /* "<...@...>" */
	const char *markdown;   /* the body */
	const char *ack_url;    /* NULL: no acknowledgement asked */
	int64_t date;           /* epoch seconds */
	const struct mail_attachment *attachments; /* n_attachments: multipart/mixed */
	size_t n_attachments;
};

/* The whole message, CRLF line ends. 0 or a buf error with e filled. */
int mail_build(const struct mail_msg *m, struct buf *out, struct wr_err *e);

/* Markdown to HTML without raw HTML or unsafe links (libcmark's safe mode).
 * Caller frees; NULL when memory runs out. */
char *mail_markdown_html(const char *markdown);

struct smtp_config {
	char url[512];   /* smtp://host:port or smtps://...; STARTTLS when the server offers it */
	char from[256];
	char user[128], password[256]; /* empty: no authentication */
};

/* Sends data to one recipient. 0 when accepted; WR_EIO for a failure worth
 * retrying (connection, 4xx); WR_EINVAL for a permanent one (5xx). e names
 * the reason; *code is the last SMTP reply code (0 if none). */
int smtp_send(const struct smtp_config *c, const char *to, const char *data, size_t len, long *code,
	      struct wr_err *e);

#endif
