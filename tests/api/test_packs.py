"""Signed indicator packs end to end: a town downloads its pack with the
API, saves pack and signature, and `warroom sweep` (which checks the
signature) finds the hit in a log; one changed byte and the sweep refuses.
The pack holds what the town may see, never RED, expired or false-positive
indicators; ?since= gives a delta."""

import json
import os
import subprocess
import sys
import tempfile

sys.dont_write_bytecode = True  # no __pycache__ in the source tree
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import harness  # noqa: E402
from harness import ServerTestCase  # noqa: E402

FIX = os.path.join(harness.source_dir(), "tests", "fixtures")

CSV = """value,type,tags
green-pack.example,domain,tlp:green;play
amber-pack.example,domain,tlp:amber
red-pack.example,domain,tlp:red
8.8.8.8,ipv4,tlp:green
203.0.113.66,ipv4,tlp:clear
"""

EXPIRED = {"type": "bundle", "id": "bundle--33333333-3333-4333-8333-333333333333", "objects": [
    {"type": "indicator", "spec_version": "2.1", "id": "indicator--33333333-3333-4333-8333-000000000001",
     "created": "2020-01-01T00:00:00Z", "modified": "2020-01-01T00:00:00Z",
     "pattern": "[domain-name:value = 'expired-pack.example']", "pattern_type": "stix",
     "valid_from": "2020-01-01T00:00:00Z", "valid_until": "2021-01-01T00:00:00Z"}]}


class PackTest(ServerTestCase):
    @classmethod
    def prepare_database(cls, server):
        server.cli("import", "warninglist", os.path.join(FIX, "warninglists", "public-dns-v4", "list.json"))

    @classmethod
    def prepare_server(cls):
        for fmt, raw in (("csv", CSV), ("stix", json.dumps(EXPIRED))):
            r = cls.admin.post("/api/v1/indicators/import?format=" + fmt, raw=raw)
            assert r.status == 200, r.text

    def download(self, who, since=None):
        r = self.session(who).get("/api/v1/packs/current" + ("?since=%d" % since if since else ""))
        self.assertStatus(r, 200)
        return r

    def values(self, body, key="indicators"):
        return {i["value"] for i in json.loads(body)[key]}

    def test_contents(self):
        r = self.download("spoc_gent")
        got = self.values(r.body)
        self.assertIn("green-pack.example", got)
        self.assertIn("amber-pack.example", got)
        self.assertIn("203.0.113.66", got)
        self.assertNotIn("red-pack.example", got)       # RED never
        self.assertNotIn("expired-pack.example", got)   # valid_until passed
        self.assertNotIn("8.8.8.8", got)                # on a false-positive list
        self.assertGreater(int(r.header("X-Warroom-Pack-Version")), 0)
        self.assertEqual(json.loads(r.body)["format"], "warroom-pack")

    def test_viewer_gets_none(self):
        r = self.session("viewer").get("/api/v1/packs/current")
        self.assertStatus(r, 403)

    def test_sweep_end_to_end(self):
        r = self.download("spoc_gent")
        key = self.server.client().get("/api/v1/packs/key")
        self.assertStatus(key, 200)
        cli_key = self.server.cli("pack-key").stdout
        self.assertEqual(cli_key.strip(), key.text.strip())
        with tempfile.TemporaryDirectory() as d:
            pack, pub, log = (os.path.join(d, n) for n in ("pack.json", "warroom.pub", "proxy.log"))
            with open(pack, "wb") as f:
                f.write(r.body)
            with open(pack + ".sig", "w") as f:
                f.write(r.header("X-Warroom-Pack-Signature") + "\n")
            with open(pub, "w") as f:
                f.write(key.text)
            with open(log, "w") as f:
                f.write("2026-11-28T10:00:00Z GET http://www.green-pack.example/x 200\n"
                        "2026-11-28T10:00:01Z GET http://clean.example/ 200\n")
            env = dict(os.environ)
            p = subprocess.run([harness.binary(), "sweep", "--iocs", pack, "--pack-key", pub, log],
                               capture_output=True, text=True, env=env, timeout=60)
            self.assertEqual(p.returncode, 1, p.stderr)
            self.assertIn("green-pack.example", p.stdout)
            data = bytearray(r.body)
            i = data.index(b"green-pack")
            data[i] = ord("G")
            with open(pack, "wb") as f:
                f.write(bytes(data))
            p = subprocess.run([harness.binary(), "sweep", "--iocs", pack, "--pack-key", pub, log],
                               capture_output=True, text=True, env=env, timeout=60)
            self.assertEqual(p.returncode, 2, p.stdout + p.stderr)
            self.assertNotIn("green-pack.example", p.stdout)

    def test_backup_carries_the_keys(self):
        """`warroom backup FILE` copies the signing key beside FILE (0600):
        a restored war room signs packs the towns already trust."""
        self.assertStatus(self.server.client().get("/api/v1/packs/key"), 200)  # made on first use
        dest = os.path.join(self.server.dir, "backup.db")
        self.server.cli("backup", dest)
        with open(self.server.db + ".pack.key", "rb") as f, open(dest + ".pack.key", "rb") as g:
            self.assertEqual(f.read(), g.read())
        self.assertEqual(os.stat(dest + ".pack.key").st_mode & 0o777, 0o600)
        self.assertTrue(os.path.exists(dest + ".pack.pub"))

    def test_delta(self):
        v = int(self.download("spoc_gent").header("X-Warroom-Pack-Version"))
        r = self.admin.post("/api/v1/indicators/import?format=list&tlp=green", raw="delta-pack.example\n")
        self.assertStatus(r, 200)
        amber = [i for i in harness.items_of(self.admin.get("/api/v1/indicators?q=amber-pack.example"))][0]
        self.assertStatus(self.admin.patch("/api/v1/indicators/%d" % amber["id"], {"status": "revoked"}), 200)
        d = self.download("spoc_gent", since=v)
        self.assertEqual(self.values(d.body), {"delta-pack.example"})
        self.assertEqual(self.values(d.body, "removed"), {"amber-pack.example"})
        self.assertGreater(int(d.header("X-Warroom-Pack-Version")), v)
        self.assertNotIn("amber-pack.example", self.values(self.download("spoc_gent").body))


if __name__ == "__main__":
    harness.main()
