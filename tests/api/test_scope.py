"""Scope: who sees and changes which town.

The org-specific endpoints are one table (ORG_SCOPED); a new endpoint is one
new row. Each row is run
  - by the SPOC of Gent against Antwerpen (expect 404, and nothing changed),
  - by the SPOC of Gent against Gent (expect the row's own-town status),
  - by a provider against a town that is not its client (expect 404),
  - by an admin against ids that do not exist (expect 404),
and the 404 for another town's object must be indistinguishable from the 404
for an object that does not exist.
"""

import itertools
import os
import re
import sys

sys.dont_write_bytecode = True  # no __pycache__ in the source tree
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import harness  # noqa: E402
from harness import NIS_ANTWERPEN, NIS_GENT, NIS_LEUVEN, ServerTestCase, items_of, org_by_nis  # noqa: E402

_n = itertools.count(1)

# (method, path template, body template, status for the SPOC of its own town
#  or None when the contract does not say, staff_only)
# Templates: {org} the town, {contact} a contact of it, {asset} an asset of it,
# {provider} the demo provider; "{org}" as a whole body value means the id.
ORG_SCOPED = [
    ("GET", "/api/v1/orgs/{org}", None, 200, False),
    ("PATCH", "/api/v1/orgs/{org}", {"name": "Hijacked Town"}, 403, False),
    ("GET", "/api/v1/orgs/{org}/contacts", None, 200, False),
    ("POST", "/api/v1/orgs/{org}/contacts",
     {"name": "Scope Intruder {n}", "role": "it-lead", "email": "intruder{n}@example.org",
      "mobile": "0499 00 55 {n2}", "language": "nl", "active": True}, 201, False),
    ("GET", "/api/v1/contacts/{contact}", None, 200, False),
    ("PATCH", "/api/v1/contacts/{contact}", {"name": "Scope Patched {n}"}, 200, False),
    ("DELETE", "/api/v1/contacts/{contact}", None, 204, False),
    ("GET", "/api/v1/orgs/{org}/assets", None, 200, False),
    ("POST", "/api/v1/orgs/{org}/assets", {"type": "domain", "value": "scope-post-{n}.example"},
     201, False),
    ("GET", "/api/v1/assets/{asset}", None, 200, False),
    ("PATCH", "/api/v1/assets/{asset}", {"value": "scope-patched-{n}.example"}, 200, False),
    ("DELETE", "/api/v1/assets/{asset}", None, 204, False),
    # Which providers serve a town: the SPOC keeps them up to date (DESIGN.md);
    # whether it may is not in the contract, so only another town is checked.
    ("POST", "/api/v1/providers/{provider}/clients", {"org_id": "{org}", "services": ["hosting"]},
     None, True),
    ("DELETE", "/api/v1/providers/{provider}/clients/{org}", None, None, True),
    # The prevention programme (docs/programme.md).
    ("GET", "/api/v1/orgs/{org}/assessments", None, 200, False),
    ("POST", "/api/v1/orgs/{org}/assessments", {"mode": "simple", "answers": []}, 201, False),
    ("GET", "/api/v1/orgs/{org}/audit", None, 200, False),
    ("POST", "/api/v1/orgs/{org}/audit", {"kind": "basic"}, None, False),
    ("PATCH", "/api/v1/orgs/{org}/audit", {"firm": "Scope Audit {n}"}, None, False),
    ("GET", "/api/v1/orgs/{org}/audit/findings", None, 200, False),
    ("POST", "/api/v1/orgs/{org}/audit/findings",
     {"title": "Scope finding {n}", "severity": "low", "due_on": "2030-01-01"}, 403, False),
]


def fill(template, ids):
    n = next(_n)
    ids = dict(ids, n=n, n2="%02d" % (n % 100))
    if template is None:
        return None
    if isinstance(template, dict):
        return {k: fill_value(v, ids) for k, v in template.items()}
    return template.format(**ids)


def fill_value(v, ids):
    if v == "{org}":
        return ids["org"]
    if isinstance(v, str):
        return v.format(**ids)
    if isinstance(v, list):
        return [fill_value(x, ids) for x in v]
    return v


class ScopeTest(ServerTestCase):
    USERS = [
        ("admin", "admin", None, None),
        ("analyst", "analyst", None, None),
        ("spoc_gent", "spoc", NIS_GENT, None),
        ("viewer", "viewer", None, None),
        ("provider", "provider", None, "provider0"),
    ]

    @classmethod
    def prepare_server(cls):
        a = cls.admin
        cls.gent = org_by_nis(a, NIS_GENT)
        cls.antwerpen = org_by_nis(a, NIS_ANTWERPEN)
        cls.leuven = org_by_nis(a, NIS_LEUVEN)
        cls.provider_id = cls.demo_providers[0]
        # Make the provider's clients known: Leuven yes, Antwerpen and Gent no.
        r = a.post("/api/v1/providers/%d/clients" % cls.provider_id,
                   {"org_id": cls.leuven["id"], "services": ["network"]})
        if r.status not in (200, 201):
            raise RuntimeError("set-up: adding a client: %r" % r)
        for org in (cls.antwerpen, cls.gent):
            r = a.delete("/api/v1/providers/%d/clients/%d" % (cls.provider_id, org["id"]))
            if r.status not in (204, 404):
                raise RuntimeError("set-up: removing a client: %r" % r)

    # -- fixtures ---------------------------------------------------------
    def make_contact(self, org_id):
        n = next(_n)
        r = self.admin.post("/api/v1/orgs/%d/contacts" % org_id,
                            {"name": "Scope Fixture %d" % n, "role": "deputy",
                             "email": "fixture%d@example.org" % n, "mobile": "0499 00 66 %02d" % (n % 100),
                             "language": "nl", "active": True})
        self.assertStatus(r, 201, "set-up: creating a contact")
        return r.json

    def make_asset(self, org_id):
        r = self.admin.post("/api/v1/orgs/%d/assets" % org_id,
                            {"type": "domain", "value": "scope-fixture-%d.example" % next(_n)})
        self.assertStatus(r, 201, "set-up: creating an asset")
        return r.json

    def fixtures(self, org):
        return {"org": org["id"], "contact": self.make_contact(org["id"]),
                "asset": self.make_asset(org["id"]), "provider": self.provider_id}

    def ids(self, fx):
        return {"org": fx["org"], "contact": fx["contact"]["id"], "asset": fx["asset"]["id"],
                "provider": fx["provider"]}

    def snapshot(self, org_id):
        """What the war room sees of a town (as admin)."""
        r = self.admin.get("/api/v1/orgs/%d" % org_id)
        self.assertStatus(r, 200)
        o = r.json
        contacts = sorted((c["id"], c["name"], c.get("phone"), c.get("email")) for c in o["contacts"])
        assets = sorted((x["id"], x["type"], x["value"]) for x in o["assets"])
        providers = sorted((p.get("id"), tuple(sorted(p.get("services") or []))) for p in o["providers"])
        return {"name": o["name"], "population": o.get("population"), "contacts": contacts,
                "assets": assets, "providers": providers}

    def run_table_against(self, client, org, who, own_org):
        """Every ORG_SCOPED row against a town outside client's scope: 404
        (403 allowed only on staff-only rows, and only when the same request
        for a town in its scope is refused the same way, so the answer says
        nothing about the town), and the town unchanged."""
        for method, path, body, own, staff_only in ORG_SCOPED:
            with self.subTest(who=who, method=method, path=path):
                fx = self.fixtures(org)
                before = self.snapshot(org["id"])
                ids = self.ids(fx)
                r = client.request(method, fill(path, ids), body=fill(body, ids))
                if staff_only and r.status == 403:
                    own_ids = self.ids(self.fixtures(own_org))
                    mine = client.request(method, fill(path, own_ids), body=fill(body, own_ids))
                    self.assertEqual(mine.status, 403,
                                     "%s: 403 for another town but %d for its own: %r"
                                     % (who, mine.status, mine))
                else:
                    self.assertError(r, 404, "not_found", msg="%s on another town" % who)
                self.assertEqual(self.snapshot(org["id"]), before,
                                 "%s %s by %s changed the town" % (method, path, who))

    # -- SPOC --------------------------------------------------------------
    def test_spoc_gets_404_on_every_endpoint_of_another_town(self):
        self.run_table_against(self.session("spoc_gent"), self.antwerpen, "spoc of Gent", self.gent)

    def test_spoc_can_use_every_endpoint_on_its_own_town(self):
        c = self.session("spoc_gent")
        for method, path, body, own, staff_only in ORG_SCOPED:
            if own is None:
                continue
            with self.subTest(method=method, path=path):
                fx = self.fixtures(self.gent)
                r = c.request(method, fill(path, self.ids(fx)), body=fill(body, self.ids(fx)))
                if own == 403:
                    self.assertError(r, 403, "forbidden")
                else:
                    self.assertStatus(r, own)

    def test_spoc_cannot_rename_its_town(self):
        c = self.session("spoc_gent")
        r = c.patch("/api/v1/orgs/%d" % self.gent["id"], {"name": "Gent Hijacked"})
        self.assertError(r, 403, "forbidden")
        self.assertEqual(self.snapshot(self.gent["id"])["name"], self.gent["name"])

    def test_spoc_sees_only_its_own_town_in_the_list(self):
        c = self.session("spoc_gent")
        r = c.get("/api/v1/orgs?limit=500")
        self.assertStatus(r, 200)
        self.assertEqual([o["id"] for o in r.json["items"]], [self.gent["id"]])
        self.assertIsNone(r.json["next_cursor"])
        for q in ("Antwerpen", NIS_ANTWERPEN, "Leuven"):
            r = c.get("/api/v1/orgs?q=%s" % q)
            self.assertStatus(r, 200)
            self.assertEqual(r.json["items"], [], "q=%s" % q)
        r = c.get("/api/v1/orgs?province=Antwerpen")
        self.assertStatus(r, 200)
        self.assertEqual(r.json["items"], [])

    def test_spoc_own_contact_round_trip(self):
        c = self.session("spoc_gent")
        gid = self.gent["id"]
        r = c.post("/api/v1/orgs/%d/contacts" % gid,
                   {"name": "Spoc Made", "role": "ciso", "email": "ciso@example.org",
                    "mobile": "0499 00 12 34", "language": "nl", "active": True})
        self.assertStatus(r, 201)
        cid = r.json["id"]
        self.assertEqual(r.json["mobile"], "+32499001234")
        r = c.patch("/api/v1/contacts/%d" % cid, {"language": "en"})
        self.assertStatus(r, 200)
        self.assertEqual(r.json["language"], "en")
        self.assertIn(cid, [x["id"] for x in items_of(c.get("/api/v1/orgs/%d/contacts" % gid))])
        r = c.post("/api/v1/orgs/%d/assets" % gid, {"type": "hostname", "value": "vpn.spoc-made.example"})
        self.assertStatus(r, 201)
        self.assertStatus(c.delete("/api/v1/contacts/%d" % cid), 204)
        self.assertError(c.get("/api/v1/contacts/%d" % cid), 404, "not_found")

    def test_spoc_cannot_move_things_into_another_town(self):
        c = self.session("spoc_gent")
        gid, aid = self.gent["id"], self.antwerpen["id"]
        before = self.snapshot(aid)
        fx = self.fixtures(self.gent)
        for method, path, body in (
                ("PATCH", "/api/v1/contacts/%d" % fx["contact"]["id"], {"org_id": aid}),
                ("PATCH", "/api/v1/assets/%d" % fx["asset"]["id"], {"org_id": aid}),
                ("POST", "/api/v1/orgs/%d/contacts" % gid,
                 {"org_id": aid, "name": "Smuggled", "role": "spoc", "email": "smuggled@example.org"}),
                ("POST", "/api/v1/orgs/%d/assets" % gid,
                 {"org_id": aid, "type": "domain", "value": "smuggled.example"})):
            with self.subTest(method=method, path=path):
                r = c.request(method, path, body=body)
                self.assertFalse(200 <= r.status < 300 and r.json.get("org_id") == aid,
                                 "moved into another town: %r" % r)
        self.assertEqual(self.snapshot(aid), before)
        self.assertEqual(self.admin.get("/api/v1/contacts/%d" % fx["contact"]["id"]).json["org_id"], gid)
        self.assertEqual(self.admin.get("/api/v1/assets/%d" % fx["asset"]["id"]).json["org_id"], gid)

    def test_another_towns_object_looks_like_a_missing_one(self):
        c = self.session("spoc_gent")
        fx = self.fixtures(self.antwerpen)
        for kind, oid in (("contacts", fx["contact"]["id"]), ("assets", fx["asset"]["id"]),
                          ("orgs", fx["org"])):
            other = c.get("/api/v1/%s/%d" % (kind, oid))
            missing = c.get("/api/v1/%s/%d" % (kind, 987654321))
            self.assertError(other, 404, "not_found")
            self.assertError(missing, 404, "not_found")
            # The same answer, apart from the id the client asked for itself.
            self.assertEqual(re.sub(r"\b%d\b" % oid, "ID", other.text),
                             re.sub(r"\b987654321\b", "ID", missing.text), kind)

    def test_spoc_cannot_create_orgs_or_read_the_journal(self):
        c = self.session("spoc_gent")
        r = c.post("/api/v1/orgs", {"kind": "municipality", "name": "Nieuwdorp"})
        self.assertError(r, 403, "forbidden")
        self.assertError(c.get("/api/v1/journal"), 403, "forbidden")
        r = self.admin.get("/api/v1/orgs?q=Nieuwdorp")
        self.assertEqual(r.json["items"], [])

    def test_only_staff_manage_providers(self):
        before = {p["id"]: p for p in items_of(self.admin.get("/api/v1/providers"))}
        for who in ("spoc_gent", "viewer", "provider"):
            c = self.session(who)
            with self.subTest(who=who):
                r = c.post("/api/v1/providers", {"name": "Rogue ICT %s" % who})
                self.assertError(r, 403, "forbidden")
                r = c.patch("/api/v1/providers/%d" % self.provider_id, {"name": "Renamed by %s" % who})
                self.assertStatus(r, (403, 404))
                r = c.delete("/api/v1/providers/%d" % self.provider_id)
                self.assertStatus(r, (403, 404))
        after = {p["id"]: p for p in items_of(self.admin.get("/api/v1/providers"))}
        self.assertEqual(after, before)

    # -- provider ---------------------------------------------------------
    def test_provider_gets_404_on_every_endpoint_of_a_town_it_does_not_serve(self):
        self.run_table_against(self.session("provider"), self.antwerpen, "provider", self.leuven)

    def test_provider_lists_only_its_clients(self):
        c = self.session("provider")
        items, _ = harness.all_pages(c, "/api/v1/orgs", limit=500)
        ids = {o["id"] for o in items}
        self.assertIn(self.leuven["id"], ids)
        self.assertNotIn(self.antwerpen["id"], ids)
        self.assertNotIn(self.gent["id"], ids)
        r = self.admin.get("/api/v1/providers")
        self.assertStatus(r, 200)
        mine = [p for p in items_of(r) if p["id"] == self.provider_id][0]
        allowed = {cl["org_id"] for cl in mine["clients"]} | {self.provider_id}
        self.assertLessEqual(ids, allowed)
        self.assertStatus(c.get("/api/v1/orgs/%d" % self.leuven["id"]), 200)
        self.assertStatus(c.get("/api/v1/orgs/%d/contacts" % self.leuven["id"]), 200)
        self.assertStatus(c.get("/api/v1/orgs/%d/assets" % self.leuven["id"]), 200)
        self.assertError(c.get("/api/v1/journal"), 403, "forbidden")

    # -- viewer -----------------------------------------------------------
    def test_viewer_lists_towns_but_not_their_contacts_or_assets(self):
        c = self.session("viewer")
        r = c.get("/api/v1/orgs?kind=municipality&limit=500")
        self.assertStatus(r, 200)
        self.assertEqual(len(r.json["items"]), 285)
        fx = self.fixtures(self.gent)
        for path in ("/api/v1/orgs/%d/contacts" % self.gent["id"],
                     "/api/v1/orgs/%d/assets" % self.gent["id"],
                     "/api/v1/contacts/%d" % fx["contact"]["id"],
                     "/api/v1/assets/%d" % fx["asset"]["id"]):
            self.assertError(c.get(path), 404, "not_found", msg="viewer")
        before = self.snapshot(self.gent["id"])
        for method, path, body in (
                ("POST", "/api/v1/orgs/%d/contacts" % self.gent["id"],
                 {"name": "Viewer Made", "role": "dpo", "email": "v@example.org"}),
                ("PATCH", "/api/v1/contacts/%d" % fx["contact"]["id"], {"name": "Viewer Edit"}),
                ("DELETE", "/api/v1/contacts/%d" % fx["contact"]["id"], None),
                ("POST", "/api/v1/orgs/%d/assets" % self.gent["id"],
                 {"type": "domain", "value": "viewer-made.example"}),
                ("DELETE", "/api/v1/assets/%d" % fx["asset"]["id"], None),
                ("PATCH", "/api/v1/orgs/%d" % self.gent["id"], {"population": 1}),
                ("POST", "/api/v1/orgs", {"kind": "municipality", "name": "Viewerdorp"})):
            with self.subTest(method=method, path=path):
                r = c.request(method, path, body=body)
                self.assertStatus(r, (403, 404))
        self.assertEqual(self.snapshot(self.gent["id"]), before)
        self.assertError(c.get("/api/v1/journal"), 403, "forbidden")

    # -- staff -------------------------------------------------------------
    def test_analyst_reads_every_town(self):
        c = self.session("analyst")
        fx = self.fixtures(self.antwerpen)
        for method, path, body, own, staff_only in ORG_SCOPED:
            if method != "GET":
                continue
            with self.subTest(path=path):
                self.assertStatus(c.get(fill(path, self.ids(fx))), 200)
        self.assertStatus(c.get("/api/v1/journal"), 200)
        items, _ = harness.all_pages(c, "/api/v1/orgs?kind=municipality", limit=500)
        self.assertEqual(len(items), 285)

    def test_every_endpoint_answers_404_for_ids_that_do_not_exist(self):
        ids = {"org": 987654321, "contact": 987654321, "asset": 987654321,
               "provider": self.provider_id}
        for method, path, body, own, staff_only in ORG_SCOPED:
            with self.subTest(method=method, path=path):
                r = self.admin.request(method, fill(path, ids), body=fill(body, ids))
                if "{org}" in str(body):
                    # The missing organisation is in the body: 404 or 422 naming org_id.
                    if r.status == 422:
                        self.assertEqual(r.error.get("field"), "org_id")
                        continue
                self.assertError(r, 404, "not_found")
        for method, path, body in (("PATCH", "/api/v1/providers/987654321", {"name": "X"}),
                                   ("DELETE", "/api/v1/providers/987654321", None),
                                   ("POST", "/api/v1/providers/987654321/clients",
                                    {"org_id": self.gent["id"], "services": ["network"]}),
                                   ("DELETE", "/api/v1/providers/987654321/clients/%d" % self.gent["id"], None),
                                   ("GET", "/api/v1/orgs/0", None),
                                   ("GET", "/api/v1/orgs/abc", None),
                                   ("GET", "/api/v1/contacts/-1", None)):
            with self.subTest(method=method, path=path):
                self.assertError(self.admin.request(method, path, body=body), 404, "not_found")


if __name__ == "__main__":
    harness.main()
