"""Incidents end to end (issue 4, docs/incidents.md): a town reports, the war
room records a phone call, strict confidentiality for every role, the status
machine, the legal clocks against the server's clock (moved ahead with
WARROOM_TEST_CLOCK_FILE), submitted reports, internal notes and the timeline."""

import os
import sys
import tempfile

sys.dont_write_bytecode = True
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import harness  # noqa: E402
from harness import NIS_ANTWERPEN, NIS_GENT, ServerTestCase, all_pages, items_of, org_by_nis  # noqa: E402

CLOCK = os.path.join(tempfile.mkdtemp(prefix="wr-clock-"), "offset")
with open(CLOCK, "w") as f:
    f.write("0\n")

RANSOM = {"title": "Ransom note on the file server", "description": "03:10, every share encrypted",
          "aware_at": "2026-11-28T03:10:00Z", "category": "malicious-code", "type": "infected-system",
          "severity": "critical", "personal_data": True,
          "impact": {"services_down": ["e-loket"], "ransom_demanded": True}}


class Incidents(ServerTestCase):
    SERVER_ENV = {"WARROOM_TEST_CLOCK_FILE": CLOCK}
    USERS = ServerTestCase.USERS + [("prov", "provider", None, "provider0")]

    @classmethod
    def prepare_server(cls):
        cls.c = {n: cls.server.client(token=cls.server.create_token(n))
                 for n in ("analyst", "spoc_gent", "spoc_antwerpen", "prov", "viewer")}
        cls.gent = org_by_nis(cls.c["analyst"], NIS_GENT)
        cls.antwerpen = org_by_nis(cls.c["analyst"], NIS_ANTWERPEN)

    def set_clock(self, seconds):
        with open(CLOCK, "w") as f:
            f.write("%d\n" % seconds)

    def test_report_and_confidentiality(self):
        r = self.c["spoc_gent"].post("/api/v1/incidents", dict(RANSOM, org_id=self.antwerpen["id"]))
        self.assertError(r, 422, "invalid", field="org_id")  # a town reports only for itself
        r = self.c["spoc_gent"].post("/api/v1/incidents", RANSOM)
        self.assertStatus(r, 201)
        inc = r.json
        self.assertEqual((inc["org_id"], inc["status"], inc["tlp"], inc["on_behalf"]),
                         (self.gent["id"], "reported", "AMBER+STRICT", False))
        # The war room records a phone call for Antwerpen.
        r = self.c["analyst"].post("/api/v1/incidents", dict(RANSOM, org_id=self.antwerpen["id"],
                                                              title="Phoned in: DDoS on the website",
                                                              category="availability", type="ddos"))
        self.assertStatus(r, 201)
        other = r.json
        self.assertTrue(other["on_behalf"])
        path = "/api/v1/incidents/%d" % inc["id"]
        self.assertStatus(self.c["spoc_gent"].get(path), 200)
        self.assertError(self.c["spoc_antwerpen"].get(path), 404, "not_found")
        self.assertError(self.c["prov"].get(path), 404, "not_found")  # no consent to share with it
        self.assertError(self.c["viewer"].get("/api/v1/incidents"), 403, "forbidden")
        seen = {i["id"] for i in items_of(self.c["spoc_gent"].get("/api/v1/incidents"))}
        self.assertIn(inc["id"], seen)
        self.assertNotIn(other["id"], seen)
        self.assertEqual({i["id"] for i in items_of(self.c["analyst"].get("/api/v1/incidents"))} >= {inc["id"], other["id"]}, True)
        self.assertError(self.c["spoc_antwerpen"].post(path + "/notes", {"text": "peek"}), 404, "not_found")
        r = self.c["spoc_gent"].post("/api/v1/incidents", dict(RANSOM, type="ddos"))
        self.assertError(r, 422, "invalid", field="type")
        # a viewer (the minister's office) sees counts only
        n = self.c["viewer"].get("/api/v1/incidents/counts")
        self.assertStatus(n, 200)
        self.assertGreaterEqual(n.json["total"], 2)
        self.assertGreaterEqual(n.json["by_severity"]["critical"], 2)
        self.assertGreaterEqual(n.json["overdue"], 1)  # aware 2026-11-28T03:10Z: the early warning is late
        self.assertNotIn("items", n.json)
        self.assertError(self.c["spoc_gent"].get("/api/v1/incidents/counts"), 403, "forbidden")

    def test_patch_filters_and_moments(self):
        import datetime
        self.set_clock(0)
        now = datetime.datetime.now(datetime.timezone.utc)
        stamp = lambda d: d.strftime("%Y-%m-%dT%H:%M:%SZ")
        g = self.c["spoc_gent"]
        # moments: not in the future, in order occurred <= detected <= aware
        r = g.post("/api/v1/incidents", dict(RANSOM, aware_at=stamp(now + datetime.timedelta(days=1))))
        self.assertError(r, 422, "invalid", field="aware_at")
        r = g.post("/api/v1/incidents", dict(RANSOM, occurred_at="2026-11-28T04:00:00Z",
                                             detected_at="2026-11-28T03:00:00Z"))
        self.assertError(r, 422, "invalid", field="detected_at")
        old = g.post("/api/v1/incidents", dict(RANSOM, title="Old, clocks overdue")).json
        fresh = g.post("/api/v1/incidents", dict(RANSOM, title="Fresh", personal_data=False,
                                                 aware_at=stamp(now - datetime.timedelta(hours=1)))).json
        kinds = {c["kind"]: c for c in old["clocks"]}
        self.assertEqual(set(kinds), {"nis2-early-warning", "nis2-notification", "nis2-final-report",
                                      "gdpr-notification"})
        self.assertEqual(kinds["nis2-early-warning"]["due_at"], "2026-11-29T03:10:00Z")
        # the list narrowed by clock, status and town
        ids = lambda q, who="analyst": [i["id"] for i in items_of(self.c[who].get("/api/v1/incidents" + q))]
        self.assertIn(old["id"], ids("?clock=overdue"))
        self.assertNotIn(fresh["id"], ids("?clock=overdue"))
        self.assertIn(old["id"], ids("?clock=overdue", "spoc_gent"))
        self.assertNotIn(old["id"], ids("?org=%d" % self.antwerpen["id"]))
        self.assertIn(old["id"], ids("?org=%d&status=reported" % self.gent["id"]))
        self.assertNotIn(old["id"], ids("?status=triaged"))
        self.assertError(self.c["analyst"].get("/api/v1/incidents?status=done"), 422, "invalid", field="status")
        self.assertError(self.c["analyst"].get("/api/v1/incidents?clock=soon"), 422, "invalid", field="clock")
        # the reports recorded, the old incident is no longer overdue (the final report waits a month)
        for kind in ("nis2-early-warning", "nis2-notification", "gdpr"):
            self.assertStatus(g.post("/api/v1/incidents/%d/reports" % old["id"], {"kind": kind, "content": "sent"}), 201)
        self.assertNotIn(old["id"], ids("?clock=overdue"))
        # corrections after the report: the town or the war room, checked as a report is
        path = "/api/v1/incidents/%d" % fresh["id"]
        r = g.patch(path, {"description": "Also the backups of fs02", "personal_data": True,
                           "impact": {"services_down": ["e-loket", "burgerzaken"]}})
        self.assertStatus(r, 200)
        self.assertEqual(r.json["description"], "Also the backups of fs02")
        self.assertIn("gdpr-notification", [c["kind"] for c in r.json["clocks"]])
        self.assertEqual(r.json["impact"]["services_down"], ["e-loket", "burgerzaken"])
        tl = [t["text"] for t in items_of(g.get(path + "/timeline"))]
        self.assertIn("changed: description personal_data impact", tl)
        self.assertError(self.c["spoc_antwerpen"].patch(path, {"title": "x"}), 404, "not_found")
        self.assertError(self.c["prov"].patch(path, {"title": "x"}), 404, "not_found")
        self.assertError(g.patch(path, {"type": "ddos"}), 422, "invalid", field="type")
        self.assertError(g.patch(path, {"colour": "red"}), 422, "invalid", field="colour")
        self.assertError(g.patch(path, {"detected_at": stamp(now)}), 422, "invalid", field="aware_at")
        self.assertEqual(g.get(path).json["severity"], "critical")  # nothing of a refused change stored
        self.assertStatus(self.c["analyst"].post(path + "/status", {"status": "rejected"}), 200)
        self.assertError(g.patch(path, {"title": "too late"}), 409, "conflict", field="status")

    def test_lessons_to_every_provider(self):
        self.set_clock(0)
        inc = self.c["spoc_gent"].post("/api/v1/incidents", dict(RANSOM, title="Gent file server encrypted",
                                                                 description="Jan Peeters found the note")).json
        self.assertEqual((inc["consent_lessons"], inc["consent_indicators"]), (False, False))
        url = "/api/v1/incidents/%d/lessons" % inc["id"]
        body = {"lessons": "Keep one backup offline; test the restore every quarter."}
        self.assertError(self.c["analyst"].post(url, body), 409, "conflict", field="consent_lessons")
        r = self.c["spoc_gent"].patch("/api/v1/incidents/%d" % inc["id"], {"consent_lessons": True})
        self.assertTrue(r.json["consent_lessons"])
        self.assertError(self.c["spoc_gent"].post(url, body), 403, "forbidden")
        self.assertError(self.c["analyst"].post(url, {}), 422, "invalid", field="lessons")
        r = self.c["analyst"].post(url, body)
        self.assertStatus(r, 201)
        adv = r.json
        self.assertEqual((adv["status"], adv["kind"], adv["tlp"]), ("draft", "lessons-learned", "GREEN"))
        self.assertEqual(adv["audience"], {"all": True, "roles": ["provider"]})
        self.assertIn("Keep one backup offline", adv["body"])
        self.assertIn("malicious-code / infected-system", adv["body"])
        for secret in ("Gent", "Jan Peeters", "file server encrypted"):
            self.assertNotIn(secret, adv["body"] + adv["title"])

    def test_status_clocks_reports_timeline(self):
        self.set_clock(0)
        inc = self.c["analyst"].post("/api/v1/incidents", dict(RANSOM, org_id=self.gent["id"])).json
        path = "/api/v1/incidents/%d" % inc["id"]
        self.assertError(self.c["spoc_gent"].post(path + "/status", {"status": "triaged"}), 403, "forbidden")
        self.assertError(self.c["analyst"].post(path + "/status", {"status": "contained"}), 409, "conflict")
        self.assertStatus(self.c["analyst"].post(path + "/status", {"status": "triaged", "note": "ransomware"}), 200)
        # The clocks count from aware_at on the server's own clock.
        import time
        now = int(time.time())
        aware = 1795835400  # 2026-11-28T03:10:00Z
        self.set_clock(aware + 23 * 3600 - now)
        clocks = {c["report"]: c for c in self.c["spoc_gent"].get(path).json["clocks"]}
        self.assertEqual(clocks["nis2-early-warning"]["due"], "2026-11-29T03:10:00Z")
        self.assertEqual(clocks["nis2-early-warning"]["state"], "due")
        self.assertEqual(clocks["gdpr"]["due"], "2026-12-01T03:10:00Z")
        self.set_clock(aware + 25 * 3600 - now)
        clocks = {c["report"]: c for c in self.c["spoc_gent"].get(path).json["clocks"]}
        self.assertEqual(clocks["nis2-early-warning"]["state"], "overdue")
        r = self.c["spoc_gent"].post(path + "/reports", {"kind": "nis2-early-warning",
                                                          "content": "Early warning sent to CCB",
                                                          "submitted_at": "2026-11-29T04:00:00Z"})
        self.assertStatus(r, 201)
        clocks = {c["report"]: c for c in r.json["clocks"]}
        self.assertEqual((clocks["nis2-early-warning"]["state"], clocks["nis2-early-warning"]["submitted_at"]),
                         ("done", "2026-11-29T04:00:00Z"))
        self.assertError(self.c["spoc_gent"].post(path + "/reports", {"kind": "nis2-early-warning", "content": "again"}),
                         409, "conflict")
        r = self.c["analyst"].post(path + "/reports", {"kind": "nis2-notification", "content": "full notification",
                                                       "submitted_at": "2027-01-31T09:00:00Z"})
        clocks = {c["report"]: c for c in r.json["clocks"]}
        self.assertEqual(clocks["nis2-final"]["due"], "2027-02-28T09:00:00Z")  # one calendar month
        # Notes: an internal one is the war room's only.
        self.assertStatus(self.c["analyst"].post(path + "/notes", {"text": "suspect the provider's VPN", "internal": True}), 201)
        self.assertStatus(self.c["spoc_gent"].post(path + "/notes", {"text": "backups offline and intact"}), 201)
        self.assertError(self.c["spoc_gent"].post(path + "/notes", {"text": "x", "internal": True}), 403, "forbidden")
        staff = [t["text"] for t in items_of(self.c["analyst"].get(path + "/timeline"))]
        town = [t["text"] for t in items_of(self.c["spoc_gent"].get(path + "/timeline"))]
        self.assertIn("suspect the provider's VPN", staff)
        self.assertNotIn("suspect the provider's VPN", town)
        self.assertIn("backups offline and intact", town)
        self.assertIn("reported -> triaged: ransomware", town)
        self.assertIn("report submitted: nis2-early-warning", town)
        self.set_clock(0)

    def overdue_everywhere(self):
        """The ids that ?clock=overdue lists, and those whose clocks show one
        overdue (open incidents); the counts' "overdue" must be their number."""
        a = self.c["analyst"]
        listed = {i["id"] for i in all_pages(a, "/api/v1/incidents?clock=overdue")[0]}
        shown = set()
        for i in all_pages(a, "/api/v1/incidents")[0]:
            full = a.get("/api/v1/incidents/%d" % i["id"]).json
            if full["status"] not in ("closed", "rejected", "duplicate") and \
                    any(c["state"] == "overdue" for c in full["clocks"]):
                shown.add(i["id"])
        self.assertEqual(listed, shown)
        self.assertEqual(self.c["viewer"].get("/api/v1/incidents/counts").json["overdue"], len(shown))
        return listed

    def test_overdue_agrees_at_the_edges(self):
        """The list filter, the counts and the clocks come from one set of
        rules (src/incidents/clocks.c) and agree at their edges."""
        import datetime
        import time
        self.set_clock(0)
        a = self.c["analyst"]
        now = int(time.time())
        stamp = lambda t: datetime.datetime.fromtimestamp(t, datetime.timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")
        at = lambda s: int(datetime.datetime.strptime(s, "%Y-%m-%dT%H:%M:%SZ")
                           .replace(tzinfo=datetime.timezone.utc).timestamp())
        h = 3600

        def incident(title, aware, pd, reports=()):
            inc = a.post("/api/v1/incidents", dict(RANSOM, org_id=self.gent["id"], title=title,
                                                   aware_at=stamp(aware), personal_data=pd)).json
            for kind, when in reports:
                self.assertStatus(a.post("/api/v1/incidents/%d/reports" % inc["id"],
                                         {"kind": kind, "content": "sent", "submitted_at": when}), 201)
            return inc["id"]
        sent = stamp(now)
        early = [("nis2-early-warning", sent)]
        both = early + [("nis2-notification", sent)]
        want = {  # id: overdue now
            incident("24 h less a minute", now - 24 * h + 60, False): False,
            incident("24 h and a minute", now - 24 * h - 60, False): True,
            incident("72 h less a minute", now - 72 * h + 60, True, early): False,
            incident("72 h and a minute", now - 72 * h - 60, False, early): True,
            incident("GDPR late", now - 72 * h - 60, True, both): True,
            incident("no personal data", now - 72 * h - 60, False, both): False,
            # a recorded report settles its clock, whatever time it was given
            incident("early warning at the epoch", now - 24 * h - 60, False,
                     [("nis2-early-warning", "1970-01-01T00:00:00Z")]): False,
        }
        # notified on 31 January: the final report is due on 28 February
        final = incident("final report", at("2026-01-30T09:00:00Z"), True,
                         [("nis2-early-warning", "2026-01-30T20:00:00Z"), ("gdpr", "2026-01-30T20:00:00Z"),
                          ("nis2-notification", "2026-01-31T09:00:00Z")])
        clocks = {c["kind"]: c for c in a.get("/api/v1/incidents/%d" % final).json["clocks"]}
        self.assertEqual(clocks["nis2-final-report"]["due_at"], "2026-02-28T09:00:00Z")
        try:
            listed = self.overdue_everywhere()
            for i, late in {**want, final: True}.items():
                self.assertEqual(i in listed, late, i)
            for moment, late in (("2026-02-28T08:59:00Z", False), ("2026-02-28T09:01:00Z", True)):
                self.set_clock(at(moment) - int(time.time()))
                self.assertEqual(final in self.overdue_everywhere(), late, moment)
        finally:
            self.set_clock(0)
            for i in list(want) + [final]:  # the other tests' counts stay as they were
                self.assertStatus(a.post("/api/v1/incidents/%d/status" % i, {"status": "rejected"}), 200)


if __name__ == "__main__":
    harness.main()
