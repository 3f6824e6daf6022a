/* IP addresses and prefixes: what people type, what the program stores. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <arpa/inet.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/ip.h"

/* Parses s as a prefix and returns its canonical text (static buffer). */
static const char *canon(const char *s)
{
	static char text[IP_PREFIX_TEXT_MAX];
	struct ip_prefix p;
	struct wr_err e;
	wr_err_clear(&e);
	int rc = ip_prefix_parse(s, "prefix", &p, &e);
	if (rc != 0)
		fail_msg("\"%s\" refused: %s", s, e.message);
	assert_int_equal(ip_prefix_format(&p, text, sizeof text), 0);
	return text;
}

/* Asserts that s is refused as a prefix with a message containing word. */
static void refused(const char *s, const char *word)
{
	struct ip_prefix p;
	struct wr_err e;
	wr_err_clear(&e);
	int rc = ip_prefix_parse(s, "ip", &p, &e);
	if (rc != WR_EINVAL)
		fail_msg("\"%s\" accepted or wrong code %d", s, rc);
	assert_int_equal(e.code, WR_EINVAL);
	assert_string_equal(e.field, "ip");
	if (!strstr(e.message, word))
		fail_msg("\"%s\": message \"%s\" lacks \"%s\"", s, e.message, word);
}

static struct ip_prefix P(const char *s)
{
	struct ip_prefix p;
	struct wr_err e;
	wr_err_clear(&e);
	if (ip_prefix_parse(s, "p", &p, &e) != 0)
		fail_msg("\"%s\" refused: %s", s, e.message);
	return p;
}

static void test_ipv4_canonical(void **state)
{
	(void)state;
	assert_string_equal(canon("192.0.2.1"), "192.0.2.1/32");
	assert_string_equal(canon("  10.0.0.0/8\t\n"), "10.0.0.0/8");
	assert_string_equal(canon("0.0.0.0/0"), "0.0.0.0/0");
	assert_string_equal(canon("255.255.255.255/32"), "255.255.255.255/32");
	assert_string_equal(canon("198.18.0.0/15"), "198.18.0.0/15");
	assert_string_equal(canon("100.20.3.0/24"), "100.20.3.0/24");
	/* A buffer too small for the text: an error and an empty string. */
	char small[sizeof "100.20.3.0/2"];
	struct ip_prefix q = P("100.20.3.0/24");
	assert_int_equal(ip_prefix_format(&q, small, sizeof small), WR_EINVAL);
	assert_string_equal(small, "");
	char exact[sizeof "100.20.3.0/24"];
	assert_int_equal(ip_prefix_format(&q, exact, sizeof exact), 0);
	assert_string_equal(exact, "100.20.3.0/24");
	struct ip_prefix p = P("192.0.2.1");
	assert_int_equal(p.family, 4);
	assert_int_equal(p.len, 32);
	assert_memory_equal(p.addr, "\xc0\x00\x02\x01", 4);
}

static void test_ipv6_canonical(void **state)
{
	(void)state;
	assert_string_equal(canon("::1"), "::1/128");
	assert_string_equal(canon("2001:DB8::/32"), "2001:db8::/32");
	assert_string_equal(canon("2001:0db8:0000:0000:0000:0000:0000:0001"), "2001:db8::1/128");
	assert_string_equal(canon("2001:db8:0:0:1:0:0:1"), "2001:db8::1:0:0:1/128");
	assert_string_equal(canon("::/0"), "::/0");
	assert_string_equal(canon("FE80::/10"), "fe80::/10");
	struct ip_prefix p = P("::1");
	assert_int_equal(p.family, 6);
	assert_int_equal(p.len, 128);
}

static void test_ipv4_mapped_is_ipv4(void **state)
{
	(void)state;
	/* A dual-stack server logs IPv4 clients as ::ffff:a.b.c.d. */
	struct ip_prefix p = P("::ffff:198.18.0.1");
	assert_int_equal(p.family, 4);
	assert_int_equal(p.len, 32);
	assert_string_equal(canon("::ffff:198.18.0.1"), "198.18.0.1/32");
	assert_string_equal(canon("::FFFF:c612:1"), "198.18.0.1/32");
	assert_string_equal(canon("::ffff:198.18.0.0/120"), "198.18.0.0/24");
	assert_int_equal(ip_prefix_contains(&(struct ip_prefix){0}, &p), 0);
	struct ip_prefix net = P("198.18.0.0/15");
	assert_int_equal(ip_prefix_contains(&net, &p), 1);
	/* A prefix shorter than /96 is not inside the mapped block: stays IPv6. */
	assert_string_equal(canon("::/95"), "::/95");
}

static void test_host_bits(void **state)
{
	(void)state;
	refused("10.1.2.3/8", "host bits set: did you mean 10.0.0.0/8?");
	refused("198.18.0.1/24", "did you mean 198.18.0.0/24?");
	refused("2001:db8::1/32", "did you mean 2001:db8::/32?");
	refused("192.0.2.1/0", "did you mean 0.0.0.0/0?");
}

static void test_refused(void **state)
{
	(void)state;
	refused("", "empty");
	refused("   ", "empty");
	refused("010.1.1.1", "leading zero");
	refused("1.2.3.04", "leading zero");
	refused("256.1.1.1", "over 255");
	refused("1.2.3.1000", "over 255");
	refused("1.2.3", "not an IP");
	refused("1.2.3.4.5", "not an IP");
	refused("1..2.3", "not an IP");
	refused("1.2.3.4.", "not an IP");
	refused(".1.2.3.4", "not an IP");
	refused("example.be", "not an IP");
	refused("0x7f.0.0.1", "not an IP");
	refused("-1.2.3.4", "not an IP");
	refused("1.2.3.4/33", "out of range");
	refused("2001:db8::/129", "out of range");
	refused("1.2.3.4/1000", "out of range");
	refused("1.2.3.4/", "no prefix length");
	refused("1.2.3.4/-1", "not a number");
	refused("1.2.3.4/ 24", "not a number");
	refused("1.2.3.4/24/24", "not a number");
	refused("1.2.3.4/024", "leading zero");
	refused("fe80::1%eth0", "zone id");
	refused("fe80::1%eth0/64", "zone id");
	refused("[::1]", "brackets");
	refused("1::2::3", "not a valid IPv6");
	refused("12345::", "not a valid IPv6");
	refused("::ffff:01.2.3.4", "not a valid IPv6");
	refused("1.2.3.4 /24", "not an IP");
	refused("1.2.3.4\n5", "not an IP");
	refused("\xff\xfe", "not an IP");
	refused("1.2.3.4/99999999999999999999999", "out of range");
	char big[4096];
	memset(big, '1', sizeof big - 1);
	big[sizeof big - 1] = '\0';
	refused(big, "too long");
}

static void test_addr_parse(void **state)
{
	(void)state;
	struct ip_prefix p;
	struct wr_err e;
	wr_err_clear(&e);
	assert_int_equal(ip_addr_parse(" 2001:db8::5 ", "addr", &p, &e), 0);
	assert_int_equal(p.len, 128);
	assert_int_equal(ip_addr_parse("192.0.2.7", "addr", &p, &e), 0);
	assert_int_equal(p.len, 32);
	assert_int_equal(ip_addr_parse("192.0.2.0/24", "addr", &p, &e), WR_EINVAL);
	assert_non_null(strstr(e.message, "single address"));
	assert_string_equal(e.field, "addr");
	assert_int_equal(ip_addr_parse("nope", "addr", &p, NULL), WR_EINVAL);
	assert_int_equal(ip_addr_parse(NULL, "addr", &p, NULL), WR_EINVAL);
}

/* ip_prefix_format writes IPv6 itself (not with inet_ntop): every mix of
 * zero, one, 0xffff and four-digit groups must come out as inet_ntop's. */
static void test_format_v6_like_inet_ntop(void **state)
{
	(void)state;
	static const unsigned groups[4] = {0, 1, 0xffff, 0xa0b};
	for (unsigned x = 0; x < 1u << 16; x++) {
		struct ip_prefix p = {.family = 6, .len = 128};
		for (int i = 0; i < 8; i++) {
			unsigned g = groups[(x >> (2 * i)) & 3];
			p.addr[2 * i] = (unsigned char)(g >> 8);
			p.addr[2 * i + 1] = (unsigned char)g;
		}
		char want[INET6_ADDRSTRLEN + 8], got[IP_PREFIX_TEXT_MAX];
		assert_non_null(inet_ntop(AF_INET6, p.addr, want, INET6_ADDRSTRLEN));
		strcat(want, "/128");
		assert_int_equal(ip_prefix_format(&p, got, sizeof got), 0);
		assert_string_equal(got, want);
	}
}

static void test_format_buffer(void **state)
{
	(void)state;
	struct ip_prefix p = P("192.0.2.0/24");
	char small[12];
	assert_int_equal(ip_prefix_format(&p, small, sizeof small), WR_EINVAL);
	assert_string_equal(small, "");
	char exact[sizeof "192.0.2.0/24"];
	assert_int_equal(ip_prefix_format(&p, exact, sizeof exact), 0);
	assert_string_equal(exact, "192.0.2.0/24");
	struct ip_prefix bad = {.family = 5};
	char text[IP_PREFIX_TEXT_MAX];
	assert_int_equal(ip_prefix_format(&bad, text, sizeof text), WR_EINVAL);
	struct ip_prefix longest = P("ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff");
	assert_int_equal(ip_prefix_format(&longest, text, sizeof text), 0);
	assert_string_equal(text, "ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff/128");
}

static void range_hex(const char *s, char lo[33], char hi[33])
{
	struct ip_prefix p = P(s);
	unsigned char l[16], h[16];
	ip_prefix_range(&p, l, h);
	ip_range_hex(l, lo);
	ip_range_hex(h, hi);
}

static void test_range(void **state)
{
	(void)state;
	char lo[33], hi[33];
	range_hex("10.0.0.0/8", lo, hi);
	assert_string_equal(lo, "00000000000000000000ffff0a000000");
	assert_string_equal(hi, "00000000000000000000ffff0affffff");
	range_hex("192.0.2.7", lo, hi);
	assert_string_equal(lo, "00000000000000000000ffffc0000207");
	assert_string_equal(lo, hi);
	range_hex("2001:db8::/32", lo, hi);
	assert_string_equal(lo, "20010db8000000000000000000000000");
	assert_string_equal(hi, "20010db8ffffffffffffffffffffffff");
	range_hex("0.0.0.0/0", lo, hi);
	assert_string_equal(lo, "00000000000000000000ffff00000000");
	assert_string_equal(hi, "00000000000000000000ffffffffffff");
	range_hex("::/0", lo, hi);
	assert_string_equal(lo, "00000000000000000000000000000000");
	assert_string_equal(hi, "ffffffffffffffffffffffffffffffff");
	range_hex("198.18.0.0/15", lo, hi);
	assert_string_equal(hi, "00000000000000000000ffffc613ffff");
	range_hex("2001:db8::/33", lo, hi);
	assert_string_equal(hi, "20010db87fffffffffffffffffffffff");

	/* Text order is numeric order, across families: 9.x < 10.x < 2001:: */
	char a[33], b[33], c[33], x[33];
	range_hex("9.255.255.255", a, x);
	range_hex("10.0.0.0/8", b, x);
	range_hex("2001:db8::1", c, x);
	assert_true(strcmp(a, b) < 0);
	assert_true(strcmp(b, c) < 0);
	range_hex("10.0.0.0/8", x, hi);
	range_hex("11.0.0.0", a, x);
	assert_true(strcmp(hi, a) < 0);
}

static void test_overlap_contains_v4(void **state)
{
	(void)state;
	struct ip_prefix n8 = P("10.0.0.0/8"), n24 = P("10.1.2.0/24"), h = P("10.1.2.3");
	struct ip_prefix other = P("11.0.0.0/8"), all = P("0.0.0.0/0");
	assert_int_equal(ip_prefix_overlaps(&n8, &n24), 1);
	assert_int_equal(ip_prefix_overlaps(&n24, &n8), 1);
	assert_int_equal(ip_prefix_overlaps(&n8, &other), 0);
	assert_int_equal(ip_prefix_overlaps(&all, &other), 1);
	assert_int_equal(ip_prefix_contains(&n8, &n24), 1);
	assert_int_equal(ip_prefix_contains(&n24, &n8), 0);
	assert_int_equal(ip_prefix_contains(&n24, &h), 1);
	assert_int_equal(ip_prefix_contains(&n8, &n8), 1);
	assert_int_equal(ip_prefix_contains(&other, &h), 0);
	assert_int_equal(ip_prefix_contains(&all, &h), 1);
	struct ip_prefix a = P("10.1.2.0/25"), b = P("10.1.2.128/25");
	assert_int_equal(ip_prefix_overlaps(&a, &b), 0);
	assert_int_equal(ip_prefix_contains(&n24, &b), 1);
}

static void test_overlap_contains_v6(void **state)
{
	(void)state;
	struct ip_prefix n32 = P("2001:db8::/32"), n48 = P("2001:db8:1::/48"), h = P("2001:db8:1::42");
	struct ip_prefix other = P("2001:db9::/32"), n33 = P("2001:db8:8000::/33");
	assert_int_equal(ip_prefix_overlaps(&n32, &n48), 1);
	assert_int_equal(ip_prefix_overlaps(&n32, &other), 0);
	assert_int_equal(ip_prefix_contains(&n32, &h), 1);
	assert_int_equal(ip_prefix_contains(&n48, &h), 1);
	assert_int_equal(ip_prefix_contains(&n48, &n32), 0);
	assert_int_equal(ip_prefix_contains(&n33, &n48), 0);
	assert_int_equal(ip_prefix_contains(&n32, &n33), 1);
}

static void test_families_never_overlap(void **state)
{
	(void)state;
	struct ip_prefix v4all = P("0.0.0.0/0"), v6all = P("::/0"), v4 = P("0.0.0.0/32"), v6 = P("::/128");
	assert_int_equal(ip_prefix_overlaps(&v4all, &v6all), 0);
	assert_int_equal(ip_prefix_overlaps(&v6all, &v4all), 0);
	assert_int_equal(ip_prefix_contains(&v6all, &v4), 0);
	assert_int_equal(ip_prefix_contains(&v4all, &v6), 0);
	/* Same bytes, different family. */
	assert_int_equal(ip_prefix_overlaps(&v4, &v6), 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_ipv4_canonical),
		cmocka_unit_test(test_ipv6_canonical),
		cmocka_unit_test(test_ipv4_mapped_is_ipv4),
		cmocka_unit_test(test_host_bits),
		cmocka_unit_test(test_refused),
		cmocka_unit_test(test_addr_parse),
		cmocka_unit_test(test_format_buffer),
		cmocka_unit_test(test_format_v6_like_inet_ntop),
		cmocka_unit_test(test_range),
		cmocka_unit_test(test_overlap_contains_v4),
		cmocka_unit_test(test_overlap_contains_v6),
		cmocka_unit_test(test_families_never_overlap),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
