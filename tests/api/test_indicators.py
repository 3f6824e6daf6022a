"""Indicators end to end (issue 5, docs/intel.md): imports merged per value
with TLP, what each role may see, the group export without TLP:RED, the
signed pack a town downloads and sweeps with `warroom sweep`, and the
sightings that sweep sends back."""

import csv
import io
import json
import os
import subprocess
import sys
import tempfile

sys.dont_write_bytecode = True
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import harness  # noqa: E402
from harness import NIS_ANTWERPEN, NIS_GENT, ServerTestCase, items_of, org_by_nis  # noqa: E402

FIX = os.path.join(harness.source_dir(), "tests", "fixtures")
# One value per TLP, imported as plain lists with ?tlp=.
BY_TLP = {"CLEAR": "clear-c2.example", "GREEN": "green-c2.example", "AMBER": "198.51.100.23",
          "AMBER+STRICT": "strict-c2.example", "RED": "red-c2.example"}


class Indicators(ServerTestCase):
    USERS = ServerTestCase.USERS + [("prov", "provider", None, "provider0")]

    @classmethod
    def prepare_server(cls):
        s = cls.server
        cls.tok = {n: s.create_token(n) for n in ("analyst", "spoc_gent", "spoc_antwerpen", "prov", "viewer")}
        cls.c = {n: s.client(token=t) for n, t in cls.tok.items()}
        for tlp, value in BY_TLP.items():
            r = cls.c["analyst"].request("POST", "/api/v1/indicators/import?tlp=%s&source=ir-2026-017"
                                         % tlp.replace("+", "%2B"), raw=value + "\n", content_type="text/plain")
            if r.status != 200:
                raise RuntimeError("import %s: %r" % (tlp, r))

    def values(self, who, **q):
        qs = "&".join("%s=%s" % kv for kv in q.items())
        r = self.c[who].get("/api/v1/indicators?limit=1000" + ("&" + qs if qs else ""))
        self.assertStatus(r, 200)
        return {it["value"]: it for it in items_of(r)}

    def test_import_merges_and_counts(self):
        a = self.c["analyst"]
        body = "# Play campaign\nhxxp://play-drop[.]example/x.exe\n203.0.113.77\n203.0.113.77\n"
        r = a.request("POST", "/api/v1/indicators/import?source=cert.be", raw=body, content_type="text/plain")
        self.assertStatus(r, 200)
        self.assertEqual((r.json["read"], r.json["added"], r.json["merged"]), (2, 2, 0), r.json)
        self.assertEqual(r.json["per_type"], {"url": 1, "ipv4": 1})
        # The same file again changes nothing; another source merges into the same rows.
        r = a.request("POST", "/api/v1/indicators/import?source=cert.be", raw=body, content_type="text/plain")
        self.assertEqual((r.json["added"], r.json["merged"]), (0, 0), r.json)
        r = a.request("POST", "/api/v1/indicators/import?source=ccb", raw=body, content_type="text/plain")
        self.assertEqual((r.json["added"], r.json["merged"]), (0, 2), r.json)
        got = self.values("analyst", q="play-drop")
        self.assertEqual(list(got), ["http://play-drop.example/x.exe"], "refanged and canonical")
        self.assertEqual(sorted(got["http://play-drop.example/x.exe"]["sources"]), ["ccb", "cert.be"])
        self.assertEqual(got["http://play-drop.example/x.exe"]["tlp"], "AMBER", "AMBER when nothing says")

    def test_misp_fixture_counted_independently(self):
        path = os.path.join(FIX, "misp", "57c4445b-c548-4654-af0b-4be3950d210f.json")
        with open(path, "rb") as f:
            raw = f.read()
        ev = json.loads(raw)["Event"]
        attrs = list(ev.get("Attribute", [])) + [a for o in ev.get("Object", []) for a in o.get("Attribute", [])]
        swept = {"ip-src", "ip-dst", "domain", "hostname", "url", "uri", "md5", "sha1", "sha256",
                 "email-src", "email-dst", "email", "filename"}
        want = {(a["type"], a["value"]) for a in attrs if a.get("to_ids") and a["type"] in swept}
        r = self.c["analyst"].request("POST", "/api/v1/indicators/import?name=misp-event", raw=raw)
        self.assertStatus(r, 200)
        self.assertEqual(r.json["read"], len(want), (r.json, want))
        self.assertTrue(r.json["skipped"], "what is not taken is reported")

    def test_malformed_refused_nothing_stored(self):
        before = self.server.sql("SELECT count(*) FROM indicators")[0][0]
        bad = b'{"type": "bundle", "objects": [{"type": "indicator", "pattern": "[ipv4-addr:value = \'10.9.9.9\']"'
        r = self.c["analyst"].request("POST", "/api/v1/indicators/import", raw=bad)
        self.assertError(r, 400, "parse_error")
        self.assertEqual(self.server.sql("SELECT count(*) FROM indicators")[0][0], before)
        r = self.c["spoc_gent"].request("POST", "/api/v1/indicators/import", raw=b"evil.example\n",
                                        content_type="text/plain")
        self.assertError(r, 403, "forbidden")
        r = self.c["analyst"].request("POST", "/api/v1/indicators/import?tlp=PURPLE", raw=b"x.example\n",
                                      content_type="text/plain")
        self.assertError(r, 422, "invalid", field="tlp")

    def test_tlp_per_role(self):
        seen = {who: {t for t, v in BY_TLP.items() if v in self.values(who)}
                for who in ("analyst", "spoc_gent", "prov")}
        self.assertEqual(seen["analyst"], set(BY_TLP))
        self.assertEqual(seen["spoc_gent"], {"CLEAR", "GREEN", "AMBER"})
        self.assertEqual(seen["prov"], {"CLEAR", "GREEN"})
        self.assertStatus(self.c["viewer"].get("/api/v1/indicators"), 403)
        self.assertEqual(set(self.values("analyst", tlp="RED")), {BY_TLP["RED"]})

    def test_group_export_never_red(self):
        for who in ("analyst", "spoc_gent"):
            r = self.c[who].get("/api/v1/indicators/export?format=csv")
            self.assertStatus(r, 200)
            self.assertTrue(r.header("Content-Type").startswith("text/csv"))
            rows = list(csv.DictReader(io.StringIO(r.text)))
            tlps = {row["tlp"] for row in rows}
            self.assertNotIn("RED", tlps, who)
            if who == "spoc_gent":
                self.assertNotIn("AMBER+STRICT", tlps)
        r = self.c["analyst"].get("/api/v1/indicators/export?format=stix")
        self.assertStatus(r, 200)
        self.assertEqual(r.json["type"], "bundle")
        self.assertError(self.c["analyst"].get("/api/v1/indicators/export?format=xml"), 422,
                         "invalid", field="format")

    def test_pack_sweep_and_sightings(self):
        spoc = self.c["spoc_gent"]
        r = spoc.get("/api/v1/packs/current")
        self.assertStatus(r, 200)
        pack = r.body
        doc = json.loads(pack)
        values = {i["value"] for i in doc["indicators"]}
        self.assertIn(BY_TLP["GREEN"], values)
        self.assertNotIn(BY_TLP["RED"], values)
        self.assertNotIn(BY_TLP["AMBER+STRICT"], values)
        sig = spoc.get("/api/v1/packs/current.sig")
        self.assertStatus(sig, 200)
        key = self.server.anon().get("/api/v1/packs/key")
        self.assertStatus(key, 200)
        self.assertTrue(key.text.startswith("warroom-pack-key 1 "))
        with tempfile.TemporaryDirectory() as d:
            pp, kp, log = (os.path.join(d, n) for n in ("pack.json", "warroom-pack.pub", "proxy.log"))
            with open(pp, "wb") as f:
                f.write(pack)
            with open(pp + ".sig", "w") as f:
                f.write(sig.text)
            with open(kp, "w") as f:
                f.write(key.text)
            with open(log, "w") as f:
                f.write("2026-11-28T03:10:00Z CONNECT www.green-c2.example:443\n"
                        "2026-11-28T03:11:00Z CONNECT quiet.example:443\n")
            sweep = [self.server.bin, "sweep", "--iocs", pp, "--pack-key", kp, "--format", "tsv"]
            p = subprocess.run(sweep + [log], capture_output=True, text=True, timeout=60)
            self.assertEqual(p.returncode, 1, p.stderr)
            self.assertIn("\tgreen-c2.example\tdomain\t", p.stdout)
            # The town sends what it found; the war room sees it, another town does not.
            url = "http://127.0.0.1:%d" % self.server.port
            p = subprocess.run(sweep + ["--report", url, "--token", self.tok["spoc_gent"], log],
                               capture_output=True, text=True, timeout=60)
            self.assertEqual(p.returncode, 1, p.stderr)
            self.assertIn("sightings reported", p.stderr)
            # A changed byte: the sweeper refuses the pack.
            with open(pp, "r+b") as f:
                f.seek(5)
                f.write(b"X")
            p = subprocess.run(sweep + [log], capture_output=True, text=True, timeout=60)
            self.assertEqual(p.returncode, 2, p.stdout + p.stderr)
        gent = org_by_nis(self.admin, NIS_GENT)
        rows = [s for s in items_of(self.c["analyst"].get("/api/v1/sightings"))
                if s["value"] == "green-c2.example"]
        self.assertEqual(len(rows), 1, rows)
        self.assertEqual((rows[0]["org_id"], rows[0]["count"], rows[0]["first_seen"]),
                         (gent["id"], 1, "2026-11-28T03:10:00Z"))
        self.assertEqual([s for s in items_of(self.c["spoc_antwerpen"].get("/api/v1/sightings"))
                          if s["value"] == "green-c2.example"], [])
        # A sighting of a value the store does not hold is counted, not stored.
        r = self.c["spoc_gent"].post("/api/v1/sightings", {"sightings": [
            {"indicator": "unknown.example", "type": "domain", "count": 2}]})
        self.assertStatus(r, 201)
        self.assertEqual((r.json["accepted"], r.json["unknown"]), (0, 1))
        r = self.c["spoc_gent"].post("/api/v1/sightings", {"sightings": [{"indicator": "x", "type": "domain", "count": 0}]})
        self.assertStatus(r, 422)
        self.assertStatus(self.c["viewer"].get("/api/v1/packs/current"), 403)
        # A backup carries the signing key beside the database copy (0600).
        dest = os.path.join(self.server.dir, "backup.db")
        self.server.cli("backup", dest)
        with open(self.server.db + ".pack.key", "rb") as f, open(dest + ".pack.key", "rb") as g:
            self.assertEqual(f.read(), g.read())
        self.assertEqual(os.stat(dest + ".pack.key").st_mode & 0o777, 0o600)
        self.assertTrue(os.path.exists(dest + ".pack.pub"))


if __name__ == "__main__":
    harness.main()
