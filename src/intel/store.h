/* The indicator store (issue 5, docs/intel.md): imports merged into one
 * row per (type, canonical value), TLP-aware reading, the signed pack a
 * town downloads, and the sightings towns send back. */
#ifndef WR_INTEL_STORE_H
#define WR_INTEL_STORE_H

#include <jansson.h>
#include <sqlite3.h>
#include <stddef.h>

#include "base/err.h"
#include "intel/export.h"
#include "ioc/ioc.h"
#include "store/scope.h"

/* What an import did. */
struct intel_import_result {
	size_t read;                     /* indicators in the file (after dedup) */
	size_t added, merged;            /* new rows; rows that got new sources/tags/times */
	size_t per_type[IOC_TYPE_COUNT]; /* read, per type */
	json_t *skipped;                 /* [{"line","id","reason"}]: what could not be taken */
};
void intel_import_result_release(struct intel_import_result *r);

/* Reads a STIX 2.1 bundle, MISP event, CSV/TSV or list (ioc_read_text
 * decides) and merges it into the store in one transaction with one journal
 * entry. TLP: a tlp:... tag of the indicator (TLP 1.0 WHITE is CLEAR), else
 * tlp_default ("AMBER" when NULL). source: the source of indicators that
 * carry none (NULL: the file name). Staff only (WR_EFORBIDDEN). A malformed
 * file is refused with its position (WR_EPARSE) and nothing is stored. */
int intel_import(sqlite3 *db, const struct actor *a, const char *text, size_t len,
		 const char *name, const char *tlp_default, const char *source,
		 struct intel_import_result *r, struct wr_err *e);

/* Whether the actor may read indicators of this TLP (docs/intel.md):
 * staff all; a SPOC CLEAR, GREEN and AMBER; a provider CLEAR and GREEN;
 * a viewer none. */
int intel_tlp_visible(const struct actor *a, const char *tlp);

/* A page of the indicators the actor may see, newest id first. Filters
 * (NULL: none): type, tlp, q (a substring of the value). */
int intel_list(sqlite3 *db, const struct actor *a, const char *type, const char *tlp,
	       const char *q, int limit, int64_t cursor, json_t **items, int64_t *next_cursor,
	       struct wr_err *e);

/* Indicators loaded for a writer (intel/export.h), with the memory behind
 * them. */
struct intel_items {
	struct intel_item *v;
	size_t n;
	void **blocks; /* every string and label array v points into */
	size_t nblocks, cap_blocks;
};
void intel_items_release(struct intel_items *it);
/* What the actor may see, of type only (IOC_NONE: all), never TLP:RED when
 * group is set (an export or pack for many readers), never expired ones when
 * active is set. */
int intel_items_load(sqlite3 *db, const struct actor *a, enum ioc_type only, int group,
		     int active, struct intel_items *out, struct wr_err *e);

/* The pack for the actor (docs/packs.md): the active, non-RED indicators it
 * may see, in a stable order, as the exact bytes to sign; *version is the
 * store's pack version. Caller frees *text. */
int intel_pack(sqlite3 *db, const struct actor *a, char **text, size_t *len, int64_t *version,
	       struct wr_err *e);

/* The war room's pack signing key pair next to the database
 * (DB.pack.key, mode 0600, and DB.pack.pub), created when missing. */
int intel_pack_keys(const char *db_path, char pub[256], char sec[256], struct wr_err *e);

/* Records the sightings of a `warroom sweep --report` body (docs/sweep.md)
 * for the actor's town (a SPOC; staff give "org_id"). Indicators the store
 * does not know are counted as unknown, not stored. *out: {"accepted",
 * "unknown", "org_id"}. */
int intel_sightings_post(sqlite3 *db, const struct actor *a, const json_t *body, json_t **out,
			 struct wr_err *e);

/* Ends a page query: *items = arr when the steps (last code step_rc) went
 * well, else arr is released and the error set. */
int intel_page_done(sqlite3 *db, int step_rc, json_t *arr, json_t **items, struct wr_err *e);

/* The sightings the actor may see (staff all, a SPOC its town's), newest
 * first, with the indicator and the town. */
int intel_sightings_list(sqlite3 *db, const struct actor *a, int limit, int64_t cursor,
			 json_t **items, int64_t *next_cursor, struct wr_err *e);

#endif
