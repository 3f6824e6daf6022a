"""Indicators: imports of every real STIX and MISP fixture (counted
independently by intel_expect.py), malformed documents refused with nothing
stored, defanged input, TLP sharing for every role, false-positive lists."""

import glob
import json
import os
import sys

sys.dont_write_bytecode = True  # no __pycache__ in the source tree
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import harness  # noqa: E402
import intel_expect  # noqa: E402
from harness import NIS_ANTWERPEN, NIS_GENT, ServerTestCase, items_of, org_by_nis  # noqa: E402

FIX = os.path.join(harness.source_dir(), "tests", "fixtures")
TLP2 = {
    "CLEAR": "marking-definition--94868c89-83c2-464b-929b-a1a8aa3c8487",
    "GREEN": "marking-definition--bab4a63c-aed9-4cf5-a766-dfca5abac2bb",
    "AMBER": "marking-definition--55d920b0-5e8b-4f79-9ee9-91f868d9b421",
    "AMBER+STRICT": "marking-definition--939a9414-2ddd-4d32-a0cd-375ea402b003",
    "RED": "marking-definition--e828b379-4e03-4974-9ac4-e53a884c97c1",
}


def tlp_bundle(prefix):
    """One indicator per TLP: PREFIX-clear.example ... PREFIX-red.example."""
    objs = []
    for i, (tlp, ref) in enumerate(TLP2.items()):
        objs.append({"type": "indicator", "spec_version": "2.1",
                     "id": "indicator--0000000%d-0000-4000-8000-%012d" % (i, len(prefix)),
                     "created": "2026-01-01T00:00:00Z", "modified": "2026-01-01T00:00:00Z",
                     "pattern": "[domain-name:value = '%s-%s.example']" % (prefix, tlp.lower().replace("+", "-")),
                     "pattern_type": "stix", "valid_from": "2026-01-01T00:00:00Z",
                     "object_marking_refs": [ref]})
    return {"type": "bundle", "id": "bundle--11111111-1111-4111-8111-111111111111", "objects": objs}


class IndicatorImportTest(ServerTestCase):
    USERS = ServerTestCase.USERS + [("provider_user", "provider", None, "provider0")]

    def count_rows(self):
        return self.server.sql("SELECT count(*) FROM indicators")[0][0]

    def import_doc(self, raw, fmt=None, status=200, **q):
        qs = "&".join(["format=%s" % fmt] if fmt else [] + ["%s=%s" % kv for kv in q.items()])
        r = self.admin.post("/api/v1/indicators/import" + ("?" + qs if qs else ""), raw=raw)
        self.assertStatus(r, status)
        return r

    def import_every(self, kind, expected):
        files = sorted(glob.glob(os.path.join(FIX, kind, "*.json")))
        self.assertGreaterEqual(len(files), 10)
        for path in files:
            with open(path, "rb") as f:
                raw = f.read()
            want = intel_expect.per_type(expected(json.loads(raw)))
            r = self.import_doc(raw, kind)
            self.assertEqual(r.json["per_type"], want, os.path.basename(path))
            self.assertEqual(r.json["imported"], sum(want.values()), os.path.basename(path))

    def test_every_stix_fixture(self):
        self.import_every("stix", intel_expect.stix_expected)

    def test_every_misp_fixture(self):
        self.import_every("misp", intel_expect.misp_expected)

    def test_unrepresentable_reported_with_id(self):
        doc = {"type": "bundle", "id": "bundle--22222222-2222-4222-8222-222222222222", "objects": [
            {"type": "indicator", "id": "indicator--aaaaaaaa-0000-4000-8000-000000000001",
             "pattern": "[ipv4-addr:value = '198.51.100.1' AND domain-name:value = 'x.example']",
             "pattern_type": "stix"},
            {"type": "indicator", "id": "indicator--aaaaaaaa-0000-4000-8000-000000000002",
             "pattern": "[ipv4-addr:value = '198.51.100.2'] FOLLOWEDBY [ipv4-addr:value = '198.51.100.3']",
             "pattern_type": "stix"},
            {"type": "x-unknown-thing", "id": "x-unknown-thing--aaaaaaaa-0000-4000-8000-000000000003"},
        ]}
        r = self.import_doc(json.dumps(doc), "stix")
        ids = {s["id"] for s in r.json["skipped"]}
        self.assertEqual(ids, {o["id"] for o in doc["objects"]})
        self.assertEqual(r.json["imported"], 0)

    def test_malformed_refused_nothing_stored(self):
        before = self.count_rows()
        cases = [
            ("stix", '{"type": "bundle", "objects": [{"type": "indicator", "pattern": "[ipv4-addr:value = \'203.0.113.9\']"},'),
            ("misp", '{"Event": {"Attribute": [{"type": "ip-dst", "value": "203.0.113.10"}]'),
            ("csv", 'value,type\n203.0.113.11,ipv4\n"203.0.113.12,ipv4\n'),
        ]
        for fmt, raw in cases:
            r = self.admin.post("/api/v1/indicators/import?format=" + fmt, raw=raw)
            self.assertStatus(r, 400, fmt)
            self.assertRegex(r.error["message"], r"line \d+", fmt)
            self.assertEqual(self.count_rows(), before, fmt)

    def test_defanged_list(self):
        raw = "hxxps://evil-intel-test[.]example/payload\n203.0.113[.]77\nbad[@]phish-intel-test[.]example\n"
        r = self.import_doc(raw, "list")
        self.assertEqual(r.json["per_type"], {"url": 1, "ipv4": 1, "email": 1})
        got = {(i["type"], i["value"]) for i in items_of(self.admin.get("/api/v1/indicators?q=intel-test&limit=50"))}
        self.assertIn(("url", "https://evil-intel-test.example/payload"), got)
        self.assertIn(("email", "bad@phish-intel-test.example"), got)
        r = self.admin.get("/api/v1/indicators?q=203.0.113.77")
        self.assertEqual([i["value"] for i in items_of(r)], ["203.0.113.77"])

    def test_spoc_cannot_import(self):
        r = self.session("spoc_gent").post("/api/v1/indicators/import?format=list", raw="203.0.113.200\n")
        self.assertStatus(r, 403)

    def test_merge_keeps_stricter_tlp_and_both_sources(self):
        self.import_doc("value,type,source\nmerge-intel.example,domain,feed-a\n", "csv", tlp="GREEN")
        self.import_doc("value,type,source\nmerge-intel.example,domain,feed-b\n", "csv", tlp="AMBER")
        items = items_of(self.admin.get("/api/v1/indicators?q=merge-intel.example"))
        self.assertEqual(len(items), 1)
        self.assertEqual(items[0]["tlp"], "AMBER")
        self.assertEqual(sorted(items[0]["sources"]), ["feed-a", "feed-b"])


class TlpSharingTest(ServerTestCase):
    USERS = ServerTestCase.USERS + [("provider_user", "provider", None, "provider0")]

    @classmethod
    def prepare_server(cls):
        r = cls.admin.post("/api/v1/indicators/import?format=stix", raw=json.dumps(tlp_bundle("share")))
        assert r.status == 200, r.text
        cls.ids = {i["tlp"]: i["id"] for i in items_of(cls.admin.get("/api/v1/indicators?q=share-&limit=50"))}
        assert len(cls.ids) == 5, cls.ids

    def seen(self, who):
        c = self.session(who)
        r = c.get("/api/v1/indicators?q=share-&limit=50")
        self.assertStatus(r, 200)
        listed = {i["tlp"] for i in items_of(r)}
        single = {t for t, i in self.ids.items() if c.get("/api/v1/indicators/%d" % i).status == 200}
        self.assertEqual(listed, single, who)
        return listed

    def test_roles(self):
        self.assertEqual(self.seen("analyst"), set(TLP2))
        self.assertEqual(self.seen("admin"), set(TLP2))
        self.assertEqual(self.seen("spoc_gent"), {"CLEAR", "GREEN", "AMBER"})
        self.assertEqual(self.seen("provider_user"), {"CLEAR", "GREEN"})
        self.assertEqual(self.seen("viewer"), set())

    def test_audience(self):
        gent = org_by_nis(self.admin, NIS_GENT)["id"]
        prov = self.demo_providers[0]
        for tlp in ("AMBER+STRICT", "RED"):
            r = self.admin.patch("/api/v1/indicators/%d" % self.ids[tlp], {"audience": [gent]})
            self.assertStatus(r, 200)
        r = self.admin.patch("/api/v1/indicators/%d" % self.ids["AMBER"], {"audience": [gent, prov]})
        self.assertStatus(r, 200)
        try:
            self.assertEqual(self.seen("spoc_gent"), {"CLEAR", "GREEN", "AMBER", "AMBER+STRICT", "RED"})
            self.assertEqual(self.seen("spoc_antwerpen"), {"CLEAR", "GREEN"})
            self.assertEqual(self.seen("provider_user"), {"CLEAR", "GREEN", "AMBER"})
        finally:
            for tlp in ("AMBER+STRICT", "RED", "AMBER"):
                self.admin.patch("/api/v1/indicators/%d" % self.ids[tlp], {"audience": []})

    def test_spoc_cannot_patch(self):
        r = self.session("spoc_gent").patch("/api/v1/indicators/%d" % self.ids["GREEN"], {"tlp": "CLEAR"})
        self.assertStatus(r, 403)

    def test_filters_and_counts(self):
        r = self.admin.get("/api/v1/indicators?tlp=amber%2Bstrict&q=share-")
        self.assertEqual([i["tlp"] for i in items_of(r)], ["AMBER+STRICT"])
        r = self.admin.get("/api/v1/indicators?type=nonsense")
        self.assertError(r, 422, "invalid", field="type")
        page1 = self.admin.get("/api/v1/indicators?q=share-&limit=2")
        self.assertEqual(len(items_of(page1)), 2)
        nxt = page1.json["next_cursor"]
        page2 = self.admin.get("/api/v1/indicators?q=share-&limit=10&cursor=%s" % nxt)
        self.assertEqual(len(items_of(page2)), 3)
        c = self.session("spoc_gent").get("/api/v1/indicators/counts").json
        self.assertNotIn("RED", c["per_tlp"])
        self.assertNotIn("AMBER+STRICT", c["per_tlp"])


class WarninglistTest(ServerTestCase):
    @classmethod
    def prepare_database(cls, server):
        server.cli("import", "warninglist", os.path.join(FIX, "warninglists"))

    def test_flagged_and_override(self):
        raw = "8.8.8.8\n10.20.30.40\nwww.google.com\nlogin.microsoftonline.com\nnot-on-a-list-intel.example\n"
        r = self.admin.post("/api/v1/indicators/import?format=list", raw=raw)
        self.assertStatus(r, 200)
        self.assertEqual(r.json["flagged"], 4)
        items = {i["value"]: i for i in items_of(self.admin.get("/api/v1/indicators?limit=100"))}
        self.assertTrue(items["8.8.8.8"]["false_positive"])
        self.assertTrue(items["10.20.30.40"]["false_positive"])
        self.assertFalse(items["not-on-a-list-intel.example"]["false_positive"])
        r = self.admin.patch("/api/v1/indicators/%d" % items["10.20.30.40"]["id"], {"false_positive_override": True})
        self.assertStatus(r, 200)
        self.assertFalse(r.json["false_positive"])
        self.assertTrue(r.json["fp_override"])


class ShippedWarninglistTest(ServerTestCase):
    """A new database gets the 25 MISP warning lists shipped in the binary:
    a public resolver, a documentation range, a Microsoft 365 host and a top
    domain's subdomain are flagged and left out of packs; `import warninglist
    --shipped` reloads them without duplicates."""
    SHIPPED_WARNINGLISTS = True

    def test_shipped_lists_flag(self):
        self.assertIn("25 warning lists, 130552 entries", self.server.init_output)
        raw = ("1.1.1.1\n198.51.100.9\n2001:db8::7\noutlook.office365.com\nmail.google.com\n"
               "play-c2-shipped.example\n")
        r = self.admin.post("/api/v1/indicators/import?format=list&tlp=green", raw=raw)
        self.assertStatus(r, 200)
        self.assertEqual(r.json["flagged"], 5, r.json)
        items = {i["value"]: i for i in items_of(self.admin.get("/api/v1/indicators?limit=100"))}
        for v in ["1.1.1.1", "198.51.100.9", "2001:db8::7", "outlook.office365.com", "mail.google.com"]:
            self.assertTrue(items[v]["false_positive"], v)
        self.assertFalse(items["play-c2-shipped.example"]["false_positive"])
        pack = self.session("spoc_gent").get("/api/v1/packs/current").json
        values = {i["value"] for i in pack["indicators"]}
        self.assertEqual(values, {"play-c2-shipped.example"})
        p = self.server.cli("import", "warninglist", "--shipped")
        self.assertIn("25 warning lists, 130552 entries; 5 indicators on them", p.stdout)
        self.assertEqual(self.server.sql("SELECT count(*) FROM warninglists")[0][0], 25)


if __name__ == "__main__":
    harness.main()
