"""Shared helpers for the end-to-end API tests (Python 3 standard library only).

Each tests/api/test_*.py is one CTest test, run as `python3 FILE` with
WARROOM_BIN (the built binary) and WARROOM_SOURCE_DIR (the source tree) in the
environment. A file starts one real `warroom serve` on a free 127.0.0.1 port
with a temporary database (ServerTestCase.setUpClass), logs in once per role
and reuses the sessions. Nothing here waits without a timeout; the server is
killed in tearDownClass and at exit, and its stderr is printed when a test of
the class failed. After the server stopped, its stderr is searched for every
secret the tests used (passwords, tokens, session cookies, CSRF tokens).
"""

import atexit
import http.client
import json
import os
import shlex
import re
import shutil
import signal
import socket
import sqlite3
import subprocess
import sys
import tempfile
import time
import unittest

HOST = "127.0.0.1"
REQUEST_TIMEOUT = 15      # seconds, every HTTP request
CLI_TIMEOUT = 60          # seconds, every command-line run
START_TIMEOUT = 20        # seconds until /health answers

# Demo facts (NIS codes).
NIS_GENT = "44021"
NIS_ANTWERPEN = "11002"
NIS_LEUVEN = "24062"

_live_processes = []


def _kill_all():
    for p in list(_live_processes):
        if p.poll() is None:
            try:
                p.kill()
                p.wait(timeout=5)
            except Exception:
                pass


atexit.register(_kill_all)


def binary():
    b = os.environ.get("WARROOM_BIN")
    if not b:
        src = os.environ.get("WARROOM_SOURCE_DIR", ".")
        b = os.path.join(src, "build", "warroom")
    if not os.access(b, os.X_OK):
        raise RuntimeError("WARROOM_BIN=%r is not an executable warroom binary" % b)
    return os.path.abspath(b)


def source_dir():
    return os.path.abspath(os.environ.get("WARROOM_SOURCE_DIR",
                                          os.path.join(os.path.dirname(__file__), "..", "..")))


def free_port():
    s = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    try:
        s.bind((HOST, 0))
        return s.getsockname()[1]
    finally:
        s.close()


class Response:
    """One HTTP answer: status, headers (case-insensitive), raw body, JSON."""

    def __init__(self, method, path, status, reason, headers, body):
        self.method = method
        self.path = path
        self.status = status
        self.reason = reason
        self.headers = headers
        self.body = body
        self._json = None
        self._parsed = False

    @property
    def text(self):
        return self.body.decode("utf-8", "replace")

    @property
    def json(self):
        if not self._parsed:
            self._parsed = True
            try:
                self._json = json.loads(self.body.decode("utf-8")) if self.body else None
            except ValueError:
                self._json = None
        return self._json

    def header(self, name):
        return self.headers.get(name)

    def header_all(self, name):
        return self.headers.get_all(name) or []

    @property
    def error(self):
        """The {"code","message","field"} object of an error answer, or {}."""
        j = self.json
        if isinstance(j, dict) and isinstance(j.get("error"), dict):
            return j["error"]
        return {}

    def __repr__(self):
        body = self.text
        if len(body) > 600:
            body = body[:600] + "..."
        return "<%s %s -> %d %s>" % (self.method, self.path, self.status, body)


class Client:
    """An HTTP client for one identity: a session cookie (+ CSRF token), a
    bearer token, or nobody. One connection per request; every request has a
    timeout."""

    def __init__(self, server, token=None, name=None):
        self.server = server
        self.token = token
        self.name = name
        self.cookies = {}
        self.csrf = None
        self.user = None

    # -- transport ------------------------------------------------------
    def request(self, method, path, body=None, raw=None, headers=None, csrf=True,
                content_type="application/json", timeout=REQUEST_TIMEOUT):
        """body: a JSON-serialisable value (sent as JSON); raw: bytes sent as is.
        csrf: True = send this session's CSRF token on state-changing requests,
        False = send none, a string = send that string."""
        h = {}
        data = None
        if raw is not None:
            data = raw if isinstance(raw, bytes) else raw.encode("utf-8")
        elif body is not None:
            data = json.dumps(body).encode("utf-8")
        if data is not None and content_type:
            h["Content-Type"] = content_type
        if self.token:
            h["Authorization"] = "Bearer " + self.token
        if self.cookies:
            h["Cookie"] = "; ".join("%s=%s" % kv for kv in self.cookies.items())
        if method not in ("GET", "HEAD", "OPTIONS"):
            if csrf is True and self.csrf:
                h["X-CSRF-Token"] = self.csrf
            elif isinstance(csrf, str):
                h["X-CSRF-Token"] = csrf
        if headers:
            h.update(headers)
        conn = http.client.HTTPConnection(HOST, self.server.port, timeout=timeout)
        try:
            conn.request(method, path, body=data, headers=h)
            r = conn.getresponse()
            payload = r.read()
            resp = Response(method, path, r.status, r.reason, r.headers, payload)
        finally:
            conn.close()
        self._take_cookies(resp)
        self.server.responses.append(resp)
        return resp

    def _take_cookies(self, resp):
        for sc in resp.header_all("Set-Cookie"):
            first = sc.split(";", 1)[0]
            if "=" not in first:
                continue
            k, v = first.split("=", 1)
            k, v = k.strip(), v.strip()
            attrs = sc.lower()
            if not v or re.search(r"max-age=0\b", attrs) or "expires=thu, 01 jan 1970" in attrs:
                self.cookies.pop(k, None)
            else:
                self.cookies[k] = v
                self.server.secrets.add(v)

    def get(self, path, **kw):
        return self.request("GET", path, **kw)

    def post(self, path, body=None, **kw):
        return self.request("POST", path, body=body, **kw)

    def patch(self, path, body=None, **kw):
        return self.request("PATCH", path, body=body, **kw)

    def delete(self, path, **kw):
        return self.request("DELETE", path, **kw)

    # -- sessions -------------------------------------------------------
    def login(self, username, password):
        """POST /api/v1/session; on 200 keeps the cookie and the CSRF token."""
        self.server.secrets.add(password)
        r = self.post("/api/v1/session", {"username": username, "password": password})
        if r.status == 200 and isinstance(r.json, dict):
            self.csrf = r.json.get("csrf_token")
            self.user = r.json.get("user")
            self.name = username
            if self.csrf:
                self.server.secrets.add(self.csrf)
        return r

    @property
    def session_cookie(self):
        return self.cookies.get("warroom_session")


class Server:
    """A temporary database and a `warroom serve` on a free loopback port."""

    def __init__(self, env=None, demo=True, serve_args=(), shipped_warninglists=False):
        self.bin = binary()
        # The shipped false-positive lists flag the documentation ranges the
        # tests use as "malicious" addresses; classes that test them opt in.
        self.shipped_warninglists = shipped_warninglists
        self.serve_args = [str(a) for a in serve_args]
        self.dir = tempfile.mkdtemp(prefix="warroom-api-")
        self.db = os.path.join(self.dir, "warroom.db")
        self.extra_env = dict(env or {})
        self.demo = demo
        self.proc = None
        self.port = None
        self.stderr_path = os.path.join(self.dir, "serve.stderr")
        self.stdout_path = os.path.join(self.dir, "serve.stdout")
        self.secrets = set()
        self.passwords = {}
        self.responses = []
        self.cli_log = []
        self.exit_code = None
        self.last_token_output = None

    # -- command line ---------------------------------------------------
    def env(self):
        e = dict(os.environ)
        e.pop("WARROOM_DB", None)
        e.update(self.extra_env)
        return e

    def cli(self, *args, input=None, check=True, db=None, timeout=CLI_TIMEOUT):
        """Runs `warroom --db DB ARGS...`; returns CompletedProcess (text)."""
        cmd = [self.bin, "--db", db or self.db] + [str(a) for a in args]
        p = subprocess.run(cmd, input=input, capture_output=True, text=True,
                           timeout=timeout, env=self.env(), cwd=self.dir)
        self.cli_log.append((cmd, p.returncode, p.stdout[-2000:], p.stderr[-2000:]))
        if check and p.returncode != 0:
            raise RuntimeError("%s exited %d\nstdout: %s\nstderr: %s"
                               % (" ".join(cmd), p.returncode, p.stdout[-2000:], p.stderr[-2000:]))
        return p

    def prepare(self):
        self.init_output = self.cli("init", *([] if self.shipped_warninglists else ["--no-warninglists"])).stdout
        if self.demo:
            self.cli("demo")

    def add_user(self, name, role, org=None, provider=None, password=None):
        password = password or ("pw-%s-%s" % (name, os.urandom(8).hex()))
        args = ["user", "add", name, "--role", role]
        if org is not None:
            args += ["--org", org]
        if provider is not None:
            args += ["--provider", provider]
        args.append("--password-stdin")
        self.cli(*args, input=password + "\n")
        self.passwords[name] = password
        self.secrets.add(password)
        return password

    def create_token(self, name, label=None):
        args = ["token", "create", name]
        if label:
            args += ["--label", label]
        p = self.cli(*args)
        lines = [l.strip() for l in p.stdout.splitlines() if l.strip()]
        if not lines:
            raise RuntimeError("token create printed no token: %r" % p.stdout)
        token = lines[-1].split()[-1]
        self.secrets.add(token)
        self.last_token_output = p.stdout.replace(token, "") + p.stderr
        return token

    def last_token_id(self):
        """The id of the token made by the last create_token(): from what the
        command printed ("id 3", "#3", "token 3"), else the newest row."""
        m = re.search(r"(?:\bid\b|#|\btoken\b)\s*[:=]?\s*(\d+)", self.last_token_output or "")
        if m:
            return int(m.group(1))
        return self.sql("SELECT max(id) FROM api_tokens")[0][0]

    def sql(self, query, params=()):
        """Reads the database directly (setup facts only)."""
        c = sqlite3.connect(self.db, timeout=10)
        try:
            return c.execute(query, params).fetchall()
        finally:
            c.close()

    # -- the server -----------------------------------------------------
    def start(self):
        last = ""
        for _ in range(3):
            self.port = free_port()
            err = open(self.stderr_path, "ab")
            out = open(self.stdout_path, "ab")
            try:
                # WARROOM_SERVER_WRAPPER runs the server under a tool, e.g.
                # "valgrind --error-exitcode=99 --leak-check=full": a finding
                # makes the server's exit status non-zero, which fails the file.
                wrapper = shlex.split(os.environ.get("WARROOM_SERVER_WRAPPER", ""))
                self.proc = subprocess.Popen(
                    wrapper
                    + [self.bin, "--db", self.db, "serve", "--listen", "%s:%d" % (HOST, self.port)]
                    + self.serve_args,
                    stdin=subprocess.DEVNULL, stdout=out, stderr=err, env=self.env(),
                    cwd=self.dir, start_new_session=True)
            finally:
                err.close()
                out.close()
            _live_processes.append(self.proc)
            deadline = time.monotonic() + START_TIMEOUT
            while time.monotonic() < deadline:
                if self.proc.poll() is not None:
                    break
                try:
                    conn = http.client.HTTPConnection(HOST, self.port, timeout=2)
                    conn.request("GET", "/health")
                    r = conn.getresponse()
                    r.read()
                    conn.close()
                    if r.status == 200:
                        return self
                except OSError:
                    pass
                time.sleep(0.05)
            if self.proc.poll() is None:
                self.proc.kill()
                self.proc.wait(timeout=5)
                raise RuntimeError("warroom serve did not answer /health within %ds\n%s"
                                   % (START_TIMEOUT, self.stderr_tail()))
            last = self.stderr_tail()
            # Probably the port was taken between free_port() and bind: retry.
        raise RuntimeError("warroom serve exited at start-up (rc %s)\n%s"
                           % (self.proc.returncode, last))

    def send_signal(self, sig):
        self.proc.send_signal(sig)

    def stop(self, sig=signal.SIGTERM, timeout=10):
        """Ends the server; returns its exit status (None if it had to be killed)."""
        if not self.proc:
            return self.exit_code
        if self.proc.poll() is None:
            try:
                self.proc.send_signal(sig)
                self.exit_code = self.proc.wait(timeout=timeout)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait(timeout=5)
                self.exit_code = None
        else:
            self.exit_code = self.proc.returncode
        if self.proc in _live_processes:
            _live_processes.remove(self.proc)
        return self.exit_code

    def running(self):
        return self.proc is not None and self.proc.poll() is None

    def stderr_text(self):
        try:
            with open(self.stderr_path, "rb") as f:
                return f.read().decode("utf-8", "replace")
        except OSError:
            return ""

    def stderr_tail(self, lines=80):
        t = self.stderr_text().splitlines()
        return "\n".join(t[-lines:])

    def leaked_secrets(self):
        """The secrets used by the tests that appear in the server's stderr or stdout."""
        text = self.stderr_text()
        try:
            with open(self.stdout_path, "rb") as f:
                text += f.read().decode("utf-8", "replace")
        except OSError:
            pass
        return sorted(s for s in self.secrets if s and len(s) >= 8 and s in text)

    def cleanup(self):
        self.stop()
        shutil.rmtree(self.dir, ignore_errors=True)

    # -- clients --------------------------------------------------------
    def client(self, token=None):
        return Client(self, token=token)

    def anon(self):
        return Client(self)

    def login(self, name):
        c = Client(self)
        r = c.login(name, self.passwords[name])
        if r.status != 200:
            raise RuntimeError("login as %s failed: %r\n%s" % (name, r, self.stderr_tail()))
        return c


def org_by_nis(client, nis, kind="municipality"):
    """The list item of the organisation valid today with this NIS code."""
    r = client.get("/api/v1/orgs?q=%s&limit=500" % nis)
    if r.status != 200:
        raise RuntimeError("GET /api/v1/orgs?q=%s: %r" % (nis, r))
    for it in r.json["items"]:
        if it.get("nis_code") == nis and (kind is None or it.get("kind") == kind):
            return it
    raise RuntimeError("no %s with NIS %s in %r" % (kind, nis, r))


def security_header_problems(resp):
    """What is wrong with a response's security headers ([] when nothing):
    Content-Security-Policy without inline or wildcard script and with
    frame-ancestors 'none', X-Content-Type-Options: nosniff, Referrer-Policy."""
    problems = []
    csp = resp.header("Content-Security-Policy")
    if not csp:
        problems.append("no Content-Security-Policy")
    else:
        directives = {}
        for d in csp.split(";"):
            parts = d.strip().split()
            if parts:
                directives[parts[0].lower()] = [x.lower() for x in parts[1:]]
        script = directives.get("script-src", directives.get("default-src"))
        if script is None:
            problems.append("CSP has neither script-src nor default-src")
        elif "'unsafe-inline'" in script or "*" in script or "data:" in script:
            problems.append("CSP allows inline or any script: %s" % csp)
        if directives.get("frame-ancestors") != ["'none'"]:
            problems.append("CSP frame-ancestors is not 'none': %s" % csp)
    if (resp.header("X-Content-Type-Options") or "").lower() != "nosniff":
        problems.append("X-Content-Type-Options is not nosniff")
    if not resp.header("Referrer-Policy"):
        problems.append("no Referrer-Policy")
    return problems


def items_of(resp):
    """The list in a list answer: {"items": [...]} or a bare JSON array."""
    j = resp.json
    if isinstance(j, dict) and isinstance(j.get("items"), list):
        return j["items"]
    if isinstance(j, list):
        return j
    raise AssertionError("not a list answer: %r" % resp)


def all_pages(client, path, limit=200, max_pages=100):
    """Follows next_cursor; returns (items, pages)."""
    items, pages = [], 0
    sep = "&" if "?" in path else "?"
    cursor = None
    while True:
        p = "%s%slimit=%d" % (path, sep, limit)
        if cursor is not None:
            p += "&cursor=%s" % cursor
        r = client.get(p)
        if r.status != 200:
            raise AssertionError("GET %s: %r" % (p, r))
        items += r.json["items"]
        pages += 1
        cursor = r.json.get("next_cursor")
        if cursor is None:
            return items, pages
        if pages >= max_pages:
            raise AssertionError("GET %s: still a next_cursor after %d pages" % (path, pages))


class ServerTestCase(unittest.TestCase):
    """One server per test class. Subclasses set SERVER_ENV, DEMO and USERS:
    USERS = [(name, role, org_nis_or_None, provider_key_or_None)], where a
    provider key is "provider0".."provider2" (the demo providers by id)."""

    SERVER_ENV = {}
    SERVE_ARGS = ()
    DEMO = True
    SHIPPED_WARNINGLISTS = False
    USERS = [
        ("admin", "admin", None, None),
        ("analyst", "analyst", None, None),
        ("spoc_gent", "spoc", NIS_GENT, None),
        ("spoc_antwerpen", "spoc", NIS_ANTWERPEN, None),
        ("viewer", "viewer", None, None),
    ]
    _class_failed = False

    @classmethod
    def setUpClass(cls):
        cls._class_failed = False
        cls.server = Server(env=cls.SERVER_ENV, demo=cls.DEMO, serve_args=cls.SERVE_ARGS,
                            shipped_warninglists=cls.SHIPPED_WARNINGLISTS)
        try:
            cls.server.prepare()
            cls.demo_providers = []
            if cls.DEMO:
                cls.demo_providers = [r[0] for r in cls.server.sql(
                    "SELECT id FROM orgs WHERE kind = 'provider' ORDER BY id")]
            for name, role, org, prov in cls.USERS:
                if prov is not None and prov.startswith("provider"):
                    prov = cls.demo_providers[int(prov[len("provider"):])]
                cls.server.add_user(name, role, org=org, provider=prov)
            cls.admin_token = None
            if any(u[0] == "admin" for u in cls.USERS):
                cls.admin_token = cls.server.create_token("admin", label="api tests")
            cls.prepare_database(cls.server)
            cls.server.start()
            cls._sessions = {}
            # A bearer client for look-ups and set-up through the API.
            cls.admin = cls.server.client(token=cls.admin_token) if cls.admin_token else None
            cls.prepare_server()
        except BaseException:
            sys.stderr.write("\n--- set-up failed; commands run:\n")
            for cmd, rc, out, err in cls.server.cli_log:
                sys.stderr.write("$ %s -> %d\n%s%s" % (" ".join(cmd), rc, out, err))
            sys.stderr.write("--- server stderr:\n%s\n" % cls.server.stderr_tail())
            cls.server.cleanup()
            raise

    @classmethod
    def prepare_database(cls, server):
        """Hook: runs after users are added, before the server starts."""

    @classmethod
    def prepare_server(cls):
        """Hook: runs once the server answers (cls.admin is a bearer client)."""

    @classmethod
    def tearDownClass(cls):
        srv = cls.server
        rc = srv.stop()
        if cls._class_failed:
            sys.stderr.write("\n--- %s: server stderr (last lines):\n%s\n--- end of server stderr\n"
                             % (cls.__name__, srv.stderr_tail(120)))
        leaked = srv.leaked_secrets()
        headers = {}
        for r in srv.responses:
            p = security_header_problems(r)
            if p:
                headers.setdefault("; ".join(p), "%s %s -> %d" % (r.method, r.path[:80], r.status))
        shutil.rmtree(srv.dir, ignore_errors=True)
        if headers:
            raise AssertionError("responses without the security headers (problem: first request): %r"
                                 % headers)
        if leaked:
            raise AssertionError("%d secret(s) used by the tests appear in the server's output "
                                 "(first chars: %s)" % (len(leaked), [s[:4] for s in leaked]))
        if rc != 0:
            raise AssertionError("warroom serve did not exit 0 on SIGTERM (got %r)" % rc)

    def run(self, result=None):
        before = None
        if result is not None:
            before = len(result.failures) + len(result.errors)
        out = super().run(result)
        if result is not None and len(result.failures) + len(result.errors) > before:
            type(self)._class_failed = True
        return out

    # -- conveniences ---------------------------------------------------
    @classmethod
    def session(cls, name):
        """A logged-in client for this user, shared by the tests of the class."""
        if name not in cls._sessions:
            cls._sessions[name] = cls.server.login(name)
        return cls._sessions[name]

    def assertStatus(self, resp, status, msg=None):
        statuses = status if isinstance(status, (tuple, list, set)) else (status,)
        if resp.status not in statuses:
            self.fail("%s %s: expected %s, got %d: %s%s"
                      % (resp.method, resp.path, "/".join(map(str, statuses)), resp.status,
                         resp.text[:800], ("  (" + msg + ")") if msg else ""))

    def assertError(self, resp, status, code, field=None, msg=None):
        """An error answer: status, {"error":{"code","message","field"}}."""
        self.assertStatus(resp, status, msg)
        err = resp.error
        self.assertTrue(err, "%s %s: no {\"error\":{...}} object in %r" % (resp.method, resp.path, resp.text[:400]))
        self.assertEqual(err.get("code"), code, "%s %s: error code in %r" % (resp.method, resp.path, err))
        self.assertIsInstance(err.get("message"), str)
        self.assertTrue(err.get("message"), "empty error message")
        if field is not None:
            self.assertEqual(err.get("field"), field, "%s %s: error field in %r" % (resp.method, resp.path, err))
        return err


def main():
    """unittest.main() with verbose output; its summary is the last line."""
    unittest.main(verbosity=2)
