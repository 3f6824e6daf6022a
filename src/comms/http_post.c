/* JSON POST with libcurl (comms/http_post.h). */
#include "comms/http_post.h"

#include <curl/curl.h>
#include <strings.h>

/* The answer's body is not needed: only its status. */
static size_t discard(char *ptr, size_t size, size_t nmemb, void *arg)
{
	(void)ptr;
	(void)arg;
	return size * nmemb;
}

int http_post_json(const char *url, const char *const *headers, const char *body, size_t len,
		   long *code, struct wr_err *e)
{
	*code = 0;
	if (strncasecmp(url, "http://", 7) && strncasecmp(url, "https://", 8))
		return wr_err_set(e, WR_EINVAL, NULL, "not an http(s) URL");
	CURL *h = curl_easy_init();
	struct curl_slist *hl = curl_slist_append(NULL, "Content-Type: application/json");
	for (int i = 0; hl && headers && headers[i]; i++) {
		struct curl_slist *n = curl_slist_append(hl, headers[i]);
		if (!n) {
			curl_slist_free_all(hl);
			hl = NULL;
		} else {
			hl = n;
		}
	}
	if (!h || !hl) {
		curl_easy_cleanup(h);
		curl_slist_free_all(hl);
		return wr_err_set(e, WR_EIO, NULL, "out of memory for HTTP");
	}
	char err[CURL_ERROR_SIZE] = "";
	curl_easy_setopt(h, CURLOPT_URL, url);
	curl_easy_setopt(h, CURLOPT_PROTOCOLS_STR, "http,https");
	curl_easy_setopt(h, CURLOPT_HTTPHEADER, hl);
	curl_easy_setopt(h, CURLOPT_POSTFIELDS, body);
	curl_easy_setopt(h, CURLOPT_POSTFIELDSIZE_LARGE, (curl_off_t)len);
	curl_easy_setopt(h, CURLOPT_WRITEFUNCTION, discard);
	curl_easy_setopt(h, CURLOPT_FOLLOWLOCATION, 0L);
	curl_easy_setopt(h, CURLOPT_CONNECTTIMEOUT, 10L);
	curl_easy_setopt(h, CURLOPT_TIMEOUT, 30L);
	curl_easy_setopt(h, CURLOPT_NOSIGNAL, 1L);
	curl_easy_setopt(h, CURLOPT_ERRORBUFFER, err);
	CURLcode cc = curl_easy_perform(h);
	curl_easy_getinfo(h, CURLINFO_RESPONSE_CODE, code);
	curl_slist_free_all(hl);
	curl_easy_cleanup(h);
	if (cc != CURLE_OK)
		return wr_err_set(e, WR_EIO, NULL, "not sent: %s", *err ? err : curl_easy_strerror(cc));
	if (*code >= 200 && *code < 300)
		return 0;
	if (*code >= 500 || *code == 408 || *code == 429)
		return wr_err_set(e, WR_EIO, NULL, "not sent, the server answered %ld", *code);
	return wr_err_set(e, WR_EINVAL, NULL, "refused, the server answered %ld", *code);
}
