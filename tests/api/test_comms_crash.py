"""Crash safety of the outbox (issue 3, docs/comms.md): `warroom serve` is
killed with SIGKILL in the middle of a fan-out to every SPOC and deputy and
started again. Every recipient ends with the advisory; delivery is at least
once: a message accepted by the SMTP server just before the kill, whose
outcome was not yet recorded, is sent again, with the same Message-ID, so
the recipient's mail system can drop the copy."""

import os
import signal
import sys

sys.dont_write_bytecode = True
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import harness  # noqa: E402
from comms_util import approved, wait_for  # noqa: E402
from harness import ServerTestCase  # noqa: E402
from smtp_sink import SmtpSink  # noqa: E402

SINK = SmtpSink().start()




class Crash(ServerTestCase):
    # Slow enough to be killed in the middle; leases short so that the
    # restarted server takes the dead one's rows again within seconds.
    SERVER_ENV = {"WARROOM_SMTP_URL": "smtp://127.0.0.1:%d" % SINK.port,
                  "WARROOM_SMTP_RETRY_BASE": "1", "WARROOM_SMTP_RATE": "40",
                  "WARROOM_DELIVERY_LEASE": "3"}
    USERS = ServerTestCase.USERS + [("analyst2", "analyst", None, None)]

    def test_sigkill_mid_fanout(self):
        a = self.server.client(token=self.server.create_token("analyst"))
        b = self.server.client(token=self.server.create_token("analyst2"))
        aid = approved(self, a, b, {"title": "Everyone: rotate the VPN pre-shared keys", "body": "Today.",
                                    "tlp": "GREEN", "severity": "medium", "audience": {"all": True}})["id"]
        want = {row[0] for row in self.server.sql("SELECT address FROM deliveries WHERE advisory_id = ?", (aid,))}
        self.assertGreater(len(want), 300)
        wait_for(lambda: len(SINK.received()) >= 60, "the fan-out to start")
        self.server.stop(sig=signal.SIGKILL)
        at_kill = len(SINK.received())
        self.assertLess(at_kill, len(want), "killed in the middle")
        queued = self.server.sql("SELECT count(*) FROM deliveries WHERE advisory_id = ? AND status = 'queued'",
                                 (aid,))[0][0]
        self.assertGreater(queued, 0)

        self.server.start()
        c = self.server.client(token=self.server.create_token("analyst"))
        stats = wait_for(lambda: (lambda s: s if s["pending"] == 0 else None)(
            c.get("/api/v1/advisories/%d" % aid).json["stats"]), "every delivery settled after the restart")
        self.assertEqual((stats["delivered"], stats["failed"]), (len(want), 0))
        by_rcpt = {}
        for rcpt, m in SINK.received():
            for r in rcpt:
                by_rcpt.setdefault(r, []).append(m["Message-ID"])
        self.assertEqual(set(by_rcpt) & want, want, "nobody misses the advisory")
        dups = {r: ids for r, ids in by_rcpt.items() if len(ids) > 1}
        for r, ids in dups.items():
            self.assertEqual(len(set(ids)), 1, "a copy carries the same Message-ID: %s" % r)
        self.assertLessEqual(len(dups), 20, "at most the batch in flight is sent twice")
        ids = [ids[0] for ids in by_rcpt.values()]
        self.assertEqual(len(set(ids)), len(ids), "one Message-ID per recipient")
        sys.stderr.write("\n%d recipients, %d received before the kill, %d sent twice\n"
                         % (len(want), at_kill, len(dups)))


if __name__ == "__main__":
    try:
        harness.main()
    finally:
        SINK.stop()
