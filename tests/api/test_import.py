"""CSV import and export on the database a server is using: a file with a
bad line writes nothing (seen through the API) and names FILE:LINE: field:
reason; a good file shows up in the API at once; export gives it back."""

import csv
import io
import os
import re
import sys

sys.dont_write_bytecode = True  # no __pycache__ in the source tree
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import harness  # noqa: E402
from harness import NIS_GENT, NIS_LEUVEN, ServerTestCase, items_of, org_by_nis  # noqa: E402

CONTACT_COLUMNS = ["org", "name", "role", "email", "mobile", "phone", "oob_email", "language", "active"]
ERROR_LINE = re.compile(r"^(?P<file>.+?):(?P<line>\d+): (?P<field>[^:]+): (?P<reason>.+)$")


class ImportTest(ServerTestCase):
    USERS = [("admin", "admin", None, None)]

    @classmethod
    def prepare_server(cls):
        cls.gent = org_by_nis(cls.admin, NIS_GENT)
        cls.leuven = org_by_nis(cls.admin, NIS_LEUVEN)
        cls.files = 0

    def write(self, rows, header=CONTACT_COLUMNS, newline="\n", name=None):
        type(self).files += 1
        path = os.path.join(self.server.dir, name or "import-%d.csv" % self.files)
        buf = io.StringIO()
        w = csv.writer(buf, lineterminator=newline)
        if header is not None:
            w.writerow(header)
        for r in rows:
            w.writerow(r)
        with open(path, "w", encoding="utf-8", newline="") as f:
            f.write(buf.getvalue())
        return path

    def count(self, what, org):
        r = self.admin.get("/api/v1/orgs/%d/%s" % (org["id"], what))
        self.assertStatus(r, 200)
        return len(items_of(r))

    def errors(self, p):
        """The FILE:LINE: field: reason lines of stderr as (file, line, field, reason)."""
        out = []
        for l in p.stderr.splitlines():
            m = ERROR_LINE.match(l.strip())
            if m:
                out.append((m["file"], int(m["line"]), m["field"].strip(), m["reason"]))
        return out

    def good(self, org, tag, **kw):
        row = {"org": org, "name": "Import %s" % tag, "role": "it-lead",
               "email": "import-%s@example.org" % tag, "mobile": "0499 00 21 %02d" % (len(tag) % 100),
               "phone": "", "oob_email": "", "language": "nl", "active": "true"}
        row.update(kw)
        return [row[c] for c in CONTACT_COLUMNS]

    # -- contacts ----------------------------------------------------------
    def test_one_bad_line_writes_nothing_and_is_named(self):
        gent_before = self.count("contacts", self.gent)
        leuven_before = self.count("contacts", self.leuven)
        path = self.write([
            self.good(NIS_GENT, "a"),                              # line 2
            self.good(NIS_LEUVEN, "b"),                            # line 3
            self.good(NIS_GENT, "c", email="not-an-email"),        # line 4
            self.good(str(self.leuven["id"]), "d"),                # line 5
        ])
        p = self.server.cli("import", "contacts", path, check=False)
        self.assertEqual(p.returncode, 1, p.stdout + p.stderr)
        errs = self.errors(p)
        self.assertEqual(len(errs), 1, p.stderr)
        self.assertEqual(errs[0][:3], (path, 4, "email"), p.stderr)
        self.assertTrue(errs[0][3].strip())
        self.assertEqual(self.count("contacts", self.gent), gent_before, "a refused import wrote contacts")
        self.assertEqual(self.count("contacts", self.leuven), leuven_before, "a refused import wrote contacts")

    def test_every_bad_line_is_reported(self):
        before = self.count("contacts", self.gent)
        path = self.write([
            self.good(NIS_GENT, "e", mobile="call me"),            # line 2
            self.good(NIS_GENT, "f"),                              # line 3
            self.good("99999", "g"),                               # line 4: no such town
            self.good(NIS_GENT, "h", oob_email="x@gent.example"),  # line 5: the town's own domain
            self.good(NIS_GENT, "i", role="king"),                 # line 6
        ])
        p = self.server.cli("import", "contacts", path, check=False)
        self.assertEqual(p.returncode, 1)
        got = [(line, field) for _, line, field, _ in self.errors(p)]
        self.assertEqual(got, [(2, "mobile"), (4, "org"), (5, "oob_email"), (6, "role")], p.stderr)
        self.assertEqual(self.count("contacts", self.gent), before)

    def test_line_numbers_with_crlf_and_quoted_newlines(self):
        before = self.count("contacts", self.gent)
        path = self.write([
            self.good(NIS_GENT, "j", name="Peeters, Jan\nsecond line"),   # lines 2-3: a name on two lines
            self.good(NIS_GENT, "k", language="de"),                        # line 4
            self.good(NIS_GENT, "l"),                                       # line 5
        ], newline="\r\n")
        p = self.server.cli("import", "contacts", path, check=False)
        self.assertEqual(p.returncode, 1)
        self.assertEqual([(l, f) for _, l, f, _ in self.errors(p)], [(2, "name"), (4, "language")], p.stderr)
        self.assertEqual(self.count("contacts", self.gent), before)

    def test_a_good_file_is_imported_and_visible_in_the_api(self):
        path = self.write([
            self.good(NIS_GENT, "good1", name="Peeters, An", mobile="0499 00 12 34",
                      oob_email="an.peeters@proton.example"),
            self.good(str(self.leuven["id"]), "good2", role="deputy", language="fr", active="false"),
        ])
        gent_before = self.count("contacts", self.gent)
        p = self.server.cli("import", "contacts", path, check=False)
        self.assertEqual(p.returncode, 0, p.stderr)
        self.assertRegex(p.stdout + p.stderr, r"imported 2\b")
        self.assertEqual(self.count("contacts", self.gent), gent_before + 1)
        an = [c for c in items_of(self.admin.get("/api/v1/orgs/%d/contacts" % self.gent["id"]))
              if c["email"] == "import-good1@example.org"]
        self.assertEqual(len(an), 1)
        self.assertEqual(an[0]["name"], "Peeters, An")
        self.assertEqual(an[0]["mobile"], "+32499001234")
        self.assertEqual(an[0]["oob_email"], "an.peeters@proton.example")
        lv = [c for c in items_of(self.admin.get("/api/v1/orgs/%d/contacts" % self.leuven["id"]))
              if c["email"] == "import-good2@example.org"]
        self.assertEqual(len(lv), 1)
        self.assertEqual((lv[0]["role"], lv[0]["language"], lv[0]["active"]), ("deputy", "fr", False))
        # Export gives it back with the documented columns.
        e = self.server.cli("export", "contacts")
        rows = list(csv.DictReader(io.StringIO(e.stdout)))
        self.assertTrue(rows)
        self.assertLessEqual(set(CONTACT_COLUMNS), set(rows[0]))
        mine = [r for r in rows if r["email"] == "import-good1@example.org"]
        self.assertEqual(len(mine), 1)
        self.assertEqual(mine[0]["name"], "Peeters, An")
        self.assertIn(mine[0]["org"], (NIS_GENT, str(self.gent["id"])))

    def test_unknown_column_is_refused(self):
        before = self.count("contacts", self.gent)
        path = self.write([self.good(NIS_GENT, "l") + ["@gent"]], header=CONTACT_COLUMNS + ["twitter"])
        p = self.server.cli("import", "contacts", path, check=False)
        self.assertEqual(p.returncode, 1)
        self.assertIn("twitter", p.stderr)
        self.assertEqual(self.count("contacts", self.gent), before)

    def test_missing_file_is_a_one_line_error(self):
        p = self.server.cli("import", "contacts", os.path.join(self.server.dir, "nope.csv"), check=False)
        self.assertNotEqual(p.returncode, 0)
        self.assertEqual(len(p.stderr.strip().splitlines()), 1, p.stderr)
        self.assertIn("nope.csv", p.stderr)

    # -- the other kinds: the header comes from export ---------------------------
    def exported(self, what):
        p = self.server.cli("export", what)
        rows = list(csv.reader(io.StringIO(p.stdout)))
        self.assertTrue(rows, "export %s printed nothing" % what)
        return rows[0], rows[1:]

    def rejected(self, what, header, rows, line, field):
        path = self.write(rows, header=header)
        p = self.server.cli("import", what, path, check=False)
        self.assertEqual(p.returncode, 1, p.stdout + p.stderr)
        self.assertIn((path, line, field), [e[:3] for e in self.errors(p)], p.stderr)

    def row(self, header, **values):
        return [values.get(h, "") for h in header]

    def test_assets_import_with_a_bad_prefix_writes_nothing(self):
        header, _ = self.exported("assets")
        for col in ("org", "type", "value"):
            if col not in header:
                self.skipTest("export assets has no %r column: %r" % (col, header))
        before = self.count("assets", self.gent)
        rows = [self.row(header, org=NIS_GENT, type="domain", value="import-ok.example", managed_by="town"),
                self.row(header, org=NIS_GENT, type="cidr", value="10.1.2.3/8", managed_by="town")]
        self.rejected("assets", header, rows, 3, "value")
        self.assertEqual(self.count("assets", self.gent), before)

    def test_orgs_import_with_a_bad_kind_writes_nothing(self):
        header, _ = self.exported("orgs")
        for col in ("kind", "name"):
            if col not in header:
                self.skipTest("export orgs has no %r column: %r" % (col, header))
        rows = [self.row(header, kind="intermunicipal", name="Importverband Goed"),
                self.row(header, kind="castle", name="Importkasteel")]
        self.rejected("orgs", header, rows, 3, "kind")
        r = self.admin.get("/api/v1/orgs?q=Importverband")
        self.assertEqual(r.json["items"], [])

    def test_providers_import_with_an_unknown_client_writes_nothing(self):
        header, _ = self.exported("providers")
        before = {p["name"] for p in items_of(self.admin.get("/api/v1/providers"))}
        if {"provider", "client"} <= set(header):
            rows = [self.row(header, provider="Import ICT Goed", client=NIS_GENT, services="network"),
                    self.row(header, provider="Import ICT Goed", client="99999", services="network")]
            self.rejected("providers", header, rows, 3, "client")
        elif "name" in header:
            rows = [self.row(header, name="Import ICT Goed"), self.row(header, name="")]
            self.rejected("providers", header, rows, 3, "name")
        else:
            self.skipTest("export providers: unknown columns %r" % header)
        self.assertEqual({p["name"] for p in items_of(self.admin.get("/api/v1/providers"))}, before)

    def test_export_then_import_into_a_new_database_gives_the_same_registry(self):
        """What a user does to move the registry: export every kind, import
        into a fresh database, export again: the same files."""
        other = os.path.join(self.server.dir, "copy.db")
        self.server.cli("init", db=other)
        first = {}
        for what in ("orgs", "providers", "contacts", "assets"):
            first[what] = self.server.cli("export", what).stdout
            path = os.path.join(self.server.dir, "export-%s.csv" % what)
            with open(path, "w", encoding="utf-8", newline="") as f:
                f.write(first[what])
            p = self.server.cli("import", what, path, db=other, check=False)
            self.assertEqual(p.returncode, 0, "import %s: %s" % (what, p.stderr[-2000:]))
        for what in ("orgs", "providers", "contacts", "assets"):
            again = self.server.cli("export", what, db=other).stdout
            self.assertEqual(sorted(again.splitlines()), sorted(first[what].splitlines()), what)


if __name__ == "__main__":
    harness.main()
