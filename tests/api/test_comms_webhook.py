"""Webhooks (issue 3, docs/comms.md): a town registers a URL and a secret;
each advisory addressed to it is POSTed there as JSON signed with
HMAC-SHA256 (X-Warroom-Signature), retried on 5xx with the same delivery
id, failed at once on another 4xx; the secret is never shown again. The
receiver is a real HTTP server on loopback."""

import hashlib
import hmac
import os
import sys
import time
import urllib.parse

sys.dont_write_bytecode = True
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import harness  # noqa: E402
from comms_util import approved, wait_for  # noqa: E402
from harness import NIS_ANTWERPEN, NIS_GENT, NIS_LEUVEN, ServerTestCase, items_of, org_by_nis  # noqa: E402
from http_sink import HttpSink  # noqa: E402

HOOKS = HttpSink().start()
SECRET_GENT = "gent-hook-secret-0d9e8f7a"
SECRET_ANTWERPEN = "antwerpen-hook-secret-55aa"




def verify(req, secret):
    """The signature check a receiver does; returns the signed time."""
    parts = dict(p.split("=", 1) for p in req["headers"]["X-Warroom-Signature"].split(","))
    mac = hmac.new(secret.encode(), parts["t"].encode() + b"." + req["raw"], hashlib.sha256).hexdigest()
    if not hmac.compare_digest(mac, parts["v1"]):
        raise AssertionError("bad signature")
    return int(parts["t"])


class Webhooks(ServerTestCase):
    # No SMTP server: the e-mails wait, the webhooks go out on their own.
    SERVER_ENV = {"WARROOM_SMTP_RETRY_BASE": "1", "WARROOM_SMTP_RATE": "1000"}
    USERS = ServerTestCase.USERS + [("analyst2", "analyst", None, None)]

    @classmethod
    def prepare_server(cls):
        cls.server.secrets.update({SECRET_GENT, SECRET_ANTWERPEN})
        cls.c = {n: cls.server.client(token=cls.server.create_token(n))
                 for n in ("analyst", "analyst2", "spoc_gent", "spoc_antwerpen")}
        cls.gent = org_by_nis(cls.c["analyst"], NIS_GENT)
        cls.antwerpen = org_by_nis(cls.c["analyst"], NIS_ANTWERPEN)
        cls.leuven = org_by_nis(cls.c["analyst"], NIS_LEUVEN)

    def send(self, body):
        return approved(self, self.c["analyst"], self.c["analyst2"], body)

    def webhook_rows(self, adv):
        return [d for d in items_of(self.c["analyst"].get("/api/v1/advisories/%d/deliveries" % adv))
                if d["channel"] == "webhook"]

    def test_webhooks(self):
        gent_path = "/api/v1/orgs/%d/webhook" % self.gent["id"]
        ant_path = "/api/v1/orgs/%d/webhook" % self.antwerpen["id"]
        sg, sa, an = self.c["spoc_gent"], self.c["spoc_antwerpen"], self.c["analyst"]
        self.assertError(sg.post(gent_path, {"url": "ftp://x.example/", "secret": SECRET_GENT}), 422, "invalid",
                         field="url")
        self.assertError(sg.post(gent_path, {"url": "https://t.gent.example/", "secret": "short"}), 422, "invalid",
                         field="secret")
        self.assertError(sa.post(gent_path, {"url": HOOKS.url("/evil"), "secret": SECRET_ANTWERPEN}), 404,
                         "not_found")
        self.assertError(sg.get(gent_path), 404, "not_found")
        # The town itself registers, over TLS only; the war room may use http.
        self.assertError(sg.post(gent_path, {"url": HOOKS.url("/gent"), "secret": SECRET_GENT}), 422, "invalid",
                         field="url")
        r = sg.post(gent_path, {"url": "https://tickets.gent.example/hook", "secret": SECRET_GENT})
        self.assertStatus(r, 200)
        self.assertNotIn("secret", r.json)
        self.assertEqual(r.json["created_by"], "spoc_gent")
        self.assertStatus(an.post(gent_path, {"url": HOOKS.url("/gent"), "secret": SECRET_GENT}), 200)
        self.assertStatus(an.post(ant_path, {"url": HOOKS.url("/antwerpen"), "secret": SECRET_ANTWERPEN}), 200)
        self.assertEqual(sg.get(gent_path).json["url"], HOOKS.url("/gent"))
        self.assertNotIn(SECRET_GENT, str(self.server.sql("SELECT details FROM journal")))

        HOOKS.answer("/antwerpen", 500, times=2)
        adv = self.send({"title": "Phishing wave: fake e-Box notices", "body": "Block **ebox-notice.example**.",
                         "tlp": "AMBER", "severity": "medium",
                         "audience": {"orgs": [self.gent["id"], self.antwerpen["id"], self.leuven["id"]]},
                         "ack_required": True, "ack_deadline": "2026-12-31T12:00:00Z"})
        self.assertEqual(len(self.webhook_rows(adv["id"])), 2, "Leuven has no webhook")
        wait_for(lambda: all(d["status"] == "sent" for d in self.webhook_rows(adv["id"])), "both webhooks")
        gent = HOOKS.received("/gent")
        self.assertEqual(len(gent), 1)
        t = verify(gent[0], SECRET_GENT)
        self.assertLess(abs(t - time.time()), 300)
        with self.assertRaises(AssertionError):
            verify(gent[0], SECRET_ANTWERPEN)
        body = gent[0]["json"]
        self.assertEqual(body["event"], "advisory")
        self.assertEqual((body["org"]["id"], body["advisory"]["id"]), (self.gent["id"], adv["id"]))
        self.assertEqual((body["advisory"]["tlp"], body["advisory"]["body"]),
                         ("AMBER", "Block **ebox-notice.example**."))
        self.assertEqual(gent[0]["headers"]["X-Warroom-Delivery"], body["delivery"])
        ant = HOOKS.received("/antwerpen")
        self.assertEqual([r["status"] for r in ant], [500, 500, 200], "retried after the 5xx")
        self.assertEqual(len({r["headers"]["X-Warroom-Delivery"] for r in ant}), 1, "the same delivery")
        for r in ant:
            verify(r, SECRET_ANTWERPEN)
        self.assertEqual([d["attempts"] for d in self.webhook_rows(adv["id"]) if d["org_id"] == self.antwerpen["id"]],
                         [3])
        # The ack link in the payload acknowledges for that town (a POST).
        path = urllib.parse.urlparse(body["ack_url"]).path
        self.assertStatus(self.server.anon().request("POST", path, raw=b"",
                                                     content_type="application/x-www-form-urlencoded"), 200)
        self.assertEqual(self.server.sql("SELECT org_id, via FROM acks WHERE advisory_id = ?", (adv["id"],)),
                         [(self.gent["id"], "link")])

        # A refusal other than 5xx fails at once; a removed webhook gets nothing.
        HOOKS.answer("/gent", 410)
        self.assertEqual(sa.delete(ant_path).status, 204)
        adv2 = self.send({"title": "Second", "body": "x", "tlp": "GREEN", "severity": "low",
                          "audience": {"orgs": [self.gent["id"], self.antwerpen["id"]]}})
        rows = wait_for(lambda: [d for d in self.webhook_rows(adv2["id"]) if d["status"] == "failed"], "the 410")
        self.assertEqual(len(self.webhook_rows(adv2["id"])), 1)
        self.assertIn("410", rows[0]["last_error"])
        self.assertEqual(rows[0]["attempts"], 1)
        self.assertEqual(len(HOOKS.received("/antwerpen")), 3)


if __name__ == "__main__":
    try:
        harness.main()
    finally:
        HOOKS.stop()
