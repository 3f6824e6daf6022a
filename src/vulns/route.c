/* Longest-prefix match (vulns/route.h): every address as 128 bits (IPv4
 * mapped into ::ffff:0:0/96), one open-addressing table per prefix length
 * in use, probed from the longest length down. Host names: one sorted array
 * of the claimed names, searched for the name and then each suffix after a
 * dot (the suffix router of the early `vulns` branch, adapted). */
#include "vulns/route.h"

#include <arpa/inet.h>
#include <stdlib.h>
#include <string.h>

#include "base/domain.h"
#include "base/hexdigit.h"
#include "store/db.h"

struct entry {
	uint64_t hi, lo;
	struct route_hit hit;
	int used;
};

struct table {
	int len; /* 0..128 */
	struct entry *slots;
	size_t mask, n;
};

struct dom {
	char *name;
	int exact; /* a hostname asset: its name only */
	struct route_hit hit;
};

struct vroute {
	struct table t[129];
	int lens[129], nlens; /* lengths in use, longest first */
	struct dom *doms;     /* by name, hostnames first, then asset id */
	size_t ndoms;
};

static void mask128(uint64_t *hi, uint64_t *lo, int len)
{
	*hi &= len >= 64 ? ~0ull : len ? ~0ull << (64 - len) : 0;
	*lo &= len >= 128 ? ~0ull : len > 64 ? ~0ull << (128 - len) : 0;
}

static size_t slot_of(uint64_t hi, uint64_t lo, size_t mask)
{
	uint64_t h = (hi * 0x9e3779b97f4a7c15ull) ^ (lo * 0xc2b2ae3d27d4eb4full);
	return (size_t)(h ^ (h >> 31)) & mask;
}

static int put(struct table *t, uint64_t hi, uint64_t lo, const struct route_hit *hit)
{
	if ((t->n + 1) * 2 > t->mask + 1) {
		size_t cap = t->mask ? (t->mask + 1) * 2 : 16;
		struct entry *s = calloc(cap, sizeof *s);
		if (!s)
			return -1;
		for (size_t i = 0; t->slots && i <= t->mask; i++)
			if (t->slots[i].used) {
				size_t k = slot_of(t->slots[i].hi, t->slots[i].lo, cap - 1);
				while (s[k].used)
					k = (k + 1) & (cap - 1);
				s[k] = t->slots[i];
			}
		free(t->slots);
		t->slots = s;
		t->mask = cap - 1;
	}
	size_t k = slot_of(hi, lo, t->mask);
	while (t->slots[k].used) {
		if (t->slots[k].hi == hi && t->slots[k].lo == lo)
			return 0; /* the same prefix claimed again: the first (lowest id) stays */
		k = (k + 1) & t->mask;
	}
	t->slots[k] = (struct entry){hi, lo, *hit, 1};
	t->n++;
	return 0;
}

static uint64_t hex64(const char *s)
{
	uint64_t v = 0;
	for (int i = 0; i < 16; i++) {
		v = v << 4 | (uint64_t)hex_digit_value((unsigned char)s[i]); /* s is ip_range_hex's */
	}
	return v;
}

static int dom_cmp(const void *a, const void *b)
{
	const struct dom *x = a, *y = b;
	int c = strcmp(x->name, y->name);
	if (c)
		return c;
	if (x->exact != y->exact)
		return y->exact - x->exact;
	return (x->hit.asset_id > y->hit.asset_id) - (x->hit.asset_id < y->hit.asset_id);
}

/* The domain and hostname claims, sorted. */
static int build_doms(sqlite3 *db, struct vroute *r, struct wr_err *e)
{
	sqlite3_stmt *st;
	int rc = db_prepare(db,
			    "SELECT id, org_id, coalesce(provider_id, 0), value, type = 'hostname' FROM assets"
			    " WHERE type IN ('domain', 'hostname') ORDER BY id",
			    &st, e);
	if (rc)
		return rc;
	size_t cap = 0;
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		char name[256];
		if (vroute_canonical_host((const char *)sqlite3_column_text(st, 3), name))
			continue;
		if (r->ndoms == cap) {
			size_t ncap = cap ? cap * 2 : 64;
			struct dom *d = realloc(r->doms, ncap * sizeof *d);
			if (!d) {
				rc = SQLITE_NOMEM;
				break;
			}
			r->doms = d;
			cap = ncap;
		}
		struct dom *d = &r->doms[r->ndoms];
		if (!(d->name = strdup(name))) {
			rc = SQLITE_NOMEM;
			break;
		}
		d->exact = sqlite3_column_int(st, 4);
		d->hit = (struct route_hit){sqlite3_column_int64(st, 1), sqlite3_column_int64(st, 0),
					    sqlite3_column_int64(st, 2), 0};
		for (const char *c = name; *c; c++)
			d->hit.len += *c == '.';
		d->hit.len++;
		r->ndoms++;
	}
	sqlite3_finalize(st);
	if (rc != SQLITE_DONE)
		return rc == SQLITE_NOMEM ? wr_err_set(e, WR_ENOMEM, NULL, "out of memory") : db_fail(db, e);
	if (r->ndoms)
		qsort(r->doms, r->ndoms, sizeof *r->doms, dom_cmp);
	return 0;
}

int vroute_build(sqlite3 *db, struct vroute **out, struct wr_err *e)
{
	struct vroute *r = calloc(1, sizeof *r);
	if (!r)
		return wr_err_set(e, WR_ENOMEM, NULL, "out of memory");
	sqlite3_stmt *st;
	int rc = db_prepare(db,
			    "SELECT id, org_id, coalesce(provider_id, 0), value, range_lo FROM assets"
			    " WHERE type = 'cidr' AND range_lo IS NOT NULL ORDER BY id",
			    &st, e);
	if (rc) {
		free(r);
		return rc;
	}
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		const char *value = (const char *)sqlite3_column_text(st, 3);
		const char *lo_hex = (const char *)sqlite3_column_text(st, 4);
		const char *slash = strchr(value, '/');
		if (!slash || strlen(lo_hex) != 32)
			continue;
		int len = (int)strtol(slash + 1, NULL, 10);
		int v6 = strchr(value, ':') != NULL;
		if (!v6)
			len += 96;
		if (len < 0 || len > 128)
			continue;
		uint64_t hi = hex64(lo_hex), lo = hex64(lo_hex + 16);
		mask128(&hi, &lo, len);
		struct route_hit h = {sqlite3_column_int64(st, 1), sqlite3_column_int64(st, 0),
				      sqlite3_column_int64(st, 2), v6 ? len : len - 96};
		r->t[len].len = len;
		if (put(&r->t[len], hi, lo, &h)) {
			rc = SQLITE_NOMEM;
			break;
		}
	}
	sqlite3_finalize(st);
	if (rc != SQLITE_DONE) {
		vroute_free(r);
		return rc == SQLITE_NOMEM ? wr_err_set(e, WR_ENOMEM, NULL, "out of memory") : db_fail(db, e);
	}
	for (int len = 128; len >= 0; len--)
		if (r->t[len].n)
			r->lens[r->nlens++] = len;
	if ((rc = build_doms(db, r, e))) {
		vroute_free(r);
		return rc;
	}
	*out = r;
	return 0;
}

void vroute_free(struct vroute *r)
{
	if (!r)
		return;
	for (int i = 0; i <= 128; i++)
		free(r->t[i].slots);
	for (size_t i = 0; i < r->ndoms; i++)
		free(r->doms[i].name);
	free(r->doms);
	free(r);
}

int vroute_ip(const struct vroute *r, const char *ip, struct route_hit *hit)
{
	return vroute_addr(r, ip, hit) == 1;
}

int vroute_addr(const struct vroute *r, const char *ip, struct route_hit *hit)
{
	unsigned char b[16];
	struct in_addr a4;
	if (inet_pton(AF_INET, ip, &a4) == 1) {
		memset(b, 0, 10);
		b[10] = b[11] = 0xff;
		memcpy(b + 12, &a4, 4);
	} else if (inet_pton(AF_INET6, ip, b) != 1) {
		return -1;
	}
	uint64_t hi = 0, lo = 0;
	for (int i = 0; i < 8; i++)
		hi = hi << 8 | b[i], lo = lo << 8 | b[i + 8];
	for (int i = 0; i < r->nlens; i++) {
		const struct table *t = &r->t[r->lens[i]];
		uint64_t h = hi, l = lo;
		mask128(&h, &l, t->len);
		for (size_t k = slot_of(h, l, t->mask); t->slots[k].used; k = (k + 1) & t->mask)
			if (t->slots[k].hi == h && t->slots[k].lo == l) {
				*hit = t->slots[k].hit;
				return 1;
			}
	}
	return 0;
}

int vroute_canonical_host(const char *host, char out[256])
{
	size_t n = strlen(host), k = 0;
	while (n && host[n - 1] == '.')
		n--;
	if (n == 0 || n > DOMAIN_NAME_MAX)
		return -1;
	/* The common case, plain ASCII, without libidn2. */
	for (; k < n; k++) {
		char c = host[k];
		if (c >= 'A' && c <= 'Z')
			c = (char)(c - 'A' + 'a');
		else if (!((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' || c == '.' ||
			   c == '_'))
			break;
		out[k] = c;
	}
	if (k == n) {
		out[n] = '\0';
		return strstr(out, "..") || out[0] == '.' ? -1 : 0;
	}
	return hostname_canonical(host, "hostname", out, 256, NULL) ? -1 : 0;
}

/* The first claim named exactly name (hostnames sort first), or NULL. */
static const struct dom *find_dom(const struct vroute *r, const char *name, size_t *at)
{
	size_t l = 0, h = r->ndoms;
	while (l < h) {
		size_t m = l + (h - l) / 2;
		if (strcmp(r->doms[m].name, name) < 0)
			l = m + 1;
		else
			h = m;
	}
	*at = l;
	return l < r->ndoms && !strcmp(r->doms[l].name, name) ? &r->doms[l] : NULL;
}

int vroute_host(const struct vroute *r, const char *host, struct route_hit *hit)
{
	char name[256];
	if (!r->ndoms || !host || !*host || vroute_canonical_host(host, name))
		return 0;
	for (const char *p = name; p; p = strchr(p, '.'), p = p ? p + 1 : NULL) {
		size_t at;
		const struct dom *d = find_dom(r, p, &at);
		/* Under the name itself any claim; under a suffix a domain only. */
		while (d && p != name && d->exact)
			d = ++at < r->ndoms && !strcmp(r->doms[at].name, p) ? &r->doms[at] : NULL;
		if (d) {
			*hit = d->hit;
			return 1;
		}
	}
	return 0;
}
