"""HTTP-level behaviour: /health, /metrics, malformed JSON, body limits,
unknown routes and methods, security headers on every response, no secrets
in the server's output, concurrency, and a clean exit on SIGTERM/SIGINT."""

import http.client
import os
import re
import signal
import socket
import sys
import threading
import time
import unittest

sys.dont_write_bytecode = True  # no __pycache__ in the source tree
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import harness  # noqa: E402
from harness import NIS_GENT, Server, ServerTestCase, org_by_nis, security_header_problems  # noqa: E402

MAX_BODY = 4096
METRIC_LINE = re.compile(r'^(?P<name>[a-zA-Z_:][a-zA-Z0-9_:]*)'
                         r'(?:\{(?P<labels>(?:[^"}]|"(?:[^"\\]|\\.)*")*)\})?\s+(?P<value>\S+)$')


def parse_metrics(text):
    """[(name, {label: value}, float)] from Prometheus text format."""
    out = []
    for line in text.splitlines():
        if not line or line.startswith("#"):
            continue
        m = METRIC_LINE.match(line)
        if not m:
            raise AssertionError("not a Prometheus sample line: %r" % line)
        labels = dict(re.findall(r'(\w+)="((?:[^"\\]|\\.)*)"', m["labels"] or ""))
        out.append((m["name"], labels, float(m["value"])))
    return out


class HttpTest(ServerTestCase):
    SERVER_ENV = {"WARROOM_MAX_BODY": str(MAX_BODY)}
    USERS = [("admin", "admin", None, None), ("analyst", "analyst", None, None)]

    @classmethod
    def prepare_server(cls):
        cls.gent = org_by_nis(cls.admin, NIS_GENT)

    def metrics(self):
        r = self.server.anon().get("/metrics")
        self.assertStatus(r, 200)
        return r, parse_metrics(r.text)

    def counter(self, samples, route_part, status):
        return sum(v for n, l, v in samples if n == "warroom_http_requests_total"
                   and route_part(l.get("route", "")) and l.get("status") == str(status))

    # -- /health and /metrics ----------------------------------------------------
    def test_health_needs_no_login(self):
        r = self.server.anon().get("/health")
        self.assertStatus(r, 200)
        self.assertEqual(r.json["status"], "ok")
        self.assertTrue((r.header("Content-Type") or "").startswith("application/json"))

    def test_metrics_count_requests_by_route_and_status(self):
        _, before = self.metrics()
        path = "/api/v1/orgs/%d" % self.gent["id"]
        for _ in range(3):
            self.assertStatus(self.admin.get(path), 200)
        self.assertStatus(self.admin.get("/api/v1/orgs/987654321"), 404)
        r, after = self.metrics()
        self.assertTrue((r.header("Content-Type") or "").startswith("text/plain"), r.header("Content-Type"))
        names = {n for n, _, _ in after}
        for n in ("warroom_http_requests_total", "warroom_http_request_duration_seconds_bucket",
                  "warroom_http_request_duration_seconds_sum",
                  "warroom_http_request_duration_seconds_count", "warroom_db_errors_total",
                  "warroom_job_queue_depth"):
            self.assertIn(n, names)
        is_org = lambda route: route.startswith("/api/v1/orgs/") and not route.endswith(("contacts", "assets"))
        self.assertGreaterEqual(self.counter(after, is_org, 200) - self.counter(before, is_org, 200), 3)
        self.assertGreaterEqual(self.counter(after, is_org, 404) - self.counter(before, is_org, 404), 1)
        # A route label is the pattern, not the raw path (one series per endpoint).
        routes = {l.get("route") for n, l, _ in after if n == "warroom_http_requests_total"}
        self.assertNotIn(path, routes)
        self.assertFalse([x for x in routes if x and re.search(r"/\d+(/|$)", x)], routes)
        # The histogram: +Inf bucket equals _count, buckets do not decrease.
        buckets = [(l, v) for n, l, v in after if n == "warroom_http_request_duration_seconds_bucket"]
        self.assertTrue(any(l.get("le") == "+Inf" for l, _ in buckets))
        total_inf = sum(v for l, v in buckets if l.get("le") == "+Inf")
        total_count = sum(v for n, _, v in after if n == "warroom_http_request_duration_seconds_count")
        self.assertEqual(total_inf, total_count)
        self.assertGreater(total_count, 0)

    # -- every route from the route table ---------------------------------------
    def routes(self):
        """(method, pattern, needs_auth) from src/api/routes.c."""
        path = os.path.join(harness.source_dir(), "src", "api", "routes.c")
        if not os.path.exists(path):
            self.skipTest("no src/api/routes.c")
        with open(path, encoding="utf-8") as f:
            text = f.read()
        found = re.findall(r'\{\s*"([A-Z]+)"\s*,\s*"(/[^"]*)"\s*,\s*\w+\s*,\s*([01])\s*\}', text)
        self.assertGreater(len(found), 10, "could not read the route table in %s" % path)
        return [(m, p, a == "1") for m, p, a in found]

    def test_every_authenticated_route_refuses_anonymous_callers(self):
        anon = self.server.anon()
        for method, pattern, auth in self.routes():
            path = re.sub(r"\{[^}]+\}", str(self.gent["id"]), pattern)
            with self.subTest(method=method, path=path):
                r = anon.request(method, path, body={} if method in ("POST", "PATCH", "PUT") else None)
                if auth:
                    self.assertError(r, 401, "unauthenticated")
                else:
                    self.assertNotEqual(r.status, 401)
                    self.assertLess(r.status, 500)

    def test_every_route_of_the_table_is_known_to_the_server(self):
        for method, pattern, auth in self.routes():
            path = re.sub(r"\{[^}]+\}", "987654321", pattern)
            with self.subTest(method=method, path=path):
                r = self.admin.request(method, path, body={} if method in ("POST", "PATCH", "PUT") else None)
                self.assertNotEqual(r.status, 405, "the route table has it, the server does not")
                self.assertLess(r.status, 500)
                if r.status == 404:
                    self.assertNotEqual(r.error.get("message"), "no such endpoint")

    # -- malformed input -------------------------------------------------------
    def test_malformed_json_is_400_naming_line_and_column(self):
        url = "/api/v1/orgs/%d/contacts" % self.gent["id"]
        r = self.admin.post(url, raw=b'{\n  "name": "Jan",\n  "role": ,\n}')
        err = self.assertError(r, 400, "parse_error")
        self.assertRegex(err["message"].lower(), r"line\D{0,3}3\b")
        self.assertIn("column", err["message"].lower())
        for raw in (b"", b"{", b"nul", b'{"name": "\xff\xfe"}', b'{"a":1}{"b":2}'):
            with self.subTest(raw=raw):
                r = self.admin.post(url, raw=raw)
                self.assertError(r, 400, "parse_error")

    def test_a_body_that_is_not_declared_json_is_415_and_changes_nothing(self):
        url = "/api/v1/orgs/%d/contacts" % self.gent["id"]
        body = b'{"name": "Form Poster", "role": "deputy", "email": "form@example.be"}'
        for ctype in (None, "text/plain", "application/x-www-form-urlencoded", "application/jsonx"):
            with self.subTest(content_type=ctype):
                r = self.admin.post(url, raw=body, content_type=ctype)
                err = self.assertError(r, 415, "unsupported_media_type")
                self.assertEqual(err["field"], "Content-Type")
        names = [c["name"] for c in self.admin.get(url).json["items"]]
        self.assertNotIn("Form Poster", names)
        r = self.admin.post(url, raw=body, content_type="application/json; charset=utf-8")
        self.assertEqual(r.status, 201, r.body)

    def test_body_over_the_limit_is_413(self):
        url = "/api/v1/orgs/%d/contacts" % self.gent["id"]
        big = b'{"name": "' + b"x" * (MAX_BODY + 100) + b'", "role": "spoc"}'
        self.assertError(self.admin.post(url, raw=big), 413, "too_large")
        # Before authentication too (the login endpoint).
        self.assertError(self.server.anon().post("/api/v1/session", raw=big), 413, "too_large")
        huge = b'{"name": "' + b"x" * (256 * 1024) + b'"}'
        try:
            r = self.admin.post(url, raw=huge)
            self.assertError(r, 413, "too_large")
        except (ConnectionResetError, BrokenPipeError):
            pass  # the server may stop reading early; what matters is that it lives on
        self.assertStatus(self.server.anon().get("/health"), 200)
        # Just under the limit is read (and judged on its content).
        ok = b'{"name": "' + b"y" * 100 + b'", "role": "it-lead", "email": "limit@example.org"}'
        self.assertStatus(self.admin.post(url, raw=ok), 201)

    def test_unknown_routes_are_404_json(self):
        for path in ("/api/v1/nope", "/api/v1/orgs/%d/nope" % self.gent["id"], "/api/v2/orgs",
                     "/api/v1/orgs/%d/contacts/extra/segments" % self.gent["id"]):
            with self.subTest(path=path):
                r = self.admin.get(path)
                self.assertError(r, 404, "not_found")
                self.assertTrue((r.header("Content-Type") or "").startswith("application/json"))

    def test_wrong_method_on_a_known_path_is_405(self):
        gid = self.gent["id"]
        for method, path in (("PUT", "/api/v1/orgs"), ("DELETE", "/api/v1/orgs"), ("DELETE", "/health"),
                             ("POST", "/metrics"), ("POST", "/api/v1/me"), ("GET", "/api/v1/session"),
                             ("PUT", "/api/v1/orgs/%d" % gid), ("DELETE", "/api/v1/orgs/%d/contacts" % gid),
                             ("POST", "/api/v1/journal")):
            with self.subTest(method=method, path=path):
                r = self.admin.request(method, path, body={} if method in ("PUT", "POST") else None)
                self.assertStatus(r, 405)

    def test_a_very_long_url_is_refused_and_the_server_lives_on(self):
        try:
            r = self.admin.get("/api/v1/orgs?q=" + "a" * 20000)
            self.assertGreaterEqual(r.status, 400)
            self.assertLess(r.status, 500)
        except (ConnectionResetError, BrokenPipeError, http.client.RemoteDisconnected):
            pass
        self.assertStatus(self.server.anon().get("/health"), 200)

    def test_static_files_do_not_escape_the_web_root(self):
        for path in ("/../../../../etc/passwd", "/%2e%2e/%2e%2e/%2e%2e/etc/passwd", "/..%2f..%2fetc/passwd"):
            r = self.server.anon().get(path)
            self.assertNotIn("root:x:0:0", r.text)
            self.assertNotEqual(r.status, 500)

    def test_a_client_that_sends_half_a_request_does_not_block_others(self):
        s = socket.create_connection((harness.HOST, self.server.port), timeout=5)
        try:
            s.sendall(b"POST /api/v1/session HTTP/1.1\r\nHost: x\r\nContent-Length: 100\r\n\r\n{\"user")
            t0 = time.monotonic()
            self.assertStatus(self.server.anon().get("/health"), 200)
            self.assertLess(time.monotonic() - t0, 5)
        finally:
            s.close()

    def test_concurrent_requests(self):
        errors = []
        statuses = []

        def worker():
            try:
                c = self.server.client(token=self.admin_token)
                for _ in range(10):
                    statuses.append(c.get("/api/v1/orgs?limit=20").status)
            except Exception as ex:  # noqa: BLE001
                errors.append(repr(ex))

        threads = [threading.Thread(target=worker) for _ in range(8)]
        for t in threads:
            t.start()
        for t in threads:
            t.join(timeout=60)
        self.assertFalse(any(t.is_alive() for t in threads), "requests hung")
        self.assertEqual(errors, [])
        self.assertEqual(statuses, [200] * 80)

    def test_a_url_cannot_forge_a_log_line(self):
        forged = "2026-01-01T00:00:00Z warn FORGED-%s" % os.urandom(4).hex()
        r = self.server.anon().get("/api/v1/x%0a" + forged.replace(" ", "%20"))
        self.assertEqual(r.status, 404)
        time.sleep(0.2)
        with open(self.server.stderr_path, encoding="utf-8", errors="replace") as f:
            lines = f.read().splitlines()
        self.assertFalse([l for l in lines if l.startswith(forged)], "a request wrote its own log line")
        self.assertTrue([l for l in lines if "x\\x0a" + forged in l], "the request is not logged escaped")

    # -- secrets and headers (named _zz so they run last and see every response) --
    def test_zz_no_secret_in_the_server_output(self):
        wrong = "not-the-right-password-%s" % os.urandom(4).hex()
        self.server.secrets.add(wrong)
        self.server.anon().login("admin", wrong)
        c = self.session("analyst")
        self.assertStatus(c.get("/api/v1/me"), 200)
        self.assertStatus(c.delete("/api/v1/session"), 204)
        bogus = "b0gus" + os.urandom(16).hex()
        self.server.secrets.add(bogus)
        self.server.client(token=bogus).get("/api/v1/me")
        time.sleep(0.2)
        self.assertEqual(self.server.leaked_secrets(), [],
                         "secrets in stderr:\n" + self.server.stderr_tail(40))

    def test_zz_security_headers_on_every_response(self):
        anon = self.server.anon()
        extra = [anon.get("/"), anon.get("/health"), anon.get("/metrics"), anon.get("/api/v1/me"),
                 anon.get("/no-such-page"), anon.post("/api/v1/session", raw=b"{"),
                 self.admin.get("/api/v1/orgs?limit=1"), self.admin.get("/api/v1/orgs?limit=0")]
        seen = list(self.server.responses)
        self.assertGreater(len(seen), len(extra))
        bad = {}
        for r in seen:
            p = security_header_problems(r)
            if p:
                bad["%s %s -> %d" % (r.method, r.path[:60], r.status)] = p
        self.assertEqual(bad, {})
        statuses = {r.status for r in seen}
        for s in (200, 201, 204, 400, 401, 404, 405, 413, 422):
            self.assertIn(s, statuses, "no %d answer was checked" % s)
        self.assertTrue(extra)


class SignalTest(unittest.TestCase):
    """SIGTERM and SIGINT end `warroom serve` with exit status 0."""

    def run_until(self, sig):
        srv = Server(demo=False)
        try:
            srv.prepare()
            srv.start()
            self.assertStatus200(srv)
            t0 = time.monotonic()
            rc = srv.stop(sig=sig, timeout=10)
            self.assertEqual(rc, 0, "exit status after %s: %r\n%s" % (sig, rc, srv.stderr_tail()))
            self.assertLess(time.monotonic() - t0, 10)
            with self.assertRaises(OSError):
                socket.create_connection((harness.HOST, srv.port), timeout=2).close()
        finally:
            srv.cleanup()

    def assertStatus200(self, srv):
        r = srv.anon().get("/health")
        self.assertEqual(r.status, 200)

    def test_sigterm(self):
        self.run_until(signal.SIGTERM)

    def test_sigint(self):
        self.run_until(signal.SIGINT)


if __name__ == "__main__":
    harness.main()
