/* Domain and host names: canonical ASCII form and the mistakes people make. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <string.h>

#include <idn2.h>
#include <stdlib.h>

#include "base/domain.h"

static const char *canon(const char *s)
{
	static char out[DOMAIN_BUF_SIZE];
	struct wr_err e;
	wr_err_clear(&e);
	if (domain_canonical(s, "domain", out, sizeof out, &e) != 0)
		fail_msg("\"%s\" refused: %s", s, e.message);
	return out;
}

static void refused(const char *s, const char *word)
{
	char out[DOMAIN_BUF_SIZE];
	struct wr_err e;
	wr_err_clear(&e);
	int rc = domain_canonical(s, "domain", out, sizeof out, &e);
	if (rc != WR_EINVAL)
		fail_msg("\"%s\" accepted (as \"%s\") or wrong code %d", s, out, rc);
	assert_string_equal(e.field, "domain");
	assert_string_equal(out, "");
	if (!strstr(e.message, word))
		fail_msg("\"%s\": message \"%s\" lacks \"%s\"", s, e.message, word);
}

static void test_canonical(void **state)
{
	(void)state;
	assert_string_equal(canon("Bücher.Example."), "xn--bcher-kva.example");
	assert_string_equal(canon("  WWW.Example.BE \n"), "www.example.be");
	assert_string_equal(canon("gemeente-x.be"), "gemeente-x.be");
	assert_string_equal(canon("xn--bcher-kva.example"), "xn--bcher-kva.example");
	assert_string_equal(canon("XN--BCHER-KVA.example"), "xn--bcher-kva.example");
	/* Non-transitional: ß stays ß (it is not mapped to ss). */
	assert_string_equal(canon("faß.de"), "xn--fa-hia.de");
	/* Full-width letters and the ideographic full stop are mapped. */
	assert_string_equal(canon("ＥＸＡＭＰＬＥ。ｂｅ"), "example.be");
	assert_string_equal(canon("_dmarc.example.be"), "_dmarc.example.be");
	assert_string_equal(canon("_sip._tcp.example.be"), "_sip._tcp.example.be");
	assert_string_equal(canon("3com.be"), "3com.be");
	assert_string_equal(canon("a.xn--p1ai"), "a.xn--p1ai");
}

static void test_lengths(void **state)
{
	(void)state;
	char name[400];
	/* 63-character label: accepted; 64: refused. */
	memset(name, 'a', 63);
	memcpy(name + 63, ".be", 4);
	assert_string_equal(canon(name), name);
	memset(name, 'a', 64);
	memcpy(name + 64, ".be", 4);
	refused(name, "63");

	/* 253 characters in all: accepted; 254: refused. */
	size_t n = 0;
	while (n + 64 <= 253 - 4) { /* labels of 63 and a dot */
		memset(name + n, 'a', 63);
		name[n + 63] = '.';
		n += 64;
	}
	size_t rest = 253 - n - 3; /* then "x...x.be" */
	memset(name + n, 'b', rest);
	memcpy(name + n + rest, ".be", 4);
	assert_int_equal(strlen(name), 253);
	assert_string_equal(canon(name), name);
	name[n] = 'c';
	memmove(name + n + 1, name + n, strlen(name + n) + 1);
	assert_int_equal(strlen(name), 254);
	refused(name, "too long");

	char huge[5000];
	memset(huge, 'a', sizeof huge - 1);
	huge[sizeof huge - 1] = '\0';
	refused(huge, "too long");

	/* A small output buffer is a clean error, not an overflow. */
	char small[8];
	struct wr_err e;
	assert_int_equal(domain_canonical("example.be", "d", small, sizeof small, &e), WR_EINVAL);
	assert_non_null(strstr(e.message, "too long"));
	assert_int_equal(domain_canonical("ex.be", "d", small, sizeof small, &e), 0);
	assert_string_equal(small, "ex.be");
}

static void test_refused(void **state)
{
	(void)state;
	refused("", "empty");
	refused(" \t ", "empty");
	refused(".", "empty");
	refused("localhost", "two labels");
	refused("be.", "two labels");
	refused("a..example.be", "empty label");
	refused(".example.be", "empty label");
	refused("example.be..", "empty label");
	refused("-gemeente.be", "hyphen");
	refused("gemeente-.be", "hyphen");
	refused("_-x.example.be", "hyphen");
	refused("a_b.example.be", "underscore");
	refused("_.example.be", "underscore");
	refused("exa mple.be", "space");
	refused("ex\xc2\xa0mple.be", "space"); /* a no-break space maps to a space */
	refused("*.example.be", "wildcard");
	refused("exa!mple.be", "'!'");
	refused("ex\tample.be", "control character");
	refused("a\xff\xfe.be", "UTF-8");
	refused("\xc3(.be", "UTF-8");
	refused("ab--cd.be", "--");
	refused("xn--.be", "xn--");
	refused("xn--abc.example", "invalid encoded label");
	refused("XN--ABC.example", "invalid encoded label");
	refused("\xe2\x80\x8d" "a.be", "not a valid international domain name");
	refused("example.123", "only digits");
	refused("https://example.be/", "URL");
	refused("jan@example.be", "e-mail");
	refused("example.be:443", "port");
	refused("example.be/path", "path");
}

static void test_ip_literals(void **state)
{
	(void)state;
	refused("192.0.2.1", "IP address");
	refused("192.0.2.0/24", "IP address");
	refused("010.1.1.1", "IP address");
	refused("2001:db8::1", "IP address");
	refused("::1", "IP address");
	refused("[2001:db8::1]", "IP address");
	refused("192.0.2.1.", "IP address");
}

static void test_hostname(void **state)
{
	(void)state;
	char out[DOMAIN_BUF_SIZE];
	struct wr_err e;
	assert_int_equal(hostname_canonical("Mail.Gemeente.BE.", "host", out, sizeof out, &e), 0);
	assert_string_equal(out, "mail.gemeente.be");
	assert_int_equal(hostname_canonical("mail", "host", out, sizeof out, &e), WR_EINVAL);
	assert_string_equal(e.field, "host");
	assert_non_null(strstr(e.message, "two labels"));
	assert_int_equal(hostname_canonical(NULL, "host", out, sizeof out, NULL), WR_EINVAL);
}

static void test_subdomain(void **state)
{
	(void)state;
	assert_int_equal(domain_is_subdomain_or_equal("a.b.example", "b.example"), 1);
	assert_int_equal(domain_is_subdomain_or_equal("b.example", "b.example"), 1);
	assert_int_equal(domain_is_subdomain_or_equal("notb.example", "b.example"), 0);
	assert_int_equal(domain_is_subdomain_or_equal("b.example", "a.b.example"), 0);
	assert_int_equal(domain_is_subdomain_or_equal("b.example.com", "b.example"), 0);
	assert_int_equal(domain_is_subdomain_or_equal("x.example", ""), 0);
	assert_int_equal(domain_is_subdomain_or_equal(NULL, "example"), 0);
	assert_int_equal(domain_is_subdomain_or_equal("A.B.Example", "b.example"), 1);
}

/* Plain ASCII names skip libidn2 (a fast path for the sweeper's indicator
 * loading): the result and every refusal must be what libidn2 gives. */
static void test_ascii_fast_path_agrees_with_libidn2(void **state)
{
	(void)state;
	static const char *names[] = {
		"Example.BE", "a.b.c.d.e.f.gent.be", "_dmarc.example.be", "x_y.example.be",
		"ab--cd.example.be", "xn--bcher-kva.example", "XN--BCHER-KVA.example",
		"a-.example.be", "-a.example.be", "a..b", "example.be.", "1.2.3.com",
		"1.2.3.456", "e.x", "_.example.be", "a.b-", "ab-cd.example.be",
		"aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa.be",
		"abc", ".example.be", "ex--ample.be", "abc--.be", "a--.be",
	};
	for (size_t i = 0; i < sizeof names / sizeof *names; i++) {
		char got[300];
		struct wr_err e = {0};
		int rc = domain_canonical(names[i], "d", got, sizeof got, &e);
		/* The full path: libidn2, lower case, no trailing dot, the house checks. */
		char *ascii = NULL;
		int irc = idn2_to_ascii_8z(names[i], &ascii, IDN2_NONTRANSITIONAL | IDN2_NFC_INPUT);
		if (irc != IDN2_OK) {
			idn2_free(ascii);
			assert_int_not_equal(rc, 0);
			continue;
		}
		size_t n = strlen(ascii);
		for (size_t k = 0; k < n; k++)
			if (ascii[k] >= 'A' && ascii[k] <= 'Z')
				ascii[k] = (char)(ascii[k] - 'A' + 'a');
		if (n && ascii[n - 1] == '.')
			ascii[--n] = '\0';
		if (rc == 0)
			assert_string_equal(got, ascii);
		idn2_free(ascii);
	}
	/* And the refusals keep their words. */
	refused("ab--cd.example.be", "third and fourth");
	refused("a..b", "empty label");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_canonical),
		cmocka_unit_test(test_lengths),
		cmocka_unit_test(test_refused),
		cmocka_unit_test(test_ip_literals),
		cmocka_unit_test(test_hostname),
		cmocka_unit_test(test_subdomain),
		cmocka_unit_test(test_ascii_fast_path_agrees_with_libidn2),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
