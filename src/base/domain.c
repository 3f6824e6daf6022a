#include "base/domain.h"

#include <arpa/inet.h>
#include <idn2.h>
#include <string.h>

/* A Unicode name may take up to four bytes per character of its ASCII
 * form; anything longer than this cannot become a name of 253 characters. */
#define DOMAIN_INPUT_MAX 1024

static int is_space(unsigned char c)
{
	return c == ' ' || c == '\t' || c == '\r' || c == '\n' || c == '\v' || c == '\f';
}

static int is_ldh(unsigned char c)
{
	return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-';
}

static unsigned char lower(unsigned char c)
{
	return c >= 'A' && c <= 'Z' ? (unsigned char)(c - 'A' + 'a') : c;
}

/* 1 when s (NUL-terminated) is written like an IP address or prefix, so the
 * person meant an address and deserves a message that says so. */
static int looks_like_ip(const char *s)
{
	size_t n = strlen(s);
	if (n > 0 && s[0] == '[')
		return 1;
	int colon = 0, only_v4 = 1, only_v6 = 1, dots = 0, digits = 0;
	for (size_t i = 0; i < n; i++) {
		unsigned char c = (unsigned char)s[i];
		int digit = c >= '0' && c <= '9';
		int hex = digit || (lower(c) >= 'a' && lower(c) <= 'f');
		if (c == ':')
			colon = 1;
		if (c == '.')
			dots++;
		if (digit)
			digits++;
		if (!digit && c != '.' && c != '/')
			only_v4 = 0;
		if (!hex && c != ':' && c != '.' && c != '/' && c != '%')
			only_v6 = 0;
	}
	if (only_v4 && dots > 0 && digits > 0)
		return 1;
	return colon && only_v6;
}

/* A person-readable message for a libidn2 error. */
static int idn_error(int rc, const char *field, struct wr_err *e)
{
	switch (rc) {
	case IDN2_MALLOC:
		return wr_err_set(e, WR_ENOMEM, field, "cannot be checked: out of memory");
	case IDN2_ENCODING_ERROR:
		return wr_err_set(e, WR_EINVAL, field, "is not valid UTF-8 text");
	case IDN2_2HYPHEN:
		return wr_err_set(e, WR_EINVAL, field,
				  "has a label with -- in the third and fourth position, which "
				  "is reserved for encoded names (xn--)");
	case IDN2_HYPHEN_STARTEND:
		return wr_err_set(e, WR_EINVAL, field, "has a label that starts or ends with a hyphen");
	case IDN2_TOO_BIG_DOMAIN:
		return wr_err_set(e, WR_EINVAL, field,
				  "is too long (a domain name has at most %d characters)",
				  DOMAIN_NAME_MAX);
	case IDN2_TOO_BIG_LABEL:
		return wr_err_set(e, WR_EINVAL, field,
				  "has a label longer than 63 characters");
	case IDN2_PUNYCODE_BAD_INPUT:
	case IDN2_PUNYCODE_BIG_OUTPUT:
	case IDN2_PUNYCODE_OVERFLOW:
	case IDN2_INVALID_ALABEL:
	case IDN2_UALABEL_MISMATCH:
	case IDN2_ALABEL_ROUNDTRIP_FAILED:
		return wr_err_set(e, WR_EINVAL, field,
				  "has an invalid encoded label (xn--...): %s",
				  idn2_strerror(rc));
	default:
		return wr_err_set(e, WR_EINVAL, field,
				  "is not a valid international domain name: %s",
				  idn2_strerror(rc));
	}
}

/* Checks a canonical (ASCII, lower-case, no trailing dot) name. */
static int check_ascii_name(const char *s, size_t n, const char *field, struct wr_err *e)
{
	if (n == 0)
		return wr_err_set(e, WR_EINVAL, field, "is empty");
	if (n > DOMAIN_NAME_MAX)
		return wr_err_set(e, WR_EINVAL, field,
				  "is too long (%zu characters; a domain name has at most %d)", n,
				  DOMAIN_NAME_MAX);
	size_t labels = 0, start = 0;
	for (size_t i = 0; i <= n; i++) {
		if (i < n && s[i] != '.')
			continue;
		size_t len = i - start;
		const char *l = s + start;
		labels++;
		if (len == 0)
			return wr_err_set(e, WR_EINVAL, field,
					  "has an empty label (two dots in a row, or a dot at the "
					  "start?)");
		if (len > 63)
			return wr_err_set(e, WR_EINVAL, field,
					  "has a label of %zu characters (at most 63)", len);
		size_t j = 0;
		if (l[0] == '_') {
			j = 1;
			if (len == 1)
				return wr_err_set(e, WR_EINVAL, field,
						  "has a label that is only an underscore");
		}
		for (size_t k = j; k < len; k++) {
			unsigned char c = (unsigned char)l[k];
			if (is_ldh(c))
				continue;
			if (c == '_')
				return wr_err_set(e, WR_EINVAL, field,
						  "has an underscore inside a label (allowed only "
						  "as the first character, as in _dmarc)");
			if (c == ' ')
				return wr_err_set(e, WR_EINVAL, field, "contains a space");
			if (c == '*')
				return wr_err_set(e, WR_EINVAL, field,
						  "contains *: wildcards are not allowed, give the "
						  "parent name instead");
			if (c > 0x20 && c < 0x7f)
				return wr_err_set(e, WR_EINVAL, field,
						  "contains '%c', which is not allowed in a domain "
						  "name (letters, digits and hyphens only)",
						  c);
			return wr_err_set(e, WR_EINVAL, field,
					  "contains a character that is not allowed in a domain "
					  "name (letters, digits and hyphens only)");
		}
		if (l[j] == '-' || l[len - 1] == '-')
			return wr_err_set(e, WR_EINVAL, field,
					  "has a label that starts or ends with a hyphen");
		start = i + 1;
	}
	if (labels < 2)
		return wr_err_set(e, WR_EINVAL, field,
				  "needs at least two labels, e.g. example.be");
	size_t tld = n;
	while (tld > 0 && s[tld - 1] != '.')
		tld--;
	int all_digits = 1;
	for (size_t i = tld; i < n; i++)
		if (s[i] < '0' || s[i] > '9')
			all_digits = 0;
	if (all_digits)
		return wr_err_set(e, WR_EINVAL, field,
				  "has a top-level label of only digits: if this is an IP "
				  "address, use an IP address/prefix field instead");
	return 0;
}

/* A name of plain ASCII letters, digits, '-', '_' and '.' whose labels have
 * no "--" in the third and fourth position (xn-- and the reserved forms):
 * libidn2 would only lower-case it. */
static int plain_ascii(const char *s, size_t n)
{
	size_t label = 0;
	for (size_t i = 0; i < n; i++, label++) {
		unsigned char c = (unsigned char)s[i];
		if (c == '.') {
			label = (size_t)-1;
			continue;
		}
		if (!is_ldh(lower(c)) && c != '_')
			return 0;
		if (label == 3 && c == '-' && s[i - 1] == '-')
			return 0;
	}
	return 1;
}

/* The fast path for plain ASCII names (nearly every indicator and asset):
 * lower case and the checks of check_ascii_name, without libidn2. Returns 0
 * when done; otherwise the caller takes the full path, which also words
 * the error. */
static int canonical_ascii(const char *tmp, size_t n, char *out, size_t outsz)
{
	if (!plain_ascii(tmp, n))
		return -1;
	char name[DOMAIN_INPUT_MAX + 1];
	for (size_t i = 0; i < n; i++)
		name[i] = (char)lower((unsigned char)tmp[i]);
	if (n > 0 && name[n - 1] == '.')
		n--;
	name[n] = '\0';
	if (check_ascii_name(name, n, NULL, NULL) || n + 1 > outsz)
		return -1;
	memcpy(out, name, n + 1);
	return 0;
}

int domain_canonical(const char *in, const char *field, char *out, size_t outsz, struct wr_err *e)
{
	if (out && outsz > 0)
		out[0] = '\0';
	if (!in || !out || outsz == 0)
		return wr_err_set(e, WR_EINVAL, field, "is missing");

	size_t n = strlen(in);
	while (n > 0 && is_space((unsigned char)*in)) {
		in++;
		n--;
	}
	while (n > 0 && is_space((unsigned char)in[n - 1]))
		n--;
	if (n == 0)
		return wr_err_set(e, WR_EINVAL, field, "is empty");
	if (n > DOMAIN_INPUT_MAX)
		return wr_err_set(e, WR_EINVAL, field,
				  "is too long (a domain name has at most %d characters)",
				  DOMAIN_NAME_MAX);

	char tmp[DOMAIN_INPUT_MAX + 1];
	memcpy(tmp, in, n);
	tmp[n] = '\0';

	/* Clear messages for the usual mistakes, before libidn2 sees them. */
	for (size_t i = 0; i < n; i++) {
		unsigned char c = (unsigned char)tmp[i];
		if (c < 0x20 || c == 0x7f)
			return wr_err_set(e, WR_EINVAL, field, "contains a control character");
	}
	if (strstr(tmp, "://"))
		return wr_err_set(e, WR_EINVAL, field,
				  "is a URL: give only the domain name, e.g. example.be");
	if (strchr(tmp, '@'))
		return wr_err_set(e, WR_EINVAL, field,
				  "contains @: give only the domain name, not an e-mail address");
	if (looks_like_ip(tmp))
		return wr_err_set(e, WR_EINVAL, field,
				  "is an IP address: use an IP address/prefix field instead of "
				  "a domain name");
	if (strchr(tmp, ':'))
		return wr_err_set(e, WR_EINVAL, field,
				  "contains ':' (a port number?): give only the domain name");
	if (strchr(tmp, '/'))
		return wr_err_set(e, WR_EINVAL, field,
				  "contains '/': give only the domain name, without a path");

	if (canonical_ascii(tmp, n, out, outsz) == 0)
		return 0;
	char *ascii = NULL;
	int rc = idn2_to_ascii_8z(tmp, &ascii, IDN2_NONTRANSITIONAL | IDN2_NFC_INPUT);
	if (rc != IDN2_OK) {
		idn2_free(ascii);
		/* libidn2 reports a bad A-label by what decoding it revealed
		 * ("forbidden in non-transitional mode"), which hides the cause. */
		if (rc != IDN2_MALLOC && rc != IDN2_ENCODING_ERROR && strcasestr(tmp, "xn--"))
			return wr_err_set(e, WR_EINVAL, field,
					  "has an invalid encoded label (xn--...): %s",
					  idn2_strerror(rc));
		return idn_error(rc, field, e);
	}
	if (!ascii)
		return wr_err_set(e, WR_ENOMEM, field, "cannot be checked: out of memory");

	size_t len = strlen(ascii);
	for (size_t i = 0; i < len; i++)
		ascii[i] = (char)lower((unsigned char)ascii[i]);
	if (len > 0 && ascii[len - 1] == '.')
		ascii[--len] = '\0';
	rc = check_ascii_name(ascii, len, field, e);
	if (rc == 0 && len + 1 > outsz)
		rc = wr_err_set(e, WR_EINVAL, field, "is too long (at most %zu characters here)",
				outsz - 1);
	if (rc == 0)
		memcpy(out, ascii, len + 1);
	idn2_free(ascii);
	return rc;
}

int hostname_canonical(const char *in, const char *field, char *out, size_t outsz, struct wr_err *e)
{
	return domain_canonical(in, field, out, outsz, e);
}

int domain_is_subdomain_or_equal(const char *canonical_name, const char *canonical_parent)
{
	if (!canonical_name || !canonical_parent)
		return 0;
	size_t n = strlen(canonical_name), p = strlen(canonical_parent);
	if (p == 0 || p > n)
		return 0;
	const char *tail = canonical_name + (n - p);
	for (size_t i = 0; i < p; i++)
		if (lower((unsigned char)tail[i]) != lower((unsigned char)canonical_parent[i]))
			return 0;
	return n == p || canonical_name[n - p - 1] == '.';
}
