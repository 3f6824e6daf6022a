/* E-mail addresses in one canonical form: local@domain, where the local part
 * is kept as typed (its case may matter to the receiving server) and the
 * domain is canonical per base/domain.h (IDN to ASCII, lower case).
 * "Jan.Peeters@Bücher.Example" becomes "Jan.Peeters@xn--bcher-kva.example".
 *
 * Accepted: a dot-atom local part of 1..64 characters (RFC 5322 atext and
 * dots, no leading, trailing or double dot), exactly one '@', a domain name
 * with at least two labels, at most 254 characters in all. Refused with a
 * message: quoted local parts ("a b"@example.be), display names
 * (Jan <jan@example.be>), non-ASCII local parts, IP literals. */
#ifndef WR_BASE_EMAIL_H
#define WR_BASE_EMAIL_H

#include <stddef.h>

#include "base/err.h"

#define EMAIL_MAX 254
/* An out buffer of this size always suffices. */
#define EMAIL_BUF_SIZE (EMAIL_MAX + 1)

/* Trims surrounding whitespace. 0, or WR_EINVAL with e filled (field names
 * the input; e may be NULL); WR_ENOMEM when memory runs out. */
int email_canonical(const char *in, const char *field, char *out, size_t outsz, struct wr_err *e);

/* Points *domain into canonical_email just after the '@' (borrowed: valid
 * as long as the string). 0, or WR_EINVAL when there is no '@'. */
int email_domain(const char *canonical_email, const char **domain);

#endif
