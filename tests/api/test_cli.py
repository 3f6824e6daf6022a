"""The commands around the server: init is repeatable, demo refuses a
non-empty database, export, audit verify on a fresh demo, unknown commands,
and changes made on the command line while the server runs are seen by the
API at once."""

import csv
import io
import os
import re
import sys

sys.dont_write_bytecode = True  # no __pycache__ in the source tree
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import harness  # noqa: E402
from harness import NIS_GENT, ServerTestCase, org_by_nis  # noqa: E402


class CliTest(ServerTestCase):
    USERS = [("admin", "admin", None, None)]

    def test_init_again_keeps_the_data(self):
        before = self.admin.get("/api/v1/orgs?kind=municipality&limit=500")
        p = self.server.cli("init", check=False)
        self.assertEqual(p.returncode, 0, p.stderr)
        after = self.admin.get("/api/v1/orgs?kind=municipality&limit=500")
        self.assertEqual(len(after.json["items"]), len(before.json["items"]))
        self.assertEqual(len(after.json["items"]), 285)

    def test_demo_refuses_a_non_empty_database(self):
        p = self.server.cli("demo", check=False)
        self.assertNotEqual(p.returncode, 0)
        self.assertEqual(len(p.stderr.strip().splitlines()), 1, p.stderr)
        r = self.admin.get("/api/v1/orgs?kind=municipality&limit=500")
        self.assertEqual(len(r.json["items"]), 285, "demo loaded twice")

    def test_audit_verify_on_the_demo(self):
        p = self.server.cli("audit", "verify", check=False)
        self.assertEqual(p.returncode, 0, p.stdout + p.stderr)
        self.assertRegex(p.stdout, r"(?m)^ok: \d+ entries")

    def test_export_orgs_lists_the_municipalities(self):
        p = self.server.cli("export", "orgs")
        rows = list(csv.DictReader(io.StringIO(p.stdout)))
        by_nis = {}
        for r in rows:
            by_nis.setdefault(r.get("nis_code"), []).append(r)
        self.assertIn(NIS_GENT, by_nis)
        current = [r for r in rows if r.get("kind") == "municipality" and not r.get("valid_to")]
        self.assertEqual(len(current), 285)
        # Borsbeek merged into Antwerpen: if exported, then as history.
        for r in by_nis.get("11007", []):
            self.assertTrue(r.get("valid_to"), "Borsbeek exported as current: %r" % r)

    def test_unknown_command_fails_with_a_message(self):
        for args in (["frobnicate"], ["user", "frobnicate"], ["import", "cats", "x.csv"]):
            p = self.server.cli(*args, check=False)
            self.assertNotEqual(p.returncode, 0, args)
            self.assertTrue(p.stderr.strip(), args)

    def test_a_user_added_while_serving_can_log_in(self):
        gent = org_by_nis(self.admin, NIS_GENT)
        self.server.add_user("late_spoc", "spoc", org=str(gent["id"]))
        c = self.server.login("late_spoc")
        me = c.get("/api/v1/me")
        self.assertEqual((me.json["role"], me.json["org_id"]), ("spoc", gent["id"]))

    def test_token_list_shows_no_token(self):
        token = self.server.create_token("admin", label="listed")
        p = self.server.cli("token", "list", check=False)
        if p.returncode != 0:
            self.skipTest("no `token list` command")
        self.assertIn("listed", p.stdout)
        self.assertNotIn(token, p.stdout)
        self.assertFalse(re.search(r"[0-9a-f]{64}", p.stdout), "a token or its hash in the listing")


if __name__ == "__main__":
    harness.main()
