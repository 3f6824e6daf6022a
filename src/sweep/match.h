/* The sweeper's lookup tables, built once from an indicator set and then
 * only read (shared by all threads):
 * - one open-addressing table of string indicators (domain, hostname, url,
 *   email, hashes) keyed by a hash of their lower-case bytes taken from
 *   right to left, so that every label suffix of a host name in a log is
 *   hashed in the same single pass; a bitmap of the domain hashes rejects
 *   almost every suffix before the table is touched;
 * - IPv4 addresses and prefixes of /16 or longer in a directory of the 65536
 *   /16 blocks, shorter prefixes in sorted arrays per length;
 * - IPv6 addresses (as /128) and prefixes in sorted arrays per length. */
#ifndef WR_SWEEP_MATCH_H
#define WR_SWEEP_MATCH_H

#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "base/err.h"
#include "ioc/ioc.h"

struct str_slot {
	uint32_t tag; /* high bits of the hash */
	uint32_t id;  /* indicator + 1; 0 empty */
};

struct v4_ent {
	uint32_t net;
	uint32_t id; /* indicator + 1 */
	uint32_t len;
};

struct v6_ent {
	uint64_t hi, lo;
	uint32_t id;
	uint32_t len;
};

struct len_range {
	uint32_t len;
	size_t start, end; /* [start, end) in the sorted array */
};

/* A filter of the last label of domain and hostname indicators, small
 * enough for the L1 cache: most names in a log whose top-level label no
 * indicator has ("conhost.exe", "ws-12.corp.local") stop there. */
#define MATCH_TLD_BITS 4096

struct matcher {
	const struct ioc_set *set;
	struct str_slot *tab;
	size_t tab_mask;
	uint64_t *dom_bits; /* bitmap of domain and hostname hashes */
	unsigned dom_shift; /* bit index = match_dom_raw hash >> dom_shift */
	int max_labels;     /* most labels of a domain/hostname indicator */
	uint64_t tld_bits[MATCH_TLD_BITS / 64]; /* their last labels (match_tld_bit) */
	uint64_t *hex_bits; /* bitmap of the first 8 digits of hash indicators (match_hex_bit) */
	unsigned hex_shift;
	size_t max_url;     /* longest url indicator */
	uint64_t *url_bits; /* bitmap of "scheme://host" of url indicators (match_label hash) */
	unsigned url_shift;
	int has_dom, has_hex, has_url, has_email, has_v4, has_v6;
	uint32_t *v4_dir; /* 65537 offsets into v4 */
	uint64_t *v4_bits; /* 2^20 bits: some entry of v4 covers this /20 */
	struct v4_ent *v4;
	struct v4_ent *v4s; /* shorter than /16, sorted by (len, net) */
	struct len_range v4s_lens[16];
	int nv4s_lens;
	struct v6_ent *v6; /* sorted by (len, hi, lo) */
	uint64_t *v6_bits; /* MATCH_V6_BITS bits: some entry of /32 or longer has these first 32 bits (hashed) */
	struct len_range v6_lens[129];
	int nv6_lens;
	size_t counts[IOC_TYPE_COUNT]; /* indicators per type */
};

/* Builds the tables for s (borrowed: it must outlive the matcher). Caller
 * frees with matcher_free(). 0 or WR_ENOMEM with e filled. */
int matcher_new(const struct ioc_set *s, struct matcher **out, struct wr_err *e);
void matcher_free(struct matcher *m);
/* The string indicator of type t whose canonical value is s[0..n) (lower
 * case expected): its index + 1, or 0. */
uint32_t matcher_find(const struct matcher *m, enum ioc_type t, const char *s, size_t n);
/* The filename indicator equal to s[0..n) in any ASCII case (names on the
 * town's Windows shares are case-insensitive): its index + 1, or 0. */
uint32_t matcher_find_name(const struct matcher *m, const char *s, size_t n);

static inline unsigned char match_lower(unsigned char c)
{
	return (unsigned char)(c | (((unsigned)c - 'A' < 26u) << 5));
}

/* Bit i of the bitmap bits (the filters of struct matcher). */
static inline int match_bit(const uint64_t *bits, size_t i)
{
	return (int)(bits[i / 64] >> (i % 64) & 1);
}
static inline void match_bit_set(uint64_t *bits, size_t i)
{
	bits[i / 64] |= 1ull << (i % 64);
}

/* The string hash: taken from the last byte to the first over lower-case
 * bytes, so that the hash of every suffix is a prefix of the work. */
#define MATCH_SEED 0x9e3779b97f4a7c15ull
static inline uint64_t match_step(uint64_t h, unsigned char c)
{
	return (h ^ match_lower(c)) * 0x100000001b3ull;
}
static inline uint64_t match_final(uint64_t h)
{
	h ^= h >> 32;
	h *= 0xd6e8feb86659fd93ull;
	h ^= h >> 32;
	return h;
}
static inline uint64_t match_hash(const unsigned char *s, size_t n)
{
	uint64_t h = MATCH_SEED;
	while (n > 0)
		h = match_step(h, s[--n]);
	return match_final(h);
}

/* Domains and host names are hashed label by label, from the last label
 * to the first, so that the hash of every suffix after a dot is a step of
 * the work; a label is taken 8 bytes at a time (one multiply per word, not
 * per byte). Bytes are lowered with | 0x20: exact for the host-name bytes
 * [A-Za-z0-9.-] and coarser elsewhere ('_' and DEL hash alike), which only
 * costs a compare, since a probe compares the bytes themselves. */
static inline uint64_t match_load8(const unsigned char *p)
{
	uint64_t w;
	memcpy(&w, p, 8);
	return w; /* little-endian: p[0] in the low byte */
}
/* The top bits of a product by this odd constant depend on every bit of
 * the word: the top-level label filter takes them as they are. */
#define MATCH_LABEL_MUL 0x9e3779b97f4a7c15ull
/* The hash of the label p[a..b) (also of the "scheme://host" of a URL for
 * the URL filter); p[b-8..b) is read when b >= 8, so p must start the
 * buffer. */
static inline uint64_t match_label(const unsigned char *p, size_t a, size_t b)
{
	uint64_t h = ((uint64_t)(b - a) + 1) * 0xc2b2ae3d27d4eb4full;
	size_t i = a;
	for (; b - i > 8; i += 8)
		h = (h ^ (match_load8(p + i) | 0x2020202020202020ull)) * MATCH_LABEL_MUL;
	size_t r = b - i; /* 0 to 8 bytes left */
	uint64_t w = 0;
	if (r && b >= 8) {
		w = match_load8(p + b - 8) >> (8 * (8 - r));
	} else {
		for (size_t k = 0; k < r; k++)
			w |= (uint64_t)p[i + k] << (8 * k);
	}
	return (h ^ (w | 0x2020202020202020ull)) * MATCH_LABEL_MUL;
}
static inline uint64_t match_dom_step(uint64_t h, uint64_t label)
{
	return (h ^ label) * 0x9e3779b97f4a7c15ull + 0x165667b19e3779f9ull;
}
/* The hash of the domain s[0..n) before match_final: its top bits are the
 * bit of the domain filter (a multiply's top bits depend on all of its
 * input), so that a suffix in a log is filtered without the two multiplies
 * of match_final on the way. */
static inline uint64_t match_dom_raw(const unsigned char *s, size_t n)
{
	uint64_t h = MATCH_SEED;
	size_t b = n;
	for (size_t j = n; j-- > 0;)
		if (s[j] == '.') {
			h = match_dom_step(h, match_label(s, j + 1, b));
			b = j;
		}
	return match_dom_step(h, match_label(s, 0, b));
}
/* The hash of the domain s[0..n) (match_final applied): its table key. */
static inline uint64_t match_dom_hash(const unsigned char *s, size_t n)
{
	return match_final(match_dom_raw(s, n));
}

/* The bit of label hash l (match_label) in the top-level label filter:
 * its top bits, with no multiply more on the way to the filter. */
static inline unsigned match_tld_bit(uint64_t l)
{
	return (unsigned)(l >> 52);
}
static inline int match_tld_has(const struct matcher *m, uint64_t l)
{
	return match_bit(m->tld_bits, match_tld_bit(l));
}

/* The bit of the hex digits s[0..32+) (a hash in a log, any case) in the
 * hash filter: from their first 8 digits, lowered with | 0x20 (exact for
 * hex digits), so that most hashes in a log cost one load, not a hash of
 * every digit. */
static inline size_t match_hex_bit(const struct matcher *m, const unsigned char *s)
{
	return (size_t)(((match_load8(s) | 0x2020202020202020ull) * 0x9e3779b97f4a7c15ull) >>
			m->hex_shift);
}

/* The end of "scheme://host[:port]" in a canonical URL u[0..n). */
static inline size_t match_url_host_end(const unsigned char *u, size_t n)
{
	size_t i = 0;
	while (i + 2 < n && !(u[i] == ':' && u[i + 1] == '/' && u[i + 2] == '/'))
		i++;
	for (i += 3; i < n && u[i] != '/' && u[i] != '?' && u[i] != '#'; i++)
		;
	return i < n ? i : n;
}

/* The filter of IPv6 entries of /32 or longer: most addresses in a log
 * are ruled out with one bit instead of a binary search per length. */
#define MATCH_V6_BITS (1u << 18)
static inline uint32_t match_v6_bit(uint64_t hi)
{
	return (uint32_t)(((hi >> 32) * 0x9e3779b97f4a7c15ull) >> 46);
}

#endif
