/* Matches a request against api_routes (api/routes.c) and fills the path
 * parameters. */
#ifndef WR_HTTP_ROUTER_H
#define WR_HTTP_ROUTER_H

#include "api/api.h"

/* Enough for every method of one path: "GET, HEAD, POST, PATCH, DELETE". */
#define ROUTER_ALLOW_MAX 64

/* The route for rq's method and path, or NULL. When NULL and the path has
 * routes under other methods (405), allow lists them for the Allow header
 * ("GET, HEAD, POST"); otherwise allow is "" (404). */
const struct api_route *router_match(struct http_req *rq, char allow[ROUTER_ALLOW_MAX]);
/* Matches one pattern against a path; fills params from buf (for tests). */
int router_match_pattern(const char *pattern, const char *path, char *buf, size_t bufsz,
			 const char **params, int *nparams);

#endif
