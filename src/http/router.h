/* Matches a request against api_routes (api/routes.c) and fills the path
 * parameters. */
#ifndef WR_HTTP_ROUTER_H
#define WR_HTTP_ROUTER_H

#include "api/api.h"

/* The route for rq's method and path, or NULL; *method_mismatch is set
 * when the path matches some route under another method (405). */
const struct api_route *router_match(struct http_req *rq, int *method_mismatch);
/* Matches one pattern against a path; fills params from buf (for tests). */
int router_match_pattern(const char *pattern, const char *path, char *buf, size_t bufsz,
			 const char **params, int *nparams);

#endif
