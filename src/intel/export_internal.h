/* Shared by the export writers (export_*.c); not for other modules. */
#ifndef WR_INTEL_EXPORT_INTERNAL_H
#define WR_INTEL_EXPORT_INTERNAL_H

#include <jansson.h>

#include "intel/export.h"

/* "2026-11-28T10:48:54Z" */
void export_time(int64_t t, char out[32]);
/* A name-based UUID (version 5 layout over SHA-1 of ns and name), lower
 * case: stable ids for objects that have no id of their own (the producer's
 * STIX identity). 0 or -1. */
int export_uuid5(const char *ns, const char *name, char out[37]);
/* json_t helpers that report out-of-memory through *oom. */
void export_set(json_t *o, const char *key, json_t *v, int *oom);
void export_set_str(json_t *o, const char *key, const char *s, int *oom);
/* The JSON document of v appended to out; v is released. */
int export_dump(json_t *v, int oom, struct buf *out, struct wr_err *e);
/* A valid TLP name of ours ("CLEAR"...), or NULL. */
const char *export_tlp(const char *tlp);

int export_stix(const struct intel_item *items, size_t n, const struct intel_export_meta *m,
		struct buf *out, struct wr_err *e);
/* The MISP event object ({"Event": ...} when wrapped). NULL when memory runs out. */
json_t *export_misp_event(const struct intel_item *items, size_t n,
			  const struct intel_export_meta *m, int wrapped);
/* A MISP feed's manifest.json ({uuid: event head}) and hashes.csv (md5 of each value, uuid). */
int export_misp_manifest(const struct intel_item *items, size_t n, const struct intel_export_meta *m,
			 struct buf *out, struct wr_err *e);
int export_misp_hashes(const struct intel_item *items, size_t n, const struct intel_export_meta *m,
		       struct buf *out, struct wr_err *e);
int export_csv(const struct intel_item *items, size_t n, struct buf *out, struct wr_err *e);
int export_list(const struct intel_item *items, size_t n, enum ioc_type only, struct buf *out,
		struct wr_err *e);
int export_zeek(const struct intel_item *items, size_t n, const struct intel_export_meta *m,
		struct buf *out, struct wr_err *e);
int export_suricata(const struct intel_item *items, size_t n, enum ioc_type only,
		    struct buf *out, struct wr_err *e);

#endif
