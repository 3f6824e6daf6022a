/* Threat intelligence: the indicator store (docs/intel.md). Indicators are
 * merged in batches (one transaction and one journal entry per batch),
 * checked against false-positive lists, and shown under role scope AND TLP
 * (DESIGN.md section 5). Packs, sightings and alerts build on them. */
#ifndef WR_INTEL_INTEL_H
#define WR_INTEL_INTEL_H

#include <jansson.h>
#include <sqlite3.h>
#include <stdint.h>

#include "base/err.h"
#include "ioc/ioc.h"
#include "store/scope.h"

/* "CLEAR" ... "RED" (any case, "tlp:" prefix and 1.0's "white" accepted)
 * -> the canonical name; NULL when not a TLP. */
const char *intel_tlp_name(const char *s);
/* 0 CLEAR .. 4 RED, -1 when not a TLP name. */
int intel_tlp_rank(const char *tlp);

/* ------------------------------------------------------------------ import */

enum intel_doc_format { INTEL_DOC_AUTO, INTEL_DOC_STIX, INTEL_DOC_MISP, INTEL_DOC_CSV, INTEL_DOC_LIST };
/* "stix", "misp", "csv", "list", "auto" -> f; 0 or -1. */
int intel_doc_format_parse(const char *name, enum intel_doc_format *f);

struct intel_import_opts {
	enum intel_doc_format format;
	const char *source;       /* default source of indicators that name none; may be NULL */
	const char *default_tlp;  /* TLP of indicators whose record gives none; NULL = AMBER */
	const char *name;         /* the document's name in messages and the journal */
};

/* Imports one document: every indicator or none (one transaction, one
 * journal entry). *result (caller owns) is
 * {"imported": N, "new": N, "merged": N, "per_type": {"ipv4": N, ...},
 *  "flagged": N, "skipped": [{"id", "line", "reason"}...], "skipped_count": N,
 *  "version": V}.
 * A malformed document is WR_EPARSE with its position in e; a document of
 * another format than asked WR_EINVAL. */
int intel_import(sqlite3 *db, const struct actor *a, const char *text, size_t len,
		 const struct intel_import_opts *o, json_t **result, struct wr_err *e);

/* ------------------------------------------------------------------ reading */

struct intel_filter {
	const char *type, *tag, *tlp, *q;
	int64_t since;   /* modified at or after (epoch seconds); 0 = any */
	int limit;
	int64_t cursor;  /* id below which to list (newest first); 0 = from the newest */
};

/* The SQL condition (on alias i.) under which the actor may see an
 * indicator: role scope AND TLP AND audience. Only integers go into it. */
int intel_visible_sql(const struct actor *a, char *out, size_t n);

int intel_list(sqlite3 *db, const struct actor *a, const struct intel_filter *f, json_t **items,
	       int64_t *next, struct wr_err *e);
/* One indicator with its sources, tags, audience and correlation
 * ({"towns": [...], "sightings": N, "capped": bool}). WR_ENOTFOUND when
 * invisible. */
int intel_get(sqlite3 *db, const struct actor *a, int64_t id, json_t **out, struct wr_err *e);

/* PATCH: {"false_positive_override": bool, "tlp": ..., "valid_until": RFC 3339 or null,
 * "status": "active"|"revoked", "audience": [org ids], "incident_id", "advisory_id"}.
 * Staff only. */
int intel_update(sqlite3 *db, const struct actor *a, int64_t id, const json_t *body, json_t **out,
		 struct wr_err *e);

/* Counts per type and TLP of what the actor may see. */
int intel_counts(sqlite3 *db, const struct actor *a, json_t **out, struct wr_err *e);

/* ------------------------------------------------------------------ warninglists */

/* Loads a MISP warninglist (list.json) or every list.json under a
 * directory, replacing lists of the same name, and re-flags every stored
 * indicator; path NULL: the 25 lists shipped in the binary
 * (data/warninglists), which `warroom init` loads into a new database.
 * *result: {"lists": N, "entries": N, "flagged": N}. */
int intel_warninglist_load(sqlite3 *db, const struct actor *a, const char *path, json_t **result,
			   struct wr_err *e);

/* Recomputes fp_list of every indicator against the stored lists, inside
 * the caller's transaction (after intel_next_version: a changed indicator
 * takes the newest version). *flagged may be NULL. */
int intel_warninglist_reflag(sqlite3 *db, int64_t *flagged, struct wr_err *e);

/* ------------------------------------------------------------------ packs */

/* The pack of what the actor's town may see (never RED, expired or
 * false-positive), as the exact bytes to sign; since > 0 gives a delta
 * (changed and removed since that version). *out is malloc'ed, caller
 * frees. *version is the pack's version. */
int intel_pack_build(sqlite3 *db, const struct actor *a, int64_t since, char **out, size_t *len,
		     int64_t *version, struct wr_err *e);

/* The war room's pack key pair beside the database (DB.pack.key, mode
 * 0600, and DB.pack.pub), created when missing. Or the paths in
 * WARROOM_PACK_SECRET_KEY / WARROOM_PACK_PUBLIC_KEY. */
int intel_pack_keys(const char *db_path, int create, char pub[256], char sec[256], struct wr_err *e);

/* ------------------------------------------------------------------ sightings */

/* A report from `warroom sweep --report` or a SIEM for the caller's town
 * (SPOC; staff may name "org_id"). *result: {"received": N, "matched": N,
 * "alerts": [ids], "unknown": N}. */
int intel_sightings_report(sqlite3 *db, const struct actor *a, const json_t *body, json_t **result,
			   struct wr_err *e);
int intel_sightings_list(sqlite3 *db, const struct actor *a, int64_t indicator_id, int limit,
			 int64_t cursor, json_t **items, int64_t *next, struct wr_err *e);
/* Marks a sighting (and its open alert) as a false positive: its town or staff. */
int intel_sighting_false_positive(sqlite3 *db, const struct actor *a, int64_t id, json_t **out,
				  struct wr_err *e);
/* Alerts newest first; status NULL = every status; org_id 0 = every town
 * the actor may see. */
int intel_alerts_list(sqlite3 *db, const struct actor *a, const char *status, int64_t org_id,
		      int limit, int64_t cursor, json_t **items, int64_t *next, struct wr_err *e);

/* The one-click incident: staff open an incident for the alert's town from
 * its sighting (body: optional title, description, category, type,
 * severity, tlp, aware_at overriding the defaults); the alert is closed and
 * points to it. *out: {"id", "status", "incident_id", "incident"}. 409 when
 * the alert has an incident already or is a false positive. */
int intel_alert_incident(sqlite3 *db, const struct actor *a, int64_t id, const json_t *body,
			 json_t **out, struct wr_err *e);
/* Open alerts per town the actor may see: [{"org_id", "nis_code", "name",
 * "open", "last_at"}], for the war-room map. */
int intel_alerts_by_org(sqlite3 *db, const struct actor *a, json_t **items, struct wr_err *e);

/* Towns sharing one indicator at most this many are listed (the cap). */
#define INTEL_CORRELATION_CAP 200

#endif
