"""Log in and out, /me, session cookies, CSRF, bearer tokens, disabled
accounts and login throttling (per user and per client address)."""

import os
import sys
import time

sys.dont_write_bytecode = True  # no __pycache__ in the source tree
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import harness  # noqa: E402
from harness import NIS_GENT, ServerTestCase, org_by_nis  # noqa: E402

LIMIT = 3
WINDOW = 6


def cookie_attrs(set_cookie):
    """'warroom_session=v; Path=/; HttpOnly' -> ('warroom_session', 'v', {'path': '/', 'httponly': ''})"""
    parts = [p.strip() for p in set_cookie.split(";")]
    name, _, value = parts[0].partition("=")
    attrs = {}
    for p in parts[1:]:
        k, _, v = p.partition("=")
        attrs[k.strip().lower()] = v.strip()
    return name.strip(), value.strip(), attrs


def new_contact(tag):
    return {"name": "Auth Test %s" % tag, "role": "it-lead", "email": "auth-%s@example.org" % tag,
            "mobile": "0499 00 77 %02d" % (sum(map(ord, tag)) % 100), "language": "en", "active": True}


class AuthTest(ServerTestCase):
    SERVER_ENV = {"WARROOM_LOGIN_LIMIT": str(LIMIT), "WARROOM_LOGIN_WINDOW": str(WINDOW)}
    USERS = [
        ("admin", "admin", None, None),
        ("analyst", "analyst", None, None),
        ("spoc_gent", "spoc", NIS_GENT, None),
        ("viewer", "viewer", None, None),
        ("throttled", "analyst", None, None),
        ("throttled2", "viewer", None, None),
        ("leaving", "analyst", None, None),
        ("tokenuser", "analyst", None, None),
    ]

    @classmethod
    def prepare_server(cls):
        cls.gent = org_by_nis(cls.admin, NIS_GENT)

    def contacts_of(self, org_id):
        r = self.admin.get("/api/v1/orgs/%d/contacts" % org_id)
        self.assertStatus(r, 200)
        return harness.items_of(r)

    # -- logging in -------------------------------------------------------
    def test_login_answers_user_csrf_and_a_safe_cookie(self):
        c = self.server.anon()
        r = c.login("analyst", self.server.passwords["analyst"])
        self.assertStatus(r, 200)
        user = r.json["user"]
        self.assertEqual(user["name"], "analyst")
        self.assertEqual(user["role"], "analyst")
        self.assertIsInstance(user["id"], int)
        self.assertIsNone(user["org_id"])
        self.assertIsNone(user["provider_id"])
        self.assertIsInstance(r.json["csrf_token"], str)
        self.assertGreaterEqual(len(r.json["csrf_token"]), 16)
        cookies = [cookie_attrs(h) for h in r.header_all("Set-Cookie")]
        session = [x for x in cookies if x[0] == "warroom_session"]
        self.assertEqual(len(session), 1, r.header_all("Set-Cookie"))
        _, value, attrs = session[0]
        self.assertGreaterEqual(len(value), 32, "a session id of at least 128 bits")
        self.assertIn("httponly", attrs)
        self.assertEqual(attrs.get("samesite", "").lower(), "strict")
        self.assertEqual(attrs.get("path"), "/")
        self.assertNotIn("secure", attrs, "Secure on plain http://127.0.0.1 would lose the cookie")
        # The cookie is what lets the browser in.
        me = c.get("/api/v1/me")
        self.assertStatus(me, 200)
        self.assertEqual(me.json["name"], "analyst")

    def test_login_of_a_spoc_names_its_town(self):
        r = self.server.anon().login("spoc_gent", self.server.passwords["spoc_gent"])
        self.assertStatus(r, 200)
        self.assertEqual(r.json["user"]["role"], "spoc")
        self.assertEqual(r.json["user"]["org_id"], self.gent["id"])

    def test_me_with_cookie_gives_identity_and_csrf(self):
        c = self.session("viewer")
        r = c.get("/api/v1/me")
        self.assertStatus(r, 200)
        for k in ("id", "name", "role", "org_id", "provider_id", "csrf_token"):
            self.assertIn(k, r.json)
        self.assertEqual(r.json["name"], "viewer")
        self.assertEqual(r.json["role"], "viewer")
        self.assertEqual(r.json["csrf_token"], c.csrf)
        self.assertEqual(r.json["id"], c.user["id"])

    def test_wrong_password_and_unknown_user_get_the_same_401(self):
        a = self.server.anon().login("admin", "not-the-password-at-all")
        b = self.server.anon().login("nobody-here", "not-the-password-at-all")
        ea = self.assertError(a, 401, "unauthenticated")
        eb = self.assertError(b, 401, "unauthenticated")
        self.assertEqual(ea["message"], eb["message"], "the answer must not tell which was wrong")
        self.assertEqual(a.header_all("Set-Cookie"), [])
        self.assertEqual(b.header_all("Set-Cookie"), [])

    def test_login_body_is_validated(self):
        c = self.server.anon()
        r = c.post("/api/v1/session", {"username": "admin"})
        self.assertError(r, 422, "invalid", field="password")
        r = c.post("/api/v1/session", {"username": "admin", "password": "x" * 20, "remember": True})
        self.assertError(r, 422, "invalid", field="remember")
        r = c.post("/api/v1/session", {"username": "admin", "password": 123456789012345})
        self.assertError(r, 422, "invalid", field="password")
        r = c.post("/api/v1/session", raw=b'{"username": "admin", "password": ')
        self.assertError(r, 400, "parse_error")

    # -- without valid credentials -----------------------------------------
    def test_no_credentials_is_401(self):
        c = self.server.anon()
        for path in ("/api/v1/me", "/api/v1/orgs", "/api/v1/orgs/%d" % self.gent["id"],
                     "/api/v1/providers", "/api/v1/journal"):
            self.assertError(c.get(path), 401, "unauthenticated")
        r = c.post("/api/v1/orgs/%d/contacts" % self.gent["id"], new_contact("anon"))
        self.assertError(r, 401, "unauthenticated")
        r = c.delete("/api/v1/session")
        self.assertError(r, 401, "unauthenticated")

    def test_a_made_up_cookie_is_401(self):
        c = self.server.anon()
        c.cookies["warroom_session"] = "0" * 64
        self.assertError(c.get("/api/v1/me"), 401, "unauthenticated")
        c.cookies["warroom_session"] = "short"
        self.assertError(c.get("/api/v1/me"), 401, "unauthenticated")

    # -- logging out ------------------------------------------------------
    def test_logout_ends_the_session_and_only_that_one(self):
        pw = self.server.passwords["viewer"]
        one = self.server.anon()
        self.assertStatus(one.login("viewer", pw), 200)
        two = self.server.anon()
        self.assertStatus(two.login("viewer", pw), 200)
        self.assertNotEqual(one.session_cookie, two.session_cookie)
        self.assertNotEqual(one.csrf, two.csrf)
        cookie = one.session_cookie
        # Logging out is state-changing: it needs the CSRF token.
        r = one.delete("/api/v1/session", csrf=False)
        self.assertError(r, 403, "forbidden")
        self.assertStatus(one.get("/api/v1/me"), 200)
        r = one.delete("/api/v1/session")
        self.assertStatus(r, 204)
        self.assertEqual(r.body, b"")
        # The old cookie, sent again as it was, no longer works.
        again = self.server.anon()
        again.cookies["warroom_session"] = cookie
        self.assertError(again.get("/api/v1/me"), 401, "unauthenticated")
        # The other session of the same user is untouched.
        self.assertStatus(two.get("/api/v1/me"), 200)

    # -- CSRF ------------------------------------------------------------
    def test_cookie_writes_need_the_csrf_token(self):
        c = self.session("admin")
        org = self.gent["id"]
        before = len(self.contacts_of(org))
        for csrf in (False, "wrong-" + "0" * 40, ""):
            r = c.post("/api/v1/orgs/%d/contacts" % org, new_contact("csrf"), csrf=csrf)
            err = self.assertError(r, 403, "forbidden")
            self.assertIn("csrf", err["message"].lower())
        # Another session's token does not do either.
        other = self.server.anon()
        self.assertStatus(other.login("admin", self.server.passwords["admin"]), 200)
        r = c.post("/api/v1/orgs/%d/contacts" % org, new_contact("csrf"), csrf=other.csrf)
        err = self.assertError(r, 403, "forbidden")
        self.assertIn("csrf", err["message"].lower())
        self.assertEqual(len(self.contacts_of(org)), before, "a refused request created a contact")
        # With the token it works.
        r = c.post("/api/v1/orgs/%d/contacts" % org, new_contact("csrf-ok"))
        self.assertStatus(r, 201)
        cid = r.json["id"]
        self.assertEqual(len(self.contacts_of(org)), before + 1)
        # PATCH and DELETE too.
        r = c.patch("/api/v1/contacts/%d" % cid, {"name": "Changed Without Token"}, csrf=False)
        err = self.assertError(r, 403, "forbidden")
        self.assertIn("csrf", err["message"].lower())
        r = c.delete("/api/v1/contacts/%d" % cid, csrf="nope")
        err = self.assertError(r, 403, "forbidden")
        self.assertIn("csrf", err["message"].lower())
        got = self.admin.get("/api/v1/contacts/%d" % cid)
        self.assertStatus(got, 200)
        self.assertEqual(got.json["name"], "Auth Test csrf-ok")
        self.assertStatus(c.patch("/api/v1/contacts/%d" % cid, {"name": "Changed With Token"}), 200)
        self.assertStatus(c.delete("/api/v1/contacts/%d" % cid), 204)
        self.assertError(self.admin.get("/api/v1/contacts/%d" % cid), 404, "not_found")

    def test_reads_with_a_cookie_need_no_csrf_token(self):
        c = self.session("admin")
        self.assertStatus(c.get("/api/v1/orgs?limit=5", csrf=False), 200)

    # -- bearer tokens -----------------------------------------------------
    def test_bearer_token_authenticates_without_csrf(self):
        token = self.server.create_token("tokenuser", label="auth test")
        c = self.server.client(token=token)
        me = c.get("/api/v1/me")
        self.assertStatus(me, 200)
        self.assertEqual(me.json["name"], "tokenuser")
        self.assertEqual(me.json["role"], "analyst")
        r = c.post("/api/v1/orgs/%d/contacts" % self.gent["id"], new_contact("bearer"))
        self.assertStatus(r, 201)
        self.assertStatus(c.delete("/api/v1/contacts/%d" % r.json["id"]), 204)

    def test_revoked_token_is_401(self):
        token = self.server.create_token("tokenuser", label="to revoke")
        tid = self.server.last_token_id()
        c = self.server.client(token=token)
        self.assertStatus(c.get("/api/v1/me"), 200)
        self.server.cli("token", "revoke", tid)
        self.assertError(c.get("/api/v1/me"), 401, "unauthenticated")
        self.assertError(c.post("/api/v1/orgs/%d/contacts" % self.gent["id"], new_contact("rev")),
                         401, "unauthenticated")

    def test_bad_authorization_headers_are_401(self):
        for value in ("Bearer " + "a" * 64, "Bearer ", "Bearer", "Basic YWRtaW46YWRtaW4=",
                      "bearer " + (self.admin_token or "")[:-1] + "x"):
            c = self.server.anon()
            r = c.get("/api/v1/me", headers={"Authorization": value})
            self.assertError(r, 401, "unauthenticated", msg=value[:12])

    def test_token_for_unknown_user_is_refused(self):
        p = self.server.cli("token", "create", "no-such-user", check=False)
        self.assertNotEqual(p.returncode, 0)
        self.assertTrue(p.stderr.strip(), "a one-line error on stderr")

    # -- accounts ---------------------------------------------------------
    def test_disabled_user_is_locked_out_everywhere(self):
        sess = self.server.login("leaving")
        token = self.server.create_token("leaving")
        bearer = self.server.client(token=token)
        self.assertStatus(bearer.get("/api/v1/me"), 200)
        self.server.cli("user", "disable", "leaving")
        r = self.server.anon().login("leaving", self.server.passwords["leaving"])
        err = self.assertError(r, 401, "unauthenticated")
        wrong = self.server.anon().login("nobody-at-all", "whatever-password")
        self.assertEqual(err["message"], wrong.error.get("message"))
        self.assertError(sess.get("/api/v1/me"), 401, "unauthenticated")
        self.assertError(bearer.get("/api/v1/me"), 401, "unauthenticated")
        listing = self.server.cli("user", "list").stdout
        self.assertIn("leaving", listing)

    def test_user_add_refuses_a_short_password(self):
        p = self.server.cli("user", "add", "shorty", "--role", "viewer", "--password-stdin",
                            input="elevenchars\n", check=False)
        self.assertNotEqual(p.returncode, 0)
        self.assertTrue(p.stderr.strip())
        self.assertNotIn("shorty", self.server.cli("user", "list").stdout)
        r = self.server.anon().login("shorty", "elevenchars")
        self.assertError(r, 401, "unauthenticated")
        # Twelve characters are enough.
        self.server.add_user("twelve", "viewer", password="twelve-chars")
        self.assertStatus(self.server.anon().login("twelve", "twelve-chars"), 200)

    def test_user_add_spoc_needs_a_town(self):
        p = self.server.cli("user", "add", "spoc_nowhere", "--role", "spoc", "--password-stdin",
                            input="a-long-enough-password\n", check=False)
        self.assertNotEqual(p.returncode, 0)
        self.assertNotIn("spoc_nowhere", self.server.cli("user", "list").stdout)

    def test_user_list_shows_no_password_hashes(self):
        out = self.server.cli("user", "list").stdout
        for name in ("admin", "analyst", "spoc_gent", "viewer"):
            self.assertIn(name, out)
        self.assertNotIn("argon2", out)
        for pw in self.server.passwords.values():
            self.assertNotIn(pw, out)

    # -- throttling per user -----------------------------------------------
    def test_failed_logins_throttle_that_user_then_the_window_ends(self):
        pw = self.server.passwords["throttled"]
        for i in range(LIMIT):
            r = self.server.anon().login("throttled", "wrong-password-%d-xxxx" % i)
            self.assertError(r, 401, "unauthenticated", msg="failure %d of %d" % (i + 1, LIMIT))
        # Now even the right password is refused, with Retry-After.
        r = self.server.anon().login("throttled", pw)
        self.assertError(r, 429, "rate_limited")
        retry = r.header("Retry-After")
        self.assertIsNotNone(retry, "429 without Retry-After")
        self.assertRegex(retry, r"^\d+$")
        self.assertGreaterEqual(int(retry), 1)
        self.assertLessEqual(int(retry), WINDOW)
        self.assertEqual(r.header_all("Set-Cookie"), [])
        # Another user is not affected.
        self.assertStatus(self.server.anon().login("throttled2", self.server.passwords["throttled2"]), 200)
        # After the window the right password works again.
        time.sleep(int(retry) + 0.5)
        self.assertStatus(self.server.anon().login("throttled", pw), 200)


class AddressThrottleTest(ServerTestCase):
    """Many failed logins from one address, each for a different user name,
    end in 429 for every user from that address (a higher limit than per
    user). WARROOM_LOGIN_ADDR_LIMIT is set low to keep the test short; if the
    server ignores it, the test keeps trying up to MAX_TRIES."""

    ADDR_LIMIT = 8
    MAX_TRIES = 120
    DEMO = False
    SERVER_ENV = {"WARROOM_LOGIN_LIMIT": "3", "WARROOM_LOGIN_WINDOW": "60",
                  "WARROOM_LOGIN_ADDR_LIMIT": str(ADDR_LIMIT)}
    USERS = [("admin", "admin", None, None)]

    def test_failures_from_one_address_throttle_every_user(self):
        throttled_at = None
        for i in range(self.MAX_TRIES):
            r = self.server.anon().login("ghost-%d" % i, "wrong-password-xxxx")
            if r.status == 429:
                throttled_at = i
                break
            self.assertError(r, 401, "unauthenticated")
        self.assertIsNotNone(throttled_at, "no 429 after %d failed logins from one address"
                             % self.MAX_TRIES)
        self.assertGreater(throttled_at, 3, "the per-address limit must be above the per-user one")
        r = self.server.anon().login("admin", self.server.passwords["admin"])
        self.assertError(r, 429, "rate_limited")
        self.assertRegex(r.header("Retry-After") or "", r"^\d+$")
        # A bearer token is not a login: it keeps working.
        self.assertStatus(self.admin.get("/api/v1/me"), 200)


class PublicHttpsUrlTest(ServerTestCase):
    """Behind TLS (--public-url https://...) the session cookie is Secure."""

    DEMO = False
    SERVE_ARGS = ("--public-url", "https://warroom.example")
    USERS = [("admin", "admin", None, None)]

    def test_cookie_is_secure_behind_https(self):
        c = self.server.anon()
        r = c.login("admin", self.server.passwords["admin"])
        self.assertStatus(r, 200)
        session = [cookie_attrs(h) for h in r.header_all("Set-Cookie")
                   if h.startswith("warroom_session=")]
        self.assertEqual(len(session), 1)
        attrs = session[0][2]
        self.assertIn("secure", attrs)
        self.assertIn("httponly", attrs)
        self.assertEqual(attrs.get("samesite", "").lower(), "strict")


if __name__ == "__main__":
    harness.main()
