"""The region's open findings by age and severity (docs/vulns.md, "The web
page"; GET /api/v1/findings/summary): scan rows first seen 2, 10, 40 and
100 days ago land in their age column with their severity; a finding the
town fixed leaves the figures, an acknowledged one stays (and is counted as
such); ?org= narrows to one town; only the war room sees it."""

import datetime
import ipaddress
import os
import sys

sys.dont_write_bytecode = True
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import harness  # noqa: E402
from harness import NIS_ANTWERPEN, NIS_GENT, ServerTestCase, items_of, org_by_nis  # noqa: E402

HEADER = '"timestamp","ip","port","hostname","tag","asn","geo","severity"\n'


class FindingsSummary(ServerTestCase):
    USERS = ServerTestCase.USERS + [("provider_one", "provider", None, "provider0")]

    @classmethod
    def prepare_server(cls):
        cls.c = {n: cls.server.client(token=cls.server.create_token(n))
                 for n in ("analyst", "spoc_gent", "viewer", "provider_one")}
        cls.gent = org_by_nis(cls.c["analyst"], NIS_GENT)
        cls.antwerpen = org_by_nis(cls.c["analyst"], NIS_ANTWERPEN)

    def ip_of(self, org, n):
        prefix = self.server.sql("SELECT value FROM assets WHERE type = 'cidr' AND org_id = ? ORDER BY id",
                                 (org["id"],))[0][0]
        return str(next(ipaddress.ip_network(prefix).hosts()) + n)

    def report(self, kind, rows):
        today = datetime.datetime.now(datetime.timezone.utc)
        name = "%s-%s-belgium-geo.csv" % (today.strftime("%Y-%m-%d"), kind)
        lines = []
        for days, ip, severity in rows:
            ts = (today - datetime.timedelta(days=days)).strftime("%Y-%m-%d %H:%M:%S")
            lines.append('"%s","%s",3389,"","","5432","BE","%s"\n' % (ts, ip, severity))
        path = os.path.join(self.server.dir, name)
        with open(path, "w") as f:
            f.write(HEADER + "".join(lines))
        self.server.cli("import", "shadowserver", path)

    def test_by_age_and_severity(self):
        g, a = self.gent, self.antwerpen
        self.report("scan_rdp", [(2, self.ip_of(g, 1), "high"), (10, self.ip_of(g, 2), "critical"),
                                 (40, self.ip_of(a, 1), "medium"), (100, self.ip_of(a, 2), "low"),
                                 (3, self.ip_of(g, 3), "high")])
        empty = {"critical": 0, "high": 0, "medium": 0, "low": 0, "total": 0}
        s = self.c["analyst"].get("/api/v1/findings/summary")
        self.assertStatus(s, 200)
        rows = {r["age"]: r for r in s.json["ages"]}
        self.assertEqual([r["age"] for r in s.json["ages"]], ["lt7", "7-30", "30-90", "gt90"])
        self.assertEqual(rows["lt7"], dict(empty, age="lt7", high=2, total=2))
        self.assertEqual(rows["7-30"], dict(empty, age="7-30", critical=1, total=1))
        self.assertEqual(rows["30-90"], dict(empty, age="30-90", medium=1, total=1))
        self.assertEqual(rows["gt90"], dict(empty, age="gt90", low=1, total=1))
        self.assertEqual(s.json["total"], {"critical": 1, "high": 2, "medium": 1, "low": 1, "total": 5})
        self.assertEqual((s.json["open"], s.json["acknowledged"], s.json["towns"]), (5, 0, 2))

        # The town fixes one and acknowledges another: one leaves, one stays.
        mine = {f["ip"]: f["id"] for f in items_of(self.c["spoc_gent"].get("/api/v1/findings"))}
        self.assertStatus(self.c["spoc_gent"].patch("/api/v1/findings/%d" % mine[self.ip_of(g, 3)],
                                                    {"status": "fixed"}), 200)
        self.assertStatus(self.c["spoc_gent"].patch("/api/v1/findings/%d" % mine[self.ip_of(g, 2)],
                                                    {"status": "acknowledged"}), 200)
        s = self.c["analyst"].get("/api/v1/findings/summary").json
        self.assertEqual(s["total"]["total"], 4)
        self.assertEqual({r["age"]: r["total"] for r in s["ages"]}, {"lt7": 1, "7-30": 1, "30-90": 1, "gt90": 1})
        self.assertEqual((s["open"], s["acknowledged"]), (3, 1))

        # One town.
        s = self.c["analyst"].get("/api/v1/findings/summary?org=%d" % g["id"]).json
        self.assertEqual((s["total"]["total"], s["total"]["critical"], s["towns"]), (2, 1, 1))

        # Only the war room; a bad org is named.
        for who in ("spoc_gent", "viewer", "provider_one"):
            self.assertError(self.c[who].get("/api/v1/findings/summary"), 403, "forbidden")
        self.assertError(self.c["analyst"].get("/api/v1/findings/summary?org=x"), 422, "invalid", field="org")
        self.assertError(self.c["analyst"].get("/api/v1/findings/summary?org=3x"), 422, "invalid", field="org")


if __name__ == "__main__":
    harness.main()
