/* The line scanner (see scan.h). One loop classifies bytes with a table:
 * maximal runs of host-name bytes [A-Za-z0-9_.-] are the candidates for
 * domains, IPv4 addresses and hashes; ':' starts the URL and IPv6 checks,
 * '@' the email check, '\n' ends a line. The rules are those of the
 * reference matcher in bench/sweep/gen.py, written out in docs/sweep.md. */
#include "sweep/scan.h"

#include "base/timeutil.h"
#include "sweep/linetime.h"
#include "sweep/ssse3.h"

#include <pthread.h>
#if defined(__x86_64__)
#include <cpuid.h>
#include <immintrin.h>
#endif
#include <stdlib.h>
#include <string.h>

enum {
	C_H = 0x01,     /* [A-Za-z0-9_.-] */
	C_DIG = 0x02,   /* [0-9] */
	C_HEXA = 0x04,  /* [a-fA-F] */
	C_ALPHA = 0x08, /* [g-zG-Z] */
	C_US = 0x10,    /* _ */
	C_DOT = 0x20,
	C_DASH = 0x40,
	C_SPEC = 0x80, /* \n : @ */
};

static unsigned char cls[256];
static unsigned char v6c[256];    /* [0-9A-Za-z:.]: an IPv6 run */
static unsigned char urlend[256]; /* white space, quotes, <, >, \ end a URL */
static unsigned char local[256];  /* [A-Za-z0-9._%+-]: the local part of an email */
static unsigned char hexv[256];   /* hex digit value + 1, 0 when not hex */

static void init_tables(void)
{
	for (int c = 0; c < 256; c++) {
		unsigned char k = 0;
		int digit = c >= '0' && c <= '9';
		int hexa = (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
		int alpha = ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z')) && !hexa;
		if (digit)
			k |= C_H | C_DIG;
		if (hexa)
			k |= C_H | C_HEXA;
		if (alpha)
			k |= C_H | C_ALPHA;
		if (c == '_')
			k |= C_H | C_US;
		if (c == '.')
			k |= C_H | C_DOT;
		if (c == '-')
			k |= C_H | C_DASH;
		if (c == '\n' || c == ':' || c == '@')
			k |= C_SPEC;
		cls[c] = k;
		v6c[c] = (unsigned char)(digit || hexa || alpha || c == ':' || c == '.');
		urlend[c] = (unsigned char)(c == ' ' || (c >= '\t' && c <= '\r') ||
					    (c >= 0x1c && c <= 0x1f) || c == '"' || c == '\'' ||
					    c == '<' || c == '>' || c == '\\');
		local[c] = (unsigned char)(digit || hexa || alpha || c == '.' || c == '_' ||
					   c == '%' || c == '+' || c == '-');
		hexv[c] = (unsigned char)(digit ? c - '0' + 1
					  : hexa ? (c | 0x20) - 'a' + 11
						 : 0);
	}
}

static pthread_once_t tables_once = PTHREAD_ONCE_INIT;

static void init_all(void)
{
	init_tables();
#if defined(__x86_64__)
	ssse3_init(urlend);
#endif
}

static void init_once(void)
{
	pthread_once(&tables_once, init_all);
}

void scanner_release(struct scanner *sc)
{
	free(sc->seen);
	sc->seen = NULL;
}

void scan_out_release(struct scan_out *o)
{
	free(o->hits);
	free(o->text);
	memset(o, 0, sizeof *o);
}

static int grow(void **p, size_t *cap, size_t need, size_t size)
{
	if (need <= *cap)
		return 0;
	size_t c = *cap ? *cap * 2 : 64;
	while (c < need)
		c *= 2;
	void *q = realloc(*p, c * size);
	if (!q)
		return -1;
	*p = q;
	*cap = c;
	return 0;
}

/* Without -mpopcnt __builtin_popcountll is a library call; this is not. */
static inline unsigned popcount64(uint64_t x)
{
	x = x - ((x >> 1) & 0x5555555555555555ull);
	x = (x & 0x3333333333333333ull) + ((x >> 2) & 0x3333333333333333ull);
	x = (x + (x >> 4)) & 0x0f0f0f0f0f0f0f0full;
	return (unsigned)((x * 0x0101010101010101ull) >> 56);
}

static void flush(struct scanner *sc);

/* Reports indicator id (index + 1) once per line, with text blk[a..b). */
static void hit(struct scanner *sc, uint32_t id, const unsigned char *blk, size_t a, size_t b)
{
	if (sc->npend && !sc->flushing)
		flush(sc); /* the tokens found before this one report first */
	uint32_t ioc = id - 1;
	/* The line is only worked out when there is a hit. */
	sc->line = sc->line_base + popcount64(sc->nl_bits & ((1ull << sc->bit) - 1));
	if (sc->line != sc->seen_line) {
		sc->nseen = 0;
		sc->seen_line = sc->line;
	}
	for (size_t k = 0; k < sc->nseen; k++)
		if (sc->seen[k] == ioc)
			return;
	if (sc->time_line != sc->line) {
		/* The line's own time, read once per line with a hit. */
		const unsigned char *nl = a ? memrchr(blk, '\n', a) : NULL;
		const unsigned char *ls = nl ? nl + 1 : sc->bol ? blk : NULL;
		sc->line_t = ls ? line_time(ls, sc->blk_n - (size_t)(ls - blk), sc->now) : 0;
		sc->time_line = sc->line;
	}
	struct scan_out *o = sc->out;
	size_t tl = b - a > SCAN_TEXT_MAX ? SCAN_TEXT_MAX : b - a;
	if (grow((void **)&sc->seen, &sc->seen_cap, sc->nseen + 1, sizeof *sc->seen) ||
	    grow((void **)&o->hits, &o->cap, o->n + 1, sizeof *o->hits) ||
	    grow((void **)&o->text, &o->tcap, o->tlen + tl, 1) || o->tlen + tl > UINT32_MAX) {
		sc->oom = 1;
		return;
	}
	sc->seen[sc->nseen++] = ioc;
	memcpy(o->text + o->tlen, blk + a, tl);
	o->hits[o->n++] = (struct scan_hit){.line = sc->line, .off = sc->off + a, .time = sc->line_t, .ioc = ioc,
					    .text_off = (uint32_t)o->tlen, .text_len = (uint32_t)tl};
	o->tlen += tl;
}

/* Looks s[0..n) (hash h) up among the string indicators of the types in
 * mask; fold compares ASCII case-insensitively (the table holds lower case). */
static void probe(struct scanner *sc, uint64_t h, const unsigned char *s, size_t n,
		  unsigned mask, int fold, const unsigned char *blk, size_t a, size_t b)
{
	const struct matcher *m = sc->m;
	size_t k = h & m->tab_mask;
	uint32_t tag = (uint32_t)(h >> 32);
	for (; m->tab[k].id; k = (k + 1) & m->tab_mask) {
		if (m->tab[k].tag != tag)
			continue;
		uint32_t i = m->tab[k].id - 1;
		if (!(mask & (1u << ioc_set_type(m->set, i))))
			continue;
		size_t vl;
		const unsigned char *v = (const unsigned char *)ioc_set_value(m->set, i, &vl);
		if (vl != n)
			continue;
		size_t j = 0;
		if (fold)
			while (j < n && match_lower(s[j]) == v[j])
				j++;
		else
			while (j < n && s[j] == v[j])
				j++;
		if (j == n)
			hit(sc, m->tab[k].id, blk, a, b);
	}
}

/* ------------------------------------------------------------------ batches */

/* An address or a domain suffix that passes its bitmap (a few percent:
 * mostly neighbours of an indicator) then costs two loads from tables too
 * large for the cache. Instead of waiting for them at the token, the
 * scanner prefetches the first and queues the token; the queue is looked
 * up when full, at the end of the block, and before any other hit, so that
 * hits keep the order of their tokens. */
enum { PEND_V4, PEND_DOM };

static void v4_lookup(struct scanner *sc, uint32_t ip, const unsigned char *blk, size_t a,
		      size_t b);

static void flush(struct scanner *sc)
{
	const struct matcher *m = sc->m;
	if (!sc->npend || sc->flushing)
		return;
	sc->flushing = 1;
	/* The second load of each address (its /16's entries), prefetched
	 * for all before the first is looked up. */
	for (int i = 0; i < sc->npend; i++)
		if (sc->pend[i].kind == PEND_V4)
			__builtin_prefetch(&m->v4[m->v4_dir[sc->pend[i].key >> 16]]);
	int bit = sc->bit;
	uint64_t lb = sc->line_base, nb = sc->nl_bits;
	for (int i = 0; i < sc->npend; i++) {
		const struct scan_pend *e = &sc->pend[i];
		/* hit() finds the token's line from these */
		sc->bit = e->bit, sc->line_base = e->line_base, sc->nl_bits = e->nl_bits;
		if (e->kind == PEND_V4) {
			v4_lookup(sc, (uint32_t)e->key, sc->blk, e->a, e->b);
		} else {
			unsigned mask = 1u << IOC_DOMAIN | (e->whole ? 1u << IOC_HOSTNAME : 0);
			probe(sc, e->key, sc->blk + e->a, e->b - e->a, mask, 1, sc->blk, e->ts,
			      e->te);
		}
	}
	sc->npend = 0;
	sc->flushing = 0;
	sc->bit = bit, sc->line_base = lb, sc->nl_bits = nb;
}

static inline struct scan_pend *pend_add(struct scanner *sc, int kind, uint64_t key, size_t a,
					 size_t b)
{
	if (sc->npend == SCAN_PEND_MAX)
		flush(sc);
	struct scan_pend *e = &sc->pend[sc->npend++];
	e->key = key, e->kind = kind, e->a = a, e->b = b;
	e->bit = sc->bit, e->line_base = sc->line_base, e->nl_bits = sc->nl_bits;
	return e;
}

/* ------------------------------------------------------------------ IPv4 */

static void v4_shorter(struct scanner *sc, uint32_t ip, const unsigned char *blk, size_t a,
		       size_t b);

static void v4_lookup(struct scanner *sc, uint32_t ip, const unsigned char *blk, size_t a,
		      size_t b)
{
	const struct matcher *m = sc->m;
	uint32_t top = ip >> 12;
	if (!match_bit(m->v4_bits, top))
		goto shorter;
	for (uint32_t k = m->v4_dir[ip >> 16], e = m->v4_dir[(ip >> 16) + 1]; k < e; k++) {
		const struct v4_ent *x = &m->v4[k];
		uint32_t mask = x->len ? ~0u << (32 - x->len) : 0;
		if ((ip & mask) == x->net)
			hit(sc, x->id, blk, a, b);
	}
shorter:
	v4_shorter(sc, ip, blk, a, b);
}

/* The prefixes shorter than /16 that hold ip. */
static void v4_shorter(struct scanner *sc, uint32_t ip, const unsigned char *blk, size_t a,
		       size_t b)
{
	const struct matcher *m = sc->m;
	for (int l = 0; l < m->nv4s_lens; l++) {
		const struct len_range *r = &m->v4s_lens[l];
		uint32_t net = r->len ? ip & (~0u << (32 - r->len)) : 0;
		size_t lo = r->start, hi = r->end;
		while (lo < hi) {
			size_t mid = lo + (hi - lo) / 2;
			if (m->v4s[mid].net < net)
				lo = mid + 1;
			else
				hi = mid;
		}
		for (; lo < r->end && m->v4s[lo].net == net; lo++)
			hit(sc, m->v4s[lo].id, blk, a, b);
	}
}

/* ip, found at blk[a..b): looked up later when its /20 holds an entry
 * (its /16's directory prefetched), else only among the short prefixes. */
static inline void v4_check(struct scanner *sc, uint32_t ip, size_t a, size_t b)
{
	const struct matcher *m = sc->m;
	uint32_t top = ip >> 12;
	if (match_bit(m->v4_bits, top)) {
		__builtin_prefetch(&m->v4_dir[ip >> 16]);
		pend_add(sc, PEND_V4, ip, a, b);
	} else if (m->nv4s_lens) {
		v4_shorter(sc, ip, sc->blk, a, b);
	}
}

/* Bits 8k+7 set where byte k of w is '.' (exact: no carry between bytes). */
static inline uint64_t dots8(uint64_t w)
{
	uint64_t x = w ^ 0x2e2e2e2e2e2e2e2eull, lo = 0x7f7f7f7f7f7f7f7full;
	return ~(((x & lo) + lo) | x | lo);
}

/* Bits 8k+7 of z gathered into bits k of a byte (no two products overlap). */
static inline unsigned gather8(uint64_t z)
{
	return (unsigned)(((z >> 7) * 0x0102040810204080ull) >> 56);
}

/* One octet of a dotted quad, the digits q[s..e): its value in *v; 0 when it
 * is not 1 to 3 digits without a leading zero and at most 255. q has two
 * bytes before the token, so q[e-3] is always inside it. */
static inline int octet(const unsigned char *q, unsigned s, unsigned e, unsigned *v)
{
	/* The weights of the two digits before the last by length (1 to 3;
	 * other lengths are refused below): loaded, not selected, since the
	 * compiler turns a ?: or a product with (l >= 3) into a branch. */
	static const unsigned char w10[4] = {0, 0, 10, 10}, w100[4] = {0, 0, 0, 100};
	unsigned l = e - s; /* wraps when e < s */
	unsigned x = (q[e - 1] & 15u) + w10[l & 3] * (q[e - 2] & 15u) +
		     w100[l & 3] * (q[e - 3] & 15u);
	*v = x;
	return (l - 1u < 3u) & (x <= 255) & !((l > 1) & (q[s] == '0'));
}

/* p[*a..*b) stripped of the dots at both ends: its length when a dotted
 * quad may fit (7 to 15 bytes), else 0. */
static inline size_t quad_strip(const unsigned char *p, size_t *a, size_t *b)
{
	while (*a < *b && p[*a] == '.')
		++*a;
	while (*b > *a && p[*b - 1] == '.')
		--*b;
	size_t n = *b - *a;
	return n >= 7 && n <= 15 ? n : 0;
}

/* p[a..b) holds only digits and dots: four decimal octets without leading
 * zeros once the dots at both ends are stripped. The dots are found 8
 * bytes at a time and the octets computed without a branch per digit
 * (octet lengths vary at random: a loop mispredicts at each). */
static void try_v4(struct scanner *sc, const unsigned char *p, size_t a, size_t b)
{
	size_t n = quad_strip(p, &a, &b);
	if (!n)
		return;
	unsigned char q[2 + 16]; /* "00" then the token, zero bytes after it */
	memset(q, 0, sizeof q);
	q[0] = q[1] = '0';
	unsigned dm;
	/* The dots from loads of p itself: a load of q spanning both copies
	 * below would wait for them (no store forwarding). */
	if (n >= 8) {
		uint64_t w0 = match_load8(p + a), w1 = match_load8(p + b - 8);
		memcpy(q + 2, &w0, 8);
		memcpy(q + 2 + n - 8, &w1, 8);
		dm = gather8(dots8(w0)) | gather8(dots8(w1)) << (n - 8);
	} else {
		memcpy(q + 2, p + a, 7);
		dm = gather8(dots8(match_load8(q + 2))) & 0x7f;
	}
	unsigned dm1 = dm & (dm - 1), dm2 = dm1 & (dm1 - 1);
	if (!dm2 || (dm2 & (dm2 - 1)))
		return; /* not exactly three dots */
	unsigned d1 = (unsigned)__builtin_ctz(dm), d2 = (unsigned)__builtin_ctz(dm1),
		 d3 = (unsigned)__builtin_ctz(dm2);
	unsigned v0, v1, v2, v3;
	int ok = octet(q, 2, 2 + d1, &v0) & octet(q, 3 + d1, 2 + d2, &v1) &
		 octet(q, 3 + d2, 2 + d3, &v2) & octet(q, 3 + d3, 2 + (unsigned)n, &v3);
	if (ok)
		v4_check(sc, v0 << 24 | v1 << 16 | v2 << 8 | v3, a, b);
}

#if defined(__x86_64__)
/* try_v4 with the SSSE3 parser (the AVX2 and AVX-512 loops). */
__attribute__((target("ssse3"))) static void try_v4_ssse3(struct scanner *sc,
							const unsigned char *p, size_t a,
							size_t b)
{
	size_t n = quad_strip(p, &a, &b);
	if (!n)
		return;
	unsigned char tail[16];
	const unsigned char *t = p + a;
	uint32_t ip;
	if (a + 16 > sc->blk_n) { /* near the end of the input: a padded copy */
		memset(tail, 0, sizeof tail);
		t = memcpy(tail, p + a, n);
	}
	if (ssse3_quad(t, (unsigned)n, &ip))
		v4_check(sc, ip, a, b);
}
#endif

/* The dotted quad in p[a..b), with the parser of this processor. */
static inline __attribute__((always_inline)) void quad_at(struct scanner *sc,
							   const unsigned char *p, size_t a,
							   size_t b)
{
#if defined(__x86_64__)
	if (sc->simd) {
		try_v4_ssse3(sc, p, a, b);
		return;
	}
#endif
	try_v4(sc, p, a, b);
}

/* ------------------------------------------------------------------ IPv6 */

static void v6_lookup(struct scanner *sc, uint64_t hi, uint64_t lo, const unsigned char *blk,
		      size_t a, size_t b)
{
	const struct matcher *m = sc->m;
	uint32_t bit = match_v6_bit(hi);
	int near = match_bit(m->v6_bits, bit);
	for (int l = 0; l < m->nv6_lens; l++) {
		const struct len_range *r = &m->v6_lens[l];
		if (r->len >= 32 && !near)
			break; /* lengths ascend: no longer entry can hold it */
		uint64_t mh = r->len >= 64 ? ~0ull : r->len ? ~0ull << (64 - r->len) : 0;
		uint64_t ml = r->len >= 128 ? ~0ull : r->len > 64 ? ~0ull << (128 - r->len) : 0;
		uint64_t nh = hi & mh, nl = lo & ml;
		size_t x = r->start, y = r->end;
		while (x < y) {
			size_t mid = x + (y - x) / 2;
			const struct v6_ent *e = &m->v6[mid];
			if (e->hi < nh || (e->hi == nh && e->lo < nl))
				x = mid + 1;
			else
				y = mid;
		}
		for (; x < r->end && m->v6[x].hi == nh && m->v6[x].lo == nl; x++)
			hit(sc, m->v6[x].id, blk, a, b);
	}
	/* ::ffff:a.b.c.d is an IPv4 address in any spelling. */
	if (hi == 0 && (lo >> 32) == 0xffff && m->has_v4)
		v4_lookup(sc, (uint32_t)lo, blk, a, b);
}

static int hextet(const unsigned char *p, size_t a, size_t b, uint16_t *out)
{
	if (a >= b || b - a > 4)
		return -1;
	unsigned v = 0;
	for (size_t i = a; i < b; i++) {
		if (!hexv[p[i]])
			return -1;
		v = v << 4 | (unsigned)(hexv[p[i]] - 1);
	}
	*out = (uint16_t)v;
	return 0;
}

/* Strict dotted quad (Python's IPv4Address): 0 and the value, or -1. */
static int quad(const unsigned char *p, size_t a, size_t b, uint32_t *out)
{
	uint32_t ip = 0;
	int parts = 0;
	size_t i = a;
	while (i <= b) {
		size_t s = i;
		unsigned v = 0;
		while (i < b && p[i] != '.') {
			if (p[i] < '0' || p[i] > '9')
				return -1;
			v = v * 10 + (unsigned)(p[i++] - '0');
		}
		size_t l = i - s;
		if (l == 0 || l > 3 || (l > 1 && p[s] == '0') || v > 255 || ++parts > 4)
			return -1;
		ip = ip << 8 | v;
		i++;
	}
	if (parts != 4)
		return -1;
	*out = ip;
	return 0;
}

/* Parses p[a..b) as an IPv6 address with the rules of Python's ipaddress
 * (the reference): 0 and the 128-bit value in g, or -1. */
static int parse_v6(const unsigned char *p, size_t a, size_t b, uint16_t g[8])
{
	size_t st[10], en[10]; /* parts, at most 9 (+1 for an IPv4 tail) */
	int np = 0;
	for (size_t i = a, s = a;; i++) {
		if (i == b || p[i] == ':') {
			if (np == 10)
				return -1;
			st[np] = s, en[np] = i, np++;
			s = i + 1;
			if (i == b)
				break;
		}
	}
	if (np < 3)
		return -1;
	uint16_t v4tail[2];
	int tail = 0;
	if (memchr(p + st[np - 1], '.', en[np - 1] - st[np - 1])) {
		uint32_t q;
		if (quad(p, st[np - 1], en[np - 1], &q))
			return -1;
		v4tail[0] = (uint16_t)(q >> 16), v4tail[1] = (uint16_t)q;
		tail = 1;
	}
	int total = np - tail + 2 * tail; /* parts after the IPv4 tail became two */
	if (total > 9)
		return -1;
	int skip = -1;
	for (int i = 1; i < np - 1; i++)
		if (st[i] == en[i]) {
			if (skip >= 0)
				return -1;
			skip = i;
		}
	/* Part i of the converted list: an IPv4 tail stands for two. */
	int hi_n, lo_n, skipped;
	int last_empty = !tail && st[np - 1] == en[np - 1];
	if (skip >= 0) {
		hi_n = skip;
		lo_n = total - skip - 1;
		if (st[0] == en[0] && --hi_n)
			return -1;
		if (last_empty && --lo_n)
			return -1;
		skipped = 8 - (hi_n + lo_n);
		if (skipped < 1)
			return -1;
	} else {
		if (total != 8 || st[0] == en[0] || last_empty)
			return -1;
		hi_n = 8, lo_n = 0, skipped = 0;
	}
	/* Hextet k of the converted list (0..total-1). */
	int k = 0;
	for (int i = 0; i < hi_n; i++, k++) {
		if (tail && i >= np - 1)
			g[k] = v4tail[i - (np - 1)];
		else if (hextet(p, st[i], en[i], &g[k]))
			return -1;
	}
	for (int i = 0; i < skipped; i++)
		g[k++] = 0;
	for (int i = total - lo_n; i < total; i++, k++) {
		if (tail && i >= np - 1)
			g[k] = v4tail[i - (np - 1)];
		else if (hextet(p, st[i], en[i], &g[k]))
			return -1;
	}
	return k == 8 ? 0 : -1;
}

/* The hex group p[*i..) of 1 to 4 digits: its value, *i moved past it; -1
 * when there is none. */
static int group(const unsigned char *p, size_t *i, size_t b)
{
	size_t s = *i;
	uint16_t v;
	while (*i < b && *i - s < 5 && hexv[p[*i]])
		++*i;
	return hextet(p, s, *i, &v) ? -1 : v;
}

/* When every IPv6 entry is /32 or longer, an address whose first two
 * groups fail the /32 filter can hold no hit: 1 when p[a..b) starts so,
 * read without parsing the rest (most addresses in a log stop here). An
 * address with zero first bits may be ::ffff:a.b.c.d and is parsed. */
static int v6_ruled_out(const struct matcher *m, const unsigned char *p, size_t a, size_t b)
{
	if (!m->nv6_lens || m->v6_lens[0].len < 32)
		return 0;
	size_t i = a;
	int g0 = group(p, &i, b), g1 = 0;
	if (g0 < 0 || i + 1 >= b || p[i] != ':')
		return 0;
	i++;
	if (p[i] != ':') { /* "g0::" leaves g1 zero */
		g1 = group(p, &i, b);
		if (g1 < 0 || (i < b && p[i] != ':'))
			return 0;
	}
	uint64_t hi = (uint64_t)((unsigned)g0 << 16 | (unsigned)g1) << 32;
	uint32_t bit = match_v6_bit(hi);
	return hi && !match_bit(m->v6_bits, bit);
}

static void try_v6(struct scanner *sc, const unsigned char *p, size_t a, size_t b)
{
	while (b > a && p[b - 1] == '.')
		b--;
	if (v6_ruled_out(sc->m, p, a, b))
		return;
	uint16_t g[8];
	int ok = parse_v6(p, a, b, g) == 0;
	if (!ok) {
		/* "outside:2001:db8::1": an interface name before the address. */
		size_t c = a;
		while (c < b && p[c] != ':')
			c++;
		int hex = 1;
		for (size_t i = a; i < c; i++)
			hex &= hexv[p[i]] != 0;
		if (c == a || c == b || hex)
			return;
		a = c + 1;
		if (parse_v6(p, a, b, g))
			return;
	}
	uint64_t hi = 0, lo = 0;
	for (int i = 0; i < 4; i++)
		hi = hi << 16 | g[i], lo = lo << 16 | g[i + 4];
	v6_lookup(sc, hi, lo, p, a, b);
}

/* ------------------------------------------------------------------ names */

/* The suffix p[a..b) of the token p[ts..te) (whole: the token itself),
 * hash h (match_dom_raw): queued with its table slot prefetched when its
 * bit is set. */
static inline void dom_check(struct scanner *sc, uint64_t h, size_t a, size_t b, size_t ts,
			     size_t te, int whole)
{
	const struct matcher *m = sc->m;
	size_t bit = h >> m->dom_shift;
	if (!match_bit(m->dom_bits, bit))
		return;
	uint64_t f = match_final(h);
	__builtin_prefetch(&m->tab[f & m->tab_mask]);
	struct scan_pend *e = pend_add(sc, PEND_DOM, f, a, b);
	e->ts = ts, e->te = te, e->whole = whole;
}

/* The last '.' in p[s..j), 8 bytes at a time: its index, or SIZE_MAX. */
static inline size_t last_dot(const unsigned char *p, size_t s, size_t j)
{
	for (; j - s >= 8; j -= 8) {
		uint64_t z = dots8(match_load8(p + j - 8));
		if (z)
			return j - 8 + (size_t)(63 - __builtin_clzll(z)) / 8;
	}
	if (j == s)
		return SIZE_MAX;
	if (j >= 8) {
		/* The 8 bytes ending at j, without those before s. */
		uint64_t z = dots8(match_load8(p + j - 8)) & (~0ull << (8 * (8 - (j - s))));
		return z ? j - 8 + (size_t)(63 - __builtin_clzll(z)) / 8 : SIZE_MAX;
	}
	while (j-- > s)
		if (p[j] == '.')
			return j;
	return SIZE_MAX;
}

/* A host-name run p[s..e) with a dot: the token stripped of '.' and '-' at
 * both ends, then the token and every suffix after a dot, right to left,
 * hashed one label at a time (match_dom_hash). */
static void domains(struct scanner *sc, const unsigned char *p, size_t s, size_t e)
{
	while (e > s && (p[e - 1] == '.' || p[e - 1] == '-'))
		e--;
	while (s < e && (p[s] == '.' || p[s] == '-'))
		s++;
	if (e - s < 3)
		return;
	/* The last label first: its filter rules out most names. */
	size_t j = last_dot(p, s, e);
	if (j == SIZE_MAX)
		return;
	uint64_t top = match_label(p, j + 1, e);
	if (!match_tld_has(sc->m, top))
		return;
	int max = sc->m->max_labels, dots = 1;
	uint64_t h = match_dom_step(MATCH_SEED, top);
	size_t b = j;
	if (dots >= max)
		return;
	while ((j = last_dot(p, s, b)) != SIZE_MAX) {
		h = match_dom_step(h, match_label(p, j + 1, b));
		b = j;
		dom_check(sc, h, j + 1, e, s, e, 0);
		if (++dots >= max)
			return;
	}
	dom_check(sc, match_dom_step(h, match_label(p, s, b)), s, e, s, e, 1);
}

static void hex_word(struct scanner *sc, const unsigned char *p, size_t a, size_t b)
{
	size_t n = b - a;
	if (n != 32 && n != 40 && n != 64)
		return;
	size_t bit = match_hex_bit(sc->m, p + a);
	if (!match_bit(sc->m->hex_bits, bit))
		return;
	for (size_t i = a; i < b; i++)
		if (!hexv[p[i]])
			return;
	unsigned mask = 1u << (n == 32 ? IOC_MD5 : n == 40 ? IOC_SHA1 : IOC_SHA256);
	probe(sc, match_hash(p + a, n), p + a, n, mask, 1, p, a, b);
}

/* A host-name run p[s..e) and the classes of its bytes (C_ALPHA stands
 * for any letter or '_'). */
static void run(struct scanner *sc, const unsigned char *p, size_t s, size_t e, unsigned acc,
		unsigned dots)
{
	const struct matcher *m = sc->m;
	/* An address has three dots (or more, at its ends): timestamps and
	 * version numbers are not parsed. */
	if (dots >= 3 && (acc & C_DIG) && m->has_v4) {
		if (!(acc & (C_ALPHA | C_DASH))) {
			quad_at(sc, p, s, e);
		} else if (acc & C_DASH) {
			/* '-' may border an address ("a-10.1.2.3"), a letter may not. */
			for (size_t a = s; a < e;) {
				size_t b = a;
				int only = 1;
				while (b < e && p[b] != '-')
					only &= (cls[p[b]] & (C_DIG | C_DOT)) != 0, b++;
				if (only && b > a)
					quad_at(sc, p, a, b);
				a = b + 1;
			}
		}
	}
	if ((acc & C_DOT) && (acc & (C_ALPHA | C_DASH)) && m->has_dom)
		domains(sc, p, s, e);
	if (e - s >= 32 && m->has_hex) {
		for (size_t a = s; a < e;) {
			size_t b = a;
			while (b < e && p[b] != '.' && p[b] != '-')
				b++;
			hex_word(sc, p, a, b);
			a = b + 1;
		}
	}
}

/* ------------------------------------------------------------------ URL, email */

/* p[0..4) is "http" in any case (| 0x20 lowers exactly these letters). */
static int is_http(const unsigned char *p)
{
	uint32_t w;
	memcpy(&w, p, 4);
	return (w | 0x20202020u) == ('h' | 't' << 8 | 't' << 16 | (uint32_t)'p' << 24);
}

/* The first '/', '?' or '#' in p[i..b) (where a URL's host ends), or b. */
static size_t host_end(const unsigned char *p, size_t i, size_t b)
{
#if defined(__x86_64__)
	for (; i + 16 <= b; i += 16) { /* SSE2, part of x86-64 */
		__m128i v = _mm_loadu_si128((const __m128i *)(const void *)(p + i));
		__m128i m = _mm_or_si128(_mm_or_si128(_mm_cmpeq_epi8(v, _mm_set1_epi8('/')),
						      _mm_cmpeq_epi8(v, _mm_set1_epi8('?'))),
					 _mm_cmpeq_epi8(v, _mm_set1_epi8('#')));
		unsigned bits = (unsigned)_mm_movemask_epi8(m);
		if (bits)
			return i + (size_t)__builtin_ctz(bits);
	}
#endif
	while (i < b && p[i] != '/' && p[i] != '?' && p[i] != '#')
		i++;
	return i;
}

static int alnum(unsigned char c)
{
	return (cls[c] & (C_DIG | C_HEXA | C_ALPHA)) != 0;
}

/* p[i] is ':' followed by "//". Returns the end of the URL token (or i). */
static size_t url(struct scanner *sc, const unsigned char *p, size_t n, size_t i, size_t done)
{
	size_t a;
	/* No line end can be inside "http(s)": no need to know where the line starts. */
	if (i >= 5 && match_lower(p[i - 1]) == 's' && is_http(p + i - 5))
		a = i - 5;
	else if (i >= 4 && is_http(p + i - 4))
		a = i - 4;
	else
		return i;
	if (a < done || (a > 0 && alnum(p[a - 1])))
		return i;
	size_t b = i + 3;
#if defined(__x86_64__)
	if (sc->simd)
		b = ssse3_url_end(p, b, n);
#endif
	while (b < n && !urlend[p[b]])
		b++;
	size_t len = b - a, max = sc->m->max_url + 4;
	if (len > max || len > IOC_VALUE_MAX + 4)
		return b;
	size_t k = 0, sl = i - a;
	size_t he = host_end(p, i + 3, b);
	size_t hl = he - (i + 3);
	if (sl == 4 && hl > 3 && !memcmp(p + he - 3, ":80", 3))
		hl -= 3;
	else if (sl == 5 && hl > 4 && !memcmp(p + he - 4, ":443", 4))
		hl -= 4;
	/* Most URLs in logs are not indicators: their scheme and host rule them
	 * out without copying them. */
	uint64_t hh = match_final(match_label(p, a, i + 3 + hl));
	size_t bit = hh >> sc->m->url_shift;
	if (!match_bit(sc->m->url_bits, bit))
		return b;
	unsigned char buf[IOC_VALUE_MAX + 8];
	for (size_t j = a; j < i + 3; j++)
		buf[k++] = match_lower(p[j]);
	for (size_t j = i + 3; j < i + 3 + hl; j++)
		buf[k++] = match_lower(p[j]);
	memcpy(buf + k, p + he, b - he);
	k += b - he;
	probe(sc, match_hash(buf, k), buf, k, 1u << IOC_URL, 0, p, a, b);
	return b;
}

static int ldh(unsigned char c)
{
	return (cls[c] & (C_DIG | C_HEXA | C_ALPHA | C_DASH)) != 0;
}

/* p[i] is '@'. Returns the end of the address (or i). */
static size_t email(struct scanner *sc, const unsigned char *p, size_t n, size_t i, size_t done)
{
	size_t a = i;
	while (a > 0 && local[p[a - 1]])
		a--;
	if (a == i || a < done)
		return i;
	size_t j = i + 1;
	while (j < n && ldh(p[j]))
		j++;
	if (j == i + 1)
		return i;
	size_t end = j;
	int dots = 0;
	while (j < n && p[j] == '.') {
		size_t k = j + 1;
		while (k < n && ldh(p[k]))
			k++;
		if (k == j + 1)
			break;
		dots++;
		end = j = k;
	}
	if (!dots)
		return i;
	probe(sc, match_hash(p + a, end - a), p + a, end - a, 1u << IOC_EMAIL, 1, p, a, end);
	return end;
}

/* ------------------------------------------------------------------ the loop */

/* The loop does not look at every byte one by one: it computes bit masks
 * of 64 bytes at a time (host-name bytes, '.', ':', '@', '\n', hex digits)
 * and only visits the bytes that can start work: a '.' (the host-name run
 * around it is a domain or IPv4 candidate), ':' (URL, IPv6), '@' (email),
 * and 16-byte blocks of hex digits (a hash of 32 or more digits always
 * covers one). Line numbers come from counting the '\n' bits. */
struct masks {
	uint64_t h, dot, colon, at, nl, hex, digit, dash, letter; /* one bit per byte */
	uint64_t v6; /* [0-9A-Za-z:.]: bytes of an IPv6 candidate */
	uint64_t slash;
};

#if defined(__x86_64__)
/* The AVX2 and AVX-512 kernels read their constants from memory: set1
 * would be built again with a broadcast in every block, since the calls of
 * the loop clobber the vector registers. Read through a volatile pointer,
 * the values are unknown to the compiler, which then cannot turn the loads
 * back into broadcasts. (For SSE2, gcc loads set1 constants from memory by
 * itself: going through this table there cost 3 M more instructions on
 * the cachegrind sample.) */
#define K64(c) {c, c, c, c, c, c, c, c, c, c, c, c, c, c, c, c, c, c, c, c, c, c, \
		c, c, c, c, c, c, c, c, c, c, c, c, c, c, c, c, c, c, c, c, c, c, \
		c, c, c, c, c, c, c, c, c, c, c, c, c, c, c, c, c, c, c, c}
enum { K_20, K_A, K_0, K_10, K_26, K_6, K_DOT, K_DASH, K_COLON, K_US, K_AT, K_NL, K_SLASH,
       K_0M1, K_9P1, K_AM1, K_ZP1, K_FP1, K_N };
static const unsigned char kconst[K_N][64] __attribute__((aligned(64))) = {
	K64(0x20), K64('a'),  K64('0'),  K64(10),	K64(26),       K64(6),
	K64('.'),  K64('-'),  K64(':'),  K64('_'),	K64('@'),      K64('\n'),
	K64('/'),  K64('0' - 1), K64('9' + 1), K64('a' - 1), K64('z' + 1), K64('f' + 1)};
static const unsigned char (*const volatile kconst_p)[64] = kconst;

/* The AVX2 and AVX-512 loops also use BMI1, BMI2, LZCNT and POPCNT, which
 * every processor with AVX2 has: without them gcc spells andn, bzhi and
 * lzcnt with several instructions, or with moves through mask registers. */
#define KERNEL_BITS "bmi,bmi2,lzcnt,popcnt"
#define KERNEL_AVX2 "avx2," KERNEL_BITS
#define KERNEL_AVX512 "avx512f,avx512bw," KERNEL_BITS

/* SSE2 is part of x86-64; AVX2 is used when the processor has it. */
static inline __attribute__((always_inline)) void masks64_sse2(const unsigned char *p,
								struct masks *m, int want_at)
{
	uint64_t dt = 0, co = 0, at = 0, nl = 0, hx = 0, dg = 0, ds = 0, lt = 0, al = 0, sl = 0;
	for (int k = 0; k < 4; k++) {
		__m128i v = _mm_loadu_si128((const __m128i *)(const void *)(p + 16 * k));
		__m128i l = _mm_or_si128(v, _mm_set1_epi8(0x20));
		/* Signed compares: bytes >= 0x80 are negative and never in a range. */
		__m128i digit = _mm_and_si128(_mm_cmpgt_epi8(v, _mm_set1_epi8('0' - 1)),
					      _mm_cmplt_epi8(v, _mm_set1_epi8('9' + 1)));
		__m128i alpha = _mm_and_si128(_mm_cmpgt_epi8(l, _mm_set1_epi8('a' - 1)),
					      _mm_cmplt_epi8(l, _mm_set1_epi8('z' + 1)));
		__m128i hexa = _mm_and_si128(alpha, _mm_cmplt_epi8(l, _mm_set1_epi8('f' + 1)));
		__m128i dot = _mm_cmpeq_epi8(v, _mm_set1_epi8('.'));
		__m128i letter = _mm_or_si128(alpha, _mm_cmpeq_epi8(v, _mm_set1_epi8('_')));
		int sh = 16 * k;
		dg |= (uint64_t)(unsigned)_mm_movemask_epi8(digit) << sh;
		al |= (uint64_t)(unsigned)_mm_movemask_epi8(alpha) << sh;
		lt |= (uint64_t)(unsigned)_mm_movemask_epi8(letter) << sh;
		ds |= (uint64_t)(unsigned)_mm_movemask_epi8(_mm_cmpeq_epi8(v, _mm_set1_epi8('-'))) << sh;
		dt |= (uint64_t)(unsigned)_mm_movemask_epi8(dot) << sh;
		co |= (uint64_t)(unsigned)_mm_movemask_epi8(_mm_cmpeq_epi8(v, _mm_set1_epi8(':'))) << sh;
		if (want_at)
			at |= (uint64_t)(unsigned)_mm_movemask_epi8(_mm_cmpeq_epi8(v, _mm_set1_epi8('@')))
			      << sh;
		nl |= (uint64_t)(unsigned)_mm_movemask_epi8(_mm_cmpeq_epi8(v, _mm_set1_epi8('\n'))) << sh;
		hx |= (uint64_t)(unsigned)_mm_movemask_epi8(_mm_or_si128(digit, hexa)) << sh;
		sl |= (uint64_t)(unsigned)_mm_movemask_epi8(_mm_cmpeq_epi8(v, _mm_set1_epi8('/'))) << sh;
	}
	*m = (struct masks){dg | lt | ds | dt, dt, co, at, nl, hx, dg, ds, lt, dg | al | dt | co, sl};
}

__attribute__((target(KERNEL_AVX2))) static inline __attribute__((always_inline)) void
masks64_avx2(const unsigned char *p, struct masks *m, int want_at)
{
	const unsigned char(*K)[64] = kconst_p;
#define KV(i) _mm256_load_si256((const __m256i *)(const void *)K[i])
	uint64_t r[10][2];
	for (int k = 0; k < 2; k++) {
		__m256i v = _mm256_loadu_si256((const __m256i *)(const void *)(p + 32 * k));
		__m256i l = _mm256_or_si256(v, KV(K_20));
		__m256i digit = _mm256_and_si256(_mm256_cmpgt_epi8(v, KV(K_0M1)),
						 _mm256_cmpgt_epi8(KV(K_9P1), v));
		__m256i alpha = _mm256_and_si256(_mm256_cmpgt_epi8(l, KV(K_AM1)),
						 _mm256_cmpgt_epi8(KV(K_ZP1), l));
		__m256i hexa = _mm256_and_si256(alpha, _mm256_cmpgt_epi8(KV(K_FP1), l));
		__m256i dot = _mm256_cmpeq_epi8(v, KV(K_DOT));
		__m256i letter = _mm256_or_si256(alpha, _mm256_cmpeq_epi8(v, KV(K_US)));
		r[0][k] = (uint32_t)_mm256_movemask_epi8(digit);
		r[6][k] = (uint32_t)_mm256_movemask_epi8(letter);
		r[8][k] = (uint32_t)_mm256_movemask_epi8(alpha);
		r[7][k] = (uint32_t)_mm256_movemask_epi8(_mm256_cmpeq_epi8(v, KV(K_DASH)));
		r[1][k] = (uint32_t)_mm256_movemask_epi8(dot);
		r[2][k] = (uint32_t)_mm256_movemask_epi8(_mm256_cmpeq_epi8(v, KV(K_COLON)));
		r[3][k] = want_at ? (uint32_t)_mm256_movemask_epi8(_mm256_cmpeq_epi8(v, KV(K_AT))) : 0;
		r[4][k] = (uint32_t)_mm256_movemask_epi8(_mm256_cmpeq_epi8(v, KV(K_NL)));
		r[5][k] = (uint32_t)_mm256_movemask_epi8(_mm256_or_si256(digit, hexa));
		r[9][k] = (uint32_t)_mm256_movemask_epi8(_mm256_cmpeq_epi8(v, KV(K_SLASH)));
	}
#undef KV
	uint64_t dg = r[0][0] | r[0][1] << 32, dt = r[1][0] | r[1][1] << 32;
	uint64_t lt = r[6][0] | r[6][1] << 32, ds = r[7][0] | r[7][1] << 32;
	uint64_t co = r[2][0] | r[2][1] << 32, al = r[8][0] | r[8][1] << 32;
	*m = (struct masks){dg | dt | lt | ds, dt, co, r[3][0] | r[3][1] << 32,
			    r[4][0] | r[4][1] << 32, r[5][0] | r[5][1] << 32, dg, ds, lt,
			    dg | al | dt | co, r[9][0] | r[9][1] << 32};
}

/* AVX-512BW compares give the 64-bit masks directly, without movemask. */
__attribute__((target(KERNEL_AVX512))) static inline __attribute__((always_inline)) void
masks64_avx512(const unsigned char *p, struct masks *m, int want_at)
{
	const unsigned char(*K)[64] = kconst_p;
#define k512v(i) _mm512_load_si512((const void *)K[i])
	__m512i v = _mm512_loadu_si512((const void *)p);
	__m512i l = _mm512_or_si512(v, k512v(K_20));
	/* Unsigned x - lo < span: bytes >= 0x80 are in no range. */
	__m512i la = _mm512_sub_epi8(l, k512v(K_A));
	uint64_t dg = _mm512_cmplt_epu8_mask(_mm512_sub_epi8(v, k512v(K_0)), k512v(K_10));
	uint64_t al = _mm512_cmplt_epu8_mask(la, k512v(K_26));
	uint64_t hx = _mm512_cmplt_epu8_mask(la, k512v(K_6)) | dg;
	uint64_t dt = _mm512_cmpeq_epi8_mask(v, k512v(K_DOT));
	uint64_t ds = _mm512_cmpeq_epi8_mask(v, k512v(K_DASH));
	uint64_t co = _mm512_cmpeq_epi8_mask(v, k512v(K_COLON));
	uint64_t lt = al | _mm512_cmpeq_epi8_mask(v, k512v(K_US));
	uint64_t at = want_at ? _mm512_cmpeq_epi8_mask(v, k512v(K_AT)) : 0;
	*m = (struct masks){dg | lt | ds | dt, dt, co, at,
			    _mm512_cmpeq_epi8_mask(v, k512v(K_NL)), hx, dg, ds, lt,
			    dg | al | dt | co, _mm512_cmpeq_epi8_mask(v, k512v(K_SLASH))};
#undef k512v
}
#endif

/* The reference kernel, byte by byte with the tables: other processors,
 * and the tests compare the SIMD kernels with it. */
static inline void masks64_c(const unsigned char *p, struct masks *m, int want_at)
{
	memset(m, 0, sizeof *m);
	for (int i = 0; i < 64; i++) {
		unsigned char c = p[i];
		uint64_t bit = 1ull << i;
		if (cls[c] & C_H)
			m->h |= bit;
		if (c == '.')
			m->dot |= bit;
		else if (c == ':')
			m->colon |= bit;
		else if (c == '@' && want_at)
			m->at |= bit;
		else if (c == '\n')
			m->nl |= bit;
		if (hexv[c])
			m->hex |= bit;
		if (cls[c] & C_DIG)
			m->digit |= bit;
		if (c == '-')
			m->dash |= bit;
		if (cls[c] & (C_HEXA | C_ALPHA | C_US))
			m->letter |= bit;
		if (v6c[c])
			m->v6 |= bit;
		if (c == '/')
			m->slash |= bit;
	}
}

/* The masks of p[0..64) in *m; '@' only when want_at (an email indicator
 * is loaded): that mask costs the AVX2 kernel two movemasks per block. */
typedef void (*masks_fn)(const unsigned char *p, struct masks *m, int want_at);
typedef void (*scan_fn)(struct scanner *sc, const unsigned char *p, size_t n);

static void scan_c(struct scanner *sc, const unsigned char *p, size_t n);
#if defined(__x86_64__)
static void scan_avx512(struct scanner *sc, const unsigned char *p, size_t n);
static void scan_avx2(struct scanner *sc, const unsigned char *p, size_t n);
static void scan_sse2(struct scanner *sc, const unsigned char *p, size_t n);
#endif

#if defined(__x86_64__)
/* LZCNT (CPUID 0x80000001, ECX bit 5): clang's __builtin_cpu_supports has
 * no name for it. */
static int has_lzcnt(void)
{
	unsigned a, b, c, d;
	return __get_cpuid(0x80000001u, &a, &b, &c, &d) && (c >> 5 & 1);
}
#endif

/* The loop for kernel k on this processor, NULL when it lacks it. */
static scan_fn kernel_fn(enum scan_kernel k)
{
#if defined(__x86_64__)
	__builtin_cpu_init();
	int bits = __builtin_cpu_supports("bmi") && __builtin_cpu_supports("bmi2") &&
		   __builtin_cpu_supports("popcnt") && has_lzcnt();
	int avx2 = bits && __builtin_cpu_supports("avx2");
	int avx512 = avx2 && __builtin_cpu_supports("avx512f") && __builtin_cpu_supports("avx512bw");
	switch (k) {
	case SCAN_KERNEL_AUTO:
		return avx512 ? scan_avx512 : avx2 ? scan_avx2 : scan_sse2;
	case SCAN_KERNEL_AVX512:
		return avx512 ? scan_avx512 : NULL;
	case SCAN_KERNEL_AVX2:
		return avx2 ? scan_avx2 : NULL;
	case SCAN_KERNEL_SSE2:
		return scan_sse2;
	case SCAN_KERNEL_C:
		return scan_c;
	}
	return NULL;
#else
	return k == SCAN_KERNEL_AUTO || k == SCAN_KERNEL_C ? scan_c : NULL;
#endif
}

int scan_kernel_available(enum scan_kernel k)
{
	return kernel_fn(k) != NULL;
}

int scan_kernel_parse(const char *name, enum scan_kernel *k)
{
	static const struct {
		const char *name;
		enum scan_kernel k;
	} names[] = {{"c", SCAN_KERNEL_C},
		     {"sse2", SCAN_KERNEL_SSE2},
		     {"avx2", SCAN_KERNEL_AVX2},
		     {"avx512", SCAN_KERNEL_AVX512}};
	for (size_t i = 0; i < sizeof names / sizeof *names; i++)
		if (!strcmp(name, names[i].name)) {
			*k = names[i].k;
			return 0;
		}
	return -1;
}

int scanner_kernel(struct scanner *sc, enum scan_kernel k)
{
	scan_fn f = kernel_fn(k);
	if (!f)
		return -1;
	sc->masks = (void (*)(void))f;
#if defined(__x86_64__)
	/* Processors with AVX2 have SSSE3; the C and SSE2 kernels keep the
	 * scalar quad parser and URL end, so the tests compare the two. */
	sc->simd = f == scan_avx512 || f == scan_avx2;
#endif
	return 0;
}

void scanner_init(struct scanner *sc, const struct matcher *m, struct scan_out *out)
{
	init_once();
	memset(sc, 0, sizeof *sc);
	scanner_kernel(sc, SCAN_KERNEL_AUTO);
	sc->m = m;
	sc->out = out;
	sc->bol = 1;
	sc->now = time_now();
	sc->time_line = UINT64_MAX;
}

/* 16-byte blocks (bit 16k) that are all hex digits: the 16-bit lanes of
 * ~hex that are zero, found without a carry between lanes. */
static inline uint64_t hex16(uint64_t hex)
{
	uint64_t y = ~hex, lo = 0x7fff7fff7fff7fffull;
	return (~(((y & lo) + lo) | y | lo)) >> 15;
}

/* Bits x..63 (x may be 64) and 0..x-1 (x may be 0) of a mask. */
static inline uint64_t bits_from(int x)
{
	return x >= 64 ? 0 : ~0ull << x;
}
static inline uint64_t bits_below(int x)
{
	return x >= 64 ? ~0ull : (1ull << x) - 1;
}

/* Classes and dots of the bytes selected by r in the masks of k. */
static inline unsigned classes(const struct masks *k, uint64_t r, unsigned *dots)
{
	*dots += popcount64(k->dot & r);
	return (k->dot & r ? C_DOT : 0) | (k->digit & r ? C_DIG : 0) | (k->dash & r ? C_DASH : 0) |
	       (k->letter & r ? C_ALPHA : 0);
}

/* The 64-byte blocks before and after the one being worked on: a run that
 * crosses into them is still measured with masks, not byte by byte. */
struct around {
	const struct masks *prev, *next;
};

/* The host-name run around byte base + d (a C_H byte), found with the
 * masks of its block and the blocks around it, and handed to run().
 * Returns its end. */
static inline __attribute__((always_inline)) size_t
run_at(struct scanner *sc, const unsigned char *p, size_t n, size_t base, const struct masks *k,
       const struct around *ar, int d)
{
	uint64_t not_h = ~k->h;
	uint64_t below = not_h & bits_below(d);
	uint64_t above = not_h & ~bits_below(d + 1);
	uint64_t prev_not_h = ~ar->prev->h, next_not_h = ~ar->next->h;
	size_t s, e;
	unsigned acc = 0, dots = 0;
	if ((below || prev_not_h) && (above || next_not_h)) {
		/* The run ends within one block on either side. */
		int a = below ? 64 - __builtin_clzll(below) : 0;
		int b = above ? __builtin_ctzll(above) : 64;
		s = base + (size_t)a;
		e = base + (size_t)b;
		acc = classes(k, bits_from(a) & bits_below(b), &dots);
		if (!below) {
			int pa = 64 - __builtin_clzll(prev_not_h);
			s = s + (size_t)pa - 64;
			acc |= classes(ar->prev, bits_from(pa), &dots);
		}
		if (!above) {
			int nb = __builtin_ctzll(next_not_h);
			e += (size_t)nb;
			acc |= classes(ar->next, bits_below(nb), &dots);
		}
	} else {
		/* A run longer than a block: byte by byte. */
		s = base + (below ? (size_t)(64 - __builtin_clzll(below)) : 0);
		while (!below && s > 0 && (cls[p[s - 1]] & C_H))
			s--;
		e = above ? base + (size_t)__builtin_ctzll(above) : (base + 64 < n ? base + 64 : n);
		while (!above && e < n && (cls[p[e]] & C_H))
			e++;
		for (size_t j = s; j < e; j++) {
			acc |= cls[p[j]];
			dots += p[j] == '.';
		}
		if (acc & (C_HEXA | C_US))
			acc |= C_ALPHA;
	}
	if (!(acc & (C_ALPHA | C_DASH)) && e - s < 32) {
		/* Digits and dots: a dotted quad at most (most addresses in
		 * a log), without the rest of run(). Timestamps and version
		 * numbers ("0.043049", "537.36") have too few dots. */
		if (dots >= 3 && (acc & C_DIG) && sc->m->has_v4)
			quad_at(sc, p, s, e);
		return e;
	}
	run(sc, p, s, e, acc, dots);
	return e;
}

/* The colons of k followed by another colon, the next block's first byte
 * included ("::" across two blocks). */
static inline uint64_t colon_pairs(const struct masks *k, const struct masks *nx)
{
	return k->colon & (k->colon >> 1 | nx->colon << 63);
}

/* The IPv6 candidate around the ':' at base + d: the run of [0-9A-Za-z:.]
 * bytes, measured with the masks of its block and the blocks around it,
 * and parsed when it has "::" or at least 6 colons ("12:34:56" is not
 * worth parsing). Returns its end. Out of line: few colons come here, and
 * inlined, its registers slowed the whole loop. */
static __attribute__((noinline)) size_t
v6_at(struct scanner *sc, const unsigned char *p, size_t n, size_t base, const struct masks *k,
      const struct around *ar, int d)
{
	uint64_t not_v6 = ~k->v6;
	uint64_t below = not_v6 & bits_below(d);
	uint64_t above = not_v6 & ~bits_below(d + 1);
	uint64_t prev_not = ~ar->prev->v6, next_not = ~ar->next->v6;
	size_t a, b, colons = 0;
	uint64_t dbl = 0;
	if ((below || prev_not) && (above || next_not)) {
		/* The run ends within one block on either side. */
		int x = below ? 64 - __builtin_clzll(below) : 0;
		int y = above ? __builtin_ctzll(above) : 64;
		uint64_t r = bits_from(x) & bits_below(y);
		a = base + (size_t)x, b = base + (size_t)y;
		colons = popcount64(k->colon & r);
		dbl = colon_pairs(k, ar->next) & r;
		if (!below) {
			int pa = 64 - __builtin_clzll(prev_not);
			r = bits_from(pa);
			a = a + (size_t)pa - 64;
			colons += popcount64(ar->prev->colon & r);
			dbl |= colon_pairs(ar->prev, k) & r;
		}
		if (!above) {
			int nb = __builtin_ctzll(next_not);
			r = bits_below(nb);
			b += (size_t)nb;
			colons += popcount64(ar->next->colon & r);
			dbl |= ar->next->colon & (ar->next->colon >> 1) & r;
		}
	} else {
		/* A run longer than a block: byte by byte. */
		a = base + (size_t)d, b = a + 1;
		while (a > 0 && v6c[p[a - 1]])
			a--;
		while (b < n && v6c[p[b]])
			b++;
		for (size_t x = a; x < b; x++)
			if (p[x] == ':') {
				colons++;
				dbl |= x > a && p[x - 1] == ':';
			}
	}
	/* An address has "::", or 7 colons (6 before an IPv4 tail). */
	if (colons >= 2 && (dbl || colons >= 6))
		try_v6(sc, p, a, b);
	return b;
}

/* Bits x..x+4 set for every bit x of c: c >> 1 | ... | c >> 5. */
static inline uint64_t next5(uint64_t c)
{
	uint64_t a = c >> 1 | c >> 2;
	return a | a >> 2 | c >> 5;
}

/* Bits 59 to 63 when x has one of bits 0 to 4: a colon in the next block
 * that may be 1 to 5 bytes after one of this block (a little more than
 * that, as a filter may be). */
static inline uint64_t spill5(uint64_t x)
{
	return (uint64_t) - (int64_t)((x & 31) != 0) << 59;
}

/* The colons before "//": where a URL may start. */
static inline uint64_t url_colons(const struct masks *k, const struct masks *nx)
{
	return k->colon & ((k->slash >> 1) | (nx->slash << 63)) &
	       ((k->slash >> 2) | (nx->slash << 62));
}

/* The colons worth an IPv6 visit: those in "::" or first of four colons
 * each at most 5 bytes after the one before. An address without "::" has
 * seven colons so spaced, or six before an IPv4 tail; "2024:10:00:07",
 * "\"key\":1" and "1:52:05" have no four. Where a block edge cuts an
 * address, four of its colons are on one side, or three on each: then the
 * third has its fourth in the next block, which the spill of the first
 * step sees. */
static inline uint64_t v6_colons(const struct masks *k, const struct masks *nx)
{
	uint64_t c = k->colon;
	uint64_t s2 = c & (next5(c) | spill5(nx->colon)); /* a colon 1 to 5 bytes on */
	uint64_t s3 = c & next5(s2), s4 = c & next5(s3);
	return s4 | colon_pairs(k, nx);
}

/* The masks of the block at base (bytes past n are spaces: in no token). */
static inline __attribute__((always_inline)) void block_masks(const unsigned char *p, size_t n,
							      size_t base, masks_fn masks64,
							      int want_at, struct masks *k)
{
	if (base >= n) {
		memset(k, 0, sizeof *k);
	} else if (base + 64 <= n) {
		masks64(p + base, k, want_at);
	} else {
		unsigned char tail[64];
		memset(tail, ' ', sizeof tail);
		memcpy(tail, p + base, n - base);
		masks64(tail, k, want_at);
	}
}

/* The loop, compiled once per mask kernel so that the kernel is inlined. */
static inline __attribute__((always_inline)) void
scan_loop(struct scanner *sc, const unsigned char *p, size_t n, masks_fn masks64)
{
	const struct matcher *m = sc->m;
	size_t done = 0, v6_done = 0, url_done = 0, email_done = 0;
	int want_v6 = m->has_v6;
	int want_run = m->has_dom || m->has_v4 || m->has_hex;
	uint64_t lines = sc->line;
	sc->blk_n = n;
	sc->blk = p;
	/* Three blocks in a ring: the one before (the start of the input
	 * counts as white space), this one, the next. */
	struct masks ring[3];
	struct masks *prev = &ring[0], *cur = &ring[1], *next = &ring[2];
	memset(prev, 0, sizeof *prev);
	block_masks(p, n, 0, masks64, m->has_email, cur);
	for (size_t base = 0; base < n; base += 64) {
		struct around ar = {prev, next};
		block_masks(p, n, base + 64, masks64, m->has_email, next);
		const struct masks k = *cur;
		sc->line_base = lines;
		sc->nl_bits = k.nl;
		uint64_t t = k.at, urlt = 0, v6t = 0;
		if (k.colon) {
			if (m->has_url)
				urlt = url_colons(&k, next);
			if (want_v6)
				v6t = v6_colons(&k, next);
			t |= urlt | v6t;
		}
		uint64_t hexl = 0;
		if (want_run) {
			t |= k.dot;
			/* A lane of 16 hex digits: its first byte is a trigger too,
			 * handled in byte order with the others. */
			if (m->has_hex && k.hex)
				hexl = hex16(k.hex);
			t |= hexl;
		}
		while (t) {
			int d = __builtin_ctzll(t);
			t &= t - 1;
			size_t i = base + (size_t)d;
			sc->bit = d;
			/* The byte's kind from the masks: no load of it to wait for. */
			if ((k.dot | hexl) >> d & 1) {
				if (i >= done) {
					done = run_at(sc, p, n, base, &k, &ar, d);
					if (done >= base + 64)
						t &= ~k.dot;
					else
						t &= ~(k.dot & ((1ull << (done - base)) - 1));
				}
			} else if (k.colon >> d & 1) {
				if (urlt >> d & 1) {
					size_t e = url(sc, p, n, i, url_done);
					if (e > i)
						url_done = e;
				}
				if ((v6t >> d & 1) && i >= v6_done)
					v6_done = v6_at(sc, p, n, base, &k, &ar, d);
			} else if (i >= email_done) {
				size_t e = email(sc, p, n, i, email_done);
				if (e > i)
					email_done = e;
			}
		}
		lines += popcount64(k.nl);
		struct masks *old = prev;
		prev = cur, cur = next, next = old;
	}
	flush(sc);
	sc->line = lines;
	sc->off += n;
}

#if defined(__x86_64__)
__attribute__((target(KERNEL_AVX512))) static void
scan_avx512(struct scanner *sc, const unsigned char *p, size_t n)
{
	scan_loop(sc, p, n, masks64_avx512);
}

__attribute__((target(KERNEL_AVX2))) static void scan_avx2(struct scanner *sc,
							    const unsigned char *p, size_t n)
{
	scan_loop(sc, p, n, masks64_avx2);
}

static void scan_sse2(struct scanner *sc, const unsigned char *p, size_t n)
{
	scan_loop(sc, p, n, masks64_sse2);
}
#endif

static void scan_c(struct scanner *sc, const unsigned char *p, size_t n)
{
	scan_loop(sc, p, n, masks64_c);
}

void scan_block(struct scanner *sc, const unsigned char *p, size_t n)
{
	((void (*)(struct scanner *, const unsigned char *, size_t))sc->masks)(sc, p, n);
	if (n > 0)
		sc->bol = p[n - 1] == '\n';
}

size_t scan_cut(const unsigned char *p, size_t n)
{
	const unsigned char *nl = memrchr(p, '\n', n);
	if (nl)
		return (size_t)(nl - p) + 1;
	init_once();
	for (size_t i = n; i-- > 0;)
		if (urlend[p[i]])
			return i + 1;
	return n;
}
