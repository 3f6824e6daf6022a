/* The registry fixture of the database fuzzers (fuzz_import.c,
 * fuzz_json_fields.c): one in-memory database with a few towns, providers,
 * contacts and assets, the four kinds of actor, and the row counts that an
 * invariant compares before and after a call. Included by one harness each
 * (everything is static); the harness defines FUZZER_NAME first. */
#ifndef WR_TESTS_FUZZ_REGISTRY_FIXTURE_H
#define WR_TESTS_FUZZ_REGISTRY_FIXTURE_H

#include <stdarg.h>
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
#include "registry/registry.h"
#include "store/db.h"
#include "store/scope.h"

static sqlite3 *db;

__attribute__((noreturn, format(printf, 1, 2))) static void die(const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	fprintf(stderr, "%s: ", FUZZER_NAME);
	vfprintf(stderr, fmt, ap);
	fprintf(stderr, "\n");
	va_end(ap);
	abort();
}

struct fixture {
	struct actor cli, spoc, provider, viewer; /* spoc: of Gent; provider: A */
	int64_t gent, aalst, antwerpen, prov_a, cipal;
	int64_t spoc_contact, cidr, software; /* Gent's SPOC, a CIDR and a software asset */
};

static json_t *J(const char *text)
{
	json_error_t je;
	json_t *v = json_loads(text, 0, &je);
	if (!v)
		die("bad fixture JSON %s: %s", text, je.text);
	return v;
}

/* The id of a created object; frees it. */
static int64_t id_of(json_t *o)
{
	int64_t id = json_integer_value(json_object_get(o, "id"));
	json_decref(o);
	return id;
}

/* Runs one registry create call as the command line; dies when it fails. */
#define FIXTURE_CREATE(call, what, fields)                                                  \
	do {                                                                                \
		struct wr_err e_ = {0};                                                     \
		if (call)                                                                   \
			die("fixture %s %s: %s: %s", what, fields, e_.field, e_.message);  \
	} while (0)

static int64_t mk_org(const struct actor *cli, const char *fields)
{
	json_t *in = J(fields), *out = NULL;
	FIXTURE_CREATE(org_create(db, cli, in, &out, &e_), "org_create", fields);
	json_decref(in);
	return id_of(out);
}

static int64_t mk_provider(const struct actor *cli, const char *name)
{
	json_t *in = json_pack("{s:s}", "name", name), *out = NULL;
	FIXTURE_CREATE(!in || provider_create(db, cli, in, &out, &e_), "provider_create", name);
	json_decref(in);
	return id_of(out);
}

static void mk_client(const struct actor *cli, int64_t provider, int64_t org, const char *services)
{
	json_t *in = json_pack("{s:I,s:s}", "org_id", (json_int_t)org, "services", services);
	json_t *out = NULL;
	FIXTURE_CREATE(!in || provider_client_set(db, cli, provider, in, &out, &e_),
		       "provider_client_set", services);
	json_decref(in);
	json_decref(out);
}

static int64_t mk_contact(const struct actor *cli, int64_t org, const char *fields)
{
	json_t *in = J(fields), *out = NULL;
	FIXTURE_CREATE(contact_create(db, cli, org, in, &out, &e_), "contact_create", fields);
	json_decref(in);
	return id_of(out);
}

static int64_t mk_asset(const struct actor *cli, int64_t org, const char *fields)
{
	json_t *in = J(fields), *out = NULL;
	FIXTURE_CREATE(asset_create(db, cli, org, in, &out, &e_), "asset_create", fields);
	json_decref(in);
	return id_of(out);
}

static void fixture_setup(struct fixture *fx)
{
	struct wr_err e = {0};
	int applied = 0;
	if (db_global_init() || secret_init())
		die("global init");
	if (db_open(":memory:", 1, &db, &e) || db_migrate(db, &applied, &e))
		die("database: %s", e.message);

	memset(fx, 0, sizeof *fx);
	const struct actor *cli = &fx->cli;
	actor_cli(&fx->cli);
	fx->gent = mk_org(cli, "{\"kind\":\"municipality\",\"name\":\"Gent\",\"nis_code\":\"44021\","
			       "\"province\":\"Oost-Vlaanderen\",\"population\":265086,"
			       "\"valid_from\":\"2019-01-01\"}");
	fx->aalst = mk_org(cli, "{\"kind\":\"municipality\",\"name\":\"Aalst\",\"nis_code\":\"41002\","
				"\"province\":\"Oost-Vlaanderen\",\"population\":89000}");
	fx->antwerpen = mk_org(cli, "{\"kind\":\"municipality\",\"name\":\"Antwerpen\","
				    "\"nis_code\":\"11002\",\"province\":\"Antwerpen\","
				    "\"valid_from\":\"2025-01-01\"}");
	char past[256];
	snprintf(past, sizeof past,
		 "{\"kind\":\"municipality\",\"name\":\"Borsbeek\",\"nis_code\":\"11007\","
		 "\"province\":\"Antwerpen\",\"valid_from\":\"2019-01-01\",\"valid_to\":\"2024-12-31\","
		 "\"successor_id\":%lld}", (long long)fx->antwerpen);
	mk_org(cli, past);
	mk_org(cli, "{\"kind\":\"province\",\"name\":\"Provincie Oost-Vlaanderen\","
		    "\"nis_code\":\"40000\",\"province\":\"Oost-Vlaanderen\"}");
	mk_org(cli, "{\"kind\":\"war-room\",\"name\":\"Vlaamse cyber war room\"}");
	fx->prov_a = mk_provider(cli, "Demo ICT Provider A");
	fx->cipal = mk_provider(cli, "Cipal");
	mk_client(cli, fx->prov_a, fx->gent, "network,workplace");
	mk_client(cli, fx->cipal, fx->aalst, "applications");
	fx->spoc_contact = mk_contact(
		cli, fx->gent,
		"{\"name\":\"An Peeters\",\"role\":\"spoc\",\"email\":\"spoc@gent.example\","
		"\"mobile\":\"0499 00 00 01\",\"oob_email\":\"an@oob.example.org\"}");
	mk_contact(cli, fx->gent, "{\"name\":\"Bart Maes\",\"role\":\"deputy\",\"email\":"
				  "\"deputy@gent.example\",\"mobile\":\"+32 499 00 00 02\","
				  "\"language\":\"fr\"}");
	mk_contact(cli, fx->aalst, "{\"name\":\"Chris Wouters\",\"role\":\"deputy\",\"language\":\"fr\"}");
	fx->cidr = mk_asset(cli, fx->gent, "{\"type\":\"cidr\",\"value\":\"198.18.0.0/24\"}");
	mk_asset(cli, fx->gent, "{\"type\":\"domain\",\"value\":\"gent.example\"}");
	char a6[200];
	snprintf(a6, sizeof a6,
		 "{\"type\":\"cidr\",\"value\":\"2001:db8::/48\",\"managed_by\":\"provider\","
		 "\"provider_id\":%lld}", (long long)fx->prov_a);
	mk_asset(cli, fx->gent, a6);
	fx->software = mk_asset(cli, fx->gent, "{\"type\":\"software\",\"vendor\":\"Fortinet\","
					       "\"product\":\"FortiOS\",\"version\":\"7.2.5\"}");
	mk_asset(cli, fx->aalst, "{\"type\":\"cidr\",\"value\":\"198.18.0.0/16\"}");
	mk_asset(cli, fx->aalst, "{\"type\":\"hostname\",\"value\":\"vpn.aalst.example\"}");

	fx->spoc.role = ROLE_SPOC;
	fx->spoc.user_id = 2;
	fx->spoc.org_id = fx->gent;
	snprintf(fx->spoc.name, sizeof fx->spoc.name, "spoc-gent");
	fx->provider.role = ROLE_PROVIDER;
	fx->provider.user_id = 3;
	fx->provider.provider_id = fx->prov_a;
	snprintf(fx->provider.name, sizeof fx->provider.name, "provider-a");
	fx->viewer.role = ROLE_VIEWER;
	fx->viewer.user_id = 4;
	snprintf(fx->viewer.name, sizeof fx->viewer.name, "viewer");
}

/* ---- row counts ---- */

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

static const char *text(sqlite3_stmt *st, int i)
{
	const unsigned char *s = sqlite3_column_text(st, i);
	return s ? (const char *)s : NULL;
}

static void journal_ok(const char *when)
{
	int64_t count = 0, bad = 0;
	struct wr_err e = {0};
	if (journal_verify(db, &count, &bad, &e))
		die("%s: journal broken at %lld: %s", when, (long long)bad, e.message);
}

/* Every provider-client link joins a provider to a town with a non-empty
 * sorted comma list of known services, without repeats. */
static void check_provider_clients(void)
{
	sqlite3_stmt *st;
	struct wr_err e = {0};
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

/* ---- canonical stored values ---- */

static int is_space(char c)
{
	return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\v' || c == '\f';
}

/* Non-empty, no surrounding white space, no control character, at most
 * max code points. */
static int clean_text(const char *s, size_t max)
{
	size_t n = strlen(s), chars = 0;
	if (n == 0 || is_space(s[0]) || is_space(s[n - 1]))
		return 0;
	for (const char *c = s; *c; c++) {
		if ((unsigned char)*c < 0x20 || *c == 0x7f)
			return 0;
		if (((unsigned char)*c & 0xc0) != 0x80)
			chars++;
	}
	return chars <= max;
}

static void check_mail(const char *what, const char *m)
{
	char buf[EMAIL_BUF_SIZE];
	if (m && (email_canonical(m, "e", buf, sizeof buf, NULL) || strcmp(buf, m)))
		die("%s: e-mail \"%s\" not canonical", what, m);
}

static void check_mobile(const char *what, const char *mobile)
{
	if (mobile && (!e164_ok(mobile) ||
		       (!strncmp(mobile, "+32", 3) && !phone_is_belgian_mobile(mobile))))
		die("%s: mobile \"%s\" not canonical", what, mobile);
}

static void check_asset_value(const char *what, const char *type, const char *value,
			      const char *lo_hex, const char *hi_hex, const char *vendor,
			      const char *product, const char *version)
{
	char buf[1100];
	if (!type || !value)
		die("%s: no type or value", what);
	if (!strcmp(type, "cidr")) {
		struct ip_prefix p;
		unsigned char lo[16], hi[16];
		char hlo[33], hhi[33];
		if (ip_prefix_parse(value, "v", &p, NULL) || ip_prefix_format(&p, buf, sizeof buf) ||
		    strcmp(buf, value))
			die("%s: prefix \"%s\" not canonical", what, value);
		if (lo_hex || hi_hex) {
			ip_prefix_range(&p, lo, hi);
			ip_range_hex(lo, hlo);
			ip_range_hex(hi, hhi);
			if (!lo_hex || !hi_hex || strcmp(hlo, lo_hex) || strcmp(hhi, hi_hex))
				die("%s: range of %s is wrong", what, value);
		}
	} else if (!strcmp(type, "domain")) {
		if (domain_canonical(value, "v", buf, sizeof buf, NULL) || strcmp(buf, value))
			die("%s: domain \"%s\" not canonical", what, value);
	} else if (!strcmp(type, "hostname")) {
		if (hostname_canonical(value, "v", buf, sizeof buf, NULL) || strcmp(buf, value))
			die("%s: host name \"%s\" not canonical", what, value);
	} else if (!strcmp(type, "software")) {
		if (!vendor || !product || !clean_text(vendor, 100) || !clean_text(product, 100) ||
		    (version && !clean_text(version, 64)))
			die("%s: software vendor \"%s\" product \"%s\" version \"%s\"", what,
			    vendor ? vendor : "(null)", product ? product : "(null)",
			    version ? version : "(null)");
		snprintf(buf, sizeof buf, "%s:%s%s%s", vendor, product, version ? ":" : "",
			 version ? version : "");
		for (char *c = buf; *c; c++)
			if (*c >= 'A' && *c <= 'Z')
				*c = (char)(*c - 'A' + 'a');
		if (strcmp(buf, value))
			die("%s: software value \"%s\", expected \"%s\"", what, value, buf);
	} else {
		die("%s: type \"%s\"", what, type);
	}
}

#endif
