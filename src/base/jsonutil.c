#include "base/jsonutil.h"

#include <string.h>

int json_parse_text(const char *text, size_t len, json_t **out, struct wr_err *e)
{
	json_error_t je;
	json_t *v = json_loadb(text, len, JSON_REJECT_DUPLICATES, &je);
	if (!v)
		return wr_err_set(e, WR_EPARSE, "", "malformed JSON at line %d, column %d (byte %d): %s",
				  je.line, je.column, je.position, je.text);
	*out = v;
	return 0;
}

int json_reject_unknown(const json_t *obj, const char *const allowed[], struct wr_err *e)
{
	const char *key;
	json_t *val;
	json_object_foreach((json_t *)obj, key, val) {
		(void)val;
		int ok = 0;
		for (size_t i = 0; allowed[i]; i++)
			if (!strcmp(allowed[i], key)) {
				ok = 1;
				break;
			}
		if (!ok)
			return wr_err_set(e, WR_EINVAL, key, "unknown field");
	}
	return 0;
}

static int lookup(const json_t *obj, const char *key, int required, json_t **val, int *present,
		  struct wr_err *e)
{
	*val = json_object_get(obj, key);
	if (present)
		*present = *val && !json_is_null(*val);
	if (!*val || json_is_null(*val)) {
		*val = NULL;
		return required ? wr_err_set(e, WR_EINVAL, key, "is required") : 0;
	}
	return 0;
}

int json_get_string(const json_t *obj, const char *key, int required, const char **out,
		    int *present, struct wr_err *e)
{
	json_t *v;
	int rc = lookup(obj, key, required, &v, present, e);
	if (rc || !v)
		return rc;
	if (!json_is_string(v))
		return wr_err_set(e, WR_EINVAL, key, "must be a string");
	if (strlen(json_string_value(v)) != json_string_length(v))
		return wr_err_set(e, WR_EINVAL, key, "must not contain NUL characters");
	*out = json_string_value(v);
	return 0;
}

int json_get_int(const json_t *obj, const char *key, int required, int64_t *out, int *present,
		 struct wr_err *e)
{
	json_t *v;
	int rc = lookup(obj, key, required, &v, present, e);
	if (rc || !v)
		return rc;
	if (!json_is_integer(v))
		return wr_err_set(e, WR_EINVAL, key, "must be an integer");
	*out = (int64_t)json_integer_value(v);
	return 0;
}

int json_get_bool(const json_t *obj, const char *key, int required, int *out, int *present,
		  struct wr_err *e)
{
	json_t *v;
	int rc = lookup(obj, key, required, &v, present, e);
	if (rc || !v)
		return rc;
	if (!json_is_boolean(v))
		return wr_err_set(e, WR_EINVAL, key, "must be true or false");
	*out = json_is_true(v);
	return 0;
}

char *json_canonical(const json_t *value)
{
	return json_dumps(value, JSON_COMPACT | JSON_SORT_KEYS | JSON_ENCODE_ANY);
}
