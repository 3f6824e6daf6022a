"""Vulnerability operations (issue 7, docs/vulns.md): a scan row routed by
its host name when its address reaches nobody, one bundled notice per town
per batch delivered by the communications worker to a real SMTP server (the
provider in copy, the acknowledgement link working), "probably fixed" after
N scans without the finding and reopened when it is back, past events
routed when a town claims their range or domain, and the coverage figures."""

import ipaddress
import os
import re
import sys
import time
import urllib.parse

sys.dont_write_bytecode = True
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import harness  # noqa: E402
from harness import NIS_ANTWERPEN, NIS_GENT, ServerTestCase, items_of, org_by_nis  # noqa: E402
from smtp_sink import SmtpSink, wait_for  # noqa: E402

SINK = SmtpSink().start()
HEADER = '"timestamp","ip","port","hostname","tag","asn","geo","device_model","infection"\n'


def row(ts, ip, port=443, host="", tag="", asn="64500", model="", infection=""):
    return '"%s","%s",%s,"%s","%s","%s","BE","%s","%s"\n' % (ts, ip, port, host, tag, asn, model, infection)


class VulnOps(ServerTestCase):
    SERVER_ENV = dict(SINK.server_env(), WARROOM_VULNS_FIXED_AFTER="2")

    @classmethod
    def prepare_server(cls):
        cls.c = {n: cls.server.client(token=cls.server.create_token(n))
                 for n in ("analyst", "spoc_gent", "spoc_antwerpen", "viewer")}
        cls.gent = org_by_nis(cls.c["analyst"], NIS_GENT)
        cls.antwerpen = org_by_nis(cls.c["analyst"], NIS_ANTWERPEN)

    def ip_in(self, org_id, n=5, v6=False):
        for (prefix,) in self.server.sql("SELECT value FROM assets WHERE type = 'cidr' AND org_id = ? ORDER BY id",
                                         (org_id,)):
            net = ipaddress.ip_network(prefix)
            if (net.version == 6) == v6:
                return str(net.network_address + n)
        raise AssertionError("no prefix")

    def domain_of(self, org_id):
        return self.server.sql("SELECT value FROM assets WHERE type = 'domain' AND org_id = ?", (org_id,))[0][0]

    def imp(self, name, rows, check=True):
        path = os.path.join(self.server.dir, name)
        with open(path, "w") as f:
            f.write(HEADER + "".join(rows))
        return self.server.cli("import", "shadowserver", path, check=check)

    def batch_of(self, out):
        return int(re.search(r"\(batch (\d+)\)", out).group(1))

    def findings(self, org, **q):
        qs = "&".join("%s=%s" % kv for kv in q.items())
        return items_of(self.c["analyst"].get("/api/v1/findings?org=%d&limit=1000&%s" % (org, qs)))

    def test_hostname_routes_when_the_address_reaches_nobody(self):
        gent_dom = self.domain_of(self.gent["id"])
        antw_ip = self.ip_in(self.antwerpen["id"], 9)
        p = self.imp("2026-11-20-device_id-belgium.csv", [
            row("2026-11-20 01:00:00", "203.0.113.77", host="Cam1.%s." % gent_dom.upper(), model="IP camera"),
            row("2026-11-20 01:00:01", antw_ip, host="nas.%s" % gent_dom, model="NAS"),  # the address first
            row("2026-11-20 01:00:02", "203.0.113.78", host="www.not%s" % gent_dom, model="NAS"),
            row("2026-11-20 01:00:03", "203.0.113.79", host="", model="NAS")])
        self.assertIn("imported 4 rows", p.stdout)
        self.assertIn("2 routed to a town, 2 reached nobody", p.stdout)
        mine = [(f["ip"], f["hostname"]) for f in self.findings(self.gent["id"]) if f["report"] == "device_id"]
        self.assertEqual(mine, [("203.0.113.77", "cam1." + gent_dom)])
        theirs = [f["ip"] for f in self.findings(self.antwerpen["id"]) if f["report"] == "device_id"]
        self.assertEqual(theirs, [antw_ip])

    def test_one_notice_per_town_per_batch(self):
        a = self.c["analyst"]
        # A town whose range a provider manages: the provider is told too.
        managed = self.server.sql("SELECT org_id, provider_id, value FROM assets WHERE type = 'cidr'"
                                  " AND provider_id IS NOT NULL AND org_id NOT IN (?, ?) ORDER BY id LIMIT 1",
                                  (self.gent["id"], self.antwerpen["id"]))[0]
        r = a.post("/api/v1/orgs/%d/contacts" % managed[1],
                   {"name": "Provider Desk", "role": "spoc", "email": "desk@provider.example"})
        self.assertStatus(r, 201)
        gent_ip, gent_ip2 = self.ip_in(self.gent["id"], 20), self.ip_in(self.gent["id"], 21, v6=True)
        other_ip = str(ipaddress.ip_network(managed[2]).network_address + 3)
        hostile = "cve-2021-26855 <script>alert(1)</script> [x](javascript:alert(1))"
        p = self.imp("2026-11-27-scan_exchange-belgium.csv", [
            row("2026-11-27 03:00:00", gent_ip, tag="cve-2021-26855"),
            row("2026-11-27 03:05:00", gent_ip, tag="cve-2021-26855"),  # the same finding twice
            row("2026-11-27 03:06:00", gent_ip2, tag=hostile),
            row("2026-11-27 03:07:00", other_ip, tag="cve-2021-34473"),
            row("2026-11-27 03:08:00", "203.0.113.200", tag="cve-2021-26855")])
        self.assertIn("2 towns notified", p.stdout)
        batch = self.batch_of(p.stdout)
        ticket = "WR-VULN-%d-%d" % (batch, self.gent["id"])
        gent_to = {r[0] for r in self.server.sql(
            "SELECT email FROM contacts WHERE org_id = ? AND role IN ('spoc','deputy') AND active = 1"
            " AND email IS NOT NULL", (self.gent["id"],))}
        self.assertTrue(gent_to)

        def of_batch():
            return [(rc, m) for rc, m in SINK.received() if "WR-VULN-%d-" % batch in m["Subject"]]
        wait_for(lambda: len(of_batch()) >= len(gent_to) + 1, "the notices")
        time.sleep(1.5)  # anything more would arrive now
        gent_msgs = [(rc, m) for rc, m in of_batch() if ticket in m["Subject"]]
        self.assertEqual(sorted(r for rc, _ in gent_msgs for r in rc), sorted(gent_to),
                         "one message to each of the town's SPOC and deputy, no more")
        self.assertEqual({m["Subject"] for _, m in gent_msgs},
                         {"[TLP:AMBER] %s: 2 vulnerabilities on your systems (scan_exchange)" % ticket})
        self.assertEqual(len({m["Message-ID"] for _, m in gent_msgs}), len(gent_to))
        tickets = {re.search(r"WR-VULN-\d+-\d+", m["Subject"]).group(0) for _, m in of_batch()}
        self.assertEqual(tickets, {ticket, "WR-VULN-%d-%d" % (batch, managed[0])}, "one ticket per town")
        prov = [m for rc, m in of_batch() if "desk@provider.example" in rc]
        self.assertEqual(len(prov), 1, "the managing provider in copy")
        self.assertIn("WR-VULN-%d-%d" % (batch, managed[0]), prov[0]["Subject"])
        m = gent_msgs[0][1]
        text = m.get_body(("plain",)).get_content()
        html = m.get_body(("html",)).get_content()
        for want in (gent_ip, gent_ip2, "CVE-2021-26855", "Why it matters", "What to do", "By when",
                     "vulnerable Exchange server", "Please acknowledge: "):
            self.assertIn(want, text)
        self.assertIn("<strong>Where:</strong>", html)
        self.assertNotIn("<script>", html)
        self.assertNotIn('href="javascript:', html)
        self.assertNotIn("203.0.113.200", text)
        self.assertNotIn(other_ip, text, "another town's findings stay out")
        # The same file again: nothing changes, nothing is sent.
        before = len(of_batch())
        p = self.imp("2026-11-27-scan_exchange-belgium.csv", [
            row("2026-11-27 03:00:00", gent_ip, tag="cve-2021-26855"),
            row("2026-11-27 03:05:00", gent_ip, tag="cve-2021-26855"),
            row("2026-11-27 03:06:00", gent_ip2, tag=hostile),
            row("2026-11-27 03:07:00", other_ip, tag="cve-2021-34473"),
            row("2026-11-27 03:08:00", "203.0.113.200", tag="cve-2021-26855")])
        self.assertIn("already imported", p.stdout)
        self.assertEqual(self.server.sql("SELECT count(*) FROM vuln_notices WHERE batch_id = ?", (batch,))[0][0], 2)
        # The town acknowledges with its link; the town sees the notice.
        link = re.search(r"Please acknowledge: (\S+)", text).group(1)
        r = self.server.anon().request("POST", urllib.parse.urlparse(link).path, raw=b"",
                                       content_type="application/x-www-form-urlencoded")
        self.assertStatus(r, 200)
        adv = self.server.sql("SELECT advisory_id FROM vuln_notices WHERE ticket = ?", (ticket,))[0][0]
        self.assertEqual(self.server.sql("SELECT org_id FROM acks WHERE advisory_id = ?", (adv,)), [(self.gent["id"],)])
        comms = items_of(self.c["spoc_gent"].get("/api/v1/orgs/%d/communications" % self.gent["id"]))
        self.assertIn(adv, [c["id"] for c in comms])
        self.assertStatus(self.c["spoc_antwerpen"].get("/api/v1/advisories/%d" % adv), 404)
        self.assertEqual(len(of_batch()), before)
        # Coverage counts the acknowledged events of the batch.
        cov = a.get("/api/v1/vulns/coverage?since=2026-11-27&until=2026-11-28").json
        self.assertEqual((cov["events"], cov["routed"], cov["acknowledged"]), (5, 4, 3))

    def test_probably_fixed_after_n_scans_and_back(self):
        ip1, ip2 = self.ip_in(self.antwerpen["id"], 30), self.ip_in(self.antwerpen["id"], 31)
        day = lambda d, ips: self.imp("2026-11-0%d-scan_smb-belgium.csv" % d,
                                      [row("2026-11-0%d 02:00:00" % d, ip, port=445) for ip in ips])
        self.assertIn("0 probably fixed", day(1, [ip1, ip2]).stdout)
        self.assertIn("0 probably fixed", day(2, [ip1]).stdout)   # missed once
        self.assertIn("1 probably fixed", day(3, [ip1]).stdout)   # missed twice (N = 2)
        org = self.antwerpen["id"]
        st = {f["ip"]: f["status"] for f in self.findings(org) if f["report"] == "scan_smb"}
        self.assertEqual(st, {ip1: "open", ip2: "probably-fixed"})
        self.assertEqual([f["ip"] for f in self.findings(org, status="probably-fixed")], [ip2])
        p = day(4, [ip1, ip2])
        self.assertIn("1 reopened", p.stdout)
        f = [f for f in self.findings(org) if f["ip"] == ip2 and f["report"] == "scan_smb"][0]
        self.assertEqual((f["status"], f["reopened"]), ("open", 1))
        # Another report's scans do not count against these findings.
        self.imp("2026-11-05-scan_rdp-belgium.csv", [row("2026-11-05 02:00:00", "203.0.113.5", port=3389)])
        self.imp("2026-11-06-scan_rdp-belgium.csv", [row("2026-11-06 02:00:00", "203.0.113.6", port=3389)])
        self.assertEqual({f["status"] for f in self.findings(org) if f["report"] == "scan_smb"}, {"open"})

    def test_a_claim_routes_past_events(self):
        a = self.c["analyst"]
        p = self.imp("2026-10-10-scan_http_vulnerable-belgium.csv", [
            row("2026-10-10 02:00:00", "192.0.2.10", tag="cve-2024-0001"),
            row("2026-10-10 02:00:01", "198.51.100.20", host="portal.newly-claimed.example", tag="x"),
            row("2026-10-10 02:00:02", "198.51.100.21", tag="y")])
        self.assertIn("3 reached nobody", p.stdout)
        batch = self.batch_of(p.stdout)
        cov = a.get("/api/v1/vulns/coverage?since=2026-10-01&until=2026-10-31").json
        self.assertEqual((cov["events"], cov["routed"]), (3, 0))
        self.assertEqual({(g["prefix"], g["events"]) for g in cov["unrouted"]["prefixes"]},
                         {("192.0.2.0/24", 1), ("198.51.100.0/24", 2)})
        self.assertEqual(cov["unrouted"]["asns"], [{"asn": "64500", "events": 3}])
        self.assertEqual(cov["unrouted"]["domains"], [{"domain": "newly-claimed.example", "events": 1}])
        self.assertStatus(self.c["spoc_gent"].get("/api/v1/vulns/coverage"), 403)
        self.assertError(a.get("/api/v1/vulns/coverage?since=yesterday"), 422, "invalid", field="since")
        # Gent claims the range, Antwerpen the domain: their past events follow.
        self.assertStatus(a.post("/api/v1/orgs/%d/assets" % self.gent["id"],
                                 {"type": "cidr", "value": "192.0.2.0/28"}), 201)
        self.assertStatus(a.post("/api/v1/orgs/%d/assets" % self.antwerpen["id"],
                                 {"type": "domain", "value": "Newly-Claimed.example"}), 201)
        got = [(f["ip"], f["issue"]) for f in self.findings(self.gent["id"]) if f["report"] == "scan_http_vulnerable"]
        self.assertEqual(got, [("192.0.2.10", "vulnerable HTTP device: cve-2024-0001")])
        got = [(f["ip"], f["hostname"]) for f in self.findings(self.antwerpen["id"])
               if f["report"] == "scan_http_vulnerable"]
        self.assertEqual(got, [("198.51.100.20", "portal.newly-claimed.example")])
        self.assertEqual(sorted(self.server.sql("SELECT ticket FROM vuln_notices WHERE batch_id = ?", (batch,))),
                         sorted([("WR-VULN-%d-%d" % (batch, self.gent["id"]),),
                                 ("WR-VULN-%d-%d" % (batch, self.antwerpen["id"]),)]))
        cov = a.get("/api/v1/vulns/coverage?since=2026-10-01&until=2026-10-31").json
        self.assertEqual((cov["events"], cov["routed"], cov["routed_reachable"]), (3, 2, 2))
        self.assertEqual(cov["unrouted"]["prefixes"], [{"prefix": "198.51.100.0/24", "events": 1}])
        # A town's own claim routes the scans to come, not the unclaimed past.
        r = self.c["spoc_gent"].post("/api/v1/orgs/%d/assets" % self.gent["id"],
                                     {"type": "cidr", "value": "198.51.100.16/28"})
        self.assertStatus(r, 201)
        cov = a.get("/api/v1/vulns/coverage?since=2026-10-01&until=2026-10-31").json
        self.assertEqual(cov["routed"], 2)

    def test_generic_csv(self):
        gent_ip, dom = self.ip_in(self.gent["id"], 40), self.domain_of(self.gent["id"])
        path = os.path.join(self.server.dir, "scanner-export.csv")
        with open(path, "w") as f:
            f.write("timestamp,Issue,hostname,ip,port,cve,severity\n"  # any order, any case of spaces
                    "2026-11-25T10:00:00Z,Outdated TLS library,,%s,8443,CVE-2024-9999,high\n"
                    "2026-11-25 10:00:01,Directory listing,files.%s,,,,\n"
                    "2026-11-25 10:00:02,Open FTP,,%s,99999,,low\n"
                    "2026-11-25 10:00:03,Open FTP,,%s,21,,urgent\n"
                    "2026-11-25 10:00:04,Open FTP,,,21,,low\n"
                    "2026-11-25 10:00:05,Open FTP,,not-an-ip,21,,low\n" % (gent_ip, dom, gent_ip, gent_ip))
        p = self.server.cli("import", "vulns-csv", path)
        self.assertIn("imported 2 rows", p.stdout)
        self.assertIn("2 routed to a town, 0 reached nobody, 2 findings opened", p.stdout)
        for line, what in ((4, "port"), (5, "severity"), (6, "has neither ip nor hostname"), (7, "ip is not")):
            self.assertIn("scanner-export.csv:%d: %s" % (line, what), p.stderr)
        got = sorted((f["ip"], f["hostname"], f["port"], f["issue"], f["cves"], f["severity"])
                     for f in self.findings(self.gent["id"]) if f["report"] == "csv")
        self.assertEqual(got, sorted([(gent_ip, None, 8443, "Outdated TLS library", "CVE-2024-9999", "high"),
                                      ("files." + dom, "files." + dom, None, "Directory listing", "", "medium")]))
        self.assertIn("already imported", self.server.cli("import", "vulns-csv", path).stdout)
        with open(path, "a") as f:
            f.write("2026-11-25 10:00:06,Open FTP,,%s,21,,low\n" % gent_ip)
        p = self.server.cli("import", "vulns-csv", path)
        self.assertIn("imported 3 rows", p.stdout)
        self.assertIn("1 findings opened, 2 refreshed", p.stdout)
        bad = os.path.join(self.server.dir, "bad.csv")
        with open(bad, "w") as f:
            f.write("timestamp,issue,ip,hostnme\n2026-11-25 10:00:00,x,%s,\n" % gent_ip)
        p = self.server.cli("import", "vulns-csv", bad, check=False)
        self.assertNotEqual(p.returncode, 0)
        self.assertIn("column 4 (hostnme) is not one of", p.stderr)
        r = self.c["analyst"].request("POST", "/api/v1/vulns/import?format=csv&name=up.csv",
                                      raw=b"ip,issue,timestamp\n203.0.113.9,Open FTP,2026-11-25 11:00:00\n",
                                      content_type="text/csv")
        self.assertStatus(r, 200)
        self.assertEqual((r.json["rows"], r.json["unrouted"]), (1, 1))
        self.assertStatus(self.c["spoc_gent"].request("POST", "/api/v1/vulns/import?format=csv", raw=b"x",
                                                      content_type="text/csv"), 403)


if __name__ == "__main__":
    try:
        harness.main()
    finally:
        SINK.stop()
