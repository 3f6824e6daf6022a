/* The demo data: the Flemish municipalities valid today, the five
 * provinces, the municipalities merged on 2025-01-01 as past
 * organisations, the war room, three demo providers, and for each town a
 * synthetic SPOC and deputy, a network and a domain, with a share of towns
 * deliberately incomplete so that the map shows gaps.
 *
 * Deterministic: the same program loads the same data every time (names,
 * numbers, prefixes and gaps follow from the NIS codes), so tests and
 * screenshots can rely on it. Everything goes through the registry's domain
 * functions, so the journal records it. */
#ifndef WR_REGISTRY_DEMO_H
#define WR_REGISTRY_DEMO_H

#include <sqlite3.h>
#include <stddef.h>

#include "base/err.h"
#include "store/scope.h"

struct demo_summary {
	int municipalities; /* valid today */
	int provinces;
	int past;           /* merged municipalities, valid_to 2024-12-31 */
	int providers;
	int contacts;
	int assets;
	int incomplete;     /* towns with a deliberate gap */
};

/* What is deliberately missing from a demo town. */
enum demo_gap {
	DEMO_GAP_NONE = 0,
	DEMO_GAP_NO_DEPUTY,
	DEMO_GAP_DEPUTY_NO_MOBILE,
	DEMO_GAP_NO_ASSETS,
	DEMO_GAP_NO_PROVIDER,
};

/* Loads the demo data into an empty database (one without organisations)
 * in one transaction, as actor a. WR_ECONFLICT when the database already
 * holds organisations; otherwise 0 with *s filled (s may be NULL), or the
 * domain's error (nothing written). */
int demo_load(sqlite3 *db, const struct actor *a, struct demo_summary *s, struct wr_err *e);

/* The gap of the town with this NIS code (the same function demo_load uses). */
enum demo_gap demo_town_gap(const char *nis_code);

/* A town's name as a DNS label: lower-case ASCII, accents removed, spaces
 * and apostrophes as '-' ("Sint-Genesius-Rode" -> "sint-genesius-rode",
 * "'s Gravenwezel" -> "s-gravenwezel"). out of n bytes (64 suffices for
 * any label); 0, or WR_EINVAL when nothing is left or it does not fit. */
int demo_slug(const char *name, char *out, size_t n);

#endif
