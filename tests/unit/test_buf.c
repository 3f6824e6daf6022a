/* The bounded byte buffer: limits, growth, and the wiping variant. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <string.h>

#include "base/buf.h"
#include "base/err.h"

static void test_the_maximum_is_a_hard_limit(void **state)
{
	(void)state;
	struct buf b;
	buf_init(&b, 8);
	assert_int_equal(buf_adds(&b, "12345678"), 0);
	assert_int_equal(buf_addc(&b, '9'), WR_ETOOBIG);
	assert_int_equal(b.len, 8);
	assert_string_equal(b.ptr, "12345678");
	buf_release(&b);
}

static void test_no_limit_cannot_wrap_around(void **state)
{
	(void)state;
	struct buf b;
	buf_init(&b, SIZE_MAX);
	/* len + n + 1 would wrap to 0: refused before any copy. */
	assert_int_equal(buf_add(&b, "x", SIZE_MAX), WR_ENOMEM);
	assert_int_equal(b.len, 0);
	buf_release(&b);
}

static void test_a_secret_buffer_keeps_its_content_when_it_grows(void **state)
{
	(void)state;
	struct buf b;
	buf_init_secret(&b, 1 << 20);
	char chunk[100];
	for (int i = 0; i < 100; i++) {
		memset(chunk, 'a' + i % 26, sizeof chunk);
		assert_int_equal(buf_add(&b, chunk, sizeof chunk), 0);
	}
	assert_int_equal(b.len, 10000);
	for (size_t i = 0; i < b.len; i++)
		assert_int_equal(b.ptr[i], 'a' + (int)(i / 100) % 26);
	assert_int_equal(b.ptr[b.len], '\0');
	buf_release(&b);
	assert_null(b.ptr);
}

/* Formatted text lands after what is there, in the room there is or after
 * growing; past the maximum it is refused and the content stays as it was. */
static void test_printf_appends_within_the_maximum(void **state)
{
	(void)state;
	struct buf b;
	buf_init(&b, 100);
	assert_int_equal(buf_printf(&b, "%d-%s", 42, "abc"), 0);
	assert_int_equal(buf_printf(&b, "|%05d", 7), 0); /* into the room left */
	assert_string_equal(b.ptr, "42-abc|00007");
	char long_text[81];
	memset(long_text, 'x', 80);
	long_text[80] = '\0';
	assert_int_equal(buf_printf(&b, "%s", long_text), 0); /* grows */
	assert_int_equal(b.len, 92);
	/* 92 + 9 > 100, whether or not the allocation has the room */
	assert_int_equal(buf_printf(&b, "%s", "123456789"), WR_ETOOBIG);
	assert_int_equal(b.len, 92);
	assert_int_equal(b.ptr[92], '\0');
	assert_int_equal(buf_printf(&b, "%s", "12345678"), 0);
	assert_int_equal(b.len, 100);
	assert_int_equal(buf_printf(&b, "%c", 'z'), WR_ETOOBIG);
	assert_int_equal(strlen(b.ptr), 100);
	buf_release(&b);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_the_maximum_is_a_hard_limit),
		cmocka_unit_test(test_no_limit_cannot_wrap_around),
		cmocka_unit_test(test_a_secret_buffer_keeps_its_content_when_it_grows),
		cmocka_unit_test(test_printf_appends_within_the_maximum),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
