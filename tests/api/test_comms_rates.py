"""Each channel at its own rate (docs/comms.md): with WARROOM_SMS_RATE=2 the
gateway gets the texts at most two a second, while the e-mails of the same
advisory go out at the e-mail rate. Only lower bounds on time are checked
(a loaded machine makes things slower, never faster)."""

import os
import sys

sys.dont_write_bytecode = True
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import harness  # noqa: E402
from comms_util import approved, wait_for  # noqa: E402
from harness import NIS_ANTWERPEN, NIS_GENT, ServerTestCase, org_by_nis  # noqa: E402
from http_sink import HttpSink  # noqa: E402
from smtp_sink import SmtpSink  # noqa: E402

SMTP = SmtpSink().start()
GATEWAY = HttpSink().start()


class Rates(ServerTestCase):
    SERVER_ENV = dict(SMTP.server_env(), WARROOM_SMS_URL=GATEWAY.url("/sms"), WARROOM_SMS_RATE="2")
    USERS = ServerTestCase.USERS + [("analyst2", "analyst", None, None)]

    def test_sms_paced_by_their_own_rate(self):
        towns = [org_by_nis(self.admin, nis)["id"] for nis in (NIS_GENT, NIS_ANTWERPEN, harness.NIS_LEUVEN)]
        mobiles = {r[0] for r in self.server.sql(
            "SELECT mobile FROM contacts WHERE org_id IN (?,?,?) AND role IN ('spoc','deputy') AND active = 1"
            " AND coalesce(mobile, '') <> ''", tuple(towns))}
        self.assertGreaterEqual(len(mobiles), 5)
        approved(self, self.session("analyst"), self.session("analyst2"),
                 {"title": "Patch the VPN tonight", "body": "Now.", "tlp": "GREEN", "severity": "critical",
                  "audience": {"orgs": towns, "roles": ["spoc", "deputy"]}})
        got = wait_for(lambda: [r for r in GATEWAY.received("/sms") if r["json"]["to"] in mobiles]
                       if len({r["json"]["to"] for r in GATEWAY.received("/sms")} & mobiles) == len(mobiles)
                       else None, "every text", timeout=90)
        times = sorted(r["at"] for r in got)
        gaps = [b - a for a, b in zip(times, times[1:])]
        self.assertGreaterEqual(min(gaps), 0.45, gaps)      # 2 a second: half a second apart at least
        self.assertGreaterEqual(times[-1] - times[0], 0.45 * (len(times) - 1))


if __name__ == "__main__":
    try:
        harness.main()
    finally:
        SMTP.stop()
        GATEWAY.stop()
