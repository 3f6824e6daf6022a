/* Exports of stored indicators for an audience, through the writers of
 * intel/export.h (docs/intel.md, "Exports"). */
#ifndef WR_INTEL_SHARE_H
#define WR_INTEL_SHARE_H

#include "intel/export.h"
#include "intel/intel.h"

struct intel_share_opts {
	enum intel_format format;
	enum ioc_type only_type;  /* IOC_NONE: every type */
	int include_red;          /* 0 for every group export (API); the war room's own CLI copy may */
	const char *title;        /* may be NULL */
};

/* What the actor may see, as format; list, zeek and suricata take only what
 * a pack takes (meant for detection, not expired, not false-positive).
 * *out is malloc'ed (caller frees), *len its length. */
int intel_share_export(sqlite3 *db, const struct actor *a, const struct intel_share_opts *o, char **out,
		       size_t *len, struct wr_err *e);
/* The MISP event uuid of what the actor may see: stable per audience, so
 * a MISP instance sees one event that changes, not a new one per fetch. */
void intel_share_feed_uuid(const struct actor *a, char out[37]);
/* A MISP feed directory (manifest.json, EVENT.json, hashes.csv). */
int intel_share_misp_feed(sqlite3 *db, const struct actor *a, const struct intel_share_opts *o,
			  const char *dir, struct wr_err *e);

#endif
