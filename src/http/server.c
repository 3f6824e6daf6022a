#include "http/server.h"
#include "api/api.h"
#include "auth/accounts.h"
#include "base/buf.h"
#include "base/log.h"
#include "base/timeutil.h"
#include "http/request.h"
#include "http/router.h"
#include "http/static_files.h"
#include "store/db.h"

#include <arpa/inet.h>
#include <microhttpd.h>
#include <netinet/in.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#define SESSION_COOKIE "warroom_session"

struct server {
	struct MHD_Daemon *daemon;
	struct app *app;
};

/* Per-request state kept between libmicrohttpd's callbacks. */
struct request_ctx {
	struct buf body;
	int too_big;
	double started;
};

/* One SQLite connection per worker thread, closed when the thread ends. */
static pthread_key_t db_key;
static pthread_once_t db_key_once = PTHREAD_ONCE_INIT;

static void db_key_close(void *p)
{
	db_close(p);
}

static void db_key_make(void)
{
	pthread_key_create(&db_key, db_key_close);
}

static sqlite3 *thread_db(const struct app *app)
{
	pthread_once(&db_key_once, db_key_make);
	sqlite3 *db = pthread_getspecific(db_key);
	if (!db) {
		struct wr_err e = {0};
		if (db_open(app->cfg.db_path, 0, &db, &e)) {
			log_error("%s", e.message);
			return NULL;
		}
		pthread_setspecific(db_key, db);
	}
	return db;
}

const char *http_query(const struct http_req *rq, const char *key)
{
	return MHD_lookup_connection_value(rq->conn, MHD_GET_ARGUMENT_KIND, key);
}

const char *http_header(const struct http_req *rq, const char *name)
{
	return MHD_lookup_connection_value(rq->conn, MHD_HEADER_KIND, name);
}

int http_resp_header(struct http_resp *rs, const char *name, const char *value)
{
	if (rs->nheaders >= HTTP_MAX_HEADERS)
		return WR_ETOOBIG;
	char *v = strdup(value);
	if (!v)
		return WR_ENOMEM;
	rs->headers[rs->nheaders].name = name;
	rs->headers[rs->nheaders].value = v;
	rs->nheaders++;
	return 0;
}

void http_resp_release(struct http_resp *rs)
{
	json_decref(rs->json);
	rs->json = NULL;
	if (rs->raw_owned)
		free((void *)rs->raw);
	rs->raw = NULL;
	/* Set-Cookie values are session secrets. */
	for (int i = 0; i < rs->nheaders; i++) {
		secret_wipe(rs->headers[i].value, strlen(rs->headers[i].value));
		free(rs->headers[i].value);
	}
	rs->nheaders = 0;
}

static void client_address(struct MHD_Connection *c, char *out, size_t n)
{
	snprintf(out, n, "unknown");
	const union MHD_ConnectionInfo *ci =
		MHD_get_connection_info(c, MHD_CONNECTION_INFO_CLIENT_ADDRESS);
	if (!ci || !ci->client_addr)
		return;
	const struct sockaddr *sa = ci->client_addr;
	if (sa->sa_family == AF_INET)
		inet_ntop(AF_INET, &((const struct sockaddr_in *)(const void *)sa)->sin_addr, out,
			  (socklen_t)n);
	else if (sa->sa_family == AF_INET6)
		inet_ntop(AF_INET6, &((const struct sockaddr_in6 *)(const void *)sa)->sin6_addr, out,
			  (socklen_t)n);
}

static int is_state_changing(const char *method)
{
	return strcmp(method, "GET") && strcmp(method, "HEAD") && strcmp(method, "OPTIONS");
}

/* Bearer token first, then the session cookie. A present but invalid
 * credential is not an error here: the route decides whether it needs one. */
static void authenticate(struct http_req *rq)
{
	const char *authz = http_header(rq, MHD_HTTP_HEADER_AUTHORIZATION);
	if (authz && !strncmp(authz, "Bearer ", 7)) {
		if (!token_authenticate(rq->db, authz + 7, &rq->actor, NULL))
			rq->authenticated = 1;
		return;
	}
	const char *cookie =
		MHD_lookup_connection_value(rq->conn, MHD_COOKIE_KIND, SESSION_COOKIE);
	if (cookie && !session_lookup(rq->db, cookie, &rq->actor, rq->csrf, NULL)) {
		rq->authenticated = 1;
		rq->via_cookie = 1;
		snprintf(rq->session, sizeof rq->session, "%s", cookie);
	}
}

static void add_security_headers(struct MHD_Response *r, const struct app *app, int is_api)
{
	MHD_add_response_header(r, "Content-Security-Policy",
				"default-src 'self'; script-src 'self'; style-src 'self'; "
				"img-src 'self' data:; connect-src 'self'; frame-ancestors 'none'; "
				"base-uri 'none'; form-action 'self'");
	MHD_add_response_header(r, "X-Content-Type-Options", "nosniff");
	MHD_add_response_header(r, "Referrer-Policy", "no-referrer");
	MHD_add_response_header(r, "X-Frame-Options", "DENY");
	MHD_add_response_header(r, "Cross-Origin-Opener-Policy", "same-origin");
	if (app->secure_cookies)
		MHD_add_response_header(r, "Strict-Transport-Security", "max-age=31536000");
	MHD_add_response_header(r, "Cache-Control", is_api ? "no-store" : "no-cache");
}

static enum MHD_Result send_resp(struct MHD_Connection *c, const struct app *app,
				 struct http_resp *rs, int is_api)
{
	struct MHD_Response *r;
	char *text = NULL;
	if (rs->json) {
		text = json_dumps(rs->json, JSON_COMPACT);
		if (!text) {
			static const char oom[] = "{\"error\":{\"code\":\"out_of_memory\","
						  "\"message\":\"out of memory\",\"field\":\"\"}}";
			rs->status = 500;
			r = MHD_create_response_from_buffer(sizeof oom - 1, (void *)oom,
							    MHD_RESPMEM_PERSISTENT);
		} else {
			r = MHD_create_response_from_buffer(strlen(text), text, MHD_RESPMEM_MUST_FREE);
		}
		if (r)
			MHD_add_response_header(r, "Content-Type", "application/json");
	} else if (rs->raw) {
		r = MHD_create_response_from_buffer(rs->raw_len, (void *)rs->raw,
						    rs->raw_owned ? MHD_RESPMEM_MUST_COPY
								  : MHD_RESPMEM_PERSISTENT);
		if (r && rs->content_type)
			MHD_add_response_header(r, "Content-Type", rs->content_type);
	} else {
		r = MHD_create_response_from_buffer(0, (void *)"", MHD_RESPMEM_PERSISTENT);
	}
	if (!r) {
		free(text);
		return MHD_NO;
	}
	add_security_headers(r, app, is_api);
	for (int i = 0; i < rs->nheaders; i++)
		MHD_add_response_header(r, rs->headers[i].name, rs->headers[i].value);
	enum MHD_Result ret = MHD_queue_response(c, (unsigned)rs->status, r);
	MHD_destroy_response(r);
	return ret;
}

static void handle(struct app *app, struct http_req *rq, struct http_resp *rs,
		   const char **route_name, int *is_api)
{
	/* "/a/TOKEN": the short acknowledgement link of text messages. */
	*is_api = !strncmp(rq->path, "/api/", 5) || !strcmp(rq->path, "/health") ||
		  !strcmp(rq->path, "/metrics") || !strncmp(rq->path, "/a/", 3);
	if (!*is_api) {
		*route_name = "static";
		static_serve(rq, rs);
		return;
	}
	char allow[ROUTER_ALLOW_MAX];
	const struct api_route *route = router_match(rq, allow);
	if (!route) {
		*route_name = "none";
		if (allow[0]) {
			api_error_simple(rs, WR_EMETHOD, "", "method not allowed on this path");
			http_resp_header(rs, "Allow", allow);
		} else
			api_error_simple(rs, WR_ENOTFOUND, "", "no such endpoint");
		return;
	}
	*route_name = route->pattern;
	rq->db = thread_db(app);
	if (!rq->db) {
		api_error_simple(rs, WR_EDB, "", "the database is not available");
		return;
	}
	authenticate(rq);
	if (route->auth && !rq->authenticated) {
		api_error_simple(rs, WR_EAUTH, "", "not logged in");
		return;
	}
	if (rq->via_cookie && is_state_changing(rq->method)) {
		const char *sent = http_header(rq, "X-CSRF-Token");
		if (!sent || !secret_equal(sent, rq->csrf)) {
			api_error_simple(rs, WR_EFORBIDDEN, "X-CSRF-Token",
					 "missing or wrong CSRF token");
			return;
		}
	}
	route->handler(rq, rs);
}

/* Runs the request and queues the answer. */
static enum MHD_Result answer(struct app *app, struct MHD_Connection *c, struct request_ctx *ctx,
			      const char *url, const char *method)
{
	struct http_req rq = {0};
	struct http_resp rs = {0};
	rq.method = method;
	rq.path = url;
	rq.body = ctx->body.ptr ? ctx->body.ptr : "";
	rq.body_len = ctx->body.len;
	rq.app = app;
	rq.conn = c;
	client_address(c, rq.client_addr, sizeof rq.client_addr);

	const char *route_name = "none";
	int is_api = 1;
	if (ctx->too_big) {
		char msg[96];
		snprintf(msg, sizeof msg, "the body is larger than %zu bytes", app->cfg.max_body);
		api_error_simple(&rs, WR_ETOOBIG, "", msg);
	} else {
		handle(app, &rq, &rs, &route_name, &is_api);
	}
	if (!rs.status)
		api_error_simple(&rs, WR_EINTERNAL, "", "the handler gave no answer");
	enum MHD_Result ret = send_resp(c, app, &rs, is_api);
	double secs = time_monotonic() - ctx->started;
	metrics_observe(&app->metrics, route_name, rs.status, secs);
	if (app->cfg.access_log)
		log_info("%s %s %d %.1fms %s %s", method, url, rs.status, secs * 1000.0,
			 rq.client_addr, rq.authenticated ? rq.actor.name : "-");
	http_resp_release(&rs);
	secret_wipe(rq.session, sizeof rq.session);
	secret_wipe(rq.csrf, sizeof rq.csrf);
	return ret;
}

static enum MHD_Result on_request(void *cls, struct MHD_Connection *c, const char *url,
				  const char *method, const char *version, const char *upload,
				  size_t *upload_size, void **con_cls)
{
	(void)version;
	struct app *app = cls;
	struct request_ctx *ctx = *con_cls;
	if (!ctx) {
		ctx = calloc(1, sizeof *ctx);
		if (!ctx)
			return MHD_NO;
		buf_init_secret(&ctx->body, app->cfg.max_body);
		ctx->started = time_monotonic();
		*con_cls = ctx;
		/* A declared length over the limit is refused before the body is
		 * read (no 100 Continue). Otherwise answer on a later call:
		 * answering now would make libmicrohttpd close the connection
		 * after every response. */
		const char *cl = MHD_lookup_connection_value(c, MHD_HEADER_KIND, "Content-Length");
		if (cl && strtoull(cl, NULL, 10) > app->cfg.max_body) {
			ctx->too_big = 1;
			return answer(app, c, ctx, url, method);
		}
		return MHD_YES;
	}
	if (*upload_size) {
		/* The idle timeout alone lets a client trickle a body forever. */
		if (time_monotonic() - ctx->started > app->cfg.request_timeout) {
			log_warn("%s %s: body not complete after %d s; connection closed", method, url,
				 app->cfg.request_timeout);
			return MHD_NO;
		}
		/* Past the limit the rest is read and dropped: memory stays bounded. */
		if (!ctx->too_big && buf_add(&ctx->body, upload, *upload_size))
			ctx->too_big = 1;
		*upload_size = 0;
		return MHD_YES;
	}
	return answer(app, c, ctx, url, method);
}

static void on_completed(void *cls, struct MHD_Connection *c, void **con_cls,
			 enum MHD_RequestTerminationCode toe)
{
	(void)cls;
	(void)c;
	(void)toe;
	struct request_ctx *ctx = *con_cls;
	if (ctx) {
		buf_release(&ctx->body);
		free(ctx);
		*con_cls = NULL;
	}
}

/* "127.0.0.1:8080", "[::1]:8080", "localhost:8080" is refused (be explicit). */
static int parse_listen(const char *s, struct sockaddr_storage *ss, struct wr_err *e)
{
	memset(ss, 0, sizeof *ss);
	char host[64];
	const char *port;
	if (s[0] == '[') {
		const char *end = strchr(s, ']');
		if (!end || end[1] != ':' || (size_t)(end - s - 1) >= sizeof host)
			return wr_err_set(e, WR_EINVAL, "listen", "expected [IPv6]:PORT, got %s", s);
		memcpy(host, s + 1, (size_t)(end - s - 1));
		host[end - s - 1] = '\0';
		port = end + 2;
	} else {
		const char *colon = strrchr(s, ':');
		if (!colon || (size_t)(colon - s) >= sizeof host)
			return wr_err_set(e, WR_EINVAL, "listen", "expected ADDRESS:PORT, got %s", s);
		memcpy(host, s, (size_t)(colon - s));
		host[colon - s] = '\0';
		port = colon + 1;
	}
	char *end;
	long p = strtol(port, &end, 10);
	if (!*port || *end || p < 0 || p > 65535)
		return wr_err_set(e, WR_EINVAL, "listen", "bad port in %s", s);
	struct sockaddr_in *v4 = (struct sockaddr_in *)ss;
	struct sockaddr_in6 *v6 = (struct sockaddr_in6 *)ss;
	if (inet_pton(AF_INET, host, &v4->sin_addr) == 1) {
		v4->sin_family = AF_INET;
		v4->sin_port = htons((uint16_t)p);
	} else if (inet_pton(AF_INET6, host, &v6->sin6_addr) == 1) {
		v6->sin6_family = AF_INET6;
		v6->sin6_port = htons((uint16_t)p);
	} else {
		return wr_err_set(e, WR_EINVAL, "listen", "not an IP address: %s", host);
	}
	return 0;
}

int server_start(struct app *app, struct server **out, struct wr_err *e)
{
	struct sockaddr_storage ss;
	int rc = parse_listen(app->cfg.listen, &ss, e);
	if (rc)
		return rc;
	struct server *s = calloc(1, sizeof *s);
	if (!s)
		return wr_err_set(e, WR_ENOMEM, "", "out of memory");
	s->app = app;
	unsigned flags = MHD_USE_INTERNAL_POLLING_THREAD | MHD_USE_EPOLL | MHD_USE_ERROR_LOG;
	if (ss.ss_family == AF_INET6)
		flags |= MHD_USE_IPv6;
	s->daemon = MHD_start_daemon(
		flags, 0, NULL, NULL, on_request, app, MHD_OPTION_SOCK_ADDR, (struct sockaddr *)&ss,
		MHD_OPTION_THREAD_POOL_SIZE, (unsigned)app->cfg.threads, MHD_OPTION_CONNECTION_TIMEOUT,
		(unsigned)app->cfg.conn_timeout, MHD_OPTION_CONNECTION_LIMIT, 1000u,
		MHD_OPTION_PER_IP_CONNECTION_LIMIT, 256u, MHD_OPTION_NOTIFY_COMPLETED, on_completed,
		NULL, MHD_OPTION_END);
	if (!s->daemon) {
		free(s);
		return wr_err_set(e, WR_EIO, "listen", "cannot listen on %s (in use, or not allowed)",
				  app->cfg.listen);
	}
	*out = s;
	return 0;
}

void server_stop(struct server *s)
{
	if (!s)
		return;
	MHD_stop_daemon(s->daemon);
	free(s);
}
