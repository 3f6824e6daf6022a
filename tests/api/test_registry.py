"""The registry through the API: organisations (list, search, filters,
pagination, detail, create, edit), contacts, assets, providers and their
clients, and the reachable flag."""

import csv
import datetime
import ipaddress
import itertools
import os
import sys

sys.dont_write_bytecode = True  # no __pycache__ in the source tree
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import harness  # noqa: E402
from harness import (NIS_ANTWERPEN, NIS_GENT, NIS_LEUVEN, ServerTestCase, all_pages,  # noqa: E402
                     items_of, org_by_nis)

PROVINCES = {"Antwerpen", "Limburg", "Oost-Vlaanderen", "Vlaams-Brabant", "West-Vlaanderen"}
ORG_ITEM_KEYS = {"id", "kind", "name", "nis_code", "province", "population", "reachable",
                 "completeness", "complete"}
_n = itertools.count(1)


def municipalities_valid_today():
    """NIS code -> row of data/municipalities.csv valid today."""
    path = os.path.join(harness.source_dir(), "data", "municipalities.csv")
    today = datetime.date.today().isoformat()
    out = {}
    with open(path, newline="", encoding="utf-8") as f:
        for row in csv.DictReader(f):
            if row["valid_from"] <= today and (not row["valid_to"] or row["valid_to"] >= today):
                out[row["nis_code"]] = row
    return out


def contact(**kw):
    n = next(_n)
    c = {"name": "Reg Test %d" % n, "role": "it-lead", "email": "reg%d@example.org" % n,
         "mobile": "0499 00 88 %02d" % (n % 100), "phone": None, "oob_email": None,
         "language": "nl", "active": True}
    c.update(kw)
    return {k: v for k, v in c.items() if v is not None}


class RegistryTest(ServerTestCase):
    USERS = [("admin", "admin", None, None), ("analyst", "analyst", None, None)]

    @classmethod
    def prepare_server(cls):
        cls.gent = org_by_nis(cls.admin, NIS_GENT)
        cls.antwerpen = org_by_nis(cls.admin, NIS_ANTWERPEN)
        cls.leuven = org_by_nis(cls.admin, NIS_LEUVEN)

    def new_org(self, **kw):
        body = {"kind": "intermunicipal", "name": "Testverband %d" % next(_n)}
        body.update(kw)
        r = self.admin.post("/api/v1/orgs", body)
        self.assertStatus(r, 201, "creating an organisation")
        return r.json

    def org(self, org_id):
        r = self.admin.get("/api/v1/orgs/%d" % org_id)
        self.assertStatus(r, 200)
        return r.json

    # -- organisations: list -------------------------------------------------
    def test_list_items_have_the_documented_fields(self):
        r = self.admin.get("/api/v1/orgs?limit=5")
        self.assertStatus(r, 200)
        self.assertEqual(set(r.json), {"items", "next_cursor"})
        self.assertEqual(len(r.json["items"]), 5)
        self.assertIsInstance(r.json["next_cursor"], str)
        for it in r.json["items"]:
            self.assertLessEqual(ORG_ITEM_KEYS, set(it), it)
            self.assertIsInstance(it["id"], int)
            self.assertIsInstance(it["reachable"], bool)
            self.assertIsInstance(it["complete"], bool)
            self.assertLessEqual({"contacts", "providers", "assets"}, set(it["completeness"]))

    def test_the_285_municipalities_valid_today(self):
        expected = municipalities_valid_today()
        self.assertEqual(len(expected), 285, "the reference data changed")
        items, pages = all_pages(self.admin, "/api/v1/orgs?kind=municipality", limit=100)
        self.assertEqual(pages, 3)
        ids = [o["id"] for o in items]
        self.assertEqual(len(ids), len(set(ids)), "an organisation on two pages")
        self.assertEqual({o["nis_code"] for o in items}, set(expected))
        for o in items:
            row = expected[o["nis_code"]]
            self.assertEqual(o["name"], row["name_nl"])
            self.assertEqual(o["province"], row["province"])
            self.assertEqual(o["population"], int(row["population"]))
            self.assertEqual(o["kind"], "municipality")

    def test_gent_is_found_by_name_and_by_code(self):
        for q in ("Gent", "gent", "GENT", NIS_GENT):
            r = self.admin.get("/api/v1/orgs?q=%s" % q)
            self.assertStatus(r, 200)
            hits = [o for o in r.json["items"] if o["nis_code"] == NIS_GENT]
            self.assertEqual(len(hits), 1, "q=%s" % q)
            self.assertEqual(hits[0]["name"], "Gent")
            self.assertEqual(hits[0]["province"], "Oost-Vlaanderen")
            self.assertEqual(hits[0]["kind"], "municipality")
        r = self.admin.get("/api/v1/orgs?q=Leuven")
        self.assertNotIn(NIS_GENT, [o["nis_code"] for o in r.json["items"]])

    def test_merged_municipalities_are_not_listed(self):
        # Borsbeek (11007) merged into Antwerpen on 2025-01-01.
        for q in ("Borsbeek", "11007"):
            r = self.admin.get("/api/v1/orgs?q=%s" % q)
            self.assertStatus(r, 200)
            self.assertEqual(r.json["items"], [], "q=%s" % q)
        r = self.admin.get("/api/v1/orgs?q=Antwerpen&kind=municipality")
        self.assertEqual([o["nis_code"] for o in r.json["items"]], [NIS_ANTWERPEN])
        self.assertEqual(r.json["items"][0]["population"], 540196)

    def test_the_five_provinces(self):
        r = self.admin.get("/api/v1/orgs?kind=province")
        self.assertStatus(r, 200)
        self.assertEqual(len(r.json["items"]), 5)
        self.assertEqual({o["province"] for o in r.json["items"]}, PROVINCES)
        for o in r.json["items"]:
            self.assertIn(o["province"], o["name"])

    def test_province_filter(self):
        total = 0
        for p in sorted(PROVINCES):
            items, _ = all_pages(self.admin, "/api/v1/orgs?kind=municipality&province=%s" % p, limit=500)
            self.assertTrue(items)
            self.assertEqual({o["province"] for o in items}, {p})
            total += len(items)
        self.assertEqual(total, 285)
        r = self.admin.get("/api/v1/orgs?kind=municipality&province=Oost-Vlaanderen&limit=500")
        nis = {o["nis_code"] for o in r.json["items"]}
        self.assertIn(NIS_GENT, nis)
        self.assertNotIn(NIS_ANTWERPEN, nis)

    def test_kind_filter_and_unknown_values(self):
        r = self.admin.get("/api/v1/orgs?kind=provider&limit=500")
        self.assertStatus(r, 200)
        self.assertGreaterEqual(len(r.json["items"]), 3)
        self.assertEqual({o["kind"] for o in r.json["items"]}, {"provider"})
        r = self.admin.get("/api/v1/orgs?q=zzzz-no-such-town")
        self.assertStatus(r, 200)
        self.assertEqual(r.json, {"items": [], "next_cursor": None})

    def test_limit_must_be_1_to_500(self):
        for bad in ("0", "501", "-1", "abc", "1.5", "99999999999999999999"):
            r = self.admin.get("/api/v1/orgs?limit=%s" % bad)
            self.assertError(r, 422, "invalid", field="limit", msg="limit=%s" % bad)
        r = self.admin.get("/api/v1/orgs?limit=500")
        self.assertStatus(r, 200)
        self.assertLessEqual(len(r.json["items"]), 500)
        r = self.admin.get("/api/v1/orgs?limit=1")
        self.assertEqual(len(r.json["items"]), 1)
        self.assertIsNotNone(r.json["next_cursor"])

    def test_search_text_is_only_text(self):
        for q in ("%27%20OR%201%3D1%20--", "%22", "%25", "_", "%5C"):
            r = self.admin.get("/api/v1/orgs?q=%s" % q)
            self.assertStatus(r, 200, "q=%s" % q)
            self.assertEqual(r.json["items"], [], "q=%s matched something" % q)

    def test_a_bad_cursor_is_refused(self):
        r = self.admin.get("/api/v1/orgs?cursor=not-a-cursor")
        self.assertStatus(r, (400, 422))
        self.assertTrue(r.error)

    def test_pages_join_up_to_the_whole_list(self):
        whole = self.admin.get("/api/v1/orgs?limit=500")
        self.assertStatus(whole, 200)
        self.assertIsNone(whole.json["next_cursor"])
        paged, pages = all_pages(self.admin, "/api/v1/orgs", limit=37)
        self.assertGreater(pages, 5)
        self.assertEqual([o["id"] for o in paged], [o["id"] for o in whole.json["items"]])

    # -- organisations: one ----------------------------------------------------
    def test_org_detail_has_contacts_providers_assets(self):
        o = self.org(self.gent["id"])
        for k in ORG_ITEM_KEYS:
            self.assertIn(k, o)
        for k in ("contacts", "providers", "assets"):
            self.assertIsInstance(o[k], list, k)
        values = {a["value"] for a in o["assets"]}
        self.assertIn("gent.example", values, "the demo domain <slug>.example")
        v4 = [a["value"] for a in o["assets"] if a["type"] == "cidr" and ":" not in a["value"]]
        self.assertTrue(v4, "a demo IPv4 prefix")
        self.assertTrue(ipaddress.ip_network(v4[0]).subnet_of(ipaddress.ip_network("198.18.0.0/15")))
        v6 = [a["value"] for a in o["assets"] if a["type"] == "cidr" and ":" in a["value"]]
        self.assertTrue(v6, "a demo IPv6 prefix")
        self.assertTrue(ipaddress.ip_network(v6[0]).subnet_of(ipaddress.ip_network("2001:db8::/32")))

    def test_demo_has_incomplete_towns_and_reachable_ones(self):
        items, _ = all_pages(self.admin, "/api/v1/orgs?kind=municipality", limit=500)
        reach = [o["reachable"] for o in items]
        self.assertIn(True, reach)
        self.assertIn(False, reach, "the demo keeps a share of towns incomplete")
        self.assertIn(False, [o["complete"] for o in items])

    def test_patch_org(self):
        o = self.new_org()
        r = self.admin.patch("/api/v1/orgs/%d" % o["id"], {"population": 4242, "name": "Hernoemd Verband"})
        self.assertStatus(r, 200)
        self.assertEqual(r.json["population"], 4242)
        self.assertEqual(r.json["name"], "Hernoemd Verband")
        got = self.org(o["id"])
        self.assertEqual((got["population"], got["name"]), (4242, "Hernoemd Verband"))
        for body, field in (({"colour": "red"}, "colour"), ({"province": "Brussel"}, "province"),
                            ({"name": ""}, "name"), ({"population": -5}, "population"),
                            ({"kind": "castle"}, "kind")):
            r = self.admin.patch("/api/v1/orgs/%d" % o["id"], body)
            err = self.assertError(r, 422, "invalid", field=field)
            if field == "colour":
                self.assertIn("colour", err["message"] + err["field"])
        got = self.org(o["id"])
        self.assertEqual((got["population"], got["name"]), (4242, "Hernoemd Verband"))

    def test_create_org(self):
        r = self.admin.post("/api/v1/orgs", {"kind": "police-zone", "name": "PZ Testzone",
                                             "province": "Limburg"})
        self.assertStatus(r, 201)
        self.assertIsInstance(r.json["id"], int)
        self.assertEqual(r.json["name"], "PZ Testzone")
        self.assertEqual(r.json["kind"], "police-zone")
        r = self.admin.get("/api/v1/orgs?q=PZ%20Testzone")
        self.assertEqual([o["name"] for o in r.json["items"]], ["PZ Testzone"])
        r = self.session("analyst").post("/api/v1/orgs", {"kind": "ocmw", "name": "OCMW Test"})
        self.assertStatus(r, 201)
        for body, field in (({"kind": "castle", "name": "X"}, "kind"),
                            ({"kind": "ocmw"}, "name"),
                            ({"kind": "ocmw", "name": "X", "nis_code": "12"}, "nis_code"),
                            ({"kind": "ocmw", "name": "X", "motto": "y"}, "motto")):
            self.assertError(self.admin.post("/api/v1/orgs", body), 422, "invalid", field=field)
        # A NIS code already held by a town valid today.
        r = self.admin.post("/api/v1/orgs", {"kind": "municipality", "name": "Gent Bis",
                                             "nis_code": NIS_GENT})
        self.assertError(r, 409, "conflict")

    # -- contacts ---------------------------------------------------------
    def test_contact_create_read_update_delete(self):
        gid = self.gent["id"]
        before = len(items_of(self.admin.get("/api/v1/orgs/%d/contacts" % gid)))
        body = contact(name="Jürgen Ødegård-Müller", role="spoc", email="jan.peeters@example.org",
                       mobile="0499 00 12 34", phone="09 266 11 11",
                       oob_email="jan.peeters@proton.example", language="nl", active=True)
        r = self.admin.post("/api/v1/orgs/%d/contacts" % gid, body)
        self.assertStatus(r, 201)
        c = r.json
        self.assertIsInstance(c["id"], int)
        self.assertEqual(c["mobile"], "+32499001234")
        for k in ("name", "role", "email", "oob_email", "language", "active"):
            self.assertEqual(c[k], body[k], k)
        self.assertEqual(c.get("org_id"), gid)
        got = self.admin.get("/api/v1/contacts/%d" % c["id"])
        self.assertStatus(got, 200)
        self.assertEqual(got.json, c)
        lst = items_of(self.admin.get("/api/v1/orgs/%d/contacts" % gid))
        self.assertEqual(len(lst), before + 1)
        self.assertIn(c["id"], [x["id"] for x in lst])
        self.assertIn(c["id"], [x["id"] for x in self.org(gid)["contacts"]])
        r = self.admin.patch("/api/v1/contacts/%d" % c["id"], {"role": "deputy", "mobile": "+32 499 00 43 21"})
        self.assertStatus(r, 200)
        self.assertEqual((r.json["role"], r.json["mobile"], r.json["name"]),
                         ("deputy", "+32499004321", "Jürgen Ødegård-Müller"))
        self.assertEqual(self.admin.get("/api/v1/contacts/%d" % c["id"]).json["role"], "deputy")
        self.assertStatus(self.admin.delete("/api/v1/contacts/%d" % c["id"]), 204)
        self.assertError(self.admin.get("/api/v1/contacts/%d" % c["id"]), 404, "not_found")
        self.assertError(self.admin.delete("/api/v1/contacts/%d" % c["id"]), 404, "not_found")
        self.assertEqual(len(items_of(self.admin.get("/api/v1/orgs/%d/contacts" % gid))), before)

    def test_contact_validation(self):
        gid = self.gent["id"]
        before = len(items_of(self.admin.get("/api/v1/orgs/%d/contacts" % gid)))
        cases = [
            (contact(email="not-an-email"), "email"),
            (contact(email="two@@example.org"), "email"),
            (contact(oob_email="spoc@gent.example"), "oob_email"),
            (contact(oob_email="spoc@mail.gent.example"), "oob_email"),
            (contact(twitter="@gent"), "twitter"),
            (contact(role="king"), "role"),
            (contact(language="de"), "language"),
            (contact(mobile="call me maybe"), "mobile"),
            (contact(name=""), "name"),
            (contact(active="maybe"), "active"),
        ]
        for body, field in cases:
            with self.subTest(field=field, body=body):
                r = self.admin.post("/api/v1/orgs/%d/contacts" % gid, body)
                err = self.assertError(r, 422, "invalid", field=field)
                if field == "twitter":
                    self.assertIn("twitter", err["message"] + " " + err["field"])
        self.assertEqual(len(items_of(self.admin.get("/api/v1/orgs/%d/contacts" % gid))), before,
                         "a refused contact was stored")
        # The same rules on PATCH; the contact keeps its values.
        c = self.admin.post("/api/v1/orgs/%d/contacts" % gid, contact()).json
        for body, field in (({"email": "nope"}, "email"), ({"oob_email": "x@gent.example"}, "oob_email"),
                            ({"shoe_size": 44}, "shoe_size")):
            self.assertError(self.admin.patch("/api/v1/contacts/%d" % c["id"], body), 422, "invalid",
                             field=field)
        self.assertEqual(self.admin.get("/api/v1/contacts/%d" % c["id"]).json, c)
        # Another town's domain is fine as an out-of-band address.
        r = self.admin.post("/api/v1/orgs/%d/contacts" % gid, contact(oob_email="spoc@leuven.example"))
        self.assertStatus(r, 201)

    def test_reachable_needs_active_spoc_and_deputy_with_email_and_mobile(self):
        o = self.new_org()
        oid = o["id"]
        self.assertFalse(self.org(oid)["reachable"])
        url = "/api/v1/orgs/%d/contacts" % oid
        self.assertStatus(self.admin.post(url, contact(role="spoc")), 201)
        self.assertFalse(self.org(oid)["reachable"], "a SPOC alone")
        r = self.admin.post(url, contact(role="deputy", mobile=None))
        self.assertStatus(r, 201)
        self.assertFalse(self.org(oid)["reachable"], "a deputy without mobile")
        deputy = r.json["id"]
        self.assertStatus(self.admin.patch("/api/v1/contacts/%d" % deputy, {"mobile": "0499 00 99 01"}), 200)
        self.assertTrue(self.org(oid)["reachable"])
        listed = self.admin.get("/api/v1/orgs?q=%s" % o["name"].replace(" ", "%20")).json["items"]
        self.assertEqual([x["reachable"] for x in listed], [True])
        self.assertStatus(self.admin.patch("/api/v1/contacts/%d" % deputy, {"active": False}), 200)
        self.assertFalse(self.org(oid)["reachable"], "an inactive deputy")

    # -- assets -----------------------------------------------------------
    def post_asset(self, org_id, body, status=201):
        r = self.admin.post("/api/v1/orgs/%d/assets" % org_id, body)
        self.assertStatus(r, status)
        return r

    def test_assets_are_stored_canonical(self):
        o = self.new_org()
        oid = o["id"]
        cases = [
            ({"type": "cidr", "value": "2001:DB8:0:0::/48"}, "2001:db8::/48"),
            ({"type": "cidr", "value": "192.0.2.0/24"}, "192.0.2.0/24"),
            ({"type": "domain", "value": "Bücher.example"}, "xn--bcher-kva.example"),
            ({"type": "domain", "value": "Testverband.EXAMPLE."}, "testverband.example"),
            ({"type": "hostname", "value": "VPN.Testverband.Example"}, "vpn.testverband.example"),
        ]
        for body, stored in cases:
            with self.subTest(value=body["value"]):
                r = self.post_asset(oid, body)
                self.assertEqual(r.json["value"], stored)
                self.assertEqual(r.json["type"], body["type"])
                self.assertIsInstance(r.json["id"], int)
                got = self.admin.get("/api/v1/assets/%d" % r.json["id"])
                self.assertStatus(got, 200)
                self.assertEqual(got.json["value"], stored)
        listed = {a["value"] for a in items_of(self.admin.get("/api/v1/orgs/%d/assets" % oid))}
        self.assertEqual(listed, {s for _, s in cases})

    def test_asset_validation(self):
        o = self.new_org()
        oid = o["id"]
        cases = [
            ({"type": "cidr", "value": "10.1.2.3/8"}, "value"),
            ({"type": "cidr", "value": "300.1.2.0/24"}, "value"),
            ({"type": "cidr", "value": "2001:db8::1/48"}, "value"),
            ({"type": "domain", "value": "not a domain"}, "value"),
            ({"type": "ftp", "value": "x.example"}, "type"),
            ({"type": "domain", "value": "ok.example", "managed_by": "nobody"}, "managed_by"),
            ({"type": "domain", "value": "ok2.example", "colour": "blue"}, "colour"),
            ({"type": "software", "vendor": "Fortinet", "product": "FortiOS", "version": "7.2.4",
              "cpe": "not-a-cpe"}, "cpe"),
        ]
        for body, field in cases:
            with self.subTest(body=body):
                r = self.admin.post("/api/v1/orgs/%d/assets" % oid, body)
                self.assertError(r, 422, "invalid", field=field)
        self.assertEqual(items_of(self.admin.get("/api/v1/orgs/%d/assets" % oid)), [])

    def test_software_asset_and_provider_managed(self):
        o = self.new_org()
        pid = self.demo_providers[0]
        body = {"type": "software", "vendor": "Fortinet", "product": "FortiOS", "version": "7.2.4",
                "cpe": "cpe:2.3:o:fortinet:fortios:7.2.4:*:*:*:*:*:*:*",
                "managed_by": "provider", "provider_id": pid}
        # Managed by a provider that does not serve the town: refused.
        r = self.admin.post("/api/v1/orgs/%d/assets" % o["id"], body)
        self.assertError(r, 422, "invalid", field="provider_id")
        r = self.admin.post("/api/v1/providers/%d/clients" % pid, {"org_id": o["id"], "services": ["hosting"]})
        self.assertStatus(r, (200, 201))
        r = self.post_asset(o["id"], body)
        for k in ("type", "managed_by", "provider_id", "version"):
            self.assertEqual(r.json[k], body[k], k)
        for k in ("vendor", "product", "cpe"):
            self.assertEqual(r.json[k].lower(), body[k].lower(), k)
        self.assertEqual(self.admin.get("/api/v1/assets/%d" % r.json["id"]).json, r.json)

    def test_overlapping_prefix_is_accepted_and_flagged(self):
        gent = self.org(self.gent["id"])
        v4 = [a["value"] for a in gent["assets"] if a["type"] == "cidr" and ":" not in a["value"]][0]
        inner = str(next(ipaddress.ip_network(v4).subnets(new_prefix=26)))
        r = self.post_asset(self.antwerpen["id"], {"type": "cidr", "value": inner})
        self.assertIn({"org_id": self.gent["id"], "name": "Gent"},
                      [{"org_id": c["org_id"], "name": c["name"]} for c in r.json["conflicts"]])
        got = self.admin.get("/api/v1/assets/%d" % r.json["id"]).json
        self.assertIn(self.gent["id"], [c["org_id"] for c in got.get("conflicts", [])])
        clean = self.post_asset(self.antwerpen["id"], {"type": "cidr", "value": "203.0.113.0/28"})
        self.assertEqual(clean.json["conflicts"], [])

    def test_duplicate_asset_is_409(self):
        o = self.new_org()
        url = "/api/v1/orgs/%d/assets" % o["id"]
        self.post_asset(o["id"], {"type": "domain", "value": "xn--bcher-kva.example"})
        self.assertError(self.admin.post(url, {"type": "domain", "value": "Bücher.example"}), 409, "conflict")
        self.post_asset(o["id"], {"type": "cidr", "value": "198.51.100.0/24"})
        self.assertError(self.admin.post(url, {"type": "cidr", "value": "198.51.100.0/24"}), 409, "conflict")
        self.assertEqual(len(items_of(self.admin.get(url))), 2)

    def test_asset_update_and_delete(self):
        o = self.new_org()
        a = self.post_asset(o["id"], {"type": "cidr", "value": "192.0.2.128/25"}).json
        r = self.admin.patch("/api/v1/assets/%d" % a["id"], {"value": "2001:DB8:FFFF:0::/64"})
        self.assertStatus(r, 200)
        self.assertEqual(r.json["value"], "2001:db8:ffff::/64")
        r = self.admin.patch("/api/v1/assets/%d" % a["id"], {"value": "10.1.2.3/8"})
        self.assertError(r, 422, "invalid", field="value")
        self.assertEqual(self.admin.get("/api/v1/assets/%d" % a["id"]).json["value"], "2001:db8:ffff::/64")
        self.assertStatus(self.admin.delete("/api/v1/assets/%d" % a["id"]), 204)
        self.assertError(self.admin.get("/api/v1/assets/%d" % a["id"]), 404, "not_found")
        self.assertEqual(items_of(self.admin.get("/api/v1/orgs/%d/assets" % o["id"])), [])

    # -- providers --------------------------------------------------------
    def providers(self):
        r = self.admin.get("/api/v1/providers")
        self.assertStatus(r, 200)
        return {p["id"]: p for p in items_of(r)}

    def test_demo_providers_have_clients(self):
        ps = self.providers()
        self.assertGreaterEqual(len(ps), 3)
        for pid in self.demo_providers:
            self.assertIn(pid, ps)
            self.assertIsInstance(ps[pid]["name"], str)
        self.assertTrue(any(ps[pid]["clients"] for pid in self.demo_providers))

    def test_provider_lifecycle_and_clients(self):
        r = self.admin.post("/api/v1/providers", {"name": "Test ICT Partner"})
        self.assertStatus(r, 201)
        pid = r.json["id"]
        self.assertEqual(r.json["name"], "Test ICT Partner")
        self.assertIn(pid, self.providers())
        self.assertError(self.admin.post("/api/v1/providers", {"name": "Test ICT Partner"}), 409, "conflict")
        self.assertError(self.admin.post("/api/v1/providers", {"name": "X", "ceo": "Y"}), 422, "invalid",
                         field="ceo")
        r = self.admin.patch("/api/v1/providers/%d" % pid, {"name": "Test ICT Partner NV"})
        self.assertStatus(r, 200)
        self.assertEqual(self.providers()[pid]["name"], "Test ICT Partner NV")
        gid = self.gent["id"]
        r = self.admin.post("/api/v1/providers/%d/clients" % pid,
                            {"org_id": gid, "services": ["network", "hosting"]})
        self.assertStatus(r, (200, 201))
        clients = {c["org_id"]: c for c in self.providers()[pid]["clients"]}
        self.assertIn(gid, clients)
        self.assertEqual(sorted(clients[gid]["services"]), ["hosting", "network"])
        serving = {p["id"]: p for p in self.org(gid)["providers"]}
        self.assertIn(pid, serving)
        self.assertEqual(sorted(serving[pid]["services"]), ["hosting", "network"])
        # Setting again replaces the services.
        r = self.admin.post("/api/v1/providers/%d/clients" % pid, {"org_id": gid, "services": ["workplace"]})
        self.assertStatus(r, (200, 201))
        clients = {c["org_id"]: c for c in self.providers()[pid]["clients"]}
        self.assertEqual(clients[gid]["services"], ["workplace"])
        r = self.admin.post("/api/v1/providers/%d/clients" % pid, {"org_id": gid, "services": ["coffee"]})
        self.assertError(r, 422, "invalid", field="services")
        self.assertStatus(self.admin.delete("/api/v1/providers/%d/clients/%d" % (pid, gid)), 204)
        self.assertNotIn(gid, [c["org_id"] for c in self.providers()[pid]["clients"]])
        self.assertNotIn(pid, [p["id"] for p in self.org(gid)["providers"]])
        self.assertError(self.admin.delete("/api/v1/providers/%d/clients/%d" % (pid, gid)), 404, "not_found")
        self.assertStatus(self.admin.delete("/api/v1/providers/%d" % pid), 204)
        self.assertNotIn(pid, self.providers())
        self.assertError(self.admin.patch("/api/v1/providers/%d" % pid, {"name": "Ghost"}), 404, "not_found")

    def test_analyst_edits_any_town(self):
        c = self.session("analyst")
        r = c.post("/api/v1/orgs/%d/contacts" % self.leuven["id"], contact(role="mayor"))
        self.assertStatus(r, 201)
        self.assertStatus(c.patch("/api/v1/contacts/%d" % r.json["id"], {"active": False}), 200)
        self.assertIs(self.admin.get("/api/v1/contacts/%d" % r.json["id"]).json["active"], False)


if __name__ == "__main__":
    harness.main()
