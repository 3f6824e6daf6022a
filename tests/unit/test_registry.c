/* The registry as its users meet it: what they type is stored in one
 * canonical form, every refusal names the field, a SPOC sees only its own
 * town, the war room's reference data stays the war room's, and every
 * change is in the journal. Each test gets a fresh database. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "audit/journal.h"
#include "registry/registry.h"
#include "registry/registry_internal.h"
#include "store/db.h"

struct fx {
	char dir[64];
	char path[96];
	sqlite3 *db;
	struct actor admin, spoc_gent, spoc_aalst, provider, viewer;
	int64_t gent, aalst, cipal, other_provider;
};

static json_t *J(const char *text)
{
	json_error_t je;
	json_t *v = json_loads(text, 0, &je);
	if (!v)
		fail_msg("bad test JSON %s: %s", text, je.text);
	return v;
}

static int64_t journal_count(sqlite3 *db)
{
	int64_t n = -1;
	assert_int_equal(db_query_int(db, "SELECT count(*) FROM journal", 0, &n, NULL), 0);
	return n;
}

static void journal_ok(sqlite3 *db)
{
	int64_t count = 0, bad = 0;
	struct wr_err e = {0};
	if (journal_verify(db, &count, &bad, &e))
		fail_msg("journal broken at %lld: %s", (long long)bad, e.message);
}

/* Creates an org as the admin and returns its id. */
static int64_t mk_org(struct fx *f, const char *fields)
{
	json_t *in = J(fields), *out = NULL;
	struct wr_err e = {0};
	if (org_create(f->db, &f->admin, in, &out, &e))
		fail_msg("org_create %s: %s: %s", fields, e.field, e.message);
	int64_t id = json_integer_value(json_object_get(out, "id"));
	json_decref(in);
	json_decref(out);
	return id;
}

/* Creates a contact; returns its id. */
static int64_t mk_contact(struct fx *f, const struct actor *a, int64_t org, const char *fields)
{
	json_t *in = J(fields), *out = NULL;
	struct wr_err e = {0};
	if (contact_create(f->db, a, org, in, &out, &e))
		fail_msg("contact_create %s: %s: %s", fields, e.field, e.message);
	int64_t id = json_integer_value(json_object_get(out, "id"));
	json_decref(in);
	json_decref(out);
	return id;
}

static int64_t mk_asset(struct fx *f, const struct actor *a, int64_t org, const char *fields)
{
	json_t *in = J(fields), *out = NULL;
	struct wr_err e = {0};
	if (asset_create(f->db, a, org, in, &out, &e))
		fail_msg("asset_create %s: %s: %s", fields, e.field, e.message);
	int64_t id = json_integer_value(json_object_get(out, "id"));
	json_decref(in);
	json_decref(out);
	return id;
}

static void link_client(struct fx *f, int64_t provider, int64_t org, const char *services)
{
	char buf[200];
	snprintf(buf, sizeof buf, "{\"org_id\": %lld, \"services\": %s}", (long long)org, services);
	json_t *in = J(buf), *out = NULL;
	struct wr_err e = {0};
	if (provider_client_set(f->db, &f->admin, provider, in, &out, &e))
		fail_msg("provider_client_set: %s: %s", e.field, e.message);
	json_decref(in);
	json_decref(out);
}

static int setup(void **state)
{
	struct fx *f = calloc(1, sizeof *f);
	assert_non_null(f);
	snprintf(f->dir, sizeof f->dir, "/tmp/wr-registry-XXXXXX");
	assert_non_null(mkdtemp(f->dir));
	snprintf(f->path, sizeof f->path, "%s/test.db", f->dir);
	struct wr_err e = {0};
	int applied = 0;
	assert_int_equal(db_open(f->path, 1, &f->db, &e), 0);
	assert_int_equal(db_migrate(f->db, &applied, &e), 0);

	f->admin.role = ROLE_ADMIN;
	f->admin.user_id = 1;
	snprintf(f->admin.name, sizeof f->admin.name, "admin");
	f->gent = mk_org(f, "{\"kind\":\"municipality\",\"name\":\"Gent\",\"nis_code\":\"44021\","
			    "\"province\":\"Oost-Vlaanderen\",\"population\":265086}");
	f->aalst = mk_org(f, "{\"kind\":\"municipality\",\"name\":\"Aalst\",\"nis_code\":\"41002\","
			     "\"province\":\"Oost-Vlaanderen\",\"population\":89000}");
	json_t *in = J("{\"name\":\"Cipal\"}"), *out = NULL;
	assert_int_equal(provider_create(f->db, &f->admin, in, &out, &e), 0);
	f->cipal = json_integer_value(json_object_get(out, "id"));
	json_decref(in);
	json_decref(out);
	in = J("{\"name\":\"Other IT\"}");
	assert_int_equal(provider_create(f->db, &f->admin, in, &out, &e), 0);
	f->other_provider = json_integer_value(json_object_get(out, "id"));
	json_decref(in);
	json_decref(out);
	link_client(f, f->cipal, f->gent, "[\"network\"]");

	f->spoc_gent.role = ROLE_SPOC;
	f->spoc_gent.org_id = f->gent;
	snprintf(f->spoc_gent.name, sizeof f->spoc_gent.name, "spoc-gent");
	f->spoc_aalst.role = ROLE_SPOC;
	f->spoc_aalst.org_id = f->aalst;
	snprintf(f->spoc_aalst.name, sizeof f->spoc_aalst.name, "spoc-aalst");
	f->provider.role = ROLE_PROVIDER;
	f->provider.provider_id = f->cipal;
	snprintf(f->provider.name, sizeof f->provider.name, "cipal-user");
	f->viewer.role = ROLE_VIEWER;
	snprintf(f->viewer.name, sizeof f->viewer.name, "minister");
	*state = f;
	return 0;
}

static int teardown(void **state)
{
	struct fx *f = *state;
	journal_ok(f->db);
	db_close(f->db);
	char p[128];
	const char *suffix[] = {"", "-wal", "-shm"};
	for (int i = 0; i < 3; i++) {
		snprintf(p, sizeof p, "%s%s", f->path, suffix[i]);
		unlink(p);
	}
	rmdir(f->dir);
	free(f);
	return 0;
}

/* ---- expectations ---- */

#define EXPECT_ERR(call, code_, field_)                                                       \
	do {                                                                                  \
		struct wr_err e_ = {0};                                                       \
		struct wr_err *ep = &e_;                                                      \
		int rc_ = (call);                                                             \
		if (rc_ != (code_))                                                           \
			fail_msg("%s: got %d (%s: %s), expected %d", #call, rc_, e_.field,   \
				 e_.message, (code_));                                        \
		assert_int_equal(e_.code, (code_));                                           \
		if (strcmp(e_.field, (field_)) != 0)                                          \
			fail_msg("%s: field \"%s\" (%s), expected \"%s\"", #call, e_.field,  \
				 e_.message, (field_));                                       \
		(void)ep;                                                                     \
	} while (0)

/* contact_create that must fail with code on field; nothing is written. */
static void contact_refused(struct fx *f, const struct actor *a, int64_t org, const char *fields,
			    int code, const char *field, const char *word)
{
	json_t *in = J(fields), *out = NULL;
	struct wr_err e = {0};
	int64_t before = journal_count(f->db);
	int rc = contact_create(f->db, a, org, in, &out, &e);
	if (rc != code)
		fail_msg("contact %s: got %d (%s: %s), expected %d on %s", fields, rc, e.field,
			 e.message, code, field);
	if (strcmp(e.field, field) != 0)
		fail_msg("contact %s: error names \"%s\" (%s), expected \"%s\"", fields, e.field,
			 e.message, field);
	if (word && !strstr(e.message, word))
		fail_msg("contact %s: message \"%s\" lacks \"%s\"", fields, e.message, word);
	assert_null(out);
	assert_int_equal(journal_count(f->db), before);
	json_decref(in);
}

static void asset_refused(struct fx *f, int64_t org, const char *fields, int code,
			  const char *field, const char *word)
{
	json_t *in = J(fields), *out = NULL;
	struct wr_err e = {0};
	int64_t before = journal_count(f->db);
	int rc = asset_create(f->db, &f->admin, org, in, &out, &e);
	if (rc != code)
		fail_msg("asset %s: got %d (%s: %s), expected %d on %s", fields, rc, e.field,
			 e.message, code, field);
	if (strcmp(e.field, field) != 0)
		fail_msg("asset %s: error names \"%s\" (%s), expected \"%s\"", fields, e.field,
			 e.message, field);
	if (word && !strstr(e.message, word))
		fail_msg("asset %s: message \"%s\" lacks \"%s\"", fields, e.message, word);
	assert_null(out);
	assert_int_equal(journal_count(f->db), before);
	json_decref(in);
}

static void org_refused(struct fx *f, const char *fields, int code, const char *field)
{
	json_t *in = J(fields), *out = NULL;
	struct wr_err e = {0};
	int rc = org_create(f->db, &f->admin, in, &out, &e);
	if (rc != code || strcmp(e.field, field) != 0)
		fail_msg("org %s: got %d on \"%s\" (%s), expected %d on \"%s\"", fields, rc, e.field,
			 e.message, code, field);
	assert_null(out);
	json_decref(in);
}

static json_t *get_org(struct fx *f, const struct actor *a, int64_t id, int details)
{
	json_t *o = NULL;
	struct wr_err e = {0};
	if (org_get(f->db, a, id, details, &o, &e))
		fail_msg("org_get %lld: %s", (long long)id, e.message);
	return o;
}

static int org_reachable(struct fx *f, int64_t id)
{
	json_t *o = get_org(f, &f->admin, id, 0);
	int r = json_is_true(json_object_get(o, "reachable"));
	assert_int_equal(r, json_is_true(json_object_get(json_object_get(o, "completeness"),
							 "contacts")));
	json_decref(o);
	return r;
}

static const char *str(const json_t *o, const char *k)
{
	const char *s = json_string_value(json_object_get(o, k));
	return s ? s : "(null)";
}

/* ---- organisations ---- */

static void test_org_fields_validated(void **state)
{
	struct fx *f = *state;
	org_refused(f, "{\"name\":\"X\"}", WR_EINVAL, "kind");
	org_refused(f, "{\"kind\":\"city\",\"name\":\"X\"}", WR_EINVAL, "kind");
	org_refused(f, "{\"kind\":\"municipality\"}", WR_EINVAL, "name");
	org_refused(f, "{\"kind\":\"municipality\",\"name\":\"   \"}", WR_EINVAL, "name");
	org_refused(f, "{\"kind\":\"municipality\",\"name\":\"X\",\"nis_code\":\"4402\"}", WR_EINVAL,
		    "nis_code");
	org_refused(f, "{\"kind\":\"municipality\",\"name\":\"X\",\"nis_code\":\"4402a\"}",
		    WR_EINVAL, "nis_code");
	org_refused(f, "{\"kind\":\"municipality\",\"name\":\"X\",\"province\":\"Brussel\"}",
		    WR_EINVAL, "province");
	org_refused(f, "{\"kind\":\"municipality\",\"name\":\"X\",\"population\":-1}", WR_EINVAL,
		    "population");
	org_refused(f, "{\"kind\":\"municipality\",\"name\":\"X\",\"population\":\"many\"}",
		    WR_EINVAL, "population");
	org_refused(f, "{\"kind\":\"municipality\",\"name\":\"X\",\"valid_from\":\"2025-02-30\"}",
		    WR_EINVAL, "valid_from");
	org_refused(f, "{\"kind\":\"municipality\",\"name\":\"X\",\"valid_from\":\"2025-01-01\","
		       "\"valid_to\":\"2024-12-31\"}", WR_EINVAL, "valid_to");
	org_refused(f, "{\"kind\":\"municipality\",\"name\":\"X\",\"successor_id\":9999}",
		    WR_EINVAL, "successor_id");
	org_refused(f, "{\"kind\":\"municipality\",\"name\":\"X\",\"colour\":\"red\"}", WR_EINVAL,
		    "colour");
	/* the NIS code of a town valid today is taken */
	org_refused(f, "{\"kind\":\"municipality\",\"name\":\"Gent bis\",\"nis_code\":\"44021\"}",
		    WR_ECONFLICT, "nis_code");
	/* a merged one keeps its code next to its successor */
	int64_t old = mk_org(f, "{\"kind\":\"municipality\",\"name\":\"Oud-Gent\","
				"\"nis_code\":\"44021\",\"valid_from\":\"2019-01-01\","
				"\"valid_to\":\"2024-12-31\",\"successor_id\":1,"
				"\"province\":\"oost-vlaanderen\",\"population\":\"1200\"}");
	json_t *o = get_org(f, &f->admin, old, 0);
	assert_string_equal(str(o, "province"), "Oost-Vlaanderen");
	assert_int_equal(json_integer_value(json_object_get(o, "population")), 1200);
	assert_int_equal(json_integer_value(json_object_get(o, "successor_id")), f->gent);
	assert_string_equal(str(o, "valid_to"), "2024-12-31");
	json_decref(o);
}

static void test_org_list_filters_and_paging(void **state)
{
	struct fx *f = *state;
	mk_org(f, "{\"kind\":\"municipality\",\"name\":\"Borsbeek\",\"nis_code\":\"11007\","
		  "\"province\":\"Antwerpen\",\"valid_to\":\"2024-12-31\"}");
	mk_org(f, "{\"kind\":\"police-zone\",\"name\":\"PZ Gent\"}");
	struct org_filter flt = {.limit = 500};
	json_t *items = NULL;
	int64_t next = -1;
	struct wr_err e = {0};

	/* default: valid today, ordered by name */
	assert_int_equal(org_list(f->db, &f->admin, &flt, &items, &next, &e), 0);
	assert_int_equal(json_array_size(items), 5); /* Aalst, Cipal, Gent, Other IT, PZ Gent */
	assert_string_equal(str(json_array_get(items, 0), "name"), "Aalst");
	assert_string_equal(str(json_array_get(items, 2), "name"), "Gent");
	assert_int_equal(next, 0);
	json_t *g = json_array_get(items, 2);
	assert_true(json_is_boolean(json_object_get(g, "reachable")));
	assert_true(json_is_true(json_object_get(json_object_get(g, "completeness"), "providers")));
	assert_true(json_is_false(json_object_get(json_object_get(g, "completeness"), "assets")));
	assert_true(json_is_false(json_object_get(g, "complete")));
	json_decref(items);

	flt.include_past = 1;
	assert_int_equal(org_list(f->db, &f->admin, &flt, &items, &next, &e), 0);
	assert_int_equal(json_array_size(items), 6);
	json_decref(items);
	flt.include_past = 0;

	flt.q = "GEN"; /* case-insensitive substring */
	assert_int_equal(org_list(f->db, &f->admin, &flt, &items, &next, &e), 0);
	assert_int_equal(json_array_size(items), 2);
	json_decref(items);
	flt.q = "440"; /* NIS prefix */
	assert_int_equal(org_list(f->db, &f->admin, &flt, &items, &next, &e), 0);
	assert_int_equal(json_array_size(items), 1);
	assert_string_equal(str(json_array_get(items, 0), "nis_code"), "44021");
	json_decref(items);
	flt.q = "%"; /* no wildcards from user text */
	assert_int_equal(org_list(f->db, &f->admin, &flt, &items, &next, &e), 0);
	assert_int_equal(json_array_size(items), 0);
	json_decref(items);
	flt.q = NULL;
	flt.kind = "police-zone";
	assert_int_equal(org_list(f->db, &f->admin, &flt, &items, &next, &e), 0);
	assert_int_equal(json_array_size(items), 1);
	json_decref(items);
	flt.kind = NULL;
	flt.province = "Oost-Vlaanderen";
	assert_int_equal(org_list(f->db, &f->admin, &flt, &items, &next, &e), 0);
	assert_int_equal(json_array_size(items), 2);
	json_decref(items);
	flt.province = NULL;

	/* paging: the cursor is an offset */
	flt.limit = 2;
	assert_int_equal(org_list(f->db, &f->admin, &flt, &items, &next, &e), 0);
	assert_int_equal(json_array_size(items), 2);
	assert_int_equal(next, 2);
	json_decref(items);
	flt.cursor = 4;
	assert_int_equal(org_list(f->db, &f->admin, &flt, &items, &next, &e), 0);
	assert_int_equal(json_array_size(items), 1);
	assert_string_equal(str(json_array_get(items, 0), "name"), "PZ Gent");
	assert_int_equal(next, 0);
	json_decref(items);

	flt.cursor = 0;
	flt.kind = "city";
	EXPECT_ERR(org_list(f->db, &f->admin, &flt, &items, &next, ep), WR_EINVAL, "kind");
	flt.kind = NULL;
	flt.province = "Brabant";
	EXPECT_ERR(org_list(f->db, &f->admin, &flt, &items, &next, ep), WR_EINVAL, "province");
	flt.province = NULL;
	flt.limit = 501;
	EXPECT_ERR(org_list(f->db, &f->admin, &flt, &items, &next, ep), WR_EINVAL, "limit");
}

static void test_org_resolve(void **state)
{
	struct fx *f = *state;
	int64_t id = 0;
	struct wr_err e = {0};
	char buf[24];
	assert_int_equal(org_resolve(f->db, "44021", &id, &e), 0);
	assert_int_equal(id, f->gent);
	snprintf(buf, sizeof buf, "%lld", (long long)f->aalst);
	assert_int_equal(org_resolve(f->db, buf, &id, &e), 0);
	assert_int_equal(id, f->aalst);
	assert_int_equal(org_resolve(f->db, "cipal", &id, &e), 0);
	assert_int_equal(id, f->cipal);
	EXPECT_ERR(org_resolve(f->db, "99999", &id, ep), WR_ENOTFOUND, "org");
	EXPECT_ERR(org_resolve(f->db, "Atlantis", &id, ep), WR_ENOTFOUND, "org");
}

static void test_org_update_by_staff_journalled(void **state)
{
	struct fx *f = *state;
	int64_t before = journal_count(f->db);
	json_t *in = J("{\"population\": 270000, \"province\": null}"), *out = NULL;
	struct wr_err e = {0};
	assert_int_equal(org_update(f->db, &f->admin, f->gent, in, &out, &e), 0);
	assert_int_equal(json_integer_value(json_object_get(out, "population")), 270000);
	assert_true(json_is_null(json_object_get(out, "province")));
	json_decref(out);
	json_decref(in);
	assert_int_equal(journal_count(f->db), before + 1);
	/* the entry says what changed, from what to what */
	int64_t n = 0;
	assert_int_equal(db_query_int(f->db,
				      "SELECT count(*) FROM journal WHERE action = 'org.update' AND"
				      " json_extract(details, '$.changes.population.old') = 265086 AND"
				      " json_extract(details, '$.changes.population.new') = 270000",
				      0, &n, &e),
			 0);
	assert_int_equal(n, 1);
	/* no change, no entry */
	in = J("{\"population\": 270000}");
	assert_int_equal(org_update(f->db, &f->admin, f->gent, in, NULL, &e), 0);
	json_decref(in);
	assert_int_equal(journal_count(f->db), before + 1);
	journal_ok(f->db);
}

/* ---- contacts ---- */

static void test_contact_canonical(void **state)
{
	struct fx *f = *state;
	json_t *in = J("{\"name\":\"  Jan Peeters \",\"role\":\"SPOC\","
		       "\"email\":\" Jan.Peeters@Gent.Example.ORG \",\"mobile\":\"0499 00 12 34\","
		       "\"phone\":\"09 266 11 11\",\"oob_email\":\"\",\"language\":\"FR\"}");
	json_t *out = NULL;
	struct wr_err e = {0};
	assert_int_equal(contact_create(f->db, &f->admin, f->gent, in, &out, &e), 0);
	assert_string_equal(str(out, "name"), "Jan Peeters");
	assert_string_equal(str(out, "role"), "spoc");
	assert_string_equal(str(out, "email"), "Jan.Peeters@gent.example.org");
	assert_string_equal(str(out, "mobile"), "+32499001234");
	assert_string_equal(str(out, "phone"), "+3292661111");
	assert_true(json_is_null(json_object_get(out, "oob_email"))); /* empty = absent */
	assert_string_equal(str(out, "language"), "fr");
	assert_true(json_is_true(json_object_get(out, "active")));
	assert_int_equal(json_integer_value(json_object_get(out, "org_id")), f->gent);
	int64_t id = json_integer_value(json_object_get(out, "id"));
	json_decref(out);
	json_decref(in);

	/* what is stored is what comes back */
	assert_int_equal(contact_get(f->db, &f->admin, id, &out, &e), 0);
	assert_string_equal(str(out, "mobile"), "+32499001234");
	json_decref(out);

	/* defaults */
	in = J("{\"name\":\"Els\",\"role\":\"dpo\"}");
	assert_int_equal(contact_create(f->db, &f->admin, f->gent, in, &out, &e), 0);
	assert_string_equal(str(out, "language"), "nl");
	assert_true(json_is_true(json_object_get(out, "active")));
	assert_true(json_is_null(json_object_get(out, "email")));
	json_decref(out);
	json_decref(in);

	/* a cleared field is cleared; an IDN domain is stored in ASCII */
	in = J("{\"phone\": null, \"email\": \"els@Bücher.example\"}");
	assert_int_equal(contact_update(f->db, &f->admin, id, in, &out, &e), 0);
	assert_true(json_is_null(json_object_get(out, "phone")));
	assert_string_equal(str(out, "email"), "els@xn--bcher-kva.example");
	assert_string_equal(str(out, "mobile"), "+32499001234");
	json_decref(out);
	json_decref(in);
}

static void test_contact_errors_name_field(void **state)
{
	struct fx *f = *state;
	contact_refused(f, &f->admin, f->gent, "{\"role\":\"spoc\"}", WR_EINVAL, "name", NULL);
	contact_refused(f, &f->admin, f->gent, "{\"name\":\"\",\"role\":\"spoc\"}", WR_EINVAL,
			"name", NULL);
	contact_refused(f, &f->admin, f->gent, "{\"name\":\"A\"}", WR_EINVAL, "role", NULL);
	contact_refused(f, &f->admin, f->gent, "{\"name\":\"A\",\"role\":\"boss\"}", WR_EINVAL,
			"role", "spoc");
	contact_refused(f, &f->admin, f->gent,
			"{\"name\":\"A\",\"role\":\"spoc\",\"email\":\"not-an-email\"}", WR_EINVAL,
			"email", NULL);
	contact_refused(f, &f->admin, f->gent,
			"{\"name\":\"A\",\"role\":\"spoc\",\"mobile\":\"call me\"}", WR_EINVAL,
			"mobile", NULL);
	contact_refused(f, &f->admin, f->gent,
			"{\"name\":\"A\",\"role\":\"spoc\",\"mobile\":\"09 266 11 11\"}", WR_EINVAL,
			"mobile", "mobile");
	contact_refused(f, &f->admin, f->gent,
			"{\"name\":\"A\",\"role\":\"spoc\",\"phone\":\"12\"}", WR_EINVAL, "phone",
			NULL);
	contact_refused(f, &f->admin, f->gent,
			"{\"name\":\"A\",\"role\":\"spoc\",\"oob_email\":\"a@@b\"}", WR_EINVAL,
			"oob_email", NULL);
	contact_refused(f, &f->admin, f->gent,
			"{\"name\":\"A\",\"role\":\"spoc\",\"language\":\"de\"}", WR_EINVAL,
			"language", NULL);
	contact_refused(f, &f->admin, f->gent,
			"{\"name\":\"A\",\"role\":\"spoc\",\"active\":\"maybe\"}", WR_EINVAL,
			"active", NULL);
	contact_refused(f, &f->admin, f->gent,
			"{\"name\":\"A\",\"role\":\"spoc\",\"twitter\":\"@a\"}", WR_EINVAL,
			"twitter", NULL);
	contact_refused(f, &f->admin, f->gent, "{\"name\":42,\"role\":\"spoc\"}", WR_EINVAL,
			"name", NULL);
	char longname[260];
	memset(longname, 'x', 250);
	longname[250] = '\0';
	char buf[400];
	snprintf(buf, sizeof buf, "{\"name\":\"%s\",\"role\":\"spoc\"}", longname);
	contact_refused(f, &f->admin, f->gent, buf, WR_EINVAL, "name", NULL);
	contact_refused(f, &f->admin, 9999, "{\"name\":\"A\",\"role\":\"spoc\"}", WR_ENOTFOUND, "",
			NULL);
	int64_t n = 0;
	assert_int_equal(db_query_int(f->db, "SELECT count(*) FROM contacts", 0, &n, NULL), 0);
	assert_int_equal(n, 0);

	/* an update that fails changes nothing */
	int64_t id = mk_contact(f, &f->admin, f->gent,
				"{\"name\":\"A\",\"role\":\"spoc\",\"email\":\"a@gent.example.org\"}");
	json_t *in = J("{\"email\":\"broken\",\"name\":\"B\"}");
	EXPECT_ERR(contact_update(f->db, &f->admin, id, in, NULL, ep), WR_EINVAL, "email");
	json_decref(in);
	json_t *out = NULL;
	struct wr_err e = {0};
	assert_int_equal(contact_get(f->db, &f->admin, id, &out, &e), 0);
	assert_string_equal(str(out, "name"), "A");
	json_decref(out);
	in = J("{\"role\": null}");
	EXPECT_ERR(contact_update(f->db, &f->admin, id, in, NULL, ep), WR_EINVAL, "role");
	json_decref(in);
}

static void test_reachable_flips_with_deputy_mobile(void **state)
{
	struct fx *f = *state;
	assert_false(org_reachable(f, f->gent));
	mk_contact(f, &f->spoc_gent, f->gent,
		   "{\"name\":\"Spoc\",\"role\":\"spoc\",\"email\":\"spoc@gent.example.org\","
		   "\"mobile\":\"+32 499 00 10 01\"}");
	int64_t dep = mk_contact(f, &f->spoc_gent, f->gent,
				 "{\"name\":\"Deputy\",\"role\":\"deputy\","
				 "\"email\":\"deputy@gent.example.org\"}");
	assert_false(org_reachable(f, f->gent));

	json_t *in = J("{\"mobile\":\"0499/00.10.02\"}"), *out = NULL;
	struct wr_err e = {0};
	assert_int_equal(contact_update(f->db, &f->spoc_gent, dep, in, &out, &e), 0);
	assert_string_equal(str(out, "mobile"), "+32499001002");
	json_decref(out);
	json_decref(in);
	assert_true(org_reachable(f, f->gent));
	assert_false(org_reachable(f, f->aalst));

	/* the list says the same as the record */
	struct org_filter flt = {.limit = 10, .q = "gent"};
	json_t *items = NULL;
	int64_t next;
	assert_int_equal(org_list(f->db, &f->admin, &flt, &items, &next, &e), 0);
	assert_true(json_is_true(json_object_get(json_array_get(items, 0), "reachable")));
	json_decref(items);

	/* an inactive deputy does not count */
	in = J("{\"active\": false}");
	assert_int_equal(contact_update(f->db, &f->admin, dep, in, NULL, &e), 0);
	json_decref(in);
	assert_false(org_reachable(f, f->gent));

	/* completeness: contacts + providers + a cidr or domain */
	in = J("{\"active\": true}");
	assert_int_equal(contact_update(f->db, &f->admin, dep, in, NULL, &e), 0);
	json_decref(in);
	json_t *o = get_org(f, &f->admin, f->gent, 0);
	assert_false(json_is_true(json_object_get(o, "complete")));
	json_decref(o);
	mk_asset(f, &f->admin, f->gent, "{\"type\":\"domain\",\"value\":\"gent.example\"}");
	o = get_org(f, &f->admin, f->gent, 0);
	assert_true(json_is_true(json_object_get(o, "complete")));
	json_decref(o);
}

static void test_oob_email_not_on_own_domain(void **state)
{
	struct fx *f = *state;
	mk_asset(f, &f->admin, f->gent, "{\"type\":\"domain\",\"value\":\"Stad.Gent.example\"}");
	contact_refused(f, &f->spoc_gent, f->gent,
			"{\"name\":\"A\",\"role\":\"spoc\",\"oob_email\":\"a@stad.gent.example\"}",
			WR_EINVAL, "oob_email", "ransomware");
	contact_refused(f, &f->spoc_gent, f->gent,
			"{\"name\":\"A\",\"role\":\"spoc\","
			"\"oob_email\":\"a@mail.stad.gent.example\"}",
			WR_EINVAL, "oob_email", "stad.gent.example");
	/* nor on the domain of the regular address */
	contact_refused(f, &f->spoc_gent, f->gent,
			"{\"name\":\"A\",\"role\":\"spoc\",\"email\":\"a@gent.example.org\","
			"\"oob_email\":\"a.private@gent.example.org\"}",
			WR_EINVAL, "oob_email", "ransomware");
	/* another town's domain, or a private mailbox, is fine */
	int64_t id = mk_contact(f, &f->spoc_gent, f->gent,
				"{\"name\":\"A\",\"role\":\"spoc\",\"email\":\"a@gent.example.org\","
				"\"oob_email\":\"a.private@example.net\"}");
	/* and the rule holds on update too */
	json_t *in = J("{\"oob_email\":\"a@STAD.gent.example\"}");
	EXPECT_ERR(contact_update(f->db, &f->spoc_gent, id, in, NULL, ep), WR_EINVAL, "oob_email");
	json_decref(in);
	/* an unrelated change leaves a stored address alone */
	in = J("{\"phone\":\"+32 9 266 11 11\"}");
	struct wr_err e = {0};
	assert_int_equal(contact_update(f->db, &f->spoc_gent, id, in, NULL, &e), 0);
	json_decref(in);
}

static void test_contact_delete_and_journal(void **state)
{
	struct fx *f = *state;
	int64_t j0 = journal_count(f->db);
	int64_t id = mk_contact(f, &f->admin, f->gent, "{\"name\":\"A\",\"role\":\"ciso\"}");
	json_t *in = J("{\"name\":\"B\"}");
	struct wr_err e = {0};
	assert_int_equal(contact_update(f->db, &f->admin, id, in, NULL, &e), 0);
	json_decref(in);
	assert_int_equal(contact_delete(f->db, &f->admin, id, &e), 0);
	assert_int_equal(journal_count(f->db), j0 + 3);
	int64_t n = 0;
	assert_int_equal(db_query_int(f->db,
				      "SELECT count(*) FROM journal WHERE object_type = 'contact'"
				      " AND action IN ('contact.create','contact.update',"
				      "'contact.delete') AND actor = 'admin'",
				      0, &n, &e),
			 0);
	assert_int_equal(n, 3);
	assert_int_equal(db_query_int(f->db,
				      "SELECT count(*) FROM journal WHERE action = 'contact.update'"
				      " AND json_extract(details, '$.changes.name.old') = 'A'"
				      " AND json_extract(details, '$.changes.name.new') = 'B'",
				      0, &n, &e),
			 0);
	assert_int_equal(n, 1);
	EXPECT_ERR(contact_delete(f->db, &f->admin, id, ep), WR_ENOTFOUND, "");
	journal_ok(f->db);
}

/* ---- assets ---- */

static void test_asset_canonical(void **state)
{
	struct fx *f = *state;
	json_t *in = J("{\"type\":\"cidr\",\"value\":\" 198.18.0.0/24 \"}"), *out = NULL;
	struct wr_err e = {0};
	assert_int_equal(asset_create(f->db, &f->admin, f->gent, in, &out, &e), 0);
	assert_string_equal(str(out, "value"), "198.18.0.0/24");
	assert_string_equal(str(out, "managed_by"), "town");
	assert_int_equal(json_array_size(json_object_get(out, "conflicts")), 0);
	json_decref(out);
	json_decref(in);

	in = J("{\"type\":\"cidr\",\"value\":\"2001:DB8:0000:0::/48\"}");
	assert_int_equal(asset_create(f->db, &f->admin, f->gent, in, &out, &e), 0);
	assert_string_equal(str(out, "value"), "2001:db8::/48");
	json_decref(out);
	json_decref(in);

	in = J("{\"type\":\"domain\",\"value\":\"Bücher.Example.\"}");
	assert_int_equal(asset_create(f->db, &f->admin, f->gent, in, &out, &e), 0);
	assert_string_equal(str(out, "value"), "xn--bcher-kva.example");
	json_decref(out);
	json_decref(in);

	in = J("{\"type\":\"hostname\",\"value\":\"VPN.Gent.example\"}");
	assert_int_equal(asset_create(f->db, &f->admin, f->gent, in, &out, &e), 0);
	assert_string_equal(str(out, "value"), "vpn.gent.example");
	json_decref(out);
	json_decref(in);

	in = J("{\"type\":\"software\",\"vendor\":\"Fortinet\",\"product\":\"FortiOS\","
	       "\"version\":\"7.2.4\",\"cpe\":\"cpe:2.3:o:fortinet:fortios:7.2.4:*:*:*:*:*:*:*\"}");
	assert_int_equal(asset_create(f->db, &f->admin, f->gent, in, &out, &e), 0);
	assert_string_equal(str(out, "value"), "fortinet:fortios:7.2.4");
	assert_string_equal(str(out, "vendor"), "Fortinet");
	json_decref(out);
	json_decref(in);

	/* vendor and product from the CPE name when left out */
	in = J("{\"type\":\"software\","
	       "\"cpe\":\"cpe:2.3:a:microsoft:exchange_server:2019:cu12:*:*:*:*:*:*\"}");
	assert_int_equal(asset_create(f->db, &f->admin, f->gent, in, &out, &e), 0);
	assert_string_equal(str(out, "value"), "microsoft:exchange_server");
	json_decref(out);
	json_decref(in);

	json_t *items = NULL;
	assert_int_equal(asset_list(f->db, &f->admin, f->gent, &items, &e), 0);
	assert_int_equal(json_array_size(items), 6);
	json_decref(items);
}

static void test_asset_errors_name_field(void **state)
{
	struct fx *f = *state;
	asset_refused(f, f->gent, "{\"value\":\"x\"}", WR_EINVAL, "type", NULL);
	asset_refused(f, f->gent, "{\"type\":\"ip\",\"value\":\"x\"}", WR_EINVAL, "type", NULL);
	asset_refused(f, f->gent, "{\"type\":\"cidr\"}", WR_EINVAL, "value", NULL);
	/* host bits set: refused, naming the network meant */
	asset_refused(f, f->gent, "{\"type\":\"cidr\",\"value\":\"198.18.0.1/24\"}", WR_EINVAL,
		      "value", "198.18.0.0/24");
	asset_refused(f, f->gent, "{\"type\":\"domain\",\"value\":\"not a domain\"}", WR_EINVAL,
		      "value", NULL);
	asset_refused(f, f->gent, "{\"type\":\"domain\",\"value\":\"198.18.0.1\"}", WR_EINVAL,
		      "value", NULL);
	asset_refused(f, f->gent, "{\"type\":\"software\",\"product\":\"FortiOS\"}", WR_EINVAL,
		      "vendor", NULL);
	asset_refused(f, f->gent, "{\"type\":\"software\",\"vendor\":\"Fortinet\"}", WR_EINVAL,
		      "product", NULL);
	asset_refused(f, f->gent,
		      "{\"type\":\"software\",\"vendor\":\"a\",\"product\":\"b\",\"cpe\":\"fortios\"}",
		      WR_EINVAL, "cpe", "cpe:2.3:");
	asset_refused(f, f->gent,
		      "{\"type\":\"software\",\"vendor\":\"a\",\"product\":\"b\","
		      "\"cpe\":\"cpe:2.3:a:b:c:1\"}",
		      WR_EINVAL, "cpe", "13");
	asset_refused(f, f->gent,
		      "{\"type\":\"cidr\",\"value\":\"198.18.0.0/24\",\"vendor\":\"x\"}", WR_EINVAL,
		      "vendor", "software");
	asset_refused(f, f->gent,
		      "{\"type\":\"cidr\",\"value\":\"198.18.0.0/24\",\"managed_by\":\"mayor\"}",
		      WR_EINVAL, "managed_by", NULL);
	asset_refused(f, f->gent,
		      "{\"type\":\"cidr\",\"value\":\"198.18.0.0/24\",\"managed_by\":\"provider\"}",
		      WR_EINVAL, "provider_id", NULL);
	char buf[200];
	/* Other IT does not serve Gent */
	snprintf(buf, sizeof buf,
		 "{\"type\":\"cidr\",\"value\":\"198.18.0.0/24\",\"managed_by\":\"provider\","
		 "\"provider_id\":%lld}", (long long)f->other_provider);
	asset_refused(f, f->gent, buf, WR_EINVAL, "provider_id", NULL);
	asset_refused(f, f->gent, "{\"type\":\"cidr\",\"value\":\"198.18.0.0/24\",\"size\":3}",
		      WR_EINVAL, "size", NULL);
	/* Cipal does: fine */
	snprintf(buf, sizeof buf,
		 "{\"type\":\"cidr\",\"value\":\"198.18.0.0/24\",\"managed_by\":\"provider\","
		 "\"provider_id\":%lld}", (long long)f->cipal);
	mk_asset(f, &f->admin, f->gent, buf);
	/* the same prefix twice for one town: a conflict on value */
	asset_refused(f, f->gent, "{\"type\":\"cidr\",\"value\":\"198.18.0.0/24\"}", WR_ECONFLICT,
		      "value", NULL);
	mk_asset(f, &f->admin, f->gent, "{\"type\":\"domain\",\"value\":\"gent.example\"}");
	asset_refused(f, f->gent, "{\"type\":\"domain\",\"value\":\"GENT.example.\"}", WR_ECONFLICT,
		      "value", NULL);
}

static void test_asset_update(void **state)
{
	struct fx *f = *state;
	int64_t id = mk_asset(f, &f->admin, f->gent, "{\"type\":\"cidr\",\"value\":\"198.18.0.0/24\"}");
	char buf[200];
	snprintf(buf, sizeof buf, "{\"managed_by\":\"provider\",\"provider_id\":%lld}",
		 (long long)f->cipal);
	json_t *in = J(buf), *out = NULL;
	struct wr_err e = {0};
	assert_int_equal(asset_update(f->db, &f->spoc_gent, id, in, &out, &e), 0);
	assert_string_equal(str(out, "managed_by"), "provider");
	assert_int_equal(json_integer_value(json_object_get(out, "provider_id")), f->cipal);
	json_decref(out);
	json_decref(in);
	/* back to the town: the provider goes with it */
	in = J("{\"managed_by\":\"town\"}");
	assert_int_equal(asset_update(f->db, &f->spoc_gent, id, in, &out, &e), 0);
	assert_true(json_is_null(json_object_get(out, "provider_id")));
	json_decref(out);
	json_decref(in);
	/* a new value is canonicalised */
	in = J("{\"value\":\"198.18.0.0/255.255.255.0\"}");
	EXPECT_ERR(asset_update(f->db, &f->admin, id, in, NULL, ep), WR_EINVAL, "value");
	json_decref(in);
	in = J("{\"value\":\"198.18.1.0/24\"}");
	assert_int_equal(asset_update(f->db, &f->admin, id, in, &out, &e), 0);
	assert_string_equal(str(out, "value"), "198.18.1.0/24");
	json_decref(out);
	json_decref(in);
	/* turned into software: value derived from vendor and product */
	in = J("{\"type\":\"software\",\"vendor\":\"Citrix\",\"product\":\"NetScaler\"}");
	assert_int_equal(asset_update(f->db, &f->admin, id, in, &out, &e), 0);
	assert_string_equal(str(out, "value"), "citrix:netscaler");
	json_decref(out);
	json_decref(in);
	/* a version cleared is cleared */
	in = J("{\"version\":\"13.1\"}");
	assert_int_equal(asset_update(f->db, &f->admin, id, in, &out, &e), 0);
	assert_string_equal(str(out, "value"), "citrix:netscaler:13.1");
	json_decref(out);
	json_decref(in);
	in = J("{\"version\":null}");
	assert_int_equal(asset_update(f->db, &f->admin, id, in, &out, &e), 0);
	assert_string_equal(str(out, "value"), "citrix:netscaler");
	json_decref(out);
	json_decref(in);
	int64_t n = 0;
	assert_int_equal(db_query_int(f->db,
				      "SELECT count(*) FROM journal WHERE action = 'asset.update'", 0,
				      &n, &e),
			 0);
	assert_int_equal(n, 6);
	assert_int_equal(asset_delete(f->db, &f->spoc_gent, id, &e), 0);
	EXPECT_ERR(asset_get(f->db, &f->admin, id, &out, ep), WR_ENOTFOUND, "");
}

static json_t *conflicts_of(struct fx *f, const struct actor *a, int64_t org, const char *value)
{
	json_t *items = NULL;
	struct wr_err e = {0};
	if (asset_list(f->db, a, org, &items, &e))
		fail_msg("asset_list: %s", e.message);
	size_t i;
	json_t *it;
	json_array_foreach(items, i, it) {
		if (!strcmp(str(it, "value"), value)) {
			json_t *c = json_incref(json_object_get(it, "conflicts"));
			json_decref(items);
			return c;
		}
	}
	fail_msg("no asset %s", value);
	return NULL;
}

static void test_overlapping_prefix_flagged_on_both(void **state)
{
	struct fx *f = *state;
	mk_asset(f, &f->admin, f->gent, "{\"type\":\"cidr\",\"value\":\"198.18.0.0/23\"}");
	mk_asset(f, &f->admin, f->aalst, "{\"type\":\"cidr\",\"value\":\"198.18.1.128/25\"}");
	mk_asset(f, &f->admin, f->aalst, "{\"type\":\"cidr\",\"value\":\"198.18.2.0/24\"}");
	/* IPv4-mapped IPv6 is the same address */
	mk_asset(f, &f->admin, f->aalst, "{\"type\":\"cidr\",\"value\":\"::ffff:198.18.0.7\"}");
	mk_asset(f, &f->admin, f->aalst, "{\"type\":\"cidr\",\"value\":\"2001:db8::/32\"}");

	json_t *c = conflicts_of(f, &f->admin, f->gent, "198.18.0.0/23");
	assert_int_equal(json_array_size(c), 1);
	assert_int_equal(json_integer_value(json_object_get(json_array_get(c, 0), "org_id")),
			 f->aalst);
	assert_string_equal(str(json_array_get(c, 0), "name"), "Aalst");
	json_decref(c);
	c = conflicts_of(f, &f->admin, f->aalst, "198.18.1.128/25");
	assert_int_equal(json_array_size(c), 1);
	assert_string_equal(str(json_array_get(c, 0), "name"), "Gent");
	json_decref(c);
	c = conflicts_of(f, &f->admin, f->aalst, "198.18.0.7/32");
	assert_int_equal(json_array_size(c), 1);
	json_decref(c);
	c = conflicts_of(f, &f->admin, f->aalst, "198.18.2.0/24"); /* adjacent, no overlap */
	assert_int_equal(json_array_size(c), 0);
	json_decref(c);
	c = conflicts_of(f, &f->admin, f->aalst, "2001:db8::/32");
	assert_int_equal(json_array_size(c), 0);
	json_decref(c);

	/* Gent's SPOC learns nothing of Aalst's address space: the war room
	 * (above) sees the overlap and resolves it */
	c = conflicts_of(f, &f->spoc_gent, f->gent, "198.18.0.0/23");
	assert_int_equal(json_array_size(c), 0);
	json_decref(c);

	/* org_get with details carries the same flags */
	json_t *o = get_org(f, &f->admin, f->gent, 1);
	json_t *a0 = json_array_get(json_object_get(o, "assets"), 0);
	assert_int_equal(json_array_size(json_object_get(a0, "conflicts")), 1);
	json_decref(o);
}

/* ---- scope ---- */

static void test_spoc_sees_only_its_town(void **state)
{
	struct fx *f = *state;
	const struct actor *s = &f->spoc_gent;
	int64_t ac = mk_contact(f, &f->admin, f->aalst, "{\"name\":\"Aalst spoc\",\"role\":\"spoc\"}");
	int64_t aa = mk_asset(f, &f->admin, f->aalst, "{\"type\":\"domain\",\"value\":\"aalst.example\"}");
	int64_t j0 = journal_count(f->db);
	json_t *out = NULL, *in = J("{\"name\":\"hacked\"}");
	json_t *ain = J("{\"type\":\"domain\",\"value\":\"evil.example\"}");

	EXPECT_ERR(org_get(f->db, s, f->aalst, 1, &out, ep), WR_ENOTFOUND, "");
	EXPECT_ERR(org_update(f->db, s, f->aalst, in, &out, ep), WR_ENOTFOUND, "");
	EXPECT_ERR(contact_list(f->db, s, f->aalst, &out, ep), WR_ENOTFOUND, "");
	EXPECT_ERR(contact_get(f->db, s, ac, &out, ep), WR_ENOTFOUND, "");
	EXPECT_ERR(contact_create(f->db, s, f->aalst, in, &out, ep), WR_ENOTFOUND, "");
	EXPECT_ERR(contact_update(f->db, s, ac, in, &out, ep), WR_ENOTFOUND, "");
	EXPECT_ERR(contact_delete(f->db, s, ac, ep), WR_ENOTFOUND, "");
	EXPECT_ERR(asset_list(f->db, s, f->aalst, &out, ep), WR_ENOTFOUND, "");
	EXPECT_ERR(asset_get(f->db, s, aa, &out, ep), WR_ENOTFOUND, "");
	EXPECT_ERR(asset_create(f->db, s, f->aalst, ain, &out, ep), WR_ENOTFOUND, "");
	EXPECT_ERR(asset_update(f->db, s, aa, ain, &out, ep), WR_ENOTFOUND, "");
	EXPECT_ERR(asset_delete(f->db, s, aa, ep), WR_ENOTFOUND, "");
	/* a nonexistent id answers exactly the same */
	EXPECT_ERR(org_get(f->db, s, 9999, 1, &out, ep), WR_ENOTFOUND, "");
	assert_null(out);
	assert_int_equal(journal_count(f->db), j0);

	/* its list holds its own town only */
	struct org_filter flt = {.limit = 500};
	json_t *items = NULL;
	int64_t next;
	struct wr_err e = {0};
	assert_int_equal(org_list(f->db, s, &flt, &items, &next, &e), 0);
	assert_int_equal(json_array_size(items), 1);
	assert_int_equal(json_integer_value(json_object_get(json_array_get(items, 0), "id")),
			 f->gent);
	json_decref(items);

	/* its own town: details, and it keeps its contacts and assets */
	json_t *o = get_org(f, s, f->gent, 1);
	assert_true(json_is_array(json_object_get(o, "contacts")));
	assert_int_equal(json_array_size(json_object_get(o, "providers")), 1);
	assert_string_equal(str(json_array_get(json_object_get(o, "providers"), 0), "name"),
			    "Cipal");
	json_decref(o);
	int64_t c = mk_contact(f, s, f->gent, "{\"name\":\"Mine\",\"role\":\"ciso\"}");
	assert_int_equal(contact_update(f->db, s, c, in, NULL, &e), 0);
	assert_int_equal(contact_delete(f->db, s, c, &e), 0);
	mk_asset(f, s, f->gent, "{\"type\":\"domain\",\"value\":\"gent.example\"}");

	/* but not the war room's reference data */
	EXPECT_ERR(org_update(f->db, s, f->gent, in, &out, ep), WR_EFORBIDDEN, "name");
	json_t *pop = J("{\"population\": 1}");
	EXPECT_ERR(org_update(f->db, s, f->gent, pop, &out, ep), WR_EFORBIDDEN, "population");
	json_decref(pop);
	o = get_org(f, &f->admin, f->gent, 0);
	assert_string_equal(str(o, "name"), "Gent");
	json_decref(o);
	EXPECT_ERR(org_create(f->db, s, ain, &out, ep), WR_EFORBIDDEN, "");
	/* nor providers */
	json_t *pin = J("{\"name\":\"Mine\"}");
	EXPECT_ERR(provider_create(f->db, s, pin, &out, ep), WR_EFORBIDDEN, "");
	EXPECT_ERR(provider_update(f->db, s, f->cipal, pin, &out, ep), WR_EFORBIDDEN, "");
	EXPECT_ERR(provider_update(f->db, s, f->other_provider, pin, &out, ep), WR_ENOTFOUND, "");
	EXPECT_ERR(provider_client_remove(f->db, s, f->cipal, f->gent, ep), WR_EFORBIDDEN, "");
	json_decref(pin);
	json_decref(in);
	json_decref(ain);
}

static void test_provider_sees_its_clients_only(void **state)
{
	struct fx *f = *state;
	const struct actor *p = &f->provider;
	int64_t gc = mk_contact(f, &f->admin, f->gent, "{\"name\":\"G\",\"role\":\"spoc\"}");
	int64_t ac = mk_contact(f, &f->admin, f->aalst, "{\"name\":\"A\",\"role\":\"spoc\"}");
	struct org_filter flt = {.limit = 500};
	json_t *items = NULL, *out = NULL;
	int64_t next;
	struct wr_err e = {0};
	assert_int_equal(org_list(f->db, p, &flt, &items, &next, &e), 0);
	assert_int_equal(json_array_size(items), 2); /* Cipal itself and Gent */
	assert_string_equal(str(json_array_get(items, 0), "name"), "Cipal");
	assert_string_equal(str(json_array_get(items, 1), "name"), "Gent");
	json_decref(items);

	assert_int_equal(contact_list(f->db, p, f->gent, &items, &e), 0);
	assert_int_equal(json_array_size(items), 1);
	json_decref(items);
	EXPECT_ERR(contact_list(f->db, p, f->aalst, &items, ep), WR_ENOTFOUND, "");
	EXPECT_ERR(org_get(f->db, p, f->aalst, 0, &out, ep), WR_ENOTFOUND, "");

	/* read-only: 403 where it sees, 404 where it does not */
	json_t *in = J("{\"name\":\"x\",\"role\":\"spoc\"}");
	EXPECT_ERR(contact_create(f->db, p, f->gent, in, &out, ep), WR_EFORBIDDEN, "");
	EXPECT_ERR(contact_update(f->db, p, gc, in, &out, ep), WR_EFORBIDDEN, "");
	EXPECT_ERR(contact_delete(f->db, p, gc, ep), WR_EFORBIDDEN, "");
	EXPECT_ERR(contact_update(f->db, p, ac, in, &out, ep), WR_ENOTFOUND, "");
	json_decref(in);

	/* its provider record, with its clients */
	assert_int_equal(provider_list(f->db, p, &items, &e), 0);
	assert_int_equal(json_array_size(items), 1);
	json_t *me = json_array_get(items, 0);
	assert_string_equal(str(me, "name"), "Cipal");
	json_t *clients = json_object_get(me, "clients");
	assert_int_equal(json_array_size(clients), 1);
	assert_int_equal(json_integer_value(json_object_get(json_array_get(clients, 0), "org_id")),
			 f->gent);
	json_decref(items);

	/* a new client becomes visible */
	link_client(f, f->cipal, f->aalst, "[\"hosting\"]");
	assert_int_equal(contact_list(f->db, p, f->aalst, &items, &e), 0);
	json_decref(items);
}

static void test_viewer_sees_reference_data_only(void **state)
{
	struct fx *f = *state;
	const struct actor *v = &f->viewer;
	int64_t c = mk_contact(f, &f->admin, f->gent, "{\"name\":\"G\",\"role\":\"spoc\"}");
	struct org_filter flt = {.limit = 500};
	json_t *items = NULL, *out = NULL;
	int64_t next;
	struct wr_err e = {0};
	assert_int_equal(org_list(f->db, v, &flt, &items, &next, &e), 0);
	assert_int_equal(json_array_size(items), 4);
	json_decref(items);
	json_t *o = get_org(f, v, f->gent, 1);
	assert_string_equal(str(o, "nis_code"), "44021");
	assert_non_null(json_object_get(o, "reachable"));
	assert_null(json_object_get(o, "contacts"));
	assert_null(json_object_get(o, "assets"));
	assert_null(json_object_get(o, "providers"));
	json_decref(o);
	EXPECT_ERR(contact_list(f->db, v, f->gent, &items, ep), WR_ENOTFOUND, "");
	EXPECT_ERR(contact_get(f->db, v, c, &out, ep), WR_ENOTFOUND, "");
	EXPECT_ERR(asset_list(f->db, v, f->gent, &items, ep), WR_ENOTFOUND, "");
	json_t *in = J("{\"population\": 3}");
	EXPECT_ERR(org_update(f->db, v, f->gent, in, &out, ep), WR_EFORBIDDEN, "");
	json_decref(in);
	assert_int_equal(provider_list(f->db, v, &items, &e), 0);
	assert_int_equal(json_array_size(items), 0);
	json_decref(items);
}

/* ---- providers ---- */

static void test_provider_clients(void **state)
{
	struct fx *f = *state;
	char buf[200];
	json_t *in, *out = NULL;
	struct wr_err e = {0};
	snprintf(buf, sizeof buf, "{\"org_id\":%lld,\"services\":[\"Workplace\",\"hosting\",\"hosting\"]}",
		 (long long)f->aalst);
	in = J(buf);
	assert_int_equal(provider_client_set(f->db, &f->admin, f->cipal, in, &out, &e), 0);
	json_decref(in);
	json_t *clients = json_object_get(out, "clients");
	assert_int_equal(json_array_size(clients), 2);
	json_t *aalst = json_array_get(clients, 0); /* by name: Aalst, Gent */
	assert_string_equal(str(aalst, "name"), "Aalst");
	json_t *sv = json_object_get(aalst, "services");
	assert_int_equal(json_array_size(sv), 2);
	assert_string_equal(json_string_value(json_array_get(sv, 0)), "hosting");
	assert_string_equal(json_string_value(json_array_get(sv, 1)), "workplace");
	json_decref(out);
	int64_t n = 0;
	assert_int_equal(db_query_int(f->db, "SELECT count(*) FROM provider_clients WHERE"
					     " services = 'hosting,workplace'", 0, &n, &e), 0);
	assert_int_equal(n, 1);

	snprintf(buf, sizeof buf, "{\"org_id\":%lld,\"services\":[]}", (long long)f->aalst);
	in = J(buf);
	EXPECT_ERR(provider_client_set(f->db, &f->admin, f->cipal, in, &out, ep), WR_EINVAL,
		   "services");
	json_decref(in);
	snprintf(buf, sizeof buf, "{\"org_id\":%lld,\"services\":[\"coffee\"]}", (long long)f->aalst);
	in = J(buf);
	EXPECT_ERR(provider_client_set(f->db, &f->admin, f->cipal, in, &out, ep), WR_EINVAL,
		   "services");
	json_decref(in);
	snprintf(buf, sizeof buf, "{\"org_id\":%lld,\"services\":[\"network\"]}",
		 (long long)f->other_provider);
	in = J(buf);
	EXPECT_ERR(provider_client_set(f->db, &f->admin, f->cipal, in, &out, ep), WR_EINVAL,
		   "org_id");
	json_decref(in);
	in = J("{\"services\":[\"network\"]}");
	EXPECT_ERR(provider_client_set(f->db, &f->admin, f->cipal, in, &out, ep), WR_EINVAL,
		   "org_id");
	/* a town is not a provider */
	EXPECT_ERR(provider_client_set(f->db, &f->admin, f->gent, in, &out, ep), WR_ENOTFOUND, "");
	json_decref(in);

	/* a provider that manages a town's assets stays linked until they move */
	snprintf(buf, sizeof buf,
		 "{\"type\":\"cidr\",\"value\":\"198.18.4.0/24\",\"managed_by\":\"provider\","
		 "\"provider_id\":%lld}", (long long)f->cipal);
	int64_t asset = mk_asset(f, &f->admin, f->aalst, buf);
	EXPECT_ERR(provider_client_remove(f->db, &f->admin, f->cipal, f->aalst, ep), WR_ECONFLICT,
		   "org_id");
	EXPECT_ERR(provider_delete(f->db, &f->admin, f->cipal, ep), WR_ECONFLICT, "");
	assert_int_equal(asset_delete(f->db, &f->admin, asset, &e), 0);
	assert_int_equal(provider_client_remove(f->db, &f->admin, f->cipal, f->aalst, &e), 0);
	EXPECT_ERR(provider_client_remove(f->db, &f->admin, f->cipal, f->aalst, ep), WR_ENOTFOUND,
		   "");

	/* names: required, unique among providers */
	in = J("{\"name\":\"cipal\"}");
	assert_int_equal(provider_update(f->db, &f->admin, f->cipal, in, &out, &e), 0);
	assert_string_equal(str(out, "name"), "cipal");
	json_decref(out);
	json_decref(in);
	in = J("{\"name\":\"Other IT\"}");
	EXPECT_ERR(provider_update(f->db, &f->admin, f->cipal, in, &out, ep), WR_ECONFLICT, "name");
	EXPECT_ERR(provider_create(f->db, &f->admin, in, &out, ep), WR_ECONFLICT, "name");
	json_decref(in);
	in = J("{\"name\":\"\"}");
	EXPECT_ERR(provider_create(f->db, &f->admin, in, &out, ep), WR_EINVAL, "name");
	json_decref(in);
	in = J("{\"name\":\"X\",\"vat\":\"BE0\"}");
	EXPECT_ERR(provider_create(f->db, &f->admin, in, &out, ep), WR_EINVAL, "vat");
	json_decref(in);

	/* its own contacts would vanish with it unjournalled: refused */
	int64_t own = mk_contact(f, &f->admin, f->cipal,
				 "{\"name\":\"Helpdesk\",\"role\":\"it-lead\","
				 "\"email\":\"helpdesk@cipal.example\"}");
	EXPECT_ERR(provider_delete(f->db, &f->admin, f->cipal, ep), WR_ECONFLICT, "");
	assert_int_equal(contact_delete(f->db, &f->admin, own, &e), 0);

	int64_t j0 = journal_count(f->db);
	assert_int_equal(provider_delete(f->db, &f->admin, f->cipal, &e), 0);
	assert_int_equal(journal_count(f->db), j0 + 1);
	assert_int_equal(db_query_int(f->db, "SELECT count(*) FROM provider_clients", 0, &n, &e), 0);
	assert_int_equal(n, 0);
	json_t *o = get_org(f, &f->admin, f->gent, 1);
	assert_int_equal(json_array_size(json_object_get(o, "providers")), 0);
	assert_true(json_is_false(json_object_get(json_object_get(o, "completeness"), "providers")));
	json_decref(o);
	int64_t actions = 0;
	assert_int_equal(db_query_int(f->db,
				      "SELECT count(DISTINCT action) FROM journal WHERE action IN"
				      " ('provider.create','provider.update','provider.delete',"
				      "'provider.client.set','provider.client.remove')",
				      0, &actions, &e),
			 0);
	assert_int_equal(actions, 5);
	journal_ok(f->db);
}

/* ---- transactions ---- */

static void test_nested_in_an_import(void **state)
{
	struct fx *f = *state;
	struct wr_err e = {0};
	int64_t j0 = journal_count(f->db);
	/* an import: every line or none */
	assert_int_equal(db_begin(f->db, &e), 0);
	mk_contact(f, &f->admin, f->gent, "{\"name\":\"Line 1\",\"role\":\"spoc\"}");
	contact_refused(f, &f->admin, f->gent, "{\"name\":\"Line 2\",\"role\":\"king\"}", WR_EINVAL,
			"role", NULL);
	mk_contact(f, &f->admin, f->gent, "{\"name\":\"Line 3\",\"role\":\"deputy\"}");
	db_rollback(f->db);
	int64_t n = -1;
	assert_int_equal(db_query_int(f->db, "SELECT count(*) FROM contacts", 0, &n, &e), 0);
	assert_int_equal(n, 0);
	assert_int_equal(journal_count(f->db), j0);
	/* and the savepoint of the failed line left the rest intact */
	assert_int_equal(db_begin(f->db, &e), 0);
	mk_contact(f, &f->admin, f->gent, "{\"name\":\"Line 1\",\"role\":\"spoc\"}");
	contact_refused(f, &f->admin, f->gent, "{\"name\":\"Line 2\",\"role\":\"king\"}", WR_EINVAL,
			"role", NULL);
	assert_int_equal(db_commit(f->db, &e), 0);
	assert_int_equal(db_query_int(f->db, "SELECT count(*) FROM contacts", 0, &n, &e), 0);
	assert_int_equal(n, 1);
	assert_int_equal(journal_count(f->db), j0 + 1);
	journal_ok(f->db);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
#define T(fn) cmocka_unit_test_setup_teardown(fn, setup, teardown)
		T(test_org_fields_validated),
		T(test_org_list_filters_and_paging),
		T(test_org_resolve),
		T(test_org_update_by_staff_journalled),
		T(test_contact_canonical),
		T(test_contact_errors_name_field),
		T(test_reachable_flips_with_deputy_mobile),
		T(test_oob_email_not_on_own_domain),
		T(test_contact_delete_and_journal),
		T(test_asset_canonical),
		T(test_asset_errors_name_field),
		T(test_asset_update),
		T(test_overlapping_prefix_flagged_on_both),
		T(test_spoc_sees_only_its_town),
		T(test_provider_sees_its_clients_only),
		T(test_viewer_sees_reference_data_only),
		T(test_provider_clients),
		T(test_nested_in_an_import),
#undef T
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
