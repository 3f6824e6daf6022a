/* Type names, refanging, type detection and canonical forms of indicators. */
#include "ioc/ioc.h"

#include <arpa/inet.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "base/domain.h"
#include "base/ip.h"

static const char *const type_names[IOC_TYPE_COUNT] = {
	"none", "ipv4", "ipv6", "cidr", "domain", "hostname", "url",
	"email", "md5", "sha1", "sha256", "filename",
};

const char *ioc_type_name(enum ioc_type t)
{
	return (t > IOC_NONE && t < IOC_TYPE_COUNT) ? type_names[t] : "none";
}

enum ioc_type ioc_type_from_name(const char *name)
{
	static const struct {
		const char *name;
		enum ioc_type t;
	} alias[] = {
		{"ip", IOC_IPV4},	     {"ip-src", IOC_IPV4},	{"ip-dst", IOC_IPV4},
		{"ipv4-addr", IOC_IPV4},     {"ipv6-addr", IOC_IPV6},	{"ip-src|port", IOC_NONE},
		{"subnet", IOC_CIDR},	     {"prefix", IOC_CIDR},	{"domain-name", IOC_DOMAIN},
		{"host", IOC_HOSTNAME},	     {"uri", IOC_URL},		{"link", IOC_URL},
		{"email-src", IOC_EMAIL},    {"email-dst", IOC_EMAIL},	{"email-addr", IOC_EMAIL},
		{"sha-1", IOC_SHA1},	     {"sha-256", IOC_SHA256}, {"file-name", IOC_FILENAME},
		{"md5_hash", IOC_MD5},	     {"sha1_hash", IOC_SHA1}, {"sha256_hash", IOC_SHA256},
	};
	if (!name)
		return IOC_NONE;
	/* Called once per line of a typed list: the first byte rules out
	 * almost every name before strcasecmp is called. */
	unsigned char c0 = (unsigned char)(*name | 0x20);
	for (int t = IOC_IPV4; t < IOC_TYPE_COUNT; t++)
		if ((unsigned char)type_names[t][0] == c0 && !strcasecmp(name, type_names[t]))
			return (enum ioc_type)t;
	for (size_t i = 0; i < sizeof alias / sizeof alias[0]; i++)
		if ((unsigned char)alias[i].name[0] == c0 && !strcasecmp(name, alias[i].name))
			return alias[i].t;
	return IOC_NONE;
}

static unsigned char lower(unsigned char c)
{
	return c >= 'A' && c <= 'Z' ? (unsigned char)(c - 'A' + 'a') : c;
}

long ioc_refang(const char *in, char *out, size_t outsz)
{
	static const struct {
		const char *from, *to;
	} rules[] = {
		{"[://]", "://"}, {"[.]", "."}, {"(.)", "."}, {"{.}", "."}, {"[dot]", "."},
		{"(dot)", "."},	  {"[@]", "@"}, {"[at]", "@"}, {"(at)", "@"}, {"[:]", ":"},
	};
	size_t n = 0, i = 0, len = strlen(in);
	/* hxxp:// hXXps:// at the start (feeds never put them elsewhere). */
	if (len >= 4 && lower((unsigned char)in[0]) == 'h' && lower((unsigned char)in[1]) == 'x' &&
	    lower((unsigned char)in[2]) == 'x' && lower((unsigned char)in[3]) == 'p') {
		if (outsz < 5)
			return -1;
		memcpy(out, "http", 4);
		n = 4, i = 4;
	}
	while (i < len) {
		/* Bytes that start no rule are copied a run at a time. */
		size_t plain = strcspn(in + i, "[({");
		if (plain) {
			if (n + plain + 1 > outsz)
				return -1;
			memcpy(out + n, in + i, plain);
			n += plain, i += plain;
			continue;
		}
		size_t k = 0, rl = 0;
		const char *to = NULL;
		if (in[i] == '[' || in[i] == '(' || in[i] == '{') {
			for (k = 0; k < sizeof rules / sizeof rules[0]; k++) {
				rl = strlen(rules[k].from);
				if (!strncasecmp(in + i, rules[k].from, rl)) {
					to = rules[k].to;
					break;
				}
			}
		}
		const char *add = to ? to : in + i;
		size_t al = to ? strlen(to) : 1;
		if (n + al + 1 > outsz)
			return -1;
		memcpy(out + n, add, al);
		n += al;
		i += to ? rl : 1;
	}
	if (n + 1 > outsz)
		return -1;
	out[n] = '\0';
	return (long)n;
}

/* Each byte's lower-case hex digit, 0 when it is not one. */
#define HEX1(c)                                              \
	((c) >= '0' && (c) <= '9'   ? (c)                     \
	 : (c) >= 'a' && (c) <= 'f' ? (c)                     \
	 : (c) >= 'A' && (c) <= 'F' ? (c) + ('a' - 'A') : 0)
#define HEX4(c) HEX1(c), HEX1((c) + 1), HEX1((c) + 2), HEX1((c) + 3)
#define HEX16(c) HEX4(c), HEX4((c) + 4), HEX4((c) + 8), HEX4((c) + 12)
static const unsigned char hex_digit[256] = {
	HEX16(0x00), HEX16(0x10), HEX16(0x20), HEX16(0x30),
	HEX16(0x40), HEX16(0x50), HEX16(0x60), HEX16(0x70),
	/* bytes from 0x80 on are no digits: 0 */
};

/* Whether s[0..n) is all hex digits; with out, their lower-case spelling
 * is written there as it goes. */
static int hex_lower(const char *s, size_t n, char *out)
{
	for (size_t i = 0; i < n; i++) {
		unsigned char c = hex_digit[(unsigned char)s[i]];
		if (!c)
			return 0;
		if (out)
			out[i] = (char)c;
	}
	return 1;
}

static enum ioc_type hash_type(size_t n)
{
	return n == 32 ? IOC_MD5 : n == 40 ? IOC_SHA1 : n == 64 ? IOC_SHA256 : IOC_NONE;
}

enum ioc_type ioc_detect(const char *value)
{
	char v[IOC_VALUE_MAX + 1];
	if (ioc_refang(value, v, sizeof v) < 0)
		return IOC_NONE;
	/* Trim: lists often carry trailing blanks. */
	char *s = v;
	while (*s == ' ' || *s == '\t')
		s++;
	size_t n = strlen(s);
	while (n > 0 && (s[n - 1] == ' ' || s[n - 1] == '\t' || s[n - 1] == '\r'))
		s[--n] = '\0';
	if (n == 0)
		return IOC_NONE;
	if (strstr(s, "://"))
		return IOC_URL;
	if (hash_type(n) && hex_lower(s, n, NULL))
		return hash_type(n);
	struct ip_prefix p;
	if (strchr(s, '/'))
		return ip_prefix_parse(s, "value", &p, NULL) == 0 ? IOC_CIDR : IOC_NONE;
	if (ip_addr_parse(s, "value", &p, NULL) == 0)
		return p.family == 4 ? IOC_IPV4 : IOC_IPV6;
	if (strchr(s, '@'))
		return IOC_EMAIL;
	char d[DOMAIN_BUF_SIZE];
	if (domain_canonical(s, "value", d, sizeof d, NULL) == 0)
		return IOC_DOMAIN;
	return IOC_NONE;
}

/* The common case of a feed's domain: plain ASCII that needs no IDNA
 * mapping. Writes s[0..n) lower-cased to out (n + 1 bytes) and returns 1
 * when that is already a valid canonical name: labels of 1 to 63 letters,
 * digits and '-' (not at either end; '_' only first), none starting with
 * "xn--" (A-labels are checked by libidn2), two labels or more, a last
 * label not all digits. 0 otherwise (out is then garbage). One pass. */
static int domain_fast(const char *s, size_t n, char *out)
{
	if (n == 0 || n > DOMAIN_NAME_MAX || s[n - 1] == '.')
		return 0;
	size_t i = 0, labels = 0;
	int tld_digits;
	for (;;) {
		size_t start = i;
		tld_digits = 1;
		if (s[i] == '_') {
			out[i++] = '_';
			tld_digits = 0;
		}
		for (; i < n; i++) {
			unsigned char c = (unsigned char)s[i];
			if (c - (unsigned)'0' < 10u) {
				out[i] = (char)c;
				continue;
			}
			c = lower(c);
			if (!(c - (unsigned)'a' < 26u || c == '-'))
				break;
			out[i] = (char)c;
			tld_digits = 0;
		}
		size_t len = i - start;
		if (len == 0 || len > 63 || out[start] == '-' || out[i - 1] == '-' ||
		    (len >= 4 && !memcmp(out + start, "xn--", 4)))
			return 0;
		labels++;
		if (i == n)
			break;
		if (s[i] != '.')
			return 0;
		out[i++] = '.';
	}
	out[n] = '\0';
	return labels >= 2 && !tld_digits;
}

static int canon_url(const char *s, size_t n, char *out, size_t outsz, struct wr_err *e)
{
	const char *sep = strstr(s, "://");
	if (!sep || sep == s)
		return wr_err_set(e, WR_EINVAL, "value", "is not a URL (scheme://host/...)");
	size_t sl = (size_t)(sep - s);
	for (size_t i = 0; i < sl; i++) {
		unsigned char c = (unsigned char)s[i];
		if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
		      c == '+' || c == '-' || c == '.'))
			return wr_err_set(e, WR_EINVAL, "value", "has an invalid URL scheme");
	}
	size_t hs = sl + 3, he = hs;
	while (he < n && s[he] != '/' && s[he] != '?' && s[he] != '#')
		he++;
	if (he == hs)
		return wr_err_set(e, WR_EINVAL, "value", "is a URL without a host");
	for (size_t i = 0; i < n; i++)
		if ((unsigned char)s[i] <= ' ' || s[i] == '"' || s[i] == '<' || s[i] == '>' ||
		    s[i] == '\\' || s[i] == '\'' || s[i] == 0x7f)
			return wr_err_set(e, WR_EINVAL, "value",
					  "has a space, quote, < > or \\ in a URL");
	size_t hl = he - hs;
	/* Default ports say nothing: http://x:80/ is http://x/. */
	if (sl == 4 && !strncasecmp(s, "http", 4) && hl > 3 && !strncmp(s + he - 3, ":80", 3))
		hl -= 3;
	else if (sl == 5 && !strncasecmp(s, "https", 5) && hl > 4 &&
		 !strncmp(s + he - 4, ":443", 4))
		hl -= 4;
	size_t total = sl + 3 + hl + (n - he);
	if (total + 1 > outsz)
		return wr_err_set(e, WR_EINVAL, "value", "is too long");
	size_t k = 0;
	for (size_t i = 0; i < sl + 3 + hl; i++)
		out[k++] = (char)lower((unsigned char)s[i]);
	memcpy(out + k, s + he, n - he);
	k += n - he;
	out[k] = '\0';
	return 0;
}

static int canon_email(const char *s, size_t n, char *out, size_t outsz, struct wr_err *e)
{
	const char *at = strchr(s, '@');
	if (!at || at == s || strchr(at + 1, '@') || !strchr(at + 1, '.') || n + 1 > outsz)
		return wr_err_set(e, WR_EINVAL, "value", "is not an email address");
	for (size_t i = 0; i < n; i++) {
		unsigned char c = (unsigned char)s[i];
		int ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
			 c == '.' || c == '_' || c == '%' || c == '+' || c == '-' || c == '@';
		if (!ok)
			return wr_err_set(e, WR_EINVAL, "value",
					  "has a character that an email address in a log cannot have");
		out[i] = (char)lower(c);
	}
	out[n] = '\0';
	return 0;
}

static int canon_ip(enum ioc_type *t, const char *s, size_t n, char *out, size_t outsz,
		    struct wr_err *e)
{
	struct ip_prefix p;
	int rc = *t == IOC_CIDR ? ip_prefix_parse_n(s, n, "value", &p, e)
				: ip_addr_parse_n(s, n, "value", &p, e);
	if (rc)
		return rc;
	if (*t != IOC_CIDR)
		*t = p.family == 4 ? IOC_IPV4 : IOC_IPV6;
	/* The parser takes a dotted quad and a prefix length only in decimal
	 * without leading zeros, which is the canonical spelling: IPv4 written
	 * as IPv4 (no ':', no blank around it, and a cidr with its "/len") is
	 * its own canonical form, and needs no formatting. */
	if (p.family == 4 && n + 1 <= outsz && (s[0] >= '0' && s[0] <= '9') &&
	    (s[n - 1] >= '0' && s[n - 1] <= '9') && !memchr(s, ':', n) &&
	    (*t != IOC_CIDR || memchr(s, '/', n))) {
		memcpy(out, s, n);
		out[n] = '\0';
		return 0;
	}
	char buf[IP_PREFIX_TEXT_MAX];
	if (ip_prefix_format(&p, buf, sizeof buf))
		return wr_err_set(e, WR_EINVAL, "value", "is not a valid address");
	if (*t != IOC_CIDR) {
		char *slash = strchr(buf, '/');
		if (slash)
			*slash = '\0';
	}
	size_t len = strlen(buf);
	if (len + 1 > outsz)
		return wr_err_set(e, WR_EINVAL, "value", "is too long");
	memcpy(out, buf, len + 1);
	return 0;
}

int ioc_canonical(enum ioc_type *t, const char *value, char *out, size_t outsz,
		  struct wr_err *e)
{
	char v[IOC_VALUE_MAX + 1];
	long vlen = ioc_refang(value, v, sizeof v);
	if (vlen < 0)
		return wr_err_set(e, WR_EINVAL, "value", "is longer than %d bytes", IOC_VALUE_MAX);
	char *s = v;
	while (*s == ' ' || *s == '\t')
		s++;
	size_t n = (size_t)vlen - (size_t)(s - v);
	while (n > 0 && (s[n - 1] == ' ' || s[n - 1] == '\t' || s[n - 1] == '\r' || s[n - 1] == '\n'))
		s[--n] = '\0';
	if (n == 0)
		return wr_err_set(e, WR_EINVAL, "value", "is empty");
	if (*t == IOC_NONE) {
		*t = ioc_detect(s);
		if (*t == IOC_NONE)
			return wr_err_set(e, WR_EINVAL, "value",
					  "is not an address, prefix, domain, URL, email or hash");
	}
	switch (*t) {
	case IOC_IPV4:
	case IOC_IPV6:
	case IOC_CIDR:
		return canon_ip(t, s, n, out, outsz, e);
	case IOC_DOMAIN:
	case IOC_HOSTNAME:
		if (s[n - 1] == '.')
			s[--n] = '\0';
		if (n + 1 <= outsz && domain_fast(s, n, out))
			return 0;
		return domain_canonical(s, "value", out, outsz, e);
	case IOC_URL:
		return canon_url(s, n, out, outsz, e);
	case IOC_EMAIL:
		return canon_email(s, n, out, outsz, e);
	case IOC_MD5:
	case IOC_SHA1:
	case IOC_SHA256:
		/* Checked and lower-cased in one pass when out has room. */
		if (hash_type(n) != *t ||
		    !hex_lower(s, n, n + 1 <= outsz ? out : NULL))
			return wr_err_set(e, WR_EINVAL, "value", "is not a %s (%d hex digits)",
					  ioc_type_name(*t),
					  *t == IOC_MD5 ? 32 : *t == IOC_SHA1 ? 40 : 64);
		if (n + 1 > outsz)
			return wr_err_set(e, WR_EINVAL, "value", "is too long");
		out[n] = '\0';
		return 0;
	case IOC_FILENAME:
		if (n + 1 > outsz || memchr(s, '/', n))
			return wr_err_set(e, WR_EINVAL, "value", "is not a file name");
		memcpy(out, s, n + 1);
		return 0;
	default:
		return wr_err_set(e, WR_EINVAL, "type", "is not a known indicator type");
	}
}
