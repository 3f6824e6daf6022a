/* E-mail addresses: canonical form and the mistakes people make. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <string.h>

#include "base/email.h"

static const char *canon(const char *s)
{
	static char out[EMAIL_BUF_SIZE];
	struct wr_err e;
	wr_err_clear(&e);
	if (email_canonical(s, "email", out, sizeof out, &e) != 0)
		fail_msg("\"%s\" refused: %s", s, e.message);
	return out;
}

static void refused(const char *s, const char *word)
{
	char out[EMAIL_BUF_SIZE];
	struct wr_err e;
	wr_err_clear(&e);
	int rc = email_canonical(s, "email", out, sizeof out, &e);
	if (rc != WR_EINVAL)
		fail_msg("\"%s\" accepted (as \"%s\") or wrong code %d", s, out, rc);
	assert_string_equal(e.field, "email");
	assert_string_equal(out, "");
	if (!strstr(e.message, word))
		fail_msg("\"%s\": message \"%s\" lacks \"%s\"", s, e.message, word);
}

static void test_canonical(void **state)
{
	(void)state;
	assert_string_equal(canon("jan.peeters@example.be"), "jan.peeters@example.be");
	/* The local part keeps its case; the domain is lower-cased. */
	assert_string_equal(canon("  Jan.Peeters@Gemeente.BE \r\n"), "Jan.Peeters@gemeente.be");
	assert_string_equal(canon("info@Bücher.Example."), "info@xn--bcher-kva.example");
	assert_string_equal(canon("a+tag@example.be"), "a+tag@example.be");
	assert_string_equal(canon("o'brien@example.ie"), "o'brien@example.ie");
	assert_string_equal(canon("!#$%&'*+-/=?^_`{|}~@example.be"), "!#$%&'*+-/=?^_`{|}~@example.be");
	assert_string_equal(canon("x@sub.domain.example.be"), "x@sub.domain.example.be");
}

static void test_lengths(void **state)
{
	(void)state;
	char addr[600];
	/* 64 characters before the @: accepted; 65: refused. */
	memset(addr, 'a', 64);
	memcpy(addr + 64, "@example.be", sizeof "@example.be");
	assert_string_equal(canon(addr), addr);
	memset(addr, 'a', 65);
	memcpy(addr + 65, "@example.be", sizeof "@example.be");
	refused(addr, "at most 64");

	/* 254 in all: accepted; 255: refused (the domain alone is fine). */
	memset(addr, 'a', 64);
	addr[64] = '@';
	size_t n = 65;
	const size_t label = 60;
	while (n + label + 1 <= 254 - 3) {
		memset(addr + n, 'd', label);
		addr[n + label] = '.';
		n += label + 1;
	}
	size_t rest = 254 - n - 3;
	memset(addr + n, 'e', rest);
	memcpy(addr + n + rest, ".be", 4);
	assert_int_equal(strlen(addr), 254);
	assert_string_equal(canon(addr), addr);
	memmove(addr + n + 1, addr + n, strlen(addr + n) + 1);
	assert_int_equal(strlen(addr), 255);
	refused(addr, "too long");

	char huge[5000];
	memset(huge, 'a', sizeof huge - 1);
	huge[sizeof huge - 1] = '\0';
	refused(huge, "too long");

	char small[10];
	struct wr_err e;
	assert_int_equal(email_canonical("jan@example.be", "email", small, sizeof small, &e), WR_EINVAL);
	assert_non_null(strstr(e.message, "too long"));
	assert_string_equal(small, "");
}

static void test_refused(void **state)
{
	(void)state;
	refused("", "empty");
	refused(" ", "empty");
	refused("jan.example.be", "no @");
	refused("jan@@example.be", "more than one @");
	refused("a@b@example.be", "more than one @");
	refused("@example.be", "nothing before the @");
	refused("jan@", "nothing after the @");
	refused(".jan@example.be", "dot");
	refused("jan.@example.be", "dot");
	refused("jan..peeters@example.be", "two dots");
	refused("\"jan peeters\"@example.be", "quoted");
	refused("jan\"x\"@example.be", "quoted");
	refused("Jan Peeters <jan@example.be>", "without a name");
	refused("jan peeters@example.be", "space");
	refused("jan@ example.be", "space");
	refused("jan(comment)@example.be", "'('");
	refused("jan,piet@example.be", "','");
	refused("j\xc3\xa1n@example.be", "non-ASCII");
	refused("jan\x01@example.be", "control");
	refused("jan@localhost", "two labels");
	refused("jan@example..be", "empty label");
	refused("jan@[192.0.2.1]", "IP address");
	refused("jan@192.0.2.1", "IP address after the @");
	refused("jan@2001:db8::1", "IP address after the @");
	refused("jan@exa_mple.be", "underscore");
	refused("jan@ex\xff.be", "UTF-8");
	refused("mailto:jan@example.be", "mailto");
	/* The message says the domain is at fault. */
	refused("jan@-x.be", "domain after the @");
}

static void test_email_domain(void **state)
{
	(void)state;
	const char *d = "x";
	assert_int_equal(email_domain("jan@example.be", &d), 0);
	assert_string_equal(d, "example.be");
	assert_int_equal(email_domain("no-at-sign", &d), WR_EINVAL);
	assert_null(d);
	assert_int_equal(email_domain(NULL, &d), WR_EINVAL);
	char out[EMAIL_BUF_SIZE];
	assert_int_equal(email_canonical("Info@Bücher.example", "e", out, sizeof out, NULL), 0);
	assert_int_equal(email_domain(out, &d), 0);
	assert_string_equal(d, "xn--bcher-kva.example");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_canonical),
		cmocka_unit_test(test_lengths),
		cmocka_unit_test(test_refused),
		cmocka_unit_test(test_email_domain),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
