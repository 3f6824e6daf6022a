#include "base/phone.h"

#include <string.h>

/* Longer input is not a telephone number, however it is spaced. */
#define PHONE_INPUT_MAX 64

static int is_space(unsigned char c)
{
	return c == ' ' || c == '\t' || c == '\r' || c == '\n' || c == '\v' || c == '\f';
}

static int is_digit(unsigned char c)
{
	return c >= '0' && c <= '9';
}

static int is_separator(unsigned char c)
{
	return c == ' ' || c == '\t' || c == '.' || c == '/' || c == '-' || c == '(' || c == ')';
}

static int is_letter(unsigned char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}

/* Refuses any character that is not a digit, a separator or '+', with a
 * message that names the likely mistake (letters before odd characters). */
static int check_chars(const char *s, size_t n, const char *field, struct wr_err *e)
{
	int letters = 0, extension = 0, plus = 0, other = -1;
	for (size_t i = 0; i < n; i++) {
		unsigned char c = (unsigned char)s[i];
		if (is_letter(c)) {
			letters = 1;
			/* "ext", "ext.", or a lone "x" as in "02 123 45 67 x 12" */
			int prev = i > 0 && is_letter((unsigned char)s[i - 1]);
			int next = i + 1 < n && is_letter((unsigned char)s[i + 1]);
			if ((c == 'x' || c == 'X') && !prev && !next)
				extension = 1;
			if (i + 2 < n && (c == 'e' || c == 'E') &&
			    (s[i + 1] == 'x' || s[i + 1] == 'X') &&
			    (s[i + 2] == 't' || s[i + 2] == 'T'))
				extension = 1;
		} else if (c == '+') {
			plus++;
		} else if (!is_digit(c) && !is_separator(c) && other < 0) {
			other = c;
		}
	}
	if (extension)
		return wr_err_set(e, WR_EINVAL, field,
				  "has an extension (ext/x): give only the number that reaches "
				  "the person directly");
	if (letters)
		return wr_err_set(e, WR_EINVAL, field,
				  "contains letters: give only digits, e.g. +32 499 00 12 34");
	if (other > 0x20 && other < 0x7f)
		return wr_err_set(e, WR_EINVAL, field,
				  "contains '%c', which is not allowed in a telephone number: "
				  "give digits, optionally with spaces, dots, slashes, dashes "
				  "and brackets",
				  other);
	if (other >= 0)
		return wr_err_set(e, WR_EINVAL, field,
				  "contains a character that is not allowed in a telephone "
				  "number: give digits, optionally with spaces, dots, slashes, "
				  "dashes and brackets");
	if (plus > 1)
		return wr_err_set(e, WR_EINVAL, field,
				  "has two plus signs: write one + before the country code");
	if (plus == 1 && s[0] != '+')
		return wr_err_set(e, WR_EINVAL, field,
				  "has a + that is not at the start: write + then the country "
				  "code, e.g. +32 499 00 12 34");
	return 0;
}

int phone_e164(const char *in, const char *field, char *out, size_t outsz, struct wr_err *e)
{
	if (out && outsz > 0)
		out[0] = '\0';
	if (!in || !out || outsz == 0)
		return wr_err_set(e, WR_EINVAL, field, "is missing");

	size_t n = strlen(in);
	while (n > 0 && is_space((unsigned char)*in)) {
		in++;
		n--;
	}
	while (n > 0 && is_space((unsigned char)in[n - 1]))
		n--;
	if (n == 0)
		return wr_err_set(e, WR_EINVAL, field, "is empty");
	if (n > PHONE_INPUT_MAX)
		return wr_err_set(e, WR_EINVAL, field, "is too long to be a telephone number");
	int rc = check_chars(in, n, field, e);
	if (rc)
		return rc;

	/* The digits, and which of them were a bracketed "(0)". */
	char d[PHONE_INPUT_MAX];
	unsigned char bracketed[PHONE_INPUT_MAX];
	size_t nd = 0;
	for (size_t i = 0; i < n; i++) {
		if (i + 2 < n && in[i] == '(' && in[i + 1] == '0' && in[i + 2] == ')') {
			d[nd] = '0';
			bracketed[nd++] = 1;
			i += 2;
		} else if (is_digit((unsigned char)in[i])) {
			d[nd] = in[i];
			bracketed[nd++] = 0;
		}
	}
	if (nd == 0)
		return wr_err_set(e, WR_EINVAL, field, "has no digits");

	/* The number without "+", country code first: the national form adds
	 * "32" for its trunk 0, so one digit more than the input can have. */
	char num[PHONE_INPUT_MAX + 1];
	size_t nn = 0;
	size_t start;
	int international;
	if (in[0] == '+') {
		international = 1;
		start = 0;
	} else if (nd >= 2 && d[0] == '0' && d[1] == '0') {
		international = 1;
		start = 2;
	} else if (d[0] == '0') {
		/* National format: the single trunk 0 means Belgium. */
		international = 0;
		num[nn++] = '3';
		num[nn++] = '2';
		start = 1;
	} else {
		return wr_err_set(e, WR_EINVAL, field,
				  "has no country code: start with + and the country code "
				  "(e.g. +32 499 00 12 34), or with 0 for a Belgian number");
	}
	for (size_t i = start; i < nd; i++) {
		/* "+32 (0)499": the bracketed trunk 0 is not dialled from abroad. */
		if (international && bracketed[i] && i > start)
			continue;
		num[nn++] = d[i];
	}
	if (nn == 0)
		return wr_err_set(e, WR_EINVAL, field, "has no digits after the country code prefix");
	if (num[0] == '0')
		return wr_err_set(e, WR_EINVAL, field,
				  "has a country code that starts with 0: write + or 00, then "
				  "the country code (e.g. +32)");

	if (nn >= 2 && num[0] == '3' && num[1] == '2') {
		/* "+32 0499...": no Belgian number has a 0 after +32, so this 0 is
		 * the national trunk prefix typed once too often. */
		if (nn >= 3 && num[2] == '0') {
			memmove(num + 2, num + 3, nn - 3);
			nn--;
		}
		size_t nsn = nn - 2;
		int mobile = nsn >= 2 && num[2] == '4' && num[3] >= '5' && num[3] <= '9';
		if (mobile && nsn != 9)
			return wr_err_set(e, WR_EINVAL, field,
					  "is not a valid Belgian mobile number: expected 9 digits "
					  "after +32 (e.g. +32 499 00 12 34), got %zu",
					  nsn);
		if (!mobile && nsn != 8)
			return wr_err_set(e, WR_EINVAL, field,
					  "is not a valid Belgian number: expected 8 digits after +32 "
					  "(e.g. +32 2 123 45 67) or 9 for a mobile number (+32 4xx), "
					  "got %zu",
					  nsn);
	}
	if (nn < 8)
		return wr_err_set(e, WR_EINVAL, field,
				  "is too short: %zu digits, an international number has 8 to 15 "
				  "after the +",
				  nn);
	if (nn > 15)
		return wr_err_set(e, WR_EINVAL, field,
				  "is too long: %zu digits, an international number has 8 to 15 "
				  "after the +",
				  nn);
	if (nn + 2 > outsz)
		return wr_err_set(e, WR_EINVAL, field, "does not fit the output buffer");
	out[0] = '+';
	memcpy(out + 1, num, nn);
	out[nn + 1] = '\0';
	return 0;
}

int phone_is_belgian_mobile(const char *e164)
{
	if (!e164 || strlen(e164) != 12 || strncmp(e164, "+324", 4) != 0)
		return 0;
	if (e164[4] < '5' || e164[4] > '9')
		return 0;
	for (size_t i = 1; i < 12; i++)
		if (!is_digit((unsigned char)e164[i]))
			return 0;
	return 1;
}
