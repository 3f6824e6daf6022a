/* IP addresses and prefixes (CIDR), IPv4 and IPv6, as typed by people and
 * found in feeds. Parsing is strict where leniency would be ambiguous
 * ("010.1.1.1": octal or decimal?) and refuses a prefix with host bits set
 * instead of silently masking it ("10.1.2.3/8" is most likely a typo).
 *
 * An IPv4-mapped IPv6 address (::ffff:a.b.c.d, prefix length >= 96) IS an
 * IPv4 address: the parsers return it as family 4 ("::ffff:198.18.0.1" gives
 * 198.18.0.1/32), so that it matches, overlaps and sorts with the IPv4 form.
 *
 * Both families sort in one 128-bit space (ip_prefix_range): IPv4 is mapped
 * into ::ffff:0:0/96, so ranges can be stored as hex text and compared in SQL. */
#ifndef WR_BASE_IP_H
#define WR_BASE_IP_H

#include <stddef.h>

#include "base/err.h"

struct ip_prefix {
	int family;              /* 4 or 6 */
	unsigned char addr[16];  /* network order; IPv4 in the first 4 bytes */
	int len;                 /* prefix length: 0..32 or 0..128 */
};

/* Enough for any ip_prefix_format() result, NUL included. */
#define IP_PREFIX_TEXT_MAX 64

/* "a.b.c.d" (=> /32), "a.b.c.d/n", IPv6 in any spelling (=> /128 without
 * "/n"). Trims surrounding ASCII whitespace. 0, or WR_EINVAL with e filled
 * (e may be NULL; field names the input in the message). out is zeroed first. */
int ip_prefix_parse(const char *s, const char *field, struct ip_prefix *out, struct wr_err *e);
/* One address, no "/n" allowed: len is 32 or 128. */
int ip_addr_parse(const char *s, const char *field, struct ip_prefix *out, struct wr_err *e);
/* The same for s[0..n) (no NUL needed), when the length is known. */
int ip_prefix_parse_n(const char *s, size_t n, const char *field, struct ip_prefix *out,
		      struct wr_err *e);
int ip_addr_parse_n(const char *s, size_t n, const char *field, struct ip_prefix *out,
		    struct wr_err *e);

/* Canonical text, always with "/len": "192.0.2.0/24", "2001:db8::/32"
 * (RFC 5952 lower case, longest zero run compressed). 0, or WR_EINVAL when
 * buf is too small (IP_PREFIX_TEXT_MAX always suffices) or p is not valid. */
int ip_prefix_format(const struct ip_prefix *p, char *buf, size_t n);

/* First and last address as 16-byte big-endian numbers; IPv4 mapped into
 * ::ffff:0:0/96 so both families sort in one space. */
void ip_prefix_range(const struct ip_prefix *p, unsigned char lo[16], unsigned char hi[16]);
/* 32 lower-case hex digits and a NUL: equal-length text that sorts like the
 * number, for range queries in SQL. */
void ip_range_hex(const unsigned char a[16], char out[33]);

/* 1 when the prefixes share an address, else 0. Different families never
 * overlap. */
int ip_prefix_overlaps(const struct ip_prefix *a, const struct ip_prefix *b);
/* 1 when every address of addr_or_subnet is inside net (equal counts),
 * else 0. */
int ip_prefix_contains(const struct ip_prefix *net, const struct ip_prefix *addr_or_subnet);

#endif
