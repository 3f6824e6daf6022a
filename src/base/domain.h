/* Domain and host names in one canonical form: ASCII (IDNA2008 A-labels via
 * UTS #46 non-transitional mapping, libidn2), lower case, without the
 * trailing dot. "Bücher.Example." becomes "xn--bcher-kva.example".
 *
 * Rules after mapping: at least two labels; each label 1..63 characters of
 * letters, digits and hyphens, not starting or ending with a hyphen; an
 * underscore is allowed only as the first character of a label (_dmarc,
 * _sip._tcp) because DMARC and SRV names exist; at most 253 characters; the
 * top-level label is not all digits. IP address literals are refused: they
 * belong in an address/prefix field (base/ip.h). Wildcards ("*.example.be")
 * are refused too. */
#ifndef WR_BASE_DOMAIN_H
#define WR_BASE_DOMAIN_H

#include <stddef.h>

#include "base/err.h"

#define DOMAIN_NAME_MAX 253
/* An out buffer of this size always suffices. */
#define DOMAIN_BUF_SIZE (DOMAIN_NAME_MAX + 1)

/* Trims surrounding whitespace, maps and checks in, writes the canonical
 * name to out (outsz bytes, NUL included). 0, or WR_EINVAL with e filled
 * (field names the input; e may be NULL); WR_ENOMEM when memory runs out.
 * A result that does not fit outsz is WR_EINVAL "is too long". */
int domain_canonical(const char *in, const char *field, char *out, size_t outsz, struct wr_err *e);
/* The same rules: a host name is a domain name used for one host. */
int hostname_canonical(const char *in, const char *field, char *out, size_t outsz, struct wr_err *e);

/* 1 when canonical_name is canonical_parent or a name under it, label-wise
 * ("a.b.example" under "b.example"; "notb.example" is not), else 0. Both
 * arguments are canonical names; the comparison ignores ASCII case. */
int domain_is_subdomain_or_equal(const char *canonical_name, const char *canonical_parent);

#endif
