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

/* s with every "{to}" and "{text}" replaced; NULL when memory runs out. */
static char *fill(const char *s, const char *to, const char *text)
{
	size_t n = strlen(s) + 1, lt = strlen(to), lx = strlen(text);
	for (const char *p = s; (p = strchr(p, '{')); p++)
		n += !strncmp(p, "{to}", 4) ? lt : !strncmp(p, "{text}", 6) ? lx : 0;
	char *out = malloc(n), *o = out;
	if (!out)
		return NULL;
	while (*s) {
		if (!strncmp(s, "{to}", 4)) {
			memcpy(o, to, lt);
			o += lt;
			s += 4;
		} else if (!strncmp(s, "{text}", 6)) {
			memcpy(o, text, lx);
			o += lx;
			s += 6;
		} else {
			*o++ = *s++;
		}
	}
	*o = '\0';
	return out;
}

/* Replaces the placeholders in every string of v, in place. */
static int fill_all(json_t *v, const char *to, const char *text)
{
	if (json_is_string(v)) {
		char *f = fill(json_string_value(v), to, text);
		int rc = !f || json_string_set(v, f);
		free(f);
		return rc;
	}
	size_t i;
	const char *k;
	json_t *x;
	if (json_is_array(v))
		json_array_foreach(v, i, x) if (fill_all(x, to, text)) return -1;
	if (json_is_object(v))
		json_object_foreach(v, k, x) if (fill_all(x, to, text)) return -1;
	return 0;
}

char *sms_body(const char *template_json, const char *to, const char *text, struct wr_err *e)
{
	const char *t = template_json && *template_json ? template_json : "{\"to\": \"{to}\", \"text\": \"{text}\"}";
	json_error_t je;
	json_t *doc = json_loads(t, 0, &je);
	if (!doc) {
		wr_err_set(e, WR_EINVAL, "WARROOM_SMS_TEMPLATE", "is not JSON: %s (column %d)", je.text, je.column);
		return NULL;
	}
	char *body = fill_all(doc, to, text) ? NULL : json_dumps(doc, JSON_COMPACT);
	json_decref(doc);
	if (!body)
		wr_err_set(e, WR_ENOMEM, NULL, "out of memory for the SMS");
	return body;
}

int sms_send(const struct sms_config *c, const char *to, const char *text,
	     const char *idempotency_key, struct wr_err *e)
{
	char *body = sms_body(c->body_template, to, text, e);
	if (!body)
		return WR_EIO;
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
