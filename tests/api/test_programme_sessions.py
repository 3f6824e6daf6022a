"""Information sessions end to end: Brussels times, registration by SPOCs,
the waiting list at capacity and its promotion on cancellation, attendance,
the .ics file, and attendance in the programme figures."""

import os
import sys

sys.dont_write_bytecode = True  # no __pycache__ in the source tree
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import harness  # noqa: E402
from harness import NIS_ANTWERPEN, NIS_GENT, ServerTestCase, org_by_nis  # noqa: E402


def unfold(ics):
    return ics.replace("\r\n ", "")


class SessionsTest(ServerTestCase):
    @classmethod
    def prepare_server(cls):
        cls.gent = org_by_nis(cls.admin, NIS_GENT)
        cls.antwerpen = org_by_nis(cls.admin, NIS_ANTWERPEN)

    def make_session(self, **kw):
        body = {"title": "Back-ups die een aanval overleven", "starts": "2026-12-10T14:00",
                "ends": "2026-12-10T16:30", "place": "Gent, Zuiderpoort", "capacity": 2,
                "audience": "spoc"}
        body.update(kw)
        r = self.session("analyst").post("/api/v1/sessions", body)
        self.assertStatus(r, 201)
        return r.json

    def test_create_and_times(self):
        s = self.make_session()
        self.assertEqual(s["starts_at"], "2026-12-10T13:00:00Z")   # CET
        self.assertEqual(s["starts_local"], "2026-12-10T14:00")
        self.assertEqual(s["timezone"], "Europe/Brussels")
        s = self.make_session(starts="2026-06-10T10:00", ends="2026-06-10T12:00",
                              place=None, online_url="https://meet.example.org/abc")
        self.assertEqual(s["starts_at"], "2026-06-10T08:00:00Z")   # CEST
        a = self.session("analyst")
        for body, field in (({"starts": "2026-03-29T02:30"}, "starts"),
                            ({"ends": "2026-12-10T13:00"}, "ends"),
                            ({"capacity": 0}, "capacity"),
                            ({"audience": "press"}, "audience"),
                            ({"place": None}, "place"),
                            ({"online_url": "javascript:alert(1)"}, "online_url")):
            full = {"title": "x", "starts": "2026-12-10T14:00", "ends": "2026-12-10T16:00",
                    "place": "p", "capacity": 5}
            full.update(body)
            full = {k: v for k, v in full.items() if v is not None}
            r = a.post("/api/v1/sessions", full)
            self.assertStatus(r, 422, body)
            self.assertEqual(r.error.get("field"), field, body)
        self.assertStatus(self.session("spoc_gent").post("/api/v1/sessions", {"title": "x"}), 403)
        r = self.session("viewer").get("/api/v1/sessions")
        self.assertStatus(r, 200)
        self.assertIn(s["id"], [x["id"] for x in r.json["items"]])

    def test_waiting_list_and_promotion(self):
        s = self.make_session(capacity=2)
        base = "/api/v1/sessions/%d/registrations" % s["id"]
        gent, antw = self.session("spoc_gent"), self.session("spoc_antwerpen")
        r1 = gent.post(base, {"name": "An Peeters", "email": "an@gent.example"})
        self.assertStatus(r1, 201)
        self.assertEqual(r1.json["status"], "registered")
        self.assertEqual(r1.json["org_id"], self.gent["id"])
        r2 = antw.post(base, {"name": "Bart Claes"})
        self.assertEqual(r2.json["status"], "registered")
        r3 = antw.post(base, {"name": "Chris Maes"})
        self.assertStatus(r3, 201)
        self.assertEqual(r3.json["status"], "waiting")
        r4 = gent.post(base, {"name": "Dirk Wouters"})
        self.assertEqual(r4.json["status"], "waiting")
        self.assertStatus(gent.post(base, {"name": "An Peeters"}), 409)
        self.assertStatus(gent.post(base, {"name": "X", "org_id": self.antwerpen["id"]}), 422)
        self.assertStatus(self.session("viewer").post(base, {"name": "V"}), 403)
        got = self.session("analyst").get("/api/v1/sessions/%d" % s["id"]).json
        self.assertEqual((got["registered"], got["waiting"]), (2, 2))
        # A SPOC sees its own town's registrations only.
        mine = gent.get("/api/v1/sessions/%d" % s["id"]).json["registrations"]
        self.assertEqual({x["name"] for x in mine}, {"An Peeters", "Dirk Wouters"})
        self.assertNotIn("registrations", self.session("viewer").get("/api/v1/sessions/%d" % s["id"]).json)
        # Gent cannot cancel Antwerpen's registration; cancelling its own
        # promotes the first on the waiting list (Chris, before Dirk).
        self.assertStatus(gent.delete("%s/%d" % (base, r2.json["id"])), 404)
        self.assertStatus(gent.delete("%s/%d" % (base, r1.json["id"])), 204)
        self.assertStatus(gent.delete("%s/%d" % (base, r1.json["id"])), 409)
        regs = {x["name"]: x for x in self.session("analyst").get("/api/v1/sessions/%d" % s["id"]).json["registrations"]}
        self.assertEqual(regs["Chris Maes"]["status"], "registered")
        self.assertEqual(regs["Dirk Wouters"]["status"], "waiting")
        self.assertEqual(regs["An Peeters"]["status"], "cancelled")
        # Attendance: the war room records it, for registered people only.
        self.assertStatus(gent.patch("%s/%d" % (base, r4.json["id"]), {"attended": True}), 403)
        a = self.session("analyst")
        self.assertStatus(a.patch("%s/%d" % (base, r4.json["id"]), {"attended": True}), 409)
        r = a.patch("%s/%d" % (base, r3.json["id"]), {"attended": True})
        self.assertStatus(r, 200)
        self.assertTrue(r.json["attended"])
        summary = self.session("viewer").get("/api/v1/programme/summary").json["sessions"]
        self.assertGreaterEqual(summary["attended"], 1)
        self.assertGreaterEqual(summary["towns_attended"], 1)
        self.assertGreaterEqual(summary["waiting"], 1)

    def test_ics(self):
        s = self.make_session(title="Incidentplan; wie belt wie, als mail plat ligt?",
                              place="Leuven, Provinciehuis\nZaal 2")
        r = self.session("spoc_gent").get("/api/v1/sessions/%d/ics" % s["id"])
        self.assertStatus(r, 200)
        self.assertTrue(r.header("Content-Type").startswith("text/calendar"))
        raw = r.body.decode("utf-8")
        self.assertTrue(raw.startswith("BEGIN:VCALENDAR\r\n"))
        self.assertTrue(raw.endswith("END:VCALENDAR\r\n"))
        for line in raw.split("\r\n")[:-1]:
            self.assertLessEqual(len(line.encode("utf-8")), 75)
        text = unfold(raw)
        self.assertIn("\r\nDTSTART:20261210T130000Z\r\n", text)
        self.assertIn("\r\nDTEND:20261210T153000Z\r\n", text)
        self.assertIn("\r\nSUMMARY:Incidentplan\\; wie belt wie\\, als mail plat ligt?\r\n", text)
        self.assertIn("\r\nLOCATION:Leuven\\, Provinciehuis\\nZaal 2\r\n", text)
        self.assertIn("\r\nUID:session-%d@warroom\r\n" % s["id"], text)
        self.assertStatus(self.session("spoc_gent").get("/api/v1/sessions/999999/ics"), 404)


if __name__ == "__main__":
    harness.main()
