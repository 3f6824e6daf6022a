"""Coordinated communications end to end (issue 3, docs/comms.md): a draft,
four eyes, the audience frozen into the outbox, delivery to a real SMTP
server on loopback with retries and permanent failures, the acknowledgement
link (a GET never acknowledges, a POST does), stats, and who may read what."""

import os
import re
import sys
import urllib.parse

sys.dont_write_bytecode = True
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import harness  # noqa: E402
from harness import NIS_ANTWERPEN, NIS_GENT, ServerTestCase, items_of, org_by_nis  # noqa: E402
from smtp_sink import SmtpSink, wait_for  # noqa: E402

SINK = SmtpSink().start()

ADVISORY = {"title": "Play ransomware: check your VPN appliances tonight",
            "body": "# What\n\nPatch **now**.\n\n<script>alert(1)</script>\n\n[bad](javascript:alert(1))\n",
            "tlp": "AMBER", "severity": "high", "kind": "alert",
            "audience": {"provinces": ["Oost-Vlaanderen"], "roles": ["spoc", "deputy"]},
            "ack_required": True, "ack_deadline": "2026-12-01T12:00:00Z"}



class Comms(ServerTestCase):
    SERVER_ENV = SINK.server_env()
    USERS = ServerTestCase.USERS + [("analyst2", "analyst", None, None),
                                    ("prov_user", "provider", None, "provider0")]

    @classmethod
    def prepare_server(cls):
        cls.c = {n: cls.server.client(token=cls.server.create_token(n))
                 for n in ("analyst", "analyst2", "spoc_gent", "spoc_antwerpen", "viewer")}

    def send(self, body):
        a, b = self.c["analyst"], self.c["analyst2"]
        r = a.post("/api/v1/advisories", body)
        self.assertStatus(r, 201)
        adv = r.json
        self.assertEqual(adv["status"], "draft")
        self.assertStatus(a.post("/api/v1/advisories/%d/submit" % adv["id"], {}), 200)
        self.assertError(a.post("/api/v1/advisories/%d/approve" % adv["id"], {}), 403, "forbidden")
        r = b.post("/api/v1/advisories/%d/approve" % adv["id"], {})
        self.assertStatus(r, 200)
        return r.json

    def test_workflow_rules(self):
        a = self.c["analyst"]
        r = a.post("/api/v1/advisories", dict(ADVISORY, tlp="PURPLE"))
        self.assertError(r, 422, "invalid", field="tlp")
        r = a.post("/api/v1/advisories", dict(ADVISORY, audience={"all": True, "orgs": [1]}))
        self.assertError(r, 422, "invalid", field="audience")
        self.assertError(self.c["spoc_gent"].post("/api/v1/advisories", ADVISORY), 403, "forbidden")
        r = a.post("/api/v1/advisories", ADVISORY)
        adv = r.json["id"]
        self.assertStatus(a.patch("/api/v1/advisories/%d" % adv, {"title": "Changed while a draft"}), 200)
        self.assertError(a.post("/api/v1/advisories/%d/approve" % adv, {}), 409, "conflict")
        self.assertStatus(a.post("/api/v1/advisories/%d/submit" % adv, {}), 200)
        self.assertError(a.patch("/api/v1/advisories/%d" % adv, {"title": "x"}), 409, "conflict")
        r = a.post("/api/v1/advisories/%d/withdraw" % adv, {})
        self.assertEqual(r.json["status"], "draft")
        self.assertEqual(self.server.sql("SELECT count(*) FROM deliveries WHERE advisory_id = ?", (adv,))[0][0], 0)

    def test_delivery_ack_and_scope(self):
        want = {r[0] for r in self.server.sql(
            "SELECT c.email FROM contacts c JOIN orgs o ON o.id = c.org_id WHERE o.province = 'Oost-Vlaanderen'"
            " AND o.valid_to IS NULL AND o.kind IN ('municipality','ocmw','police-zone') AND c.active = 1"
            " AND c.role IN ('spoc','deputy') AND c.email IS NOT NULL")}
        self.assertGreater(len(want), 20)
        SINK.refuse("deputy@gent.example.org", 550)   # permanent
        SINK.refuse("spoc@gent.example.org", 451)     # temporary
        adv = self.send(ADVISORY)
        self.assertEqual(adv["stats"]["channels"]["email"]["recipients"], len(want))
        wait_for(lambda: len({r[0] for r, _ in SINK.received()} & want) >= len(want) - 2, "the fan-out")
        SINK.refuse("spoc@gent.example.org", None)    # the server comes back
        def settled():
            r = self.c["analyst"].get("/api/v1/advisories/%d" % adv["id"])
            self.assertStatus(r, 200)
            s = r.json["stats"]["channels"]["email"]
            return s if s["pending"] == 0 else None
        s = wait_for(settled, "every delivery settled")
        self.assertEqual((s["delivered"], s["failed"]), (len(want) - 1, 1), s)
        got = {}
        for rcpt, m in SINK.received():
            for r in rcpt:
                got.setdefault(r, []).append(m)
        self.assertEqual({r for r in got if r in want}, want - {"deputy@gent.example.org"})
        self.assertTrue(all(len(v) == 1 for r, v in got.items() if r in want), "one message each")
        dels = {d["address"]: d for d in items_of(self.c["analyst"].get("/api/v1/advisories/%d/deliveries" % adv["id"]))}
        self.assertEqual(dels["deputy@gent.example.org"]["status"], "failed")
        self.assertIn("550", dels["deputy@gent.example.org"]["last_error"])
        self.assertGreaterEqual(dels["spoc@gent.example.org"]["attempts"], 2, "retried")
        m = got["spoc@gent.example.org"][0]
        self.assertEqual(m["Subject"], "[TLP:AMBER] " + ADVISORY["title"])
        self.assertTrue(m["Message-ID"].startswith("<wr-%d-" % adv["id"]))
        text = m.get_body(("plain",)).get_content()
        html = m.get_body(("html",)).get_content()
        self.assertIn("Patch **now**", text)
        self.assertIn("<strong>now</strong>", html)
        self.assertNotIn("<script>", html, "no raw HTML passes")
        self.assertNotIn("javascript:", html)
        link = re.search(r"Please acknowledge: (\S+)", text).group(1)
        path = urllib.parse.urlparse(link).path
        anon = self.server.anon()
        r = anon.get(path)
        self.assertStatus(r, 200)
        self.assertIn("Acknowledge</button>", r.text)
        gent = org_by_nis(self.c["analyst"], NIS_GENT)
        ack_rows = lambda: self.server.sql("SELECT org_id, via FROM acks WHERE advisory_id = ?", (adv["id"],))
        self.assertEqual(ack_rows(), [], "a GET (a mail gateway opening the link) acknowledges nothing")
        r = anon.request("POST", path, raw=b"", content_type="application/x-www-form-urlencoded")
        self.assertStatus(r, 200)
        self.assertIn("Acknowledged at", r.text)
        self.assertEqual(ack_rows(), [(gent["id"], "link")])
        self.assertStatus(anon.get(path[:-2] + ("AA" if not path.endswith("AA") else "BB")), 403)
        self.assertEqual(self.c["analyst"].get("/api/v1/advisories/%d" % adv["id"]).json["stats"]["acknowledged"], 1)
        # The towns: Gent sees what was sent to it; Antwerpen (another province) does not.
        comms = items_of(self.c["spoc_gent"].get("/api/v1/orgs/%d/communications" % gent["id"]))
        self.assertEqual([c["id"] for c in comms if c["id"] == adv["id"]], [adv["id"]])
        self.assertTrue(comms[0]["acknowledged_at"])
        self.assertStatus(self.c["spoc_antwerpen"].get("/api/v1/advisories/%d" % adv["id"]), 404)
        self.assertStatus(self.c["spoc_antwerpen"].get("/api/v1/orgs/%d/communications" % gent["id"]), 404)
        self.assertStatus(self.c["spoc_gent"].get("/api/v1/advisories/%d" % adv["id"]), 200)
        # A SPOC acknowledges through the API too; once per town.
        self.assertStatus(self.c["spoc_gent"].post("/api/v1/advisories/%d/ack" % adv["id"], {}), 200)
        self.assertEqual(len(ack_rows()), 1)

    def test_provider_contacts_and_tlp(self):
        """Role "provider": the towns' ICT providers get GREEN; AMBER only when
        the audience names the provider itself (TLP 2.0: a supplier is not a client)."""
        a = self.c["analyst"]
        prov = self.server.sql("SELECT id FROM orgs WHERE kind = 'provider' ORDER BY id")[0][0]
        client = self.server.sql("SELECT org_id FROM provider_clients WHERE provider_id = ? ORDER BY org_id",
                                 (prov,))[0][0]
        r = self.admin.post("/api/v1/orgs/%d/contacts" % prov,
                            {"name": "Helpdesk ICT", "role": "spoc", "email": "soc@provider.example.org"})
        self.assertStatus(r, 201)
        base = {"body": "Lessons of the Play attack on Antwerp.", "severity": "medium",
                "kind": "lessons-learned", "ack_required": False}
        addresses = lambda adv: {d["address"] for d in items_of(a.get("/api/v1/advisories/%d/deliveries" % adv["id"]))}
        green = self.send(dict(base, title="Lessons, GREEN", tlp="GREEN",
                               audience={"orgs": [client], "roles": ["spoc", "provider"]}))
        self.assertIn("soc@provider.example.org", addresses(green))
        amber = self.send(dict(base, title="Lessons, AMBER to the town", tlp="AMBER",
                               audience={"orgs": [client], "roles": ["spoc", "provider"]}))
        got = addresses(amber)
        self.assertNotIn("soc@provider.example.org", got)
        self.assertTrue(got, "the town's SPOC still gets it")
        named = self.send(dict(base, title="Lessons, AMBER to the provider", tlp="AMBER",
                               audience={"providers": [prov], "roles": ["spoc", "provider"]}))
        self.assertIn("soc@provider.example.org", addresses(named))
        wait_for(lambda: [m for m in SINK.to("soc@provider.example.org") if "AMBER to the provider" in m["Subject"]],
                 "the provider's copy")
        self.assertEqual([m for m in SINK.to("soc@provider.example.org") if "AMBER to the town" in m["Subject"]], [])
        # the provider's accounts find in their inbox what reached the provider, nothing else
        inbox = [x["id"] for x in items_of(self.session("prov_user").get("/api/v1/advisories"))]
        self.assertIn(green["id"], inbox)
        self.assertIn(named["id"], inbox)
        self.assertNotIn(amber["id"], inbox)
        self.assertStatus(self.session("prov_user").get("/api/v1/advisories/%d" % named["id"]), 200)
        self.assertError(self.session("prov_user").get("/api/v1/advisories/%d" % amber["id"]), 404, "not_found")

    def test_attachments(self):
        a = self.c["analyst"]
        body = dict(ADVISORY, title="Indicators of the Play campaign", tlp="GREEN", severity="medium",
                    kind="advisory", ack_required=False,
                    audience={"orgs": [org_by_nis(a, NIS_ANTWERPEN)["id"]], "roles": ["spoc"]})
        del body["ack_deadline"]
        adv = a.post("/api/v1/advisories", body).json["id"]
        url = "/api/v1/advisories/%d/attachments" % adv
        csv = b"type,value\ndomain,play-c2.example\nipv4,198.51.100.9\n"
        pdf = b"%PDF-1.4\n" + bytes(range(256)) * 40 + b"\n%%EOF\n"
        # bad names, types, sizes and roles are refused, naming the field
        self.assertError(a.request("POST", url + "?name=../etc/passwd", raw=csv, content_type="text/csv"),
                         422, "invalid", field="name")
        self.assertError(a.request("POST", url + "?name=.hidden", raw=csv, content_type="text/csv"),
                         422, "invalid", field="name")
        self.assertError(a.request("POST", url + "?name=x.html", raw=b"<b>", content_type="text/html"),
                         415, "unsupported_media_type", field="content_type")
        self.assertError(a.request("POST", url + "?name=empty.csv", raw=b"", content_type="text/csv"),
                         422, "invalid", field="body")
        self.assertStatus(self.c["spoc_gent"].request("POST", url + "?name=a.csv", raw=csv, content_type="text/csv"), 403)
        r = a.request("POST", url + "?name=play-iocs.csv", raw=csv, content_type="text/csv; charset=utf-8")
        self.assertStatus(r, 201)
        self.assertEqual([(f["name"], f["content_type"], f["size"]) for f in r.json["attachments"]],
                         [("play-iocs.csv", "text/csv", len(csv))])
        self.assertError(a.request("POST", url + "?name=play-iocs.csv", raw=csv, content_type="text/csv"),
                         409, "conflict", field="name")
        r = a.request("POST", url + "?name=report.pdf", raw=pdf, content_type="application/pdf")
        self.assertStatus(r, 201)
        tmp = a.request("POST", url + "?name=scratch.txt", raw=b"draft notes", content_type="text/plain").json
        scratch = [f["id"] for f in tmp["attachments"] if f["name"] == "scratch.txt"][0]
        self.assertStatus(a.request("DELETE", url + "/%d" % scratch), 200)
        # the war room downloads what it attached, byte for byte
        pdf_id = [f["id"] for f in r.json["attachments"] if f["name"] == "report.pdf"][0]
        got = a.get(url + "/%d" % pdf_id)
        self.assertStatus(got, 200)
        self.assertEqual(got.body, pdf)
        self.assertEqual(got.header("Content-Type"), "application/pdf")
        self.assertIn('filename="report.pdf"', got.header("Content-Disposition"))
        # approved: every e-mail carries both files; the advisory is frozen
        self.assertStatus(a.post("/api/v1/advisories/%d/submit" % adv, {}), 200)
        self.assertError(a.request("POST", url + "?name=late.csv", raw=csv, content_type="text/csv"),
                         409, "conflict")
        self.assertStatus(self.c["analyst2"].post("/api/v1/advisories/%d/approve" % adv, {}), 200)
        m = wait_for(lambda: [m for m in SINK.to("spoc@antwerpen.example.org")
                              if body["title"] in m["Subject"]], "the message with attachments")[0]
        files = {p.get_filename(): (p.get_content_type(), p.get_content()) for p in m.iter_attachments()}
        self.assertEqual(set(files), {"play-iocs.csv", "report.pdf"})
        self.assertEqual(files["report.pdf"], ("application/pdf", pdf))
        self.assertEqual(files["play-iocs.csv"][0], "text/csv")
        self.assertIn("play-c2.example", files["play-iocs.csv"][1] if isinstance(files["play-iocs.csv"][1], str)
                      else files["play-iocs.csv"][1].decode())
        self.assertIn("Patch **now**", m.get_body(("plain",)).get_content())


if __name__ == "__main__":
    try:
        harness.main()
    finally:
        SINK.stop()
