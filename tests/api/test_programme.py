"""The prevention programme end to end: the checklist, self-assessments with
scope per role and carry-over, the cyber-audit state machine and its
findings, the figures (JSON, CSV, printable HTML) and the campaign
audiences."""

import csv
import io
import os
import sys

sys.dont_write_bytecode = True  # no __pycache__ in the source tree
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import harness  # noqa: E402
from harness import NIS_ANTWERPEN, NIS_GENT, NIS_LEUVEN, ServerTestCase, org_by_nis  # noqa: E402

TOWN_ITEM = "LG-GV-01"       # owner town
PROVIDER_ITEM = "LG-PR-01"   # owner provider, key measure


def csv_ids(name, col):
    with open(os.path.join(harness.source_dir(), "data", name), newline="") as f:
        return {row[col] for row in csv.DictReader(f)}


class ProgrammeTest(ServerTestCase):
    USERS = ServerTestCase.USERS + [("provider", "provider", None, "provider0")]

    @classmethod
    def prepare_server(cls):
        """Leuven is a client of the demo provider, Gent is not."""
        a = cls.admin
        cls.gent, cls.antwerpen, cls.leuven = (org_by_nis(a, n) for n in (NIS_GENT, NIS_ANTWERPEN, NIS_LEUVEN))
        cls.provider_id = cls.demo_providers[0]
        clients = "/api/v1/providers/%d/clients" % cls.provider_id
        for resp, ok in ((a.post(clients, {"org_id": cls.leuven["id"], "services": ["network"]}), (200, 201)),
                         (a.delete("%s/%d" % (clients, cls.gent["id"])), (204, 404))):
            if resp.status not in ok:
                raise RuntimeError("set-up of the provider's clients: %r" % resp)
        cls.checklist = a.get("/api/v1/checklists/current").json

    def items(self):
        return self.checklist["items"]

    def all_yes(self, except_ids=()):
        return [{"item": i["id"], "answer": "no" if i["id"] in except_ids else "yes",
                 "evidence": "ev " + i["id"]} for i in self.items()]

    # -- checklist ------------------------------------------------------
    def test_checklist_current(self):
        r = self.session("spoc_gent").get("/api/v1/checklists/current")
        self.assertStatus(r, 200)
        c = r.json
        self.assertEqual(c["id"], "local-government")
        self.assertTrue(20 <= len(c["items"]) <= 30)
        cyfun = csv_ids("cyfun2025_controls.csv", "control_id")
        cis = csv_ids("cis_v8_ig1_safeguards.csv", "safeguard_id")
        for it in c["items"]:
            for k in ("id", "function", "title", "guidance", "evidence", "owner", "weight",
                      "key_measure", "references"):
                self.assertIn(k, it)
            self.assertTrue(it["title"]["nl"] and it["title"]["en"])
            for ref in it["references"]:
                prefix, _, ident = ref.partition(":")
                self.assertIn(ident, cyfun if prefix == "CYFUN25" else cis, ref)
                self.assertIn(prefix, ("CYFUN25", "CISV8"))
        self.assertStatus(self.server.anon().get("/api/v1/checklists/current"), 401)

    # -- assessments ----------------------------------------------------
    def test_assessment_simple_score_and_history(self):
        spoc = self.session("spoc_gent")
        path = "/api/v1/orgs/%d/assessments" % self.gent["id"]
        keys = [i["id"] for i in self.items() if i["key_measure"]]
        r = spoc.post(path, {"mode": "simple", "assessed_on": "2026-01-10",
                             "answers": self.all_yes(except_ids=keys[:2])})
        self.assertStatus(r, 201)
        a = r.json
        self.assertEqual(a["score"]["critical_gaps"], 2)
        self.assertTrue(a["score"]["complete"])
        total = sum(2 * i["weight"] for i in self.items())
        missing = sum(2 * i["weight"] for i in self.items() if i["id"] in keys[:2])
        self.assertEqual(a["score"]["value_x100"], (total - missing) * 10000 // total)
        self.assertEqual(set(a["next_steps"]), set(keys[:2]))
        # A second assessment that only fixes one item: the rest is carried over.
        r = spoc.post(path, {"answers": [{"item": keys[0], "answer": "yes", "evidence": "fixed"}]})
        self.assertStatus(r, 201)
        b = r.json
        self.assertEqual(b["mode"], "simple")
        self.assertEqual(b["score"]["critical_gaps"], 1)
        by_item = {x["item"]: x for x in b["answers"]}
        self.assertFalse(by_item[keys[0]]["carried"])
        self.assertTrue(by_item[keys[1]]["carried"])
        self.assertEqual(by_item[TOWN_ITEM]["evidence"], "ev " + TOWN_ITEM)
        r = spoc.get(path)
        self.assertStatus(r, 200)
        hist = r.json["items"]
        self.assertGreaterEqual(len(hist), 2)
        self.assertEqual(hist[0]["id"], b["id"])
        self.assertEqual(hist[1]["id"], a["id"])
        self.assertEqual(hist[1]["assessed_on"], "2026-01-10")

    def test_assessment_cyfun_levels(self):
        analyst = self.session("analyst")
        path = "/api/v1/orgs/%d/assessments" % self.leuven["id"]
        answers = [{"item": i["id"], "documentation": 2, "implementation": 3} for i in self.items()]
        r = analyst.post(path, {"mode": "cyfun", "answers": answers})
        self.assertStatus(r, 201)
        self.assertEqual(r.json["score"]["value_x100"], 250)
        self.assertEqual(r.json["score"]["level"], "basic")   # exactly at the pass mark
        answers[0] = {"item": answers[0]["item"], "documentation": 2, "implementation": 2}
        r = analyst.post(path, {"mode": "cyfun", "answers": answers})
        self.assertStatus(r, 201)
        self.assertIsNone(r.json["score"]["level"])          # the total falls below 2.5
        r = analyst.post(path, {"mode": "cyfun", "answers": [
            {"item": i["id"], "documentation": 3, "implementation": 3} for i in self.items()]})
        self.assertEqual(r.json["score"]["level"], "important")

    def test_assessment_validation(self):
        spoc = self.session("spoc_gent")
        path = "/api/v1/orgs/%d/assessments" % self.gent["id"]
        cases = [
            ({"answers": [{"item": "LG-NOPE-1", "answer": "yes"}]}, "answers[0].item"),
            ({"answers": [{"item": TOWN_ITEM, "answer": "maybe"}]}, "answers[0].answer"),
            ({"mode": "cyfun", "answers": [{"item": TOWN_ITEM, "documentation": 6,
                                            "implementation": 1}]}, "answers[0].documentation"),
            ({"mode": "simple", "answers": [{"item": TOWN_ITEM, "answer": "yes"},
                                            {"item": TOWN_ITEM, "answer": "no"}]}, "answers[1].item"),
            ({"mode": "fancy", "answers": []}, "mode"),
            ({"answers": [], "assessed_on": "2999-01-01"}, "assessed_on"),
            ({"answers": [], "assessed_on": "2026-02-30"}, "assessed_on"),
            ({"answers": "all"}, "answers"),
            ({"answers": [], "colour": 1}, "colour"),
        ]
        before = len(spoc.get(path).json["items"])
        for body, field in cases:
            r = spoc.post(path, body)
            self.assertStatus(r, 422, body)
            self.assertEqual(r.error.get("field"), field, body)
        self.assertEqual(len(spoc.get(path).json["items"]), before)

    def test_assessment_scope(self):
        gent = "/api/v1/orgs/%d/assessments" % self.gent["id"]
        antw = "/api/v1/orgs/%d/assessments" % self.antwerpen["id"]
        leuven = "/api/v1/orgs/%d/assessments" % self.leuven["id"]
        self.assertStatus(self.session("spoc_antwerpen").post(antw, {"answers": self.all_yes()}), 201)
        # A SPOC sees and fills in only its own town.
        self.assertStatus(self.session("spoc_gent").get(antw), 404)
        self.assertStatus(self.session("spoc_gent").post(antw, {"answers": []}), 404)
        # The viewer sees only aggregates.
        self.assertStatus(self.session("viewer").get(gent), 404)
        self.assertStatus(self.session("viewer").get("/api/v1/programme/summary"), 200)
        # A provider: its clients only, and only the items it owns.
        prov = self.session("provider")
        self.assertStatus(prov.get(gent), 404)
        r = prov.post(leuven, {"answers": [{"item": TOWN_ITEM, "answer": "yes"}]})
        self.assertStatus(r, 403)
        self.assertEqual(r.error.get("field"), "answers[0].item")
        r = prov.post(leuven, {"mode": "simple", "answers": [{"item": PROVIDER_ITEM, "answer": "partial",
                                                              "evidence": "VPN MFA rollout 60%"}]})
        self.assertStatus(r, 201)
        self.assertNotIn("score", r.json)
        r = prov.get(leuven)
        self.assertStatus(r, 200)
        owned = {i["id"] for i in self.items() if i["owner"] == "provider"}
        for a in r.json["items"]:
            self.assertNotIn("score", a)
            for ans in a["answers"]:
                self.assertIn(ans["item"], owned)
        # The town sees the provider's answer in its own view.
        r = self.session("analyst").get(leuven)
        latest = r.json["items"][0]
        self.assertEqual({x["item"]: x for x in latest["answers"]}[PROVIDER_ITEM]["answer"], "partial")

    # -- audits ---------------------------------------------------------
    def test_audit_state_machine(self):
        spoc = self.session("spoc_gent")
        path = "/api/v1/orgs/%d/audit" % self.gent["id"]
        r = spoc.get(path)
        self.assertStatus(r, 200)
        self.assertEqual(r.json["state"], "not-signed-up")
        self.assertEqual(set(r.json["dates"]), {"signed_up_on", "scheduled_for", "performed_on",
                                                "report_received_on", "remediation_on", "closed_on"})
        self.assertStatus(spoc.patch(path, {"state": "scheduled"}), 409)
        self.assertStatus(self.session("spoc_antwerpen").post(path, {"kind": "basic"}), 404)
        self.assertStatus(self.session("viewer").post(path, {"kind": "basic"}), 404)
        r = spoc.post(path, {"kind": "basic", "date": "2026-03-01"})
        self.assertStatus(r, 201)
        self.assertEqual(r.json["state"], "signed-up")
        self.assertEqual(r.json["dates"]["signed_up_on"], "2026-03-01")
        self.assertStatus(spoc.post(path, {"kind": "basic"}), 409)
        a = self.session("analyst")
        # Refused: skipping a step, going back, an unknown state, no firm.
        for body, status in (({"state": "performed"}, 409), ({"state": "closed"}, 409),
                             ({"state": "audited"}, 422), ({"state": "scheduled"}, 422)):
            r = a.patch(path, body)
            self.assertStatus(r, status, body)
            self.assertIn(r.error.get("field"), ("state", "firm"))
        r = a.patch(path, {"state": "scheduled", "firm": "Audit & Co", "date": "2026-04-15"})
        self.assertStatus(r, 200)
        self.assertEqual(r.json["dates"]["scheduled_for"], "2026-04-15")
        self.assertStatus(a.patch(path, {"state": "signed-up"}), 409)
        self.assertStatus(a.patch(path, {"state": "performed", "date": "2026-04-16"}), 200)
        # Findings: one overdue, one not.
        fpath = path + "/findings"
        self.assertStatus(spoc.post(fpath, {"title": "x", "severity": "high", "due_on": "2026-01-01"}), 403)
        r = a.post(fpath, {"title": "Domain admins without MFA", "severity": "critical",
                           "owner": "provider", "due_on": "2026-05-01"})
        self.assertStatus(r, 201)
        f1 = r.json
        self.assertTrue(f1["overdue"])
        r = a.post(fpath, {"title": "Old firewall firmware", "severity": "medium", "due_on": "2999-01-01"})
        self.assertStatus(r, 201)
        f2 = r.json
        self.assertFalse(f2["overdue"])
        self.assertStatus(a.post(fpath, {"title": "x", "severity": "urgent", "due_on": "2026-01-01"}), 422)
        self.assertEqual(a.get(path).json["findings_overdue"], 1)
        for st in ("report-received", "remediation"):
            self.assertStatus(a.patch(path, {"state": st}), 200)
        r = a.patch(path, {"state": "closed"})
        self.assertStatus(r, 409)   # findings still open
        # Fixing needs evidence; the provider reports on the finding it owns.
        r = spoc.patch("%s/%d" % (fpath, f1["id"]), {"status": "fixed"})
        self.assertStatus(r, 422)
        self.assertEqual(r.error.get("field"), "evidence")
        r = spoc.patch("%s/%d" % (fpath, f1["id"]), {"severity": "low"})
        self.assertStatus(r, 403)
        r = spoc.patch("%s/%d" % (fpath, f1["id"]), {"status": "fixed", "evidence": "MFA enforced"})
        self.assertStatus(r, 200)
        self.assertFalse(r.json["overdue"])
        self.assertIsNotNone(r.json["fixed_on"])
        self.assertStatus(a.patch("%s/%d" % (fpath, f2["id"]), {"status": "accepted"}), 200)
        self.assertStatus(self.session("spoc_antwerpen").get(fpath), 404)
        r = a.patch(path, {"state": "closed", "date": "2026-09-01"})
        self.assertStatus(r, 200)
        self.assertEqual(r.json["state"], "closed")
        self.assertStatus(a.patch(path, {"state": "remediation"}), 409)

    # -- figures and campaigns -----------------------------------------
    def test_summary_and_campaigns(self):
        a = self.session("analyst")
        # Leuven: signed up, audit performed, with an overdue finding.
        lp = "/api/v1/orgs/%d/audit" % self.leuven["id"]
        self.assertStatus(a.post(lp, {"kind": "supplementary"}), 201)
        self.assertStatus(a.patch(lp, {"state": "scheduled", "firm": "Firm"}), 200)
        self.assertStatus(a.patch(lp, {"state": "performed"}), 200)
        self.assertStatus(a.post(lp + "/findings", {"title": "Backups online", "severity": "high",
                                                    "due_on": "2020-01-01"}), 201)
        towns = self.server.sql("SELECT count(*), sum(coalesce(population,0)) FROM orgs"
                                " WHERE kind='municipality' AND valid_to IS NULL")[0]
        r = self.session("viewer").get("/api/v1/programme/summary")
        self.assertStatus(r, 200)
        s = r.json
        self.assertEqual(s["towns"], towns[0])
        self.assertEqual(s["population"], towns[1])
        signed = self.server.sql("SELECT count(*) FROM programme_audits a JOIN orgs o ON o.id=a.org_id"
                                 " WHERE a.state <> 'not-signed-up' AND o.kind='municipality'"
                                 " AND o.valid_to IS NULL")[0][0]
        self.assertEqual(s["signed_up"], signed)
        self.assertEqual(s["signed_up_share_x100"], signed * 10000 // towns[0])
        self.assertGreaterEqual(s["audits_performed"], 1)
        pop_leuven = self.server.sql("SELECT population FROM orgs WHERE id=?", (self.leuven["id"],))[0][0]
        self.assertGreaterEqual(s["population_covered"], pop_leuven)
        self.assertGreaterEqual(s["findings_overdue"], 1)
        self.assertEqual(sum(p["towns"] for p in s["by_province"]), s["towns"])
        vb = [p for p in s["by_province"] if p["province"] == "Vlaams-Brabant"][0]
        self.assertGreaterEqual(vb["audits_performed"], 1)
        prov = [p for p in s["by_provider"] if p["provider_id"] == self.provider_id]
        self.assertEqual(len(prov), 1)
        self.assertGreaterEqual(prov[0]["signed_up"], 1)
        self.assertStatus(self.session("spoc_gent").get("/api/v1/programme/summary"), 403)
        # CSV and HTML.
        r = a.get("/api/v1/programme/summary.csv")
        self.assertStatus(r, 200)
        self.assertTrue(r.header("Content-Type").startswith("text/csv"))
        rows = list(csv.DictReader(io.StringIO(r.text)))
        self.assertEqual(rows[0]["group"], "all")
        self.assertEqual(int(rows[0]["towns"]), s["towns"])
        self.assertEqual(int(rows[0]["signed_up"]), s["signed_up"])
        r = a.get("/api/v1/programme/summary.html")
        self.assertStatus(r, 200)
        self.assertTrue(r.header("Content-Type").startswith("text/html"))
        self.assertIn("programme-summary.css", r.text)
        self.assertIn("%d / %d" % (s["signed_up"], s["towns"]), r.text)
        css = self.server.anon().get("/css/programme-summary.css")
        self.assertStatus(css, 200)
        self.assertIn("@media print", css.text)
        # Campaign audiences are exact town lists.
        r = a.get("/api/v1/programme/campaigns/not-signed-up")
        self.assertStatus(r, 200)
        ids = {o["id"] for o in r.json["orgs"]}
        self.assertEqual(r.json["count"], towns[0] - signed)
        self.assertNotIn(self.leuven["id"], ids)
        self.assertEqual(sorted(r.json["advisory_draft"]["audience"]["orgs"]), sorted(ids))
        # The reminder in two clicks: a draft advisory to exactly those towns,
        # which still goes through four eyes (docs/comms.md).
        r = a.post("/api/v1/programme/campaigns/not-signed-up/advisory", {})
        self.assertStatus(r, 201)
        self.assertEqual((r.json["status"], r.json["tlp"]), ("draft", "CLEAR"))
        self.assertEqual(sorted(r.json["audience"]["orgs"]), sorted(ids))
        self.assertEqual(r.json["audience"]["roles"], ["spoc"])
        self.assertStatus(a.post("/api/v1/programme/campaigns/no-such/advisory", {}), 404)
        r = a.get("/api/v1/programme/campaigns/findings-overdue")
        self.assertStatus(r, 200)
        self.assertIn(self.leuven["id"], {o["id"] for o in r.json["orgs"]})
        expected = self.server.sql(
            "SELECT count(DISTINCT f.org_id) FROM programme_findings f JOIN orgs o ON o.id=f.org_id"
            " WHERE f.status IN ('open','in-progress') AND f.due_on < date('now')"
            " AND o.kind='municipality' AND o.valid_to IS NULL")[0][0]
        self.assertEqual(r.json["count"], expected)
        r = a.get("/api/v1/programme/campaigns/checklist-not-started")
        started = self.server.sql("SELECT count(DISTINCT org_id) FROM programme_assessments a JOIN orgs o"
                                  " ON o.id=a.org_id WHERE o.kind='municipality' AND o.valid_to IS NULL")[0][0]
        self.assertEqual(r.json["count"], towns[0] - started)
        r = a.get("/api/v1/programme/campaigns/basic-not-reached")
        self.assertStatus(r, 200)
        self.assertGreaterEqual(r.json["count"], towns[0] - started)
        self.assertStatus(a.get("/api/v1/programme/campaigns/everyone"), 404)
        self.assertStatus(self.session("spoc_gent").get("/api/v1/programme/campaigns/not-signed-up"), 403)


if __name__ == "__main__":
    harness.main()
