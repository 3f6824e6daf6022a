/* Building and sending advisory e-mails (comms/mail.h). */
#include "comms/mail.h"

#include <cmark.h>
#include <curl/curl.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

char *mail_markdown_html(const char *markdown)
{
	/* CMARK_OPT_DEFAULT is safe since cmark 0.29: raw HTML and
	 * javascript:/data: links are left out (CMARK_OPT_UNSAFE is not set). */
	return cmark_markdown_to_html(markdown, strlen(markdown), CMARK_OPT_DEFAULT);
}

/* Base64 of data in lines of 76 characters. */
static int base64_lines(struct buf *out, const char *data, size_t len)
{
	int rc = 0;
	for (size_t off = 0; off < len && !rc; off += 57) {
		size_t n = len - off < 57 ? len - off : 57;
		char line[80];
		sodium_bin2base64(line, sizeof line, (const unsigned char *)data + off, n,
				  sodium_base64_VARIANT_ORIGINAL);
		rc = buf_printf(out, "%s\r\n", line);
	}
	return rc;
}

/* The subject as RFC 2047 encoded words when it is not plain ASCII, in
 * pieces that never split a UTF-8 character. */
static int subject(struct buf *out, const char *s)
{
	int ascii = 1;
	for (const unsigned char *c = (const unsigned char *)s; *c; c++)
		ascii &= *c >= 0x20 && *c < 0x7f;
	if (ascii)
		return buf_printf(out, "Subject: %s\r\n", s);
	int rc = buf_adds(out, "Subject:");
	size_t len = strlen(s), off = 0;
	while (off < len && !rc) {
		size_t n = len - off < 45 ? len - off : 45;
		while (off + n < len && ((unsigned char)s[off + n] & 0xc0) == 0x80)
			n--; /* do not end inside a character */
		char b64[80];
		sodium_bin2base64(b64, sizeof b64, (const unsigned char *)s + off, n,
				  sodium_base64_VARIANT_ORIGINAL);
		rc = buf_printf(out, " =?UTF-8?B?%s?=\r\n", b64);
		off += n;
	}
	return rc;
}

int mail_build(const struct mail_msg *m, struct buf *out, struct wr_err *e)
{
	char date[64], boundary[40];
	time_t t = (time_t)m->date;
	struct tm tm;
	gmtime_r(&t, &tm);
	strftime(date, sizeof date, "%a, %d %b %Y %H:%M:%S +0000", &tm);
	unsigned char rnd[12];
	randombytes_buf(rnd, sizeof rnd);
	char hex[25];
	sodium_bin2hex(hex, sizeof hex, rnd, sizeof rnd);
	snprintf(boundary, sizeof boundary, "=_wr_%s", hex);
	char *html = mail_markdown_html(m->markdown);
	if (!html)
		return wr_err_set(e, WR_ENOMEM, NULL, "out of memory");
	struct buf text, page;
	buf_init(&text, 1u << 22);
	buf_init(&page, 1u << 22);
	int rc = buf_adds(&text, m->markdown);
	if (!rc && m->ack_url)
		rc = buf_printf(&text, "\n\n--\nPlease acknowledge: %s\n", m->ack_url);
	if (!rc)
		rc = buf_printf(&page, "<!doctype html><html><body>%s", html);
	if (!rc && m->ack_url)
		rc = buf_printf(&page, "<hr><p><a href=\"%s\">Please acknowledge</a></p>", m->ack_url);
	if (!rc)
		rc = buf_adds(&page, "</body></html>\n");
	free(html);
	if (!rc)
		rc = buf_printf(out,
				"From: %s\r\nTo: %s\r\nDate: %s\r\nMessage-ID: %s\r\nMIME-Version: 1.0\r\n",
				m->from, m->to, date, m->message_id);
	if (!rc)
		rc = subject(out, m->subject);
	/* With attachments: multipart/mixed around the alternative text/HTML. */
	if (!rc && m->n_attachments)
		rc = buf_printf(out, "Content-Type: multipart/mixed; boundary=\"%s_m\"\r\n\r\n--%s_m\r\n",
				boundary, boundary);
	if (!rc)
		rc = buf_printf(out,
				"Content-Type: multipart/alternative; boundary=\"%s\"\r\n\r\n"
				"--%s\r\nContent-Type: text/plain; charset=utf-8\r\n"
				"Content-Transfer-Encoding: base64\r\n\r\n",
				boundary, boundary);
	if (!rc)
		rc = base64_lines(out, text.ptr, text.len);
	if (!rc)
		rc = buf_printf(out,
				"--%s\r\nContent-Type: text/html; charset=utf-8\r\n"
				"Content-Transfer-Encoding: base64\r\n\r\n",
				boundary);
	if (!rc)
		rc = base64_lines(out, page.ptr, page.len);
	if (!rc)
		rc = buf_printf(out, "--%s--\r\n", boundary);
	for (size_t i = 0; !rc && i < m->n_attachments; i++) {
		const struct mail_attachment *at = &m->attachments[i];
		rc = buf_printf(out,
				"--%s_m\r\nContent-Type: %s; name=\"%s\"\r\n"
				"Content-Disposition: attachment; filename=\"%s\"\r\n"
				"Content-Transfer-Encoding: base64\r\n\r\n",
				boundary, at->content_type, at->name, at->name);
		if (!rc)
			rc = base64_lines(out, (const char *)at->data, at->len);
	}
	if (!rc && m->n_attachments)
		rc = buf_printf(out, "--%s_m--\r\n", boundary);
	buf_release(&text);
	buf_release(&page);
	return rc ? wr_err_set(e, rc, NULL, "the message is too big") : 0;
}

struct upload {
	const char *data;
	size_t len, off;
};

static size_t read_cb(char *ptr, size_t size, size_t nmemb, void *arg)
{
	struct upload *u = arg;
	size_t n = size * nmemb, left = u->len - u->off;
	if (n > left)
		n = left;
	memcpy(ptr, u->data + u->off, n);
	u->off += n;
	return n;
}

int smtp_send(const struct smtp_config *c, const char *to, const char *data, size_t len, long *code,
	      struct wr_err *e)
{
	*code = 0;
	CURL *h = curl_easy_init();
	struct curl_slist *rcpt = curl_slist_append(NULL, to);
	if (!h || !rcpt) {
		curl_easy_cleanup(h);
		curl_slist_free_all(rcpt);
		return wr_err_set(e, WR_EIO, NULL, "out of memory for SMTP");
	}
	struct upload u = {data, len, 0};
	char err[CURL_ERROR_SIZE] = "";
	curl_easy_setopt(h, CURLOPT_URL, c->url);
	curl_easy_setopt(h, CURLOPT_PROTOCOLS_STR, "smtp,smtps");
	curl_easy_setopt(h, CURLOPT_USE_SSL, (long)CURLUSESSL_TRY);
	curl_easy_setopt(h, CURLOPT_MAIL_FROM, c->from);
	curl_easy_setopt(h, CURLOPT_MAIL_RCPT, rcpt);
	curl_easy_setopt(h, CURLOPT_READFUNCTION, read_cb);
	curl_easy_setopt(h, CURLOPT_READDATA, &u);
	curl_easy_setopt(h, CURLOPT_UPLOAD, 1L);
	curl_easy_setopt(h, CURLOPT_INFILESIZE_LARGE, (curl_off_t)len);
	curl_easy_setopt(h, CURLOPT_CONNECTTIMEOUT, 10L);
	curl_easy_setopt(h, CURLOPT_TIMEOUT, 60L);
	curl_easy_setopt(h, CURLOPT_NOSIGNAL, 1L);
	curl_easy_setopt(h, CURLOPT_ERRORBUFFER, err);
	if (c->user[0]) {
		curl_easy_setopt(h, CURLOPT_USERNAME, c->user);
		curl_easy_setopt(h, CURLOPT_PASSWORD, c->password);
	}
	CURLcode cc = curl_easy_perform(h);
	curl_easy_getinfo(h, CURLINFO_RESPONSE_CODE, code);
	curl_slist_free_all(rcpt);
	curl_easy_cleanup(h);
	if (cc == CURLE_OK)
		return 0;
	if (*code >= 500 && *code < 600)
		return wr_err_set(e, WR_EINVAL, NULL, "refused by the mail server (%ld): %s", *code,
				  *err ? err : curl_easy_strerror(cc));
	return wr_err_set(e, WR_EIO, NULL, "not sent%s%.0ld: %s", *code ? ", mail server answered " : "",
			  *code, *err ? err : curl_easy_strerror(cc));
}
