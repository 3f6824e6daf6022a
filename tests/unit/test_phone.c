/* Telephone numbers: the ways people write Belgian numbers, to E.164. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <string.h>

#include "base/phone.h"

static const char *e164(const char *s)
{
	static char out[PHONE_E164_BUF_SIZE];
	struct wr_err e;
	wr_err_clear(&e);
	if (phone_e164(s, "phone", out, sizeof out, &e) != 0)
		fail_msg("\"%s\" refused: %s", s, e.message);
	return out;
}

static void refused(const char *s, const char *word)
{
	char out[PHONE_E164_BUF_SIZE];
	struct wr_err e;
	wr_err_clear(&e);
	int rc = phone_e164(s, "phone", out, sizeof out, &e);
	if (rc != WR_EINVAL)
		fail_msg("\"%s\" accepted (as \"%s\") or wrong code %d", s, out, rc);
	assert_string_equal(e.field, "phone");
	assert_string_equal(out, "");
	if (!strstr(e.message, word))
		fail_msg("\"%s\": message \"%s\" lacks \"%s\"", s, e.message, word);
}

static void test_belgian_spellings(void **state)
{
	(void)state;
	assert_string_equal(e164("+32 499 00 12 34"), "+32499001234");
	assert_string_equal(e164("+32499001234"), "+32499001234");
	assert_string_equal(e164("0032 499/00.12.34"), "+32499001234");
	assert_string_equal(e164("0499 00 12 34"), "+32499001234");
	assert_string_equal(e164("0499-00-12-34"), "+32499001234");
	assert_string_equal(e164("+32 (0)499 00 12 34"), "+32499001234");
	assert_string_equal(e164("+32(0)499001234"), "+32499001234");
	assert_string_equal(e164("0032 (0)499 001234"), "+32499001234");
	assert_string_equal(e164("(0)499 001234"), "+32499001234");
	assert_string_equal(e164("+32 0499 00 12 34"), "+32499001234");
	assert_string_equal(e164("  02 123 45 67\t"), "+3221234567");
	assert_string_equal(e164("09/123.45.67"), "+3291234567");
	assert_string_equal(e164("(09) 123 45 67"), "+3291234567");
	assert_string_equal(e164("04 221 22 11"), "+3242212211"); /* Liège landline */
	assert_string_equal(e164("0800 12 345"), "+3280012345");
}

static void test_foreign(void **state)
{
	(void)state;
	assert_string_equal(e164("+31 20 123 4567"), "+31201234567");
	assert_string_equal(e164("+31 (0)20 123 4567"), "+31201234567");
	assert_string_equal(e164("0033 1 23 45 67 89"), "+33123456789");
	assert_string_equal(e164("+1 202-555-0100"), "+12025550100");
	assert_string_equal(e164("+49 30 1234567"), "+49301234567");
	/* Italian numbers keep their 0 after the country code. */
	assert_string_equal(e164("+39 06 1234 5678"), "+390612345678");
	assert_string_equal(e164("+123456789012345"), "+123456789012345");
}

static void test_refused(void **state)
{
	(void)state;
	refused("", "empty");
	refused("   ", "empty");
	refused("+32 499 00 12 34 ext 5", "extension");
	refused("02 123 45 67 x 12", "extension");
	refused("+32 499 CALL ME", "letters");
	refused("tel: +32 499 00 12 34", "letters");
	refused("++32 499 00 12 34", "two plus signs");
	refused("+32 499 +00 12 34", "two plus signs");
	refused("32 + 499", "not at the start");
	refused("499 00 12 34", "no country code");
	refused("+0 499 00 12 34", "starts with 0");
	refused("000 32 499", "starts with 0");
	refused("+32 499 00 12 3", "Belgian mobile");
	refused("+32 499 00 12 345", "Belgian mobile");
	refused("02 123 45 6", "Belgian number");
	refused("02 123 45 678", "Belgian number");
	refused("0", "Belgian number");
	refused("+1 234", "too short");
	refused("+1 2345 6789 0123 4567", "too long");
	refused("+32 499 00 12 34 #", "'#'");
	refused("+32 499 00 12 34;", "';'");
	refused("+32\xc2\xa0" "499 00 12 34", "not allowed");
	refused("+", "no digits");
	refused("()", "no digits");
	char big[1000];
	memset(big, '1', sizeof big - 1);
	big[sizeof big - 1] = '\0';
	refused(big, "too long");
}

/* The longest input (64 characters) in national format: "0" and 63 digits
 * become "32" and 63 digits, one more than the input (a former overflow). */
static void test_longest_national_input(void **state)
{
	(void)state;
	char in[65];
	in[0] = '0';
	memset(in + 1, '4', 63);
	in[64] = '\0';
	refused(in, "got 63");
	char longer[66];
	memcpy(longer, in, 64);
	longer[64] = '4';
	longer[65] = '\0';
	refused(longer, "too long");
}

static void test_small_buffer(void **state)
{
	(void)state;
	char out[8];
	struct wr_err e;
	assert_int_equal(phone_e164("+32499001234", "p", out, sizeof out, &e), WR_EINVAL);
	assert_string_equal(out, "");
	assert_int_equal(phone_e164(NULL, "p", out, sizeof out, NULL), WR_EINVAL);
}

static void test_belgian_mobile(void **state)
{
	(void)state;
	assert_int_equal(phone_is_belgian_mobile("+32499001234"), 1);
	assert_int_equal(phone_is_belgian_mobile("+32456001234"), 1);
	assert_int_equal(phone_is_belgian_mobile("+32441234567"), 0);
	assert_int_equal(phone_is_belgian_mobile("+3221234567"), 0);
	assert_int_equal(phone_is_belgian_mobile("+3249900123"), 0);
	assert_int_equal(phone_is_belgian_mobile("+31612345678"), 0);
	assert_int_equal(phone_is_belgian_mobile("+3249900123x"), 0);
	assert_int_equal(phone_is_belgian_mobile(""), 0);
	assert_int_equal(phone_is_belgian_mobile(NULL), 0);
	assert_int_equal(phone_is_belgian_mobile(e164("0478 12 34 56")), 1);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_belgian_spellings),
		cmocka_unit_test(test_foreign),
		cmocka_unit_test(test_refused),
		cmocka_unit_test(test_small_buffer),
		cmocka_unit_test(test_longest_national_input),
		cmocka_unit_test(test_belgian_mobile),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
