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

const struct api_route *router_match(struct http_req *rq, int *method_mismatch)
{
	*method_mismatch = 0;
	const char *params[HTTP_MAX_PARAMS];
	int n;
	for (const struct api_route *r = api_routes; r->method; r++) {
		if (!router_match_pattern(r->pattern, rq->path, rq->param_buf, sizeof rq->param_buf,
					  params, &n))
			continue;
		if (strcmp(r->method, rq->method) != 0) {
			*method_mismatch = 1;
			continue;
		}
		memcpy(rq->params, params, sizeof params);
		rq->nparams = n;
		return r;
	}
	return NULL;
}
