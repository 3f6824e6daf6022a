/* The embedded web UI: "/" is web/index.html, "/x" is web/x, and the map of
 * Flanders is /data/flanders_municipalities_2025.geojson. */
#ifndef WR_HTTP_STATIC_FILES_H
#define WR_HTTP_STATIC_FILES_H

#include "http/request.h"

void static_serve(struct http_req *rq, struct http_resp *rs);
const char *static_mime_type(const char *name);

#endif
