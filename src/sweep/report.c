/* --report: the hits as sightings, one per indicator with its count, POSTed
 * as JSON to URL/api/v1/sightings with the API token (docs/sweep.md). */
#include "sweep/sweep_cli.h"

#include <curl/curl.h>
#include <stdlib.h>
#include <jansson.h>
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "base/timeutil.h"

static json_t *labels(const struct ioc_set *set, uint32_t i, int is_tag)
{
	json_t *a = json_array();
	uint32_t cur = 0;
	const char *t;
	while (a && (t = ioc_set_next_label(set, i, is_tag, &cur)))
		json_array_append_new(a, json_string(t));
	return a;
}

/* The request body; caller frees. NULL when memory runs out. */
static char *body(const struct ioc_set *set, const struct sweep_files *files,
		  const struct sweep_stats *st)
{
	char host[256] = "", now[32];
	gethostname(host, sizeof host - 1);
	time_t t = time(NULL);
	struct tm tm;
	gmtime_r(&t, &tm);
	strftime(now, sizeof now, "%Y-%m-%dT%H:%M:%SZ", &tm);
	json_t *list = json_array();
	for (uint32_t i = 0; list && i < ioc_set_count(set); i++) {
		if (!st->per_ioc[i])
			continue;
		/* First and last seen: the times the hit lines carry when they
		 * carry one (linetime.h), else the sweep's own time (docs/sweep.md). */
		char first[32], last[32];
		if (st->first_time[i] > 0) {
			time_format_rfc3339((time_t)st->first_time[i], first, sizeof first);
			time_format_rfc3339((time_t)st->last_time[i], last, sizeof last);
		} else {
			snprintf(first, sizeof first, "%s", now);
			snprintf(last, sizeof last, "%s", now);
		}
		size_t ff = st->first_file[i];
		const char *path = ff && ff <= files->n && files->v[ff - 1].path ? files->v[ff - 1].path : "";
		json_array_append_new(
			list, json_pack("{s:s, s:s, s:I, s:o, s:o, s:s, s:s, s:{s:s, s:s}}",
					"indicator", ioc_set_value(set, i, NULL), "type",
					ioc_type_name(ioc_set_type(set, i)), "count",
					(json_int_t)st->per_ioc[i], "sources", labels(set, i, 0),
					"tags", labels(set, i, 1), "first_seen", first, "last_seen",
					last, "where", "host", host, "path", path));
	}
	json_t *doc = json_pack("{s:s, s:s, s:s, s:{s:I, s:I, s:I}, s:o}", "reporter", "warroom sweep",
				"host", host, "swept_at", now, "totals", "files",
				(json_int_t)st->files, "bytes", (json_int_t)st->bytes, "hits",
				(json_int_t)st->hits, "sightings", list);
	char *s = doc ? json_dumps(doc, JSON_COMPACT) : NULL;
	json_decref(doc);
	return s;
}

int sweep_cli_report(const struct ioc_set *set, const struct sweep_files *files,
		     const struct sweep_stats *st, const struct sweep_cli_extra *x)
{
	char url[2048], auth[1024];
	size_t n = strlen(x->report_url);
	while (n > 0 && x->report_url[n - 1] == '/')
		n--;
	if (snprintf(url, sizeof url, "%.*s/api/v1/sightings", (int)n, x->report_url) >=
		    (int)sizeof url ||
	    snprintf(auth, sizeof auth, "Authorization: Bearer %s", x->token) >= (int)sizeof auth) {
		fprintf(stderr, "warroom: sweep: --report URL or token too long\n");
		return -1;
	}
	char *json = body(set, files, st);
	CURL *c = curl_easy_init();
	struct curl_slist *h = curl_slist_append(NULL, "Content-Type: application/json");
	struct curl_slist *h2 = h ? curl_slist_append(h, auth) : NULL;
	int rc = -1;
	if (!json || !c || !h2) {
		fprintf(stderr, "warroom: sweep: out of memory for the report\n");
	} else {
		h = h2;
		char errbuf[CURL_ERROR_SIZE] = "";
		curl_easy_setopt(c, CURLOPT_URL, url);
		curl_easy_setopt(c, CURLOPT_HTTPHEADER, h);
		curl_easy_setopt(c, CURLOPT_POSTFIELDS, json);
		curl_easy_setopt(c, CURLOPT_TIMEOUT, 60L);
		curl_easy_setopt(c, CURLOPT_ERRORBUFFER, errbuf);
		curl_easy_setopt(c, CURLOPT_PROTOCOLS_STR, "http,https");
		curl_easy_setopt(c, CURLOPT_NOSIGNAL, 1L);
		CURLcode cc = curl_easy_perform(c);
		long status = 0;
		curl_easy_getinfo(c, CURLINFO_RESPONSE_CODE, &status);
		if (cc != CURLE_OK)
			fprintf(stderr, "warroom: sweep: report to %s failed: %s\n", url,
				*errbuf ? errbuf : curl_easy_strerror(cc));
		else if (status < 200 || status > 299)
			fprintf(stderr, "warroom: sweep: report to %s refused: HTTP %ld\n", url, status);
		else {
			fprintf(stderr, "warroom: sweep: sightings reported to %s\n", url);
			rc = 0;
		}
	}
	curl_slist_free_all(h2 ? h2 : h);
	curl_easy_cleanup(c);
	free(json);
	return rc;
}
