"""HTTP protocol behaviour against a real `warroom serve`: HEAD and OPTIONS,
request bodies sent with Transfer-Encoding: chunked (and over the body limit),
a Content-Length over the limit refused before the body is read, the
connection idle timeout and the request (body) timeout, session expiry, and
keep-alive / pipelining.

The server runs with a small body limit and one-second idle timeout, so every
wait here is short and bounded; nothing leaves 127.0.0.1."""

import hashlib
import http.client
import io
import json
import os
import re
import socket
import sqlite3
import sys
import time
import unittest

sys.dont_write_bytecode = True  # no __pycache__ in the source tree
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import harness  # noqa: E402
from harness import HOST, NIS_GENT, Response, ServerTestCase, org_by_nis  # noqa: E402

MAX_BODY = 4096
CONN_TIMEOUT = 1          # WARROOM_CONN_TIMEOUT: seconds a connection may idle
REQUEST_TIMEOUT = 2       # WARROOM_REQUEST_TIMEOUT: seconds a body may take to arrive
SESSION_TTL = 12 * 3600   # SESSION_TTL in src/auth/sessions.h
CLOSE_WITHIN = 6          # seconds we allow the server to close an idle connection
RAW_TIMEOUT = 10          # seconds, every raw socket read

# Headers that may legitimately differ between two answers to the same request.
VOLATILE = {"date"}


# -- raw HTTP/1.1 over a socket -------------------------------------------------
def connect(port, timeout=RAW_TIMEOUT):
    return socket.create_connection((HOST, port), timeout=timeout)


def read_until_closed(sock, deadline_s=RAW_TIMEOUT):
    """Everything the server sends until it closes the connection. Returns
    (bytes, closed, seconds): closed is False when the deadline passed first
    (a reset counts as closed)."""
    sock.settimeout(0.25)
    data = b""
    t0 = time.monotonic()
    while time.monotonic() - t0 < deadline_s:
        try:
            chunk = sock.recv(65536)
        except socket.timeout:
            continue
        except (ConnectionResetError, BrokenPipeError):
            return data, True, time.monotonic() - t0
        if not chunk:
            return data, True, time.monotonic() - t0
        data += chunk
    return data, False, time.monotonic() - t0


def read_responses(sock, methods, deadline_s=RAW_TIMEOUT):
    """Reads one answer per request method in `methods` from a keep-alive
    connection, framed by Content-Length (no body for HEAD). Returns
    [(status, headers, body)]. Raises AssertionError on a timeout or EOF."""
    sock.settimeout(0.25)
    buf = b""
    out = []
    t0 = time.monotonic()

    def more():
        nonlocal buf
        while time.monotonic() - t0 < deadline_s:
            try:
                chunk = sock.recv(65536)
            except socket.timeout:
                continue
            if not chunk:
                raise AssertionError("connection closed after %d of %d answers; unread: %r"
                                     % (len(out), len(methods), buf[:300]))
            buf += chunk
            return
        raise AssertionError("no complete answer within %ss (%d of %d read): %r"
                             % (deadline_s, len(out), len(methods), buf[:300]))

    for method in methods:
        while b"\r\n\r\n" not in buf:
            more()
        head, buf = buf.split(b"\r\n\r\n", 1)
        status, headers = parse_head(head)
        n = 0 if method == "HEAD" or status in (204, 304) else int(headers.get("Content-Length", "0"))
        while len(buf) < n:
            more()
        out.append((status, headers, buf[:n]))
        buf = buf[n:]
    return out, buf


def parse_head(head):
    lines = head.split(b"\r\n", 1)
    m = re.match(rb"HTTP/1\.[01] (\d{3})", lines[0])
    if not m:
        raise AssertionError("not an HTTP status line: %r" % lines[0])
    headers = http.client.parse_headers(io.BytesIO((lines[1] if len(lines) > 1 else b"") + b"\r\n\r\n"))
    return int(m.group(1)), headers


def parse_one(data):
    """(status, headers, body) of a whole answer read until the server closed."""
    if b"\r\n\r\n" not in data:
        raise AssertionError("no complete HTTP answer: %r" % data[:300])
    head, body = data.split(b"\r\n\r\n", 1)
    status, headers = parse_head(head)
    return status, headers, body


def request_bytes(method, path, headers=(), body=b""):
    lines = ["%s %s HTTP/1.1" % (method, path), "Host: %s" % HOST]
    lines += ["%s: %s" % kv for kv in headers]
    return ("\r\n".join(lines) + "\r\n\r\n").encode("latin-1") + body


def chunked(body, size):
    """body in Transfer-Encoding: chunked framing, `size` bytes per chunk."""
    parts = [b"%x\r\n%s\r\n" % (len(body[i:i + size]), body[i:i + size])
             for i in range(0, len(body), size)]
    return parts + [b"0\r\n\r\n"]


class ProtocolTest(ServerTestCase):
    SERVER_ENV = {"WARROOM_MAX_BODY": str(MAX_BODY), "WARROOM_CONN_TIMEOUT": str(CONN_TIMEOUT),
                  "WARROOM_REQUEST_TIMEOUT": str(REQUEST_TIMEOUT)}
    USERS = [("admin", "admin", None, None), ("analyst", "analyst", None, None)]

    @classmethod
    def prepare_server(cls):
        cls.gent = org_by_nis(cls.admin, NIS_GENT)

    # -- helpers ----------------------------------------------------------------
    def record(self, method, path, status, headers, body):
        """Adds a raw answer to the ones whose security headers are checked."""
        r = Response(method, path, status, "", headers, body)
        self.server.responses.append(r)
        return r

    def raw_once(self, method, path, headers=(), body=b""):
        """One request on its own connection (Connection: close), read to EOF."""
        s = connect(self.server.port)
        try:
            s.sendall(request_bytes(method, path, list(headers) + [("Connection", "close")], body))
            data, closed, _ = read_until_closed(s)
        finally:
            s.close()
        self.assertTrue(closed, "%s %s: the server did not close a Connection: close request" % (method, path))
        return self.record(method, path, *parse_one(data))

    def assertHealthy(self, within=2.0):
        t0 = time.monotonic()
        r = self.server.anon().get("/health", timeout=within + 3)
        self.assertStatus(r, 200)
        self.assertLess(time.monotonic() - t0, within, "GET /health was slow")

    def assertJsonError(self, resp, status, code):
        self.assertEqual(resp.status, status, "%s %s: %r" % (resp.method, resp.path, resp.text[:400]))
        self.assertTrue((resp.header("Content-Type") or "").startswith("application/json"),
                        "%s %s: Content-Type %r" % (resp.method, resp.path, resp.header("Content-Type")))
        self.assertEqual(resp.error.get("code"), code, "%s %s: %r" % (resp.method, resp.path, resp.text[:400]))
        self.assertTrue(resp.error.get("message"))

    def headers_without(self, headers, drop=VOLATILE):
        return sorted((k.lower(), v) for k, v in headers.items() if k.lower() not in drop)

    def expire_at(self, id_hash, when):
        """Sets expires_at of one stored session (unix seconds), as time would."""
        db = sqlite3.connect(self.server.db, timeout=10)
        try:
            with db:
                n = db.execute("UPDATE sessions SET expires_at = ? WHERE id_hash = ?",
                               (int(when), id_hash)).rowcount
        finally:
            db.close()
        self.assertEqual(n, 1, "no session row to expire")

    def contacts_of_gent(self):
        r = self.admin.get("/api/v1/orgs/%d/contacts" % self.gent["id"])
        self.assertStatus(r, 200)
        return harness.items_of(r)

    # -- HEAD -------------------------------------------------------------------
    def test_head_has_the_status_and_headers_of_get_and_no_body(self):
        for path, auth in (("/health", False), ("/", False), ("/js/app.js", False),
                           ("/api/v1/orgs/%d" % self.gent["id"], True)):
            with self.subTest(path=path):
                hdrs = [("Authorization", "Bearer " + self.admin_token)] if auth else []
                get = self.raw_once("GET", path, hdrs)
                head = self.raw_once("HEAD", path, hdrs)
                self.assertEqual(get.status, 200, get)
                self.assertTrue(get.body, "GET %s: empty body" % path)
                self.assertEqual(head.status, get.status, "HEAD %s: %r" % (path, head.body[:300]))
                # Read to EOF: not one byte after the header block.
                self.assertEqual(head.body, b"", "HEAD %s sent a body" % path)
                self.assertEqual(self.headers_without(head.headers), self.headers_without(get.headers))
                self.assertEqual(head.header("Content-Length"), str(len(get.body)))

    def test_head_of_a_missing_page_and_an_api_path_without_login(self):
        for path, status in (("/no-such-page.html", 404), ("/api/v1/me", 401), ("/api/v1/nope", 404)):
            with self.subTest(path=path):
                get = self.raw_once("GET", path)
                head = self.raw_once("HEAD", path)
                self.assertEqual(get.status, status, get)
                self.assertEqual(head.status, status)
                self.assertEqual(head.body, b"")
                self.assertEqual(self.headers_without(head.headers), self.headers_without(get.headers))

    def test_head_on_a_keep_alive_connection_leaves_no_stray_bytes(self):
        # A HEAD answer with a body would be read as the start of the next one.
        s = connect(self.server.port)
        try:
            s.sendall(request_bytes("HEAD", "/js/app.js") + request_bytes("HEAD", "/health")
                      + request_bytes("GET", "/health"))
            answers, rest = read_responses(s, ["HEAD", "HEAD", "GET"])
        finally:
            s.close()
        self.assertEqual([a[0] for a in answers], [200, 200, 200])
        self.assertEqual(json.loads(answers[2][2].decode())["status"], "ok")
        self.assertEqual(rest, b"")

    # -- OPTIONS (no CORS: the UI is same-origin) ---------------------------------
    def test_options_is_405_json_without_cors(self):
        cors = [("Origin", "https://evil.example"), ("Access-Control-Request-Method", "POST"),
                ("Access-Control-Request-Headers", "content-type, x-csrf-token")]
        for path in ("/api/v1/orgs", "/api/v1/session", "/api/v1/orgs/%d" % self.gent["id"], "/health"):
            for extra in ([], cors):
                with self.subTest(path=path, preflight=bool(extra)):
                    r = self.raw_once("OPTIONS", path, extra)
                    self.assertJsonError(r, 405, "method_not_allowed")
                    leaked = [k for k in r.headers.keys() if k.lower().startswith("access-control-")]
                    self.assertEqual(leaked, [], "OPTIONS %s answered CORS headers" % path)
        # Logged in (cookie, no CSRF token): still 405, not 403, and nothing else happens.
        c = self.session("analyst")
        r = c.request("OPTIONS", "/api/v1/orgs")
        self.assertJsonError(r, 405, "method_not_allowed")
        self.assertStatus(c.get("/api/v1/me"), 200)

    def test_405_names_the_allowed_methods(self):
        # RFC 9110, 15.5.6: a 405 answer MUST carry an Allow header.
        gid = self.gent["id"]
        for method, path, allowed in (("OPTIONS", "/api/v1/orgs", {"GET", "POST"}),
                                      ("OPTIONS", "/api/v1/session", {"POST", "DELETE"}),
                                      ("OPTIONS", "/api/v1/orgs/%d" % gid, {"GET", "PATCH"}),
                                      ("PUT", "/api/v1/orgs", {"GET", "POST"})):
            with self.subTest(method=method, path=path):
                r = self.raw_once(method, path, [("Authorization", "Bearer " + self.admin_token)])
                self.assertEqual(r.status, 405)
                allow = r.header("Allow")
                self.assertIsNotNone(allow, "%s %s: 405 without an Allow header" % (method, path))
                got = {m.strip().upper() for m in allow.split(",") if m.strip()}
                self.assertTrue(allowed <= got, "%s %s: Allow %r" % (method, path, allow))
                self.assertNotIn(method, got)

    # -- chunked request bodies -----------------------------------------------------
    def test_chunked_login_with_http_client(self):
        pw = self.server.passwords["analyst"]
        body = json.dumps({"username": "analyst", "password": pw}).encode()
        pieces = [body[i:i + 7] for i in range(0, len(body), 7)]
        self.assertGreater(len(pieces), 3)
        conn = http.client.HTTPConnection(HOST, self.server.port, timeout=harness.REQUEST_TIMEOUT)
        try:
            conn.request("POST", "/api/v1/session", body=iter(pieces), encode_chunked=True,
                         headers={"Content-Type": "application/json", "Transfer-Encoding": "chunked"})
            r = conn.getresponse()
            resp = self.record("POST", "/api/v1/session", r.status, r.headers, r.read())
        finally:
            conn.close()
        self.assertEqual(resp.status, 200, resp)
        self.assertEqual(resp.json["user"]["name"], "analyst")
        csrf = resp.json["csrf_token"]
        self.server.secrets.add(csrf)
        cookie = [v for v in resp.header_all("Set-Cookie") if v.startswith("warroom_session=")]
        self.assertEqual(len(cookie), 1, resp.header_all("Set-Cookie"))
        value = cookie[0].split(";", 1)[0].split("=", 1)[1]
        self.server.secrets.add(value)
        me = self.server.anon().get("/api/v1/me", headers={"Cookie": "warroom_session=" + value})
        self.assertStatus(me, 200)
        self.assertEqual(me.json["name"], "analyst")

    def test_chunked_body_sent_slowly_in_many_writes(self):
        # Each chunk in its own write with a pause: the server must assemble them.
        url = "/api/v1/orgs/%d/contacts" % self.gent["id"]
        body = json.dumps({"name": "Chunked Contact", "role": "it-lead",
                           "email": "chunked@example.org"}).encode()
        s = connect(self.server.port)
        try:
            s.sendall(request_bytes("POST", url, [("Authorization", "Bearer " + self.admin_token),
                                                  ("Content-Type", "application/json"),
                                                  ("Transfer-Encoding", "chunked"),
                                                  ("Connection", "close")]))
            for part in chunked(body, 9):
                time.sleep(0.03)
                s.sendall(part)
            data, closed, _ = read_until_closed(s)
        finally:
            s.close()
        self.assertTrue(closed)
        r = self.record("POST", url, *parse_one(data))
        self.assertEqual(r.status, 201, r)
        self.assertEqual(r.json["name"], "Chunked Contact")
        self.assertIn("chunked@example.org", [c.get("email") for c in self.contacts_of_gent()])

    def test_chunked_body_at_the_limit_is_read_and_one_byte_over_is_413(self):
        def body_of(n):
            b = b'{"username": "nobody-here", "password": "' + b"p" * 12
            b += b" " * (n - len(b) - 2) + b'"}'
            self.assertEqual(len(b), n)
            return b
        for n, status in ((MAX_BODY, 401), (MAX_BODY + 1, 413)):
            with self.subTest(size=n):
                r = self.raw_once("POST", "/api/v1/session",
                                  [("Content-Type", "application/json"), ("Transfer-Encoding", "chunked")],
                                  b"".join(chunked(body_of(n), 1000)))
                self.assertJsonError(r, status, "unauthenticated" if status == 401 else "too_large")

    def test_chunked_body_growing_past_the_limit_is_413_and_the_server_lives_on(self):
        url = "/api/v1/orgs/%d/contacts" % self.gent["id"]
        before = len(self.contacts_of_gent())
        for total in (MAX_BODY * 2, 256 * 1024):
            big = b'{"name": "' + b"x" * total + b'", "role": "spoc"}'
            with self.subTest(size=len(big)):
                s = connect(self.server.port)
                try:
                    s.sendall(request_bytes("POST", url, [("Authorization", "Bearer " + self.admin_token),
                                                          ("Content-Type", "application/json"),
                                                          ("Transfer-Encoding", "chunked"),
                                                          ("Connection", "close")]))
                    try:
                        for part in chunked(big, 1024):
                            s.sendall(part)
                    except (BrokenPipeError, ConnectionResetError):
                        pass  # the server may stop reading once it has answered
                    data, closed, _ = read_until_closed(s)
                finally:
                    s.close()
                self.assertTrue(data, "no answer to a chunked body of %d bytes" % len(big))
                r = self.record("POST", url, *parse_one(data))
                self.assertJsonError(r, 413, "too_large")
                self.assertHealthy()
        # The login endpoint (before authentication) too.
        big = b'{"username": "' + b"u" * (MAX_BODY * 2) + b'", "password": "x"}'
        r = self.raw_once("POST", "/api/v1/session",
                          [("Content-Type", "application/json"), ("Transfer-Encoding", "chunked")],
                          b"".join(chunked(big, 500)))
        self.assertJsonError(r, 413, "too_large")
        self.assertEqual(len(self.contacts_of_gent()), before, "a refused body was stored")
        self.assertHealthy()
        self.assertStatus(self.admin.get("/api/v1/orgs/%d" % self.gent["id"]), 200)

    # -- Content-Length over the limit ------------------------------------------------
    def test_content_length_over_the_limit_is_413_before_the_body_is_sent(self):
        for path, auth in (("/api/v1/session", False), ("/api/v1/orgs/%d/contacts" % self.gent["id"], True)):
            with self.subTest(path=path):
                hdrs = [("Content-Type", "application/json"), ("Content-Length", str(50 * 1024 * 1024))]
                if auth:
                    hdrs.append(("Authorization", "Bearer " + self.admin_token))
                s = connect(self.server.port)
                try:
                    s.sendall(request_bytes("POST", path, hdrs))  # the headers only, no body
                    t0 = time.monotonic()
                    answers, _ = read_responses(s, ["POST"], deadline_s=5)
                    took = time.monotonic() - t0
                    status, headers, body = answers[0]
                    r = self.record("POST", path, status, headers, body)
                    self.assertJsonError(r, 413, "too_large")
                    self.assertLess(took, 3, "the 413 came only after %.1fs" % took)
                    # The unread body must not be taken for the next request: the
                    # server closes the connection after such an answer.
                    _, closed, _ = read_until_closed(s, deadline_s=CLOSE_WITHIN)
                    self.assertTrue(closed, "connection left open after an unread body")
                finally:
                    s.close()
        self.assertHealthy()

    def test_content_length_over_the_limit_with_http_client(self):
        conn = http.client.HTTPConnection(HOST, self.server.port, timeout=5)
        try:
            conn.putrequest("POST", "/api/v1/session")
            conn.putheader("Content-Type", "application/json")
            conn.putheader("Content-Length", str(MAX_BODY + 1))
            conn.endheaders()
            r = conn.getresponse()
            resp = self.record("POST", "/api/v1/session", r.status, r.headers, r.read())
        finally:
            conn.close()
        self.assertJsonError(resp, 413, "too_large")

    # -- timeouts -----------------------------------------------------------------------
    def test_an_idle_connection_is_closed_by_the_server(self):
        s = connect(self.server.port)
        try:
            data, closed, took = read_until_closed(s, deadline_s=RAW_TIMEOUT)
        finally:
            s.close()
        self.assertTrue(closed, "an idle connection was still open after %ss (WARROOM_CONN_TIMEOUT=%d)"
                        % (RAW_TIMEOUT, CONN_TIMEOUT))
        self.assertLess(took, CLOSE_WITHIN)
        self.assertEqual(data, b"")
        self.assertHealthy()

    def test_an_idle_keep_alive_connection_is_closed_after_an_answer(self):
        conn = http.client.HTTPConnection(HOST, self.server.port, timeout=5)
        try:
            conn.request("GET", "/health")
            r = conn.getresponse()
            self.record("GET", "/health", r.status, r.headers, r.read())
            self.assertEqual(r.status, 200)
            self.assertIsNotNone(conn.sock, "closed right after the answer")
            data, closed, took = read_until_closed(conn.sock, deadline_s=RAW_TIMEOUT)
        finally:
            conn.close()
        self.assertTrue(closed, "an idle keep-alive connection stayed open %ss" % RAW_TIMEOUT)
        self.assertLess(took, CLOSE_WITHIN)
        self.assertEqual(data, b"")

    def test_half_a_request_line_does_not_block_others_and_is_dropped(self):
        stalled = []
        try:
            for prefix in (b"GET /hea", b"POST /api/v1/session HTTP/1.1\r\nHost: x\r\nContent-Le"):
                s = connect(self.server.port)
                s.sendall(prefix)
                stalled.append(s)
            # Meanwhile other clients are answered at once, several times over.
            for _ in range(3):
                self.assertHealthy(within=1.0)
            self.assertStatus(self.admin.get("/api/v1/orgs/%d" % self.gent["id"]), 200)
            for s in stalled:
                data, closed, took = read_until_closed(s, deadline_s=RAW_TIMEOUT)
                self.assertTrue(closed, "a half request kept its connection %ss" % RAW_TIMEOUT)
                self.assertLess(took, CLOSE_WITHIN)
                self.assertNotIn(b" 200 ", data.split(b"\r\n", 1)[0])
        finally:
            for s in stalled:
                s.close()
        self.assertHealthy()

    def test_a_body_trickling_in_is_cut_off_by_the_request_timeout(self):
        # One byte every 0.3 s never lets the connection idle, but the body must
        # be complete within WARROOM_REQUEST_TIMEOUT.
        s = connect(self.server.port)
        cut = False
        t0 = time.monotonic()
        try:
            s.sendall(request_bytes("POST", "/api/v1/session",
                                    [("Content-Type", "application/json"), ("Content-Length", "200")]))
            s.settimeout(0.3)
            while time.monotonic() - t0 < REQUEST_TIMEOUT + CLOSE_WITHIN:
                try:
                    s.sendall(b" ")
                except (BrokenPipeError, ConnectionResetError):
                    cut = True
                    break
                try:
                    if s.recv(4096) == b"":
                        cut = True
                        break
                except socket.timeout:
                    pass
                except ConnectionResetError:
                    cut = True
                    break
        finally:
            s.close()
        took = time.monotonic() - t0
        self.assertTrue(cut, "a body trickling in was still read after %.1fs (WARROOM_REQUEST_TIMEOUT=%d)"
                        % (took, REQUEST_TIMEOUT))
        self.assertGreaterEqual(took, REQUEST_TIMEOUT - 0.5, "cut off before the request timeout")
        self.assertHealthy()

    # -- session expiry -----------------------------------------------------------------
    def test_login_cookie_lives_as_long_as_the_session(self):
        c = self.server.anon()
        t0 = int(time.time())
        r = c.login("analyst", self.server.passwords["analyst"])
        self.assertStatus(r, 200)
        cookies = [v for v in r.header_all("Set-Cookie") if v.startswith("warroom_session=")]
        self.assertEqual(len(cookies), 1)
        attrs = {a.split("=", 1)[0].strip().lower(): (a.split("=", 1)[1].strip() if "=" in a else "")
                 for a in cookies[0].split(";")[1:]}
        self.assertEqual(attrs.get("max-age"), str(SESSION_TTL), cookies[0].replace(c.session_cookie, "..."))
        self.assertEqual(attrs.get("max-age"), "43200")
        # The server side agrees: the stored session ends 12 h after the login.
        h = hashlib.sha256(c.session_cookie.encode()).hexdigest()
        rows = self.server.sql("SELECT expires_at FROM sessions WHERE id_hash = ?", (h,))
        self.assertEqual(len(rows), 1, "no session row for the cookie's SHA-256")
        self.assertLessEqual(abs(rows[0][0] - (t0 + SESSION_TTL)), 60, rows)

    def test_an_expired_session_is_refused(self):
        url = "/api/v1/orgs/%d/contacts" % self.gent["id"]
        c = self.server.anon()
        self.assertStatus(c.login("admin", self.server.passwords["admin"]), 200)
        other = self.server.anon()  # a second session of the same user
        self.assertStatus(other.login("admin", self.server.passwords["admin"]), 200)
        self.assertStatus(c.get("/api/v1/me"), 200)
        h = hashlib.sha256(c.session_cookie.encode()).hexdigest()
        self.assertEqual(len(self.server.sql("SELECT 1 FROM sessions WHERE id_hash = ?", (h,))), 1)

        # Still 2 seconds to live: valid.
        self.expire_at(h, time.time() + 2)
        self.assertStatus(c.get("/api/v1/me"), 200)

        # Expired.
        self.expire_at(h, time.time() - 5)
        cookie = c.session_cookie
        csrf = c.csrf
        before = len(self.contacts_of_gent())
        self.assertError(c.get("/api/v1/me"), 401, "unauthenticated")
        self.assertError(c.get("/api/v1/orgs/%d" % self.gent["id"]), 401, "unauthenticated")
        # A state-changing request with the right CSRF token: 401 (not 403), nothing stored.
        r = c.post(url, {"name": "After Expiry", "role": "it-lead", "email": "expired@example.org"})
        self.assertError(r, 401, "unauthenticated")
        r = c.patch("/api/v1/orgs/%d" % self.gent["id"], {"name": "Expired Rename"})
        self.assertError(r, 401, "unauthenticated")
        self.assertError(c.delete("/api/v1/session"), 401, "unauthenticated")
        self.assertEqual(len(self.contacts_of_gent()), before, "an expired session changed data")
        self.assertEqual(self.admin.get("/api/v1/orgs/%d" % self.gent["id"]).json["name"], self.gent["name"])
        # The cookie was not renewed by any of those answers.
        self.assertEqual(c.session_cookie, cookie)
        self.assertEqual(c.csrf, csrf)
        # The user's other session is untouched; logging in again works.
        self.assertStatus(other.get("/api/v1/me"), 200)
        self.assertStatus(c.login("admin", self.server.passwords["admin"]), 200)
        self.assertNotEqual(c.session_cookie, cookie)
        self.assertStatus(c.get("/api/v1/me"), 200)

    # -- keep-alive and pipelining ----------------------------------------------------------
    def test_keep_alive_serves_many_requests_on_one_connection(self):
        pw = self.server.passwords["analyst"]
        steps = [("GET", "/health", None, {}, 200),
                 ("HEAD", "/health", None, {}, 200),
                 ("GET", "/api/v1/me", None, {"Authorization": "Bearer " + self.admin_token}, 200),
                 ("POST", "/api/v1/session", json.dumps({"username": "analyst", "password": pw}),
                  {"Content-Type": "application/json"}, 200),
                 ("GET", "/js/app.js", None, {}, 200),
                 ("POST", "/api/v1/session", "{bad", {"Content-Type": "application/json"}, 400),
                 ("GET", "/api/v1/nope", None, {}, 404),
                 ("OPTIONS", "/api/v1/orgs", None, {}, 405),
                 ("GET", "/api/v1/me", None, {}, 401),
                 ("GET", "/health", None, {}, 200)]
        conn = http.client.HTTPConnection(HOST, self.server.port, timeout=5)
        try:
            first = None
            for method, path, body, hdrs, status in steps:
                conn.request(method, path, body=body, headers=hdrs)
                r = conn.getresponse()
                resp = self.record(method, path, r.status, r.headers, r.read())
                for v in resp.header_all("Set-Cookie"):
                    self.server.secrets.add(v.split(";", 1)[0].split("=", 1)[-1])
                if isinstance(resp.json, dict) and resp.json.get("csrf_token"):
                    self.server.secrets.add(resp.json["csrf_token"])
                self.assertEqual(resp.status, status, "%s %s: %r" % (method, path, resp.text[:300]))
                self.assertNotEqual((resp.header("Connection") or "").lower(), "close",
                                    "%s %s: the server closes after every answer" % (method, path))
                self.assertIsNotNone(conn.sock, "%s %s: connection closed" % (method, path))
                name = conn.sock.getsockname()
                first = first or name
                self.assertEqual(name, first, "%s %s: a new connection was opened" % (method, path))
        finally:
            conn.close()

    def test_pipelined_requests_are_answered_in_order(self):
        body = json.dumps({"username": "nobody-here", "password": "wrong-password-123"}).encode()
        reqs = [request_bytes("GET", "/health"),
                request_bytes("POST", "/api/v1/session", [("Content-Type", "application/json"),
                                                          ("Content-Length", str(len(body)))], body),
                request_bytes("GET", "/api/v1/nope"),
                request_bytes("HEAD", "/"),
                request_bytes("GET", "/api/v1/me", [("Authorization", "Bearer " + self.admin_token)])]
        s = connect(self.server.port)
        try:
            s.sendall(b"".join(reqs))  # all at once, before any answer
            answers, rest = read_responses(s, ["GET", "POST", "GET", "HEAD", "GET"])
            self.assertEqual(rest, b"")
            # Still open: one more request on the same connection.
            s.sendall(request_bytes("GET", "/health", [("Connection", "close")]))
            last, _ = read_responses(s, ["GET"])
        finally:
            s.close()
        paths = ["/health", "/api/v1/session", "/api/v1/nope", "/", "/api/v1/me", "/health"]
        methods = ["GET", "POST", "GET", "HEAD", "GET", "GET"]
        got = [self.record(m, p, *a) for m, p, a in zip(methods, paths, answers + last)]
        self.assertEqual([r.status for r in got], [200, 401, 404, 200, 200, 200], got)
        self.assertEqual(got[0].json["status"], "ok")
        self.assertEqual(got[1].error.get("code"), "unauthenticated")
        self.assertEqual(got[2].error.get("code"), "not_found")
        self.assertEqual(got[3].body, b"")
        self.assertEqual(got[4].json["name"], "admin")


if __name__ == "__main__":
    harness.main()
