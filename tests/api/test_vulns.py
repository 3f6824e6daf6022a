"""Scan reports routed to the right town (issue 7, docs/vulns.md): a
Shadowserver-format report imported from the command line, findings per
town with scope per role, the same file twice changing nothing, a malformed
row reported with its line, the unrouted list, and a finding reopened when
the next scan sees it again after "fixed"."""

import datetime
import ipaddress
import os
import sqlite3
import sys

sys.dont_write_bytecode = True
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import harness  # noqa: E402
from harness import NIS_ANTWERPEN, NIS_GENT, ServerTestCase, items_of, org_by_nis  # noqa: E402

HEADER = '"timestamp","ip","port","hostname","tag","asn","geo","region","city","naics","sector"\n'


class Vulns(ServerTestCase):
    @classmethod
    def prepare_server(cls):
        cls.c = {n: cls.server.client(token=cls.server.create_token(n))
                 for n in ("analyst", "spoc_gent", "spoc_antwerpen", "viewer")}
        cls.gent = org_by_nis(cls.c["analyst"], NIS_GENT)
        cls.antwerpen = org_by_nis(cls.c["analyst"], NIS_ANTWERPEN)

    def ip_of(self, org):
        prefix = self.server.sql("SELECT value FROM assets WHERE type = 'cidr' AND org_id = ? ORDER BY id",
                                 (org["id"],))[0][0]
        return str(next(ipaddress.ip_network(prefix).hosts()) + 5)

    def write(self, name, rows):
        path = os.path.join(self.server.dir, name)
        with open(path, "w") as f:
            f.write(HEADER + "".join(rows))
        return path

    def test_import_route_findings(self):
        gent_ip, antw_ip = self.ip_of(self.gent), self.ip_of(self.antwerpen)
        rows = ['"2026-11-27 03:12:45","%s",3389,"","rdp","5432","BE","","","",""\n' % gent_ip,
                '"2026-11-27 03:13:00","%s",3389,"","rdp","5432","BE","","","",""\n' % antw_ip,
                '"2026-11-27 03:14:00","203.0.113.9",3389,"","rdp","64500","BE","","","",""\n',
                '"yesterday","%s",3389,"","rdp","5432","BE","","","",""\n' % gent_ip]
        path = self.write("2026-11-27-scan_rdp-belgium-geo.csv", rows)
        p = self.server.cli("import", "shadowserver", path)
        self.assertIn("imported 3 rows", p.stdout)
        self.assertIn("2 routed to a town, 1 reached nobody, 2 findings opened", p.stdout)
        self.assertIn(":5: timestamp", p.stderr)  # the header is line 1
        again = self.server.cli("import", "shadowserver", path)
        self.assertIn("already imported, nothing changed", again.stdout)
        self.assertEqual(self.server.sql("SELECT count(*) FROM findings")[0][0], 2)
        mine = items_of(self.c["spoc_gent"].get("/api/v1/findings"))
        self.assertEqual([(f["ip"], f["issue"], f["severity"], f["status"]) for f in mine],
                         [(gent_ip, "exposed RDP", "high", "open")])
        self.assertNotIn(gent_ip, [f["ip"] for f in items_of(self.c["spoc_antwerpen"].get("/api/v1/findings"))])
        self.assertStatus(self.c["viewer"].get("/api/v1/findings"), 403)
        fid = mine[0]["id"]
        self.assertStatus(self.c["spoc_antwerpen"].patch("/api/v1/findings/%d" % fid, {"status": "fixed"}), 404)
        self.assertError(self.c["spoc_gent"].patch("/api/v1/findings/%d" % fid, {"status": "accepted"}),
                         422, "invalid", field="reason")
        r = self.c["spoc_gent"].patch("/api/v1/findings/%d" % fid, {"status": "fixed"})
        self.assertEqual(r.json["status"], "fixed")
        # The next day's scan still sees it: reopened.
        path = self.write("2026-11-28-scan_rdp-belgium-geo.csv",
                          ['"2026-11-28 02:00:00","%s",3389,"","rdp","5432","BE","","","",""\n' % gent_ip])
        p = self.server.cli("import", "shadowserver", path)
        self.assertIn("1 reopened", p.stdout)
        f = [x for x in items_of(self.c["analyst"].get("/api/v1/findings?org=%d" % self.gent["id"])) if x["id"] == fid][0]
        self.assertEqual((f["status"], f["reopened"], f["times_seen"], f["last_seen"]),
                         ("open", 1, 2, "2026-11-28T02:00:00Z"))
        # A later scan that rates it critical raises the finding; it stays open.
        path = os.path.join(self.server.dir, "2026-11-29-scan_rdp-belgium-geo.csv")
        with open(path, "w") as fh:
            fh.write('"timestamp","ip","port","severity"\n"2026-11-29 02:00:00","%s",3389,"critical"\n' % gent_ip)
        p = self.server.cli("import", "shadowserver", path)
        self.assertIn("0 findings opened, 1 refreshed, 0 reopened", p.stdout)
        f = [x for x in items_of(self.c["spoc_gent"].get("/api/v1/findings")) if x["id"] == fid][0]
        self.assertEqual((f["status"], f["severity"], f["times_seen"], f["reopened"]), ("open", "critical", 3, 1))
        unrouted = items_of(self.c["analyst"].get("/api/v1/vulns/unrouted"))
        self.assertIn(("203.0.113.0/24", 1, "64500"), [(u["prefix"], u["events"], u["asns"]) for u in unrouted])
        self.assertStatus(self.c["spoc_gent"].get("/api/v1/vulns/unrouted"), 403)
        # Refused files: a name that is not a report, a header that is not one.
        bad = self.write("2026-11-27-scan_nothing-x.csv", rows[:1])
        p = self.server.cli("import", "shadowserver", bad, check=False)
        self.assertNotEqual(p.returncode, 0)
        self.assertIn("scan_nothing is not a report", p.stderr)
        path = os.path.join(self.server.dir, "2026-11-29-scan_rdp-x.csv")
        with open(path, "w") as fh:
            fh.write('"when","addr"\n"2026-11-29 00:00:00","1.2.3.4"\n')
        p = self.server.cli("import", "shadowserver", path, check=False)
        self.assertNotEqual(p.returncode, 0)
        self.assertIn("not a Shadowserver report", p.stderr)

    def test_later_accepted_until_a_day_then_open_again(self):
        ip = str(ipaddress.ip_address(self.ip_of(self.gent)) + 1)
        path = self.write("2026-11-20-scan_smb-belgium-geo.csv",
                          ['"2026-11-20 01:00:00","%s",445,"","smb","5432","BE","","","",""\n' % ip])
        self.server.cli("import", "shadowserver", path)
        [f] = [x for x in items_of(self.c["spoc_gent"].get("/api/v1/findings")) if x["ip"] == ip]
        url = "/api/v1/findings/%d" % f["id"]
        spoc = self.c["spoc_gent"]
        today = datetime.datetime.now(datetime.timezone.utc).date()
        for body, why in (({"status": "accepted", "reason": "air-gapped"}, "is required"),
                          ({"status": "accepted", "reason": "air-gapped", "until": str(today)}, "after today"),
                          ({"status": "accepted", "reason": "air-gapped",
                            "until": str(today + datetime.timedelta(days=400))}, "within a year"),
                          ({"status": "accepted", "reason": "air-gapped", "until": "31/03/2027"}, "not a date"),
                          ({"status": "fixed", "until": str(today + datetime.timedelta(days=30))}, "only for")):
            r = spoc.patch(url, body)
            self.assertError(r, 422, "invalid", field="until")
            self.assertIn(why, r.json["error"]["message"])
        until = str(today + datetime.timedelta(days=30))
        r = spoc.patch(url, {"status": "accepted", "reason": "behind the VPN concentrator", "until": until})
        self.assertStatus(r, 200)
        self.assertEqual((r.json["status"], r.json["accepted_until"]), ("accepted", until))
        # A month later (the day moved back for the test), the next import
        # opens it again before it counts; the journal says why.
        c = sqlite3.connect(self.server.db, timeout=10)
        with c:
            c.execute("UPDATE findings SET accepted_until = ? WHERE id = ?",
                      (str(today - datetime.timedelta(days=1)), f["id"]))
        c.close()
        other = self.write("2026-11-21-scan_rdp-belgium-geo.csv",
                           ['"2026-11-21 01:00:00","203.0.113.77",3389,"","rdp","64500","BE","","","",""\n'])
        self.server.cli("import", "shadowserver", other)
        [g] = [x for x in items_of(spoc.get("/api/v1/findings")) if x["id"] == f["id"]]
        self.assertEqual((g["status"], g["accepted_until"]), ("open", None))
        self.assertEqual(self.server.sql("SELECT count(*) FROM journal WHERE action = 'finding.acceptance_expired'"
                                         " AND object_id = ?", (str(f["id"]),)), [(1,)])


if __name__ == "__main__":
    harness.main()
