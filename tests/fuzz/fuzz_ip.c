/* libFuzzer harness for base/ip: any bytes must parse or fail cleanly, and
 * what parses must format, re-parse to the same prefix and contain itself. */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "base/ip.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *s = malloc(size + 1);
	if (!s)
		return 0;
	memcpy(s, data, size);
	s[size] = '\0'; /* callers pass NUL-terminated strings */

	struct ip_prefix p, q, a;
	struct wr_err e;
	wr_err_clear(&e);
	if (ip_prefix_parse(s, "f", &p, &e) == 0) {
		char text[IP_PREFIX_TEXT_MAX];
		if (ip_prefix_format(&p, text, sizeof text) != 0)
			abort();
		if (ip_prefix_parse(text, "f", &q, &e) != 0 || memcmp(&p, &q, sizeof p) != 0)
			abort();
		if (!ip_prefix_contains(&p, &q) || !ip_prefix_overlaps(&p, &q))
			abort();
		unsigned char lo[16], hi[16];
		char hlo[33], hhi[33];
		ip_prefix_range(&p, lo, hi);
		ip_range_hex(lo, hlo);
		ip_range_hex(hi, hhi);
		if (strcmp(hlo, hhi) > 0)
			abort();
	} else if (e.message[0] == '\0') {
		abort(); /* every refusal says why */
	}
	(void)ip_addr_parse(s, "f", &a, NULL);
	free(s);
	return 0;
}
