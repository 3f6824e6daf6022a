/* Builds the sweeper's lookup tables from an indicator set (see match.h). */
#include "sweep/match.h"

#include <arpa/inet.h>
#include <stdlib.h>
#include <string.h>

#include "base/ip.h"
#include "base/prefault.h"

static int is_str_type(enum ioc_type t)
{
	return t == IOC_DOMAIN || t == IOC_HOSTNAME || t == IOC_URL || t == IOC_EMAIL ||
	       t == IOC_MD5 || t == IOC_SHA1 || t == IOC_SHA256 || t == IOC_FILENAME;
}

static int cmp_v4(const void *a, const void *b)
{
	const struct v4_ent *x = a, *y = b;
	if (x->len != y->len)
		return x->len < y->len ? -1 : 1;
	if (x->net != y->net)
		return x->net < y->net ? -1 : 1;
	return 0;
}

static int cmp_v6(const void *a, const void *b)
{
	const struct v6_ent *x = a, *y = b;
	if (x->len != y->len)
		return x->len < y->len ? -1 : 1;
	if (x->hi != y->hi)
		return x->hi < y->hi ? -1 : 1;
	if (x->lo != y->lo)
		return x->lo < y->lo ? -1 : 1;
	return 0;
}

static uint64_t be64(const unsigned char *b)
{
	uint64_t v = 0;
	for (int i = 0; i < 8; i++)
		v = v << 8 | b[i];
	return v;
}

static int fail(struct matcher *m, struct wr_err *e)
{
	matcher_free(m);
	return wr_err_set(e, WR_ENOMEM, NULL, "out of memory building the indicator tables");
}

/* The table key of string indicator i; for a domain or host name, the
 * hash of the domain filter too in *raw (match_dom_raw). */
static uint64_t str_hash(const struct matcher *m, uint32_t i, uint64_t *raw)
{
	size_t n;
	const unsigned char *v = (const unsigned char *)ioc_set_value(m->set, i, &n);
	enum ioc_type t = ioc_set_type(m->set, i);
	*raw = 0;
	if (t != IOC_DOMAIN && t != IOC_HOSTNAME)
		return match_hash(v, n);
	*raw = match_dom_raw(v, n);
	return match_final(*raw);
}

/* Puts string indicator i, whose hashes are h and raw (str_hash), in the
 * tables. */
static void add_str(struct matcher *m, uint32_t i, uint64_t h, uint64_t raw)
{
	size_t n;
	const unsigned char *v = (const unsigned char *)ioc_set_value(m->set, i, &n);
	enum ioc_type t = ioc_set_type(m->set, i);
	size_t k = h & m->tab_mask;
	while (m->tab[k].id)
		k = (k + 1) & m->tab_mask;
	m->tab[k].tag = (uint32_t)(h >> 32);
	m->tab[k].id = i + 1;
	if (t == IOC_DOMAIN || t == IOC_HOSTNAME) {
		size_t bit = raw >> m->dom_shift;
		match_bit_set(m->dom_bits, bit);
		int labels = 1;
		size_t last = 0; /* the start of the last label */
		for (const unsigned char *d = v; (d = memchr(d, '.', n - (size_t)(d - v))); d++)
			labels++, last = (size_t)(d - v) + 1;
		unsigned tb = match_tld_bit(match_label(v, last, n));
		match_bit_set(m->tld_bits, tb);
		if (labels > m->max_labels)
			m->max_labels = labels;
	} else if (t == IOC_MD5 || t == IOC_SHA1 || t == IOC_SHA256) {
		size_t bit = match_hex_bit(m, v);
		match_bit_set(m->hex_bits, bit);
	} else if (t == IOC_URL) {
		if (n > m->max_url)
			m->max_url = n;
		size_t he = match_url_host_end(v, n);
		size_t bit = match_final(match_label(v, 0, he)) >> m->url_shift;
		match_bit_set(m->url_bits, bit);
	}
}

/* Adds the string indicators in indicator order. The table is larger than
 * the caches and each insertion lands at a random slot: the slot of an
 * indicator is prefetched STR_AHEAD indicators before it is filled, so
 * that the misses overlap with the hashing of the ones in between. */
#define STR_AHEAD 8
static void add_strs(struct matcher *m)
{
	struct {
		uint32_t i;
		uint64_t h, raw;
	} ring[STR_AHEAD];
	size_t n = ioc_set_count(m->set), queued = 0;
	for (uint32_t i = 0; i < n; i++) {
		if (!is_str_type(ioc_set_type(m->set, i)))
			continue;
		uint64_t raw, h = str_hash(m, i, &raw);
		__builtin_prefetch(&m->tab[h & m->tab_mask], 1);
		size_t r = queued++ % STR_AHEAD;
		if (queued > STR_AHEAD)
			add_str(m, ring[r].i, ring[r].h, ring[r].raw);
		ring[r].i = i;
		ring[r].h = h;
		ring[r].raw = raw;
	}
	size_t first = queued > STR_AHEAD ? queued - STR_AHEAD : 0;
	for (size_t q = first; q < queued; q++)
		add_str(m, ring[q % STR_AHEAD].i, ring[q % STR_AHEAD].h, ring[q % STR_AHEAD].raw);
}

/* An IP indicator parsed once (the value is text in the set), kept until
 * it is placed in its table. */
struct ip_ent {
	uint64_t hi, lo; /* IPv4: the address in hi's low 32 bits */
	uint32_t id;     /* indicator + 1 */
	uint8_t family, len;
};

/* Parses every IP indicator of s once into ips (room for all of them) and
 * counts them per table; a value that does not parse is left out, as
 * before. Returns the number parsed. */
static size_t parse_ips(struct matcher *m, struct ip_ent *ips, size_t *nv4, size_t *nv4s,
			size_t *nv6)
{
	const struct ioc_set *s = m->set;
	size_t n = ioc_set_count(s), k = 0;
	for (uint32_t i = 0; i < n; i++) {
		enum ioc_type t = ioc_set_type(s, i);
		if (t != IOC_IPV4 && t != IOC_IPV6 && t != IOC_CIDR)
			continue;
		size_t vl;
		const char *v = ioc_set_value(s, i, &vl);
		struct ip_prefix p;
		if (ip_prefix_parse_n(v, vl, "value", &p, NULL))
			continue;
		struct ip_ent *x = &ips[k++];
		x->id = i + 1;
		x->family = (uint8_t)p.family;
		x->len = (uint8_t)p.len;
		if (p.family == 6) {
			x->hi = be64(p.addr);
			x->lo = be64(p.addr + 8);
			(*nv6)++;
			continue;
		}
		x->hi = (uint32_t)p.addr[0] << 24 | (uint32_t)p.addr[1] << 16 |
			(uint32_t)p.addr[2] << 8 | p.addr[3];
		x->lo = 0;
		if (p.len >= 16) {
			m->v4_dir[(x->hi >> 16) + 1]++;
			(*nv4)++;
		} else {
			(*nv4s)++;
		}
	}
	return k;
}

/* Places the parsed entries in v4 (by /16 block: v4_dir holds the counts
 * and becomes the offsets), v4s and v6, in indicator order. */
static void place_ips(struct matcher *m, const struct ip_ent *ips, size_t nips, size_t *k4s,
		      size_t *k6)
{
	for (size_t b = 0; b < 65536; b++)
		m->v4_dir[b + 1] += m->v4_dir[b];
	/* v4_dir[b] is the next free place of block b while placing. */
	for (size_t j = 0; j < nips; j++) {
		const struct ip_ent *x = &ips[j];
		if (x->family == 6) {
			m->v6[(*k6)++] =
				(struct v6_ent){.hi = x->hi, .lo = x->lo, .id = x->id, .len = x->len};
			if (x->len >= 32) {
				uint32_t bit = match_v6_bit(x->hi);
				match_bit_set(m->v6_bits, bit);
			}
			continue;
		}
		uint32_t net = (uint32_t)x->hi;
		struct v4_ent ent = {.net = net, .id = x->id, .len = x->len};
		if (x->len >= 16) {
			uint32_t first = net >> 12, count = x->len >= 20 ? 1u : 1u << (20 - x->len);
			for (uint32_t b = first; b < first + count; b++)
				match_bit_set(m->v4_bits, b);
			m->v4[m->v4_dir[net >> 16]++] = ent;
		} else {
			m->v4s[(*k4s)++] = ent;
		}
	}
	/* Now v4_dir[b] is where block b + 1 starts: shift back by one. */
	memmove(m->v4_dir + 1, m->v4_dir, 65536 * sizeof *m->v4_dir);
	m->v4_dir[0] = 0;
}

int matcher_new(const struct ioc_set *s, struct matcher **out, struct wr_err *e)
{
	struct matcher *m = calloc(1, sizeof *m);
	if (!m)
		return wr_err_set(e, WR_ENOMEM, NULL, "out of memory");
	m->set = s;
	size_t n = ioc_set_count(s), nstr = 0, ndom = 0, nv4 = 0, nv4s = 0, nv6 = 0;
	for (uint32_t i = 0; i < n; i++) {
		enum ioc_type t = ioc_set_type(s, i);
		m->counts[t]++;
		if (is_str_type(t)) {
			nstr++;
			ndom += t == IOC_DOMAIN || t == IOC_HOSTNAME;
		}
	}
	size_t nip = m->counts[IOC_IPV4] + m->counts[IOC_IPV6] + m->counts[IOC_CIDR];
	struct ip_ent *ips = malloc((nip ? nip : 1) * sizeof *ips);
	m->v4_dir = calloc(65537, sizeof *m->v4_dir);
	if (!ips || !m->v4_dir) {
		free(ips);
		return fail(m, e);
	}
	/* Every array below is written all over (tables and bitmaps at random
	 * places, the others front to back): their pages are mapped in one
	 * call each instead of one fault per page. */
	prefault(ips, nip * sizeof *ips);
	prefault(m->v4_dir, 65537 * sizeof *m->v4_dir);
	size_t nips = parse_ips(m, ips, &nv4, &nv4s, &nv6);
	size_t cap = 1024;
	while (cap < nstr * 2)
		cap *= 2;
	size_t bits = 1u << 16;
	while (bits < ndom * 16 && bits < (1ull << 28))
		bits *= 2;
	m->tab = calloc(cap, sizeof *m->tab);
	m->tab_mask = cap - 1;
	m->dom_bits = calloc(bits / 64, sizeof *m->dom_bits);
	m->dom_shift = 64u - (unsigned)__builtin_ctzll(bits);
	size_t ubits = 1u << 16;
	while (ubits < m->counts[IOC_URL] * 16 && ubits < (1u << 24))
		ubits *= 2;
	m->url_bits = calloc(ubits / 64, sizeof *m->url_bits);
	m->url_shift = 64u - (unsigned)__builtin_ctzll(ubits);
	size_t nhex = m->counts[IOC_MD5] + m->counts[IOC_SHA1] + m->counts[IOC_SHA256];
	size_t hbits = 1u << 16;
	while (hbits < nhex * 16 && hbits < (1u << 24))
		hbits *= 2;
	m->hex_bits = calloc(hbits / 64, sizeof *m->hex_bits);
	m->hex_shift = 64u - (unsigned)__builtin_ctzll(hbits);
	m->v4_bits = calloc((1u << 20) / 64, sizeof *m->v4_bits);
	m->v4 = malloc((nv4 ? nv4 : 1) * sizeof *m->v4);
	m->v4s = malloc((nv4s ? nv4s : 1) * sizeof *m->v4s);
	m->v6 = malloc((nv6 ? nv6 : 1) * sizeof *m->v6);
	m->v6_bits = calloc(MATCH_V6_BITS / 64, sizeof *m->v6_bits);
	if (!m->tab || !m->dom_bits || !m->url_bits || !m->hex_bits || !m->v4_bits || !m->v4 ||
	    !m->v4s || !m->v6 || !m->v6_bits) {
		free(ips);
		return fail(m, e);
	}
	prefault(m->tab, cap * sizeof *m->tab);
	prefault(m->dom_bits, ndom ? bits / 8 : 0);
	prefault(m->v4_bits, nv4 ? (1u << 20) / 8 : 0);
	prefault(m->v4, nv4 * sizeof *m->v4);
	prefault(m->v6, nv6 * sizeof *m->v6);
	add_strs(m);
	size_t k4s = 0, k6 = 0;
	place_ips(m, ips, nips, &k4s, &k6);
	free(ips);
	qsort(m->v4s, k4s, sizeof *m->v4s, cmp_v4);
	for (size_t i = 0; i < k4s; i++) {
		if (!m->nv4s_lens || m->v4s_lens[m->nv4s_lens - 1].len != m->v4s[i].len)
			m->v4s_lens[m->nv4s_lens++] = (struct len_range){m->v4s[i].len, i, i};
		m->v4s_lens[m->nv4s_lens - 1].end = i + 1;
	}
	qsort(m->v6, k6, sizeof *m->v6, cmp_v6);
	for (size_t i = 0; i < k6; i++) {
		if (!m->nv6_lens || m->v6_lens[m->nv6_lens - 1].len != m->v6[i].len)
			m->v6_lens[m->nv6_lens++] = (struct len_range){m->v6[i].len, i, i};
		m->v6_lens[m->nv6_lens - 1].end = i + 1;
	}
	m->has_dom = m->counts[IOC_DOMAIN] || m->counts[IOC_HOSTNAME];
	m->has_hex = m->counts[IOC_MD5] || m->counts[IOC_SHA1] || m->counts[IOC_SHA256];
	m->has_url = m->counts[IOC_URL] > 0;
	m->has_email = m->counts[IOC_EMAIL] > 0;
	m->has_v4 = nv4 || k4s;
	m->has_v6 = k6 > 0;
	*out = m;
	return 0;
}

void matcher_free(struct matcher *m)
{
	if (!m)
		return;
	free(m->tab);
	free(m->dom_bits);
	free(m->url_bits);
	free(m->hex_bits);
	free(m->v4_dir);
	free(m->v4_bits);
	free(m->v4);
	free(m->v4s);
	free(m->v6);
	free(m->v6_bits);
	free(m);
}

uint32_t matcher_find(const struct matcher *m, enum ioc_type t, const char *s, size_t n)
{
	const unsigned char *u = (const unsigned char *)s;
	uint64_t h = t == IOC_DOMAIN || t == IOC_HOSTNAME ? match_dom_hash(u, n) : match_hash(u, n);
	for (size_t k = h & m->tab_mask; m->tab[k].id; k = (k + 1) & m->tab_mask) {
		uint32_t i = m->tab[k].id - 1;
		size_t vl;
		const char *v = ioc_set_value(m->set, i, &vl);
		if (m->tab[k].tag == (uint32_t)(h >> 32) && ioc_set_type(m->set, i) == t &&
		    vl == n && !memcmp(v, s, n))
			return i + 1;
	}
	return 0;
}

uint32_t matcher_find_name(const struct matcher *m, const char *s, size_t n)
{
	uint64_t h = match_hash((const unsigned char *)s, n);
	for (size_t k = h & m->tab_mask; m->tab[k].id; k = (k + 1) & m->tab_mask) {
		uint32_t i = m->tab[k].id - 1;
		size_t vl;
		const char *v = ioc_set_value(m->set, i, &vl);
		if (m->tab[k].tag != (uint32_t)(h >> 32) || ioc_set_type(m->set, i) != IOC_FILENAME ||
		    vl != n)
			continue;
		size_t j = 0;
		while (j < n && match_lower((unsigned char)s[j]) == match_lower((unsigned char)v[j]))
			j++;
		if (j == n)
			return i + 1;
	}
	return 0;
}
