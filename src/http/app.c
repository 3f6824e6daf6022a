#include "http/app.h"
#include "base/err.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* A WARROOM_* integer from the environment within [lo, hi]. */
static int env_int(const char *name, long lo, long hi, long *out, struct wr_err *e)
{
	const char *v = getenv(name);
	if (!v || !*v)
		return 0;
	errno = 0;
	char *end;
	long n = strtol(v, &end, 10);
	if (errno || *end || n < lo || n > hi)
		return wr_err_set(e, WR_EINVAL, name, "must be an integer from %ld to %ld", lo, hi);
	*out = n;
	return 0;
}

int app_config_defaults(struct app_config *cfg, const char *db_path, struct wr_err *e)
{
	memset(cfg, 0, sizeof *cfg);
	cfg->db_path = db_path;
	snprintf(cfg->listen, sizeof cfg->listen, "127.0.0.1:8080");
	long max_body = 1 << 20, threads = 4, timeout = 30, req_timeout = 60, access_log = 1, limit = 5, addr_limit = 50,
	     window = 900;
	int rc = env_int("WARROOM_MAX_BODY", 1024, 1L << 30, &max_body, e);
	rc = rc ? rc : env_int("WARROOM_THREADS", 1, 64, &threads, e);
	rc = rc ? rc : env_int("WARROOM_CONN_TIMEOUT", 1, 3600, &timeout, e);
	rc = rc ? rc : env_int("WARROOM_REQUEST_TIMEOUT", 1, 3600, &req_timeout, e);
	rc = rc ? rc : env_int("WARROOM_ACCESS_LOG", 0, 1, &access_log, e);
	rc = rc ? rc : env_int("WARROOM_LOGIN_LIMIT", 1, 1000, &limit, e);
	rc = rc ? rc : env_int("WARROOM_LOGIN_ADDR_LIMIT", 1, 100000, &addr_limit, e);
	rc = rc ? rc : env_int("WARROOM_LOGIN_WINDOW", 1, 86400, &window, e);
	if (rc)
		return rc;
	cfg->max_body = (size_t)max_body;
	cfg->threads = (int)threads;
	cfg->conn_timeout = (int)timeout;
	cfg->request_timeout = (int)req_timeout;
	cfg->access_log = (int)access_log;
	cfg->login_limit = (int)limit;
	cfg->login_addr_limit = (int)addr_limit;
	cfg->login_window = (int)window;
	return 0;
}

int app_init(struct app *app, struct wr_err *e)
{
	if (!app->cfg.public_url[0])
		snprintf(app->cfg.public_url, sizeof app->cfg.public_url, "http://%s", app->cfg.listen);
	app->secure_cookies = !strncmp(app->cfg.public_url, "https://", 8);
	app->throttles.per_user = throttle_new(app->cfg.login_limit, app->cfg.login_window);
	app->throttles.per_addr = throttle_new(app->cfg.login_addr_limit, app->cfg.login_window);
	if (!app->throttles.per_user || !app->throttles.per_addr) {
		app_release(app);
		return wr_err_set(e, WR_ENOMEM, "", "out of memory");
	}
	metrics_init(&app->metrics);
	return 0;
}

void app_release(struct app *app)
{
	throttle_free(app->throttles.per_user);
	throttle_free(app->throttles.per_addr);
	app->throttles.per_user = app->throttles.per_addr = NULL;
}
