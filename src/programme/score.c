/* The two scoring modes of score.h. */
#include "programme/score.h"

#include <string.h>

static const char *const answer_names[] = {"", "yes", "partial", "no", "na"};
static const char *const level_names[] = {NULL, "basic", "important", "essential"};

const char *answer_name(enum answer a)
{
	return (unsigned)a <= ANS_NA ? answer_names[a] : "";
}

enum answer answer_parse(const char *s)
{
	for (int a = ANS_YES; a <= ANS_NA; a++)
		if (!strcmp(s, answer_names[a]))
			return (enum answer)a;
	return ANS_NONE;
}

const char *level_name(enum level l)
{
	return (unsigned)l <= LEVEL_ESSENTIAL ? level_names[l] : NULL;
}

static int64_t gcd64(int64_t a, int64_t b)
{
	while (b) {
		int64_t t = a % b;
		a = b;
		b = t;
	}
	return a;
}

void score_simple(const struct score_item *items, int n, struct score *out)
{
	int64_t fp[FN_COUNT] = {0}, fm[FN_COUNT] = {0};
	memset(out, 0, sizeof *out);
	out->total = n;
	for (int i = 0; i < n; i++) {
		const struct score_item *it = &items[i];
		if (it->answer != ANS_NONE)
			out->answered++;
		if (it->key_measure && it->answer != ANS_YES && it->answer != ANS_NA)
			out->critical_gaps++;
		if (it->answer == ANS_NA)
			continue;
		int64_t p = it->answer == ANS_YES ? 2 : it->answer == ANS_PARTIAL ? 1 : 0;
		out->points += p * it->weight;
		out->max += 2 * it->weight;
		fp[it->function] += p * it->weight;
		fm[it->function] += 2 * it->weight;
	}
	out->complete = out->answered == n;
	out->score_x100 = out->max ? (int)(out->points * 10000 / out->max) : 0;
	for (int f = 0; f < FN_COUNT; f++)
		out->function_x100[f] = fm[f] ? (int)(fp[f] * 10000 / fm[f]) : -1;
}

/* Category c's maturity is sum[c] / (2 * cnt[c]) (documentation and
 * implementation scores of its items summed). */
void score_cyfun(const struct score_item *items, int n, struct score *out)
{
	int64_t sum[FN_COUNT] = {0}, cnt[FN_COUNT] = {0};
	int keys_basic = 1, keys_three = 1;
	memset(out, 0, sizeof *out);
	out->total = n;
	for (int i = 0; i < n; i++) {
		const struct score_item *it = &items[i];
		int scored = it->answer != ANS_NA && it->documentation >= 1 && it->documentation <= 5 &&
			     it->implementation >= 1 && it->implementation <= 5;
		if (scored || it->answer == ANS_NA)
			out->answered++;
		if (!scored) {
			if (it->key_measure && it->answer != ANS_NA) {
				keys_basic = keys_three = 0;
				out->critical_gaps++;
			}
			continue;
		}
		int two = it->documentation + it->implementation; /* twice the maturity */
		if (it->key_measure) {
			if (two < 5) /* below 2.5 */
				keys_basic = 0;
			if (two < 6) /* below 3 */
				keys_three = 0;
			if (two < 5)
				out->critical_gaps++;
		}
		sum[it->function] += two;
		cnt[it->function]++;
	}
	out->complete = out->answered == n;
	/* total = (1/C) * sum over categories of sum[c] / (2 cnt[c]); with L the
	 * least common multiple of the 2 cnt[c]: total = num / (C * L). At most
	 * 60 items, so L and num stay far below 2^63. */
	int64_t L = 1, num = 0;
	int C = 0, cats_three = 1;
	for (int f = 0; f < FN_COUNT; f++) {
		out->function_x100[f] = -1;
		if (!cnt[f])
			continue;
		C++;
		L = L / gcd64(L, 2 * cnt[f]) * (2 * cnt[f]);
		out->function_x100[f] = (int)(sum[f] * 100 / (2 * cnt[f]));
		if (sum[f] < 6 * cnt[f]) /* category below 3 */
			cats_three = 0;
	}
	if (!C)
		return;
	for (int f = 0; f < FN_COUNT; f++)
		if (cnt[f])
			num += sum[f] * (L / (2 * cnt[f]));
	out->score_x100 = (int)(num * 100 / ((int64_t)C * L));
	if (!out->complete)
		return;
	/* total >= t/100  <=>  100 num >= t C L */
	int64_t cl = (int64_t)C * L;
	if (keys_basic && 100 * num >= 250 * cl)
		out->level = LEVEL_BASIC;
	if (keys_three && 100 * num >= 300 * cl)
		out->level = LEVEL_IMPORTANT;
	if (keys_three && cats_three && 100 * num >= 350 * cl)
		out->level = LEVEL_ESSENTIAL;
}
