"""Vulnerability feeds matched to the towns' software (issue 7,
docs/vulns.md): the real KEV catalogue (JSON and CSV), the CVE JSON 5 and
NVD API 2.0 fixtures imported from the command line with counts computed
here from the files, re-imports that change nothing, malformed files refused
with nothing stored, a malformed record skipped with its position, and a
software asset of a demo town matched to a CVE: the finding (critical, due
date from KEV) visible to that town's SPOC, not to another town's, and to
the provider that manages an asset."""

import csv
import glob
import json
import os
import shutil
import sys

sys.dont_write_bytecode = True
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import harness  # noqa: E402
from harness import NIS_ANTWERPEN, NIS_GENT, ServerTestCase, all_pages, items_of, org_by_nis  # noqa: E402

FIX = os.path.join(harness.source_dir(), "tests", "fixtures")
KEV_JSON = os.path.join(FIX, "kev", "known_exploited_vulnerabilities.json")
KEV_CSV = os.path.join(FIX, "kev", "known_exploited_vulnerabilities.csv")
CVE5_DIR = os.path.join(FIX, "cve", "cve5")
NVD_PAGE = os.path.join(FIX, "cve", "nvd-api2", "full-page.json")

ESXI = "CVE-2024-37085"    # KEV, ransomware known; CISA-ADP: esxi 7.0 affected
FORTIOS = "CVE-2023-36640"  # not in KEV; fortios 7.2.0 through 7.2.5 affected
IVANTI = "CVE-2024-22053"   # CNA: Connect Secure 9.1R18.5 (one of the versions listed)


def kev_entries():
    with open(KEV_JSON, encoding="utf-8") as f:
        return json.load(f)["vulnerabilities"]


def cve5_published():
    ids = []
    for path in glob.glob(os.path.join(CVE5_DIR, "**", "*.json"), recursive=True):
        with open(path, encoding="utf-8") as f:
            d = json.load(f)
        if d["cveMetadata"]["state"] == "PUBLISHED":
            ids.append(d["cveMetadata"]["cveId"])
    return ids


class VulnFeeds(ServerTestCase):
    USERS = ServerTestCase.USERS + [("prov", "provider", None, "provider0")]

    @classmethod
    def prepare_server(cls):
        cls.c = {n: cls.server.client(token=cls.server.create_token(n))
                 for n in ("analyst", "spoc_gent", "spoc_antwerpen", "viewer", "prov")}
        cls.gent = org_by_nis(cls.c["analyst"], NIS_GENT)
        cls.antwerpen = org_by_nis(cls.c["analyst"], NIS_ANTWERPEN)

    def import_(self, kind, path, check=True):
        return self.server.cli("import", kind, path, check=check)

    def write(self, name, text):
        path = os.path.join(self.server.dir, name)
        with open(path, "w", encoding="utf-8") as f:
            f.write(text)
        return path

    def count(self, table):
        return self.server.sql("SELECT count(*) FROM %s" % table)[0][0]

    def findings(self, who, **where):
        got = all_pages(self.c[who], "/api/v1/findings")[0]
        return [f for f in got if all(f.get(k) == v for k, v in where.items())]

    def add_asset(self, org, body):
        r = self.c["analyst"].post("/api/v1/orgs/%d/assets" % org["id"], body)
        self.assertStatus(r, 201)
        return r.json

    def test_1_kev_json_csv_idempotent(self):
        entries = kev_entries()
        with open(KEV_CSV, encoding="utf-8", newline="") as f:
            csv_rows = list(csv.DictReader(f))
        p = self.import_("kev", KEV_JSON)
        self.assertIn("imported %d kev records" % len(entries), p.stdout)
        self.assertIn("%d new, 0 changed, 0 unchanged, 0 skipped" % len(entries), p.stdout)
        journal = self.count("journal")
        # The CSV of the same catalogue, and the JSON again: nothing changes.
        for path, n in ((KEV_CSV, len(csv_rows)), (KEV_JSON, len(entries))):
            p = self.import_("kev", path)
            self.assertIn("0 new, 0 changed, %d unchanged, 0 skipped" % n, p.stdout)
        self.assertEqual(self.count("vuln_kev"), len({e["cveID"] for e in entries}))
        self.assertEqual(self.count("journal"), journal)

        # The API: one entry, filters, paging; any role reads it.
        r = self.c["viewer"].get("/api/v1/vulns/kev?cve=%s" % ESXI.lower())
        self.assertStatus(r, 200)
        [e] = r.json["items"]
        want = [x for x in entries if x["cveID"] == ESXI][0]
        self.assertEqual((e["cve"], e["vendor"], e["product"], e["date_added"], e["due_date"], e["ransomware"],
                          e["required_action"]),
                         (ESXI, want["vendorProject"], want["product"], want["dateAdded"], want["dueDate"], True,
                          want["requiredAction"]))
        known, pages = all_pages(self.c["spoc_gent"], "/api/v1/vulns/kev?ransomware=true", limit=100)
        self.assertEqual(len(known), sum(x["knownRansomwareCampaignUse"] == "Known" for x in entries))
        self.assertGreater(pages, 1)
        self.assertEqual(len({x["cve"] for x in known}), len(known))  # no entry twice across pages
        dates = [x["date_added"] for x in known]
        self.assertEqual(dates, sorted(dates, reverse=True))  # newest addition first
        vmware, _ = all_pages(self.c["analyst"], "/api/v1/vulns/kev?vendor=VMWARE")
        self.assertEqual(len(vmware), sum(x["vendorProject"].lower() == "vmware" for x in entries))
        self.assertError(self.c["analyst"].get("/api/v1/vulns/kev?ransomware=maybe"), 422, "invalid",
                         field="ransomware")
        self.assertStatus(self.server.anon().get("/api/v1/vulns/kev"), 401)

    def test_2_cve_matched_to_software(self):
        self.import_("kev", KEV_JSON)  # (test 1 may not have run alone)
        esxi = self.add_asset(self.gent, {"type": "software", "cpe": "cpe:2.3:o:vmware:esxi:7.0.0:*:*:*:*:*:*:*"})
        old = self.add_asset(self.gent, {"type": "software", "vendor": "VMware", "product": "ESXi",
                                         "version": "6.7.0"})
        pid = self.demo_providers[0]
        if not self.server.sql("SELECT 1 FROM provider_clients WHERE provider_id = ? AND org_id = ?",
                               (pid, self.antwerpen["id"])):
            self.assertStatus(self.admin.post("/api/v1/providers/%d/clients" % pid,
                                              {"org_id": self.antwerpen["id"], "services": ["network"]}), (200, 201))
        forti = self.add_asset(self.antwerpen, {"type": "software", "vendor": "Fortinet", "product": "FortiOS",
                                                "version": "7.2.3", "managed_by": "provider",
                                                "provider_id": pid})
        published = cve5_published()
        p = self.import_("cve", CVE5_DIR)
        self.assertIn("imported %d cve records" % len(published), p.stdout)
        self.assertIn("%d new, 0 changed, 0 unchanged" % len(published), p.stdout)
        self.assertEqual(self.count("vuln_cves"), len(set(published)))

        # Gent's SPOC sees the ESXi finding (the version from the asset's CPE name):
        # critical (KEV, ransomware), KEV's due date.
        [f] = self.findings("spoc_gent", issue=ESXI, asset_id=esxi["id"])
        due = [x for x in kev_entries() if x["cveID"] == ESXI][0]["dueDate"]
        self.assertEqual((f["ip"], f["cves"], f["severity"], f["status"], f["due_on"], f["report"], f["org_id"]),
                         (esxi["value"], ESXI, "critical", "open", due, "software", self.gent["id"]))
        self.assertIsNone(f["provider_id"])
        # ESXi 6.7 is not in the CVE's ranges.
        self.assertEqual(self.findings("analyst", issue=ESXI, asset_id=old["id"]), [])
        # Antwerpen's SPOC and the provider do not see Gent's finding.
        self.assertEqual(self.findings("spoc_antwerpen", id=f["id"]), [])
        self.assertEqual(self.findings("prov", id=f["id"]), [])
        self.assertStatus(self.c["spoc_antwerpen"].patch("/api/v1/findings/%d" % f["id"], {"status": "fixed"}), 404)
        # Antwerpen's FortiOS 7.2.3, managed by the provider: the provider sees it.
        [g] = self.findings("prov", issue=FORTIOS, asset_id=forti["id"])
        self.assertEqual((g["org_id"], g["provider_id"], g["due_on"]),
                         (self.antwerpen["id"], self.demo_providers[0], None))
        self.assertNotEqual(g["severity"], "critical")
        self.assertEqual(self.findings("spoc_antwerpen", id=g["id"])[0]["issue"], FORTIOS)
        self.assertEqual(self.findings("spoc_gent", id=g["id"]), [])

        # The same directory again: nothing changes, not even the findings.
        before = self.server.sql("SELECT id, times_seen, last_seen FROM findings ORDER BY id")
        p = self.import_("cve", CVE5_DIR)
        self.assertIn("0 new, 0 changed, %d unchanged" % len(published), p.stdout)
        self.assertIn("0 matched", p.stdout)
        self.assertEqual(self.server.sql("SELECT id, times_seen, last_seen FROM findings ORDER BY id"), before)

        # Software saved after the CVEs came in is matched at once: entered by
        # the town's SPOC through the API, or by the war room's asset import.
        r = self.c["spoc_gent"].post("/api/v1/orgs/%d/assets" % self.gent["id"],
                                     {"type": "software", "vendor": "Ivanti", "product": "Connect Secure",
                                      "version": "9.1R18.5"})
        self.assertStatus(r, 201)
        ivanti = r.json
        self.assertEqual([x["issue"] for x in self.findings("spoc_gent", issue=IVANTI, asset_id=ivanti["id"])],
                         [IVANTI])
        self.assertEqual(self.server.sql("SELECT count(*) FROM journal WHERE action = 'vulns.software_match'"),
                         [(1,)])
        assets_csv = self.write("assets.csv", "org,type,value,vendor,product,version,cpe,managed_by,provider\n"
                                "%s,software,,fortinet,fortios,7.2.3,,town,\n" % NIS_GENT)
        p = self.server.cli("import", "assets", assets_csv)
        self.assertIn("software findings: ", p.stdout)
        [h] = [x for x in self.findings("spoc_gent", issue=FORTIOS) if x["ip"] == "fortinet:fortios:7.2.3"]
        self.assertEqual((h["status"], h["report"]), ("open", "software"))
        # The next feed import has nothing left to match.
        p = self.import_("kev", KEV_JSON)
        self.assertIn("0 new, 0 changed", p.stdout)
        self.assertIn("0 matched", p.stdout)

        # KEV moves the due date: the finding is refreshed.
        kev = {"vulnerabilities": [dict([x for x in kev_entries() if x["cveID"] == ESXI][0], dueDate="2024-09-30")]}
        p = self.import_("kev", self.write("kev-moved.json", json.dumps(kev)))
        self.assertIn("0 new, 1 changed", p.stdout)
        [f2] = self.findings("spoc_gent", id=f["id"])
        self.assertEqual((f2["due_on"], f2["times_seen"], f2["status"]), ("2024-09-30", 2, "open"))

        # Fixed, then a changed CVE record still matches: reopened.
        self.assertStatus(self.c["spoc_gent"].patch("/api/v1/findings/%d" % f["id"], {"status": "fixed"}), 200)
        src = glob.glob(os.path.join(CVE5_DIR, "**", ESXI + ".json"), recursive=True)[0]
        with open(src, encoding="utf-8") as fh:
            rec = json.load(fh)
        rec["containers"]["cna"]["descriptions"][0]["value"] += " (updated)"
        p = self.import_("cve", self.write(ESXI + ".json", json.dumps(rec)))
        self.assertIn("0 new, 1 changed", p.stdout)
        [f3] = self.findings("spoc_gent", id=f["id"])
        self.assertEqual((f3["status"], f3["reopened"]), ("open", 1))

    def test_3_nvd_pages(self):
        with open(NVD_PAGE, encoding="utf-8") as fh:
            page = json.load(fh)
        n = len(page["vulnerabilities"])
        p = self.import_("nvd", NVD_PAGE)
        self.assertIn("imported %d nvd records" % n, p.stdout)
        p = self.import_("nvd", NVD_PAGE)
        self.assertIn("0 new, 0 changed, %d unchanged" % n, p.stdout)
        # Bounds as the page states them, escapes undone in the product name.
        vulnerable = [(v["cve"]["id"], m) for v in page["vulnerabilities"]
                      for c in v["cve"].get("configurations", []) for nd in c["nodes"]
                      for m in nd["cpeMatch"] if m["vulnerable"] and "versionEndExcluding" in m]
        cve, m = vulnerable[0]
        rows = self.server.sql("SELECT version_end, end_incl FROM vuln_affected WHERE cve_id = ? AND source = 'nvd'",
                               (cve,))
        self.assertIn((m["versionEndExcluding"], 0), rows)
        single = os.path.join(FIX, "cve", "nvd-api2", "single-entry.json")
        self.import_("nvd", single)
        self.assertEqual(self.server.sql("SELECT product, version_end, end_incl FROM vuln_affected"
                                         " WHERE cve_id = 'CVE-2022-1576'"),
                         [("wp_maintenance_mode_&_coming_soon", "2.4.5", 0)])
        self.assertEqual(self.server.sql("SELECT cvss_score, cvss_severity FROM vuln_cves"
                                         " WHERE cve_id = 'CVE-2022-1576'"), [(6.5, "medium")])

    def test_4_malformed_refused_nothing_stored(self):
        good = {"cveID": "CVE-2099-0001", "vendorProject": "Acme", "product": "Widget",
                "vulnerabilityName": "x", "dateAdded": "2099-01-01", "shortDescription": "x",
                "requiredAction": "x", "dueDate": "2099-01-21", "knownRansomwareCampaignUse": "Unknown"}
        kev, journal = self.count("vuln_kev"), self.count("journal")
        text = json.dumps({"vulnerabilities": [good]})
        # Cut short: not JSON.
        p = self.import_("kev", self.write("cut.json", text[:-10]), check=False)
        self.assertEqual(p.returncode, 1)
        self.assertIn("not a KEV catalogue", p.stderr)
        # A CSV whose good first row is followed by a quote never closed.
        head = "cveID,vendorProject,product,dateAdded,dueDate,requiredAction,knownRansomwareCampaignUse\n"
        p = self.import_("kev", self.write("cut.csv", head + "CVE-2099-0001,Acme,Widget,2099-01-01,,x,Unknown\n"
                                           'CVE-2099-0002,"Acme,Widget,2099-01-01,,x,Unknown\n'), check=False)
        self.assertEqual(p.returncode, 1)
        self.assertIn("cut.csv:3", p.stderr)
        # Files that are not a catalogue at all.
        p = self.import_("kev", self.write("other.csv", "ip,port\n1.2.3.4,80\n"), check=False)
        self.assertIn("not a KEV catalogue (the header has no cveID column)", p.stderr)
        p = self.import_("kev", self.write("other.json", '{"indicators": []}'), check=False)
        self.assertIn("not a KEV catalogue", p.stderr)
        self.assertEqual((self.count("vuln_kev"), self.count("journal")), (kev, journal))
        self.assertEqual(self.server.sql("SELECT count(*) FROM vuln_kev WHERE cve_id LIKE 'CVE-2099-%'")[0][0], 0)
        # CVE and NVD files that are not records.
        cves = self.count("vuln_cves")
        p = self.import_("cve", self.write("CVE-2099-0003.json", '{"cveMetadata": {"state": "PUBLISHED"}}'),
                         check=False)
        self.assertIn("not a CVE JSON 5 record", p.stderr)
        p = self.import_("nvd", self.write("page.json", '{"format": "OSV", "vulnerabilities": []}'), check=False)
        self.assertIn("not an NVD API 2.0 page", p.stderr)
        p = self.import_("nvd", KEV_CSV, check=False)
        self.assertEqual(p.returncode, 1)
        self.assertEqual(self.count("vuln_cves"), cves)
        # In a directory, a file that is not a record is skipped, the rest imported.
        d = os.path.join(self.server.dir, "cvedir")
        os.makedirs(os.path.join(d, "2024"), exist_ok=True)
        shutil.copy(glob.glob(os.path.join(CVE5_DIR, "**", ESXI + ".json"), recursive=True)[0],
                    os.path.join(d, "2024"))
        with open(os.path.join(d, "2024", "broken.json"), "w") as fh:
            fh.write("{")
        p = self.import_("cve", d)
        self.assertIn("imported 1 cve records", p.stdout)
        self.assertIn("(2 files, 1 not records)", p.stdout)
        self.assertIn("broken.json", p.stderr)

    def test_5_malformed_record_skipped(self):
        bad = {"cveID": "CVE-2099-0005", "vendorProject": "Acme", "product": "Widget",
               "dateAdded": "yesterday", "knownRansomwareCampaignUse": "Unknown"}
        ok = dict(bad, cveID="CVE-2099-0004", dateAdded="2099-01-01")
        p = self.import_("kev", self.write("two.json", json.dumps({"vulnerabilities": [ok, bad, 7]})))
        self.assertIn("imported 1 kev records", p.stdout)
        self.assertIn("1 new, 0 changed, 0 unchanged, 2 skipped", p.stdout)
        self.assertIn("vulnerabilities[1]: CVE-2099-0005: dateAdded is not a date", p.stderr)
        self.assertIn("vulnerabilities[2]: is not an object", p.stderr)
        self.assertEqual(items_of(self.c["analyst"].get("/api/v1/vulns/kev?cve=CVE-2099-0004"))[0]["due_date"],
                         None)
        # The same CVE twice in one file: the first counts, so a re-import changes nothing.
        twice = [dict(ok, cveID="CVE-2099-0008"), dict(ok, cveID="CVE-2099-0008", dueDate="2099-03-01")]
        path = self.write("twice.json", json.dumps({"vulnerabilities": twice}))
        p = self.import_("kev", path)
        self.assertIn("1 new, 0 changed, 0 unchanged, 1 skipped", p.stdout)
        self.assertIn("vulnerabilities[1]: CVE-2099-0008 was read before in this import", p.stderr)
        p = self.import_("kev", path)
        self.assertIn("0 new, 0 changed, 1 unchanged, 1 skipped", p.stdout)
        head = "cveID,vendorProject,product,dateAdded,dueDate,requiredAction,knownRansomwareCampaignUse\n"
        p = self.import_("kev", self.write("two.csv", head + "CVE-2099-0006,Acme,W,2099-01-01,,x,Maybe\n"
                                           "CVE-2099-0007,Acme,W,2099-01-01,2099-02-01,x,Known\n"))
        self.assertIn("1 new", p.stdout)
        self.assertIn("line 2: CVE-2099-0006: knownRansomwareCampaignUse", p.stderr)


if __name__ == "__main__":
    harness.main()
