/* Checklists of key action points: versioned JSON data files (embedded from
 * data/checklists/), validated on load. Every reference names a control of
 * CyberFundamentals 2025 ("CYFUN25:PR.AA-03.2") or a CIS Controls v8 IG1
 * safeguard ("CISV8:6.4") that exists in the embedded reference CSVs. */
#ifndef WR_PROGRAMME_CHECKLIST_H
#define WR_PROGRAMME_CHECKLIST_H

#include <jansson.h>
#include <stddef.h>

#include "base/err.h"

#define CHECKLIST_MAX_ITEMS 60
#define CHECKLIST_ID_MAX 24

enum cl_function { FN_GOVERN, FN_IDENTIFY, FN_PROTECT, FN_DETECT, FN_RESPOND, FN_RECOVER, FN_COUNT };

struct checklist_item {
	char id[CHECKLIST_ID_MAX];
	enum cl_function function;
	int provider_owned; /* owner "provider" (else "town") */
	int weight;         /* 1..10 */
	int key_measure;
	char hash[65];      /* SHA-256 of the item's canonical JSON: "did it change?" */
	const json_t *json; /* borrowed from the checklist's document */
};

struct checklist {
	char id[48];
	char version[24];
	json_t *doc; /* owned */
	size_t n;
	struct checklist_item items[CHECKLIST_MAX_ITEMS];
};

const char *cl_function_name(enum cl_function f);
/* Parses and validates a checklist document. On failure the error names the
 * item ("items[3]", with its id in the message) and the field. Caller frees
 * *out with checklist_free(). */
int checklist_load_text(const char *text, size_t len, struct checklist **out, struct wr_err *e);
void checklist_free(struct checklist *c);
/* The current checklist (loaded once from the embedded data); NULL when the
 * embedded file is bad, with e filled. Borrowed, lives until exit. */
const struct checklist *checklist_current(struct wr_err *e);
const struct checklist_item *checklist_find(const struct checklist *c, const char *id);
/* Whether "CYFUN25:x" / "CISV8:x" names an existing control or safeguard. */
int checklist_reference_exists(const char *ref);

#endif
