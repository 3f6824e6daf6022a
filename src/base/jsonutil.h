/* JSON input helpers on top of jansson: every value from outside is checked
 * for type, and every error names the field. */
#ifndef WR_BASE_JSONUTIL_H
#define WR_BASE_JSONUTIL_H

#include <jansson.h>
#include <stdint.h>

#include "base/err.h"

/* Parses a document; WR_EPARSE names line, column and jansson's reason.
 * Duplicate keys are refused. Caller owns *out. */
int json_parse_text(const char *text, size_t len, json_t **out, struct wr_err *e);
/* WR_EINVAL naming the first key of obj that is not in allowed (NULL-ended). */
int json_reject_unknown(const json_t *obj, const char *const allowed[], struct wr_err *e);
/* Each getter: a missing key or JSON null leaves *out untouched and returns
 * 0 (or WR_EINVAL "is required" when required); a wrong type is WR_EINVAL.
 * *present (may be NULL) tells whether the key was there and not null. */
int json_get_string(const json_t *obj, const char *key, int required, const char **out,
		    int *present, struct wr_err *e);
int json_get_int(const json_t *obj, const char *key, int required, int64_t *out,
		 int *present, struct wr_err *e);
int json_get_bool(const json_t *obj, const char *key, int required, int *out,
		  int *present, struct wr_err *e);
/* Serialises with sorted keys, compactly: the canonical form for hashing.
 * Caller frees. NULL when memory runs out. */
char *json_canonical(const json_t *value);

#endif
