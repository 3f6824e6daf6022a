"""The journal: every mutation through the API is in GET /api/v1/journal
with its actor; refused requests leave no entry; pagination; who may read
it; no secrets in it; `warroom audit verify` on a consistent backup, and
tampering (an edited, deleted or swapped entry) is detected."""

import json
import os
import re
import sqlite3
import sys

sys.dont_write_bytecode = True  # no __pycache__ in the source tree
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import harness  # noqa: E402
from harness import NIS_GENT, NIS_LEUVEN, ServerTestCase, all_pages, org_by_nis  # noqa: E402

RFC3339_UTC = re.compile(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?Z$")


class JournalTest(ServerTestCase):
    USERS = [
        ("admin", "admin", None, None),
        ("analyst", "analyst", None, None),
        ("spoc_gent", "spoc", NIS_GENT, None),
        ("viewer", "viewer", None, None),
        ("provider", "provider", None, "provider0"),
    ]

    @classmethod
    def prepare_server(cls):
        cls.gent = org_by_nis(cls.admin, NIS_GENT)
        cls.leuven = org_by_nis(cls.admin, NIS_LEUVEN)

    def journal(self, client=None):
        items, _ = all_pages(client or self.admin, "/api/v1/journal", limit=500, max_pages=1000)
        return items

    def entries_for(self, items, object_id):
        return [e for e in items if str(e["object_id"]) == str(object_id)]

    def backup(self, name):
        path = os.path.join(self.server.dir, name)
        p = self.server.cli("backup", path)
        self.assertEqual(p.returncode, 0)
        self.assertTrue(os.path.getsize(path) > 0)
        return path

    def verify(self, db):
        return self.server.cli("audit", "verify", db=db, check=False)

    # -- the API writes the journal ---------------------------------------------
    def test_every_mutation_appears_with_its_actor(self):
        spoc = self.session("spoc_gent")
        analyst = self.session("analyst")
        admin = self.admin  # a bearer token of user "admin"
        before = {e["seq"] for e in self.journal()}
        gid = self.gent["id"]
        done = []  # (actor, object_type word, object id, the field changed or None)

        r = spoc.post("/api/v1/orgs/%d/contacts" % gid,
                      {"name": "Journal Contact", "role": "deputy", "email": "jc@example.org",
                       "mobile": "0499 00 31 31", "language": "nl", "active": True})
        self.assertStatus(r, 201)
        cid = r.json["id"]
        done.append(("spoc_gent", "contact", cid, None))
        self.assertStatus(analyst.patch("/api/v1/contacts/%d" % cid, {"phone": "09 210 10 10"}), 200)
        done.append(("analyst", "contact", cid, "phone"))
        self.assertStatus(admin.delete("/api/v1/contacts/%d" % cid), 204)
        done.append(("admin", "contact", cid, None))

        r = spoc.post("/api/v1/orgs/%d/assets" % gid, {"type": "hostname", "value": "journal.gent.example"})
        self.assertStatus(r, 201)
        aid = r.json["id"]
        done.append(("spoc_gent", "asset", aid, None))
        self.assertStatus(spoc.patch("/api/v1/assets/%d" % aid, {"value": "journal2.gent.example"}), 200)
        done.append(("spoc_gent", "asset", aid, "value"))
        self.assertStatus(analyst.delete("/api/v1/assets/%d" % aid), 204)
        done.append(("analyst", "asset", aid, None))

        r = admin.post("/api/v1/orgs", {"kind": "intermunicipal", "name": "Journaalverband"})
        self.assertStatus(r, 201)
        oid = r.json["id"]
        done.append(("admin", "org", oid, None))
        self.assertStatus(analyst.patch("/api/v1/orgs/%d" % oid, {"population": 77}), 200)
        done.append(("analyst", "org", oid, "population"))

        r = analyst.post("/api/v1/providers", {"name": "Journaal ICT"})
        self.assertStatus(r, 201)
        pid = r.json["id"]
        done.append(("analyst", "provider", pid, None))
        self.assertStatus(admin.patch("/api/v1/providers/%d" % pid, {"name": "Journaal ICT BV"}), 200)
        done.append(("admin", "provider", pid, "name"))
        self.assertStatus(admin.post("/api/v1/providers/%d/clients" % pid,
                                     {"org_id": self.leuven["id"], "services": ["hosting"]}), (200, 201))
        self.assertStatus(admin.delete("/api/v1/providers/%d/clients/%d" % (pid, self.leuven["id"])), 204)
        self.assertStatus(analyst.delete("/api/v1/providers/%d" % pid), 204)
        done.append(("analyst", "provider", pid, None))

        items = self.journal()
        new = [e for e in items if e["seq"] not in before]
        self.assertGreaterEqual(len(new), len(done) + 2, "fewer new entries than mutations")
        self.assertEqual({e["actor"] for e in new}, {"spoc_gent", "analyst", "admin"})
        for actor, kind, obj, field in done:
            with self.subTest(actor=actor, kind=kind, obj=obj):
                mine = [e for e in self.entries_for(new, obj)
                        if kind in e["object_type"] and e["actor"] == actor]
                self.assertTrue(mine, "no journal entry by %s for %s %s in %r"
                                % (actor, kind, obj, self.entries_for(new, obj)))
                if field:
                    self.assertTrue(any(field in json.dumps(e["details"]) for e in mine),
                                    "the entry does not say that %s changed: %r" % (field, mine))
        # create, update, delete of one contact: three entries, three actions.
        contact_entries = [e for e in self.entries_for(new, cid) if "contact" in e["object_type"]]
        self.assertEqual(len(contact_entries), 3, contact_entries)
        self.assertEqual(len({e["action"] for e in contact_entries}), 3)
        self.assertEqual([e["actor"] for e in sorted(contact_entries, key=lambda e: e["seq"])],
                         ["spoc_gent", "analyst", "admin"])
        # Adding and removing a provider's client: two entries by admin.
        clients = [e for e in new if e["actor"] == "admin" and "client" in (e["action"] + e["object_type"])]
        self.assertEqual(len(clients), 2, [(e["action"], e["object_type"]) for e in new])

    def test_journal_items_have_the_documented_fields(self):
        self.assertStatus(self.admin.patch("/api/v1/orgs/%d" % self.leuven["id"], {"population": 102276}), 200)
        items = self.journal()
        self.assertTrue(items)
        for e in items:
            self.assertLessEqual({"seq", "at", "actor", "action", "object_type", "object_id", "details"},
                                 set(e))
            self.assertIsInstance(e["seq"], int)
            self.assertRegex(e["at"], RFC3339_UTC)
            self.assertTrue(e["actor"])
            self.assertTrue(e["action"])
            d = e["details"]
            if isinstance(d, str):
                d = json.loads(d)
            self.assertIsInstance(d, dict)

    def test_refused_requests_leave_no_entry(self):
        gid = self.gent["id"]
        spoc = self.session("spoc_gent")  # logging in is journaled: do it first
        before = [e["seq"] for e in self.journal()]
        self.assertStatus(self.admin.post("/api/v1/orgs/%d/contacts" % gid,
                                          {"name": "X", "role": "spoc", "email": "bad"}), 422)
        self.assertStatus(self.admin.post("/api/v1/orgs/%d/assets" % gid,
                                          {"type": "cidr", "value": "10.1.2.3/8"}), 422)
        self.assertStatus(spoc.patch("/api/v1/orgs/%d" % gid, {"name": "Gentbrugge"}), 403)
        self.assertStatus(spoc.post("/api/v1/orgs/%d/contacts" % gid, {"name": "Y", "role": "spoc"},
                                    csrf=False), 403)
        self.assertStatus(self.admin.delete("/api/v1/contacts/987654321"), 404)
        after = [e["seq"] for e in self.journal()]
        self.assertEqual(sorted(after), sorted(before))

    def test_pagination_covers_every_entry_once(self):
        for i in range(3):
            self.assertStatus(self.admin.patch("/api/v1/orgs/%d" % self.leuven["id"],
                                               {"population": 100000 + i}), 200)
        whole = self.journal()
        paged, pages = all_pages(self.admin, "/api/v1/journal", limit=7, max_pages=5000)
        self.assertGreater(pages, 1)
        seqs = [e["seq"] for e in paged]
        self.assertEqual(len(seqs), len(set(seqs)), "an entry on two pages")
        self.assertEqual(sorted(seqs), sorted(e["seq"] for e in whole))
        self.assertEqual(sorted(seqs), list(range(min(seqs), max(seqs) + 1)), "a gap in the journal")
        self.assertEqual(min(seqs), 1)
        self.assertTrue(seqs == sorted(seqs) or seqs == sorted(seqs, reverse=True), "pages out of order")
        r = self.admin.get("/api/v1/journal?limit=2")
        self.assertEqual(len(r.json["items"]), 2)
        self.assertIsInstance(r.json["next_cursor"], str)
        for bad in ("0", "-1", "x"):
            self.assertError(self.admin.get("/api/v1/journal?limit=%s" % bad), 422, "invalid", field="limit")

    def test_only_admin_and_analyst_read_it(self):
        self.assertStatus(self.session("analyst").get("/api/v1/journal"), 200)
        self.assertStatus(self.admin.get("/api/v1/journal"), 200)
        for who in ("spoc_gent", "viewer", "provider"):
            self.assertError(self.session(who).get("/api/v1/journal"), 403, "forbidden", msg=who)

    def test_command_line_changes_are_journaled_too(self):
        self.server.add_user("late_user", "viewer")
        items = self.journal()
        hits = [e for e in items if "late_user" in json.dumps(e)]
        self.assertTrue(hits, "`user add` left no journal entry")
        self.assertTrue(all(e["actor"].startswith("cli:") for e in hits), hits)

    def test_no_secret_in_the_journal(self):
        self.session("admin")
        self.session("spoc_gent")
        self.server.create_token("analyst", label="journal secret check")
        text = json.dumps(self.journal())
        rows = self.server.sql("SELECT * FROM journal")
        text += json.dumps(rows)
        for s in self.server.secrets:
            self.assertNotIn(s, text, "a secret (%s...) is in the journal" % s[:4])
        self.assertNotIn("argon2", text)

    # -- audit verify and tampering ------------------------------------------------
    def middle_seq(self, path):
        db = sqlite3.connect(path)
        try:
            seqs = [r[0] for r in db.execute("SELECT seq FROM journal ORDER BY seq")]
        finally:
            db.close()
        self.assertGreaterEqual(len(seqs), 5, "too few journal entries to tamper with")
        return seqs, seqs[len(seqs) // 2]

    def assertBroken(self, p, seq=None):
        out = p.stdout + p.stderr
        self.assertEqual(p.returncode, 1, out)
        self.assertNotRegex(out, r"(?m)^ok:")
        if seq is not None:
            m = re.search(r"(?:entry|seq)\D{0,4}(\d+)", out)
            self.assertTrue(m, "audit verify does not name the entry: %r" % out)
            self.assertEqual(int(m.group(1)), seq, out)

    def test_audit_verify_ok_on_a_backup_taken_while_serving(self):
        self.assertStatus(self.admin.patch("/api/v1/orgs/%d" % self.leuven["id"], {"population": 102275}), 200)
        n = len(self.journal())
        path = self.backup("verify-ok.db")
        p = self.verify(path)
        self.assertEqual(p.returncode, 0, p.stdout + p.stderr)
        m = re.search(r"^ok: (\d+) entries", p.stdout, re.M)
        self.assertTrue(m, p.stdout)
        self.assertEqual(int(m.group(1)), n)
        # The live database verifies too.
        live = self.server.cli("audit", "verify", check=False)
        self.assertEqual(live.returncode, 0, live.stdout + live.stderr)
        # A backup is for its owner only, and never overwrites a file.
        self.assertEqual(os.stat(path).st_mode & 0o777, 0o600)
        self.assertEqual(os.stat(self.server.db).st_mode & 0o077, 0, "the live database is readable by others")
        before = os.stat(path).st_mtime_ns, os.path.getsize(path)
        again = self.server.cli("backup", path, check=False)
        self.assertNotEqual(again.returncode, 0)
        self.assertIn("exists", again.stderr)
        self.assertEqual((os.stat(path).st_mtime_ns, os.path.getsize(path)), before)

    def test_the_schema_forbids_update_and_delete(self):
        path = self.backup("triggers.db")
        seqs, k = self.middle_seq(path)
        db = sqlite3.connect(path)
        try:
            with self.assertRaises(sqlite3.DatabaseError):
                db.execute("UPDATE journal SET details = '{}' WHERE seq = ?", (k,))
            with self.assertRaises(sqlite3.DatabaseError):
                db.execute("DELETE FROM journal WHERE seq = ?", (k,))
            db.commit()
        finally:
            db.close()
        self.assertEqual(self.verify(path).returncode, 0)

    def test_an_edited_entry_is_named(self):
        path = self.backup("edited.db")
        seqs, k = self.middle_seq(path)
        self.tampered_in_place(path, "DROP TRIGGER journal_no_update",
                               "UPDATE journal SET details = '{\"tampered\":true}' WHERE seq = %d" % k)
        self.assertBroken(self.verify(path), seq=k)

    def test_an_edited_actor_is_named(self):
        path = self.backup("actor.db")
        seqs, k = self.middle_seq(path)
        self.tampered_in_place(path, "DROP TRIGGER journal_no_update",
                               "UPDATE journal SET actor = 'someone-else' WHERE seq = %d" % k)
        self.assertBroken(self.verify(path), seq=k)

    def test_a_deleted_entry_is_detected(self):
        path = self.backup("deleted.db")
        seqs, k = self.middle_seq(path)
        self.tampered_in_place(path, "DROP TRIGGER journal_no_delete",
                               "DELETE FROM journal WHERE seq = %d" % k)
        self.assertBroken(self.verify(path))

    def test_swapped_entries_are_detected(self):
        path = self.backup("swapped.db")
        seqs, k = self.middle_seq(path)
        j = seqs[seqs.index(k) + 1]
        cols = "at, actor, action, object_type, object_id, details, prev_hash, hash"
        self.tampered_in_place(
            path, "DROP TRIGGER journal_no_update",
            "CREATE TEMP TABLE t AS SELECT seq, %s FROM journal WHERE seq IN (%d, %d)" % (cols, k, j),
            "UPDATE journal SET (%s) = (SELECT %s FROM t WHERE t.seq = %d) WHERE seq = %d" % (cols, cols, j, k),
            "UPDATE journal SET (%s) = (SELECT %s FROM t WHERE t.seq = %d) WHERE seq = %d" % (cols, cols, k, j))
        db = sqlite3.connect(path)
        try:
            self.assertEqual(db.execute("SELECT count(*) FROM journal").fetchone()[0], len(seqs))
        finally:
            db.close()
        self.assertBroken(self.verify(path))

    def tampered_in_place(self, path, *statements):
        db = sqlite3.connect(path)
        try:
            for s in statements:
                db.execute(s)
            db.commit()
        finally:
            db.close()


if __name__ == "__main__":
    harness.main()
