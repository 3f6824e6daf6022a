/* Text messages (comms/sms.h). */
#include "comms/sms.h"

#include <jansson.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "comms/http_post.h"

size_t sms_chars(const char *s)
{
	size_t n = 0;
	for (; *s; s++)
		if (((unsigned char)*s & 0xC0) != 0x80)
			n++;
	return n;
}

/* Appends at most max code points of s to out (length *len, size n). */
static void put_chars(char *out, size_t n, size_t *len, const char *s, size_t max)
{
	size_t chars = 0;
	for (; *s && *len + 1 < n; s++) {
		int lead = ((unsigned char)*s & 0xC0) != 0x80;
		if (lead) {
			if (chars == max)
				break;
			/* a whole multi-byte character or none */
			size_t w = (unsigned char)*s >= 0xF0 ? 4 : (unsigned char)*s >= 0xE0 ? 3
				   : (unsigned char)*s >= 0xC0 ? 2 : 1;
			if (*len + w >= n)
				break;
			chars++;
		}
		out[(*len)++] = *s;
	}
	out[*len] = '\0';
}

void sms_text(const char *tlp, const char *severity, const char *title, int reminder,
	      const char *ack_url, char *out, size_t n)
{
	char subject[400], suffix[600];
	const char *prefix = reminder ? "warroom reminder: " : "warroom: ";
	if (!strcmp(tlp, "CLEAR") || !strcmp(tlp, "GREEN"))
		snprintf(subject, sizeof subject, "%s", title);
	else
		snprintf(subject, sizeof subject, "TLP:%s %s advisory %s", tlp, severity,
			 reminder ? "not acknowledged yet." : "in your e-mail.");
	snprintf(suffix, sizeof suffix, " Acknowledge: %s", ack_url ? ack_url : "");
	size_t fixed = sms_chars(prefix) + sms_chars(suffix);
	if (!ack_url || fixed + 10 > SMS_MAX_CHARS) {
		suffix[0] = '\0'; /* the link alone does not fit: the e-mail has it */
		fixed = sms_chars(prefix);
	}
	size_t room = SMS_MAX_CHARS - fixed, len = 0;
	out[0] = '\0';
	put_chars(out, n, &len, prefix, SIZE_MAX);
	if (sms_chars(subject) <= room) {
		put_chars(out, n, &len, subject, room);
	} else {
		put_chars(out, n, &len, subject, room - 3);
		put_chars(out, n, &len, "...", 3);
	}
	put_chars(out, n, &len, suffix, SIZE_MAX);
}

int sms_send(const struct sms_config *c, const char *to, const char *text,
	     const char *idempotency_key, struct wr_err *e)
{
	json_t *o = json_pack("{s:s, s:s}", "to", to, "text", text);
	char *body = o ? json_dumps(o, JSON_COMPACT) : NULL;
	json_decref(o);
	if (!body)
		return wr_err_set(e, WR_EIO, NULL, "out of memory for the SMS");
	char auth[300], idem[300];
	const char *headers[3] = {NULL, NULL, NULL};
	int k = 0;
	if (c->token[0]) {
		snprintf(auth, sizeof auth, "Authorization: Bearer %s", c->token);
		headers[k++] = auth;
	}
	snprintf(idem, sizeof idem, "Idempotency-Key: %s", idempotency_key);
	headers[k] = idem;
	long code;
	int rc = http_post_json(c->url, headers, body, strlen(body), &code, e);
	free(body);
	return rc;
}
