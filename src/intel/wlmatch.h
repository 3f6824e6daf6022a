/* An in-memory matcher over the stored false-positive lists (MISP
 * warninglists): sorted string arrays searched by bisection (exact values,
 * host names matching themselves and their subdomains, ".suffix" entries)
 * and sorted address ranges for CIDR lists, so that a million indicators
 * are checked in about a second. Internal to intel/. */
#ifndef WR_INTEL_WLMATCH_H
#define WR_INTEL_WLMATCH_H

#include <sqlite3.h>

#include "base/err.h"
#include "ioc/ioc.h"

struct wl_matcher;

/* Loads every stored list. *out is NULL-free on success; caller frees. */
int wl_matcher_load(sqlite3 *db, struct wl_matcher **out, struct wr_err *e);
void wl_matcher_free(struct wl_matcher *m);
/* The name of the first list the canonical (t, value) is on, or NULL. */
const char *wl_match(const struct wl_matcher *m, enum ioc_type t, const char *value);

#endif
