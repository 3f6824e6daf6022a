/* Shared by the registry's own files (orgs.c, contacts.c, providers.c,
 * assets.c): scope look-ups, field readers that tell "absent" from
 * "cleared" (common.c), and the pieces org_get() borrows from the other files.
 * Not for use outside src/registry/. */
#ifndef WR_REGISTRY_INTERNAL_H
#define WR_REGISTRY_INTERNAL_H

#include <jansson.h>
#include <sqlite3.h>
#include <stddef.h>
#include <stdint.h>

#include "base/err.h"
#include "store/scope.h"

/* Room for a scope condition from scope_org_sql() (or our own variants). */
#define REG_SCOPE_MAX 512

/* ---- scope (common.c) ---- */

/* The condition under which the actor sees an organisation's reference
 * data (name, NIS, province, ...): like scope_org_sql(), except that a
 * viewer sees every organisation. */
int reg_org_ref_scope(const struct actor *a, const char *col, char *out, size_t n);
/* 0 when org_id exists and the actor may see its detail data (contacts,
 * assets, providers); else WR_ENOTFOUND. kind (may be NULL) receives the
 * organisation's kind. */
int reg_org_detail_visible(sqlite3 *db, const struct actor *a, int64_t org_id, char *kind,
			   size_t kindsz, struct wr_err *e);
/* For a change to the detail data of org_id: WR_ENOTFOUND when the actor
 * cannot see it, WR_EFORBIDDEN when it can but may not change it. */
int reg_org_check_detail_edit(sqlite3 *db, const struct actor *a, int64_t org_id,
			      struct wr_err *e);
/* The 403 for an actor that sees an object but may not change it. */
int reg_forbidden(const struct actor *a, struct wr_err *e);

/* The entry of list equal to s ignoring ASCII case and surrounding white
 * space, or NULL. */
const char *reg_match_word(const char *const list[], const char *s);

/* ---- field readers (common.c) ----
 * Each reads obj[key]: *state is REG_ABSENT (no such key), REG_CLEAR (JSON
 * null, or a string that is empty after trimming: "empty = absent" for
 * CSV lines and cleared form fields) or REG_SET. A wrong type is WR_EINVAL
 * naming the key. */
enum reg_state { REG_ABSENT = 0, REG_CLEAR, REG_SET };
/* *out borrows the JSON string, untrimmed. */
int reg_get_text(const json_t *obj, const char *key, const char **out, enum reg_state *state,
		 struct wr_err *e);
/* An integer, or a decimal string (CSV). */
int reg_get_int(const json_t *obj, const char *key, int64_t *out, enum reg_state *state,
		struct wr_err *e);
/* true/false, or the text "true"/"false" (a CSV cell). */
int reg_get_bool(const json_t *obj, const char *key, int *out, enum reg_state *state,
		 struct wr_err *e);
/* Copies in without surrounding white space into out; refuses control
 * characters and more than max_chars characters (UTF-8 code points). An
 * empty result is allowed: callers decide whether the field is required. */
int reg_clean_text(const char *in, const char *field, size_t max_chars, char *out, size_t outsz,
		   struct wr_err *e);

#define PROVIDER_NAME_MAX 200 /* characters */
#define PROVIDER_NAME_BUF (PROVIDER_NAME_MAX * 4 + 1)

/* The type and canonical value an asset with these fields is stored
 * under, exactly as asset_create would (for finding an import line's
 * stored twin). 0, or -1 when the fields are not a valid asset. */
int reg_asset_key(const json_t *fields, char type[16], char *value, size_t n);

/* ---- JSON and SQL helpers (common.c) ---- */
json_t *reg_col_text(sqlite3_stmt *st, int i); /* string or null */
json_t *reg_col_int(sqlite3_stmt *st, int i);  /* integer or null */
/* {"field": {"old": .., "new": ..}} for every listed field whose value
 * differs between before and after (missing = null). Caller owns; an
 * empty object when nothing changed; NULL when memory runs out. */
json_t *reg_diff(const json_t *before, const json_t *after, const char *const fields[]);
/* db_fail(), but a foreign-key violation is WR_ECONFLICT "is still in use"
 * and a UNIQUE violation names field with conflict_msg (when not NULL). */
int reg_fail(sqlite3 *db, const char *field, const char *conflict_msg, struct wr_err *e);
/* "network,workplace" -> ["network","workplace"]. NULL when out of memory. */
json_t *reg_services_json(const char *csv);

/* Reads a stored object back as the API shows it (contact_get, asset_get, ...). */
typedef int (*reg_fetch_fn)(sqlite3 *db, const struct actor *a, int64_t id, json_t **out,
			    struct wr_err *e);
/* The end of a create inside the caller's db_begin: journals action on
 * (type, id) with det (taken; NULL means memory ran out), reads the stored
 * object back into *out with fetch when out is not NULL (import and demo
 * pass NULL and skip the query), and commits. On failure everything since
 * db_begin is rolled back. */
int reg_finish(sqlite3 *db, const struct actor *a, const char *action, const char *type,
	       int64_t id, json_t *det, reg_fetch_fn fetch, json_t **out, struct wr_err *e);

/* ---- the detail arrays of org_get() (no scope check: the caller did it) ---- */
int reg_contacts_of(sqlite3 *db, int64_t org_id, json_t **items, struct wr_err *e);
int reg_assets_of(sqlite3 *db, const struct actor *a, int64_t org_id, json_t **items,
		  struct wr_err *e);
/* [{id, name, services[]}] of the providers serving org_id. */
int reg_providers_of(sqlite3 *db, int64_t org_id, json_t **items, struct wr_err *e);

#endif
