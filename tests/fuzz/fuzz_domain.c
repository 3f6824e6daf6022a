/* libFuzzer harness for base/domain and base/email: any bytes must map or
 * fail cleanly, and a canonical name must be a fixed point. */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "base/domain.h"
#include "base/email.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *s = malloc(size + 1);
	if (!s)
		return 0;
	memcpy(s, data, size);
	s[size] = '\0'; /* callers pass NUL-terminated strings */

	char out[DOMAIN_BUF_SIZE], again[DOMAIN_BUF_SIZE];
	struct wr_err e;
	wr_err_clear(&e);
	int rc = domain_canonical(s, "f", out, sizeof out, &e);
	if (rc == 0) {
		if (strlen(out) > DOMAIN_NAME_MAX)
			abort();
		if (domain_canonical(out, "f", again, sizeof again, &e) != 0 || strcmp(out, again) != 0)
			abort();
		if (!domain_is_subdomain_or_equal(out, out))
			abort();
	} else if (rc == WR_EINVAL && e.message[0] == '\0') {
		abort();
	}

	char mail[EMAIL_BUF_SIZE], mail2[EMAIL_BUF_SIZE];
	if (email_canonical(s, "f", mail, sizeof mail, NULL) == 0) {
		const char *d;
		if (strlen(mail) > EMAIL_MAX || email_domain(mail, &d) != 0)
			abort();
		if (email_canonical(mail, "f", mail2, sizeof mail2, NULL) != 0 || strcmp(mail, mail2) != 0)
			abort();
	}
	free(s);
	return 0;
}
