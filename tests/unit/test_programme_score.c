/* Scoring against hand-computed cases, including passes and fails exactly
 * at the CyberFundamentals thresholds. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "programme/score.h"

#define GV FN_GOVERN
#define PR FN_PROTECT
/* function, weight, key, answer, documentation, implementation */
#define CY(fn, key, d, i) {fn, 1, key, ANS_NONE, d, i}

static void test_simple(void **state)
{
	(void)state;
	struct score_item it[] = {
		{PR, 3, 1, ANS_YES, 0, 0},     /* 6 of 6 */
		{PR, 2, 1, ANS_PARTIAL, 0, 0}, /* 2 of 4, a critical gap */
		{GV, 1, 0, ANS_NO, 0, 0},      /* 0 of 2 */
		{GV, 4, 1, ANS_NA, 0, 0},      /* leaves the total; not a gap */
	};
	struct score s;
	score_simple(it, 4, &s);
	assert_int_equal(s.points, 8);
	assert_int_equal(s.max, 12);
	assert_int_equal(s.score_x100, 6666); /* 66.66..% rounded down */
	assert_int_equal(s.critical_gaps, 1);
	assert_int_equal(s.function_x100[PR], 8000);
	assert_int_equal(s.function_x100[GV], 0);
	assert_int_equal(s.function_x100[FN_DETECT], -1);
	assert_true(s.complete);
	it[2].answer = ANS_NONE; /* unanswered: counts as no, and incomplete */
	it[1].answer = ANS_NO;
	score_simple(it, 4, &s);
	assert_false(s.complete);
	assert_int_equal(s.answered, 3);
	assert_int_equal(s.score_x100, 5000);
	assert_int_equal(s.level, LEVEL_NONE);
}

static void check_cyfun(const struct score_item *it, int n, int total_x100, enum level lvl)
{
	struct score s;
	score_cyfun(it, n, &s);
	assert_int_equal(s.score_x100, total_x100);
	assert_int_equal(s.level, lvl);
}

static void test_cyfun_basic_threshold(void **state)
{
	(void)state;
	/* key (2,3) = 2.5 exactly; category (2+3+2+3)/4 = 2.5 = total: Basic. */
	struct score_item a[] = {CY(PR, 1, 2, 3), CY(PR, 0, 2, 3)};
	check_cyfun(a, 2, 250, LEVEL_BASIC);
	/* key (2,2) = 2.0 fails although the total is 2.5. */
	struct score_item b[] = {CY(PR, 1, 2, 2), CY(PR, 0, 3, 3)};
	check_cyfun(b, 2, 250, LEVEL_NONE);
	/* total 9/4 = 2.25 with the key at 2.5: fails. */
	struct score_item c[] = {CY(PR, 1, 2, 3), CY(PR, 0, 2, 2)};
	check_cyfun(c, 2, 225, LEVEL_NONE);
	/* one category of three items: 17/6 = 2.833..: Basic, not Important. */
	struct score_item d[] = {CY(PR, 0, 3, 3), CY(PR, 0, 3, 3), CY(PR, 0, 2, 3)};
	check_cyfun(d, 3, 283, LEVEL_BASIC);
	struct score s;
	score_cyfun(d, 3, &s);
	assert_int_equal(s.function_x100[PR], 283);
}

static void test_cyfun_important_and_essential(void **state)
{
	(void)state;
	/* govern 3.0 (key at 3), protect (2+2+4+5)/4 = 3.25; total 3.125. */
	struct score_item a[] = {CY(GV, 1, 3, 3), CY(PR, 0, 2, 2), CY(PR, 0, 4, 5)};
	check_cyfun(a, 3, 312, LEVEL_IMPORTANT);
	/* the key measure at 2.5: total 3.0 but only Basic. */
	struct score_item b[] = {CY(GV, 1, 2, 3), CY(PR, 0, 3, 4)};
	check_cyfun(b, 2, 300, LEVEL_BASIC);
	/* total exactly 3.0 with the key at 3: Important. */
	struct score_item c[] = {CY(GV, 1, 3, 3), CY(PR, 0, 3, 3)};
	check_cyfun(c, 2, 300, LEVEL_IMPORTANT);
	/* every category 3.5, total 3.5 exactly: Essential. */
	struct score_item d[] = {CY(GV, 0, 3, 4), CY(PR, 1, 4, 3)};
	check_cyfun(d, 2, 350, LEVEL_ESSENTIAL);
	/* total 3.75 but govern at 2.5 (< 3): Important, not Essential. */
	struct score_item e[] = {CY(GV, 0, 2, 3), CY(PR, 1, 5, 5), CY(PR, 0, 5, 5)};
	check_cyfun(e, 3, 375, LEVEL_IMPORTANT);
	/* total 3.25 + 3.5 / 2 = 3.375 (every category >= 3): Important. */
	struct score_item f[] = {CY(GV, 1, 3, 4), CY(PR, 0, 3, 3), CY(PR, 0, 3, 4)};
	check_cyfun(f, 3, 337, LEVEL_IMPORTANT);
}

static void test_cyfun_na_and_incomplete(void **state)
{
	(void)state;
	/* a not-applicable key measure leaves the score. */
	struct score_item a[] = {CY(PR, 0, 3, 3), {GV, 1, 1, ANS_NA, 0, 0}};
	check_cyfun(a, 2, 300, LEVEL_IMPORTANT);
	/* an unanswered item: a score, no level. */
	struct score_item b[] = {CY(PR, 0, 4, 4), CY(GV, 0, 0, 0)};
	check_cyfun(b, 2, 400, LEVEL_NONE);
	/* an unanswered key measure is a critical gap. */
	struct score_item c[] = {CY(PR, 0, 4, 4), CY(GV, 1, 0, 0)};
	struct score s;
	score_cyfun(c, 2, &s);
	assert_int_equal(s.critical_gaps, 1);
	assert_false(s.complete);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_simple),
		cmocka_unit_test(test_cyfun_basic_threshold),
		cmocka_unit_test(test_cyfun_important_and_essential),
		cmocka_unit_test(test_cyfun_na_and_incomplete),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
