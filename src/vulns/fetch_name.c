/* The file name of a fetched feed (vulns/fetch.h): a Shadowserver report
 * carries its date and type in it. From Content-Disposition (RFC 6266,
 * with the RFC 8187 filename*= form) or the URL's last path segment. The
 * name is only ever a label (never a path we write to), but one with a
 * directory or a control character in it is refused all the same. */
#include "vulns/fetch.h"

#include <curl/curl.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "base/hexdigit.h"

static int name_ok(const char *s)
{
	if (!*s || !strcmp(s, ".") || !strcmp(s, ".."))
		return 0;
	for (const unsigned char *p = (const unsigned char *)s; *p; p++)
		if (*p < 0x20 || *p == 0x7f || *p == '/' || *p == '\\')
			return 0;
	return 1;
}

/* Percent-decodes s[0..len) into out; -1 on a bad escape, a NUL or no room. */
static int pct_decode(const char *s, size_t len, char *out, size_t n)
{
	size_t o = 0;
	for (size_t i = 0; i < len; i++) {
		int c = (unsigned char)s[i];
		if (c == '%') {
			int h = i + 2 < len ? hex_digit_value((unsigned char)s[i + 1]) : -1;
			int l = h >= 0 ? hex_digit_value((unsigned char)s[i + 2]) : -1;
			if (h < 0 || l < 0)
				return -1;
			c = h * 16 + l;
			i += 2;
		}
		if (c == 0 || o + 1 >= n)
			return -1;
		out[o++] = (char)c;
	}
	out[o] = '\0';
	return 0;
}

static int is_token_char(int c)
{
	return c > 0x20 && c < 0x7f && !strchr("()<>@,;:\\\"/[]?={}", c);
}

/* One parameter value at *p (a quoted string or a token) into out; moves
 * *p past it. -1 when malformed or too long. */
static int param_value(const char **p, char *out, size_t n)
{
	const char *s = *p;
	size_t o = 0;
	if (*s == '"') {
		for (s++; *s && *s != '"'; s++) {
			if (*s == '\\' && s[1])
				s++;
			if (o + 1 >= n)
				return -1;
			out[o++] = *s;
		}
		if (*s != '"')
			return -1;
		s++;
	} else {
		/* a token; the filename*= value also holds ' and % */
		for (; *s && *s != ';' && *s != ' ' && *s != '\t'; s++) {
			if (!is_token_char((unsigned char)*s) && *s != '\'' && *s != '%')
				return -1;
			if (o + 1 >= n)
				return -1;
			out[o++] = *s;
		}
	}
	out[o] = '\0';
	*p = s;
	return o ? 0 : -1;
}

/* charset'language'pct-encoded, UTF-8 only (what servers send). */
static int ext_value(const char *v, char *out, size_t n)
{
	const char *q1 = strchr(v, '\'');
	const char *q2 = q1 ? strchr(q1 + 1, '\'') : NULL;
	if (!q2 || (size_t)(q1 - v) != 5 || strncasecmp(v, "UTF-8", 5))
		return -1;
	return pct_decode(q2 + 1, strlen(q2 + 1), out, n);
}

int fetch_disposition_name(const char *value, char *out, size_t n)
{
	char plain[512] = "", ext[512] = "", v[512];
	int have_plain = 0, have_ext = 0;
	const char *p = strchr(value, ';');
	while (p && *p == ';') {
		p++;
		p += strspn(p, " \t");
		size_t k = strcspn(p, "= \t;");
		const char *key = p;
		p += k;
		p += strspn(p, " \t");
		if (*p != '=') {
			p = strchr(p, ';');
			continue;
		}
		p++;
		p += strspn(p, " \t");
		if (param_value(&p, v, sizeof v))
			return -1; /* a malformed header is not guessed at */
		if (k == 9 && !strncasecmp(key, "filename*", 9))
			have_ext = !ext_value(v, ext, sizeof ext);
		else if (k == 8 && !strncasecmp(key, "filename", 8))
			have_plain = snprintf(plain, sizeof plain, "%s", v) < (int)sizeof plain;
		p += strspn(p, " \t");
	}
	const char *name = have_ext ? ext : have_plain ? plain : NULL;
	if (!name || !name_ok(name) || strlen(name) >= n)
		return -1;
	memcpy(out, name, strlen(name) + 1);
	return 0;
}

int fetch_url_name(const char *url, char *out, size_t n)
{
	CURLU *u = curl_url();
	char *path = NULL;
	int rc = -1;
	if (u && curl_url_set(u, CURLUPART_URL, url, 0) == CURLUE_OK &&
	    curl_url_get(u, CURLUPART_PATH, &path, 0) == CURLUE_OK) {
		const char *seg = strrchr(path, '/');
		seg = seg ? seg + 1 : path;
		if (!pct_decode(seg, strlen(seg), out, n) && name_ok(out))
			rc = 0;
	}
	curl_free(path);
	curl_url_cleanup(u);
	if (rc && n)
		out[0] = '\0';
	return rc;
}
