/* A set of awkward indicators for the export tests (unit tests and the
 * outside validators): every type, quotes and backslashes, IDNA, IPv6,
 * both CIDR families, every TLP, with and without sources and tags. */
#ifndef WR_TESTS_EXPORT_SAMPLE_H
#define WR_TESTS_EXPORT_SAMPLE_H

#include <stdio.h>
#include <string.h>

#include "intel/export.h"

static const char *const sample_sources[] = {"ir-2026-017", "cert.be"};
static const char *const sample_tags[] = {"play", "ransomware"};

#define SAMPLE(I, T, V, L)                                                                     \
	{.id = (I), .uuid = "00000000-0000-4000-8000-0000000000" #I, .type = (T), .value = (V),  \
	 .tlp = (L), .sources = sample_sources, .n_sources = (I) % 3 == 0 ? 0 : (I) % 2 + 1,   \
	 .tags = sample_tags, .n_tags = (size_t)((I) % 3), .first_seen = 1705276800,            \
	 .last_seen = 1705363200, .valid_until = (I) % 2 ? 1893456000 : 0,                      \
	 .created = 1705276800, .modified = 1705280400, .confidence = (I) % 4 ? 80 : -1,        \
	 .to_ids = 1, .description = (I) % 5 ? NULL : "seen in the \"Play\" campaign"}

static const struct intel_item sample_items[] = {
	SAMPLE(10, IOC_IPV4, "198.51.100.7", "GREEN"),
	SAMPLE(11, IOC_IPV6, "2001:db8::1", "AMBER"),
	SAMPLE(12, IOC_CIDR, "203.0.113.0/24", "CLEAR"),
	SAMPLE(13, IOC_CIDR, "2001:db8:abcd::/48", "AMBER+STRICT"),
	SAMPLE(14, IOC_DOMAIN, "xn--bcher-kva.example", "RED"),
	SAMPLE(15, IOC_HOSTNAME, "c2.bad.example", "GREEN"),
	SAMPLE(16, IOC_URL, "http://bad.example/a%27b?q=x&y=%22z%22", "AMBER"),
	SAMPLE(17, IOC_URL, "https://bad.example:8443/=cmd|calc!A0", "GREEN"),
	SAMPLE(18, IOC_EMAIL, "billing@bad.example", "GREEN"),
	SAMPLE(19, IOC_MD5, "0123456789abcdef0123456789abcdef", "AMBER"),
	SAMPLE(20, IOC_SHA1, "0123456789abcdef0123456789abcdef01234567", "AMBER"),
	SAMPLE(21, IOC_SHA256, "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef",
	       "CLEAR"),
	SAMPLE(22, IOC_FILENAME, "O'Brien \\ invoice.pdf.exe", "GREEN"),
	SAMPLE(23, IOC_FILENAME, "-2+3.exe", "GREEN"),
};
#define SAMPLE_N (sizeof sample_items / sizeof *sample_items)

static inline struct intel_export_meta sample_meta(void)
{
	struct intel_export_meta m = {.title = "warroom indicators for Gent",
				      .producer = "Vlaamse cyber war room",
				      .event_uuid = "5e1f0c2a-8d4b-4f6e-9a7b-3c2d1e0f9a8b",
				      .now = 1764326934,
				      .only_type = IOC_NONE};
	return m;
}

#endif
