#!/usr/bin/env python3
"""Escalation at scale (issue 3): an advisory to every SPOC and deputy of the
demo data whose acknowledgement deadline passed three hours ago, so that the
first escalation pass runs every step of the default policy for every town
at once (deputies reminded by e-mail, SPOCs texted, every town on the call
list). Prints the time from the approval to the steps recorded and to the
last reminder accepted by the local SMTP server and SMS gateway
(tests/api/smtp_sink.py, http_sink.py). Not a test.

usage: WARROOM_BIN=build/warroom python3 bench/comms/escalation.py"""
import datetime
import os
import sys
import time

here = os.path.dirname(os.path.abspath(__file__))
root = os.path.dirname(os.path.dirname(here))
sys.path.insert(0, os.path.join(root, "tests", "api"))
sys.dont_write_bytecode = True
import harness  # noqa: E402
from comms_util import wait_for  # noqa: E402
from http_sink import HttpSink  # noqa: E402
from smtp_sink import SmtpSink  # noqa: E402


def main():
    smtp, sms = SmtpSink().start(), HttpSink().start()
    srv = harness.Server(env={"WARROOM_SMTP_URL": "smtp://127.0.0.1:%d" % smtp.port,
                              "WARROOM_SMS_URL": sms.url("/sms"), "WARROOM_SMTP_RATE": "1000",
                              "WARROOM_ESCALATION_INTERVAL": "1", "WARROOM_ACCESS_LOG": "0"})
    try:
        srv.prepare()
        for n in ("author", "approver"):
            srv.add_user(n, "analyst")
        srv.start()
        a, b = (srv.client(token=srv.create_token(n)) for n in ("author", "approver"))
        past = datetime.datetime.fromtimestamp(time.time() - 3 * 3600, datetime.timezone.utc)
        r = a.post("/api/v1/advisories", {"title": "Deadline passed", "body": "x", "tlp": "GREEN",
                                          "severity": "medium", "audience": {"all": True},
                                          "ack_required": True,
                                          "ack_deadline": past.strftime("%Y-%m-%dT%H:%M:%SZ")})
        aid = r.json["id"]
        a.post("/api/v1/advisories/%d/submit" % aid, {})
        t0 = time.time()
        towns = b.post("/api/v1/advisories/%d/approve" % aid, {}).json["stats"]["towns"]
        wait_for(lambda: srv.sql("SELECT count(*) FROM escalations")[0][0] == 3 * towns, "the steps", 300)
        t1 = time.time()
        queued = srv.sql("SELECT count(*) FROM deliveries WHERE step > 0")[0][0]
        wait_for(lambda: srv.sql("SELECT count(*) FROM deliveries WHERE step > 0 AND status != 'queued'")[0][0]
                 == queued, "the reminders", 300)
        t2 = time.time()
        calls = len(a.get("/api/v1/call-list").json["items"])
        print("| towns | steps recorded | s to record | reminders (e-mail + SMS) | s to last accepted | on the call list |")
        print("|---|---|---|---|---|---|")
        print("| %d | %d | %.2f | %d (%d + %d) | %.2f | %d |" % (
            towns, 3 * towns, t1 - t0, queued, len([m for r, m in smtp.received() if "Reminder" in m["Subject"]]),
            len(sms.received("/sms")), t2 - t0, calls))
    finally:
        srv.cleanup()
        smtp.stop()
        sms.stop()


if __name__ == "__main__":
    main()
