/* POST /api/v1/session (log in), DELETE /api/v1/session (log out),
 * GET /api/v1/me. */
#include "api/api.h"
#include "api/handlers.h"
#include "auth/sessions.h"
#include "base/jsonutil.h"
#include "http/app.h"

#include <stdio.h>
#include <string.h>

static json_t *user_json(const struct actor *a)
{
	json_t *o = json_pack("{s:I,s:s,s:s}", "id", (json_int_t)a->user_id, "name", a->name, "role",
			      role_name(a->role));
	if (o) {
		json_object_set_new(o, "org_id", a->org_id ? json_integer(a->org_id) : json_null());
		json_object_set_new(o, "provider_id",
				    a->provider_id ? json_integer(a->provider_id) : json_null());
	}
	return o;
}

static void set_cookie(struct http_req *rq, struct http_resp *rs, const char *value, int max_age)
{
	char c[256];
	snprintf(c, sizeof c, "warroom_session=%s; Path=/; Max-Age=%d; HttpOnly; SameSite=Strict%s",
		 value, max_age, rq->app->secure_cookies ? "; Secure" : "");
	http_resp_header(rs, "Set-Cookie", c);
	secret_wipe(c, sizeof c);
}

void api_session_create(struct http_req *rq, struct http_resp *rs)
{
	json_t *body;
	if (api_body_object(rq, rs, &body))
		return;
	static const char *const allowed[] = {"username", "password", NULL};
	const char *user = NULL, *pw = NULL;
	struct wr_err e = {0};
	if (json_reject_unknown(body, allowed, &e) ||
	    json_get_string(body, "username", 1, &user, NULL, &e) ||
	    json_get_string(body, "password", 1, &pw, NULL, &e)) {
		api_error(rs, &e);
		json_decref(body);
		return;
	}
	struct actor a;
	char session[SECRET_TOKEN_LEN], csrf[SECRET_TOKEN_LEN];
	int retry = 0;
	int rc = session_login(rq->db, &rq->app->throttles, rq->client_addr, user, pw, &a, session,
			       csrf, &retry, &e);
	json_decref(body); /* the password goes with it */
	if (rc) {
		if (rc == WR_ERATE) {
			char s[16];
			snprintf(s, sizeof s, "%d", retry);
			http_resp_header(rs, "Retry-After", s);
		}
		api_error(rs, &e);
		return;
	}
	set_cookie(rq, rs, session, SESSION_TTL);
	api_reply(rs, 200, json_pack("{s:o,s:s}", "user", user_json(&a), "csrf_token", csrf));
	secret_wipe(session, sizeof session);
	secret_wipe(csrf, sizeof csrf);
}

void api_session_delete(struct http_req *rq, struct http_resp *rs)
{
	if (!rq->via_cookie) {
		api_error_simple(rs, WR_EINVAL, "", "there is no session cookie to end");
		return;
	}
	struct wr_err e = {0};
	if (session_logout(rq->db, &rq->actor, rq->session, &e)) {
		api_error(rs, &e);
		return;
	}
	set_cookie(rq, rs, "", 0);
	api_no_content(rs);
}

void api_me(struct http_req *rq, struct http_resp *rs)
{
	json_t *o = user_json(&rq->actor);
	if (o && rq->via_cookie)
		json_object_set_new(o, "csrf_token", json_string(rq->csrf));
	api_reply(rs, 200, o);
}
