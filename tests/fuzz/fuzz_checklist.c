/* libFuzzer harness for the programme's parsers: checklist documents must
 * load or be refused with a message naming a field, a loaded checklist must
 * only hold valid references; Brussels wall times must parse or fail, and
 * a parsed time must format back to itself. */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "programme/brussels_time.h"
#include "programme/checklist.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *s = malloc(size + 1);
	if (!s)
		return 0;
	memcpy(s, data, size);
	s[size] = '\0';

	struct checklist *c = NULL;
	struct wr_err e;
	wr_err_clear(&e);
	if (checklist_load_text(s, size, &c, &e) == 0) {
		for (size_t i = 0; i < c->n; i++) {
			const json_t *refs = json_object_get(c->items[i].json, "references");
			for (size_t k = 0; k < json_array_size(refs); k++)
				if (!checklist_reference_exists(json_string_value(json_array_get(refs, k))))
					abort();
		}
		checklist_free(c);
	} else if (e.message[0] == '\0') {
		abort();
	}

	int64_t t;
	char back[32];
	if (brussels_parse(s, &t) == 0) {
		brussels_format(t, back, sizeof back);
		if (strcmp(back, s) != 0)
			abort();
	}
	free(s);
	return 0;
}
