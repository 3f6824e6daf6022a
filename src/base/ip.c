#include "base/ip.h"

#include <arpa/inet.h>
#include <string.h>

#include "base/hexdigit.h"

/* The longest sensible input after trimming:
 * "ffff:ffff:ffff:ffff:ffff:ffff:255.255.255.255/128" is 49 characters. */
#define IP_INPUT_MAX 64

static int is_space(unsigned char c)
{
	return c == ' ' || c == '\t' || c == '\r' || c == '\n' || c == '\v' || c == '\f';
}

static int is_digit(unsigned char c)
{
	return c >= '0' && c <= '9';
}

static int prefix_valid(const struct ip_prefix *p)
{
	if (!p)
		return 0;
	if (p->family == 4)
		return p->len >= 0 && p->len <= 32;
	if (p->family == 6)
		return p->len >= 0 && p->len <= 128;
	return 0;
}

/* The byte mask for byte i of a prefix of len bits. */
static unsigned char mask_byte(int len, int i)
{
	int bits = len - 8 * i;
	if (bits >= 8)
		return 0xff;
	if (bits <= 0)
		return 0;
	return (unsigned char)(0xffu << (8 - bits));
}

/* 1 when the first len bits of a and b are equal. */
static int bits_equal(const unsigned char *a, const unsigned char *b, int len)
{
	for (int i = 0; i * 8 < len; i++) {
		unsigned char m = mask_byte(len, i);
		if ((a[i] & m) != (b[i] & m))
			return 0;
	}
	return 1;
}

static int bad_syntax(const char *field, struct wr_err *e, int allow_prefix)
{
	if (allow_prefix)
		return wr_err_set(e, WR_EINVAL, field,
				  "is not an IP address or prefix: expected e.g. 192.0.2.0/24, "
				  "192.0.2.1 or 2001:db8::/32");
	return wr_err_set(e, WR_EINVAL, field,
			  "is not an IP address: expected e.g. 192.0.2.1 or 2001:db8::1");
}

/* Dotted quad, exactly four decimal numbers 0..255 without leading zeros.
 * s has n bytes and only digits and dots (checked by the caller). */
static int parse_v4(const char *s, size_t n, unsigned char out[4], const char *field,
		    struct wr_err *e, int allow_prefix)
{
	size_t i = 0;
	for (int octet = 0; octet < 4; octet++) {
		size_t start = i;
		unsigned v = 0;
		while (i < n && is_digit((unsigned char)s[i])) {
			if (i - start < 4)
				v = v * 10 + (unsigned)(s[i] - '0');
			i++;
		}
		size_t digits = i - start;
		if (digits == 0)
			return bad_syntax(field, e, allow_prefix);
		if (digits > 3 || v > 255)
			return wr_err_set(e, WR_EINVAL, field,
					  "has IPv4 number %.*s, which is over 255",
					  (int)(digits > 20 ? 20 : digits), s + start);
		if (digits > 1 && s[start] == '0')
			return wr_err_set(e, WR_EINVAL, field,
					  "has IPv4 number %.*s with a leading zero, which is "
					  "ambiguous (octal or decimal?): write %u",
					  (int)digits, s + start, v);
		out[octet] = (unsigned char)v;
		if (octet < 3) {
			if (i >= n || s[i] != '.')
				return bad_syntax(field, e, allow_prefix);
			i++;
		}
	}
	if (i != n)
		return bad_syntax(field, e, allow_prefix);
	return 0;
}

/* The common case, a dotted quad as parse_v4 accepts it, in one pass:
 * 1 with out filled, or 0 (then the full checks decide, with their
 * messages). */
static int fast_v4(const char *s, size_t n, unsigned char out[4])
{
	unsigned char a[4];
	size_t i = 0;
	for (int octet = 0; octet < 4; octet++) {
		/* One to three digits, no leading zero, at most 255. */
		unsigned d, v;
		if (i >= n || (v = (unsigned char)s[i] - (unsigned)'0') > 9)
			return 0;
		i++;
		if (i < n && (d = (unsigned char)s[i] - (unsigned)'0') <= 9) {
			if (v == 0)
				return 0;
			v = v * 10 + d;
			i++;
			if (i < n && (d = (unsigned char)s[i] - (unsigned)'0') <= 9) {
				v = v * 10 + d;
				i++;
				if (v > 255 || (i < n && is_digit((unsigned char)s[i])))
					return 0;
			}
		}
		a[octet] = (unsigned char)v;
		if (octet < 3) {
			if (i >= n || s[i] != '.')
				return 0;
			i++;
		}
	}
	if (i != n)
		return 0;
	memcpy(out, a, 4);
	return 1;
}

/* The common case of IPv6: groups of 1 to 4 hex digits separated by ':',
 * at most one "::", no IPv4 tail, no zone, no brackets (what inet_pton
 * takes of these, it reads the same way). 1 with out filled, or 0: then
 * the full checks and inet_pton decide. */
static int fast_v6(const char *s, size_t n, unsigned char out[16])
{
	unsigned w[8];
	int groups = 0, gap = -1; /* gap: the group that "::" stands before */
	size_t i = 0;
	if (n >= 2 && s[0] == ':' && s[1] == ':') {
		gap = 0;
		i = 2;
	} else if (n == 0 || s[0] == ':') {
		return 0;
	}
	while (i < n) {
		size_t start = i;
		unsigned v = 0;
		int d;
		while (i < n && i - start < 5 && (d = hex_digit_value((unsigned char)s[i])) >= 0) {
			v = v * 16 + (unsigned)d;
			i++;
		}
		if (i == start || i - start > 4 || groups == 8)
			return 0;
		w[groups++] = v;
		if (i == n)
			break;
		if (s[i++] != ':' || i == n)
			return 0; /* not a separator, or a single ':' at the end */
		if (s[i] == ':') {
			if (gap >= 0)
				return 0;
			gap = groups;
			i++;
		}
	}
	if (gap < 0 ? groups != 8 : groups > 7)
		return 0;
	memset(out, 0, 16);
	for (int k = 0; k < groups; k++) {
		int at = gap >= 0 && k >= gap ? 8 - (groups - k) : k;
		out[2 * at] = (unsigned char)(w[k] >> 8);
		out[2 * at + 1] = (unsigned char)w[k];
	}
	return 1;
}

/* The prefix length after '/': 1..3 digits, no leading zero, <= max. */
static int parse_len(const char *s, size_t n, int max, int family, int *len,
		     const char *field, struct wr_err *e)
{
	if (n == 0)
		return wr_err_set(e, WR_EINVAL, field, "has no prefix length after /");
	for (size_t i = 0; i < n; i++)
		if (!is_digit((unsigned char)s[i]))
			return wr_err_set(e, WR_EINVAL, field,
					  "has a prefix length that is not a number: expected "
					  "/0 to /%d after the address",
					  max);
	if (n > 1 && s[0] == '0')
		return wr_err_set(e, WR_EINVAL, field,
				  "has prefix length /%.*s with a leading zero: write it "
				  "without",
				  (int)(n > 20 ? 20 : n), s);
	if (n > 3)
		return wr_err_set(e, WR_EINVAL, field,
				  "has prefix length /%.*s, out of range for IPv%d (0..%d)",
				  (int)(n > 20 ? 20 : n), s, family, max);
	int v = 0;
	for (size_t i = 0; i < n; i++)
		v = v * 10 + (s[i] - '0');
	if (v > max)
		return wr_err_set(e, WR_EINVAL, field,
				  "has prefix length /%d, out of range for IPv%d (0..%d)", v,
				  family, max);
	*len = v;
	return 0;
}

/* 1 when p has a bit set after its first len bits (v4 bytes 4..15 are 0). */
static int host_bits_set(const struct ip_prefix *p)
{
	int end = p->family == 4 ? 4 : 16;
	for (int i = p->len / 8; i < end; i++)
		if (p->addr[i] & (unsigned char)~mask_byte(p->len, i))
			return 1;
	return 0;
}

/* The address part s[0..alen) when it is not a plain dotted quad: the
 * checks in the order that decides which message a bad value gets, the
 * scans behind them done once. */
static int parse_addr(const char *s, size_t alen, struct ip_prefix *p, const char *field,
		      struct wr_err *e, int allow_prefix)
{
	int has_zone = 0, has_colon = 0, only_v4_chars = alen > 0;
	for (size_t i = 0; i < alen; i++) {
		unsigned char c = (unsigned char)s[i];
		if (!is_digit(c) && c != '.') {
			only_v4_chars = 0;
			has_zone |= c == '%';
			has_colon |= c == ':';
		}
	}
	if (has_zone)
		return wr_err_set(e, WR_EINVAL, field,
				  "has a zone id (%%...), which is not allowed: give the "
				  "address without it");
	if (alen > 0 && (s[0] == '[' || s[alen - 1] == ']'))
		return wr_err_set(e, WR_EINVAL, field,
				  "has brackets: give the address without [ ]");

	if (has_colon) {
		char tmp[IP_INPUT_MAX + 1];
		memcpy(tmp, s, alen);
		tmp[alen] = '\0';
		if (inet_pton(AF_INET6, tmp, p->addr) != 1)
			return wr_err_set(e, WR_EINVAL, field,
					  "is not a valid IPv6 address: expected e.g. "
					  "2001:db8::1%s",
					  allow_prefix ? " or 2001:db8::/32" : "");
		p->family = 6;
	} else if (only_v4_chars) {
		int rc = parse_v4(s, alen, p->addr, field, e, allow_prefix);
		if (rc)
			return rc;
		p->family = 4;
	} else {
		return bad_syntax(field, e, allow_prefix);
	}
	return 0;
}

/* s has n bytes (no NUL needed). */
static int parse_common(const char *s, size_t n, const char *field, struct ip_prefix *out,
			struct wr_err *e, int allow_prefix)
{
	struct ip_prefix p;
	memset(&p, 0, sizeof p);
	if (out)
		memset(out, 0, sizeof *out);
	if (!s || !out)
		return wr_err_set(e, WR_EINVAL, field, "is missing");

	while (n > 0 && is_space((unsigned char)*s)) {
		s++;
		n--;
	}
	while (n > 0 && is_space((unsigned char)s[n - 1]))
		n--;
	if (n == 0)
		return wr_err_set(e, WR_EINVAL, field, "is empty");
	if (n > IP_INPUT_MAX)
		return wr_err_set(e, WR_EINVAL, field, "is too long to be an IP %s",
				  allow_prefix ? "address or prefix" : "address");

	const char *slash = memchr(s, '/', n);
	if (slash && !allow_prefix)
		return wr_err_set(e, WR_EINVAL, field,
				  "must be a single address, without a /prefix length");
	size_t alen = slash ? (size_t)(slash - s) : n;

	int rc = 0;
	if (fast_v4(s, alen, p.addr))
		p.family = 4;
	else if (fast_v6(s, alen, p.addr))
		p.family = 6;
	else
		rc = parse_addr(s, alen, &p, field, e, allow_prefix);
	if (rc)
		return rc;
	int max = p.family == 4 ? 32 : 128;
	p.len = max;
	if (slash) {
		rc = parse_len(slash + 1, n - alen - 1, max, p.family, &p.len, field, e);
		if (rc)
			return rc;
	}

	/* ::ffff:a.b.c.d is the IPv4 address a.b.c.d (see ip.h). */
	static const unsigned char mapped[12] = {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff};
	if (p.family == 6 && p.len >= 96 && memcmp(p.addr, mapped, sizeof mapped) == 0) {
		unsigned char v4[4];
		memcpy(v4, p.addr + 12, 4);
		memset(p.addr, 0, sizeof p.addr);
		memcpy(p.addr, v4, 4);
		p.family = 4;
		p.len -= 96;
	}

	if (p.len < max && host_bits_set(&p)) {
		struct ip_prefix net = p;
		for (int i = 0; i < 16; i++)
			net.addr[i] &= mask_byte(net.len, i);
		char text[IP_PREFIX_TEXT_MAX];
		if (ip_prefix_format(&net, text, sizeof text) != 0)
			return wr_err_set(e, WR_EINTERNAL, field, "cannot be formatted");
		return wr_err_set(e, WR_EINVAL, field, "has host bits set: did you mean %s?",
				  text);
	}
	*out = p;
	return 0;
}

int ip_prefix_parse(const char *s, const char *field, struct ip_prefix *out, struct wr_err *e)
{
	return parse_common(s, s ? strlen(s) : 0, field, out, e, 1);
}

int ip_prefix_parse_n(const char *s, size_t n, const char *field, struct ip_prefix *out,
		      struct wr_err *e)
{
	return parse_common(s, n, field, out, e, 1);
}

int ip_addr_parse(const char *s, const char *field, struct ip_prefix *out, struct wr_err *e)
{
	return parse_common(s, s ? strlen(s) : 0, field, out, e, 0);
}

int ip_addr_parse_n(const char *s, size_t n, const char *field, struct ip_prefix *out,
		    struct wr_err *e)
{
	return parse_common(s, n, field, out, e, 0);
}

/* Writes v (0..999) in decimal at o; returns the end. */
static char *put_dec(char *o, unsigned v)
{
	if (v >= 100)
		*o++ = (char)('0' + v / 100);
	if (v >= 10)
		*o++ = (char)('0' + v / 10 % 10);
	*o++ = (char)('0' + v % 10);
	return o;
}

/* What glibc's inet_ntop(AF_INET6) writes (RFC 5952: lower case, the
 * first longest run of two or more zero groups as "::", ::a.b.c.d and
 * ::ffff:a.b.c.d with an IPv4 tail), without its sprintf per group: a sweep
 * formats every IPv6 indicator at start-up. Writes no NUL; returns the end.
 * o must have INET6_ADDRSTRLEN bytes. */
static char *format_v6(const unsigned char *a, char *o)
{
	static const char hex[] = "0123456789abcdef";
	unsigned w[8];
	for (int i = 0; i < 8; i++)
		w[i] = (unsigned)a[2 * i] << 8 | a[2 * i + 1];
	int best = -1, best_len = 0;
	for (int i = 0; i < 8;) {
		if (w[i]) {
			i++;
			continue;
		}
		int j = i;
		while (j < 8 && !w[j])
			j++;
		if (j - i > best_len)
			best = i, best_len = j - i;
		i = j;
	}
	if (best_len < 2)
		best = -1;
	for (int i = 0; i < 8; i++) {
		if (best >= 0 && i >= best && i < best + best_len) {
			if (i == best)
				*o++ = ':';
			continue;
		}
		if (i)
			*o++ = ':';
		if (i == 6 && best == 0 && (best_len == 6 || (best_len == 5 && w[5] == 0xffff))) {
			for (int k = 12; k < 16; k++) {
				o = put_dec(o, a[k]);
				if (k < 15)
					*o++ = '.';
			}
			return o;
		}
		int started = 0;
		for (int sh = 12; sh >= 0; sh -= 4) {
			unsigned d = (w[i] >> sh) & 0xf;
			if (d || started || sh == 0) {
				*o++ = hex[d];
				started = 1;
			}
		}
	}
	if (best >= 0 && best + best_len == 8)
		*o++ = ':';
	return o;
}

int ip_prefix_format(const struct ip_prefix *p, char *buf, size_t n)
{
	char a[INET6_ADDRSTRLEN + sizeof "/128"];
	if (!buf || n == 0)
		return WR_EINVAL;
	buf[0] = '\0';
	if (!prefix_valid(p))
		return WR_EINVAL;
	if (p->family == 4) {
		/* What inet_ntop and "%s/%d" write, without stdio (a sweep
		 * loads tens of thousands of addresses at start-up). */
		char t[sizeof "255.255.255.255/32"], *o = t;
		for (int i = 0; i < 4; i++) {
			o = put_dec(o, p->addr[i]);
			*o++ = i < 3 ? '.' : '/';
		}
		o = put_dec(o, (unsigned)p->len);
		size_t k = (size_t)(o - t);
		if (k >= n)
			return WR_EINVAL;
		memcpy(buf, t, k);
		buf[k] = '\0';
		return 0;
	}
	char *o = format_v6(p->addr, a);
	*o++ = '/';
	o = put_dec(o, (unsigned)p->len);
	size_t k = (size_t)(o - a);
	if (k >= n)
		return WR_EINVAL;
	memcpy(buf, a, k);
	buf[k] = '\0';
	return 0;
}

void ip_prefix_range(const struct ip_prefix *p, unsigned char lo[16], unsigned char hi[16])
{
	unsigned char full[16];
	int len;
	memset(lo, 0, 16);
	memset(hi, 0, 16);
	if (!prefix_valid(p))
		return;
	if (p->family == 4) {
		memset(full, 0, 10);
		full[10] = 0xff;
		full[11] = 0xff;
		memcpy(full + 12, p->addr, 4);
		len = 96 + p->len;
	} else {
		memcpy(full, p->addr, 16);
		len = p->len;
	}
	for (int i = 0; i < 16; i++) {
		unsigned char m = mask_byte(len, i);
		lo[i] = full[i] & m;
		hi[i] = (unsigned char)(full[i] | (unsigned char)~m);
	}
}

void ip_range_hex(const unsigned char a[16], char out[33])
{
	static const char hex[] = "0123456789abcdef";
	for (int i = 0; i < 16; i++) {
		out[2 * i] = hex[a[i] >> 4];
		out[2 * i + 1] = hex[a[i] & 0x0f];
	}
	out[32] = '\0';
}

int ip_prefix_overlaps(const struct ip_prefix *a, const struct ip_prefix *b)
{
	if (!prefix_valid(a) || !prefix_valid(b) || a->family != b->family)
		return 0;
	int len = a->len < b->len ? a->len : b->len;
	return bits_equal(a->addr, b->addr, len);
}

int ip_prefix_contains(const struct ip_prefix *net, const struct ip_prefix *addr_or_subnet)
{
	const struct ip_prefix *x = addr_or_subnet;
	if (!prefix_valid(net) || !prefix_valid(x) || net->family != x->family)
		return 0;
	if (net->len > x->len)
		return 0;
	return bits_equal(net->addr, x->addr, net->len);
}
