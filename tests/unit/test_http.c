/* The router's path patterns, the error table, and the bounded buffer. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <string.h>

#include "api/api.h"
#include "base/buf.h"
#include "http/router.h"
#include "http/static_files.h"

static int match(const char *pattern, const char *path, const char **params, int *n)
{
	static char buf[256];
	return router_match_pattern(pattern, path, buf, sizeof buf, params, n);
}

static void test_patterns(void **state)
{
	(void)state;
	const char *p[HTTP_MAX_PARAMS];
	int n;
	assert_true(match("/api/v1/orgs/{id}/contacts", "/api/v1/orgs/17/contacts", p, &n));
	assert_int_equal(n, 1);
	assert_string_equal(p[0], "17");
	assert_true(match("/api/v1/providers/{id}/clients/{org_id}", "/api/v1/providers/3/clients/9", p, &n));
	assert_int_equal(n, 2);
	assert_string_equal(p[1], "9");
	assert_false(match("/api/v1/orgs/{id}", "/api/v1/orgs/", p, &n));       /* empty segment */
	assert_false(match("/api/v1/orgs/{id}", "/api/v1/orgs/1/x", p, &n));    /* longer */
	assert_false(match("/api/v1/orgs", "/api/v1/orgsx", p, &n));
	assert_false(match("/api/v1/orgs/{id}/contacts", "/api/v1/orgs/1/contact", p, &n));
}

static void test_route_table_answers_405_and_404(void **state)
{
	(void)state;
	struct http_req rq = {0};
	char mismatch[ROUTER_ALLOW_MAX];
	rq.method = "PUT";
	rq.path = "/api/v1/orgs/5";
	assert_null(router_match(&rq, mismatch));
	assert_string_equal(mismatch, "GET, HEAD, PATCH");
	rq.method = "GET";
	assert_non_null(router_match(&rq, mismatch));
	assert_string_equal(rq.params[0], "5");
	rq.method = "HEAD";
	assert_non_null(router_match(&rq, mismatch)); /* HEAD is answered like GET */
	rq.method = "DELETE";
	rq.path = "/api/v1/orgs/5";
	assert_null(router_match(&rq, mismatch)); /* but nothing else is */
	assert_string_equal(mismatch, "GET, HEAD, PATCH");
	rq.method = "GET";
	rq.path = "/api/v1/nothing";
	assert_null(router_match(&rq, mismatch));
	assert_string_equal(mismatch, "");
}

static void test_error_statuses(void **state)
{
	(void)state;
	assert_int_equal(wr_code_http_status(WR_EINVAL), 422);
	assert_int_equal(wr_code_http_status(WR_EPARSE), 400);
	assert_int_equal(wr_code_http_status(WR_ENOTFOUND), 404);
	assert_int_equal(wr_code_http_status(WR_ETOOBIG), 413);
	assert_int_equal(wr_code_http_status(WR_ERATE), 429);
	assert_int_equal(wr_code_http_status(WR_EAUTH), 401);
	assert_int_equal(wr_code_http_status(-999), 500);
	assert_string_equal(wr_code_name(WR_ECONFLICT), "conflict");
}

static void test_buf_hard_maximum(void **state)
{
	(void)state;
	struct buf b;
	buf_init(&b, 10);
	assert_int_equal(buf_adds(&b, "0123456789"), 0);
	assert_int_equal(buf_addc(&b, 'x'), WR_ETOOBIG);
	assert_int_equal(b.len, 10);
	assert_string_equal(b.ptr, "0123456789");
	assert_int_equal(buf_add(&b, "", SIZE_MAX), WR_ETOOBIG); /* no overflow */
	buf_release(&b);
}

static void test_mime_types(void **state)
{
	(void)state;
	assert_string_equal(static_mime_type("web/app.js"), "text/javascript; charset=utf-8");
	assert_string_equal(static_mime_type("data/x.geojson"), "application/geo+json");
	assert_string_equal(static_mime_type("noext"), "application/octet-stream");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_patterns),
		cmocka_unit_test(test_route_table_answers_405_and_404),
		cmocka_unit_test(test_error_statuses),
		cmocka_unit_test(test_buf_hard_maximum),
		cmocka_unit_test(test_mime_types),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
