"""Exports: round trips (STIX -> warroom -> STIX, MISP -> warroom -> MISP
keep every supported value and its TLP, read back by intel_expect.py), the
API export filtered by what the caller may see and never TLP:RED, the MISP
feed directory."""

import json
import os
import sys
import tempfile
import warnings

import jsonschema

sys.dont_write_bytecode = True  # no __pycache__ in the source tree
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import harness  # noqa: E402
import intel_expect  # noqa: E402
from harness import ServerTestCase  # noqa: E402
from test_indicators import TLP2, tlp_bundle  # noqa: E402

FIX = os.path.join(harness.source_dir(), "tests", "fixtures")
MARKING_TLP = {v: k for k, v in TLP2.items()}
MISP_EVENT = os.path.join(FIX, "misp", "57c4445b-c548-4654-af0b-4be3950d210f.json")


def stix_schema_errors(doc):
    """Errors of the bundle and each object against the official STIX 2.1 schemas."""
    store = {}
    for root, _, names in os.walk(os.path.join(FIX, "stix-schemas")):
        for n in names:
            if n.endswith(".json"):
                with open(os.path.join(root, n)) as f:
                    sch = json.load(f)
                store[sch["$id"]] = sch
    base = "http://raw.githubusercontent.com/oasis-open/cti-stix2-json-schemas/stix2.1/schemas/"
    per_type = {"bundle": "common/bundle.json", "indicator": "sdos/indicator.json",
                "identity": "sdos/identity.json", "marking-definition": "common/marking-definition.json"}
    errors = []
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", DeprecationWarning)
        for o in [doc] + doc["objects"]:
            sch = store[base + per_type[o["type"]]]
            v = jsonschema.Draft202012Validator(
                sch, resolver=jsonschema.RefResolver(base_uri=sch["$id"], referrer=sch, store=store))
            errors += ["%s: %s" % (o["id"], e.message) for e in v.iter_errors(o)]
    return errors


def stix_with_tlp(doc):
    """{(type, value): TLP} of an exported bundle."""
    out = {}
    for o in doc["objects"]:
        if o.get("type") != "indicator":
            continue
        tlps = [MARKING_TLP[r] for r in o.get("object_marking_refs", []) if r in MARKING_TLP]
        for t, v in intel_expect._stix_pattern(o["pattern"]) or []:
            out[intel_expect._key(t, v)] = tlps[0] if tlps else None
    return out


class ExportTest(ServerTestCase):
    @classmethod
    def prepare_server(cls):
        bundle = tlp_bundle("export")
        # more types than domains: an address, a URL, a hash, an email, a file name, a CIDR
        extra = [("ipv4-addr:value", "198.51.100.44"), ("url:value", "http://export-url.example/a?b=1"),
                 ("file:hashes.'SHA-256'", "a" * 64), ("email-addr:value", "x@export-mail.example"),
                 ("file:name", "evil-export.exe"), ("ipv4-addr:value", "192.0.2.0/24"),
                 ("ipv6-addr:value", "2001:db8::44"), ("file:hashes.MD5", "b" * 32)]
        for i, (path, v) in enumerate(extra):
            bundle["objects"].append({"type": "indicator", "spec_version": "2.1",
                                      "id": "indicator--44444444-0000-4000-8000-%012d" % i,
                                      "created": "2026-01-01T00:00:00Z", "modified": "2026-01-01T00:00:00Z",
                                      "pattern": "[%s = '%s']" % (path, v), "pattern_type": "stix",
                                      "valid_from": "2026-01-01T00:00:00Z",
                                      "object_marking_refs": [TLP2["GREEN"]]})
        cls.bundle = bundle
        r = cls.admin.post("/api/v1/indicators/import?format=stix", raw=json.dumps(bundle))
        assert r.status == 200, r.text
        with open(MISP_EVENT, "rb") as f:
            r = cls.admin.post("/api/v1/indicators/import?format=misp", raw=f.read())
        assert r.status == 200, r.text

    def test_stix_round_trip(self):
        out = json.loads(self.server.cli("export", "stix").stdout)
        got = stix_with_tlp(out)
        want = {}
        for o in self.bundle["objects"]:
            for t, v in intel_expect._stix_pattern(o["pattern"]):
                want[intel_expect._key(t, v)] = MARKING_TLP[o["object_marking_refs"][0]]
        for k, tlp in want.items():
            self.assertEqual(got.get(k), tlp, k)

    def test_misp_round_trip(self):
        with open(MISP_EVENT) as f:
            want = intel_expect.misp_expected(json.load(f))
        out = json.loads(self.server.cli("export", "misp").stdout)
        got = intel_expect.misp_expected(out)
        self.assertTrue(want)
        self.assertEqual(want - got, set())
        # the event is TLP:WHITE (CLEAR) in its tags: each attribute says so
        ev = out.get("Event", out)
        values = {v for _, v in want}
        tags = {tuple(sorted(t["name"] for t in a.get("Tag", []) if t["name"].startswith("tlp:")))
                for a in ev["Attribute"] if a["value"] in values}
        self.assertEqual(tags, {("tlp:clear",)})

    def test_stix_export_valid(self):
        r = self.session("analyst").get("/api/v1/indicators/export?format=stix")
        self.assertStatus(r, 200)
        self.assertGreater(len(r.json["objects"]), 20)
        self.assertEqual(stix_schema_errors(r.json), [])

    def test_api_export_filtered(self):
        r = self.session("spoc_gent").get("/api/v1/indicators/export?format=stix")
        self.assertStatus(r, 200)
        got = set(stix_with_tlp(r.json).values())
        self.assertEqual(got - {"CLEAR", "GREEN", "AMBER"}, set())
        r = self.session("analyst").get("/api/v1/indicators/export?format=csv")
        self.assertStatus(r, 200)
        self.assertNotIn("export-red.example", r.text)        # never RED to a group
        self.assertIn("export-amber-strict.example", r.text)  # staff see AMBER+STRICT
        r = self.session("analyst").get("/api/v1/indicators/export?format=zeek")
        self.assertStatus(r, 200)
        self.assertIn("198.51.100.44\tIntel::ADDR", r.text)
        r = self.session("analyst").get("/api/v1/indicators/export?format=list&type=domain")
        self.assertStatus(r, 200)
        self.assertIn("export-green.example", r.text.split())
        self.assertNotIn("198.51.100.44", r.text)
        self.assertError(self.admin.get("/api/v1/indicators/export?format=pdf"), 422, "invalid", field="format")
        self.assertStatus(self.session("viewer").get("/api/v1/indicators/export?format=csv"), 403)

    def test_cli_red_and_feed(self):
        self.assertIn("export-red.example", self.server.cli("export", "csv").stdout)
        self.assertNotIn("export-red.example", self.server.cli("export", "csv", "--no-red").stdout)
        with tempfile.TemporaryDirectory() as d:
            self.server.cli("export", "misp-feed", d)
            names = set(os.listdir(d))
            self.assertIn("manifest.json", names)
            self.assertIn("hashes.csv", names)
            with open(os.path.join(d, "manifest.json")) as f:
                (uuid,) = json.load(f).keys()
            self.assertIn(uuid + ".json", names)

    def test_misp_feed_over_http(self):
        """A MISP instance subscribes with a town's token: the manifest names
        one event (stable per audience), the event holds what the town may see
        and hashes.csv has the md5 of each attribute value."""
        import hashlib
        gent = harness.Client(self.server, token=self.server.create_token("spoc_gent", label="misp"))
        r = gent.get("/api/v1/feeds/misp/manifest.json")
        self.assertStatus(r, 200)
        (uuid,) = r.json.keys()
        self.assertEqual(gent.get("/api/v1/feeds/misp/manifest.json").json.keys(), {uuid})  # stable
        r = gent.get("/api/v1/feeds/misp/%s.json" % uuid)
        self.assertStatus(r, 200)
        ev = r.json["Event"]
        self.assertEqual(ev["uuid"], uuid)
        values = {a["value"] for a in ev["Attribute"]}
        self.assertIn("export-green.example", values)
        self.assertIn("export-amber.example", values)
        self.assertNotIn("export-amber-strict.example", values)  # not addressed to Gent
        self.assertNotIn("export-red.example", values)
        r = gent.get("/api/v1/feeds/misp/hashes.csv")
        self.assertStatus(r, 200)
        rows = [line.split(",") for line in r.text.splitlines()]
        self.assertEqual({u for _, u in rows}, {uuid})
        self.assertEqual({h for h, _ in rows}, {hashlib.md5(v.encode()).hexdigest() for v in values})
        # another audience has another event; one's uuid is not another's file
        antwerpen = harness.Client(self.server, token=self.server.create_token("spoc_antwerpen", label="misp"))
        (other,) = antwerpen.get("/api/v1/feeds/misp/manifest.json").json.keys()
        self.assertNotEqual(other, uuid)
        self.assertStatus(antwerpen.get("/api/v1/feeds/misp/%s.json" % uuid), 404)
        self.assertStatus(gent.get("/api/v1/feeds/misp/index.html"), 404)
        self.assertStatus(harness.Client(self.server).get("/api/v1/feeds/misp/manifest.json"), 401)
        self.assertStatus(self.session("viewer").get("/api/v1/feeds/misp/manifest.json"), 403)


if __name__ == "__main__":
    harness.main()
