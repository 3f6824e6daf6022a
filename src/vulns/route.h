/* Routing an address to the town that owns it: longest-prefix match over
 * every registered IPv4 and IPv6 prefix (the assets of type cidr), built once
 * per import as one hash table per prefix length; and a host name by the
 * longest registered domain suffix (assets of type domain and hostname)
 * (docs/vulns.md). */
#ifndef WR_VULNS_ROUTE_H
#define WR_VULNS_ROUTE_H

#include <sqlite3.h>
#include <stdint.h>

#include "base/err.h"

struct route_hit {
	int64_t org_id, asset_id, provider_id; /* provider_id 0: managed by the town */
	int len; /* the matching prefix length (IPv4: 0-32); host names: labels matched */
};

struct vroute;
int vroute_build(sqlite3 *db, struct vroute **out, struct wr_err *e);
void vroute_free(struct vroute *r);
/* The longest registered prefix that holds ip (text, v4 or v6): 1 and *hit,
 * or 0 (no town claims it, or ip is not an address). Two towns claiming the
 * same prefix: the older claim (lower asset id) wins. */
int vroute_ip(const struct vroute *r, const char *ip, struct route_hit *hit);
/* The same, telling apart what is no address: 1 routed, 0 an address no town
 * claims, -1 not an address. */
int vroute_addr(const struct vroute *r, const char *ip, struct route_hit *hit);
/* The owner of host name host (any case, trailing dot, Unicode or A-labels):
 * a hostname asset claims exactly its name, a domain asset its name and every
 * name under it (label-wise: "notgent.be" is not under "gent.be"); the
 * longest claim wins, at the same name a hostname before a domain, then the
 * older claim. 1 and *hit, 0 when no town claims it or host is no name. */
int vroute_host(const struct vroute *r, const char *host, struct route_hit *hit);
/* host in canonical form (base/domain.h) into out; 0, or -1 when no name. */
int vroute_canonical_host(const char *host, char out[256]);

#endif
