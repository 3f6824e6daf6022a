/* The download of a feed (vulns/fetch.h): libcurl, TLS verified, https
 * only (http to loopback for tests), a conditional GET, gzip accepted,
 * timeouts, a size limit, at most a few redirects and only to https. The
 * body goes to a temporary file in the data directory. */
#include "vulns/fetch.h"

#include <curl/curl.h>
#include <errno.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

#define DEFAULT_MAX (256ull << 20)
#define MAX_REDIRECTS 5L

static atomic_int cancelled;

void fetch_cancel(int on)
{
	atomic_store(&cancelled, on);
}

static int on_progress(void *arg, curl_off_t dt, curl_off_t dn, curl_off_t ut, curl_off_t un)
{
	(void)arg, (void)dt, (void)dn, (void)ut, (void)un;
	return atomic_load(&cancelled) ? 1 : 0;
}

uint64_t fetch_max_bytes(void)
{
	const char *s = getenv("WARROOM_FETCH_MAX");
	char *end;
	errno = 0;
	unsigned long long v = s && *s ? strtoull(s, &end, 10) : 0;
	if (!s || !*s || errno || *end || v == 0)
		return DEFAULT_MAX;
	return v;
}

static int loopback_host(const char *h)
{
	return !strcasecmp(h, "localhost") || !strcmp(h, "127.0.0.1") || !strcmp(h, "[::1]") ||
	       !strcmp(h, "::1");
}

int fetch_url_check(const char *url, struct wr_err *e)
{
	if (strlen(url) > 2000)
		return wr_err_set(e, WR_EINVAL, "url", "is longer than 2000 characters");
	CURLU *u = curl_url();
	char *scheme = NULL, *host = NULL, *user = NULL, *pw = NULL;
	int rc = 0;
	if (!u)
		return wr_err_set(e, WR_ENOMEM, NULL, "out of memory");
	if (curl_url_set(u, CURLUPART_URL, url, 0) != CURLUE_OK ||
	    curl_url_get(u, CURLUPART_SCHEME, &scheme, 0) != CURLUE_OK ||
	    curl_url_get(u, CURLUPART_HOST, &host, 0) != CURLUE_OK)
		rc = wr_err_set(e, WR_EINVAL, "url", "is not a URL");
	else if (curl_url_get(u, CURLUPART_USER, &user, 0) == CURLUE_OK ||
		 curl_url_get(u, CURLUPART_PASSWORD, &pw, 0) == CURLUE_OK)
		rc = wr_err_set(e, WR_EINVAL, "url",
				"holds a user name or password: give the credential as a token or header");
	else if (strcasecmp(scheme, "https") && !(strcasecmp(scheme, "http") == 0 && loopback_host(host)))
		rc = wr_err_set(e, WR_EINVAL, "url", "must be https (http only to 127.0.0.1, ::1 or localhost)");
	curl_free(scheme);
	curl_free(host);
	curl_free(user);
	curl_free(pw);
	curl_url_cleanup(u);
	return rc;
}

struct sink {
	FILE *f;
	uint64_t size, max;
	int too_big, write_failed;
	struct fetch_resp *r;
};

static size_t on_body(char *ptr, size_t size, size_t nmemb, void *arg)
{
	struct sink *s = arg;
	size_t n = size * nmemb;
	if (s->size + n > s->max) {
		s->too_big = 1;
		return 0; /* aborts the transfer */
	}
	if (n && fwrite(ptr, 1, n, s->f) != n) {
		s->write_failed = 1;
		return 0;
	}
	s->size += n;
	return n;
}

/* The value of header line h (len bytes) when it is name, trimmed, into
 * out; an empty out when it does not fit (never a truncated validator). */
static void header_value(const char *h, size_t len, const char *name, char *out, size_t n)
{
	size_t k = strlen(name);
	if (len <= k || strncasecmp(h, name, k) || h[k] != ':')
		return;
	const char *v = h + k + 1;
	size_t vl = len - k - 1;
	while (vl && (*v == ' ' || *v == '\t'))
		v++, vl--;
	while (vl && (v[vl - 1] == '\r' || v[vl - 1] == '\n' || v[vl - 1] == ' ' || v[vl - 1] == '\t'))
		vl--;
	if (vl < n && !memchr(v, '\0', vl)) {
		memcpy(out, v, vl);
		out[vl] = '\0';
	} else {
		out[0] = '\0';
	}
}

static size_t on_header(char *ptr, size_t size, size_t nmemb, void *arg)
{
	struct sink *s = arg;
	size_t n = size * nmemb;
	char cd[1024] = "";
	if (n >= 5 && !strncmp(ptr, "HTTP/", 5)) {
		/* a new answer (after a redirect): only the last one's count */
		s->r->etag[0] = s->r->last_modified[0] = s->r->disposition[0] = '\0';
		return n;
	}
	header_value(ptr, n, "ETag", s->r->etag, sizeof s->r->etag);
	header_value(ptr, n, "Last-Modified", s->r->last_modified, sizeof s->r->last_modified);
	header_value(ptr, n, "Content-Disposition", cd, sizeof cd);
	if (cd[0] && fetch_disposition_name(cd, s->r->disposition, sizeof s->r->disposition))
		s->r->disposition[0] = '\0';
	return n;
}

static int append(struct curl_slist **l, const char *name, const char *v)
{
	char line[4200];
	if (snprintf(line, sizeof line, "%s%s", name, v) >= (int)sizeof line)
		return 0; /* too long a validator: sent without it */
	struct curl_slist *n = curl_slist_append(*l, line);
	if (!n)
		return -1;
	*l = n;
	return 0;
}

int fetch_get(const struct fetch_req *q, struct fetch_resp *r, struct wr_err *e)
{
	memset(r, 0, sizeof *r);
	int rc = fetch_url_check(q->url, e);
	if (rc)
		return rc;
	if (snprintf(r->path, sizeof r->path, "%s/.fetch-XXXXXX", q->dir) >= (int)sizeof r->path)
		return wr_err_set(e, WR_EIO, NULL, "the data directory's path is too long");
	int fd = mkstemp(r->path);
	if (fd < 0) {
		r->path[0] = '\0';
		return wr_err_set(e, WR_EIO, NULL, "cannot make a temporary file in %s: %s", q->dir,
				  strerror(errno));
	}
	struct sink s = {fdopen(fd, "wb"), 0, q->max, 0, 0, r};
	if (!s.f)
		close(fd);
	CURL *h = s.f ? curl_easy_init() : NULL;
	struct curl_slist *hl = NULL;
	if (!h || (q->header && append(&hl, "", q->header)) ||
	    (q->etag && *q->etag && append(&hl, "If-None-Match: ", q->etag)) ||
	    (q->last_modified && *q->last_modified && append(&hl, "If-Modified-Since: ", q->last_modified)))
		rc = wr_err_set(e, WR_ENOMEM, NULL, "out of memory for HTTP");
	char err[CURL_ERROR_SIZE] = "";
	CURLcode cc = CURLE_OK;
	if (!rc) {
		curl_easy_setopt(h, CURLOPT_URL, q->url);
		/* the source's URL was checked; a redirect goes to https only */
		curl_easy_setopt(h, CURLOPT_PROTOCOLS_STR, "http,https");
		curl_easy_setopt(h, CURLOPT_REDIR_PROTOCOLS_STR, "https");
		/* libcurl drops an Authorization header on a redirect to another
		 * host, but not a header of another name: with one, no redirect */
		int other = q->header && strncasecmp(q->header, "Authorization:", 14);
		curl_easy_setopt(h, CURLOPT_FOLLOWLOCATION, other ? 0L : 1L);
		curl_easy_setopt(h, CURLOPT_MAXREDIRS, MAX_REDIRECTS);
		curl_easy_setopt(h, CURLOPT_SSL_VERIFYPEER, 1L);
		curl_easy_setopt(h, CURLOPT_SSL_VERIFYHOST, 2L);
		curl_easy_setopt(h, CURLOPT_HTTPHEADER, hl);
		curl_easy_setopt(h, CURLOPT_USERAGENT, "warroom/" WARROOM_VERSION);
		curl_easy_setopt(h, CURLOPT_ACCEPT_ENCODING, ""); /* gzip and the rest libcurl decodes */
		curl_easy_setopt(h, CURLOPT_MAXFILESIZE_LARGE, (curl_off_t)q->max);
		curl_easy_setopt(h, CURLOPT_WRITEFUNCTION, on_body);
		curl_easy_setopt(h, CURLOPT_WRITEDATA, &s);
		curl_easy_setopt(h, CURLOPT_HEADERFUNCTION, on_header);
		curl_easy_setopt(h, CURLOPT_HEADERDATA, &s);
		curl_easy_setopt(h, CURLOPT_CONNECTTIMEOUT, 30L);
		curl_easy_setopt(h, CURLOPT_TIMEOUT, 300L);
		/* a stalled server: under 1 KiB/s for a minute */
		curl_easy_setopt(h, CURLOPT_LOW_SPEED_LIMIT, 1024L);
		curl_easy_setopt(h, CURLOPT_LOW_SPEED_TIME, 60L);
		curl_easy_setopt(h, CURLOPT_NOSIGNAL, 1L);
		curl_easy_setopt(h, CURLOPT_XFERINFOFUNCTION, on_progress);
		curl_easy_setopt(h, CURLOPT_NOPROGRESS, 0L);
		curl_easy_setopt(h, CURLOPT_ERRORBUFFER, err);
		cc = curl_easy_perform(h);
		curl_easy_getinfo(h, CURLINFO_RESPONSE_CODE, &r->status);
	}
	curl_slist_free_all(hl);
	curl_easy_cleanup(h);
	if (s.f && fclose(s.f) && !rc && cc == CURLE_OK)
		s.write_failed = 1;
	r->size = s.size;
	if (!rc) {
		if (s.too_big || cc == CURLE_FILESIZE_EXCEEDED)
			rc = wr_err_set(e, WR_EIO, NULL, "the answer is larger than %llu bytes (WARROOM_FETCH_MAX)",
					(unsigned long long)q->max);
		else if (s.write_failed)
			rc = wr_err_set(e, WR_EIO, NULL, "cannot write the download to %s", q->dir);
		else if (cc == CURLE_TOO_MANY_REDIRECTS)
			rc = wr_err_set(e, WR_EIO, NULL, "more than %ld redirects", MAX_REDIRECTS);
		else if (cc == CURLE_ABORTED_BY_CALLBACK)
			rc = wr_err_set(e, WR_EIO, NULL, "stopped: the server is shutting down");
		else if (cc == CURLE_UNSUPPORTED_PROTOCOL)
			rc = wr_err_set(e, WR_EIO, NULL, "redirected to a URL that is not https");
		else if (cc != CURLE_OK)
			rc = wr_err_set(e, WR_EIO, NULL, "%s", *err ? err : curl_easy_strerror(cc));
		else if (r->status == 304)
			r->not_modified = 1;
		else if (r->status >= 300 && r->status < 400)
			rc = wr_err_set(e, WR_EIO, NULL, "the server answered %ld, a redirect not followed", r->status);
		else if (r->status != 200)
			rc = wr_err_set(e, WR_EIO, NULL, "the server answered %ld", r->status);
	}
	if (rc || r->not_modified) {
		unlink(r->path);
		r->path[0] = '\0';
	}
	return rc;
}
