"""The legal clocks' reminders (docs/incidents.md) with an injected clock:
at half of a clock's time, at nine tenths and once overdue, each step once,
to the town's SPOC and deputy through the communications engine (a real
SMTP server on loopback); a recorded report stops them; the incident's
title stays out of the e-mail."""

import os
import sys
import tempfile

sys.dont_write_bytecode = True
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import harness  # noqa: E402
from harness import NIS_GENT, ServerTestCase, org_by_nis  # noqa: E402
from smtp_sink import SmtpSink, wait_for  # noqa: E402

SINK = SmtpSink().start()
CLOCK = os.path.join(tempfile.mkdtemp(prefix="wr-clock-"), "offset")
with open(CLOCK, "w") as f:
    f.write("0\n")


class Reminders(ServerTestCase):
    # the server's own reminder job off: the test runs it with the CLI
    SERVER_ENV = dict(SINK.server_env(), WARROOM_TEST_CLOCK_FILE=CLOCK, WARROOM_REMINDER_INTERVAL="0",
                      WARROOM_TEAM_EMAIL="incidents@war-room.example")

    def clock(self, hours):
        with open(CLOCK, "w") as f:
            f.write("%d\n" % int(hours * 3600))

    def remind(self):
        return int(self.server.cli("incidents", "reminders").stdout.split()[0])

    def subjects(self, who):
        return [m["Subject"] for m in SINK.to(who) if "incident #%d" % self.inc in m["Subject"]]

    def test_steps_once_and_stopped_by_a_report(self):
        import datetime
        self.clock(0)
        aware = datetime.datetime.now(datetime.timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")
        gent = org_by_nis(self.admin, NIS_GENT)["id"]
        r = self.session("analyst").post("/api/v1/incidents", {
            "org_id": gent, "title": "Secret-title ransomware", "aware_at": aware,
            "category": "malicious-code", "type": "infected-system", "severity": "critical"})
        self.assertStatus(r, 201)
        self.inc = r.json["id"]
        self.assertEqual(self.remind(), 0)          # nothing is due at awareness
        self.clock(13)                               # past half of the 24 h early warning
        self.assertEqual(self.remind(), 1)
        self.assertEqual(self.remind(), 0)          # once
        self.clock(22)                               # nine tenths
        self.assertEqual(self.remind(), 1)
        self.clock(37)                               # early warning overdue; notification at half
        self.assertEqual(self.remind(), 2)
        subj = wait_for(lambda: len(self.subjects("spoc@gent.example.org")) >= 4 and
                        self.subjects("spoc@gent.example.org"), "four reminders to Gent's SPOC")
        import re
        self.assertEqual(sorted(re.search(r"(?:Reminder|Overdue): (.+?) of incident", s).group(1) for s in subj),
                         ["NIS2 early warning"] * 3 + ["NIS2 incident notification"])
        self.assertTrue(any(s.startswith("[TLP:AMBER+STRICT] Overdue: NIS2 early warning") for s in subj), subj)
        self.assertTrue(self.subjects("deputy@gent.example.org"))
        # the war room's own mailbox gets each reminder too
        wait_for(lambda: len(self.subjects("incidents@war-room.example")) == 4, "the war room's copies")
        m = [m for m in SINK.to("spoc@gent.example.org") if "incident #%d" % self.inc in m["Subject"]][0]
        self.assertNotIn("Secret-title", m.get_body(("plain",)).get_content())
        # the notification recorded: its later steps are not sent
        self.assertStatus(self.session("analyst").post("/api/v1/incidents/%d/reports" % self.inc,
                                                        {"kind": "nis2-notification", "content": "sent"}), 201)
        self.clock(80)
        self.assertEqual(self.remind(), 0)          # early warning already overdue-reminded
        tl = [t["text"] for t in harness.items_of(self.session("spoc_gent").get(
            "/api/v1/incidents/%d/timeline" % self.inc))]
        self.assertEqual(len([t for t in tl if t.startswith("reminder sent")]), 4)


if __name__ == "__main__":
    try:
        harness.main()
    finally:
        SINK.stop()
