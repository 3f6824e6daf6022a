/* CSV export of the registry (see export.h). Reads through the domain's
 * list functions, so what is exported is what the actor may see. */
#include "registry/export.h"

#include "base/csv.h"
#include "base/timeutil.h"
#include "registry/registry.h"
#include "store/db.h"

#include <assert.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#define MAX_COLS 16

/* How every organisation is named in a CSV file: NIS code, name or id. */
struct org_ref {
	int64_t id;
	char ref[256];
	int by_id; /* ref is the id: not portable to another database */
};

struct exp {
	sqlite3 *db;
	const struct actor *a;
	FILE *out;
	struct export_result *r;
	json_t *orgs;       /* every organisation (include_past), list order */
	struct org_ref *refs; /* same order as orgs */
	size_t n_refs;
	json_t *providers;  /* provider_list() */
};

static const char *str_of(const json_t *j)
{
	const char *s = json_string_value(j);
	return s ? s : "";
}

static int64_t id_of(const json_t *o)
{
	return (int64_t)json_integer_value(json_object_get(o, "id"));
}

static int all_digits(const char *s)
{
	if (!*s)
		return 0;
	for (; *s; s++)
		if (*s < '0' || *s > '9')
			return 0;
	return 1;
}

static int is_current(const json_t *o, const char *today)
{
	const char *to = str_of(json_object_get(o, "valid_to"));
	return !*to || strcmp(to, today) >= 0;
}

static int load_orgs(struct exp *x, struct wr_err *e)
{
	x->orgs = json_array();
	if (!x->orgs)
		return wr_err_set(e, WR_ENOMEM, "", "out of memory");
	struct org_filter f = {.include_past = 1, .limit = 500};
	for (;;) {
		json_t *items = NULL;
		int64_t next = 0;
		int rc = org_list(x->db, x->a, &f, &items, &next, e);
		if (rc)
			return rc;
		json_array_extend(x->orgs, items);
		json_decref(items);
		if (!next)
			break;
		f.cursor = next;
	}
	size_t n = json_array_size(x->orgs);
	x->refs = calloc(n ? n : 1, sizeof *x->refs);
	if (!x->refs)
		return wr_err_set(e, WR_ENOMEM, "", "out of memory");
	x->n_refs = n;
	char today[11];
	time_today(today);
	for (size_t i = 0; i < n; i++) {
		const json_t *o = json_array_get(x->orgs, i);
		struct org_ref *r = &x->refs[i];
		r->id = id_of(o);
		const char *nis = str_of(json_object_get(o, "nis_code"));
		const char *name = str_of(json_object_get(o, "name"));
		if (*nis && is_current(o, today)) {
			snprintf(r->ref, sizeof r->ref, "%s", nis);
			continue;
		}
		/* By name when no other organisation valid today has it. */
		int unique = *name && !all_digits(name) && is_current(o, today) &&
			     strlen(name) < sizeof r->ref;
		for (size_t k = 0; unique && k < n; k++) {
			const json_t *p = json_array_get(x->orgs, k);
			if (k != i && is_current(p, today) &&
			    !strcasecmp(str_of(json_object_get(p, "name")), name))
				unique = 0;
		}
		if (unique) {
			snprintf(r->ref, sizeof r->ref, "%s", name);
		} else {
			snprintf(r->ref, sizeof r->ref, "%lld", (long long)r->id);
			r->by_id = 1;
		}
	}
	return 0;
}

static const struct org_ref *ref_of(const struct exp *x, int64_t id)
{
	for (size_t i = 0; i < x->n_refs; i++)
		if (x->refs[i].id == id)
			return &x->refs[i];
	return NULL;
}

/* The reference text of organisation id ("" when id is 0 or unknown). */
static const char *ref_text(struct exp *x, int64_t id, int count)
{
	const struct org_ref *r = id ? ref_of(x, id) : NULL;
	if (!r)
		return "";
	if (r->by_id && count)
		x->r->by_id_rows++;
	return r->ref;
}

static int write_row(struct exp *x, const char *const *fields, size_t n, struct wr_err *e)
{
	if (csv_write_record(x->out, fields, n))
		return wr_err_set(e, WR_EIO, "", "cannot write the CSV output");
	x->r->rows++;
	return 0;
}

/* A JSON value as CSV text, into buf when it needs formatting. */
static const char *text_of(const json_t *v, char *buf, size_t n)
{
	if (json_is_string(v))
		return json_string_value(v);
	if (json_is_integer(v)) {
		snprintf(buf, n, "%lld", (long long)json_integer_value(v));
		return buf;
	}
	if (json_is_boolean(v))
		return json_is_true(v) ? "true" : "false";
	return "";
}

static int export_orgs(struct exp *x, struct wr_err *e)
{
	size_t i;
	json_t *o;
	json_array_foreach(x->orgs, i, o)
	{
		if (!strcmp(str_of(json_object_get(o, "kind")), "provider"))
			continue;
		char pop[32];
		const char *f[8] = {
			str_of(json_object_get(o, "kind")),
			str_of(json_object_get(o, "name")),
			str_of(json_object_get(o, "nis_code")),
			str_of(json_object_get(o, "province")),
			text_of(json_object_get(o, "population"), pop, sizeof pop),
			str_of(json_object_get(o, "valid_from")),
			str_of(json_object_get(o, "valid_to")),
			ref_text(x, (int64_t)json_integer_value(json_object_get(o, "successor_id")), 1),
		};
		int rc = write_row(x, f, 8, e);
		if (rc)
			return rc;
	}
	return 0;
}

static int export_contacts(struct exp *x, struct wr_err *e)
{
	size_t i;
	json_t *o;
	json_array_foreach(x->orgs, i, o)
	{
		json_t *items = NULL;
		int rc = contact_list(x->db, x->a, id_of(o), &items, e);
		if (rc == WR_ENOTFOUND) /* outside the actor's detail scope */
			continue;
		if (rc)
			return rc;
		size_t k;
		json_t *c;
		json_array_foreach(items, k, c)
		{
			char act[8];
			const char *f[9] = {
				ref_text(x, id_of(o), 1),
				str_of(json_object_get(c, "name")),
				str_of(json_object_get(c, "role")),
				str_of(json_object_get(c, "email")),
				str_of(json_object_get(c, "mobile")),
				str_of(json_object_get(c, "phone")),
				str_of(json_object_get(c, "oob_email")),
				str_of(json_object_get(c, "language")),
				text_of(json_object_get(c, "active"), act, sizeof act),
			};
			if ((rc = write_row(x, f, 9, e)))
				break;
		}
		json_decref(items);
		if (rc)
			return rc;
	}
	return 0;
}

/* ["network","workplace"] -> "network;workplace". */
static void join_services(const json_t *arr, char *out, size_t n)
{
	size_t i, len = 0;
	json_t *s;
	out[0] = '\0';
	json_array_foreach(arr, i, s)
	{
		int w = snprintf(out + len, n - len, "%s%s", len ? ";" : "", str_of(s));
		if (w < 0 || (size_t)w >= n - len)
			break;
		len += (size_t)w;
	}
}

static int load_providers(struct exp *x, struct wr_err *e)
{
	if (x->providers)
		return 0;
	return provider_list(x->db, x->a, &x->providers, e);
}

static int export_providers(struct exp *x, struct wr_err *e)
{
	int rc = load_providers(x, e);
	if (rc)
		return rc;
	size_t i;
	json_t *p;
	json_array_foreach(x->providers, i, p)
	{
		const char *name = str_of(json_object_get(p, "name"));
		json_t *clients = json_object_get(p, "clients");
		if (json_array_size(clients) == 0) {
			const char *f[3] = {name, "", ""};
			if ((rc = write_row(x, f, 3, e)))
				return rc;
			continue;
		}
		size_t k;
		json_t *c;
		json_array_foreach(clients, k, c)
		{
			char services[256];
			join_services(json_object_get(c, "services"), services, sizeof services);
			const char *f[3] = {
				name,
				ref_text(x, (int64_t)json_integer_value(json_object_get(c, "org_id")),
					 1),
				services,
			};
			if ((rc = write_row(x, f, 3, e)))
				return rc;
		}
	}
	return 0;
}

static const char *provider_name(struct exp *x, int64_t id)
{
	size_t i;
	json_t *p;
	if (!id)
		return "";
	json_array_foreach(x->providers, i, p)
	{
		if (id_of(p) == id)
			return str_of(json_object_get(p, "name"));
	}
	return "";
}

static int export_assets(struct exp *x, struct wr_err *e)
{
	int rc = load_providers(x, e);
	if (rc)
		return rc;
	size_t i;
	json_t *o;
	json_array_foreach(x->orgs, i, o)
	{
		json_t *items = NULL;
		rc = asset_list(x->db, x->a, id_of(o), &items, e);
		if (rc == WR_ENOTFOUND)
			continue;
		if (rc)
			return rc;
		size_t k;
		json_t *s;
		json_array_foreach(items, k, s)
		{
			const char *type = str_of(json_object_get(s, "type"));
			/* A software asset's value is derived from vendor,
			 * product and version: leave it to the import. */
			const char *value =
				strcmp(type, "software") ? str_of(json_object_get(s, "value")) : "";
			const char *f[9] = {
				ref_text(x, id_of(o), 1),
				type,
				value,
				str_of(json_object_get(s, "vendor")),
				str_of(json_object_get(s, "product")),
				str_of(json_object_get(s, "version")),
				str_of(json_object_get(s, "cpe")),
				str_of(json_object_get(s, "managed_by")),
				provider_name(x, (int64_t)json_integer_value(
							 json_object_get(s, "provider_id"))),
			};
			if ((rc = write_row(x, f, 9, e)))
				break;
		}
		json_decref(items);
		if (rc)
			return rc;
	}
	return 0;
}

int registry_export_csv(sqlite3 *db, const struct actor *a, enum import_kind kind, FILE *out,
			struct export_result *r, struct wr_err *e)
{
	assert(db && a && out && r);
	memset(r, 0, sizeof *r);
	const char *const *cols = import_columns(kind);
	if (!cols)
		return wr_err_set(e, WR_EINVAL, "", "unknown kind of export");
	size_t ncols = 0;
	while (cols[ncols])
		ncols++;
	struct exp x = {.db = db, .a = a, .out = out, .r = r};
	/* One snapshot: a consistent picture even while others write. */
	int rc = db_begin_read(db, e);
	if (rc)
		return rc;
	rc = load_orgs(&x, e);
	if (!rc && csv_write_record(out, cols, ncols))
		rc = wr_err_set(e, WR_EIO, "", "cannot write the CSV output");
	if (!rc) {
		switch (kind) {
		case IMPORT_ORGS:
			rc = export_orgs(&x, e);
			break;
		case IMPORT_CONTACTS:
			rc = export_contacts(&x, e);
			break;
		case IMPORT_PROVIDERS:
			rc = export_providers(&x, e);
			break;
		case IMPORT_ASSETS:
			rc = export_assets(&x, e);
			break;
		}
	}
	db_end_read(db);
	if (!rc && fflush(out))
		rc = wr_err_set(e, WR_EIO, "", "cannot write the CSV output");
	json_decref(x.orgs);
	json_decref(x.providers);
	free(x.refs);
	return rc;
}
