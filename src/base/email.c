#include "base/email.h"

#include "base/domain.h"
#include "base/ip.h"

#include <stdio.h>
#include <string.h>
#include <strings.h>

/* Longer input cannot become an address of 254 characters, even with a
 * Unicode domain of up to four bytes per character. */
#define EMAIL_INPUT_MAX 1100
#define EMAIL_LOCAL_MAX 64

static int is_space(unsigned char c)
{
	return c == ' ' || c == '\t' || c == '\r' || c == '\n' || c == '\v' || c == '\f';
}

/* RFC 5322 atext. */
static int is_atext(unsigned char c)
{
	if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9'))
		return 1;
	return c != '\0' && strchr("!#$%&'*+-/=?^_`{|}~", c) != NULL;
}

static int check_local(const char *s, size_t n, const char *field, struct wr_err *e)
{
	if (n == 0)
		return wr_err_set(e, WR_EINVAL, field, "has nothing before the @");
	if (n > EMAIL_LOCAL_MAX)
		return wr_err_set(e, WR_EINVAL, field,
				  "has %zu characters before the @ (at most %d)", n,
				  EMAIL_LOCAL_MAX);
	if (s[0] == '.' || s[n - 1] == '.')
		return wr_err_set(e, WR_EINVAL, field,
				  "starts or ends the part before the @ with a dot");
	for (size_t i = 0; i < n; i++) {
		unsigned char c = (unsigned char)s[i];
		if (c == '.') {
			if (s[i + 1] == '.')
				return wr_err_set(e, WR_EINVAL, field,
						  "has two dots in a row before the @");
			continue;
		}
		if (is_atext(c))
			continue;
		if (c == ' ' || c == '\t')
			return wr_err_set(e, WR_EINVAL, field, "contains a space");
		if (c == '"')
			return wr_err_set(e, WR_EINVAL, field,
					  "has a quoted part before the @, which is not supported: "
					  "give a plain address such as jan.peeters@example.be");
		if (c >= 0x80)
			return wr_err_set(e, WR_EINVAL, field,
					  "has a non-ASCII character before the @, which many mail "
					  "servers cannot deliver to");
		if (c > 0x20 && c < 0x7f)
			return wr_err_set(e, WR_EINVAL, field,
					  "contains '%c' before the @, which is not allowed in an "
					  "e-mail address",
					  c);
		return wr_err_set(e, WR_EINVAL, field, "contains a control character");
	}
	return 0;
}

int email_canonical(const char *in, const char *field, char *out, size_t outsz, struct wr_err *e)
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
	if (n > EMAIL_INPUT_MAX)
		return wr_err_set(e, WR_EINVAL, field,
				  "is too long (an e-mail address has at most %d characters)",
				  EMAIL_MAX);

	if (in[0] == '"')
		return wr_err_set(e, WR_EINVAL, field,
				  "has a quoted part before the @, which is not supported: give "
				  "a plain address such as jan.peeters@example.be");
	if (memchr(in, '<', n) || memchr(in, '>', n))
		return wr_err_set(e, WR_EINVAL, field,
				  "contains < or >: give only the address, without a name, e.g. "
				  "jan.peeters@example.be");
	if (n >= 7 && strncasecmp(in, "mailto:", 7) == 0)
		return wr_err_set(e, WR_EINVAL, field,
				  "starts with mailto: give only the address");

	const char *at = memchr(in, '@', n);
	if (!at)
		return wr_err_set(e, WR_EINVAL, field,
				  "has no @: expected an address such as jan.peeters@example.be");
	size_t local_len = (size_t)(at - in);
	if (memchr(at + 1, '@', n - local_len - 1))
		return wr_err_set(e, WR_EINVAL, field,
				  "has more than one @: give one address per field");

	char local[EMAIL_INPUT_MAX + 1];
	memcpy(local, in, local_len);
	local[local_len] = '\0';
	int rc = check_local(local, local_len, field, e);
	if (rc)
		return rc;

	size_t dom_in_len = n - local_len - 1;
	if (dom_in_len == 0)
		return wr_err_set(e, WR_EINVAL, field, "has nothing after the @");
	char dom_in[EMAIL_INPUT_MAX + 1];
	memcpy(dom_in, at + 1, dom_in_len);
	dom_in[dom_in_len] = '\0';
	if (is_space((unsigned char)dom_in[0]))
		return wr_err_set(e, WR_EINVAL, field, "contains a space");
	struct ip_prefix ip;
	if (dom_in[0] == '[' || ip_addr_parse(dom_in, field, &ip, NULL) == 0)
		return wr_err_set(e, WR_EINVAL, field,
				  "has an IP address after the @, which is not supported: give "
				  "a domain name");

	char domain[DOMAIN_BUF_SIZE];
	struct wr_err derr;
	wr_err_clear(&derr);
	rc = domain_canonical(dom_in, field, domain, sizeof domain, &derr);
	if (rc) {
		/* domain.c speaks of "the name"; say which part of the address. */
		wr_err_set(e, rc, field, "has a domain after the @ that %s", derr.message);
		return rc;
	}

	size_t dlen = strlen(domain);
	size_t total = local_len + 1 + dlen;
	if (total > EMAIL_MAX)
		return wr_err_set(e, WR_EINVAL, field,
				  "is too long: %zu characters (an e-mail address has at most %d)",
				  total, EMAIL_MAX);
	if (total + 1 > outsz)
		return wr_err_set(e, WR_EINVAL, field, "is too long (at most %zu characters here)",
				  outsz - 1);
	memcpy(out, local, local_len);
	out[local_len] = '@';
	memcpy(out + local_len + 1, domain, dlen + 1);
	return 0;
}

int email_domain(const char *canonical_email, const char **domain)
{
	if (domain)
		*domain = NULL;
	if (!canonical_email || !domain)
		return WR_EINVAL;
	const char *at = strrchr(canonical_email, '@');
	if (!at)
		return WR_EINVAL;
	*domain = at + 1;
	return 0;
}
