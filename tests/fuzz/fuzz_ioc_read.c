/* libFuzzer harness for every indicator reader behind ioc_read_text (plain,
 * TSV, CSV, STIX 2.1, MISP, pack; the format is detected from the bytes): any
 * bytes must read or fail cleanly, and every indicator read must be in
 * canonical form (canonicalising it again changes nothing). */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "ioc/ioc.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void ignore(void *arg, const struct ioc_skip *k)
{
	(void)arg;
	if (strnlen(k->reason, sizeof k->reason) == sizeof k->reason)
		abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (size > 1 << 16)
		return 0;
	struct ioc_set *s = ioc_set_new();
	if (!s)
		return 0;
	struct wr_err e;
	wr_err_clear(&e);
	int rc = ioc_read_text(s, (const char *)data, size, "fuzz", "fuzz", ignore, NULL, &e);
	if (rc && rc != WR_EPARSE && rc != WR_ETOOBIG && rc != WR_ENOMEM)
		abort();
	for (uint32_t i = 0; i < ioc_set_count(s); i++) {
		enum ioc_type t = ioc_set_type(s, i);
		const char *v = ioc_set_value(s, i, NULL);
		char again[IOC_VALUE_MAX + 1];
		enum ioc_type t2 = t;
		if (t == IOC_FILENAME)
			continue;
		if (ioc_canonical(&t2, v, again, sizeof again, NULL) || t2 != t || strcmp(again, v))
			abort();
	}
	ioc_set_free(s);
	return 0;
}
