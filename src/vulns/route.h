/* Routing an address to the town that owns it: longest-prefix match over
 * every registered IPv4 and IPv6 prefix (the assets of type cidr), built once
 * per import as one hash table per prefix length (docs/vulns.md). */
#ifndef WR_VULNS_ROUTE_H
#define WR_VULNS_ROUTE_H

#include <sqlite3.h>
#include <stdint.h>

#include "base/err.h"

struct route_hit {
	int64_t org_id, asset_id, provider_id; /* provider_id 0: managed by the town */
	int len;                               /* the matching prefix length (IPv4: 0-32) */
};

struct vroute;
int vroute_build(sqlite3 *db, struct vroute **out, struct wr_err *e);
void vroute_free(struct vroute *r);
/* The longest registered prefix that holds ip (text, v4 or v6): 1 and *hit,
 * or 0 (no town claims it, or ip is not an address). Two towns claiming the
 * same prefix: the older claim (lower asset id) wins. */
int vroute_ip(const struct vroute *r, const char *ip, struct route_hit *hit);

#endif
