/* The indicator export writers: pure functions from indicators to the
 * formats other tools read (STIX 2.1, MISP event and feed, CSV, plain
 * list, Zeek intel, Suricata datasets). No database: the store hands them
 * the items, already filtered by what the audience may see (TLP filtering
 * is the caller's job). The formats are documented in docs/formats.md. */
#ifndef WR_INTEL_EXPORT_H
#define WR_INTEL_EXPORT_H

#include <stddef.h>
#include <stdint.h>

#include "base/buf.h"
#include "base/err.h"
#include "ioc/ioc.h"

/* One indicator as the store hands it to a writer. TLP filtering is the
 * caller's job; the writers write what they are given. */
struct intel_item {
	int64_t id;                 /* store id, > 0 */
	char uuid[37];              /* stable lower-case UUID of the indicator (STIX indicator id suffix, MISP attribute uuid) */
	enum ioc_type type;
	const char *value;          /* canonical (ioc/ioc.h) */
	const char *tlp;            /* "CLEAR", "GREEN", "AMBER", "AMBER+STRICT" or "RED" */
	const char *const *sources; size_t n_sources;
	const char *const *tags;    size_t n_tags;   /* e.g. "play", "ransomware" */
	int64_t first_seen, last_seen, valid_until;   /* epoch seconds; 0 = unknown / none */
	int64_t created, modified;                    /* epoch seconds */
	int confidence;             /* 0-100, -1 unknown */
	int to_ids;                 /* 1: meant for detection (MISP to_ids) */
	const char *description;    /* may be NULL */
};

enum intel_format { INTEL_FMT_STIX, INTEL_FMT_MISP, INTEL_FMT_CSV, INTEL_FMT_LIST, INTEL_FMT_ZEEK, INTEL_FMT_SURICATA,
		   /* the two other files of a MISP feed (served over HTTP; no name) */
		   INTEL_FMT_MISP_MANIFEST, INTEL_FMT_MISP_HASHES };

struct intel_export_meta {
	const char *title;          /* e.g. "warroom indicators for Gent" */
	const char *producer;       /* identity / org name, e.g. "Vlaamse cyber war room" */
	char event_uuid[37];        /* the MISP event uuid, the STIX identity/report basis; caller makes it stable */
	int64_t now;                /* the export's timestamp (epoch seconds) */
	enum ioc_type only_type;    /* LIST and SURICATA: only this type; IOC_NONE = every type the format can hold */
};

/* "stix", "misp", "csv", "list", "zeek", "suricata" -> f. 0 or -1. */
int intel_format_from_name(const char *name, enum intel_format *f);
const char *intel_format_content_type(enum intel_format f);   /* for HTTP */

/* Writes items[0..n) in format f to out. 0, WR_ENOMEM, WR_ETOOBIG, or WR_EINVAL with e filled (e.g. a type the format cannot hold when only_type asks for it). */
int intel_export_write(enum intel_format f, const struct intel_item *items, size_t n,
		       const struct intel_export_meta *m, struct buf *out, struct wr_err *e);

/* A MISP feed directory a MISP instance can subscribe to: dir/manifest.json, dir/EVENT_UUID.json, dir/hashes.csv (created if missing, files written atomically: temp + rename). 0 or error with e filled. */
int intel_export_misp_feed(const char *dir, const struct intel_item *items, size_t n,
			   const struct intel_export_meta *m, struct wr_err *e);

#endif
