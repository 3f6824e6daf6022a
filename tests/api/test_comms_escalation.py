"""Escalation of an unacknowledged advisory and text messages (issue 3,
docs/comms.md), against a real SMTP server and a real HTTP SMS gateway on
loopback, with the server's clock moved ahead (WARROOM_TEST_CLOCK_FILE):
the deputy is reminded by e-mail at the deadline, the SPOC texted an hour
later (the gateway first answers 503: retried), the town put on the call
list two hours later; a town that acknowledged is left alone; every step
happens once, also across a restart; calls are recorded."""

import datetime
import os
import re
import sys
import tempfile
import time
import urllib.parse

sys.dont_write_bytecode = True
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import harness  # noqa: E402
from comms_util import approved, wait_for  # noqa: E402
from harness import NIS_ANTWERPEN, NIS_GENT, ServerTestCase, items_of, org_by_nis  # noqa: E402
from http_sink import HttpSink  # noqa: E402
from smtp_sink import SmtpSink  # noqa: E402

SMTP = SmtpSink().start()
GATEWAY = HttpSink().start()
SMS_TOKEN = "sms-gateway-token-5f2c9a"
CLOCK = os.path.join(tempfile.mkdtemp(prefix="wr-clock-"), "offset")
with open(CLOCK, "w") as f:
    f.write("0\n")

HOUR = 3600


def set_clock(seconds):
    with open(CLOCK, "w") as f:
        f.write("%d\n" % seconds)




def iso(t):
    return datetime.datetime.fromtimestamp(t, datetime.timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")


class Escalation(ServerTestCase):
    SERVER_ENV = {"WARROOM_SMTP_URL": "smtp://127.0.0.1:%d" % SMTP.port,
                  "WARROOM_SMS_URL": GATEWAY.url("/sms"), "WARROOM_SMS_TOKEN": SMS_TOKEN,
                  "WARROOM_SMTP_RETRY_BASE": "1", "WARROOM_SMTP_RATE": "1000",
                  "WARROOM_ESCALATION_INTERVAL": "1", "WARROOM_TEST_CLOCK_FILE": CLOCK}
    USERS = ServerTestCase.USERS + [("analyst2", "analyst", None, None),
                                    ("spoc_leuven", "spoc", harness.NIS_LEUVEN, None)]

    @classmethod
    def prepare_server(cls):
        cls.server.secrets.add(SMS_TOKEN)
        cls.c = {n: cls.server.client(token=cls.server.create_token(n))
                 for n in ("analyst", "analyst2", "spoc_gent", "spoc_antwerpen", "spoc_leuven")}
        cls.gent = org_by_nis(cls.c["analyst"], NIS_GENT)
        cls.antwerpen = org_by_nis(cls.c["analyst"], NIS_ANTWERPEN)
        cls.leuven = org_by_nis(cls.c["analyst"], harness.NIS_LEUVEN)

    def contact(self, org, role, col):
        return self.server.sql("SELECT %s FROM contacts WHERE org_id = ? AND role = ? AND active = 1" % col,
                               (org["id"], role))[0][0]

    def send(self, body):
        return approved(self, self.c["analyst"], self.c["analyst2"], body)

    def sms_to(self, number):
        return [r for r in GATEWAY.received("/sms") if r["json"] and r["json"]["to"] == number]

    def test_1_policy_is_checked(self):
        a = self.c["analyst"]
        base = {"title": "t", "body": "b", "tlp": "GREEN", "severity": "low",
                "audience": {"orgs": [self.gent["id"]]}, "ack_required": True,
                "ack_deadline": "2026-12-01T12:00:00Z"}
        for bad in ([{"after_minutes": -1, "action": "email", "roles": ["deputy"]}],
                    [{"after_minutes": 5, "action": "fax"}],
                    [{"after_minutes": 5, "action": "sms"}],
                    [{"after_minutes": 60, "action": "call"}, {"after_minutes": 5, "action": "call"}],
                    {"after_minutes": 5}):
            self.assertError(a.post("/api/v1/advisories", dict(base, escalation=bad)), 422, "invalid")
        r = a.post("/api/v1/advisories", base)
        self.assertStatus(r, 201)
        self.assertEqual([s["action"] for s in r.json["escalation"]], ["email", "sms", "call"], "the default")
        mine = [{"after_minutes": 30, "action": "call"}]
        r = a.patch("/api/v1/advisories/%d" % r.json["id"], {"escalation": mine})
        self.assertEqual(r.json["escalation"], mine)

    def test_2_urgent_advisory_is_texted(self):
        title = "Exploited Citrix flaw: patch now " + "é" * 180  # cut to fit one text
        adv = self.send({"title": title[:100], "body": "Patch.", "tlp": "GREEN", "severity": "critical",
                         "audience": {"orgs": [self.gent["id"]]}})
        mobiles = {self.contact(self.gent, r, "mobile") for r in ("spoc", "deputy")}
        got = wait_for(lambda: len({m["json"]["to"] for m in GATEWAY.received("/sms")} & mobiles) == 2 and
                       GATEWAY.received("/sms"), "two text messages")
        texts = [m for m in got if m["json"]["to"] in mobiles]
        for m in texts:
            self.assertEqual(set(m["json"]), {"to", "text"})
            self.assertLessEqual(len(m["json"]["text"]), 160)
            self.assertIn("Exploited Citrix flaw", m["json"]["text"])
            self.assertIn("...", m["json"]["text"])
            self.assertEqual(m["headers"]["Authorization"], "Bearer " + SMS_TOKEN)
        s = wait_for(lambda: self.c["analyst"].get("/api/v1/advisories/%d" % adv["id"]).json["stats"]
                     if self.c["analyst"].get("/api/v1/advisories/%d" % adv["id"]).json["stats"]["pending"] == 0
                     else None, "settled")
        self.assertEqual(s["channels"]["sms"]["delivered"], 2)
        self.assertEqual(s["channels"]["email"]["delivered"], 2)

    def test_3_escalation(self):
        now = int(time.time())
        deadline = now + 4 * HOUR
        adv = self.send({"title": "Play ransomware: check your VPN appliances", "body": "Check **now**.",
                         "tlp": "AMBER", "severity": "medium",
                         "audience": {"orgs": [self.gent["id"], self.antwerpen["id"]]},
                         "ack_required": True, "ack_deadline": iso(deadline)})
        aid = adv["id"]
        emails = {self.contact(o, r, "email") for o in (self.gent, self.antwerpen) for r in ("spoc", "deputy")}
        wait_for(lambda: emails <= {r for rc, _ in SMTP.received() for r in rc}, "the advisory's e-mails")
        self.assertEqual(self.sms_to(self.contact(self.antwerpen, "spoc", "mobile")), [], "medium: no text")
        # Gent acknowledges in time; Antwerpen does not.
        self.assertStatus(self.c["spoc_gent"].post("/api/v1/advisories/%d/ack" % aid, {}), 200)
        reminders = lambda to: [m for m in SMTP.to(to) if m["Subject"].startswith("[TLP:AMBER] Reminder: ")]
        time.sleep(2)
        self.assertEqual(reminders(self.contact(self.antwerpen, "deputy", "email")), [], "not before the deadline")

        # At the deadline: the deputy of Antwerpen is reminded, once.
        set_clock(4 * HOUR + 60)
        dep = self.contact(self.antwerpen, "deputy", "email")
        m = wait_for(lambda: reminders(dep), "the deputy's reminder")[0]
        self.assertIn("has not acknowledged", m.get_body(("plain",)).get_content())
        self.assertIn("Please acknowledge: ", m.get_body(("plain",)).get_content())
        self.assertEqual(reminders(self.contact(self.gent, "deputy", "email")), [], "Gent acknowledged")
        self.assertEqual(reminders(self.contact(self.antwerpen, "spoc", "email")), [], "only the deputy")
        spoc_mobile = self.contact(self.antwerpen, "spoc", "mobile")
        self.assertEqual(self.sms_to(spoc_mobile), [], "no text before deadline + 1 h")
        self.assertEqual(items_of(self.c["analyst"].get("/api/v1/advisories/%d/call-list" % aid)), [])

        # +1 h: the SPOC's mobile is texted; the gateway fails once, then takes it.
        GATEWAY.answer("/sms", 503, times=1)
        set_clock(5 * HOUR + 60)
        got = wait_for(lambda: [r for r in self.sms_to(spoc_mobile) if r["status"] == 200], "the SPOC's text")
        tries = self.sms_to(spoc_mobile)
        self.assertEqual([r["status"] for r in tries], [503, 200], "retried after the 503")
        self.assertEqual(tries[0]["headers"]["Idempotency-Key"], tries[1]["headers"]["Idempotency-Key"])
        text = got[0]["json"]["text"]
        self.assertLessEqual(len(text), 160)
        self.assertTrue(text.startswith("warroom reminder"), text)
        self.assertNotIn("Play ransomware", text, "an AMBER title does not go through the SMS gateway")
        link = re.search(r"Acknowledge: (\S+)", text).group(1)
        path = urllib.parse.urlparse(link).path
        self.assertTrue(path.startswith("/a/"), "the short link")
        r = self.server.anon().get(path)
        self.assertStatus(r, 200)
        self.assertIn("Acknowledge</button>", r.text)
        self.assertEqual(items_of(self.c["analyst"].get("/api/v1/call-list")), [])

        # +2 h: Antwerpen is on the call list, with every number.
        set_clock(6 * HOUR + 60)
        calls = wait_for(lambda: items_of(self.c["analyst"].get("/api/v1/advisories/%d/call-list" % aid)),
                         "the call list")
        self.assertEqual([(c["org_id"], c["advisory_id"]) for c in calls], [(self.antwerpen["id"], aid)])
        town = calls[0]
        self.assertEqual([t["action"] for t in town["tried"]], ["email", "sms", "call"])
        self.assertEqual(town["tried"][1]["sent"], 1)
        numbers = {c["mobile"] for c in town["contacts"]}
        self.assertEqual(numbers, {spoc_mobile, self.contact(self.antwerpen, "deputy", "mobile")})
        self.assertEqual({c["role"] for c in town["contacts"]}, {"spoc", "deputy"})
        self.assertTrue(town["since"])
        war_room = items_of(self.c["analyst"].get("/api/v1/call-list"))
        self.assertIn((self.antwerpen["id"], aid), [(c["org_id"], c["advisory_id"]) for c in war_room])
        self.assertError(self.c["spoc_antwerpen"].get("/api/v1/call-list"), 403, "forbidden")

        # Calls: one without answer keeps the town there; reaching it takes it off.
        called = "/api/v1/advisories/%d/called" % aid
        a = self.c["analyst"]
        self.assertError(a.post(called, {"org_id": self.antwerpen["id"], "outcome": "maybe"}), 422, "invalid",
                         field="outcome")
        other = org_by_nis(a, harness.NIS_LEUVEN)
        self.assertError(a.post(called, {"org_id": other["id"], "outcome": "reached"}), 422, "invalid",
                         field="org_id")
        r = a.post(called, {"org_id": self.antwerpen["id"], "outcome": "no-answer", "note": "rang 3 times"})
        self.assertStatus(r, 201)
        calls = items_of(a.get("/api/v1/advisories/%d/call-list" % aid))
        self.assertEqual([(c["outcome"], c["note"]) for c in calls[0]["calls"]], [("no-answer", "rang 3 times")])
        self.assertStatus(a.post(called, {"org_id": self.antwerpen["id"], "outcome": "reached"}), 201)
        self.assertEqual(items_of(a.get("/api/v1/advisories/%d/call-list" % aid)), [])

        # Each step once: more passes and a restart change nothing.
        steps = lambda: self.server.sql("SELECT org_id, step, action FROM escalations WHERE advisory_id = ?"
                                        " ORDER BY step", (aid,))
        self.assertEqual(steps(), [(self.antwerpen["id"], 1, "email"), (self.antwerpen["id"], 2, "sms"),
                                   (self.antwerpen["id"], 3, "call")])
        self.server.stop()
        self.server.start()
        set_clock(9 * HOUR)
        time.sleep(3)
        self.assertEqual(len(steps()), 3)
        self.assertEqual(len(reminders(dep)), 1, "one reminder")
        self.assertEqual(len([r for r in self.sms_to(spoc_mobile) if r["status"] == 200]), 1, "one text")
        journal = self.server.sql("SELECT count(*) FROM journal WHERE action = 'advisory.escalate'"
                                  " AND object_id = ?", (str(aid),))[0][0]
        self.assertEqual(journal, 3)

    def test_4_no_reminder_after_the_ack(self):
        # The clock stands at +9 h (test_3). The gateway is down when the
        # text to Leuven's SPOC is due; Leuven acknowledges meanwhile; when
        # the gateway is back the reminder is dropped, not sent.
        GATEWAY.answer("/sms", 503)
        adv = self.send({"title": "Reminder dropped", "body": "x", "tlp": "GREEN", "severity": "low",
                         "audience": {"orgs": [self.leuven["id"]]}, "ack_required": True,
                         "ack_deadline": iso(int(time.time()) + 10 * HOUR)})
        mobile = self.contact(self.leuven, "spoc", "mobile")
        set_clock(11 * HOUR + 60)
        wait_for(lambda: self.sms_to(mobile), "the first try of the text")
        self.assertStatus(self.c["spoc_leuven"].post("/api/v1/advisories/%d/ack" % adv["id"], {}), 200)
        GATEWAY.answer("/sms", 200)
        rows = lambda: [d for d in items_of(self.c["analyst"].get("/api/v1/advisories/%d/deliveries" % adv["id"]))
                        if d["channel"] == "sms"]
        row = wait_for(lambda: [d for d in rows() if d["status"] == "failed"], "the reminder dropped")[0]
        self.assertIn("acknowledged before", row["last_error"])
        self.assertEqual([r["status"] for r in self.sms_to(mobile) if r["status"] == 200], [])


if __name__ == "__main__":
    try:
        harness.main()
    finally:
        SMTP.stop()
        GATEWAY.stop()
