/* libFuzzer harness for the CSV import of the registry (registry/import.h).
 *
 * The first byte picks the import: kind = byte & 3 (orgs, contacts,
 * providers, assets), actor = (byte >> 2) & 3 (the command line, the SPOC
 * of Gent, a provider account, a viewer), so '0'..'3' are the four kinds
 * as the command line; the rest of the input is the CSV file.
 *
 * One in-memory database with a small fixture is made on the first call;
 * every input runs inside an outer transaction that is rolled back after
 * it, so each input starts from the fixture. Invariants (abort() when
 * broken):
 *  - the import returns 0 or WR_EINVAL (a database, memory or internal
 *    error means the domain let through what the schema refuses, or a
 *    transaction went wrong);
 *  - on WR_EINVAL: errors are reported (in line order, each with a
 *    message) and no row of orgs, contacts, provider_clients, assets or
 *    the journal was written;
 *  - on success: the rows written match the counts in the result, one
 *    journal entry each; every stored value is canonical; the journal
 *    verifies; importing the same file a second time writes nothing and
 *    skips every line that the first import imported or skipped;
 *  - the import leaves the caller's transaction as it found it. */
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "audit/journal.h"
#include "base/domain.h"
#include "base/email.h"
#include "base/ip.h"
#include "base/phone.h"
#include "registry/import.h"

#define FUZZER_NAME "fuzz_import"
#include "registry_fixture.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static struct actor actors[4];
static FILE *devnull;
static int verbose; /* FUZZ_VERBOSE=1: print what each import did */

static void setup(void)
{
	struct fixture fx;
	fixture_setup(&fx);
	actors[0] = fx.cli;
	actors[1] = fx.spoc;
	actors[2] = fx.provider;
	actors[3] = fx.viewer;
	devnull = fopen("/dev/null", "w");
	if (!devnull)
		die("/dev/null");
	verbose = getenv("FUZZ_VERBOSE") != NULL;
}

/* ---- checks ---- */

static int trimmed_clean(const char *s)
{
	size_t n = strlen(s);
	if (n == 0 || s[0] == ' ' || s[n - 1] == ' ')
		return 0;
	for (const char *c = s; *c; c++)
		if ((unsigned char)*c < 0x20 || *c == 0x7f)
			return 0;
	return 1;
}

/* Every stored value is in its canonical form. */
static void check_canonical(void)
{
	sqlite3_stmt *st;
	struct wr_err e = {0};

	if (db_prepare(db, "SELECT id, name, email, mobile, phone, oob_email FROM contacts", &st, &e))
		die("prepare: %s", e.message);
	while (sqlite3_step(st) == SQLITE_ROW) {
		long long id = sqlite3_column_int64(st, 0);
		const char *name = text(st, 1), *mobile = text(st, 3), *phone = text(st, 4);
		if (!name || !trimmed_clean(name))
			die("contact %lld: name \"%s\" not clean", id, name ? name : "(null)");
		char what[64];
		snprintf(what, sizeof what, "contact %lld", id);
		check_mobile(what, mobile);
		if (phone && !e164_ok(phone))
			die("contact %lld: phone \"%s\" not canonical", id, phone);
		check_mail(what, text(st, 2));
		check_mail(what, text(st, 5));
	}
	sqlite3_finalize(st);

	if (db_prepare(db, "SELECT id, type, value, range_lo, range_hi, vendor, product, version,"
			   " managed_by, provider_id FROM assets", &st, &e))
		die("prepare: %s", e.message);
	while (sqlite3_step(st) == SQLITE_ROW) {
		long long id = sqlite3_column_int64(st, 0);
		char what[64];
		snprintf(what, sizeof what, "asset %lld", id);
		check_asset_value(what, text(st, 1), text(st, 2), text(st, 3), text(st, 4), text(st, 5),
				  text(st, 6), text(st, 7));
		const char *mb = text(st, 8);
		int has_provider = sqlite3_column_type(st, 9) != SQLITE_NULL;
		if (!mb || (!strcmp(mb, "provider")) != has_provider)
			die("asset %lld: managed_by %s with provider_id %s", id, mb ? mb : "(null)",
			    has_provider ? "set" : "null");
	}
	sqlite3_finalize(st);

	if (db_prepare(db, "SELECT id, name, nis_code, valid_from, valid_to FROM orgs", &st, &e))
		die("prepare: %s", e.message);
	while (sqlite3_step(st) == SQLITE_ROW) {
		long long id = sqlite3_column_int64(st, 0);
		const char *name = text(st, 1);
		if (!name || !trimmed_clean(name))
			die("org %lld: name \"%s\" not clean", id, name ? name : "(null)");
		for (int k = 3; k <= 4; k++) {
			const char *d = text(st, k);
			if (d && (strlen(d) != 10 || d[4] != '-' || d[7] != '-'))
				die("org %lld: date \"%s\" not canonical", id, d);
		}
		const char *from = text(st, 3), *to = text(st, 4);
		if (from && to && strcmp(to, from) < 0)
			die("org %lld: valid_to %s before valid_from %s", id, to, from);
	}
	sqlite3_finalize(st);

	check_provider_clients();
}

/* What every result must say about its messages. */
static void check_messages(const struct import_result *r, size_t size)
{
	if (r->n_errors > r->total_errors || r->n_errors > IMPORT_MAX_MESSAGES ||
	    (r->total_errors && r->n_errors !=
					(r->total_errors < IMPORT_MAX_MESSAGES ? r->total_errors
									     : IMPORT_MAX_MESSAGES)))
		die("%zu errors kept of %zu", r->n_errors, r->total_errors);
	for (size_t i = 0; i < r->n_errors; i++) {
		const struct import_msg *m = &r->errors[i];
		if (!m->message[0])
			die("error %zu (line %ld) has no message", i, m->line);
		if (m->line < 0 || (size_t)m->line > size + 1)
			die("error %zu: line %ld in a file of %zu bytes", i, m->line, size);
		if (i && m->line < r->errors[i - 1].line)
			die("errors out of line order: %ld after %ld", m->line, r->errors[i - 1].line);
	}
	for (size_t i = 0; i < r->n_notes; i++)
		if (!r->notes[i].message[0])
			die("note %zu has no message", i);
}

static int run_import(const struct actor *a, enum import_kind kind, const uint8_t *csv, size_t n,
		      struct import_result *r, struct wr_err *e)
{
	FILE *in = fmemopen((void *)(uintptr_t)csv, n, "r");
	if (!in)
		die("fmemopen");
	int rc = registry_import_csv(db, a, kind, in, r, e);
	fclose(in);
	return rc;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct counts fixture;
	if (!db) {
		setup();
		counts_get(&fixture);
		journal_ok("fixture");
	}
	if (size < 2) /* fmemopen refuses an empty buffer; an empty file is one byte away */
		return 0;
	enum import_kind kind = (enum import_kind)(data[0] & 3);
	const struct actor *a = &actors[(data[0] >> 2) & 3];
	const uint8_t *csv = data + 1;
	size_t n = size - 1;

	struct wr_err e = {0};
	if (db_begin(db, &e))
		die("outer db_begin: %s", e.message);
	struct counts before, after;
	before = fixture;

	struct import_result r;
	wr_err_clear(&e);
	int rc = run_import(a, kind, csv, n, &r, &e);
	if (r.kind != kind)
		die("result kind %d, imported as %d", (int)r.kind, (int)kind);
	check_messages(&r, n);
	import_errors_print(&r, "fuzz.csv", verbose ? stderr : devnull);
	import_result_print(&r, "fuzz.csv", verbose ? stderr : devnull, verbose ? stderr : devnull);
	if (verbose)
		fprintf(stderr, "import %s as %s: %s (%d) %s\n", import_kind_name(kind), a->name,
			wr_code_name(rc), rc, rc ? e.message : "");
	counts_get(&after);
	if (rc == WR_EINVAL) {
		if (r.total_errors == 0)
			die("WR_EINVAL without errors: %s", e.message);
		counts_same(&before, &after, "import with errors");
	} else if (rc != 0) {
		die("import failed with %s (%d): %s", wr_code_name(rc), rc, e.message);
	} else {
		if (r.total_errors)
			die("import succeeded with %zu errors", r.total_errors);
		if (r.n_notes != (r.skipped_differs < IMPORT_MAX_MESSAGES ? r.skipped_differs
									 : IMPORT_MAX_MESSAGES))
			die("%zu notes for %zu lines stored with other values", r.n_notes,
			    r.skipped_differs);
		size_t done = r.imported + r.skipped_same + r.skipped_differs;
		if (kind == IMPORT_PROVIDERS ? done > r.lines : done != r.lines)
			die("%zu lines read, %zu imported, %zu skipped (same), %zu skipped (differs)",
			    r.lines, r.imported, r.skipped_same, r.skipped_differs);
		struct counts want = before;
		int64_t imp = (int64_t)r.imported, created = (int64_t)r.providers_created;
		switch (kind) {
		case IMPORT_ORGS:
			want.orgs += imp;
			break;
		case IMPORT_CONTACTS:
			want.contacts += imp;
			break;
		case IMPORT_PROVIDERS:
			want.orgs += created;
			want.clients += imp;
			break;
		case IMPORT_ASSETS:
			want.assets += imp;
			break;
		}
		want.journal += imp + created;
		if (kind != IMPORT_PROVIDERS && created)
			die("%lld providers created by an import of %s", (long long)created,
			    import_kind_name(kind));
		counts_same(&want, &after, "import result vs rows written");
		check_canonical();
		journal_ok("after import");

		/* The same file again writes nothing and skips every line. */
		struct import_result r2;
		struct wr_err e2 = {0};
		int rc2 = run_import(a, kind, csv, n, &r2, &e2);
		if (rc2 != 0) {
			import_errors_print(&r2, "second-import.csv", stderr);
			die("second import of the same file: %s (%d): %s", wr_code_name(rc2), rc2,
			    e2.message);
		}
		struct counts again;
		counts_get(&again);
		counts_same(&after, &again, "second import of the same file");
		if (r2.imported || r2.providers_created || r2.lines != r.lines ||
		    r2.skipped_same + r2.skipped_differs != done)
			die("second import: %zu lines, %zu imported, %zu providers created, %zu + %zu "
			    "skipped; the first had %zu lines, %zu imported or skipped",
			    r2.lines, r2.imported, r2.providers_created, r2.skipped_same,
			    r2.skipped_differs, r.lines, done);
		import_result_release(&r2);
	}
	import_result_release(&r);

	db_rollback(db);
	if (!sqlite3_get_autocommit(db))
		die("a transaction is still open after the outer rollback: the import left a "
		    "savepoint behind");
	counts_get(&after);
	counts_same(&fixture, &after, "after the outer rollback");
	return 0;
}
