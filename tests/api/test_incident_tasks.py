"""Incident work end to end (issue 4, docs/incidents.md): playbooks turned
into tasks (assigned, done, skipped with a reason, reopened), requests for
help (requested -> offered -> accepted -> closed) seen by the helper
organisation for that request only, links and duplicates, the report export
without internal notes for the town, and the war room's list of what falls
due, against the server's clock (moved with WARROOM_TEST_CLOCK_FILE). Every
endpoint is tried by the roles that must not see it: a viewer, another
town's SPOC, a provider without the town's consent, a helper organisation."""

import os
import sys
import tempfile
import time

sys.dont_write_bytecode = True
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import harness  # noqa: E402
from harness import NIS_ANTWERPEN, NIS_GENT, NIS_LEUVEN, ServerTestCase, items_of, org_by_nis  # noqa: E402

CLOCK = os.path.join(tempfile.mkdtemp(prefix="wr-clock-"), "offset")
with open(CLOCK, "w") as f:
    f.write("0\n")

AWARE = 1795835400  # 2026-11-28T03:10:00Z
RANSOM = {"title": "Ransom note on the file server", "description": "03:10, every share encrypted",
          "aware_at": "2026-11-28T03:10:00Z", "category": "malicious-code", "type": "infected-system",
          "severity": "critical", "personal_data": True}
PLAYBOOKS = {"ransomware", "phishing-account-takeover", "data-leak", "ddos", "supplier-compromise"}


class IncidentWork(ServerTestCase):
    SERVER_ENV = {"WARROOM_TEST_CLOCK_FILE": CLOCK}
    USERS = ServerTestCase.USERS + [("prov", "provider", None, "provider0"),
                                    ("helper", "provider", None, "provider1"),
                                    ("spoc_leuven", "spoc", NIS_LEUVEN, None)]

    @classmethod
    def prepare_server(cls):
        cls.c = {n: cls.server.client(token=cls.server.create_token(n))
                 for n in ("analyst", "spoc_gent", "spoc_antwerpen", "spoc_leuven", "prov", "helper", "viewer")}
        cls.gent = org_by_nis(cls.c["analyst"], NIS_GENT)
        cls.antwerpen = org_by_nis(cls.c["analyst"], NIS_ANTWERPEN)
        cls.leuven = org_by_nis(cls.c["analyst"], NIS_LEUVEN)
        cls.prov_id, cls.helper_id = cls.demo_providers[0], cls.demo_providers[1]
        # provider0 serves Gent; provider1 does not.
        r = cls.admin.post("/api/v1/providers/%d/clients" % cls.prov_id,
                           {"org_id": cls.gent["id"], "services": ["network"]})
        if r.status not in (200, 201):
            raise RuntimeError("set-up of the provider's clients: %r" % r)
        cls.admin.delete("/api/v1/providers/%d/clients/%d" % (cls.helper_id, cls.gent["id"]))

    def set_clock(self, at):
        """Moves the server's clock so that it reads `at` (epoch seconds)."""
        with open(CLOCK, "w") as f:
            f.write("%d\n" % (at - int(time.time())))

    def tearDown(self):
        with open(CLOCK, "w") as f:
            f.write("0\n")

    def report(self, who="spoc_gent", **kw):
        body = dict(RANSOM, **kw)
        if who == "analyst" and "org_id" not in body:
            body["org_id"] = self.gent["id"]
        r = self.c[who].post("/api/v1/incidents", body)
        self.assertStatus(r, 201)
        return r.json["id"], "/api/v1/incidents/%d" % r.json["id"]

    def timeline(self, who, path):
        return [t["text"] for t in items_of(self.c[who].get(path + "/timeline"))]

    def assertHidden(self, path, who, method="get", body=None):
        r = getattr(self.c[who], method)(path, body) if body is not None else getattr(self.c[who], method)(path)
        self.assertError(r, 404, "not_found", msg="%s must not see %s" % (who, path))

    # -- playbooks and tasks -------------------------------------------------
    def test_playbooks_are_listed(self):
        books = {p["id"]: p for p in items_of(self.c["spoc_gent"].get("/api/v1/playbooks"))}
        self.assertGreaterEqual(set(books), PLAYBOOKS)
        for p in books.values():
            self.assertTrue(p["version"] and p["title"] and p["tasks"])
            for t in p["tasks"]:
                self.assertIn(t["owner"], ("town", "war-room", "provider"))

    def test_playbook_tasks_state_machine_and_scope(self):
        self.set_clock(AWARE + 600)
        iid, path = self.report()
        tasks = path + "/tasks"
        self.assertError(self.c["analyst"].post(path + "/playbooks", {"playbook": "nope"}), 422, "invalid",
                         field="playbook")
        for who in ("viewer", "spoc_antwerpen", "prov", "helper"):
            self.assertHidden(path + "/playbooks", who, "post", {"playbook": "ransomware"})
            self.assertHidden(tasks, who)
        r = self.c["analyst"].post(path + "/playbooks", {"playbook": "ransomware"})
        self.assertStatus(r, 201)
        self.assertEqual(r.json["version"], "2026.1")
        by_step = {t["step"]: t for t in r.json["tasks"]}
        self.assertEqual(len(by_step), 10)
        # Due offsets count from the moment of awareness.
        self.assertEqual(by_step["isolate"]["due_at"], "2026-11-28T04:10:00Z")
        self.assertEqual(by_step["notify-authorities"]["due_at"], "2026-11-29T03:10:00Z")
        self.assertIsNone(by_step["restore"]["due_at"])
        self.assertEqual((by_step["check-backups"]["owner_role"], by_step["isolate"]["status"]),
                         ("provider", "open"))
        self.assertError(self.c["analyst"].post(path + "/playbooks", {"playbook": "ransomware"}), 409, "conflict")
        self.assertEqual(len(items_of(self.c["spoc_gent"].get(tasks))), 10)

        isolate = "%s/%d" % (tasks, by_step["isolate"]["id"])
        r = self.c["spoc_gent"].patch(isolate, {"status": "done"})
        self.assertStatus(r, 200)
        self.assertEqual((r.json["status"], r.json["closed_by"]), ("done", "spoc_gent"))
        self.assertError(self.c["spoc_gent"].patch(isolate, {"status": "done"}), 409, "conflict")
        self.assertError(self.c["spoc_gent"].patch(isolate, {"status": "skipped", "reason": "x"}), 409, "conflict")
        self.assertError(self.c["spoc_gent"].patch(isolate, {"status": "finished"}), 409, "conflict")
        police = "%s/%d" % (tasks, by_step["police-report"]["id"])
        self.assertError(self.c["spoc_gent"].patch(police, {"status": "skipped"}), 422, "invalid", field="reason")
        r = self.c["spoc_gent"].patch(police, {"status": "skipped", "reason": "filed by the provider's lawyer"})
        self.assertEqual((r.json["status"], r.json["reason"]), ("skipped", "filed by the provider's lawyer"))
        r = self.c["analyst"].patch(police, {"status": "open"})
        self.assertEqual((r.json["status"], r.json["closed_by"], r.json["reason"]), ("open", None, None))
        # Assigned only to someone who sees the incident.
        self.assertError(self.c["analyst"].patch(police, {"assignee": "spoc_antwerpen"}), 422, "invalid",
                         field="assignee")
        self.assertError(self.c["analyst"].patch(police, {"assignee": "nobody"}), 422, "invalid", field="assignee")
        self.assertEqual(self.c["analyst"].patch(police, {"assignee": "spoc_gent"}).json["assignee"], "spoc_gent")
        self.assertError(self.c["analyst"].patch(police, {}), 422, "invalid", field="status")
        self.assertHidden(police, "spoc_antwerpen", "patch", {"status": "done"})
        self.assertHidden(police, "viewer", "patch", {"status": "done"})
        self.assertError(self.c["analyst"].patch("%s/999999" % tasks, {"status": "done"}), 404, "not_found")
        # A task by hand.
        self.assertError(self.c["spoc_gent"].post(tasks, {"title": "x", "owner_role": "mayor"}), 422, "invalid",
                         field="owner_role")
        self.assertError(self.c["spoc_gent"].post(tasks, {"title": "x", "owner_role": "town", "due_at": "tomorrow"}),
                         422, "invalid", field="due_at")
        r = self.c["spoc_gent"].post(tasks, {"title": "Call the insurer", "owner_role": "town",
                                             "due_at": "2026-11-28T12:00:00+01:00"})
        self.assertStatus(r, 201)
        self.assertEqual((r.json["due_at"], r.json["playbook"], r.json["created_by"]),
                         ("2026-11-28T11:00:00Z", None, "spoc_gent"))
        self.assertHidden(tasks, "spoc_antwerpen", "post", {"title": "peek", "owner_role": "town"})
        # Overdue against the server's clock.
        self.set_clock(AWARE + 3 * 3600)
        now = {t["step"]: t for t in items_of(self.c["spoc_gent"].get(tasks))}
        self.assertTrue(now["inform-provider"]["overdue"])    # due +2 h
        self.assertFalse(now["isolate"]["overdue"])           # done in time
        self.assertFalse(now["check-backups"]["overdue"])     # due +8 h
        # Every change is on the timeline (the town's too) and in the journal.
        town = self.timeline("spoc_gent", path)
        self.assertIn("playbook applied: ransomware (version 2026.1), 10 tasks", town)
        self.assertIn("task done: " + by_step["isolate"]["title"], town)
        self.assertIn("task skipped: %s (filed by the provider's lawyer)" % by_step["police-report"]["title"], town)
        self.assertIn("task reopened: " + by_step["police-report"]["title"], town)
        self.assertIn("task assigned to spoc_gent: " + by_step["police-report"]["title"], town)
        self.assertIn("task added: Call the insurer", town)
        actions = {(e["action"], e["object_id"]) for e in items_of(self.admin.get("/api/v1/journal?limit=200"))}
        for act in ("incident.playbook", "incident.task.update", "incident.task.add"):
            self.assertIn((act, str(iid)), {(a, str(o)) for a, o in actions})
        # Once the incident is over its tasks no longer change.
        self.assertStatus(self.c["analyst"].post(path + "/status", {"status": "rejected"}), 200)
        self.assertError(self.c["spoc_gent"].patch(police, {"status": "done"}), 409, "conflict")
        self.assertError(self.c["analyst"].post(path + "/playbooks", {"playbook": "ddos"}), 409, "conflict")

    def test_provider_with_consent_does_its_own_tasks(self):
        iid, path = self.report(consent_provider=True)
        steps = {t["step"]: t for t in self.c["analyst"].post(path + "/playbooks", {"playbook": "ransomware"}).json["tasks"]}
        tasks = path + "/tasks"
        self.assertEqual(len(items_of(self.c["prov"].get(tasks))), 10)
        backups = "%s/%d" % (tasks, steps["check-backups"]["id"])
        self.assertEqual(self.c["prov"].patch(backups, {"status": "done"}).json["closed_by"], "prov")
        self.assertError(self.c["prov"].patch("%s/%d" % (tasks, steps["isolate"]["id"]), {"status": "done"}),
                         403, "forbidden")
        self.assertError(self.c["prov"].patch(backups, {"assignee": "prov"}), 403, "forbidden")
        self.assertError(self.c["prov"].post(tasks, {"title": "x", "owner_role": "provider"}), 403, "forbidden")
        self.assertError(self.c["prov"].post(path + "/playbooks", {"playbook": "ddos"}), 403, "forbidden")
        # Only the town's own provider: another provider sees nothing.
        self.assertHidden(tasks, "helper")
        self.assertHidden(backups, "helper", "patch", {"status": "open"})

    # -- requests for help ---------------------------------------------------
    def test_help_request_states_and_helper_scope(self):
        iid, path = self.report()
        help_path = path + "/help-requests"
        self.assertError(self.c["spoc_gent"].post(help_path, {"kind": "magic", "description": "x"}), 422, "invalid",
                         field="kind")
        self.assertError(self.c["spoc_gent"].post(help_path, {"kind": "legal"}), 422, "invalid", field="description")
        for who in ("viewer", "spoc_antwerpen", "prov", "helper"):
            self.assertHidden(help_path, who, "post", {"kind": "forensics", "description": "peek"})
            self.assertHidden(help_path, who)
        r = self.c["spoc_gent"].post(help_path, {"kind": "forensics", "urgency": "high",
                                                 "description": "A forensic image of the file server"})
        self.assertStatus(r, 201)
        self.assertEqual((r.json["status"], r.json["requested_by"], r.json["helper_org_id"]),
                         ("requested", "spoc_gent", None))
        req = "/api/v1/help-requests/%d" % r.json["id"]
        self.assertHidden(req, "helper")  # not offered to it (yet)
        # The war room finds the helper; the town cannot, nor accept what was not offered.
        self.assertError(self.c["spoc_gent"].post(req + "/status", {"status": "offered", "helper_org_id": self.helper_id}),
                         403, "forbidden")
        self.assertError(self.c["spoc_gent"].post(req + "/status", {"status": "accepted"}), 409, "conflict")
        self.assertError(self.c["analyst"].post(req + "/status", {"status": "offered"}), 422, "invalid",
                         field="helper_org_id")
        self.assertError(self.c["analyst"].post(req + "/status", {"status": "offered", "helper_org_id": self.gent["id"]}),
                         422, "invalid", field="helper_org_id")
        self.assertError(self.c["analyst"].post(req + "/status", {"status": "offered", "helper_org_id": 999999}),
                         422, "invalid", field="helper_org_id")
        self.assertError(self.c["analyst"].post(req + "/status", {"status": "done"}), 422, "invalid", field="status")
        r = self.c["analyst"].post(req + "/status", {"status": "offered", "helper_org_id": self.helper_id})
        self.assertStatus(r, 200)
        self.assertEqual((r.json["status"], r.json["helper_org_id"]), ("offered", self.helper_id))
        helper_name = r.json["helper_org_name"]
        # The helper sees that request, and nothing else of the incident.
        r = self.c["helper"].get(req)
        self.assertStatus(r, 200)
        self.assertEqual(r.json["description"], "A forensic image of the file server")
        self.assertIn(r.json["id"], [h["id"] for h in items_of(self.c["helper"].get("/api/v1/help-requests"))])
        for sub in ("", "/timeline", "/tasks", "/help-requests", "/report"):
            self.assertHidden(path + sub, "helper")
        for who in ("spoc_antwerpen", "prov", "viewer"):
            self.assertHidden(req, who)
        self.assertNotIn(r.json["id"], [h["id"] for h in items_of(self.c["spoc_antwerpen"].get("/api/v1/help-requests"))])
        self.assertError(self.c["viewer"].get("/api/v1/help-requests"), 403, "forbidden")
        # The helper cannot accept for the town, but may decline; then it no longer sees it.
        self.assertError(self.c["helper"].post(req + "/status", {"status": "accepted"}), 403, "forbidden")
        r = self.c["helper"].post(req + "/status", {"status": "requested", "note": "no forensic staff this week"})
        self.assertStatus(r, 200)
        self.assertHidden(req, "helper")
        self.assertIsNone(self.c["spoc_gent"].get(req).json["helper_org_id"])
        # A peer town helps instead; the town accepts; the war room closes.
        r = self.c["analyst"].post(req + "/status", {"status": "offered", "helper_org_id": self.leuven["id"]})
        self.assertEqual(r.json["helper_org_name"], self.leuven["name"])
        self.assertStatus(self.c["spoc_leuven"].get(req), 200)
        self.assertHidden(path, "spoc_leuven")
        r = self.c["spoc_gent"].post(req + "/status", {"status": "accepted"})
        self.assertEqual((r.json["status"], r.json["accepted_by"]), ("accepted", "spoc_gent"))
        # Accepted, the responder sees that incident (not the war room's internal notes) and
        # writes notes on it, but does not act for the town; other towns still see nothing.
        self.assertStatus(self.c["analyst"].post(path + "/notes", {"text": "internal: VPN suspected",
                                                                     "internal": True}), 201)
        self.assertStatus(self.c["spoc_leuven"].get(path), 200)
        self.assertNotIn("VPN suspected", "\n".join(t or "" for t in self.timeline("spoc_leuven", path)))
        self.assertStatus(self.c["spoc_leuven"].post(path + "/notes", {"text": "image of fs01 taken"}), 201)
        self.assertIn("image of fs01 taken", self.timeline("spoc_gent", path))
        self.assertIn("internal: VPN suspected", self.timeline("analyst", path))
        self.assertError(self.c["spoc_leuven"].post(path + "/reports", {"kind": "gdpr", "content": "x"}),
                         403, "forbidden")
        self.assertError(self.c["spoc_leuven"].post(path + "/help-requests",
                                                    {"kind": "legal", "description": "x"}), 403, "forbidden")
        listed = [i["id"] for i in items_of(self.c["spoc_leuven"].get("/api/v1/incidents"))]
        self.assertIn(int(path.rsplit("/", 1)[1]), listed)
        self.assertHidden(path, "spoc_antwerpen")
        self.assertError(self.c["analyst"].post(req + "/status", {"status": "offered", "helper_org_id": self.helper_id}),
                         409, "conflict")
        self.assertError(self.c["spoc_leuven"].post(req + "/status", {"status": "closed"}), 403, "forbidden")
        r = self.c["analyst"].post(req + "/status", {"status": "closed", "note": "image taken and analysed"})
        self.assertEqual((r.json["status"], r.json["outcome"]), ("closed", "image taken and analysed"))
        self.assertError(self.c["spoc_gent"].post(req + "/status", {"status": "requested"}), 409, "conflict")
        town = self.timeline("spoc_gent", path)
        n = r.json["id"]
        self.assertIn("help requested (#%d): forensics, urgency high" % n, town)
        self.assertIn("help (#%d, forensics) offered by %s" % (n, helper_name), town)
        self.assertIn("help (#%d, forensics) offer declined: no forensic staff this week" % n, town)
        self.assertIn("help (#%d, forensics) accepted" % n, town)
        self.assertIn("help (#%d, forensics) closed: image taken and analysed" % n, town)

    # -- links and duplicates ------------------------------------------------
    def test_links_and_duplicates(self):
        a, pa = self.report(title="Ransomware at Gent")
        b, pb = self.report("analyst", title="Phoned in: Gent file server encrypted")
        c, pc = self.report("analyst", org_id=self.antwerpen["id"], title="Ransomware at Antwerpen")
        self.assertStatus(self.c["analyst"].post(pb + "/reports", {"kind": "nis2-early-warning",
                                                                   "content": "sent from the phone call"}), 201)
        self.assertError(self.c["spoc_gent"].post(pb + "/status", {"status": "duplicate", "duplicate_of": a}),
                         403, "forbidden")
        self.assertError(self.c["analyst"].post(pb + "/status", {"status": "duplicate", "duplicate_of": c}),
                         422, "invalid", field="duplicate_of")  # another town's
        self.assertError(self.c["analyst"].post(pb + "/status", {"status": "duplicate", "duplicate_of": 999999}),
                         422, "invalid", field="duplicate_of")
        self.assertError(self.c["analyst"].post(pb + "/status", {"status": "triaged", "duplicate_of": a}),
                         422, "invalid", field="duplicate_of")
        self.assertStatus(self.c["analyst"].post(pb + "/status", {"status": "duplicate", "duplicate_of": a}), 200)
        d, pd = self.report()
        self.assertError(self.c["analyst"].post(pd + "/status", {"status": "duplicate", "duplicate_of": b}),
                         422, "invalid", field="duplicate_of")  # b is itself a duplicate
        # The original lists its duplicate; the duplicate and its report stay reachable.
        self.assertEqual([x["id"] for x in self.c["spoc_gent"].get(pa).json["duplicates"]], [b])
        dup = self.c["spoc_gent"].get(pb).json
        self.assertEqual((dup["status"], dup["duplicate_of"]), ("duplicate", a))
        self.assertEqual([r["kind"] for r in dup["reports"]], ["nis2-early-warning"])
        self.assertIn("incident #%d marked as a duplicate of this one" % b, self.timeline("spoc_gent", pa))
        # Linking a campaign across towns: each town sees only its own side.
        self.assertError(self.c["spoc_gent"].post(pa + "/links", {"incident_id": c}), 403, "forbidden")
        self.assertHidden(pc + "/links", "spoc_gent", "post", {"incident_id": a})
        self.assertError(self.c["analyst"].post(pa + "/links", {"incident_id": a}), 422, "invalid", field="incident_id")
        self.assertError(self.c["analyst"].post(pa + "/links", {"incident_id": 999999}), 422, "invalid",
                         field="incident_id")
        r = self.c["analyst"].post(pa + "/links", {"incident_id": c, "note": "same ransomware group"})
        self.assertStatus(r, 201)
        self.assertEqual([x["id"] for x in r.json["links"]], [c])
        self.assertError(self.c["analyst"].post(pc + "/links", {"incident_id": a}), 409, "conflict")
        self.assertEqual([x["id"] for x in self.c["analyst"].get(pc).json["links"]], [a])
        self.assertEqual(self.c["spoc_gent"].get(pa).json["links"], [])
        self.assertEqual(self.c["spoc_antwerpen"].get(pc).json["links"], [])
        self.assertNotIn("linked to incident #%d: same ransomware group" % c, self.timeline("spoc_gent", pa))
        self.assertIn("linked to incident #%d: same ransomware group" % c, self.timeline("analyst", pa))
        self.assertError(self.c["spoc_gent"].delete("%s/links/%d" % (pa, c)), 403, "forbidden")
        self.assertStatus(self.c["analyst"].delete("%s/links/%d" % (pa, c)), 204)
        self.assertError(self.c["analyst"].delete("%s/links/%d" % (pa, c)), 404, "not_found")
        self.assertEqual(self.c["analyst"].get(pa).json["links"], [])

    # -- the report to hand to the CCB ---------------------------------------
    def test_report_export(self):
        iid, path = self.report(title="Ransom | note")
        self.c["analyst"].post(path + "/playbooks", {"playbook": "ransomware"})
        self.c["analyst"].post(path + "/notes", {"text": "suspect the provider's VPN", "internal": True})
        self.c["spoc_gent"].post(path + "/notes", {"text": "backups offline and intact"})
        self.c["spoc_gent"].post(path + "/reports", {"kind": "nis2-early-warning", "content": "Early warning\nsent"})
        r = self.c["spoc_gent"].get(path + "/report")
        self.assertStatus(r, 200)
        self.assertTrue(r.header("Content-Type").startswith("text/markdown"))
        self.assertIn("incident-%d.md" % iid, r.header("Content-Disposition"))
        md = r.text
        self.assertTrue(md.startswith("**TLP:AMBER+STRICT**"))
        for want in ("# Incident report: Ransom | note", "| Aware (the clocks start here) | 2026-11-28T03:10:00Z |",
                     "| NIS2 early warning | 2026-11-29T03:10:00Z | done |", "> Early warning\n> sent",
                     "backups offline and intact", "Check that the offline backups are intact",
                     "| GDPR notification |"):
            self.assertIn(want, md)
        self.assertNotIn("suspect the provider's VPN", md)
        self.assertIn("suspect the provider's VPN", self.c["analyst"].get(path + "/report").text)
        j = self.c["spoc_gent"].get(path + "/report?format=json").json
        self.assertEqual(j["incident"]["id"], iid)
        self.assertEqual(len(j["tasks"]), 10)
        self.assertIn("nis2-early-warning", [c["report"] for c in j["incident"]["clocks"]])
        self.assertNotIn("suspect the provider's VPN", [t["text"] for t in j["timeline"]])
        self.assertError(self.c["spoc_gent"].get(path + "/report?format=pdf"), 422, "invalid", field="format")
        for who in ("spoc_antwerpen", "prov", "viewer", "helper"):
            self.assertHidden(path + "/report", who)

    # -- what falls due ------------------------------------------------------
    def test_due_listing(self):
        self.set_clock(AWARE + 60)
        iid, path = self.report()
        self.c["analyst"].post(path + "/playbooks", {"playbook": "ransomware"})
        self.set_clock(AWARE + 23 * 3600)
        r = self.c["analyst"].get("/api/v1/incidents/due?hours=2")
        self.assertStatus(r, 200)
        mine = [i for i in r.json["items"] if i["incident_id"] == iid]
        got = {(i["kind"], i.get("report") or i.get("task_id") and i["name"], i["state"]) for i in mine}
        self.assertIn(("clock", "nis2-early-warning", "soon"), got)   # due at +24 h, within 2 h
        self.assertNotIn("nis2-notification", {i.get("report") for i in mine})  # +72 h: not yet
        titles = {i["name"]: i["state"] for i in mine if i["kind"] == "task"}
        self.assertEqual(titles.get("Disconnect affected machines from the network (unplug, do not power off)"), "overdue")
        self.assertIn("soon", titles.values())    # the +24 h tasks
        self.assertEqual([i["due_at"] for i in r.json["items"]], sorted(i["due_at"] for i in r.json["items"]))
        # Submitted, done or closed: no longer due.
        self.c["spoc_gent"].post(path + "/reports", {"kind": "nis2-early-warning", "content": "sent"})
        mine = [i for i in items_of(self.c["analyst"].get("/api/v1/incidents/due?hours=2")) if i["incident_id"] == iid]
        self.assertNotIn("nis2-early-warning", {i.get("report") for i in mine})
        self.c["analyst"].post(path + "/status", {"status": "rejected"})
        self.assertEqual([i for i in items_of(self.c["analyst"].get("/api/v1/incidents/due")) if i["incident_id"] == iid], [])
        for bad in ("0", "721", "two"):
            self.assertError(self.c["analyst"].get("/api/v1/incidents/due?hours=" + bad), 422, "invalid", field="hours")
        for who in ("spoc_gent", "prov", "viewer"):
            self.assertError(self.c[who].get("/api/v1/incidents/due"), 403, "forbidden")


if __name__ == "__main__":
    harness.main()
