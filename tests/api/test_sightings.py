"""Sightings end to end: `warroom sweep --report` of a town posts its hits,
an active indicator raises "possible compromise at <town>" for the war room,
correlation lists the town, the town marks a false positive; a SIEM's own
post in the same shape; bad bodies named by field."""

import os
import subprocess
import sys
import tempfile

sys.dont_write_bytecode = True  # no __pycache__ in the source tree
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import harness  # noqa: E402
from harness import NIS_ANTWERPEN, NIS_GENT, ServerTestCase, items_of, org_by_nis  # noqa: E402


class SightingTest(ServerTestCase):
    USERS = ServerTestCase.USERS + [("provider_user", "provider", None, "provider0")]

    @classmethod
    def prepare_server(cls):
        r = cls.admin.post("/api/v1/indicators/import?format=list&tlp=green",
                           raw="c2-sighting.example\n198.51.100.23\n203.0.113.77\n")
        assert r.status == 200, r.text
        cls.spoc_token = cls.server.create_token("spoc_gent", label="sweeper")

    def indicator(self, value):
        return items_of(self.admin.get("/api/v1/indicators?q=" + value))[0]

    def test_sweep_report_raises_alert(self):
        with tempfile.TemporaryDirectory() as d:
            iocs, log = os.path.join(d, "iocs.txt"), os.path.join(d, "fw.log")
            with open(iocs, "w") as f:
                f.write("c2-sighting.example\n198.51.100.23\n")
            with open(log, "w") as f:
                f.write("2026-11-28T09:00:00Z deny src=10.0.0.5 dst=198.51.100.23\n"
                        "2026-11-28T09:05:00Z deny src=10.0.0.5 dst=198.51.100.23\n"
                        "2026-11-28T09:06:00Z allow src=10.0.0.6 dst=192.0.2.1\n")
            url = "http://127.0.0.1:%d" % self.server.port
            p = subprocess.run([harness.binary(), "sweep", "--iocs", iocs, "--report", url,
                                "--token", self.spoc_token, log],
                               capture_output=True, text=True, timeout=60, env=dict(os.environ))
            self.assertEqual(p.returncode, 1, p.stderr)
        alerts = items_of(self.session("analyst").get("/api/v1/alerts"))
        mine = [a for a in alerts if a["value"] == "198.51.100.23"]
        self.assertEqual(len(mine), 1, alerts)
        self.assertIn("possible compromise at Gent", mine[0]["title"])
        # the town sees its own alert, another town does not
        self.assertEqual(len([a for a in items_of(self.session("spoc_gent").get("/api/v1/alerts"))
                              if a["id"] == mine[0]["id"]]), 1)
        self.assertEqual(items_of(self.session("spoc_antwerpen").get("/api/v1/alerts")), [])
        # per town for the war room
        gent = org_by_nis(self.admin, NIS_GENT)["id"]
        antwerpen = org_by_nis(self.admin, NIS_ANTWERPEN)["id"]
        per_town = items_of(self.session("analyst").get("/api/v1/alerts?org_id=%d" % gent))
        self.assertIn(mine[0]["id"], [a["id"] for a in per_town])
        self.assertEqual(items_of(self.session("analyst").get("/api/v1/alerts?org_id=%d" % antwerpen)), [])
        self.assertError(self.session("analyst").get("/api/v1/alerts?org_id=x"), 422, "invalid", field="org_id")
        # correlation: Gent sighted it, 2 hits, first and last seen from the log lines
        ind = self.admin.get("/api/v1/indicators/%d" % mine[0]["indicator_id"]).json
        towns = ind["correlation"]["towns"]
        self.assertEqual([t["org_name"] for t in towns], ["Gent"])
        self.assertEqual(towns[0]["hits"], 2)
        self.assertEqual(towns[0]["first_seen"], "2026-11-28T09:00:00Z")
        self.assertEqual(towns[0]["last_seen"], "2026-11-28T09:05:00Z")
        self.assertFalse(ind["correlation"]["capped"])
        # the town marks it a false positive: the alert follows
        s = items_of(self.session("spoc_gent").get("/api/v1/indicators/%d/sightings" % ind["id"]))
        self.assertEqual(len(s), 1)
        all_gent = items_of(self.session("spoc_gent").get("/api/v1/sightings"))
        self.assertIn(s[0]["id"], [x["id"] for x in all_gent])
        self.assertEqual({x["org_name"] for x in all_gent}, {"Gent"})
        self.assertEqual(s[0]["count"], 2)
        self.assertEqual(items_of(self.session("spoc_antwerpen").get("/api/v1/sightings")), [])
        self.assertIn(s[0]["id"], [x["id"] for x in items_of(self.session("analyst").get("/api/v1/sightings"))])
        r = self.session("spoc_antwerpen").post("/api/v1/sightings/%d/false-positive" % s[0]["id"])
        self.assertStatus(r, 404)
        r = self.session("spoc_gent").post("/api/v1/sightings/%d/false-positive" % s[0]["id"])
        self.assertStatus(r, 200)
        st = [a for a in items_of(self.session("analyst").get("/api/v1/alerts?status=false-positive"))
              if a["id"] == mine[0]["id"]]
        self.assertEqual(len(st), 1)

    def test_siem_post(self):
        body = {"reporter": "town SIEM", "host": "siem01", "sightings": [
            {"indicator": "hxxp://c2-sighting[.]example", "type": "domain", "count": 1},
            {"indicator": "c2-sighting.example", "type": "domain", "count": 3,
             "first_seen": "2026-11-27T08:00:00Z", "last_seen": "2026-11-27T09:00:00Z",
             "where": "dns resolver", "context": {"query": "A"}},
            {"indicator": "never-heard-of.example", "count": 1},
        ]}
        c = harness.Client(self.server, token=self.spoc_token)
        r = c.post("/api/v1/sightings", body)
        self.assertError(r, 422, "invalid", field="sightings[0].indicator")
        body["sightings"] = body["sightings"][1:]
        r = c.post("/api/v1/sightings", body)
        self.assertStatus(r, 201)
        self.assertEqual((r.json["received"], r.json["matched"], r.json["unknown"]), (2, 1, 1))
        self.assertEqual(len(r.json["alerts"]), 1)
        bad = {"sightings": [{"indicator": "c2-sighting.example", "count": 0}]}
        self.assertError(c.post("/api/v1/sightings", bad), 422, "invalid", field="sightings[0].count")
        bad = {"sightings": [{"indicator": "c2-sighting.example", "last_seen": "yesterday"}]}
        self.assertError(c.post("/api/v1/sightings", bad), 422, "invalid", field="sightings[0].last_seen")

    def test_roles(self):
        body = {"sightings": [{"indicator": "c2-sighting.example", "count": 1}]}
        self.assertStatus(self.session("provider_user").post("/api/v1/sightings", body), 403)
        self.assertStatus(self.session("viewer").post("/api/v1/sightings", body), 403)
        self.assertStatus(self.session("viewer").get("/api/v1/alerts"), 403)
        r = self.session("analyst").post("/api/v1/sightings", body)
        self.assertError(r, 422, "invalid", field="org_id")
        gent = org_by_nis(self.admin, NIS_GENT)["id"]
        body["org_id"] = gent
        self.assertStatus(self.session("analyst").post("/api/v1/sightings", body), 201)

    def test_alert_one_click_incident(self):
        gent = org_by_nis(self.admin, NIS_GENT)["id"]
        body = {"org_id": gent, "reporter": "SIEM", "host": "fw01",
                "sightings": [{"indicator": "203.0.113.77", "count": 4,
                               "first_seen": "2026-11-27T08:00:00Z", "last_seen": "2026-11-27T09:30:00Z",
                               "where": "firewall"}]}
        r = self.session("analyst").post("/api/v1/sightings", body)
        self.assertStatus(r, 201)
        alert = r.json["alerts"][0]
        # the map's figures: Gent has an open alert, seen by the war room only
        by_org = self.session("analyst").get("/api/v1/alerts/by-org").json["items"]
        row = [x for x in by_org if x["org_id"] == gent]
        self.assertEqual(len(row), 1, by_org)
        self.assertGreaterEqual(row[0]["open"], 1)
        self.assertEqual(row[0]["nis_code"], NIS_GENT)
        self.assertEqual([x["org_id"] for x in self.session("spoc_antwerpen").get("/api/v1/alerts/by-org").json["items"]
                          if x["org_id"] == gent], [])
        self.assertStatus(self.session("viewer").get("/api/v1/alerts/by-org"), 403)
        # only the war room opens the incident; unknown fields and taxonomy are checked
        url = "/api/v1/alerts/%d/incident" % alert
        self.assertStatus(self.session("spoc_gent").post(url, {}), 403)
        self.assertError(self.session("analyst").post(url, {"colour": "red"}), 422, "invalid", field="colour")
        self.assertError(self.session("analyst").post(url, {"type": "no-such-type"}), 422, "invalid", field="type")
        self.assertStatus(self.session("analyst").post("/api/v1/alerts/999999/incident", {}), 404)
        r = self.session("analyst").post(url, {"severity": "critical"})
        self.assertStatus(r, 201)
        inc = r.json["incident"]
        self.assertEqual(r.json["incident_id"], inc["id"])
        self.assertEqual(inc["org_id"], gent)
        self.assertEqual(inc["severity"], "critical")
        self.assertEqual((inc["category"], inc["type"]), ("malicious-code", "infected-system"))
        self.assertIn("possible compromise at Gent", inc["title"])
        self.assertIn("203.0.113.77", inc["description"])
        self.assertIn("fw01", inc["description"])
        self.assertIn("2026-11-27T08:00:00Z", inc["description"])
        # the town sees the incident the war room opened for it; another town does not
        self.assertStatus(self.session("spoc_gent").get("/api/v1/incidents/%d" % inc["id"]), 200)
        self.assertStatus(self.session("spoc_antwerpen").get("/api/v1/incidents/%d" % inc["id"]), 404)
        # the alert is closed and points to the incident; a second click opens nothing
        closed = [a for a in items_of(self.session("analyst").get("/api/v1/alerts?status=closed"))
                  if a["id"] == alert]
        self.assertEqual(closed[0]["incident_id"], inc["id"])
        before = len(items_of(self.session("analyst").get("/api/v1/incidents")))
        self.assertError(self.session("analyst").post(url, {}), 409, "conflict", field="incident_id")
        self.assertEqual(len(items_of(self.session("analyst").get("/api/v1/incidents"))), before)
        # correlation: the indicator names the incident, for the war room and the town only
        ind = self.indicator("203.0.113.77")["id"]
        corr = lambda who: [i["id"] for i in self.session(who).get(
            "/api/v1/indicators/%d" % ind).json["correlation"]["incidents"]]
        self.assertEqual(corr("analyst"), [inc["id"]])
        self.assertEqual(corr("spoc_gent"), [inc["id"]])
        self.assertEqual(corr("spoc_antwerpen"), [])


if __name__ == "__main__":
    harness.main()
