/* Loading and validating checklist data files. A bad file is refused as a
 * whole, naming the item and the field, so that a half-valid checklist never
 * reaches the towns. */
#include "programme/checklist.h"
#include "base/embedded.h"
#include "base/jsonutil.h"
#include "base/secret.h"

#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define CURRENT_CHECKLIST "data/checklists/local-government-2026.json"
#define TEXT_MAX 2000

static const char *const fn_names[FN_COUNT] = {"govern", "identify", "protect",
					       "detect", "respond", "recover"};

const char *cl_function_name(enum cl_function f)
{
	return (unsigned)f < FN_COUNT ? fn_names[f] : "?";
}

/* A reference id is looked up as a whole first CSV column: "\n<id>,". */
static int csv_has_first_column(const char *file, const char *id)
{
	const struct embedded_file *f = embedded_find(file);
	if (!f || !id[0] || strlen(id) > 32)
		return 0;
	for (const char *p = id; *p; p++)
		if (!((*p >= 'A' && *p <= 'Z') || (*p >= '0' && *p <= '9') || *p == '.' || *p == '-'))
			return 0;
	char needle[40];
	snprintf(needle, sizeof needle, "\n%s,", id);
	return strstr((const char *)f->data, needle) != NULL;
}

int checklist_reference_exists(const char *ref)
{
	if (!strncmp(ref, "CYFUN25:", 8))
		return csv_has_first_column("data/cyfun2025_controls.csv", ref + 8);
	if (!strncmp(ref, "CISV8:", 6))
		return csv_has_first_column("data/cis_v8_ig1_safeguards.csv", ref + 6);
	return 0;
}

static int item_err(struct wr_err *e, int code, size_t i, const char *id, const char *field,
		    const char *what)
{
	char f[64];
	snprintf(f, sizeof f, "items[%zu].%s", i, field);
	return wr_err_set(e, code, f, "item %s: %s %s", id && id[0] ? id : "(no id)", field, what);
}

/* {"nl": "...", "en": "..."}, both non-empty and at most TEXT_MAX bytes. */
static int check_texts(const json_t *item, const char *key, size_t i, const char *id,
		       struct wr_err *e)
{
	const json_t *o = json_object_get(item, key);
	if (!json_is_object(o) || json_object_size(o) != 2)
		return item_err(e, WR_EINVAL, i, id, key, "must be an object with \"nl\" and \"en\"");
	static const char *const langs[] = {"nl", "en"};
	for (int l = 0; l < 2; l++) {
		const json_t *s = json_object_get(o, langs[l]);
		if (!json_is_string(s) || json_string_length(s) == 0 || json_string_length(s) > TEXT_MAX) {
			char f[40];
			snprintf(f, sizeof f, "%s.%s", key, langs[l]);
			return item_err(e, WR_EINVAL, i, id, f, "must be a text of 1 to 2000 bytes");
		}
	}
	return 0;
}

static int check_id(const char *s)
{
	size_t n = strlen(s);
	if (n == 0 || n >= CHECKLIST_ID_MAX)
		return 0;
	for (size_t k = 0; k < n; k++)
		if (!((s[k] >= 'A' && s[k] <= 'Z') || (s[k] >= '0' && s[k] <= '9') || s[k] == '-'))
			return 0;
	return 1;
}

static int load_item(struct checklist *c, size_t i, const json_t *it, struct wr_err *e)
{
	static const char *const allowed[] = {"id",	"function",    "owner",	   "weight",
					      "key_measure", "title", "guidance", "evidence",
					      "references", NULL};
	struct checklist_item *ci = &c->items[i];
	const json_t *v = json_object_get(it, "id");
	const char *id = json_is_string(v) ? json_string_value(v) : "";
	if (!json_is_object(it))
		return item_err(e, WR_EINVAL, i, "", "id", "(the item is not an object)");
	if (!check_id(id))
		return item_err(e, WR_EINVAL, i, id, "id", "must be 1 to 23 of A-Z, 0-9 and -");
	snprintf(ci->id, sizeof ci->id, "%s", id);
	for (size_t k = 0; k < i; k++)
		if (!strcmp(c->items[k].id, id))
			return item_err(e, WR_EINVAL, i, id, "id", "is used twice");
	const char *key;
	json_t *unused;
	json_object_foreach((json_t *)it, key, unused)
	{
		int ok = 0;
		for (size_t k = 0; allowed[k]; k++)
			ok |= !strcmp(key, allowed[k]);
		if (!ok)
			return item_err(e, WR_EINVAL, i, id, key, "is not a known field");
	}
	v = json_object_get(it, "function");
	ci->function = FN_COUNT;
	for (int f = 0; f < FN_COUNT && json_is_string(v); f++)
		if (!strcmp(json_string_value(v), fn_names[f]))
			ci->function = (enum cl_function)f;
	if (ci->function == FN_COUNT)
		return item_err(e, WR_EINVAL, i, id, "function",
				"must be govern, identify, protect, detect, respond or recover");
	v = json_object_get(it, "owner");
	if (!json_is_string(v) || (strcmp(json_string_value(v), "town") &&
				   strcmp(json_string_value(v), "provider")))
		return item_err(e, WR_EINVAL, i, id, "owner", "must be \"town\" or \"provider\"");
	ci->provider_owned = !strcmp(json_string_value(v), "provider");
	v = json_object_get(it, "weight");
	if (!json_is_integer(v) || json_integer_value(v) < 1 || json_integer_value(v) > 10)
		return item_err(e, WR_EINVAL, i, id, "weight", "must be an integer from 1 to 10");
	ci->weight = (int)json_integer_value(v);
	v = json_object_get(it, "key_measure");
	if (!json_is_boolean(v))
		return item_err(e, WR_EINVAL, i, id, "key_measure", "must be true or false");
	ci->key_measure = json_is_true(v);
	int rc;
	if ((rc = check_texts(it, "title", i, id, e)) || (rc = check_texts(it, "guidance", i, id, e)) ||
	    (rc = check_texts(it, "evidence", i, id, e)))
		return rc;
	v = json_object_get(it, "references");
	if (!json_is_array(v) || json_array_size(v) == 0)
		return item_err(e, WR_EINVAL, i, id, "references", "must be a non-empty list");
	size_t r;
	const json_t *ref;
	json_array_foreach(v, r, ref)
	{
		if (!json_is_string(ref) || !checklist_reference_exists(json_string_value(ref))) {
			char f[40], m[200];
			snprintf(f, sizeof f, "references[%zu]", r);
			snprintf(m, sizeof m, "%.60s is not a CyberFundamentals 2025 control (CYFUN25:) or CIS v8 IG1 safeguard (CISV8:)",
				 json_is_string(ref) ? json_string_value(ref) : "(not a text)");
			return item_err(e, WR_EINVAL, i, id, f, m);
		}
	}
	char *canon = json_canonical(it);
	if (!canon)
		return wr_err_set(e, WR_ENOMEM, NULL, "out of memory");
	secret_sha256_hex(canon, strlen(canon), ci->hash);
	free(canon);
	ci->json = it;
	return 0;
}

static int load_doc(struct checklist *c, struct wr_err *e)
{
	static const char *const allowed[] = {"id", "version", "published", "title", "items", NULL};
	int rc;
	const char *id = NULL, *version = NULL;
	if (!json_is_object(c->doc))
		return wr_err_set(e, WR_EINVAL, NULL, "a checklist is a JSON object");
	if ((rc = json_reject_unknown(c->doc, allowed, e)) ||
	    (rc = json_get_string(c->doc, "id", 1, &id, NULL, e)) ||
	    (rc = json_get_string(c->doc, "version", 1, &version, NULL, e)))
		return rc;
	if (!id[0] || strlen(id) >= sizeof c->id)
		return wr_err_set(e, WR_EINVAL, "id", "must be 1 to 47 bytes");
	if (!version[0] || strlen(version) >= sizeof c->version)
		return wr_err_set(e, WR_EINVAL, "version", "must be 1 to 23 bytes");
	snprintf(c->id, sizeof c->id, "%s", id);
	snprintf(c->version, sizeof c->version, "%s", version);
	const json_t *items = json_object_get(c->doc, "items");
	if (!json_is_array(items) || json_array_size(items) == 0 ||
	    json_array_size(items) > CHECKLIST_MAX_ITEMS)
		return wr_err_set(e, WR_EINVAL, "items", "must be a list of 1 to %d items",
				  CHECKLIST_MAX_ITEMS);
	c->n = json_array_size(items);
	for (size_t i = 0; i < c->n; i++)
		if ((rc = load_item(c, i, json_array_get(items, i), e)))
			return rc;
	return 0;
}

int checklist_load_text(const char *text, size_t len, struct checklist **out, struct wr_err *e)
{
	struct checklist *c = calloc(1, sizeof *c);
	if (!c)
		return wr_err_set(e, WR_ENOMEM, NULL, "out of memory");
	int rc = json_parse_text(text, len, &c->doc, e);
	if (!rc)
		rc = load_doc(c, e);
	if (rc) {
		checklist_free(c);
		return rc;
	}
	*out = c;
	return 0;
}

void checklist_free(struct checklist *c)
{
	if (!c)
		return;
	json_decref(c->doc);
	free(c);
}

static struct checklist *current;
static struct wr_err current_err;
static pthread_once_t current_once = PTHREAD_ONCE_INIT;

static void load_current(void)
{
	const struct embedded_file *f = embedded_find(CURRENT_CHECKLIST);
	if (!f) {
		wr_err_set(&current_err, WR_EINTERNAL, NULL, "%s is not embedded", CURRENT_CHECKLIST);
		return;
	}
	if (checklist_load_text((const char *)f->data, f->len, &current, &current_err))
		current = NULL;
}

const struct checklist *checklist_current(struct wr_err *e)
{
	pthread_once(&current_once, load_current);
	if (!current && e)
		*e = current_err;
	return current;
}

const struct checklist_item *checklist_find(const struct checklist *c, const char *id)
{
	for (size_t i = 0; i < c->n; i++)
		if (!strcmp(c->items[i].id, id))
			return &c->items[i];
	return NULL;
}
