/* Organisations: the reference data of every local government (kind, name,
 * NIS code, province, population, validity, successor), what the war room
 * knows of it (reachable, completeness). */
#include "registry/registry.h"
#include "audit/journal.h"
#include "base/timeutil.h"
#include "base/jsonutil.h"
#include "registry/registry_internal.h"
#include "store/db.h"

#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* 200 characters of up to 4 UTF-8 bytes each. */
#define ORG_NAME_MAX 200
#define ORG_NAME_BUF (ORG_NAME_MAX * 4 + 1)
#define ORG_POPULATION_MAX 100000000

static const char *const org_kinds[] = {"municipality",   "ocmw",     "police-zone", "province",
					"intermunicipal", "provider", "war-room",    NULL};
static const char *const provinces[] = {"Antwerpen", "Limburg", "Oost-Vlaanderen",
					"Vlaams-Brabant", "West-Vlaanderen", NULL};
static const char *const org_fields[] = {"kind",	 "name",       "nis_code",
					 "province",	 "population", "valid_from",
					 "valid_to",	 "successor_id", NULL};
/* Everything an organisation has is reference data: only the war room
 * changes it. */

/* An organisation as stored (reference fields only). */
struct org_rec {
	int64_t id;
	char kind[24];
	char name[ORG_NAME_BUF];
	char nis[8];
	char province[24];
	int64_t population;
	int has_population;
	char valid_from[16];
	char valid_to[16];
	int64_t successor_id; /* 0: none */
};

/* A reachable town has an active SPOC and an active deputy, each with an
 * e-mail address and a mobile number. Computed in SQL for every row of the
 * list, so that the list is one query (contacts_org is the index). */
#define REACH(role)                                                                     \
	"EXISTS (SELECT 1 FROM contacts c WHERE c.org_id = o.id AND c.role = '" role "'" \
	" AND c.active = 1 AND c.email IS NOT NULL AND c.mobile IS NOT NULL)"
#define ORG_COLS                                                                                  \
	"o.id, o.kind, o.name, o.nis_code, o.province, o.population, o.valid_from, o.valid_to,"  \
	" o.successor_id, (" REACH("spoc") " AND " REACH("deputy") ") AS reachable,"            \
	" EXISTS (SELECT 1 FROM provider_clients pc WHERE pc.org_id = o.id) AS has_providers,"   \
	" EXISTS (SELECT 1 FROM assets s WHERE s.org_id = o.id AND s.type IN ('cidr','domain'))" \
	" AS has_assets"

static const char *col_str(sqlite3_stmt *st, int i)
{
	const unsigned char *s = sqlite3_column_text(st, i);
	return s ? (const char *)s : "";
}

/* The org JSON of a row selected with ORG_COLS. Caller owns. Built field
 * by field rather than with json_pack(): the list of every town is the
 * most requested document, and this is its inner loop. */
static json_t *org_row_json(sqlite3_stmt *st)
{
	int reach = sqlite3_column_int(st, 9);
	int prov = sqlite3_column_int(st, 10);
	int assets = sqlite3_column_int(st, 11);
	json_t *o = json_object(), *c = json_object();
	if (!o || !c) {
		json_decref(o);
		json_decref(c);
		return NULL;
	}
	int bad = json_object_set_new_nocheck(o, "id", json_integer(sqlite3_column_int64(st, 0)));
	bad |= json_object_set_new_nocheck(o, "kind", reg_col_text(st, 1));
	bad |= json_object_set_new_nocheck(o, "name", reg_col_text(st, 2));
	bad |= json_object_set_new_nocheck(o, "nis_code", reg_col_text(st, 3));
	bad |= json_object_set_new_nocheck(o, "province", reg_col_text(st, 4));
	bad |= json_object_set_new_nocheck(o, "population", reg_col_int(st, 5));
	bad |= json_object_set_new_nocheck(o, "valid_from", reg_col_text(st, 6));
	bad |= json_object_set_new_nocheck(o, "valid_to", reg_col_text(st, 7));
	bad |= json_object_set_new_nocheck(o, "successor_id", reg_col_int(st, 8));
	bad |= json_object_set_new_nocheck(o, "reachable", json_boolean(reach));
	bad |= json_object_set_new_nocheck(c, "contacts", json_boolean(reach));
	bad |= json_object_set_new_nocheck(c, "providers", json_boolean(prov));
	bad |= json_object_set_new_nocheck(c, "assets", json_boolean(assets));
	bad |= json_object_set_new_nocheck(o, "completeness", c);
	bad |= json_object_set_new_nocheck(o, "complete", json_boolean(reach && prov && assets));
	if (bad) {
		json_decref(o);
		return NULL;
	}
	return o;
}

/* The reference fields as JSON: what the journal records. */
static json_t *org_rec_json(const struct org_rec *r)
{
	json_t *o = json_object();
	if (!o)
		return NULL;
	int bad = 0;
#define TXT(k, v) bad |= json_object_set_new(o, k, (v)[0] ? json_string(v) : json_null())
	TXT("kind", r->kind);
	TXT("name", r->name);
	TXT("nis_code", r->nis);
	TXT("province", r->province);
	TXT("valid_from", r->valid_from);
	TXT("valid_to", r->valid_to);
#undef TXT
	bad |= json_object_set_new(o, "population",
				   r->has_population ? json_integer(r->population) : json_null());
	bad |= json_object_set_new(o, "successor_id",
				   r->successor_id ? json_integer(r->successor_id) : json_null());
	if (bad) {
		json_decref(o);
		return NULL;
	}
	return o;
}

/* "YYYY-MM-DD", a real calendar date. */
static int parse_date(const char *in, const char *field, char out[16], struct wr_err *e)
{
	char t[16];
	if (reg_clean_text(in, field, 10, t, sizeof t, NULL) || strlen(t) != 10 || t[4] != '-' ||
	    t[7] != '-')
		return wr_err_set(e, WR_EINVAL, field, "must be a date like 2025-01-01");
	for (int i = 0; i < 10; i++)
		if (i != 4 && i != 7 && (t[i] < '0' || t[i] > '9'))
			return wr_err_set(e, WR_EINVAL, field, "must be a date like 2025-01-01");
	int y = (t[0] - '0') * 1000 + (t[1] - '0') * 100 + (t[2] - '0') * 10 + (t[3] - '0');
	int m = (t[5] - '0') * 10 + (t[6] - '0');
	int d = (t[8] - '0') * 10 + (t[9] - '0');
	static const int mdays[] = {31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
	int leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
	if (y < 1800 || m < 1 || m > 12 || d < 1 || d > mdays[m - 1] || (m == 2 && d == 29 && !leap))
		return wr_err_set(e, WR_EINVAL, field, "is not a valid date (%s)", t);
	snprintf(out, 16, "%s", t);
	return 0;
}

/* Applies fields to r (a new one when create): every value validated and
 * canonicalised, every error naming its field. */
static int org_apply(struct org_rec *r, const json_t *f, int create, struct wr_err *e)
{
	int rc = json_reject_unknown(f, org_fields, e);
	if (rc)
		return rc;
	const char *s = NULL;
	enum reg_state st;
	int64_t n = 0;

	if ((rc = reg_get_text(f, "kind", &s, &st, e)))
		return rc;
	if (st == REG_SET) {
		const char *k = reg_match_word(org_kinds, s);
		if (!k)
			return wr_err_set(e, WR_EINVAL, "kind",
					  "must be one of municipality, ocmw, police-zone, province,"
					  " intermunicipal, provider, war-room");
		snprintf(r->kind, sizeof r->kind, "%s", k);
	} else if (st == REG_CLEAR || (create && st == REG_ABSENT)) {
		return wr_err_set(e, WR_EINVAL, "kind", "is required");
	}

	if ((rc = reg_get_text(f, "name", &s, &st, e)))
		return rc;
	if (st == REG_SET) {
		if ((rc = reg_clean_text(s, "name", ORG_NAME_MAX, r->name, sizeof r->name, e)))
			return rc;
	} else if (st == REG_CLEAR || (create && st == REG_ABSENT)) {
		return wr_err_set(e, WR_EINVAL, "name", "is required");
	}

	if ((rc = reg_get_text(f, "nis_code", &s, &st, e)))
		return rc;
	if (st == REG_CLEAR) {
		r->nis[0] = '\0';
	} else if (st == REG_SET) {
		char t[8];
		int ok = !reg_clean_text(s, "nis_code", 5, t, sizeof t, NULL) && strlen(t) == 5;
		for (int i = 0; ok && i < 5; i++)
			ok = t[i] >= '0' && t[i] <= '9';
		if (!ok)
			return wr_err_set(e, WR_EINVAL, "nis_code", "must be 5 digits (the NIS code)");
		snprintf(r->nis, sizeof r->nis, "%s", t);
	}

	if ((rc = reg_get_text(f, "province", &s, &st, e)))
		return rc;
	if (st == REG_CLEAR) {
		r->province[0] = '\0';
	} else if (st == REG_SET) {
		const char *p = reg_match_word(provinces, s);
		if (!p)
			return wr_err_set(e, WR_EINVAL, "province",
					  "must be one of the five Flemish provinces: Antwerpen,"
					  " Limburg, Oost-Vlaanderen, Vlaams-Brabant, West-Vlaanderen");
		snprintf(r->province, sizeof r->province, "%s", p);
	}

	if ((rc = reg_get_int(f, "population", &n, &st, e)))
		return rc;
	if (st == REG_CLEAR) {
		r->has_population = 0;
	} else if (st == REG_SET) {
		if (n < 0 || n > ORG_POPULATION_MAX)
			return wr_err_set(e, WR_EINVAL, "population", "must be from 0 to %d",
					  ORG_POPULATION_MAX);
		r->population = n;
		r->has_population = 1;
	}

	if ((rc = reg_get_text(f, "valid_from", &s, &st, e)))
		return rc;
	if (st == REG_CLEAR)
		r->valid_from[0] = '\0';
	else if (st == REG_SET && (rc = parse_date(s, "valid_from", r->valid_from, e)))
		return rc;
	if ((rc = reg_get_text(f, "valid_to", &s, &st, e)))
		return rc;
	if (st == REG_CLEAR)
		r->valid_to[0] = '\0';
	else if (st == REG_SET && (rc = parse_date(s, "valid_to", r->valid_to, e)))
		return rc;
	if (r->valid_from[0] && r->valid_to[0] && strcmp(r->valid_to, r->valid_from) < 0)
		return wr_err_set(e, WR_EINVAL, "valid_to", "is before valid_from (%s)",
				  r->valid_from);

	if ((rc = reg_get_int(f, "successor_id", &n, &st, e)))
		return rc;
	if (st == REG_CLEAR) {
		r->successor_id = 0;
	} else if (st == REG_SET) {
		if (n <= 0)
			return wr_err_set(e, WR_EINVAL, "successor_id", "must be an organisation id");
		r->successor_id = n;
	}
	return 0;
}

/* Checks against the other rows: the successor exists, the NIS code is not
 * taken by another organisation valid today, a provider does not become a
 * town while it still serves towns (and the other way round). */
static int org_check_db(sqlite3 *db, const struct org_rec *r, const char *old_kind,
			struct wr_err *e)
{
	sqlite3_stmt *st;
	int rc = 0, s;
	if (r->successor_id) {
		if (r->successor_id == r->id)
			return wr_err_set(e, WR_EINVAL, "successor_id",
					  "cannot be the organisation itself");
		int64_t one;
		rc = db_query_int(db, "SELECT 1 FROM orgs WHERE id = ?", r->successor_id, &one, e);
		if (rc == WR_ENOTFOUND)
			return wr_err_set(e, WR_EINVAL, "successor_id", "no organisation with id %lld",
					  (long long)r->successor_id);
		if (rc)
			return rc;
	}
	if (r->nis[0] && !r->valid_to[0]) {
		rc = db_prepare(db, "SELECT id, name FROM orgs WHERE nis_code = ?1 AND valid_to IS NULL"
				    " AND id <> ?2 LIMIT 1", &st, e);
		if (rc)
			return rc;
		sqlite3_bind_text(st, 1, r->nis, -1, SQLITE_STATIC);
		sqlite3_bind_int64(st, 2, r->id);
		s = sqlite3_step(st);
		if (s == SQLITE_ROW)
			rc = wr_err_set(e, WR_ECONFLICT, "nis_code",
					"is already the NIS code of %.200s (id %lld), valid today",
					col_str(st, 1), (long long)sqlite3_column_int64(st, 0));
		else if (s != SQLITE_DONE)
			rc = db_fail(db, e);
		sqlite3_finalize(st);
		if (rc)
			return rc;
	}
	if (old_kind && strcmp(old_kind, r->kind) != 0) {
		int was_provider = !strcmp(old_kind, "provider");
		int is_provider = !strcmp(r->kind, "provider");
		if (was_provider != is_provider) {
			int64_t cnt = 0;
			rc = db_query_int(db,
					  was_provider
						  ? "SELECT count(*) FROM provider_clients WHERE provider_id = ?"
						  : "SELECT count(*) FROM provider_clients WHERE org_id = ?",
					  r->id, &cnt, e);
			if (rc)
				return rc;
			if (cnt)
				return wr_err_set(e, WR_ECONFLICT, "kind",
						  was_provider
							  ? "cannot change: this provider still serves %lld"
							    " organisations"
							  : "cannot become provider: %lld providers serve this"
							    " organisation",
						  (long long)cnt);
		}
	}
	return 0;
}

static int bind_org(sqlite3_stmt *st, const struct org_rec *r)
{
	sqlite3_bind_text(st, 1, r->kind, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 2, r->name, -1, SQLITE_STATIC);
	db_bind_text_or_null(st, 3, r->nis);
	db_bind_text_or_null(st, 4, r->province);
	if (r->has_population)
		sqlite3_bind_int64(st, 5, r->population);
	else
		sqlite3_bind_null(st, 5);
	db_bind_text_or_null(st, 6, r->valid_from);
	db_bind_text_or_null(st, 7, r->valid_to);
	if (r->successor_id)
		sqlite3_bind_int64(st, 8, r->successor_id);
	else
		sqlite3_bind_null(st, 8);
	return 0;
}

static const char *org_conflict_msg(const struct org_rec *r)
{
	return !strcmp(r->kind, "provider") ? "another provider has this name"
					    : "another organisation valid today has this NIS code";
}

static const char *org_conflict_field(const struct org_rec *r)
{
	return !strcmp(r->kind, "provider") ? "name" : "nis_code";
}

/* Reads one org (ORG_COLS) in the actor's reference scope. *detail tells
 * whether the actor may also see its detail data. */
static int org_fetch(sqlite3 *db, const struct actor *a, int64_t id, json_t **out, int *detail,
		     struct wr_err *e)
{
	char ref[REG_SCOPE_MAX], det[REG_SCOPE_MAX];
	char sql[sizeof ORG_COLS + 2 * REG_SCOPE_MAX + 128];
	*out = NULL;
	if (reg_org_ref_scope(a, "o.id", ref, sizeof ref) || scope_org_sql(a, "o.id", det, sizeof det))
		return wr_err_set(e, WR_EINTERNAL, "", "scope too long");
	snprintf(sql, sizeof sql, "SELECT " ORG_COLS ", (%s) AS detail FROM orgs o"
		 " WHERE o.id = ?1 AND %s", det, ref);
	sqlite3_stmt *st;
	int rc = db_prepare(db, sql, &st, e);
	if (rc)
		return rc;
	sqlite3_bind_int64(st, 1, id);
	int s = sqlite3_step(st);
	if (s == SQLITE_ROW) {
		*out = org_row_json(st);
		if (detail)
			*detail = sqlite3_column_int(st, 12);
		if (!*out)
			rc = wr_err_set(e, WR_ENOMEM, "", "out of memory");
	} else if (s == SQLITE_DONE) {
		rc = wr_err_set(e, WR_ENOTFOUND, "", "organisation %lld not found", (long long)id);
	} else {
		rc = db_fail(db, e);
	}
	sqlite3_finalize(st);
	return rc;
}

/* Loads the reference fields of an org in the actor's reference scope. */
static int org_load(sqlite3 *db, const struct actor *a, int64_t id, struct org_rec *r,
		    struct wr_err *e)
{
	char ref[REG_SCOPE_MAX], sql[REG_SCOPE_MAX + 200];
	if (reg_org_ref_scope(a, "o.id", ref, sizeof ref))
		return wr_err_set(e, WR_EINTERNAL, "", "scope too long");
	snprintf(sql, sizeof sql,
		 "SELECT o.kind, o.name, o.nis_code, o.province, o.population, o.valid_from,"
		 " o.valid_to, o.successor_id FROM orgs o WHERE o.id = ?1 AND %s", ref);
	sqlite3_stmt *st;
	int rc = db_prepare(db, sql, &st, e);
	if (rc)
		return rc;
	sqlite3_bind_int64(st, 1, id);
	int s = sqlite3_step(st);
	if (s == SQLITE_ROW) {
		memset(r, 0, sizeof *r);
		r->id = id;
		snprintf(r->kind, sizeof r->kind, "%s", col_str(st, 0));
		snprintf(r->name, sizeof r->name, "%s", col_str(st, 1));
		snprintf(r->nis, sizeof r->nis, "%s", col_str(st, 2));
		snprintf(r->province, sizeof r->province, "%s", col_str(st, 3));
		r->has_population = sqlite3_column_type(st, 4) != SQLITE_NULL;
		r->population = sqlite3_column_int64(st, 4);
		snprintf(r->valid_from, sizeof r->valid_from, "%.10s", col_str(st, 5));
		snprintf(r->valid_to, sizeof r->valid_to, "%.10s", col_str(st, 6));
		r->successor_id = sqlite3_column_int64(st, 7);
	} else if (s == SQLITE_DONE) {
		rc = wr_err_set(e, WR_ENOTFOUND, "", "organisation %lld not found", (long long)id);
	} else {
		rc = db_fail(db, e);
	}
	sqlite3_finalize(st);
	return rc;
}

int org_list(sqlite3 *db, const struct actor *a, const struct org_filter *f, json_t **items,
	     int64_t *next_cursor, struct wr_err *e)
{
	*items = NULL;
	*next_cursor = 0;
	if (f->limit < 1 || f->limit > 500)
		return wr_err_set(e, WR_EINVAL, "limit", "must be an integer from 1 to 500");
	if (f->cursor < 0 || f->cursor > 1000000000000LL)
		return wr_err_set(e, WR_EINVAL, "cursor", "is not a cursor from this API");
	const char *kind = NULL, *province = NULL;
	char q[ORG_NAME_BUF];
	q[0] = '\0';
	if (f->kind && *f->kind && !(kind = reg_match_word(org_kinds, f->kind)))
		return wr_err_set(e, WR_EINVAL, "kind",
				  "must be one of municipality, ocmw, police-zone, province,"
				  " intermunicipal, provider, war-room");
	if (f->province && *f->province && !(province = reg_match_word(provinces, f->province)))
		return wr_err_set(e, WR_EINVAL, "province",
				  "must be one of the five Flemish provinces: Antwerpen, Limburg,"
				  " Oost-Vlaanderen, Vlaams-Brabant, West-Vlaanderen");
	if (f->q) {
		int rc = reg_clean_text(f->q, "q", ORG_NAME_MAX, q, sizeof q, e);
		if (rc)
			return rc;
		/* SQLite's lower() folds ASCII only; fold the query the same way. */
		for (char *c = q; *c; c++)
			*c = (char)tolower((unsigned char)*c);
	}
	char ref[REG_SCOPE_MAX];
	char sql[sizeof ORG_COLS + REG_SCOPE_MAX + 512];
	if (reg_org_ref_scope(a, "o.id", ref, sizeof ref))
		return wr_err_set(e, WR_EINTERNAL, "", "scope too long");
	snprintf(sql, sizeof sql,
		 "SELECT " ORG_COLS " FROM orgs o WHERE %s"
		 " AND (?1 IS NULL OR instr(lower(o.name), ?1) > 0"
		 "      OR substr(o.nis_code, 1, length(?1)) = ?1)"
		 " AND (?2 IS NULL OR o.kind = ?2) AND (?3 IS NULL OR o.province = ?3)"
		 " AND (?4 OR o.valid_to IS NULL OR o.valid_to >= ?5)"
		 " ORDER BY o.name COLLATE NOCASE, o.id LIMIT ?6 OFFSET ?7",
		 ref);
	sqlite3_stmt *st;
	int rc = db_prepare(db, sql, &st, e);
	if (rc)
		return rc;
	char today[11];
	time_today(today);
	db_bind_text_or_null(st, 1, q);
	db_bind_text_or_null(st, 2, kind);
	db_bind_text_or_null(st, 3, province);
	sqlite3_bind_int(st, 4, f->include_past ? 1 : 0);
	sqlite3_bind_text(st, 5, today, -1, SQLITE_STATIC);
	sqlite3_bind_int(st, 6, f->limit + 1);
	sqlite3_bind_int64(st, 7, f->cursor);
	json_t *arr = json_array();
	int n = 0, s = SQLITE_DONE;
	while (arr && (s = sqlite3_step(st)) == SQLITE_ROW) {
		if (n == f->limit) {
			*next_cursor = f->cursor + f->limit;
			s = SQLITE_DONE;
			break;
		}
		if (json_array_append_new(arr, org_row_json(st))) {
			json_decref(arr);
			arr = NULL;
		}
		n++;
	}
	if (!arr)
		rc = wr_err_set(e, WR_ENOMEM, "", "out of memory");
	else if (s != SQLITE_DONE)
		rc = db_fail(db, e);
	sqlite3_finalize(st);
	if (rc) {
		json_decref(arr);
		*next_cursor = 0;
		return rc;
	}
	*items = arr;
	return 0;
}

int org_get(sqlite3 *db, const struct actor *a, int64_t id, int with_details, json_t **out,
	    struct wr_err *e)
{
	json_t *o = NULL;
	int detail = 0;
	int rc = org_fetch(db, a, id, &o, &detail, e);
	if (rc)
		return rc;
	if (with_details && detail) {
		json_t *contacts = NULL, *providers = NULL, *assets = NULL;
		rc = reg_contacts_of(db, id, &contacts, e);
		if (!rc)
			rc = reg_providers_of(db, id, &providers, e);
		if (!rc)
			rc = reg_assets_of(db, a, id, &assets, e);
		if (rc) {
			json_decref(contacts);
			json_decref(providers);
			json_decref(assets);
			json_decref(o);
			return rc;
		}
		/* set_new takes the references, even when it fails */
		if (json_object_set_new(o, "contacts", contacts) |
		    json_object_set_new(o, "providers", providers) |
		    json_object_set_new(o, "assets", assets)) {
			json_decref(o);
			return wr_err_set(e, WR_ENOMEM, "", "out of memory");
		}
	}
	if (out)
		*out = o;
	else
		json_decref(o);
	return 0;
}

int org_create(sqlite3 *db, const struct actor *a, const json_t *fields, json_t **out,
	       struct wr_err *e)
{
	if (out)
		*out = NULL;
	if (!scope_is_staff(a))
		return wr_err_set(e, WR_EFORBIDDEN, "", "only the war room adds organisations");
	struct org_rec r;
	memset(&r, 0, sizeof r);
	int rc = org_apply(&r, fields, 1, e);
	if (rc)
		return rc;
	if ((rc = db_begin(db, e)))
		return rc;
	json_t *det = NULL, *o = NULL;
	sqlite3_stmt *st;
	if ((rc = org_check_db(db, &r, NULL, e)))
		goto fail;
	char now[40];
	time_now_rfc3339(now, sizeof now);
	rc = db_prepare(db, "INSERT INTO orgs (kind, name, nis_code, province, population,"
			    " valid_from, valid_to, successor_id, created_at, updated_at)"
			    " VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?9)", &st, e);
	if (rc)
		goto fail;
	bind_org(st, &r);
	sqlite3_bind_text(st, 9, now, -1, SQLITE_STATIC);
	if (sqlite3_step(st) != SQLITE_DONE) {
		rc = reg_fail(db, org_conflict_field(&r), org_conflict_msg(&r), e);
		sqlite3_finalize(st);
		goto fail;
	}
	sqlite3_finalize(st);
	r.id = sqlite3_last_insert_rowid(db);
	det = org_rec_json(&r);
	if (!det) {
		rc = wr_err_set(e, WR_ENOMEM, "", "out of memory");
		goto fail;
	}
	if ((rc = journal_append(db, a->name, "org.create", "org", r.id, det, e)))
		goto fail;
	if ((rc = org_fetch(db, a, r.id, &o, NULL, e)))
		goto fail;
	if ((rc = db_commit(db, e)))
		goto rolled_back; /* db_commit rolled back */
	json_decref(det);
	if (out)
		*out = o;
	else
		json_decref(o);
	return 0;
fail:
	db_rollback(db);
rolled_back:
	json_decref(det);
	json_decref(o);
	return rc;
}

int org_update(sqlite3 *db, const struct actor *a, int64_t id, const json_t *fields, json_t **out,
	       struct wr_err *e)
{
	if (out)
		*out = NULL;
	int rc = db_begin(db, e);
	if (rc)
		return rc;
	struct org_rec old, r;
	json_t *before = NULL, *after = NULL, *changes = NULL, *det = NULL, *o = NULL;
	if ((rc = org_load(db, a, id, &old, e)))
		goto fail;
	if ((rc = json_reject_unknown(fields, org_fields, e)))
		goto fail;
	if (!scope_is_staff(a) && json_object_size(fields) > 0) {
		const char *key = json_object_iter_key(json_object_iter((json_t *)fields));
		if (a->role == ROLE_SPOC)
			rc = wr_err_set(e, WR_EFORBIDDEN, key,
					"only the war room changes reference data (name, kind, NIS"
					" code, province, population)");
		else
			rc = reg_forbidden(a, e);
		goto fail;
	}
	r = old;
	if ((rc = org_apply(&r, fields, 0, e)) || (rc = org_check_db(db, &r, old.kind, e)))
		goto fail;
	before = org_rec_json(&old);
	after = org_rec_json(&r);
	changes = before && after ? reg_diff(before, after, org_fields) : NULL;
	if (!changes) {
		rc = wr_err_set(e, WR_ENOMEM, "", "out of memory");
		goto fail;
	}
	if (json_object_size(changes) > 0) {
		char now[40];
		sqlite3_stmt *st;
		time_now_rfc3339(now, sizeof now);
		rc = db_prepare(db, "UPDATE orgs SET kind = ?1, name = ?2, nis_code = ?3,"
				    " province = ?4, population = ?5, valid_from = ?6, valid_to = ?7,"
				    " successor_id = ?8, updated_at = ?9 WHERE id = ?10", &st, e);
		if (rc)
			goto fail;
		bind_org(st, &r);
		sqlite3_bind_text(st, 9, now, -1, SQLITE_STATIC);
		sqlite3_bind_int64(st, 10, id);
		if (sqlite3_step(st) != SQLITE_DONE) {
			rc = reg_fail(db, org_conflict_field(&r), org_conflict_msg(&r), e);
			sqlite3_finalize(st);
			goto fail;
		}
		sqlite3_finalize(st);
		det = json_pack("{s:s,s:O}", "name", r.name, "changes", changes);
		if (!det) {
			rc = wr_err_set(e, WR_ENOMEM, "", "out of memory");
			goto fail;
		}
		if ((rc = journal_append(db, a->name, "org.update", "org", id, det, e)))
			goto fail;
	}
	if ((rc = org_fetch(db, a, id, &o, NULL, e)))
		goto fail;
	rc = db_commit(db, e); /* rolls back itself when it fails */
	goto done;
fail:
	db_rollback(db);
done:
	json_decref(before);
	json_decref(after);
	json_decref(changes);
	json_decref(det);
	if (!rc && out)
		*out = o;
	else
		json_decref(o);
	return rc;
}

int org_resolve(sqlite3 *db, const char *id_or_nis, int64_t *id, struct wr_err *e)
{
	char t[ORG_NAME_BUF], today[11];
	if (!id_or_nis || reg_clean_text(id_or_nis, "org", ORG_NAME_MAX, t, sizeof t, e) || !t[0])
		return wr_err_set(e, WR_EINVAL, "org", "give an organisation id, NIS code or name");
	time_today(today);
	int digits = 1;
	for (const char *c = t; *c; c++)
		if (*c < '0' || *c > '9')
			digits = 0;
	sqlite3_stmt *st;
	int rc, s;
	if (digits && strlen(t) == 5) {
		rc = db_prepare(db, "SELECT id FROM orgs WHERE nis_code = ?1 AND (valid_to IS NULL"
				    " OR valid_to >= ?2) ORDER BY valid_to IS NULL DESC, id LIMIT 1",
				&st, e);
		if (rc)
			return rc;
		sqlite3_bind_text(st, 1, t, -1, SQLITE_STATIC);
		sqlite3_bind_text(st, 2, today, -1, SQLITE_STATIC);
		s = sqlite3_step(st);
		if (s == SQLITE_ROW)
			*id = sqlite3_column_int64(st, 0);
		else if (s != SQLITE_DONE)
			rc = db_fail(db, e);
		sqlite3_finalize(st);
		if (rc || s == SQLITE_ROW)
			return rc;
	}
	if (digits && strlen(t) <= 18 && t[0] != '0') {
		int64_t v = strtoll(t, NULL, 10), one;
		rc = db_query_int(db, "SELECT id FROM orgs WHERE id = ?", v, &one, e);
		if (!rc)
			*id = one;
		if (rc != WR_ENOTFOUND)
			return rc;
		return wr_err_set(e, WR_ENOTFOUND, "org", "no organisation with id or NIS code %s", t);
	}
	if (digits)
		return wr_err_set(e, WR_ENOTFOUND, "org", "no organisation with id or NIS code %s", t);
	/* A name, when exactly one organisation valid today carries it. */
	rc = db_prepare(db, "SELECT id FROM orgs WHERE lower(name) = lower(?1) AND (valid_to IS NULL"
			    " OR valid_to >= ?2) ORDER BY id LIMIT 2", &st, e);
	if (rc)
		return rc;
	sqlite3_bind_text(st, 1, t, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 2, today, -1, SQLITE_STATIC);
	int n = 0;
	while ((s = sqlite3_step(st)) == SQLITE_ROW) {
		*id = sqlite3_column_int64(st, 0);
		n++;
	}
	if (s != SQLITE_DONE)
		rc = db_fail(db, e);
	else if (n == 0)
		rc = wr_err_set(e, WR_ENOTFOUND, "org", "no organisation called %.200s", t);
	else if (n > 1)
		rc = wr_err_set(e, WR_EINVAL, "org",
				"several organisations are called %.200s; give the id or NIS code", t);
	sqlite3_finalize(st);
	return rc;
}
