#include "http/router.h"

#include <string.h>

int router_match_pattern(const char *pattern, const char *path, char *buf, size_t bufsz,
			 const char **params, int *nparams)
{
	size_t used = 0;
	*nparams = 0;
	const char *p = pattern, *s = path;
	while (*p && *s) {
		if (*p == '{') {
			const char *pe = strchr(p, '}');
			size_t n = strcspn(s, "/");
			if (!pe || n == 0 || *nparams >= HTTP_MAX_PARAMS || used + n + 1 > bufsz)
				return 0;
			memcpy(buf + used, s, n);
			buf[used + n] = '\0';
			params[(*nparams)++] = buf + used;
			used += n + 1;
			p = pe + 1;
			s += n;
		} else if (*p == *s) {
			p++;
			s++;
		} else {
			return 0;
		}
	}
	return !*p && !*s;
}

/* Appends method to the comma-separated list unless it is there already. */
static void allow_add(char allow[ROUTER_ALLOW_MAX], const char *method)
{
	size_t used = strlen(allow), n = strlen(method);
	for (const char *p = allow; (p = strstr(p, method)); p += n)
		if ((p == allow || p[-1] == ' ') && (p[n] == ',' || p[n] == '\0'))
			return;
	if (used + n + 3 > ROUTER_ALLOW_MAX)
		return; /* cannot happen with the route table's methods */
	if (used)
		memcpy(allow + used, ", ", 2), used += 2;
	memcpy(allow + used, method, n + 1);
}

const struct api_route *router_match(struct http_req *rq, char allow[ROUTER_ALLOW_MAX])
{
	allow[0] = '\0';
	const char *params[HTTP_MAX_PARAMS];
	int n;
	for (const struct api_route *r = api_routes; r->method; r++) {
		if (!router_match_pattern(r->pattern, rq->path, rq->param_buf, sizeof rq->param_buf,
					  params, &n))
			continue;
		/* HEAD is GET without the body (libmicrohttpd leaves the body out). */
		int head_as_get = !strcmp(rq->method, "HEAD") && !strcmp(r->method, "GET");
		if (strcmp(r->method, rq->method) != 0 && !head_as_get) {
			allow_add(allow, r->method);
			if (!strcmp(r->method, "GET"))
				allow_add(allow, "HEAD");
			continue;
		}
		memcpy(rq->params, params, sizeof params);
		rq->nparams = n;
		return r;
	}
	return NULL;
}
