/* The HTTP server (libmicrohttpd): reads bounded bodies, authenticates,
 * routes to api/ handlers or the embedded web UI, adds the security headers,
 * counts metrics. */
#ifndef WR_HTTP_SERVER_H
#define WR_HTTP_SERVER_H

#include "http/app.h"

struct server;

/* Binds and starts serving in background threads. */
int server_start(struct app *app, struct server **out, struct wr_err *e);
/* Stops accepting, lets requests in flight finish, closes. */
void server_stop(struct server *s);

#endif
