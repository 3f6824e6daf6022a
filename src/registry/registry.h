/* The registry of local governments: organisations, their contacts, their
 * ICT providers and their internet assets.
 *
 * Every function takes the acting user; scope is enforced in the queries
 * (store/scope.h), so an object outside the actor's scope is WR_ENOTFOUND.
 * Create and update take the fields as a JSON object (from the API body or
 * a CSV line): the domain validates, canonicalises and rejects unknown
 * fields (WR_EINVAL naming the field), writes the row and its journal entry
 * in one transaction (nesting inside the caller's, see db_begin), and gives
 * back the stored object (caller owns *out; out may be NULL).
 *
 * JSON shapes (the API contract, docs/api.md):
 *  org:      {id, kind, name, nis_code, province, population, valid_from, valid_to,
 *             successor_id, reachable, completeness:{contacts, providers, assets}, complete}
 *            org_get(with_details) adds contacts[], providers[{id,name,services[]}], assets[]
 *  contact:  {id, org_id, name, role, email, mobile, phone, oob_email, language, active}
 *  provider: {id, name, clients:[{org_id, name, services[]}]}
 *  asset:    {id, org_id, type, value, managed_by, provider_id, vendor, product, version, cpe,
 *             conflicts:[{org_id, name}]}
 */
#ifndef WR_REGISTRY_REGISTRY_H
#define WR_REGISTRY_REGISTRY_H

#include <jansson.h>
#include <sqlite3.h>
#include <stdint.h>

#include "base/err.h"
#include "store/scope.h"

struct org_filter {
	const char *q;        /* substring of name or NIS code prefix, case-insensitive; NULL = all */
	const char *kind;     /* NULL = all kinds */
	const char *province; /* NULL = all */
	int include_past;     /* also organisations with valid_to in the past (merged) */
	int limit;            /* 1..500 */
	int64_t cursor;       /* 0 = from the start; else the value of next_cursor */
};

int org_list(sqlite3 *db, const struct actor *a, const struct org_filter *f, json_t **items,
	     int64_t *next_cursor, struct wr_err *e);
int org_get(sqlite3 *db, const struct actor *a, int64_t id, int with_details, json_t **out,
	    struct wr_err *e);
int org_create(sqlite3 *db, const struct actor *a, const json_t *fields, json_t **out,
	       struct wr_err *e);
int org_update(sqlite3 *db, const struct actor *a, int64_t id, const json_t *fields, json_t **out,
	       struct wr_err *e);
/* "44021" (a NIS code of an organisation valid today) or "12" (an id). */
int org_resolve(sqlite3 *db, const char *id_or_nis, int64_t *id, struct wr_err *e);

int contact_list(sqlite3 *db, const struct actor *a, int64_t org_id, json_t **items,
		 struct wr_err *e);
int contact_get(sqlite3 *db, const struct actor *a, int64_t id, json_t **out, struct wr_err *e);
int contact_create(sqlite3 *db, const struct actor *a, int64_t org_id, const json_t *fields,
		   json_t **out, struct wr_err *e);
int contact_update(sqlite3 *db, const struct actor *a, int64_t id, const json_t *fields,
		   json_t **out, struct wr_err *e);
int contact_delete(sqlite3 *db, const struct actor *a, int64_t id, struct wr_err *e);

int provider_list(sqlite3 *db, const struct actor *a, json_t **items, struct wr_err *e);
int provider_create(sqlite3 *db, const struct actor *a, const json_t *fields, json_t **out,
		    struct wr_err *e);
int provider_update(sqlite3 *db, const struct actor *a, int64_t id, const json_t *fields,
		    json_t **out, struct wr_err *e);
int provider_delete(sqlite3 *db, const struct actor *a, int64_t id, struct wr_err *e);
/* fields: {org_id, services:[network|workplace|applications|hosting]} (replaces the services). */
int provider_client_set(sqlite3 *db, const struct actor *a, int64_t provider_id,
			const json_t *fields, json_t **out, struct wr_err *e);
int provider_client_remove(sqlite3 *db, const struct actor *a, int64_t provider_id,
			   int64_t org_id, struct wr_err *e);

int asset_list(sqlite3 *db, const struct actor *a, int64_t org_id, json_t **items,
	       struct wr_err *e);
int asset_get(sqlite3 *db, const struct actor *a, int64_t id, json_t **out, struct wr_err *e);
int asset_create(sqlite3 *db, const struct actor *a, int64_t org_id, const json_t *fields,
		 json_t **out, struct wr_err *e);
int asset_update(sqlite3 *db, const struct actor *a, int64_t id, const json_t *fields,
		 json_t **out, struct wr_err *e);
int asset_delete(sqlite3 *db, const struct actor *a, int64_t id, struct wr_err *e);

#endif
