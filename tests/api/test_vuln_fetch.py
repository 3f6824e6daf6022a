"""Vulnerability feeds fetched from a URL (issue 7, docs/vulns.md "Fetching
feeds on a schedule"), against a feed server on loopback in this file: the
real KEV catalogue (with ETag: the second fetch is a 304 and imports
nothing), a CVE record matched to a town's software, a Shadowserver report
named by Content-Disposition (gzip-encoded); a 500, a malformed body, too
large a body and a redirect to http recorded as the source's error with no
data changed; a token sent as a bearer token and never shown back; a
non-loopback http:// URL refused; roles; and the server's own job fetching
a due source without being asked."""

import gzip
import http.server
import ipaddress
import json
import os
import sys
import threading
import time

sys.dont_write_bytecode = True
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import harness  # noqa: E402
from harness import NIS_GENT, ServerTestCase, items_of, org_by_nis  # noqa: E402

FIX = os.path.join(harness.source_dir(), "tests", "fixtures")
KEV_JSON = os.path.join(FIX, "kev", "known_exploited_vulnerabilities.json")
ESXI_CVE = os.path.join(FIX, "cve", "cve5", "2024", "37xxx", "CVE-2024-37085.json")
ESXI = "CVE-2024-37085"
TOKEN = "feed-token-" + os.urandom(12).hex()
SS_HEADER = '"timestamp","ip","port","hostname","tag","asn","geo","region","city","naics","sector"\n'
SS_NAME = "2026-11-27-scan_rdp-belgium-geo.csv"
FETCH_MAX = 2 * 1024 * 1024  # the KEV catalogue (1.2 MB) fits, the big body not


def read(path):
    with open(path, "rb") as f:
        return f.read()


class _Feed(http.server.BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def do_GET(self):  # noqa: N802 (the http.server naming)
        feed = self.server.feed
        path = self.path.split("?")[0]
        with feed.lock:
            feed.requests.append((path, dict(self.headers.items())))
            route = dict(feed.routes.get(path) or {"status": 404, "body": b"no such feed"})
        status, body, headers = route.get("status", 200), route.get("body", b""), dict(route.get("headers", {}))
        etag = route.get("etag")
        if etag:
            headers["ETag"] = etag
            if self.headers.get("If-None-Match") == etag:
                status, body = 304, b""
        if status == 200 and route.get("gzip") and "gzip" in (self.headers.get("Accept-Encoding") or ""):
            body = gzip.compress(body)
            headers["Content-Encoding"] = "gzip"
        self.send_response(status)
        for k, v in headers.items():
            self.send_header(k, v)
        if status != 304:
            self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        if status != 304:
            try:
                self.wfile.write(body)
            except (BrokenPipeError, ConnectionResetError):
                pass  # the client stopped reading: too large a body

    def log_message(self, *args):
        pass


class FeedServer:
    def __init__(self):
        self.lock = threading.Lock()
        self.routes, self.requests = {}, []
        self.httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), _Feed)
        self.httpd.feed = self
        self.port = self.httpd.server_address[1]
        threading.Thread(target=self.httpd.serve_forever, daemon=True).start()

    def url(self, path):
        return "http://127.0.0.1:%d%s" % (self.port, path)

    def serve(self, path, **route):
        with self.lock:
            self.routes[path] = route

    def got(self, path):
        with self.lock:
            return [h for p, h in self.requests if p == path]

    def stop(self):
        self.httpd.shutdown()
        self.httpd.server_close()


class FeedTestCase(ServerTestCase):
    @classmethod
    def prepare_server(cls):
        cls.server.secrets.add(TOKEN)
        cls.feed = FeedServer()
        cls.c = {n: cls.server.client(token=cls.server.create_token(n))
                 for n in ("analyst", "spoc_gent", "viewer")}
        cls.gent = org_by_nis(cls.c["analyst"], NIS_GENT)

    @classmethod
    def tearDownClass(cls):
        cls.feed.stop()
        super().tearDownClass()

    def add(self, kind, path, **more):
        r = self.admin.post("/api/v1/vulns/sources", dict(kind=kind, url=self.feed.url(path), **more))
        self.assertStatus(r, 201)
        return r.json

    def count(self, table):
        return self.server.sql("SELECT count(*) FROM %s" % table)[0][0]


class FetchNow(FeedTestCase):
    # The job stays off: every fetch here is asked for.
    SERVER_ENV = {"WARROOM_FETCH_CHECK_INTERVAL": "0", "WARROOM_FETCH_MAX": str(FETCH_MAX)}

    def fetch(self, src):
        """`warroom vulns fetch ID` (exit 1 when the fetch failed), then the source."""
        p = self.server.cli("vulns", "fetch", src["id"], check=False)
        r = self.c["analyst"].get("/api/v1/vulns/sources/%d" % src["id"])
        self.assertStatus(r, 200)
        self.assertEqual(p.returncode, 1 if r.json["last_status"] in ("failed", "refused") else 0, p.stderr)
        self.assertIn(r.json["last_status"], p.stdout)
        return r.json

    def test_1_kev_imported_then_304_token_hidden(self):
        entries = json.loads(read(KEV_JSON))["vulnerabilities"]
        self.feed.serve("/kev.json", body=read(KEV_JSON), etag='"kev-2026-11-28"',
                        headers={"Content-Type": "application/json"})
        # Who may: an admin adds, the analyst neither adds nor removes, the
        # viewer and a SPOC do not even see the sources.
        self.assertError(self.c["analyst"].post("/api/v1/vulns/sources", {"kind": "kev", "url": self.feed.url("/kev.json")}),
                         403, "forbidden")
        src = self.add("kev", "/kev.json", every="24h", token=TOKEN)
        self.assertEqual((src["kind"], src["every"], src["enabled"], src["last_status"]), ("kev", 86400, True, None))
        self.assertEqual(src["auth"], {"header": "Authorization", "hint": TOKEN[-4:]})
        for who in ("viewer", "spoc_gent"):
            self.assertStatus(self.c[who].get("/api/v1/vulns/sources"), 403)
            self.assertStatus(self.c[who].post("/api/v1/vulns/sources/%d/fetch" % src["id"], {}), 403)
        # This server's job is off: the API cannot have it fetched.
        self.assertError(self.c["analyst"].post("/api/v1/vulns/sources/%d/fetch" % src["id"], {}), 409, "conflict")
        listed = self.c["analyst"].get("/api/v1/vulns/sources")
        self.assertStatus(listed, 200)
        self.assertNotIn(TOKEN, listed.text)
        self.assertNotIn(TOKEN, self.c["analyst"].get("/api/v1/vulns/sources/%d" % src["id"]).text)
        self.assertIn(src["id"], [s["id"] for s in listed.json["items"]])

        got = self.fetch(src)
        self.assertEqual(got["last_status"], "imported", got["last_message"])
        self.assertIn("imported %d records from kev.json: %d new" % (len(entries), len(entries)), got["last_message"])
        self.assertEqual(got["etag"], '"kev-2026-11-28"')
        [req] = self.feed.got("/kev.json")
        self.assertEqual(req.get("Authorization"), "Bearer " + TOKEN)
        self.assertNotIn("If-None-Match", req)
        [e] = items_of(self.c["viewer"].get("/api/v1/vulns/kev?cve=" + ESXI))
        self.assertTrue(e["ransomware"])
        self.assertEqual(self.count("vuln_kev"), len({x["cveID"] for x in entries}))

        # Fetched again: the conditional GET answers 304, nothing is imported.
        journal = self.count("journal")
        again = self.fetch(src)
        self.assertEqual(again["last_status"], "unchanged")
        self.assertIn("304", again["last_message"])
        self.assertEqual(self.feed.got("/kev.json")[-1].get("If-None-Match"), '"kev-2026-11-28"')
        self.assertEqual(self.count("journal"), journal)
        # Without an ETag the same file is downloaded again and changes nothing.
        self.feed.serve("/kev.json", body=read(KEV_JSON))
        same = self.fetch(src)
        self.assertEqual(same["last_status"], "unchanged")
        self.assertIn("0 new, 0 changed, %d unchanged" % len(entries), same["last_message"])
        self.assertEqual(self.count("journal"), journal)

    def test_2_failures_change_nothing(self):
        self.feed.serve("/kev-base.json", body=json.dumps({"vulnerabilities": []}).encode())
        kev = self.count("vuln_kev")
        findings = self.count("findings")
        moved = {"status": 302, "headers": {"Location": self.feed.url("/kev-base.json")}}
        cases = [
            ("/broken.json", {"body": b'{"vulnerabilities": [{"cveID": '}, "refused", "JSON", {}),
            ("/down.json", {"status": 500, "body": b"oops"}, "failed", "answered 500", {}),
            ("/big.json", {"body": b" " * (FETCH_MAX + 1)}, "failed", "larger than %d bytes" % FETCH_MAX, {}),
            ("/moved.json", moved, "failed", "not https", {}),
            # a header of another name than Authorization is not taken along a redirect
            ("/moved-key.json", moved, "failed", "answered 302, a redirect not followed", {"header": "apiKey: k"}),
        ]
        for path, route, status, words, more in cases:
            self.feed.serve(path, **route)
            src = self.add("kev", path, every="24h", **more)
            journal = self.count("journal")
            got = self.fetch(src)
            self.assertEqual(got["last_status"], status, "%s: %s" % (path, got["last_message"]))
            self.assertIn(words, got["last_message"], path)
            self.assertEqual((self.count("vuln_kev"), self.count("findings"), self.count("journal")),
                             (kev, findings, journal), path)
            self.assertEqual(got["failures"], 1)
            self.assertIsNone(got["etag"])
            # The next attempt comes after an hour, not after the day.
            due = time.mktime(time.strptime(got["next_due_at"], "%Y-%m-%dT%H:%M:%SZ"))
            at = time.mktime(time.strptime(got["last_fetch_at"], "%Y-%m-%dT%H:%M:%SZ"))
            self.assertEqual(due - at, 3600, path)
        self.assertEqual(self.feed.got("/kev-base.json"), [])  # the redirect was not followed
        self.assertEqual([f for f in os.listdir(self.server.dir) if f.startswith(".fetch-")], [])

    def test_3_cve_record_matched_to_software(self):
        r = self.c["analyst"].post("/api/v1/orgs/%d/assets" % self.gent["id"],
                                   {"type": "software", "cpe": "cpe:2.3:o:vmware:esxi:7.0.0:*:*:*:*:*:*:*"})
        self.assertStatus(r, 201)
        asset = r.json
        self.feed.serve("/cve/CVE-2024-37085.json", body=read(ESXI_CVE))
        src = self.add("cve", "/cve/CVE-2024-37085.json", every="6h")
        got = self.fetch(src)
        self.assertEqual(got["last_status"], "imported", got["last_message"])
        self.assertIn("imported 1 records from CVE-2024-37085.json", got["last_message"])
        mine = [f for f in items_of(self.c["spoc_gent"].get("/api/v1/findings?limit=1000"))
                if f["issue"] == ESXI and f["asset_id"] == asset["id"]]
        self.assertEqual(len(mine), 1)
        self.assertEqual(mine[0]["status"], "open")

    def ip_of(self, org):
        prefix = self.server.sql("SELECT value FROM assets WHERE type = 'cidr' AND org_id = ? ORDER BY id",
                                 (org["id"],))[0][0]
        return str(next(ipaddress.ip_network(prefix).hosts()) + 7)

    def test_4_shadowserver_named_by_content_disposition(self):
        ip = self.ip_of(self.gent)
        csv = (SS_HEADER + '"2026-11-27 03:12:45","%s",3389,"","rdp","5432","BE","","","",""\n' % ip).encode()
        self.feed.serve("/download", body=csv, gzip=True,
                        headers={"Content-Disposition": "attachment; filename=\"%s\"" % SS_NAME})
        src = self.add("shadowserver", "/download?id=abc123", every="1d")
        got = self.fetch(src)
        self.assertEqual(got["last_status"], "imported", got["last_message"])
        self.assertIn("imported 1 rows from %s: 1 routed to a town" % SS_NAME, got["last_message"])
        self.assertIn("gzip", self.feed.got("/download")[0].get("Accept-Encoding", ""))
        mine = [f for f in items_of(self.c["spoc_gent"].get("/api/v1/findings?limit=1000")) if f["ip"] == ip]
        self.assertEqual([(f["issue"], f["status"]) for f in mine], [("exposed RDP", "open")])
        # The same report again (no ETag): already imported, nothing changes.
        findings = self.server.sql("SELECT id, times_seen, last_seen FROM findings ORDER BY id")
        again = self.fetch(src)
        self.assertEqual(again["last_status"], "unchanged")
        self.assertIn("already imported", again["last_message"])
        self.assertEqual(self.server.sql("SELECT id, times_seen, last_seen FROM findings ORDER BY id"), findings)

        # Named by the URL's last segment; a name that is not a report, and
        # no name at all, are refused.
        self.feed.serve("/reports/2026-11-28-scan_rdp-belgium-geo.csv", body=csv.replace(b"11-27", b"11-28"))
        byurl = self.fetch(self.add("shadowserver", "/reports/2026-11-28-scan_rdp-belgium-geo.csv"))
        self.assertEqual(byurl["last_status"], "imported", byurl["last_message"])
        self.feed.serve("/dl/xyz", body=csv)
        self.feed.serve("/dl/", body=csv)
        batches = self.count("vuln_batches")
        bad = self.fetch(self.add("shadowserver", "/dl/xyz"))
        self.assertEqual(bad["last_status"], "refused")
        self.assertIn("xyz: a Shadowserver report is named YYYY-MM-DD", bad["last_message"])
        none = self.fetch(self.add("shadowserver", "/dl/"))
        self.assertEqual(none["last_status"], "refused")
        self.assertIn("names no file", none["last_message"])
        self.feed.serve("/evil", body=csv, headers={"Content-Disposition": 'attachment; filename="../%s"' % SS_NAME})
        evil = self.fetch(self.add("shadowserver", "/evil"))
        self.assertEqual(evil["last_status"], "refused")  # the name with a directory is not taken
        self.assertEqual(self.count("vuln_batches"), batches)

    def test_5_refused_sources_and_the_command_line(self):
        for body, field in (({"kind": "kev", "url": "http://www.cisa.gov/kev.json"}, "url"),
                            ({"kind": "kev", "url": "http://10.1.2.3/kev.json"}, "url"),
                            ({"kind": "kev", "url": "ftp://127.0.0.1/kev.json"}, "url"),
                            ({"kind": "kev", "url": "https://u:p@example.org/kev.json"}, "url"),
                            ({"kind": "misp", "url": "https://example.org/x"}, "kind"),
                            ({"kind": "kev", "url": "https://example.org/x", "every": "10s"}, "every"),
                            ({"kind": "kev", "url": "https://example.org/x", "token": "a b"}, "token"),
                            ({"kind": "kev", "url": "https://example.org/x", "header": "X-Key:\r\nEvil: 1"}, "header")):
            self.assertError(self.admin.post("/api/v1/vulns/sources", body), 422, "invalid", field=field)
        p = self.server.cli("vulns", "sources", "add", "kev", "http://www.cisa.gov/kev.json", check=False)
        self.assertNotEqual(p.returncode, 0)
        self.assertIn("must be https", p.stderr)

        self.feed.serve("/cli-kev.json", body=json.dumps({"vulnerabilities": []}).encode())
        p = self.server.cli("vulns", "sources", "add", "kev", self.feed.url("/cli-kev.json"), "--every", "12h",
                            "--header", "X-Api-Key: " + TOKEN)
        sid = int(p.stdout.split("feed source ")[1].split(":")[0])
        p = self.server.cli("vulns", "fetch", sid)
        self.assertIn("imported 0 records", p.stdout)
        self.assertEqual(self.feed.got("/cli-kev.json")[-1].get("X-Api-Key"), TOKEN)
        listed = self.server.cli("vulns", "sources", "list").stdout
        self.assertIn("X-Api-Key", listed)
        self.assertNotIn(TOKEN, listed)
        # Changed through the API by an admin: a shorter interval, the key removed.
        self.assertStatus(self.c["analyst"].patch("/api/v1/vulns/sources/%d" % sid, {"every": "1h"}), 403)
        r = self.admin.patch("/api/v1/vulns/sources/%d" % sid, {"every": "1h", "header": None})
        self.assertStatus(r, 200)
        self.assertEqual((r.json["every"], r.json["auth"]), (3600, None))
        self.assertError(self.admin.patch("/api/v1/vulns/sources/%d" % sid, {"every": "1y"}), 422, "invalid",
                         field="every")
        self.server.cli("vulns", "sources", "disable", sid)
        self.assertFalse(self.c["analyst"].get("/api/v1/vulns/sources/%d" % sid).json["enabled"])
        self.assertStatus(self.c["analyst"].delete("/api/v1/vulns/sources/%d" % sid), 403)
        self.assertStatus(self.admin.delete("/api/v1/vulns/sources/%d" % sid), 204)
        self.assertStatus(self.c["analyst"].get("/api/v1/vulns/sources/%d" % sid), 404)
        self.assertStatus(self.c["analyst"].post("/api/v1/vulns/sources/%d/fetch" % sid, {}), 404)
        self.assertIn("no such feed source", self.server.cli("vulns", "fetch", sid, check=False).stderr)


class FetchScheduled(FeedTestCase):
    # The job looks every second: a new source is due at once.
    SERVER_ENV = {"WARROOM_FETCH_CHECK_INTERVAL": "1"}

    def test_job_fetches_a_due_source(self):
        self.feed.serve("/kev.json", body=read(KEV_JSON), etag='"v1"')
        src = self.add("kev", "/kev.json", every="1h")
        deadline = time.monotonic() + 30
        got = src
        while time.monotonic() < deadline and got["last_status"] is None:
            time.sleep(0.2)
            got = self.c["analyst"].get("/api/v1/vulns/sources/%d" % src["id"]).json
        self.assertEqual(got["last_status"], "imported", got)
        self.assertGreater(self.count("vuln_kev"), 1000)
        # Then not again before the hour is over.
        time.sleep(2.5)
        self.assertEqual(len(self.feed.got("/kev.json")), 1)
        due = time.mktime(time.strptime(got["next_due_at"], "%Y-%m-%dT%H:%M:%SZ"))
        at = time.mktime(time.strptime(got["last_fetch_at"], "%Y-%m-%dT%H:%M:%SZ"))
        self.assertEqual(due - at, 3600)
        self.assertIn("source %d (kev): imported" % src["id"], self.server.stderr_text())

        # Asked for through the API: 202, the job fetches it (a 304 now).
        self.assertStatus(self.c["viewer"].post("/api/v1/vulns/sources/%d/fetch" % src["id"], {}), 403)
        r = self.c["analyst"].post("/api/v1/vulns/sources/%d/fetch" % src["id"], {})
        self.assertStatus(r, 202)
        while time.monotonic() < deadline + 30 and len(self.feed.got("/kev.json")) < 2:
            time.sleep(0.2)
        for _ in range(50):
            got = self.c["analyst"].get("/api/v1/vulns/sources/%d" % src["id"]).json
            if not got["fetching"] and got["last_status"] == "unchanged":
                break
            time.sleep(0.2)
        self.assertEqual((got["last_status"], self.feed.got("/kev.json")[-1].get("If-None-Match")),
                         ("unchanged", '"v1"'))
        # A disabled source is not fetched, asked or not.
        off = self.add("kev", "/kev.json", enabled=False)
        self.assertError(self.c["analyst"].post("/api/v1/vulns/sources/%d/fetch" % off["id"], {}), 409,
                         "conflict", field="enabled")
        self.assertStatus(self.c["analyst"].post("/api/v1/vulns/sources/999999/fetch", {}), 404)


if __name__ == "__main__":
    harness.main()
