/* The demo data (see demo.h). Everything here is synthetic except the
 * municipalities themselves (data/municipalities.csv, Statbel): people,
 * numbers and addresses are made up under reserved names (example.org,
 * .example, 198.18.0.0/15, 2001:db8::/32, +32 499 00x xxx), and the
 * providers are not real companies. */
#include "registry/demo.h"

#include "base/csv.h"
#include "base/embedded.h"
#include "registry/registry.h"
#include "store/db.h"

#include <assert.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define DEMO_MAX_TOWNS 400

struct town {
	char nis[8];
	char name[128];
	char province[24];
	long long population;
	char valid_from[12];
	char valid_to[12];
	char successor[8];
	int64_t id;
};

static const struct {
	const char *nis;
	const char *province;
} province_list[] = {
	{"10000", "Antwerpen"},	      {"20001", "Vlaams-Brabant"}, {"30000", "West-Vlaanderen"},
	{"40000", "Oost-Vlaanderen"}, {"70000", "Limburg"},
};

/* A few plausible Flemish names; a town's contacts pick from them by index. */
static const char *const first_names[] = {
	"An",	  "Bart",  "Els",   "Geert", "Hilde",  "Jan",	 "Katrien", "Koen",
	"Lieve",  "Luc",   "Marleen", "Pieter", "Sofie", "Tom",	 "Veerle",  "Wim",
	"Lotte",  "Jeroen", "Sarah", "Dirk",  "Inge",   "Stijn", "Nele",    "Kris",
};
static const char *const last_names[] = {
	"Peeters",   "Janssens", "Maes",	"Jacobs",     "Mertens",     "Willems",
	"Claes",     "Goossens", "Wouters",	"De Smet",    "Vermeulen",   "Van den Broeck",
	"Hermans",   "Aerts",	 "Martens",	"Verstraeten", "Van Damme",  "Lambrechts",
	"De Backer", "Coppens",	 "Michiels",	"Vandenberghe", "De Clercq", "Smets",
};
#define N_FIRST (sizeof first_names / sizeof first_names[0])
#define N_LAST (sizeof last_names / sizeof last_names[0])

/* The demo providers and what they do for their clients. */
static const struct {
	const char *name;
	const char *services; /* for provider_client_set, CSV form */
	int network;          /* manages the town's network */
} demo_providers[] = {
	{"Demo ICT Provider A", "network,workplace", 1},
	{"Demo ICT Provider B", "applications,hosting", 0},
	{"Demo ICT Provider C", "network,workplace,applications,hosting", 1},
};
#define N_PROVIDERS 3

/* Software a town runs, so that vulnerability routing by product has
 * something to find. */
static const struct {
	const char *vendor, *product, *version;
} software_list[] = {
	{"fortinet", "fortios", "7.2.5"},
	{"citrix", "netscaler_adc", "13.1"},
	{"microsoft", "exchange_server", "2019"},
	{"ivanti", "connect_secure", "22.4"},
	{"vmware", "esxi", "7.0"},
};
#define N_SOFTWARE (sizeof software_list / sizeof software_list[0])

/* FNV-1a: a stable hash, the same on every machine. */
static uint32_t fnv1a(const char *s)
{
	uint32_t h = 2166136261u;
	for (; *s; s++) {
		h ^= (unsigned char)*s;
		h *= 16777619u;
	}
	return h;
}

enum demo_gap demo_town_gap(const char *nis_code)
{
	/* About 15% of the towns (47 of the 285), the four kinds of gap
	 * about equally often (15, 10, 10, 12). */
	uint32_t h = fnv1a(nis_code);
	if (h % 1000 >= 150)
		return DEMO_GAP_NONE;
	return (enum demo_gap)(1 + (h >> 12) % 4);
}

/* Latin-1 supplement letters (U+00C0..U+00FF) without their accents. */
static const char *const latin1_ascii[64] = {
	"a", "a", "a", "a", "a", "a", "ae", "c", "e", "e", "e", "e", "i", "i", "i", "i",
	"d", "n", "o", "o", "o", "o", "o",  "",	 "o", "u", "u", "u", "u", "y", "th", "ss",
	"a", "a", "a", "a", "a", "a", "ae", "c", "e", "e", "e", "e", "i", "i", "i", "i",
	"d", "n", "o", "o", "o", "o", "o",  "",	 "o", "u", "u", "u", "u", "y", "th", "y",
};

int demo_slug(const char *name, char *out, size_t n)
{
	size_t len = 0;
	int dash = 1; /* no dash at the start */
	for (const unsigned char *p = (const unsigned char *)name; *p; p++) {
		char tmp[3] = {0};
		const char *add = tmp;
		if ((*p >= 'a' && *p <= 'z') || (*p >= '0' && *p <= '9')) {
			tmp[0] = (char)*p;
		} else if (*p >= 'A' && *p <= 'Z') {
			tmp[0] = (char)(*p - 'A' + 'a');
		} else if (*p == 0xc3 && p[1] >= 0x80 && p[1] <= 0xbf) {
			add = latin1_ascii[(p[1] - 0x80) + 0];
			p++;
		} else if (*p == ' ' || *p == '\'' || *p == '-' || *p == '.' || *p == '_') {
			if (!dash && len + 1 < n)
				out[len++] = '-';
			dash = 1;
			continue;
		} else {
			continue; /* other characters are left out */
		}
		size_t k = strlen(add);
		if (k == 0)
			continue;
		if (len + k >= n)
			return WR_EINVAL;
		memcpy(out + len, add, k);
		len += k;
		dash = 0;
	}
	while (len && out[len - 1] == '-')
		len--;
	if (len == 0 || len > 63 || len >= n)
		return WR_EINVAL;
	out[len] = '\0';
	return 0;
}

/* ---- reading the reference data ---- */

static int field_copy(const struct csv_record *rec, int i, char *out, size_t n)
{
	if (i < 0 || (size_t)i >= rec->n)
		return WR_EINVAL;
	int w = snprintf(out, n, "%s", rec->fields[i]);
	return w < 0 || (size_t)w >= n ? WR_EINVAL : 0;
}

static int read_towns(struct town *towns, size_t max, size_t *count, struct wr_err *e)
{
	const struct embedded_file *f = embedded_find("data/municipalities.csv");
	if (!f)
		return wr_err_set(e, WR_EINTERNAL, "", "data/municipalities.csv is not embedded");
	FILE *in = fmemopen((void *)(uintptr_t)f->data, f->len, "r");
	if (!in)
		return wr_err_set(e, WR_ENOMEM, "", "out of memory");
	struct csv_reader *r = csv_reader_new(in, 0, 0);
	if (!r) {
		fclose(in);
		return wr_err_set(e, WR_ENOMEM, "", "out of memory");
	}
	struct csv_record *rec;
	struct wr_err ce = {0};
	int rc = csv_next(r, &rec, &ce);
	int col[7];
	static const char *const names[7] = {"nis_code", "name_nl",  "province",     "population",
					     "valid_from", "valid_to", "successor_nis"};
	if (rc == 1) {
		rc = 0;
		for (int i = 0; i < 7; i++)
			if ((col[i] = csv_header_index(rec, names[i])) < 0)
				rc = wr_err_set(e, WR_EINTERNAL, "", "municipalities.csv has no %s",
						names[i]);
	} else {
		rc = wr_err_set(e, WR_EINTERNAL, "", "municipalities.csv is empty or malformed");
	}
	*count = 0;
	while (!rc) {
		int k = csv_next(r, &rec, &ce);
		if (k == 0)
			break;
		if (k < 0) {
			rc = wr_err_set(e, WR_EINTERNAL, "", "municipalities.csv line %d: %s", ce.line,
					ce.message);
			break;
		}
		if (*count >= max) {
			rc = wr_err_set(e, WR_EINTERNAL, "", "municipalities.csv has too many rows");
			break;
		}
		struct town *t = &towns[(*count)++];
		memset(t, 0, sizeof *t);
		char pop[24];
		char *end;
		if (field_copy(rec, col[0], t->nis, sizeof t->nis) ||
		    field_copy(rec, col[1], t->name, sizeof t->name) ||
		    field_copy(rec, col[2], t->province, sizeof t->province) ||
		    field_copy(rec, col[3], pop, sizeof pop) ||
		    field_copy(rec, col[4], t->valid_from, sizeof t->valid_from) ||
		    field_copy(rec, col[5], t->valid_to, sizeof t->valid_to) ||
		    field_copy(rec, col[6], t->successor, sizeof t->successor)) {
			rc = wr_err_set(e, WR_EINTERNAL, "", "municipalities.csv line %ld is malformed",
					rec->line);
			break;
		}
		t->population = strtoll(pop, &end, 10);
		if (!*pop || *end)
			t->population = -1;
	}
	csv_reader_free(r);
	fclose(in);
	return rc < 0 ? rc : 0;
}

static int by_nis(const void *x, const void *y)
{
	return strcmp(((const struct town *)x)->nis, ((const struct town *)y)->nis);
}

/* ---- loading ---- */

struct load {
	sqlite3 *db;
	const struct actor *a;
	struct demo_summary *s;
	struct wr_err *e;
	int64_t provider_id[N_PROVIDERS];
	unsigned contact_no; /* the next mobile number */
};

/* Runs create(fields) and gives back the new id. Takes ownership of fields. */
static int create_org(struct load *L, json_t *fields, int64_t *id)
{
	if (!fields)
		return wr_err_set(L->e, WR_ENOMEM, "", "out of memory");
	json_t *out = NULL;
	int rc = org_create(L->db, L->a, fields, &out, L->e);
	json_decref(fields);
	if (rc)
		return rc;
	if (id)
		*id = (int64_t)json_integer_value(json_object_get(out, "id"));
	json_decref(out);
	return 0;
}

static int add_contact(struct load *L, int64_t org_id, json_t *fields)
{
	if (!fields)
		return wr_err_set(L->e, WR_ENOMEM, "", "out of memory");
	int rc = contact_create(L->db, L->a, org_id, fields, NULL, L->e);
	json_decref(fields);
	if (!rc)
		L->s->contacts++;
	return rc;
}

static int add_asset(struct load *L, int64_t org_id, json_t *fields)
{
	if (!fields)
		return wr_err_set(L->e, WR_ENOMEM, "", "out of memory");
	int rc = asset_create(L->db, L->a, org_id, fields, NULL, L->e);
	json_decref(fields);
	if (!rc)
		L->s->assets++;
	return rc;
}

/* The contacts, providers and assets of the town at position i (NIS
 * order), with its deliberate gap. */
static int load_town_details(struct load *L, const struct town *t, unsigned i)
{
	char slug[64], email[128], oob[128], mobile[16];
	int rc = demo_slug(t->name, slug, sizeof slug);
	if (rc)
		return wr_err_set(L->e, WR_EINTERNAL, "", "no slug for %s", t->name);
	enum demo_gap gap = demo_town_gap(t->nis);
	uint32_t h = fnv1a(t->nis);
	if (gap != DEMO_GAP_NONE)
		L->s->incomplete++;

	/* Two mobile numbers per town, by position: unique and stable. */
	unsigned spoc_no = 2 * i + 1, deputy_no = 2 * i + 2;
	char name[96];
	snprintf(name, sizeof name, "%s %s", first_names[(i * 7) % N_FIRST],
		 last_names[(i * 11) % N_LAST]);
	snprintf(email, sizeof email, "spoc@%s.example.org", slug);
	snprintf(oob, sizeof oob, "spoc.%s@oob.example.org", slug);
	snprintf(mobile, sizeof mobile, "+3249900%04u", spoc_no);
	rc = add_contact(L, t->id,
			 json_pack("{s:s,s:s,s:s,s:s,s:s,s:s,s:b}", "name", name, "role", "spoc",
				   "email", email, "mobile", mobile, "oob_email", oob, "language",
				   "nl", "active", 1));
	if (rc)
		return rc;
	if (gap != DEMO_GAP_NO_DEPUTY) {
		snprintf(name, sizeof name, "%s %s", first_names[(i * 7 + 5) % N_FIRST],
			 last_names[(i * 11 + 7) % N_LAST]);
		snprintf(email, sizeof email, "deputy@%s.example.org", slug);
		snprintf(mobile, sizeof mobile, "+3249900%04u", deputy_no);
		json_t *f = json_pack("{s:s,s:s,s:s,s:s,s:b}", "name", name, "role", "deputy",
				      "email", email, "language", "nl", "active", 1);
		if (f && gap != DEMO_GAP_DEPUTY_NO_MOBILE &&
		    json_object_set_new(f, "mobile", json_string(mobile))) {
			json_decref(f);
			f = NULL;
		}
		if ((rc = add_contact(L, t->id, f)))
			return rc;
	}

	/* Providers: one main provider by position, and every fourth client
	 * of A also has B for its applications. */
	int main_provider = -1;
	if (gap != DEMO_GAP_NO_PROVIDER) {
		main_provider = (int)(i % N_PROVIDERS);
		json_t *f = json_pack("{s:I,s:s}", "org_id", (json_int_t)t->id, "services",
				      demo_providers[main_provider].services);
		if (!f)
			return wr_err_set(L->e, WR_ENOMEM, "", "out of memory");
		rc = provider_client_set(L->db, L->a, L->provider_id[main_provider], f, NULL, L->e);
		json_decref(f);
		if (rc)
			return rc;
		if (main_provider == 0 && i % 4 == 0) {
			f = json_pack("{s:I,s:s}", "org_id", (json_int_t)t->id, "services",
				      "applications");
			if (!f)
				return wr_err_set(L->e, WR_ENOMEM, "", "out of memory");
			rc = provider_client_set(L->db, L->a, L->provider_id[1], f, NULL, L->e);
			json_decref(f);
			if (rc)
				return rc;
		}
	}

	if (gap == DEMO_GAP_NO_ASSETS)
		return 0;
	/* The network: 198.18.0.0/15 holds 512 /24s, in NIS order. */
	char v4[32], v6[48], domain[80];
	snprintf(v4, sizeof v4, "198.%u.%u.0/24", 18 + i / 256, i % 256);
	if (i == 0)
		snprintf(v6, sizeof v6, "2001:db8::/48");
	else
		snprintf(v6, sizeof v6, "2001:db8:%x::/48", i);
	snprintf(domain, sizeof domain, "%s.example", slug);
	int by_provider = main_provider >= 0 && demo_providers[main_provider].network;
	const char *const nets[2] = {v4, v6};
	for (int k = 0; k < 2; k++) {
		json_t *f = json_pack("{s:s,s:s,s:s}", "type", "cidr", "value", nets[k], "managed_by",
				      by_provider ? "provider" : "town");
		if (f && by_provider &&
		    json_object_set_new(f, "provider_id",
					json_integer(L->provider_id[main_provider]))) {
			json_decref(f);
			f = NULL;
		}
		if ((rc = add_asset(L, t->id, f)))
			return rc;
	}
	rc = add_asset(L, t->id,
		       json_pack("{s:s,s:s,s:s}", "type", "domain", "value", domain, "managed_by",
				 "town"));
	if (rc)
		return rc;
	size_t sw = (h >> 8) % N_SOFTWARE;
	return add_asset(L, t->id,
			 json_pack("{s:s,s:s,s:s,s:s,s:s}", "type", "software", "vendor",
				   software_list[sw].vendor, "product", software_list[sw].product,
				   "version", software_list[sw].version, "managed_by", "town"));
}

static int load_all(struct load *L, struct town *towns, size_t n)
{
	int rc;
	/* Today's municipalities first, in NIS order (it fixes each town's
	 * position, hence its prefixes and numbers). */
	struct town *cur[DEMO_MAX_TOWNS];
	size_t ncur = 0;
	long long province_pop[5] = {0};
	for (size_t i = 0; i < n; i++) {
		if (towns[i].valid_to[0])
			continue;
		cur[ncur++] = &towns[i];
		for (int p = 0; p < 5; p++)
			if (!strcmp(towns[i].province, province_list[p].province) &&
			    towns[i].population > 0)
				province_pop[p] += towns[i].population;
	}

	rc = create_org(L, json_pack("{s:s,s:s}", "kind", "war-room", "name",
				     "Vlaamse cyber war room"),
			NULL);
	if (rc)
		return rc;
	for (int p = 0; p < 5; p++) {
		char name[64];
		snprintf(name, sizeof name, "Provincie %s", province_list[p].province);
		rc = create_org(L, json_pack("{s:s,s:s,s:s,s:s,s:I}", "kind", "province", "name", name,
					     "nis_code", province_list[p].nis, "province",
					     province_list[p].province, "population",
					     (json_int_t)province_pop[p]),
				NULL);
		if (rc)
			return rc;
		L->s->provinces++;
	}
	for (size_t i = 0; i < ncur; i++) {
		struct town *t = cur[i];
		json_t *f = json_pack("{s:s,s:s,s:s,s:s,s:s}", "kind", "municipality", "name",
				      t->name, "nis_code", t->nis, "province", t->province,
				      "valid_from", t->valid_from);
		if (f && t->population >= 0 &&
		    json_object_set_new(f, "population", json_integer(t->population))) {
			json_decref(f);
			f = NULL;
		}
		if ((rc = create_org(L, f, &t->id)))
			return rc;
		L->s->municipalities++;
	}
	/* The municipalities merged on 2025-01-01, pointing to their
	 * successor; Antwerpen kept its code and stays one organisation. */
	for (size_t i = 0; i < n; i++) {
		struct town *t = &towns[i];
		if (!t->valid_to[0] || !t->successor[0] || !strcmp(t->successor, t->nis))
			continue;
		int64_t succ = 0;
		for (size_t k = 0; k < ncur && !succ; k++)
			if (!strcmp(cur[k]->nis, t->successor))
				succ = cur[k]->id;
		if (!succ)
			return wr_err_set(L->e, WR_EINTERNAL, "",
					  "municipalities.csv: successor %s of %s is not valid today",
					  t->successor, t->nis);
		json_t *f = json_pack("{s:s,s:s,s:s,s:s,s:s,s:s,s:I}", "kind", "municipality", "name",
				      t->name, "nis_code", t->nis, "province", t->province,
				      "valid_from", t->valid_from, "valid_to", t->valid_to,
				      "successor_id", (json_int_t)succ);
		if (f && t->population >= 0 &&
		    json_object_set_new(f, "population", json_integer(t->population))) {
			json_decref(f);
			f = NULL;
		}
		if ((rc = create_org(L, f, &t->id)))
			return rc;
		L->s->past++;
	}
	for (int p = 0; p < N_PROVIDERS; p++) {
		json_t *f = json_pack("{s:s}", "name", demo_providers[p].name);
		json_t *out = NULL;
		if (!f)
			return wr_err_set(L->e, WR_ENOMEM, "", "out of memory");
		rc = provider_create(L->db, L->a, f, &out, L->e);
		json_decref(f);
		if (rc)
			return rc;
		L->provider_id[p] = (int64_t)json_integer_value(json_object_get(out, "id"));
		json_decref(out);
		L->s->providers++;
	}
	for (size_t i = 0; i < ncur; i++)
		if ((rc = load_town_details(L, cur[i], (unsigned)i)))
			return rc;
	return 0;
}

int demo_load(sqlite3 *db, const struct actor *a, struct demo_summary *s, struct wr_err *e)
{
	assert(db && a);
	struct demo_summary local;
	if (!s)
		s = &local;
	memset(s, 0, sizeof *s);
	struct town *towns = calloc(DEMO_MAX_TOWNS, sizeof *towns);
	if (!towns)
		return wr_err_set(e, WR_ENOMEM, "", "out of memory");
	size_t n = 0;
	int rc = read_towns(towns, DEMO_MAX_TOWNS, &n, e);
	if (!rc) {
		/* Current ones sorted by NIS code; the past ones after them. */
		qsort(towns, n, sizeof *towns, by_nis);
		rc = db_begin(db, e);
	}
	if (rc) {
		free(towns);
		return rc;
	}
	int64_t orgs = 0;
	rc = db_query_int(db, "SELECT count(*) FROM orgs", 0, &orgs, e);
	if (!rc && orgs > 0)
		rc = wr_err_set(e, WR_ECONFLICT, "",
				"the database already holds data; demo loads only into an empty one");
	if (!rc) {
		struct load L = {.db = db, .a = a, .s = s, .e = e};
		rc = load_all(&L, towns, n);
	}
	free(towns);
	if (rc) {
		db_rollback(db);
		memset(s, 0, sizeof *s);
		return rc;
	}
	return db_commit(db, e);
}
