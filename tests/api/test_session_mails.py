"""Invitations and reminders of information sessions go through the
communications engine: the invitation is an advisory draft to every town
with the session's .ics attached; the reminder of tomorrow's session is
prepared by `warroom programme reminders` (the server's hourly job runs the
same), addressed to the towns with registrations, submitted, and sent after
one analyst's approval, .ics and all, to the real SMTP sink."""

import datetime
import os
import sys
import time

sys.dont_write_bytecode = True
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import harness  # noqa: E402
from harness import NIS_ANTWERPEN, NIS_GENT, ServerTestCase, org_by_nis  # noqa: E402
from smtp_sink import SmtpSink  # noqa: E402

SINK = SmtpSink().start()


def utc(hours):
    t = datetime.datetime.now(datetime.timezone.utc) + datetime.timedelta(hours=hours)
    return t.strftime("%Y-%m-%dT%H:%M:00Z")


class SessionMailTest(ServerTestCase):
    # the server's own reminder job off: the test runs it with the CLI
    SERVER_ENV = dict(SINK.server_env(), WARROOM_REMINDER_INTERVAL="0")

    def make_session(self, starts_in_hours, title):
        r = self.session("analyst").post("/api/v1/sessions", {
            "title": title, "starts": utc(starts_in_hours), "ends": utc(starts_in_hours + 2),
            "place": "Gent, Zuiderpoort", "capacity": 30, "audience": "spoc"})
        self.assertStatus(r, 201)
        return r.json

    def test_invitation_draft(self):
        s = self.make_session(24 * 10, "Incidentrespons voor lokale besturen")
        url = "/api/v1/sessions/%d/invitation" % s["id"]
        self.assertStatus(self.session("spoc_gent").post(url, {}), 403)
        r = self.session("analyst").post(url, {})
        self.assertStatus(r, 201)
        adv = r.json
        self.assertEqual((adv["status"], adv["kind"], adv["tlp"]), ("draft", "invitation", "CLEAR"))
        self.assertIn("Incidentrespons voor lokale besturen", adv["title"])
        self.assertIn(s["starts_local"][:10], adv["body"])
        self.assertEqual(adv["audience"], {"all": True, "roles": ["spoc", "deputy"]})
        self.assertEqual([(f["name"], f["content_type"]) for f in adv["attachments"]],
                         [("session-%d.ics" % s["id"], "text/calendar")])
        ics = self.session("analyst").get("/api/v1/advisories/%d/attachments/%d"
                                          % (adv["id"], adv["attachments"][0]["id"])).text
        self.assertIn("BEGIN:VCALENDAR", ics)
        self.assertIn("Incidentrespons", ics)
        r = self.session("analyst").post(url, {})
        self.assertError(r, 409, "conflict", field="kind")
        self.assertIn(str(adv["id"]), r.error["message"])
        # a reminder needs registrations
        self.assertError(self.session("analyst").post("/api/v1/sessions/%d/reminder" % s["id"], {}),
                         409, "conflict", field="registrations")

    def test_reminder_the_day_before(self):
        tomorrow = self.make_session(24, "Back-ups die een aanval overleven")
        later = self.make_session(24 * 5, "MFA overal")
        gent = org_by_nis(self.admin, NIS_GENT)["id"]
        for s in (tomorrow, later):
            r = self.session("spoc_gent").post("/api/v1/sessions/%d/registrations" % s["id"],
                                               {"name": "Jan Peeters", "email": "jan@gent.example.org"})
            self.assertStatus(r, 201)
        p = self.server.cli("programme", "reminders")
        self.assertIn("1 session reminder(s) prepared", p.stdout)
        self.assertIn("0 session reminder(s) prepared", self.server.cli("programme", "reminders").stdout)
        advs = [a for a in harness.items_of(self.session("analyst").get("/api/v1/advisories"))
                if "Back-ups die een aanval overleven" in a["title"] and a["kind"] == "invitation"]
        self.assertEqual(len(advs), 1)
        adv = advs[0]
        self.assertEqual(adv["status"], "submitted")
        self.assertEqual(adv["audience"], {"orgs": [gent], "roles": ["spoc", "deputy"]})
        self.assertEqual(
            [a for a in harness.items_of(self.session("analyst").get("/api/v1/advisories"))
             if "MFA overal" in a["title"]], [], "a session in five days has no reminder yet")
        r = self.session("analyst").post("/api/v1/advisories/%d/approve" % adv["id"], {})
        self.assertStatus(r, 200)
        end = time.time() + 60
        msgs = []
        while time.time() < end and not msgs:
            msgs = [m for m in SINK.to("spoc@gent.example.org") if "Back-ups" in m["Subject"]]
            time.sleep(0.2)
        self.assertEqual(len(msgs), 1, "one reminder to Gent's SPOC")
        files = {p.get_filename(): p for p in msgs[0].iter_attachments()}
        self.assertEqual(list(files), ["session-%d.ics" % tomorrow["id"]])
        ics = files["session-%d.ics" % tomorrow["id"]].get_content()
        ics = ics if isinstance(ics, str) else ics.decode()
        self.assertIn("BEGIN:VEVENT", ics)
        self.assertIn("Morgen / Tomorrow", msgs[0].get_body(("plain",)).get_content())
        self.assertEqual([m for m in SINK.to("spoc@antwerpen.example.org") if "Back-ups" in m["Subject"]], [],
                         "a town without registrations gets no reminder")


if __name__ == "__main__":
    try:
        harness.main()
    finally:
        SINK.stop()
