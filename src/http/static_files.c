#include "http/static_files.h"
#include "api/api.h"
#include "base/embedded.h"

#include <stdio.h>
#include <string.h>

static const struct {
	const char *ext;
	const char *type;
} types[] = {
	{".html", "text/html; charset=utf-8"},
	{".js", "text/javascript; charset=utf-8"},
	{".mjs", "text/javascript; charset=utf-8"},
	{".css", "text/css; charset=utf-8"},
	{".json", "application/json"},
	{".geojson", "application/geo+json"},
	{".svg", "image/svg+xml"},
	{".png", "image/png"},
	{".ico", "image/x-icon"},
	{".txt", "text/plain; charset=utf-8"},
	{".woff2", "font/woff2"},
};

const char *static_mime_type(const char *name)
{
	const char *dot = strrchr(name, '.');
	if (dot)
		for (size_t i = 0; i < sizeof types / sizeof types[0]; i++)
			if (!strcmp(dot, types[i].ext))
				return types[i].type;
	return "application/octet-stream";
}

void static_serve(struct http_req *rq, struct http_resp *rs)
{
	if (strcmp(rq->method, "GET") && strcmp(rq->method, "HEAD")) {
		api_error_simple(rs, WR_EMETHOD, "", "method not allowed");
		http_resp_header(rs, "Allow", "GET, HEAD");
		return;
	}
	char name[256];
	const char *path = rq->path;
	if (!strcmp(path, "/"))
		path = "/index.html";
	/* Only the map is served from data/; the rest of it is not for the web. */
	if (!strcmp(path, "/data/flanders_municipalities_2025.geojson"))
		snprintf(name, sizeof name, "data%s", path + 5);
	else if (strstr(path, "..") || (size_t)snprintf(name, sizeof name, "web%s", path) >= sizeof name)
		name[0] = '\0';
	const struct embedded_file *f = name[0] ? embedded_find(name) : NULL;
	if (!f) {
		api_error_simple(rs, WR_ENOTFOUND, "", "no such page");
		return;
	}
	rs->status = 200;
	rs->raw = f->data;
	rs->raw_len = f->len;
	rs->content_type = static_mime_type(name);
}
