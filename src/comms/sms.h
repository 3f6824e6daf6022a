/* Text messages through an HTTP gateway (docs/comms.md): a JSON POST
 * {"to": E.164 number, "text": at most 160 characters} with the gateway's
 * token as a bearer and the delivery's Message-ID as Idempotency-Key. */
#ifndef WR_COMMS_SMS_H
#define WR_COMMS_SMS_H

#include <stddef.h>

#include "base/err.h"

#define SMS_MAX_CHARS 160

struct sms_config {
	char url[512];   /* empty: SMS deliveries wait in the outbox */
	char token[256]; /* empty: no Authorization header */
	char body_template[2048]; /* empty: {"to": "{to}", "text": "{text}"} */
};

/* The JSON body of one SMS: the template (a JSON document; NULL or "":
 * {"to": "{to}", "text": "{text}"}) with "{to}" and "{text}" replaced in
 * every string in it, so a gateway that wants another shape
 * ({"messages": [{"destination": "{to}", "content": "{text}"}]}) gets it,
 * correctly escaped. NULL and e filled when the template is not JSON. */
char *sms_body(const char *template_json, const char *to, const char *text, struct wr_err *e);

/* The text of an advisory's SMS, at most SMS_MAX_CHARS characters (code
 * points): "warroom: " (or "warroom reminder: "), the title only for
 * TLP:CLEAR and GREEN (the gateway is a third party; else "TLP:X SEVERITY
 * advisory in your e-mail." or "... not acknowledged yet."), cut with
 * "..." when needed, and " Acknowledge: ack_url" (dropped if it alone does
 * not fit). out needs SMS_MAX_CHARS * 4 + 1 bytes. */
void sms_text(const char *tlp, const char *severity, const char *title, int reminder,
	      const char *ack_url, char *out, size_t n);

/* Code points of UTF-8 text s. */
size_t sms_chars(const char *s);

/* Sends text to number (E.164) through the gateway; http_post_json's
 * answer classes (0 sent, WR_EIO retry, WR_EINVAL permanent). */
int sms_send(const struct sms_config *c, const char *to, const char *text,
	     const char *idempotency_key, struct wr_err *e);

#endif
