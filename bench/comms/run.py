#!/usr/bin/env python3
"""bench-comms (issue 3): one advisory to every SPOC and deputy of the demo
data, from the approval to the last message accepted by a local SMTP server
(tests/api/smtp_sink.py, Debian's aiosmtpd). Prints one table. Not a test.

usage: make bench-comms   (or WARROOM_BIN=build/warroom python3 bench/comms/run.py)
  COMMS_RATE=1000   WARROOM_SMTP_RATE for the run (messages per second at most)"""
import os
import sys
import time

here = os.path.dirname(os.path.abspath(__file__))
root = os.path.dirname(os.path.dirname(here))
sys.path.insert(0, os.path.join(root, "tests", "api"))
sys.dont_write_bytecode = True
import harness  # noqa: E402
from smtp_sink import SmtpSink  # noqa: E402


def main():
    rate = os.environ.get("COMMS_RATE", "1000")
    sink = SmtpSink().start()
    srv = harness.Server(env={"WARROOM_SMTP_URL": "smtp://127.0.0.1:%d" % sink.port,
                              "WARROOM_MAIL_FROM": "warroom@war-room.example",
                              "WARROOM_SMTP_RATE": rate, "WARROOM_ACCESS_LOG": "0"})
    try:
        srv.prepare()
        for n in ("author", "approver"):
            srv.add_user(n, "analyst")
        tok = {n: srv.create_token(n) for n in ("author", "approver")}
        srv.start()
        a, b = srv.client(token=tok["author"]), srv.client(token=tok["approver"])
        r = a.post("/api/v1/advisories", {"title": "Bench: every SPOC and deputy", "body": "# Test\n\nbench",
                                          "tlp": "GREEN", "severity": "high",
                                          "audience": {"all": True, "roles": ["spoc", "deputy"]}})
        adv = r.json["id"]
        a.post("/api/v1/advisories/%d/submit" % adv, {})
        t0 = time.monotonic()
        r = b.post("/api/v1/advisories/%d/approve" % adv, {})
        want = r.json["stats"]["channels"]["email"]["recipients"]  # the texts wait: no gateway here
        while len(sink.received()) < want and time.monotonic() - t0 < 300:
            time.sleep(0.02)
        secs = time.monotonic() - t0
        got = len(sink.received())
        print("bench-comms: one advisory to every SPOC and deputy of the demo data")
        print("%-28s %10s %10s %12s" % ("run", "messages", "seconds", "messages/s"))
        print("%-28s %10d %10.2f %12.1f" % ("SMTP rate %s/s, loopback" % rate, got, secs, got / secs))
        print("target: all %d in under 10 s: %s" % (want, "met" if got == want and secs < 10 else "NOT met"))
    finally:
        srv.stop()
        srv.cleanup()
        sink.stop()


if __name__ == "__main__":
    main()
