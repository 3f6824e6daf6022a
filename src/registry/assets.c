/* The internet assets of an organisation: address prefixes, domains, host
 * names and software, and who manages each. They route vulnerability
 * reports and indicator sightings to their owner, so they are stored in one
 * canonical form; a prefix claimed by two organisations is flagged (the
 * conflicts list), not refused: the war room sorts it out. */
#include "registry/registry.h"
#include "audit/journal.h"
#include "base/domain.h"
#include "base/ip.h"
#include "base/timeutil.h"
#include "base/jsonutil.h"
#include "registry/registry_internal.h"
#include "store/db.h"

#include <stdio.h>
#include <string.h>

#define SW_NAME_MAX 100 /* vendor, product */
#define SW_NAME_BUF (SW_NAME_MAX * 4 + 1)
#define SW_VERSION_MAX 64
#define SW_VERSION_BUF (SW_VERSION_MAX * 4 + 1)
#define CPE_MAX 400
#define ASSET_VALUE_BUF (2 * SW_NAME_BUF + SW_VERSION_BUF + 4)

static const char *const asset_fields[] = {"type",   "value",   "managed_by", "provider_id",
					   "vendor", "product", "version",    "cpe",
					   NULL};
static const char *const software_fields[] = {"vendor", "product", "version", "cpe", NULL};

struct asset_rec {
	int64_t id;
	int64_t org_id;
	char type[16];
	char value[ASSET_VALUE_BUF];
	char range_lo[33];
	char range_hi[33];
	char vendor[SW_NAME_BUF];
	char product[SW_NAME_BUF];
	char version[SW_VERSION_BUF];
	char cpe[CPE_MAX + 1];
	char managed_by[16];
	int64_t provider_id; /* 0: none */
};

#define ASSET_COLS                                                                           \
	"a.id, a.org_id, a.type, a.value, a.range_lo, a.range_hi, a.vendor, a.product, a.version," \
	" a.cpe, a.managed_by, a.provider_id"

static const char *col_str(sqlite3_stmt *st, int i)
{
	const unsigned char *s = sqlite3_column_text(st, i);
	return s ? (const char *)s : "";
}

static void give(json_t **out, json_t *obj)
{
	if (out)
		*out = obj;
	else
		json_decref(obj);
}

static void asset_from_row(sqlite3_stmt *st, struct asset_rec *r)
{
	memset(r, 0, sizeof *r);
	r->id = sqlite3_column_int64(st, 0);
	r->org_id = sqlite3_column_int64(st, 1);
	snprintf(r->type, sizeof r->type, "%s", col_str(st, 2));
	snprintf(r->value, sizeof r->value, "%s", col_str(st, 3));
	snprintf(r->range_lo, sizeof r->range_lo, "%s", col_str(st, 4));
	snprintf(r->range_hi, sizeof r->range_hi, "%s", col_str(st, 5));
	snprintf(r->vendor, sizeof r->vendor, "%s", col_str(st, 6));
	snprintf(r->product, sizeof r->product, "%s", col_str(st, 7));
	snprintf(r->version, sizeof r->version, "%s", col_str(st, 8));
	snprintf(r->cpe, sizeof r->cpe, "%s", col_str(st, 9));
	snprintf(r->managed_by, sizeof r->managed_by, "%s", col_str(st, 10));
	r->provider_id = sqlite3_column_int64(st, 11);
}

static json_t *text_or_null(const char *s)
{
	return s[0] ? json_string(s) : json_null();
}

/* The asset JSON without conflicts (id left out when 0). Caller owns. */
static json_t *asset_json(const struct asset_rec *r)
{
	json_t *o = json_pack("{s:I,s:s,s:s,s:s,s:o,s:o,s:o,s:o,s:o}", "org_id",
			      (json_int_t)r->org_id, "type", r->type, "value", r->value, "managed_by",
			      r->managed_by, "provider_id",
			      r->provider_id ? json_integer(r->provider_id) : json_null(), "vendor",
			      text_or_null(r->vendor), "product", text_or_null(r->product), "version",
			      text_or_null(r->version), "cpe", text_or_null(r->cpe));
	if (o && r->id && json_object_set_new(o, "id", json_integer(r->id))) {
		json_decref(o);
		return NULL;
	}
	return o;
}

/* The fields a caller could send that recreate r (for merging a PATCH). */
static json_t *asset_input_json(const struct asset_rec *r)
{
	json_t *o = asset_json(r);
	if (!o)
		return NULL;
	json_object_del(o, "id");
	json_object_del(o, "org_id");
	const char *k;
	void *tmp;
	json_t *v;
	json_object_foreach_safe(o, tmp, k, v) {
		if (json_is_null(v))
			json_object_del(o, k);
	}
	return o;
}

static void lower_ascii(char *s)
{
	for (; *s; s++)
		if (*s >= 'A' && *s <= 'Z')
			*s = (char)(*s - 'A' + 'a');
}

/* A CPE 2.3 formatted string: "cpe:2.3:" and 13 colon-separated parts in
 * all ("\:" is an escaped colon inside a part), printable ASCII. Stored in
 * lower case. The vendor, product and version parts are given back (not
 * unescaped, "*" and "-" as is) for filling in what the caller left out. */
static int check_cpe(char *cpe, char parts[3][SW_NAME_BUF], struct wr_err *e)
{
	if (strncmp(cpe, "cpe:2.3:", 8) != 0 && strncmp(cpe, "CPE:2.3:", 8) != 0)
		return wr_err_set(e, WR_EINVAL, "cpe",
				  "must be a CPE 2.3 name starting with cpe:2.3: (like"
				  " cpe:2.3:a:vendor:product:version:*:*:*:*:*:*:*)");
	for (const char *c = cpe; *c; c++)
		if ((unsigned char)*c <= 0x20 || (unsigned char)*c >= 0x7f)
			return wr_err_set(e, WR_EINVAL, "cpe",
					  "must be printable ASCII without spaces");
	lower_ascii(cpe);
	int n = 1;
	size_t start = 0;
	for (size_t i = 0;; i++) {
		if (cpe[i] == '\\' && cpe[i + 1]) {
			i++;
			continue;
		}
		if (cpe[i] == ':' || !cpe[i]) {
			/* part n (1-based) is cpe[start..i) */
			if (n >= 4 && n <= 6) {
				size_t len = i - start;
				if (len >= SW_NAME_BUF)
					len = SW_NAME_BUF - 1;
				memcpy(parts[n - 4], cpe + start, len);
				parts[n - 4][len] = '\0';
			}
			if (n == 3 && !(i - start == 1 && strchr("aoh", cpe[start])))
				return wr_err_set(e, WR_EINVAL, "cpe",
						  "has a part other than a, o or h after cpe:2.3:");
			if (i == start)
				return wr_err_set(e, WR_EINVAL, "cpe",
						  "has an empty part (use * for any)");
			if (!cpe[i])
				break;
			n++;
			start = i + 1;
		}
	}
	if (n != 13)
		return wr_err_set(e, WR_EINVAL, "cpe",
				  "has %d colon-separated parts; a CPE 2.3 name has 13", n);
	return 0;
}

/* A CPE part as a name: without the escapes; "*" and "-" mean none. */
static void cpe_part_name(const char *part, char *out, size_t n)
{
	size_t k = 0;
	if (!strcmp(part, "*") || !strcmp(part, "-")) {
		out[0] = '\0';
		return;
	}
	for (const char *c = part; *c && k + 1 < n; c++) {
		if (*c == '\\' && c[1])
			c++;
		out[k++] = *c;
	}
	out[k] = '\0';
}

/* Fills r (org_id, id set by the caller) from fields: every value
 * validated and canonicalised, every error naming its field. */
static int asset_parse(struct asset_rec *r, const json_t *f, struct wr_err *e)
{
	int rc = json_reject_unknown(f, asset_fields, e);
	if (rc)
		return rc;
	const char *s = NULL;
	enum reg_state st;
	char t[16];

	if ((rc = reg_get_text(f, "type", &s, &st, e)))
		return rc;
	if (st != REG_SET)
		return wr_err_set(e, WR_EINVAL, "type",
				  "is required (cidr, domain, hostname or software)");
	if (reg_clean_text(s, "type", 10, t, sizeof t, NULL) ||
	    (lower_ascii(t), strcmp(t, "cidr") && strcmp(t, "domain") && strcmp(t, "hostname") &&
				 strcmp(t, "software")))
		return wr_err_set(e, WR_EINVAL, "type", "must be cidr, domain, hostname or software");
	snprintf(r->type, sizeof r->type, "%s", t);
	int software = !strcmp(r->type, "software");

	if ((rc = reg_get_text(f, "value", &s, &st, e)))
		return rc;
	const char *value = st == REG_SET ? s : NULL;
	if (!software && !value)
		return wr_err_set(e, WR_EINVAL, "value", "is required");
	if (!strcmp(r->type, "cidr")) {
		struct ip_prefix p;
		unsigned char lo[16], hi[16];
		if ((rc = ip_prefix_parse(value, "value", &p, e)))
			return rc;
		if (ip_prefix_format(&p, r->value, sizeof r->value))
			return wr_err_set(e, WR_EINVAL, "value", "is not a valid prefix");
		ip_prefix_range(&p, lo, hi);
		ip_range_hex(lo, r->range_lo);
		ip_range_hex(hi, r->range_hi);
	} else if (!strcmp(r->type, "domain")) {
		if ((rc = domain_canonical(value, "value", r->value, sizeof r->value, e)))
			return rc;
	} else if (!strcmp(r->type, "hostname")) {
		if ((rc = hostname_canonical(value, "value", r->value, sizeof r->value, e)))
			return rc;
	}

	/* software fields */
	char *dst[] = {r->vendor, r->product, r->version, r->cpe};
	const size_t dstsz[] = {sizeof r->vendor, sizeof r->product, sizeof r->version,
				sizeof r->cpe};
	const size_t maxc[] = {SW_NAME_MAX, SW_NAME_MAX, SW_VERSION_MAX, CPE_MAX};
	for (int i = 0; software_fields[i]; i++) {
		dst[i][0] = '\0';
		if ((rc = reg_get_text(f, software_fields[i], &s, &st, e)))
			return rc;
		if (st != REG_SET)
			continue;
		if (!software)
			return wr_err_set(e, WR_EINVAL, software_fields[i],
					  "is only for software assets");
		if ((rc = reg_clean_text(s, software_fields[i], maxc[i], dst[i], dstsz[i], e)))
			return rc;
	}
	if (software) {
		char parts[3][SW_NAME_BUF] = {"", "", ""};
		if (r->cpe[0] && (rc = check_cpe(r->cpe, parts, e)))
			return rc;
		/* what the caller left out: from "vendor:product:version" in
		 * value, then from the CPE name; each part under the rules of
		 * its own field (trimmed, length in characters) */
		if (value && !r->vendor[0] && !r->product[0]) {
			char v[ASSET_VALUE_BUF];
			if ((rc = reg_clean_text(value, "value", sizeof v / 4 - 1, v, sizeof v, e)))
				return rc;
			char *p1 = strchr(v, ':'), *p2 = p1 ? strchr(p1 + 1, ':') : NULL;
			if (p1) {
				*p1 = '\0';
				if (p2)
					*p2 = '\0';
				if ((rc = reg_clean_text(v, "value", SW_NAME_MAX, r->vendor,
							 sizeof r->vendor, e)) ||
				    (rc = reg_clean_text(p1 + 1, "value", SW_NAME_MAX, r->product,
							 sizeof r->product, e)))
					return rc;
				if (p2 && !r->version[0] &&
				    (rc = reg_clean_text(p2 + 1, "value", SW_VERSION_MAX, r->version,
							 sizeof r->version, e)))
					return rc;
			}
		}
		char name[SW_NAME_BUF];
		if (!r->vendor[0]) {
			cpe_part_name(parts[0], name, sizeof name);
			if ((rc = reg_clean_text(name, "cpe", SW_NAME_MAX, r->vendor, sizeof r->vendor,
						 e)))
				return rc;
		}
		if (!r->product[0]) {
			cpe_part_name(parts[1], name, sizeof name);
			if ((rc = reg_clean_text(name, "cpe", SW_NAME_MAX, r->product,
						 sizeof r->product, e)))
				return rc;
		}
		if (!r->vendor[0])
			return wr_err_set(e, WR_EINVAL, "vendor", "is required for software");
		if (!r->product[0])
			return wr_err_set(e, WR_EINVAL, "product", "is required for software");
		snprintf(r->value, sizeof r->value, "%s:%s%s%s", r->vendor, r->product,
			 r->version[0] ? ":" : "", r->version);
		lower_ascii(r->value);
		r->range_lo[0] = r->range_hi[0] = '\0';
	}

	if ((rc = reg_get_text(f, "managed_by", &s, &st, e)))
		return rc;
	snprintf(r->managed_by, sizeof r->managed_by, "town");
	if (st == REG_SET) {
		if (reg_clean_text(s, "managed_by", 10, t, sizeof t, NULL) ||
		    (lower_ascii(t), strcmp(t, "town") && strcmp(t, "provider")))
			return wr_err_set(e, WR_EINVAL, "managed_by", "must be town or provider");
		snprintf(r->managed_by, sizeof r->managed_by, "%s", t);
	}
	int64_t pid = 0;
	if ((rc = reg_get_int(f, "provider_id", &pid, &st, e)))
		return rc;
	r->provider_id = 0;
	if (st == REG_SET) {
		if (pid <= 0)
			return wr_err_set(e, WR_EINVAL, "provider_id", "must be a provider id");
		if (strcmp(r->managed_by, "provider") != 0)
			return wr_err_set(e, WR_EINVAL, "provider_id",
					  "is only for assets with managed_by provider");
		r->provider_id = pid;
	} else if (!strcmp(r->managed_by, "provider")) {
		return wr_err_set(e, WR_EINVAL, "provider_id",
				  "is required when managed_by is provider");
	}
	return 0;
}

int reg_asset_key(const json_t *fields, char type[16], char *value, size_t n)
{
	struct asset_rec r;
	if (asset_parse(&r, fields, NULL))
		return -1;
	snprintf(type, 16, "%s", r.type);
	return snprintf(value, n, "%s", r.value) >= (int)n ? -1 : 0;
}

/* The managing provider must serve this organisation. */
static int asset_check_db(sqlite3 *db, const struct asset_rec *r, struct wr_err *e)
{
	if (!r->provider_id)
		return 0;
	sqlite3_stmt *st;
	int rc;
	if ((rc = db_prepare(db, "SELECT 1 FROM provider_clients pc JOIN orgs p"
				 " ON p.id = pc.provider_id AND p.kind = 'provider'"
				 " WHERE pc.provider_id = ?1 AND pc.org_id = ?2", &st, e)))
		return rc;
	sqlite3_bind_int64(st, 1, r->provider_id);
	sqlite3_bind_int64(st, 2, r->org_id);
	int s = sqlite3_step(st);
	if (s == SQLITE_DONE)
		rc = wr_err_set(e, WR_EINVAL, "provider_id",
				"is not a provider of this organisation (link the provider to it"
				" first)");
	else if (s != SQLITE_ROW)
		rc = db_fail(db, e);
	sqlite3_finalize(st);
	return rc;
}

static void bind_asset(sqlite3_stmt *st, const struct asset_rec *r)
{
	sqlite3_bind_text(st, 1, r->type, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 2, r->value, -1, SQLITE_STATIC);
	db_bind_text_or_null(st, 3, r->range_lo);
	db_bind_text_or_null(st, 4, r->range_hi);
	db_bind_text_or_null(st, 5, r->vendor);
	db_bind_text_or_null(st, 6, r->product);
	db_bind_text_or_null(st, 7, r->version);
	db_bind_text_or_null(st, 8, r->cpe);
	sqlite3_bind_text(st, 9, r->managed_by, -1, SQLITE_STATIC);
	if (r->provider_id)
		sqlite3_bind_int64(st, 10, r->provider_id);
	else
		sqlite3_bind_null(st, 10);
}

static int dup_error(sqlite3 *db, const struct asset_rec *r, struct wr_err *e)
{
	char msg[160];
	snprintf(msg, sizeof msg, "this organisation already has the %s %.100s", r->type,
		 r->value);
	return reg_fail(db, "value", msg, e);
}

/* Adds conflicts[] to each asset of items: the other organisations in the
 * actor's scope with a prefix overlapping the asset's (ranges as
 * equal-length hex text compare like the numbers). Overlaps with towns the
 * actor cannot see are not hinted at (that would let a SPOC probe whose
 * address space is whose); the war room, which sees all, resolves them.
 * by_org: the assets of org key; else the asset with id key. */
static int add_conflicts(sqlite3 *db, const struct actor *a, json_t *items, int by_org,
			 int64_t key, struct wr_err *e)
{
	size_t i;
	json_t *it;
	json_array_foreach(items, i, it) {
		if (json_object_set_new(it, "conflicts", json_array()))
			return wr_err_set(e, WR_ENOMEM, "", "out of memory");
	}
	char scope[REG_SCOPE_MAX], sql[REG_SCOPE_MAX + 600];
	if (scope_org_sql(a, "o2.id", scope, sizeof scope))
		return wr_err_set(e, WR_EINTERNAL, "", "scope too long");
	snprintf(sql, sizeof sql,
		 "SELECT a.id, o2.id, o2.name FROM assets a"
		 " JOIN assets b ON b.type = 'cidr' AND b.org_id <> a.org_id"
		 "  AND b.range_lo <= a.range_hi AND a.range_lo <= b.range_hi"
		 /* IPv4 lives at ::ffff:0:0/96 in the range space; an IPv6 prefix
		  * such as ::/8 spans it but claims no IPv4 address. */
		 "  AND (instr(a.value, ':') > 0) = (instr(b.value, ':') > 0)"
		 " JOIN orgs o2 ON o2.id = b.org_id"
		 " WHERE a.type = 'cidr' AND %s = ?1 AND (%s)"
		 " GROUP BY a.id, o2.id ORDER BY a.id, o2.name COLLATE NOCASE, o2.id",
		 by_org ? "a.org_id" : "a.id", scope);
	sqlite3_stmt *st;
	int rc = db_prepare(db, sql, &st, e);
	if (rc)
		return rc;
	sqlite3_bind_int64(st, 1, key);
	int s;
	json_t *list = NULL;
	int64_t list_id = 0;
	while ((s = sqlite3_step(st)) == SQLITE_ROW) {
		int64_t aid = sqlite3_column_int64(st, 0);
		if (!list || aid != list_id) {
			list = NULL;
			list_id = aid;
			json_array_foreach(items, i, it) {
				if (json_integer_value(json_object_get(it, "id")) == aid) {
					list = json_object_get(it, "conflicts");
					break;
				}
			}
			if (!list)
				continue;
		}
		if (json_array_append_new(list, json_pack("{s:I,s:s}", "org_id",
							  (json_int_t)sqlite3_column_int64(st, 1),
							  "name", col_str(st, 2)))) {
			rc = wr_err_set(e, WR_ENOMEM, "", "out of memory");
			break;
		}
	}
	if (!rc && s != SQLITE_DONE)
		rc = db_fail(db, e);
	sqlite3_finalize(st);
	return rc;
}

/* Assets with their conflicts: of org key (by_org), or the one with id key
 * in the actor's scope. */
static int asset_query(sqlite3 *db, const struct actor *a, int by_org, int64_t key,
		       json_t **items, struct wr_err *e)
{
	char scope[REG_SCOPE_MAX], sql[REG_SCOPE_MAX + 400];
	*items = NULL;
	if (scope_org_sql(a, "a.org_id", scope, sizeof scope))
		return wr_err_set(e, WR_EINTERNAL, "", "scope too long");
	snprintf(sql, sizeof sql,
		 "SELECT " ASSET_COLS " FROM assets a WHERE %s = ?1 AND %s"
		 " ORDER BY a.type, a.range_lo, a.value, a.id",
		 by_org ? "a.org_id" : "a.id", scope);
	sqlite3_stmt *st;
	int rc = db_prepare(db, sql, &st, e);
	if (rc)
		return rc;
	sqlite3_bind_int64(st, 1, key);
	json_t *arr = json_array();
	struct asset_rec r;
	int s = SQLITE_DONE;
	while (arr && (s = sqlite3_step(st)) == SQLITE_ROW) {
		asset_from_row(st, &r);
		if (json_array_append_new(arr, asset_json(&r))) {
			json_decref(arr);
			arr = NULL;
		}
	}
	if (!arr)
		rc = wr_err_set(e, WR_ENOMEM, "", "out of memory");
	else if (s != SQLITE_DONE)
		rc = db_fail(db, e);
	sqlite3_finalize(st);
	if (!rc && json_array_size(arr) > 0)
		rc = add_conflicts(db, a, arr, by_org, key, e);
	if (rc) {
		json_decref(arr);
		return rc;
	}
	*items = arr;
	return 0;
}

int reg_assets_of(sqlite3 *db, const struct actor *a, int64_t org_id, json_t **items,
		  struct wr_err *e)
{
	return asset_query(db, a, 1, org_id, items, e);
}

int asset_list(sqlite3 *db, const struct actor *a, int64_t org_id, json_t **items,
	       struct wr_err *e)
{
	*items = NULL;
	int rc = reg_org_detail_visible(db, a, org_id, NULL, 0, e);
	return rc ? rc : asset_query(db, a, 1, org_id, items, e);
}

int asset_get(sqlite3 *db, const struct actor *a, int64_t id, json_t **out, struct wr_err *e)
{
	json_t *items;
	*out = NULL;
	int rc = asset_query(db, a, 0, id, &items, e);
	if (rc)
		return rc;
	if (json_array_size(items) == 0) {
		json_decref(items);
		return wr_err_set(e, WR_ENOTFOUND, "", "asset %lld not found", (long long)id);
	}
	*out = json_incref(json_array_get(items, 0));
	json_decref(items);
	return 0;
}

/* Loads an asset in the actor's scope. */
static int asset_load(sqlite3 *db, const struct actor *a, int64_t id, struct asset_rec *r,
		      struct wr_err *e)
{
	char scope[REG_SCOPE_MAX], sql[REG_SCOPE_MAX + 200];
	if (scope_org_sql(a, "a.org_id", scope, sizeof scope))
		return wr_err_set(e, WR_EINTERNAL, "", "scope too long");
	snprintf(sql, sizeof sql, "SELECT " ASSET_COLS " FROM assets a WHERE a.id = ?1 AND %s",
		 scope);
	sqlite3_stmt *st;
	int rc = db_prepare(db, sql, &st, e);
	if (rc)
		return rc;
	sqlite3_bind_int64(st, 1, id);
	int s = sqlite3_step(st);
	if (s == SQLITE_ROW)
		asset_from_row(st, r);
	else if (s == SQLITE_DONE)
		rc = wr_err_set(e, WR_ENOTFOUND, "", "asset %lld not found", (long long)id);
	else
		rc = db_fail(db, e);
	sqlite3_finalize(st);
	return rc;
}

int asset_create(sqlite3 *db, const struct actor *a, int64_t org_id, const json_t *fields,
		 json_t **out, struct wr_err *e)
{
	if (out)
		*out = NULL;
	struct asset_rec r;
	memset(&r, 0, sizeof r);
	r.org_id = org_id;
	sqlite3_stmt *st;
	int rc = db_begin(db, e);
	if (rc)
		return rc;
	if ((rc = reg_org_check_detail_edit(db, a, org_id, e)) || (rc = asset_parse(&r, fields, e)) ||
	    (rc = asset_check_db(db, &r, e)))
		goto fail;
	char now[40];
	time_now_rfc3339(now, sizeof now);
	if ((rc = db_prepare(db, "INSERT INTO assets (type, value, range_lo, range_hi, vendor,"
				 " product, version, cpe, managed_by, provider_id, org_id, created_at,"
				 " updated_at) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11,"
				 " ?12, ?12)", &st, e)))
		goto fail;
	bind_asset(st, &r);
	sqlite3_bind_int64(st, 11, org_id);
	sqlite3_bind_text(st, 12, now, -1, SQLITE_STATIC);
	if (sqlite3_step(st) != SQLITE_DONE) {
		rc = dup_error(db, &r, e);
		sqlite3_finalize(st);
		goto fail;
	}
	sqlite3_finalize(st);
	r.id = sqlite3_last_insert_rowid(db);
	return reg_finish(db, a, "asset.create", "asset", r.id, asset_json(&r), asset_get, out, e);
fail:
	db_rollback(db);
	return rc;
}

/* The stored asset's fields overlaid with a PATCH: what asset_parse()
 * checks as a whole. Switching away from software drops the software
 * fields; for software the value is derived, so the stored one goes; a
 * change to managed_by town drops the provider. */
static json_t *asset_merge(const struct asset_rec *old, const json_t *patch)
{
	json_t *m = asset_input_json(old);
	if (!m)
		return NULL;
	const char *k;
	json_t *v;
	json_object_foreach((json_t *)patch, k, v) {
		if (json_object_set(m, k, v)) {
			json_decref(m);
			return NULL;
		}
	}
	json_t *type = json_object_get(m, "type");
	int software = json_is_string(type) && !strcmp(json_string_value(type), "software");
	if (!software)
		for (int i = 0; software_fields[i]; i++)
			if (!json_object_get(patch, software_fields[i]))
				json_object_del(m, software_fields[i]);
	if (software && !json_object_get(patch, "value"))
		json_object_del(m, "value");
	json_t *mb = json_object_get(patch, "managed_by");
	if (json_is_string(mb) && strcmp(json_string_value(mb), "provider") != 0 &&
	    !json_object_get(patch, "provider_id"))
		json_object_del(m, "provider_id");
	return m;
}

int asset_update(sqlite3 *db, const struct actor *a, int64_t id, const json_t *fields,
		 json_t **out, struct wr_err *e)
{
	static const char *const diff_fields[] = {"type",   "value",   "managed_by", "provider_id",
						  "vendor", "product", "version",    "cpe",
						  NULL};
	if (out)
		*out = NULL;
	struct asset_rec old, r;
	json_t *merged = NULL, *before = NULL, *after = NULL, *changes = NULL, *det = NULL,
	       *o = NULL;
	int rc = db_begin(db, e);
	if (rc)
		return rc;
	if ((rc = asset_load(db, a, id, &old, e)))
		goto fail;
	if (!scope_can_edit_org(a, old.org_id)) {
		rc = reg_forbidden(a, e);
		goto fail;
	}
	if ((rc = json_reject_unknown(fields, asset_fields, e)))
		goto fail;
	merged = asset_merge(&old, fields);
	if (!merged) {
		rc = wr_err_set(e, WR_ENOMEM, "", "out of memory");
		goto fail;
	}
	memset(&r, 0, sizeof r);
	r.id = id;
	r.org_id = old.org_id;
	if ((rc = asset_parse(&r, merged, e)))
		goto fail;
	before = asset_json(&old);
	after = asset_json(&r);
	changes = before && after ? reg_diff(before, after, diff_fields) : NULL;
	if (!changes) {
		rc = wr_err_set(e, WR_ENOMEM, "", "out of memory");
		goto fail;
	}
	if (json_object_size(changes) > 0) {
		/* an unchanged provider link stays valid even if the provider no
		 * longer serves the town; a new one is checked */
		if ((r.provider_id != old.provider_id) && (rc = asset_check_db(db, &r, e)))
			goto fail;
		char now[40];
		time_now_rfc3339(now, sizeof now);
		sqlite3_stmt *st;
		if ((rc = db_prepare(db, "UPDATE assets SET type = ?1, value = ?2, range_lo = ?3,"
					 " range_hi = ?4, vendor = ?5, product = ?6, version = ?7,"
					 " cpe = ?8, managed_by = ?9, provider_id = ?10,"
					 " updated_at = ?11 WHERE id = ?12", &st, e)))
			goto fail;
		bind_asset(st, &r);
		sqlite3_bind_text(st, 11, now, -1, SQLITE_STATIC);
		sqlite3_bind_int64(st, 12, id);
		if (sqlite3_step(st) != SQLITE_DONE) {
			rc = dup_error(db, &r, e);
			sqlite3_finalize(st);
			goto fail;
		}
		sqlite3_finalize(st);
		det = json_pack("{s:I,s:O}", "org_id", (json_int_t)r.org_id, "changes", changes);
		if (!det) {
			rc = wr_err_set(e, WR_ENOMEM, "", "out of memory");
			goto fail;
		}
		if ((rc = journal_append(db, a->name, "asset.update", "asset", id, det, e)))
			goto fail;
	}
	if ((rc = asset_get(db, a, id, &o, e)))
		goto fail;
	rc = db_commit(db, e); /* rolls back itself when it fails */
	goto done;
fail:
	db_rollback(db);
done:
	json_decref(merged);
	json_decref(before);
	json_decref(after);
	json_decref(changes);
	json_decref(det);
	if (rc)
		json_decref(o);
	else
		give(out, o);
	return rc;
}

int asset_delete(sqlite3 *db, const struct actor *a, int64_t id, struct wr_err *e)
{
	struct asset_rec r;
	json_t *det = NULL;
	sqlite3_stmt *st;
	int rc = db_begin(db, e);
	if (rc)
		return rc;
	if ((rc = asset_load(db, a, id, &r, e)))
		goto fail;
	if (!scope_can_edit_org(a, r.org_id)) {
		rc = reg_forbidden(a, e);
		goto fail;
	}
	if ((rc = db_prepare(db, "DELETE FROM assets WHERE id = ?1", &st, e)))
		goto fail;
	sqlite3_bind_int64(st, 1, id);
	if ((rc = db_step_done(db, st, e)))
		goto fail;
	det = asset_json(&r);
	if (!det) {
		rc = wr_err_set(e, WR_ENOMEM, "", "out of memory");
		goto fail;
	}
	if ((rc = journal_append(db, a->name, "asset.delete", "asset", id, det, e)))
		goto fail;
	json_decref(det);
	return db_commit(db, e);
fail:
	db_rollback(db);
	json_decref(det);
	return rc;
}
