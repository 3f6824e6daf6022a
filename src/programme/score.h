/* Scoring a self-assessment, in integers only.
 *
 * Simple mode: yes = 2 points, partial = 1, no = 0, times the item's weight;
 * not applicable items leave the total; a critical gap is a key measure
 * answered partial or no (or not answered).
 *
 * CyberFundamentals mode (data/SOURCES.md): documentation and implementation
 * maturity 1..5 per item (or not applicable). Each item is a subcategory and
 * each function a category: category maturity = mean of its documentation
 * mean and its implementation mean; total = mean of the category maturities;
 * a key measure's maturity = mean of its two scores. Pass marks: Basic:
 * every key measure >= 2.5 and total >= 2.5; Important: every key measure
 * >= 3 and total >= 3; Essential: every key measure >= 3, every category
 * >= 3 and total >= 3.5. The comparisons are exact (rational arithmetic
 * on integers); values are reported in hundredths, rounded down. */
#ifndef WR_PROGRAMME_SCORE_H
#define WR_PROGRAMME_SCORE_H

#include <stdint.h>

#include "programme/checklist.h"

enum answer { ANS_NONE = 0, ANS_YES, ANS_PARTIAL, ANS_NO, ANS_NA };
enum level { LEVEL_NONE = 0, LEVEL_BASIC, LEVEL_IMPORTANT, LEVEL_ESSENTIAL };

struct score_item {
	enum cl_function function;
	int weight;
	int key_measure;
	enum answer answer;  /* simple mode; ANS_NA also in CyFun mode */
	int documentation;   /* CyFun mode: 1..5, 0 = not answered */
	int implementation;
};

struct score {
	int total;              /* items */
	int answered;           /* items with an answer (n.a. included) */
	int complete;           /* every item answered */
	int critical_gaps;      /* key measures not met */
	int64_t points, max;    /* simple mode */
	int score_x100;         /* simple: percent x 100; CyFun: total maturity x 100 */
	int function_x100[FN_COUNT]; /* same per function; -1 when nothing to score */
	enum level level;       /* CyFun mode, complete assessments only */
};

void score_simple(const struct score_item *items, int n, struct score *out);
void score_cyfun(const struct score_item *items, int n, struct score *out);
const char *level_name(enum level l); /* NULL for LEVEL_NONE */
const char *answer_name(enum answer a);
enum answer answer_parse(const char *s); /* ANS_NONE when unknown */

#endif
