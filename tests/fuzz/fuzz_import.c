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
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>
#include <sqlite3.h>

#include "audit/journal.h"
#include "base/domain.h"
#include "base/email.h"
#include "base/ip.h"
#include "base/phone.h"
#include "base/secret.h"
#include "registry/import.h"
#include "registry/registry.h"
#include "store/db.h"
#include "store/scope.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static sqlite3 *db;
static struct actor actors[4];
static FILE *devnull;
static int verbose; /* FUZZ_VERBOSE=1: print what each import did */

__attribute__((noreturn, format(printf, 1, 2))) static void die(const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	fprintf(stderr, "fuzz_import: ");
	vfprintf(stderr, fmt, ap);
	fprintf(stderr, "\n");
	va_end(ap);
	abort();
}

/* ---- fixture ---- */

static json_t *J(const char *text)
{
	json_error_t je;
	json_t *v = json_loads(text, 0, &je);
	if (!v)
		die("bad fixture JSON %s: %s", text, je.text);
	return v;
}

static int64_t id_of(json_t *o)
{
	int64_t id = json_integer_value(json_object_get(o, "id"));
	json_decref(o);
	return id;
}

static int64_t mk_org(const char *fields)
{
	json_t *in = J(fields), *out = NULL;
	struct wr_err e = {0};
	if (org_create(db, &actors[0], in, &out, &e))
		die("fixture org_create %s: %s: %s", fields, e.field, e.message);
	json_decref(in);
	return id_of(out);
}

static int64_t mk_provider(const char *name)
{
	json_t *in = json_pack("{s:s}", "name", name), *out = NULL;
	struct wr_err e = {0};
	if (!in || provider_create(db, &actors[0], in, &out, &e))
		die("fixture provider_create %s: %s", name, e.message);
	json_decref(in);
	return id_of(out);
}

static void mk_client(int64_t provider, int64_t org, const char *services)
{
	json_t *in = json_pack("{s:I,s:s}", "org_id", (json_int_t)org, "services", services);
	json_t *out = NULL;
	struct wr_err e = {0};
	if (!in || provider_client_set(db, &actors[0], provider, in, &out, &e))
		die("fixture provider_client_set: %s", e.message);
	json_decref(in);
	json_decref(out);
}

static void mk_contact(int64_t org, const char *fields)
{
	json_t *in = J(fields), *out = NULL;
	struct wr_err e = {0};
	if (contact_create(db, &actors[0], org, in, &out, &e))
		die("fixture contact_create %s: %s: %s", fields, e.field, e.message);
	json_decref(in);
	json_decref(out);
}

static void mk_asset(int64_t org, const char *fields)
{
	json_t *in = J(fields), *out = NULL;
	struct wr_err e = {0};
	if (asset_create(db, &actors[0], org, in, &out, &e))
		die("fixture asset_create %s: %s: %s", fields, e.field, e.message);
	json_decref(in);
	json_decref(out);
}

static void setup(void)
{
	struct wr_err e = {0};
	int applied = 0;
	if (db_global_init() || secret_init())
		die("global init");
	if (db_open(":memory:", 1, &db, &e) || db_migrate(db, &applied, &e))
		die("database: %s", e.message);
	devnull = fopen("/dev/null", "w");
	if (!devnull)
		die("/dev/null");
	verbose = getenv("FUZZ_VERBOSE") != NULL;

	actor_cli(&actors[0]);
	int64_t gent = mk_org("{\"kind\":\"municipality\",\"name\":\"Gent\",\"nis_code\":\"44021\","
			      "\"province\":\"Oost-Vlaanderen\",\"population\":265086,"
			      "\"valid_from\":\"2019-01-01\"}");
	int64_t aalst = mk_org("{\"kind\":\"municipality\",\"name\":\"Aalst\",\"nis_code\":\"41002\","
			       "\"province\":\"Oost-Vlaanderen\",\"population\":89000}");
	int64_t antwerpen = mk_org("{\"kind\":\"municipality\",\"name\":\"Antwerpen\","
				   "\"nis_code\":\"11002\",\"province\":\"Antwerpen\","
				   "\"valid_from\":\"2025-01-01\"}");
	char past[256];
	snprintf(past, sizeof past,
		 "{\"kind\":\"municipality\",\"name\":\"Borsbeek\",\"nis_code\":\"11007\","
		 "\"province\":\"Antwerpen\",\"valid_from\":\"2019-01-01\",\"valid_to\":\"2024-12-31\","
		 "\"successor_id\":%lld}", (long long)antwerpen);
	mk_org(past);
	mk_org("{\"kind\":\"province\",\"name\":\"Provincie Oost-Vlaanderen\",\"nis_code\":\"40000\","
	       "\"province\":\"Oost-Vlaanderen\"}");
	mk_org("{\"kind\":\"war-room\",\"name\":\"Vlaamse cyber war room\"}");
	int64_t prov_a = mk_provider("Demo ICT Provider A");
	int64_t cipal = mk_provider("Cipal");
	mk_client(prov_a, gent, "network,workplace");
	mk_client(cipal, aalst, "applications");
	mk_contact(gent, "{\"name\":\"An Peeters\",\"role\":\"spoc\",\"email\":\"spoc@gent.example\","
			 "\"mobile\":\"0499 00 00 01\",\"oob_email\":\"an@oob.example.org\"}");
	mk_contact(gent, "{\"name\":\"Bart Maes\",\"role\":\"deputy\",\"email\":\"deputy@gent.example\","
			 "\"mobile\":\"+32 499 00 00 02\",\"language\":\"fr\"}");
	mk_asset(gent, "{\"type\":\"cidr\",\"value\":\"198.18.0.0/24\"}");
	mk_asset(gent, "{\"type\":\"domain\",\"value\":\"gent.example\"}");
	char a6[200];
	snprintf(a6, sizeof a6,
		 "{\"type\":\"cidr\",\"value\":\"2001:db8::/48\",\"managed_by\":\"provider\","
		 "\"provider_id\":%lld}", (long long)prov_a);
	mk_asset(gent, a6);
	mk_asset(gent, "{\"type\":\"software\",\"vendor\":\"Fortinet\",\"product\":\"FortiOS\","
		       "\"version\":\"7.2.5\"}");
	mk_asset(aalst, "{\"type\":\"cidr\",\"value\":\"198.18.0.0/16\"}");
	mk_asset(aalst, "{\"type\":\"hostname\",\"value\":\"vpn.aalst.example\"}");

	/* 1: the SPOC of Gent, 2: a provider account, 3: a viewer. */
	actors[1].role = ROLE_SPOC;
	actors[1].user_id = 2;
	actors[1].org_id = gent;
	snprintf(actors[1].name, sizeof actors[1].name, "spoc-gent");
	actors[2].role = ROLE_PROVIDER;
	actors[2].user_id = 3;
	actors[2].provider_id = prov_a;
	snprintf(actors[2].name, sizeof actors[2].name, "provider-a");
	actors[3].role = ROLE_VIEWER;
	actors[3].user_id = 4;
	snprintf(actors[3].name, sizeof actors[3].name, "viewer");
}

/* ---- checks ---- */

struct counts {
	int64_t orgs, contacts, clients, assets, journal;
};

static int64_t count_of(const char *sql)
{
	int64_t n = -1;
	struct wr_err e = {0};
	if (db_query_int(db, sql, 0, &n, &e))
		die("%s: %s", sql, e.message);
	return n;
}

static void counts_get(struct counts *c)
{
	c->orgs = count_of("SELECT count(*) FROM orgs");
	c->contacts = count_of("SELECT count(*) FROM contacts");
	c->clients = count_of("SELECT count(*) FROM provider_clients");
	c->assets = count_of("SELECT count(*) FROM assets");
	c->journal = count_of("SELECT count(*) FROM journal");
}

static void counts_same(const struct counts *a, const struct counts *b, const char *when)
{
	if (memcmp(a, b, sizeof *a) != 0)
		die("%s: rows changed: orgs %lld -> %lld, contacts %lld -> %lld, provider_clients "
		    "%lld -> %lld, assets %lld -> %lld, journal %lld -> %lld",
		    when, (long long)a->orgs, (long long)b->orgs, (long long)a->contacts,
		    (long long)b->contacts, (long long)a->clients, (long long)b->clients,
		    (long long)a->assets, (long long)b->assets, (long long)a->journal,
		    (long long)b->journal);
}

/* "+" then 8..15 digits, the first not 0 (^\+[1-9][0-9]{7,14}$). */
static int e164_ok(const char *s)
{
	if (s[0] != '+' || s[1] < '1' || s[1] > '9')
		return 0;
	size_t n = 0;
	for (const char *c = s + 1; *c; c++, n++)
		if (*c < '0' || *c > '9')
			return 0;
	return n >= 8 && n <= 15;
}

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

static const char *text(sqlite3_stmt *st, int i)
{
	const unsigned char *s = sqlite3_column_text(st, i);
	return s ? (const char *)s : NULL;
}

/* Every stored value is in its canonical form. */
static void check_canonical(void)
{
	sqlite3_stmt *st;
	struct wr_err e = {0};
	char buf[1100];

	if (db_prepare(db, "SELECT id, name, email, mobile, phone, oob_email FROM contacts", &st, &e))
		die("prepare: %s", e.message);
	while (sqlite3_step(st) == SQLITE_ROW) {
		long long id = sqlite3_column_int64(st, 0);
		const char *name = text(st, 1), *mobile = text(st, 3), *phone = text(st, 4);
		if (!name || !trimmed_clean(name))
			die("contact %lld: name \"%s\" not clean", id, name ? name : "(null)");
		if (mobile && (!e164_ok(mobile) ||
			       (!strncmp(mobile, "+32", 3) && !phone_is_belgian_mobile(mobile))))
			die("contact %lld: mobile \"%s\" not canonical", id, mobile);
		if (phone && !e164_ok(phone))
			die("contact %lld: phone \"%s\" not canonical", id, phone);
		for (int k = 2; k <= 5; k += 3) {
			const char *m = text(st, k);
			if (m && (email_canonical(m, "e", buf, sizeof buf, NULL) || strcmp(buf, m)))
				die("contact %lld: e-mail \"%s\" not canonical", id, m);
		}
	}
	sqlite3_finalize(st);

	if (db_prepare(db, "SELECT id, type, value, range_lo, range_hi, vendor, product, version,"
			   " managed_by, provider_id FROM assets", &st, &e))
		die("prepare: %s", e.message);
	while (sqlite3_step(st) == SQLITE_ROW) {
		long long id = sqlite3_column_int64(st, 0);
		const char *type = text(st, 1), *value = text(st, 2);
		if (!type || !value)
			die("asset %lld: no type or value", id);
		if (!strcmp(type, "cidr")) {
			struct ip_prefix p;
			unsigned char lo[16], hi[16];
			char hlo[33], hhi[33];
			if (ip_prefix_parse(value, "v", &p, NULL) ||
			    ip_prefix_format(&p, buf, sizeof buf) || strcmp(buf, value))
				die("asset %lld: prefix \"%s\" not canonical", id, value);
			ip_prefix_range(&p, lo, hi);
			ip_range_hex(lo, hlo);
			ip_range_hex(hi, hhi);
			if (!text(st, 3) || !text(st, 4) || strcmp(hlo, text(st, 3)) ||
			    strcmp(hhi, text(st, 4)))
				die("asset %lld: range of %s is wrong", id, value);
		} else if (!strcmp(type, "domain")) {
			if (domain_canonical(value, "v", buf, sizeof buf, NULL) || strcmp(buf, value))
				die("asset %lld: domain \"%s\" not canonical", id, value);
		} else if (!strcmp(type, "hostname")) {
			if (hostname_canonical(value, "v", buf, sizeof buf, NULL) || strcmp(buf, value))
				die("asset %lld: host name \"%s\" not canonical", id, value);
		} else if (!strcmp(type, "software")) {
			const char *vendor = text(st, 5), *product = text(st, 6), *version = text(st, 7);
			if (!vendor || !product)
				die("asset %lld: software without vendor or product", id);
			snprintf(buf, sizeof buf, "%s:%s%s%s", vendor, product, version ? ":" : "",
				 version ? version : "");
			for (char *c = buf; *c; c++)
				if (*c >= 'A' && *c <= 'Z')
					*c = (char)(*c - 'A' + 'a');
			if (strcmp(buf, value))
				die("asset %lld: software value \"%s\", expected \"%s\"", id, value, buf);
		}
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

	if (db_prepare(db, "SELECT pc.services, p.kind, o.kind FROM provider_clients pc"
			   " JOIN orgs p ON p.id = pc.provider_id JOIN orgs o ON o.id = pc.org_id",
		       &st, &e))
		die("prepare: %s", e.message);
	static const char *const all[] = {"applications", "hosting", "network", "workplace"};
	while (sqlite3_step(st) == SQLITE_ROW) {
		const char *s = text(st, 0);
		if (!s || strcmp(text(st, 1), "provider") || !strcmp(text(st, 2), "provider"))
			die("provider client: services %s, provider kind %s, client kind %s",
			    s ? s : "(null)", text(st, 1), text(st, 2));
		/* a non-empty sorted comma list of known services, no repeats */
		int last = -1;
		const char *p = s;
		do {
			const char *c = strchr(p, ',');
			size_t n = c ? (size_t)(c - p) : strlen(p);
			int k = 0;
			while (k < 4 && !(strlen(all[k]) == n && !strncmp(all[k], p, n)))
				k++;
			if (k == 4 || k <= last)
				die("provider client: services \"%s\" not canonical", s);
			last = k;
			p = c ? c + 1 : p + n;
		} while (*p);
	}
	sqlite3_finalize(st);
}

static void journal_ok(const char *when)
{
	int64_t count = 0, bad = 0;
	struct wr_err e = {0};
	if (journal_verify(db, &count, &bad, &e))
		die("%s: journal broken at %lld: %s", when, (long long)bad, e.message);
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
