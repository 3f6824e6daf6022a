/* Telephone numbers in E.164 form ("+32499001234"), from the many ways
 * people write Belgian numbers:
 *   "+32 499 00 12 34", "0032 499/00.12.34", "0499 00 12 34" (a single
 *   leading 0 is the Belgian national format, so +32), "+32 (0)499 00 12 34"
 *   (the bracketed trunk 0 after a country code is dropped; after +32 a bare
 *   0 is dropped too, since no Belgian number starts with 0 after +32).
 * Spaces, dots, slashes, dashes and parentheses are separators. Anything
 * else (letters, "ext", a second +) is refused. The result is "+" and 8..15
 * digits, the country code not starting with 0. For +32 the length is
 * checked too: mobile numbers (+32 4[5-9]...) have 9 digits after 32, all
 * other Belgian numbers 8. */
#ifndef WR_BASE_PHONE_H
#define WR_BASE_PHONE_H

#include <stddef.h>

#include "base/err.h"

/* "+" 15 digits and a NUL. */
#define PHONE_E164_BUF_SIZE 17

/* 0, or WR_EINVAL with e filled (field names the input; e may be NULL).
 * An empty (or blank) string is WR_EINVAL "is empty": callers decide
 * whether the number is optional. outsz of PHONE_E164_BUF_SIZE suffices. */
int phone_e164(const char *in, const char *field, char *out, size_t outsz, struct wr_err *e);

/* 1 when e164 is a Belgian mobile number: "+32" then 4[5-9] and 7 more
 * digits. */
int phone_is_belgian_mobile(const char *e164);

#endif
