/* libFuzzer harness for the registry's field objects (registry/registry.h):
 * the input, parsed as the API parses a body (duplicate keys refused), is
 * handed as the fields object to contact_create, asset_create, org_update
 * (of the fixture's town), contact_update and asset_update (of fixture
 * objects), org_create and provider_client_set, and to a SPOC's calls
 * outside its scope.
 *
 * One in-memory database with a small fixture is made on the first call;
 * every input runs inside an outer transaction rolled back after it.
 * Invariants (abort() when broken):
 *  - a call returns 0 or a user-facing refusal (WR_EINVAL, WR_ENOTFOUND,
 *    WR_ECONFLICT, WR_EFORBIDDEN); never a database, memory or internal
 *    error;
 *  - a field that is not in the object's list is WR_EINVAL naming it;
 *  - a refusal's field and message are UTF-8 text (the API sends them as
 *    JSON strings);
 *  - a call that fails gives no object and leaves the row counts of orgs,
 *    contacts, provider_clients, assets and the journal unchanged;
 *  - a create that succeeds adds one row and one journal entry; an update
 *    adds a journal entry exactly when the stored object changed;
 *  - the object given back is what is stored (the get function returns
 *    the same), its values are canonical (a mobile number matches
 *    ^\+[1-9][0-9]{7,14}$ and a +32 one is a Belgian mobile, a prefix
 *    re-parses and re-formats to itself, a domain canonicalises to
 *    itself, ...), and sending it back as an update changes nothing
 *    (canonical is a fixed point: no journal entry, the same object);
 *  - a SPOC of one town cannot change another (WR_ENOTFOUND) nor the
 *    reference data of its own (refused, unless the object is empty);
 *  - after each call every stored value is canonical, and the journal
 *    verifies. */
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

#define FUZZER_NAME "fuzz_json_fields"
#include "registry_fixture.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static struct actor cli, spoc;
static int64_t gent, aalst, prov_a, fx_contact, fx_cidr, fx_software;
static int verbose; /* FUZZ_VERBOSE=1: print every call's outcome */

static void setup(void)
{
	struct fixture fx;
	fixture_setup(&fx);
	cli = fx.cli;
	spoc = fx.spoc;
	gent = fx.gent;
	aalst = fx.aalst;
	prov_a = fx.prov_a;
	fx_contact = fx.spoc_contact;
	fx_cidr = fx.cidr;
	fx_software = fx.software;
	verbose = getenv("FUZZ_VERBOSE") != NULL;
}

/* ---- checks ---- */

static int in_list(const char *const list[], const char *s)
{
	for (size_t i = 0; s && list[i]; i++)
		if (!strcmp(list[i], s))
			return 1;
	return 0;
}

static const char *const contact_fields[] = {"name",	  "role",     "email",  "mobile", "phone",
					     "oob_email", "language", "active", NULL};
static const char *const asset_fields[] = {"type",   "value",	"managed_by", "provider_id",
					   "vendor", "product", "version",    "cpe",
					   NULL};
static const char *const org_fields[] = {"kind",       "name",	   "nis_code", "province",
					 "population", "valid_from", "valid_to", "successor_id",
					 NULL};
static const char *const client_fields[] = {"org_id", "services", NULL};
static const char *const roles[] = {"spoc", "deputy", "ciso", "it-lead", "mayor", "dpo", NULL};
static const char *const languages[] = {"nl", "fr", "en", NULL};
static const char *const kinds[] = {"municipality",   "ocmw",	  "police-zone", "province",
				    "intermunicipal", "provider", "war-room",	 NULL};
static const char *const provinces[] = {"Antwerpen", "Limburg", "Oost-Vlaanderen",
					"Vlaams-Brabant", "West-Vlaanderen", NULL};

static void check_org_values(const char *what, const char *kind, const char *name,
			     const char *nis, const char *province, const char *from,
			     const char *to)
{
	if (!in_list(kinds, kind))
		die("%s: kind \"%s\"", what, kind ? kind : "(null)");
	if (!name || !clean_text(name, 200))
		die("%s: name \"%s\" not clean", what, name ? name : "(null)");
	if (nis && (strlen(nis) != 5 || strspn(nis, "0123456789") != 5))
		die("%s: NIS code \"%s\"", what, nis);
	if (province && !in_list(provinces, province))
		die("%s: province \"%s\"", what, province);
	const char *d[2] = {from, to};
	for (int k = 0; k < 2; k++)
		if (d[k] && (strlen(d[k]) != 10 || d[k][4] != '-' || d[k][7] != '-' ||
			     strspn(d[k], "0123456789") != 4))
			die("%s: date \"%s\" not canonical", what, d[k]);
	if (from && to && strcmp(to, from) < 0)
		die("%s: valid_to %s before valid_from %s", what, to, from);
}

/* Every stored value is in its canonical form. */
static void check_stored(void)
{
	sqlite3_stmt *st;
	struct wr_err e = {0};
	char what[64];

	if (db_prepare(db, "SELECT id, name, email, mobile, phone, oob_email, role, language"
			   " FROM contacts", &st, &e))
		die("prepare: %s", e.message);
	while (sqlite3_step(st) == SQLITE_ROW) {
		snprintf(what, sizeof what, "stored contact %lld",
			 (long long)sqlite3_column_int64(st, 0));
		const char *name = text(st, 1), *phone = text(st, 4);
		if (!name || !clean_text(name, 200))
			die("%s: name \"%s\" not clean", what, name ? name : "(null)");
		check_mail(what, text(st, 2));
		check_mobile(what, text(st, 3));
		if (phone && !e164_ok(phone))
			die("%s: phone \"%s\" not canonical", what, phone);
		check_mail(what, text(st, 5));
		if (!in_list(roles, text(st, 6)) || !in_list(languages, text(st, 7)))
			die("%s: role or language", what);
	}
	sqlite3_finalize(st);

	if (db_prepare(db, "SELECT id, type, value, range_lo, range_hi, vendor, product, version,"
			   " managed_by, provider_id FROM assets", &st, &e))
		die("prepare: %s", e.message);
	while (sqlite3_step(st) == SQLITE_ROW) {
		snprintf(what, sizeof what, "stored asset %lld",
			 (long long)sqlite3_column_int64(st, 0));
		const char *type = text(st, 1);
		check_asset_value(what, type, text(st, 2), text(st, 3), text(st, 4), text(st, 5),
				  text(st, 6), text(st, 7));
		if (type && !strcmp(type, "cidr") && (!text(st, 3) || !text(st, 4)))
			die("%s: prefix without range", what);
		const char *mb = text(st, 8);
		int has_provider = sqlite3_column_type(st, 9) != SQLITE_NULL;
		if (!mb || (!strcmp(mb, "provider")) != has_provider)
			die("%s: managed_by %s with provider_id %s", what, mb ? mb : "(null)",
			    has_provider ? "set" : "null");
	}
	sqlite3_finalize(st);

	if (db_prepare(db, "SELECT id, kind, name, nis_code, province, valid_from, valid_to,"
			   " population FROM orgs", &st, &e))
		die("prepare: %s", e.message);
	while (sqlite3_step(st) == SQLITE_ROW) {
		snprintf(what, sizeof what, "stored org %lld", (long long)sqlite3_column_int64(st, 0));
		check_org_values(what, text(st, 1), text(st, 2), text(st, 3), text(st, 4),
				 text(st, 5), text(st, 6));
		if (sqlite3_column_type(st, 7) != SQLITE_NULL &&
		    (sqlite3_column_int64(st, 7) < 0 || sqlite3_column_int64(st, 7) > 100000000))
			die("%s: population %lld", what, (long long)sqlite3_column_int64(st, 7));
	}
	sqlite3_finalize(st);

	check_provider_clients();
}

/* The first key of f that is not in allowed, or NULL. */
static const char *unknown_key(const json_t *f, const char *const allowed[])
{
	const char *k;
	json_t *v;
	json_object_foreach((json_t *)f, k, v) {
		(void)v;
		if (!in_list(allowed, k))
			return k;
	}
	return NULL;
}

static const char *str(const json_t *o, const char *key)
{
	return json_string_value(json_object_get(o, key));
}

/* The outcome of one call: allowed codes, nothing written on failure, the
 * refusal naming an unknown field. Returns rc. */
static int outcome(const char *what, int rc, const struct wr_err *e, const json_t *out,
		   const json_t *f, const char *const allowed[], const struct counts *before)
{
	if (verbose)
		fprintf(stderr, "%s: %s (%d) %s %s\n", what, wr_code_name(rc), rc, e->field,
			rc ? e->message : "");
	const char *unk = allowed ? unknown_key(f, allowed) : NULL;
	if (rc == 0) {
		if (unk)
			die("%s: succeeded with the unknown field \"%s\"", what, unk);
		if (!json_is_object(out))
			die("%s: succeeded without an object", what);
		return 0;
	}
	if (rc != WR_EINVAL && rc != WR_ENOTFOUND && rc != WR_ECONFLICT && rc != WR_EFORBIDDEN)
		die("%s: failed with %s (%d): %s: %s", what, wr_code_name(rc), rc, e->field,
		    e->message);
	if (e->code != rc || !e->message[0])
		die("%s: error code %d, message \"%s\" for rc %d", what, e->code, e->message, rc);
	if (out)
		die("%s: failed but gave an object", what);
	/* The API sends field and message as JSON strings (api_error). */
	json_t *jf = json_string(e->field), *jm = json_string(e->message);
	if (!jf || !jm)
		die("%s: the refusal is not UTF-8 text (the API would answer 500): field \"%s\", "
		    "message \"%s\"", what, e->field, e->message);
	json_decref(jf);
	json_decref(jm);
	/* As the command line every check before the fields passes, so an
	 * unknown field is what is refused, by its name (cut to the room in
	 * e->field, which no known name is a prefix of). */
	if (unk && (rc != WR_EINVAL || in_list(allowed, e->field)))
		die("%s: the unknown field \"%s\" was not refused by its name: %s (%d) on \"%s\"",
		    what, unk, wr_code_name(rc), rc, e->field);
	struct counts now;
	counts_get(&now);
	counts_same(before, &now, what);
	return rc;
}

/* obj without the keys that are not fields, and without nulls. */
static json_t *as_fields(const json_t *obj, const char *const allowed[])
{
	json_t *f = json_object();
	const char *k;
	json_t *v;
	if (!f)
		die("out of memory");
	json_object_foreach((json_t *)obj, k, v) {
		if (in_list(allowed, k) && !json_is_null(v) && json_object_set(f, k, v))
			die("out of memory");
	}
	return f;
}

/* The text a field was given as, trimmed the way the domain trims; NULL
 * when it was not a string. */
static char *trimmed(const json_t *f, const char *key)
{
	const char *s = str(f, key);
	if (!s)
		return NULL;
	while (is_space(*s))
		s++;
	size_t n = strlen(s);
	while (n && is_space(s[n - 1]))
		n--;
	char *t = strndup(s, n);
	if (!t)
		die("out of memory");
	return t;
}

/* ---- contacts ---- */

static void check_contact(const char *what, const json_t *o, int64_t org, const json_t *f)
{
	if (json_integer_value(json_object_get(o, "id")) <= 0 ||
	    json_integer_value(json_object_get(o, "org_id")) != org)
		die("%s: id or org_id wrong", what);
	const char *name = str(o, "name");
	if (!name || !clean_text(name, 200))
		die("%s: name \"%s\" not clean", what, name ? name : "(null)");
	char *want = f ? trimmed(f, "name") : NULL;
	if (want && strcmp(want, name))
		die("%s: name \"%s\" stored as \"%s\"", what, want, name);
	free(want);
	if (!in_list(roles, str(o, "role")) || !in_list(languages, str(o, "language")) ||
	    !json_is_boolean(json_object_get(o, "active")))
		die("%s: role, language or active wrong", what);
	static const char *const opt[] = {"email", "mobile", "phone", "oob_email"};
	for (int k = 0; k < 4; k++) {
		json_t *v = json_object_get(o, opt[k]);
		if (!json_is_null(v) && !json_is_string(v))
			die("%s: %s is neither text nor null", what, opt[k]);
	}
	check_mail(what, str(o, "email"));
	check_mail(what, str(o, "oob_email"));
	check_mobile(what, str(o, "mobile"));
	const char *phone = str(o, "phone");
	if (phone && !e164_ok(phone))
		die("%s: phone \"%s\" not canonical", what, phone);
}

/* The stored contact is the one given back, and sending it back as an
 * update changes nothing. */
static void contact_fixpoint(const char *what, const json_t *o)
{
	int64_t id = json_integer_value(json_object_get(o, "id"));
	json_t *got = NULL, *again = NULL;
	struct wr_err e = {0};
	if (contact_get(db, &cli, id, &got, &e) || !json_equal(got, o))
		die("%s: contact_get differs from what was given back (%s)", what, e.message);
	json_decref(got);
	json_t *f = as_fields(o, contact_fields);
	struct counts before, after;
	counts_get(&before);
	int rc = contact_update(db, &cli, id, f, &again, &e);
	if (rc)
		die("%s: sending the contact back: %s: %s", what, e.field, e.message);
	counts_get(&after);
	counts_same(&before, &after, "sending the contact back as an update");
	if (!json_equal(again, o))
		die("%s: sending the contact back changed it", what);
	json_decref(again);
	json_decref(f);
}

static void try_contact_create(const json_t *f)
{
	struct counts before, after;
	struct wr_err e = {0};
	json_t *out = NULL;
	counts_get(&before);
	int rc = contact_create(db, &cli, gent, f, &out, &e);
	if (outcome("contact_create", rc, &e, out, f, contact_fields, &before))
		return;
	counts_get(&after);
	before.contacts++, before.journal++;
	counts_same(&before, &after, "contact_create");
	check_contact("contact_create", out, gent, f);
	contact_fixpoint("contact_create", out);
	json_decref(out);
}

/* An update writes a journal entry exactly when the object changed. */
static void journal_iff_changed(const char *what, const json_t *old, const json_t *now,
				const struct counts *before, const struct counts *after)
{
	int changed = !json_equal(old, now);
	int64_t entries = after->journal - before->journal;
	if (entries != changed)
		die("%s: %lld journal entries for %s", what, (long long)entries,
		    changed ? "a change" : "no change");
	struct counts b = *before;
	b.journal = after->journal;
	counts_same(&b, after, what);
}

static void try_contact_update(const json_t *f)
{
	struct counts before, after;
	struct wr_err e = {0};
	json_t *out = NULL, *old = NULL;
	if (contact_get(db, &cli, fx_contact, &old, &e))
		die("contact_get: %s", e.message);
	counts_get(&before);
	int rc = contact_update(db, &cli, fx_contact, f, &out, &e);
	if (outcome("contact_update", rc, &e, out, f, contact_fields, &before)) {
		json_decref(old);
		return;
	}
	counts_get(&after);
	journal_iff_changed("contact_update", old, out, &before, &after);
	check_contact("contact_update", out, gent, f);
	contact_fixpoint("contact_update", out);
	json_decref(old);
	json_decref(out);
}

/* ---- assets ---- */

static void check_asset(const char *what, const json_t *o, int64_t org, const json_t *f)
{
	if (json_integer_value(json_object_get(o, "id")) <= 0 ||
	    json_integer_value(json_object_get(o, "org_id")) != org)
		die("%s: id or org_id wrong", what);
	const char *type = str(o, "type"), *value = str(o, "value");
	check_asset_value(what, type, value, NULL, NULL, str(o, "vendor"), str(o, "product"),
			  str(o, "version"));
	/* a prefix as given re-parses to the stored one */
	const char *given = f ? str(f, "value") : NULL;
	if (given && !strcmp(type, "cidr")) {
		struct ip_prefix p;
		char buf[IP_PREFIX_TEXT_MAX];
		if (ip_prefix_parse(given, "v", &p, NULL) || ip_prefix_format(&p, buf, sizeof buf) ||
		    strcmp(buf, value))
			die("%s: prefix \"%s\" stored as \"%s\"", what, given, value);
	}
	const char *mb = str(o, "managed_by");
	json_t *pid = json_object_get(o, "provider_id");
	if (!mb || (strcmp(mb, "town") && strcmp(mb, "provider")) ||
	    (!strcmp(mb, "provider")) != json_is_integer(pid))
		die("%s: managed_by %s, provider_id %s", what, mb ? mb : "(null)",
		    json_is_integer(pid) ? "set" : "null");
	const char *cpe = str(o, "cpe");
	if (cpe && strncmp(cpe, "cpe:2.3:", 8))
		die("%s: cpe \"%s\"", what, cpe);
	if (!json_is_array(json_object_get(o, "conflicts")))
		die("%s: no conflicts list", what);
}

static void asset_fixpoint(const char *what, const json_t *o)
{
	int64_t id = json_integer_value(json_object_get(o, "id"));
	json_t *got = NULL, *again = NULL;
	struct wr_err e = {0};
	if (asset_get(db, &cli, id, &got, &e) || !json_equal(got, o))
		die("%s: asset_get differs from what was given back (%s)", what, e.message);
	json_decref(got);
	json_t *f = as_fields(o, asset_fields);
	struct counts before, after;
	counts_get(&before);
	int rc = asset_update(db, &cli, id, f, &again, &e);
	if (rc) {
		char *t = json_dumps(f, 0);
		die("%s: sending the asset back %s: %s: %s", what, t ? t : "", e.field, e.message);
	}
	counts_get(&after);
	counts_same(&before, &after, "sending the asset back as an update");
	if (!json_equal(again, o))
		die("%s: sending the asset back changed it", what);
	json_decref(again);
	json_decref(f);
}

static void try_asset_create(const json_t *f)
{
	struct counts before, after;
	struct wr_err e = {0};
	json_t *out = NULL;
	counts_get(&before);
	int rc = asset_create(db, &cli, gent, f, &out, &e);
	if (outcome("asset_create", rc, &e, out, f, asset_fields, &before))
		return;
	counts_get(&after);
	before.assets++, before.journal++;
	counts_same(&before, &after, "asset_create");
	check_asset("asset_create", out, gent, f);
	asset_fixpoint("asset_create", out);
	json_decref(out);
}

static void try_asset_update(int64_t id, const json_t *f)
{
	struct counts before, after;
	struct wr_err e = {0};
	json_t *out = NULL, *old = NULL;
	if (asset_get(db, &cli, id, &old, &e))
		die("asset_get: %s", e.message);
	counts_get(&before);
	int rc = asset_update(db, &cli, id, f, &out, &e);
	if (outcome("asset_update", rc, &e, out, f, asset_fields, &before)) {
		json_decref(old);
		return;
	}
	counts_get(&after);
	journal_iff_changed("asset_update", old, out, &before, &after);
	check_asset("asset_update", out, gent, f);
	asset_fixpoint("asset_update", out);
	json_decref(old);
	json_decref(out);
}

/* ---- organisations ---- */

static void check_org(const char *what, const json_t *o)
{
	if (json_integer_value(json_object_get(o, "id")) <= 0)
		die("%s: no id", what);
	check_org_values(what, str(o, "kind"), str(o, "name"), str(o, "nis_code"),
			 str(o, "province"), str(o, "valid_from"), str(o, "valid_to"));
	json_t *pop = json_object_get(o, "population");
	if (!json_is_null(pop) &&
	    (!json_is_integer(pop) || json_integer_value(pop) < 0 ||
	     json_integer_value(pop) > 100000000))
		die("%s: population", what);
	json_t *succ = json_object_get(o, "successor_id");
	if (!json_is_null(succ) && (!json_is_integer(succ) || json_integer_value(succ) <= 0 ||
				    json_integer_value(succ) == json_integer_value(json_object_get(o, "id"))))
		die("%s: successor_id", what);
}

static void org_fixpoint(const char *what, const json_t *o)
{
	int64_t id = json_integer_value(json_object_get(o, "id"));
	json_t *got = NULL, *again = NULL;
	struct wr_err e = {0};
	if (org_get(db, &cli, id, 0, &got, &e) || !json_equal(got, o))
		die("%s: org_get differs from what was given back (%s)", what, e.message);
	json_decref(got);
	json_t *f = as_fields(o, org_fields);
	struct counts before, after;
	counts_get(&before);
	int rc = org_update(db, &cli, id, f, &again, &e);
	if (rc)
		die("%s: sending the organisation back: %s: %s", what, e.field, e.message);
	counts_get(&after);
	counts_same(&before, &after, "sending the organisation back as an update");
	if (!json_equal(again, o))
		die("%s: sending the organisation back changed it", what);
	json_decref(again);
	json_decref(f);
}

static void try_org_update(const json_t *f)
{
	struct counts before, after;
	struct wr_err e = {0};
	json_t *out = NULL, *old = NULL;
	if (org_get(db, &cli, gent, 0, &old, &e))
		die("org_get: %s", e.message);
	counts_get(&before);
	int rc = org_update(db, &cli, gent, f, &out, &e);
	if (outcome("org_update", rc, &e, out, f, org_fields, &before)) {
		json_decref(old);
		return;
	}
	counts_get(&after);
	journal_iff_changed("org_update", old, out, &before, &after);
	check_org("org_update", out);
	org_fixpoint("org_update", out);
	json_decref(old);
	json_decref(out);
}

static void try_org_create(const json_t *f)
{
	struct counts before, after;
	struct wr_err e = {0};
	json_t *out = NULL;
	counts_get(&before);
	int rc = org_create(db, &cli, f, &out, &e);
	if (outcome("org_create", rc, &e, out, f, org_fields, &before))
		return;
	counts_get(&after);
	before.orgs++, before.journal++;
	counts_same(&before, &after, "org_create");
	check_org("org_create", out);
	org_fixpoint("org_create", out);
	json_decref(out);
}

/* ---- provider clients ---- */

static void try_client_set(const json_t *f)
{
	struct counts before, after;
	struct wr_err e = {0};
	json_t *out = NULL;
	counts_get(&before);
	int rc = provider_client_set(db, &cli, prov_a, f, &out, &e);
	if (outcome("provider_client_set", rc, &e, out, f, client_fields, &before))
		return;
	counts_get(&after);
	if (after.clients - before.clients > 1 || after.clients < before.clients ||
	    after.journal - before.journal > 1 || after.journal < before.journal ||
	    (after.clients > before.clients && after.journal == before.journal) ||
	    after.orgs != before.orgs || after.contacts != before.contacts ||
	    after.assets != before.assets)
		counts_same(&before, &after, "provider_client_set");
	if (json_integer_value(json_object_get(out, "id")) != prov_a ||
	    !json_is_array(json_object_get(out, "clients")))
		die("provider_client_set: the provider given back is wrong");
	json_decref(out);
}

/* ---- a SPOC's calls ---- */

static void try_spoc(const json_t *f)
{
	struct counts before;
	struct wr_err e = {0};
	json_t *out = NULL;
	counts_get(&before);
	int rc = contact_create(db, &spoc, aalst, f, &out, &e);
	outcome("spoc contact_create elsewhere", rc, &e, out, f, NULL, &before);
	if (rc != WR_ENOTFOUND)
		die("a SPOC of Gent created a contact of Aalst: %s (%d)", wr_code_name(rc), rc);
	rc = asset_create(db, &spoc, aalst, f, &out, &e);
	outcome("spoc asset_create elsewhere", rc, &e, out, f, NULL, &before);
	if (rc != WR_ENOTFOUND)
		die("a SPOC of Gent created an asset of Aalst: %s (%d)", wr_code_name(rc), rc);
	json_t *old = NULL;
	if (org_get(db, &cli, gent, 0, &old, &e))
		die("org_get: %s", e.message);
	rc = org_update(db, &spoc, gent, f, &out, &e);
	outcome("spoc org_update", rc, &e, out, f, NULL, &before);
	if (rc == 0) {
		if (json_object_size(f) != 0)
			die("a SPOC changed the reference data of its town");
		if (!json_equal(old, out))
			die("a SPOC's empty update changed the town");
		struct counts now;
		counts_get(&now);
		counts_same(&before, &now, "spoc org_update");
	}
	json_decref(old);
	json_decref(out);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct counts fixture;
	if (!db) {
		setup();
		counts_get(&fixture);
		journal_ok("fixture");
	}
	json_error_t je;
	json_t *f = json_loadb((const char *)data, size, JSON_REJECT_DUPLICATES, &je);
	if (!json_is_object(f)) {
		json_decref(f);
		return 0;
	}
	struct wr_err e = {0};
	if (db_begin(db, &e))
		die("outer db_begin: %s", e.message);

	try_spoc(f);
	try_contact_create(f);
	try_asset_create(f);
	try_org_update(f);
	try_contact_update(f);
	try_asset_update(fx_cidr, f);
	try_asset_update(fx_software, f);
	try_org_create(f);
	try_client_set(f);
	check_stored();
	journal_ok("after the calls");

	db_rollback(db);
	if (!sqlite3_get_autocommit(db))
		die("a transaction is still open after the outer rollback: a call left a savepoint "
		    "behind");
	struct counts after;
	counts_get(&after);
	counts_same(&fixture, &after, "after the outer rollback");
	json_decref(f);
	return 0;
}
