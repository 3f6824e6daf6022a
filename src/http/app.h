/* Server-wide state shared by every request: configuration, login
 * throttles, metrics. Created by `warroom serve`, read-only afterwards but
 * for the thread-safe parts (throttles, metrics). */
#ifndef WR_HTTP_APP_H
#define WR_HTTP_APP_H

#include <stddef.h>

#include "auth/sessions.h"
#include "http/metrics.h"

struct app_config {
	const char *db_path;
	char listen[128];      /* "127.0.0.1:8080" or "[::1]:8080" */
	char public_url[256];  /* "http://127.0.0.1:8080"; https => Secure cookies, HSTS */
	size_t max_body;       /* bytes; larger bodies get 413 */
	int threads;           /* worker threads */
	int conn_timeout;      /* seconds a connection may idle */
	int request_timeout;   /* seconds a request body may take to arrive */
	int access_log;        /* one log line per request */
	int login_limit;       /* failed logins per user per window */
	int login_addr_limit;  /* failed logins per client address per window */
	int login_window;      /* seconds */
};

struct app {
	struct app_config cfg;
	struct login_throttles throttles;
	struct metrics metrics;
	int secure_cookies;
};

/* Defaults, then WARROOM_* environment overrides (documented in README). */
int app_config_defaults(struct app_config *cfg, const char *db_path, struct wr_err *e);
int app_init(struct app *app, struct wr_err *e);
void app_release(struct app *app);

#endif
