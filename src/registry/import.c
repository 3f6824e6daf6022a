/* CSV import of the registry (see import.h and docs/csv.md).
 *
 * Each line becomes a JSON field object handed to the domain function that
 * an API call would use, so that a CSV line is validated, canonicalised and
 * journaled exactly like a form. The import only adds: a line whose object
 * is already stored (same natural key) is skipped, as "already stored" when
 * it is identical and as "stored with other values" (with a note naming the
 * columns) when it is not. */
#include "registry/import.h"

#include "base/csv.h"
#include "base/domain.h"
#include "base/ip.h"
#include "registry/registry.h"
#include "registry/registry_internal.h"
#include "store/db.h"

#include <assert.h>
#include <ctype.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

/* ---- columns ---- */

static const char *const org_columns[] = {"kind",	"name",	    "nis_code", "province",
					  "population", "valid_from", "valid_to", "successor_nis",
					  NULL};
static const char *const contact_columns[] = {"org",	"name",	     "role",	 "email", "mobile",
					      "phone", "oob_email", "language", "active", NULL};
static const char *const provider_columns[] = {"provider", "client", "services", NULL};
static const char *const asset_columns[] = {"org",	"type", "value",      "vendor",	  "product",
					    "version", "cpe",  "managed_by", "provider", NULL};

/* Columns a header must have (the values may still be empty where the
 * domain allows). */
static const char *const org_required[] = {"kind", "name", NULL};
static const char *const contact_required[] = {"org", "name", "role", NULL};
static const char *const provider_required[] = {"provider", NULL};
static const char *const asset_required[] = {"org", "type", NULL};

static const char *const kind_names[] = {"orgs", "contacts", "providers", "assets"};

int import_kind_parse(const char *s, enum import_kind *out)
{
	for (int i = 0; i < 4; i++)
		if (s && !strcmp(s, kind_names[i])) {
			*out = (enum import_kind)i;
			return 0;
		}
	return WR_EINVAL;
}

const char *import_kind_name(enum import_kind k)
{
	return (unsigned)k < 4 ? kind_names[k] : "?";
}

const char *const *import_columns(enum import_kind k)
{
	switch (k) {
	case IMPORT_ORGS:
		return org_columns;
	case IMPORT_CONTACTS:
		return contact_columns;
	case IMPORT_PROVIDERS:
		return provider_columns;
	case IMPORT_ASSETS:
		return asset_columns;
	}
	return NULL;
}

static const char *const *required_columns(enum import_kind k)
{
	switch (k) {
	case IMPORT_ORGS:
		return org_required;
	case IMPORT_CONTACTS:
		return contact_required;
	case IMPORT_PROVIDERS:
		return provider_required;
	case IMPORT_ASSETS:
		return asset_required;
	}
	return NULL;
}

/* ---- state of one import ---- */

#define MAX_COLUMNS 16

/* An org line whose successor is not stored yet: retried after the file,
 * since the successor may come later in it. */
struct deferred_org {
	long line;
	json_t *fields;
	char *successor;
};

struct imp {
	sqlite3 *db;
	const struct actor *a;
	enum import_kind kind;
	struct import_result *r;
	const char *const *cols;
	int at[MAX_COLUMNS];         /* column number -> index in the record, -1 absent */
	const char *val[MAX_COLUMNS]; /* the current line's values, "" when absent */
	json_t *providers;           /* provider_list(), kept up to date by the import */
	struct deferred_org *deferred;
	size_t n_deferred, cap_deferred;
	struct wr_err fatal;         /* set when the import cannot go on */
	int failed;
};

static int col_no(const struct imp *m, const char *name)
{
	for (int i = 0; m->cols[i]; i++)
		if (!strcmp(m->cols[i], name))
			return i;
	return -1;
}

/* The current line's value of column name, "" when the header lacks it. */
static const char *v(const struct imp *m, const char *name)
{
	int i = col_no(m, name);
	assert(i >= 0);
	return m->val[i];
}

/* ---- messages ---- */

__attribute__((format(printf, 5, 0))) static void msg_add(struct import_msg **list, size_t *n,
							    long line, const char *column,
							    const char *fmt, va_list ap)
{
	if (*n >= IMPORT_MAX_MESSAGES)
		return;
	if (!*list) {
		*list = calloc(IMPORT_MAX_MESSAGES, sizeof **list);
		if (!*list)
			return;
	}
	/* Keep line order: deferred lines report late. */
	size_t at = *n;
	while (at > 0 && (*list)[at - 1].line > line)
		at--;
	memmove(*list + at + 1, *list + at, (*n - at) * sizeof **list);
	struct import_msg *x = *list + at;
	x->line = line;
	snprintf(x->column, sizeof x->column, "%s", column ? column : "");
	vsnprintf(x->message, sizeof x->message, fmt, ap);
	(*n)++;
}

__attribute__((format(printf, 4, 5))) static int line_error(struct imp *m, long line,
							      const char *column,
							      const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	msg_add(&m->r->errors, &m->r->n_errors, line, column, fmt, ap);
	va_end(ap);
	m->r->total_errors++;
	return 0;
}

__attribute__((format(printf, 4, 5))) static void line_note(struct imp *m, long line,
							     const char *column, const char *fmt,
							     ...)
{
	va_list ap;
	va_start(ap, fmt);
	msg_add(&m->r->notes, &m->r->n_notes, line, column, fmt, ap);
	va_end(ap);
}

/* The CSV column that a domain field name stands for in this file. */
static const char *column_of_field(const struct imp *m, const char *field)
{
	if (!field || !*field)
		return "";
	switch (m->kind) {
	case IMPORT_ORGS:
		if (!strcmp(field, "successor_id"))
			return "successor_nis";
		break;
	case IMPORT_CONTACTS:
		if (!strcmp(field, "org_id"))
			return "org";
		break;
	case IMPORT_PROVIDERS:
		if (!strcmp(field, "name"))
			return "provider";
		if (!strcmp(field, "org_id"))
			return "client";
		break;
	case IMPORT_ASSETS:
		if (!strcmp(field, "org_id"))
			return "org";
		if (!strcmp(field, "provider_id"))
			return "provider";
		break;
	}
	return field;
}

/* Records the outcome of a domain call that failed: a line error for what
 * the line got wrong, a fatal error for what no line can fix. */
static int domain_error(struct imp *m, long line, const struct wr_err *e)
{
	switch (e->code) {
	case WR_EINVAL:
	case WR_ENOTFOUND:
	case WR_ECONFLICT:
	case WR_EFORBIDDEN:
	case WR_ETOOBIG:
	case WR_EPARSE:
		line_error(m, line, column_of_field(m, e->field), "%s",
			   e->message[0] ? e->message : wr_code_name(e->code));
		return 0;
	default:
		m->fatal = *e;
		m->failed = 1;
	}
	return 0;
}

static int out_of_memory(struct imp *m)
{
	wr_err_set(&m->fatal, WR_ENOMEM, "", "out of memory");
	m->failed = 1;
	return 0;
}

/* ---- text helpers ---- */

static int utf8_valid(const unsigned char *s)
{
	while (*s) {
		unsigned c = *s;
		size_t n;
		unsigned min;
		if (c < 0x80) {
			s++;
			continue;
		} else if ((c & 0xe0) == 0xc0) {
			n = 1, min = 0x80, c &= 0x1f;
		} else if ((c & 0xf0) == 0xe0) {
			n = 2, min = 0x800, c &= 0x0f;
		} else if ((c & 0xf8) == 0xf0) {
			n = 3, min = 0x10000, c &= 0x07;
		} else {
			return 0;
		}
		s++;
		for (size_t i = 0; i < n; i++, s++) {
			if ((*s & 0xc0) != 0x80)
				return 0;
			c = (c << 6) | (*s & 0x3f);
		}
		if (c < min || c > 0x10ffff || (c >= 0xd800 && c <= 0xdfff))
			return 0;
	}
	return 1;
}

/* Copies s without surrounding spaces and tabs into out. */
static void trim_copy(const char *s, char *out, size_t n)
{
	while (*s == ' ' || *s == '\t')
		s++;
	size_t len = strlen(s);
	while (len && (s[len - 1] == ' ' || s[len - 1] == '\t' || s[len - 1] == '\r' ||
		       s[len - 1] == '\n'))
		len--;
	if (len >= n)
		len = n - 1;
	memcpy(out, s, len);
	out[len] = '\0';
}

/* The text of a JSON string, "" for anything else. */
static const char *str_of(const json_t *j)
{
	const char *s = json_string_value(j);
	return s ? s : "";
}

static int blank(const char *s)
{
	for (; *s; s++)
		if (!isspace((unsigned char)*s))
			return 0;
	return 1;
}

/* Undoes the writer's formula defusing (base/csv.h): "'+32..." -> "+32...". */
static const char *undefuse(const char *f)
{
	if (f[0] == '\'' && f[1] && strchr("=+-@\t\r", f[1]))
		return f + 1;
	return f;
}

/* Sets obj[key] to the string s unless s is blank. 0 or WR_ENOMEM. */
static int set_text(json_t *obj, const char *key, const char *s)
{
	if (blank(s))
		return 0;
	json_t *j = json_string(s);
	if (!j || json_object_set_new(obj, key, j))
		return WR_ENOMEM;
	return 0;
}

static int set_int(json_t *obj, const char *key, int64_t x)
{
	json_t *j = json_integer(x);
	if (!j || json_object_set_new(obj, key, j))
		return WR_ENOMEM;
	return 0;
}

/* JSON values equal, a missing key counting as null and an empty string
 * as null. Strings compare exactly unless fold is set (ASCII case). */
static int same_value(const json_t *x, const json_t *y, int fold)
{
	if (json_is_string(x) && !*json_string_value(x))
		x = NULL;
	if (json_is_string(y) && !*json_string_value(y))
		y = NULL;
	if (!x || json_is_null(x))
		return !y || json_is_null(y);
	if (!y || json_is_null(y))
		return 0;
	if (json_is_boolean(x) && json_is_integer(y))
		return json_is_true(x) == (json_integer_value(y) != 0);
	if (json_is_integer(x) && json_is_boolean(y))
		return json_is_true(y) == (json_integer_value(x) != 0);
	if (fold && json_is_string(x) && json_is_string(y))
		return !strcasecmp(json_string_value(x), json_string_value(y));
	return json_equal(x, y);
}

/* ---- look-ups ---- */

/* An organisation named by NIS code, id or exact name (org_resolve). 0,
 * WR_EINVAL with a line error recorded, or a fatal code. */
static int resolve_org(struct imp *m, long line, const char *column, const char *text,
		       int64_t *id)
{
	if (blank(text)) {
		line_error(m, line, column, "is required");
		return WR_EINVAL;
	}
	struct wr_err e = {0};
	int rc = org_resolve(m->db, text, id, &e);
	if (rc == WR_ENOTFOUND || rc == WR_EINVAL) {
		line_error(m, line, column, "%s", e.message);
		return WR_EINVAL;
	}
	if (rc)
		domain_error(m, line, &e);
	return rc;
}

static int load_providers(struct imp *m)
{
	if (m->providers)
		return 0;
	struct wr_err e = {0};
	int rc = provider_list(m->db, m->a, &m->providers, &e);
	if (rc) {
		m->fatal = e;
		m->failed = 1;
	}
	return rc;
}

/* The cached provider object named name (trimmed, ASCII case ignored). */
static json_t *provider_by_name(struct imp *m, const char *name)
{
	size_t i;
	json_t *p;
	json_array_foreach(m->providers, i, p)
	{
		const char *n = json_string_value(json_object_get(p, "name"));
		if (n && !strcasecmp(n, name))
			return p;
	}
	return NULL;
}

/* ---- orgs ---- */

static const char *const org_compare[] = {"kind",	"name",	    "nis_code", "province",
					  "population", "valid_from", "valid_to", "successor_id",
					  NULL};

/* The stored organisation other than created (just made from the line)
 * with the same natural key: kind, name (ASCII case ignored), NIS code and
 * valid_to. *twin is NULL when there is none, else the caller owns it. */
static int org_find_twin(struct imp *m, const json_t *created, json_t **twin)
{
	*twin = NULL;
	const char *nis = json_string_value(json_object_get(created, "nis_code"));
	const char *name = json_string_value(json_object_get(created, "name"));
	int64_t self = json_integer_value(json_object_get(created, "id"));
	struct org_filter f = {.q = nis && *nis ? nis : name, .include_past = 1, .limit = 500};
	static const char *const key[] = {"kind", "name", "nis_code", "valid_to", NULL};
	for (;;) {
		json_t *items = NULL;
		int64_t next = 0;
		struct wr_err e = {0};
		int rc = org_list(m->db, m->a, &f, &items, &next, &e);
		if (rc) {
			m->fatal = e;
			m->failed = 1;
			return rc;
		}
		size_t i;
		json_t *it;
		json_array_foreach(items, i, it)
		{
			if (json_integer_value(json_object_get(it, "id")) == self)
				continue;
			int same = 1;
			for (int k = 0; key[k] && same; k++)
				same = same_value(json_object_get(it, key[k]),
						  json_object_get(created, key[k]), 1);
			if (same) {
				*twin = json_incref(it);
				break;
			}
		}
		json_decref(items);
		if (!next || *twin)
			return 0;
		f.cursor = next;
	}
}

/* Appends to diff the column of every field the line gave (a key of
 * fields) whose value in have differs from the one in want. */
static void diff_given(const struct imp *m, const char *const keys[], const json_t *fields,
		       const json_t *want, const json_t *have, char *diff, size_t n)
{
	for (int k = 0; keys[k]; k++) {
		if (!json_object_get(fields, keys[k]))
			continue;
		if (same_value(json_object_get(want, keys[k]), json_object_get(have, keys[k]), 1))
			continue;
		size_t len = strlen(diff);
		snprintf(diff + len, n - len, "%s%s", len ? ", " : "", column_of_field(m, keys[k]));
	}
}

/* The line's organisation clashed with a stored one (a NIS code valid
 * today is unique): skipped, as identical or with a note. */
static int org_clash(struct imp *m, long line, const json_t *fields, const struct wr_err *ce)
{
	const char *key = str_of(json_object_get(fields, "nis_code"));
	const char *column = "nis_code";
	if (blank(key)) {
		key = str_of(json_object_get(fields, "name"));
		column = "name";
	}
	int64_t id = 0;
	struct wr_err e = {0};
	json_t *stored = NULL;
	char t[256];
	trim_copy(key, t, sizeof t);
	if (!*t || org_resolve(m->db, t, &id, &e) || org_get(m->db, m->a, id, 0, &stored, &e)) {
		domain_error(m, line, ce);
		return 0;
	}
	char diff[200] = "";
	for (int k = 0; org_compare[k]; k++) {
		const json_t *want = json_object_get(fields, org_compare[k]);
		json_t *conv = NULL;
		if (!want)
			continue; /* not given: not compared */
		if (json_is_string(want)) {
			char buf[256];
			trim_copy(json_string_value(want), buf, sizeof buf);
			char *end;
			long long x = strtoll(buf, &end, 10);
			if (!strcmp(org_compare[k], "population") && *buf && !*end)
				conv = json_integer(x);
			else
				conv = json_string(buf);
			want = conv;
		}
		if (!same_value(want, json_object_get(stored, org_compare[k]), 1)) {
			size_t len = strlen(diff);
			snprintf(diff + len, sizeof diff - len, "%s%s", len ? ", " : "",
				 column_of_field(m, org_compare[k]));
		}
		json_decref(conv);
	}
	json_decref(stored);
	if (!*diff) {
		m->r->skipped_same++;
	} else {
		m->r->skipped_differs++;
		line_note(m, line, column, "%s is stored with other values (%s); not changed", t,
			  diff);
	}
	return 0;
}

/* Creates the organisation of one line (fields owned by the caller). */
static int org_import(struct imp *m, long line, json_t *fields, const char *successor,
		       int last_try)
{
	char succ[64];
	trim_copy(successor ? successor : "", succ, sizeof succ);
	json_object_del(fields, "successor_id");
	if (*succ) {
		int64_t sid;
		struct wr_err e = {0};
		int rc = org_resolve(m->db, succ, &sid, &e);
		if (rc == WR_ENOTFOUND && !last_try) {
			/* Perhaps later in the file: try again at the end. */
			if (m->n_deferred == m->cap_deferred) {
				size_t cap = m->cap_deferred ? 2 * m->cap_deferred : 16;
				struct deferred_org *d = realloc(m->deferred, cap * sizeof *d);
				if (!d)
					return out_of_memory(m);
				m->deferred = d;
				m->cap_deferred = cap;
			}
			char *s = strdup(succ);
			if (!s)
				return out_of_memory(m);
			m->deferred[m->n_deferred++] =
				(struct deferred_org){line, json_incref(fields), s};
			return 0;
		}
		if (rc == WR_ENOTFOUND || rc == WR_EINVAL) {
			line_error(m, line, "successor_nis", "%s", e.message);
			return 0;
		}
		if (rc)
			return domain_error(m, line, &e);
		if (set_int(fields, "successor_id", sid))
			return out_of_memory(m);
	}

	struct wr_err e = {0};
	if (db_begin(m->db, &e))
		return domain_error(m, line, &e);
	json_t *out = NULL;
	int rc = org_create(m->db, m->a, fields, &out, &e);
	if (rc) {
		db_rollback(m->db);
		if (rc == WR_ECONFLICT)
			return org_clash(m, line, fields, &e);
		return domain_error(m, line, &e);
	}
	json_t *twin = NULL;
	rc = org_find_twin(m, out, &twin);
	if (rc || twin) {
		db_rollback(m->db);
		if (twin) {
			char diff[200] = "";
			diff_given(m, org_compare, fields, out, twin, diff, sizeof diff);
			if (!*diff) {
				m->r->skipped_same++;
			} else {
				m->r->skipped_differs++;
				line_note(m, line, "name",
					  "%s is stored with other values (%s); not changed",
					  str_of(json_object_get(out, "name")), diff);
			}
		}
		json_decref(twin);
		json_decref(out);
		return 0;
	}
	json_decref(out);
	if (db_commit(m->db, &e))
		return domain_error(m, line, &e);
	m->r->imported++;
	return 0;
}

static int org_line(struct imp *m, long line)
{
	json_t *f = json_object();
	if (!f)
		return out_of_memory(m);
	int rc = 0;
	static const char *const keys[] = {"kind",	 "name",	"nis_code", "province",
					   "population", "valid_from", "valid_to", NULL};
	for (int k = 0; keys[k] && !rc; k++)
		rc = set_text(f, keys[k], v(m, keys[k]));
	if (rc)
		out_of_memory(m);
	else
		org_import(m, line, f, v(m, "successor_nis"), 0);
	json_decref(f);
	return 0;
}

static void org_finish(struct imp *m)
{
	/* Lines whose successor comes later in the file: repeat while that
	 * makes progress (a chain of successors), then report the rest. */
	size_t before;
	do {
		before = m->n_deferred;
		struct deferred_org *list = m->deferred;
		size_t n = m->n_deferred;
		m->deferred = NULL;
		m->n_deferred = m->cap_deferred = 0;
		for (size_t i = 0; i < n; i++) {
			if (!m->failed)
				org_import(m, list[i].line, list[i].fields, list[i].successor, 0);
			json_decref(list[i].fields);
			free(list[i].successor);
		}
		free(list);
	} while (!m->failed && m->n_deferred && m->n_deferred < before);
	for (size_t i = 0; i < m->n_deferred; i++) {
		if (!m->failed)
			org_import(m, m->deferred[i].line, m->deferred[i].fields,
				   m->deferred[i].successor, 1);
		json_decref(m->deferred[i].fields);
		free(m->deferred[i].successor);
	}
	free(m->deferred);
	m->deferred = NULL;
	m->n_deferred = m->cap_deferred = 0;
}

/* ---- contacts ---- */

static const char *const contact_compare[] = {"email",	   "mobile",   "phone",
					      "oob_email", "language", "active", NULL};

static int contact_line(struct imp *m, long line)
{
	int64_t org_id;
	if (resolve_org(m, line, "org", v(m, "org"), &org_id))
		return 0;
	json_t *f = json_object();
	if (!f)
		return out_of_memory(m);
	int rc = 0;
	static const char *const keys[] = {"name",	"role",	    "email",  "mobile", "phone",
					   "oob_email", "language", "active", NULL};
	for (int k = 0; keys[k] && !rc; k++)
		rc = set_text(f, keys[k], v(m, keys[k]));
	if (rc) {
		json_decref(f);
		return out_of_memory(m);
	}

	struct wr_err e = {0};
	json_t *out = NULL, *items = NULL;
	if (db_begin(m->db, &e)) {
		json_decref(f);
		return domain_error(m, line, &e);
	}
	rc = contact_create(m->db, m->a, org_id, f, &out, &e);
	if (rc) {
		db_rollback(m->db);
		json_decref(f);
		return domain_error(m, line, &e);
	}
	/* Same person in the same role already there? (the natural key) */
	rc = contact_list(m->db, m->a, org_id, &items, &e);
	if (rc) {
		db_rollback(m->db);
		json_decref(f);
		json_decref(out);
		return domain_error(m, line, &e);
	}
	int64_t self = json_integer_value(json_object_get(out, "id"));
	const json_t *twin = NULL;
	size_t i;
	json_t *it;
	json_array_foreach(items, i, it)
	{
		if (json_integer_value(json_object_get(it, "id")) == self)
			continue;
		if (same_value(json_object_get(it, "name"), json_object_get(out, "name"), 1) &&
		    same_value(json_object_get(it, "role"), json_object_get(out, "role"), 0)) {
			twin = it;
			break;
		}
	}
	if (!twin) {
		json_decref(f);
		json_decref(out);
		json_decref(items);
		if (db_commit(m->db, &e))
			return domain_error(m, line, &e);
		m->r->imported++;
		return 0;
	}
	db_rollback(m->db);
	char diff[200] = "";
	diff_given(m, contact_compare, f, out, twin, diff, sizeof diff);
	if (!*diff) {
		m->r->skipped_same++;
	} else {
		m->r->skipped_differs++;
		line_note(m, line, "name",
			  "this %s of the organisation is stored with other values (%s); not changed",
			  json_string_value(json_object_get(out, "role")), diff);
	}
	json_decref(f);
	json_decref(out);
	json_decref(items);
	return 0;
}

/* ---- providers ---- */

/* The services of org_id in provider object p, NULL when it is no client. */
static const json_t *services_of(const json_t *p, int64_t org_id)
{
	size_t i;
	json_t *c;
	json_array_foreach(json_object_get(p, "clients"), i, c)
	{
		if (json_integer_value(json_object_get(c, "org_id")) == org_id)
			return json_object_get(c, "services");
	}
	return NULL;
}

static int provider_line(struct imp *m, long line)
{
	if (load_providers(m))
		return 0;
	char name[PROVIDER_NAME_BUF];
	struct wr_err e = {0};
	if (reg_clean_text(v(m, "provider"), "provider", PROVIDER_NAME_MAX, name, sizeof name, &e))
		return domain_error(m, line, &e);
	if (!*name)
		return line_error(m, line, "provider", "is required");
	json_t *p = provider_by_name(m, name);
	if (!p) {
		json_t *f = json_pack("{s:s}", "name", name);
		json_t *out = NULL;
		if (!f)
			return out_of_memory(m);
		int rc = provider_create(m->db, m->a, f, &out, &e);
		json_decref(f);
		if (rc)
			return domain_error(m, line, &e);
		if (json_array_append_new(m->providers, out))
			return out_of_memory(m);
		p = out;
		m->r->providers_created++;
	}
	const char *client = v(m, "client");
	if (blank(client)) {
		if (!blank(v(m, "services")))
			line_error(m, line, "client", "is required when services are given");
		return 0;
	}
	int64_t org_id;
	if (resolve_org(m, line, "client", client, &org_id))
		return 0;
	json_t *f = json_pack("{s:I,s:s}", "org_id", (json_int_t)org_id, "services",
			      v(m, "services"));
	if (!f)
		return out_of_memory(m);
	const json_t *before = services_of(p, org_id);
	json_t *out = NULL;
	if (db_begin(m->db, &e)) {
		json_decref(f);
		return domain_error(m, line, &e);
	}
	int64_t pid = json_integer_value(json_object_get(p, "id"));
	int rc = provider_client_set(m->db, m->a, pid, f, &out, &e);
	json_decref(f);
	if (rc) {
		db_rollback(m->db);
		return domain_error(m, line, &e);
	}
	if (before) {
		/* Already a client: never changed by an import. */
		db_rollback(m->db);
		const json_t *after = services_of(out, org_id);
		if (after && json_equal(before, after)) {
			m->r->skipped_same++;
		} else {
			m->r->skipped_differs++;
			line_note(m, line, "services",
				  "this provider already serves this organisation with other "
				  "services; not changed");
		}
		json_decref(out);
		return 0;
	}
	if (db_commit(m->db, &e)) {
		json_decref(out);
		return domain_error(m, line, &e);
	}
	m->r->imported++;
	/* Keep the cache current: the stored provider replaces ours. */
	size_t i;
	json_t *x;
	json_array_foreach(m->providers, i, x)
	{
		if (json_integer_value(json_object_get(x, "id")) == pid && json_is_object(out) &&
		    json_object_get(out, "clients")) {
			json_array_set(m->providers, i, out);
			break;
		}
	}
	json_decref(out);
	return 0;
}

/* ---- assets ---- */

static const char *const asset_compare[] = {"vendor", "product",    "version",
					    "cpe",    "managed_by", "provider_id", NULL};

static int asset_clash(struct imp *m, long line, int64_t org_id, const json_t *fields,
			const struct wr_err *ce)
{
	struct wr_err e = {0};
	json_t *items = NULL;
	if (asset_list(m->db, m->a, org_id, &items, &e))
		return domain_error(m, line, ce);
	char type[16], value[1100];
	if (reg_asset_key(fields, type, value, sizeof value))
		type[0] = value[0] = '\0';
	const json_t *stored = NULL;
	size_t i;
	json_t *it;
	json_array_foreach(items, i, it)
	{
		const char *t = json_string_value(json_object_get(it, "type"));
		const char *sv = json_string_value(json_object_get(it, "value"));
		if (!t || strcasecmp(t, type) || !sv)
			continue;
		if (*value && !strcasecmp(sv, value)) {
			stored = it;
			break;
		}
	}
	if (!stored) {
		json_decref(items);
		return domain_error(m, line, ce);
	}
	char diff[200] = "";
	for (int k = 0; asset_compare[k]; k++) {
		const json_t *want = json_object_get(fields, asset_compare[k]);
		json_t *conv = NULL;
		if (json_is_string(want)) {
			char buf[1024];
			trim_copy(json_string_value(want), buf, sizeof buf);
			conv = json_string(buf);
			want = conv;
		}
		/* A column the line leaves empty is not compared, except that
		 * managed_by defaults to the town. */
		int cmp = want != NULL || !strcmp(asset_compare[k], "provider_id");
		if (!strcmp(asset_compare[k], "managed_by") && !want) {
			conv = json_string("town");
			want = conv;
			cmp = 1;
		}
		if (cmp && !same_value(want, json_object_get(stored, asset_compare[k]), 1)) {
			size_t len = strlen(diff);
			snprintf(diff + len, sizeof diff - len, "%s%s", len ? ", " : "",
				 column_of_field(m, asset_compare[k]));
		}
		json_decref(conv);
	}
	if (!*diff) {
		m->r->skipped_same++;
	} else {
		m->r->skipped_differs++;
		line_note(m, line, "value", "%s is stored with other values (%s); not changed",
			  json_string_value(json_object_get(stored, "value")), diff);
	}
	json_decref(items);
	return 0;
}

static int asset_line(struct imp *m, long line)
{
	int64_t org_id;
	if (resolve_org(m, line, "org", v(m, "org"), &org_id))
		return 0;
	json_t *f = json_object();
	if (!f)
		return out_of_memory(m);
	int rc = 0;
	static const char *const keys[] = {"type",    "value", "vendor",     "product",
					   "version", "cpe",   "managed_by", NULL};
	for (int k = 0; keys[k] && !rc; k++)
		rc = set_text(f, keys[k], v(m, keys[k]));
	char pname[PROVIDER_NAME_BUF];
	struct wr_err pe = {0};
	if (!rc && reg_clean_text(v(m, "provider"), "provider", PROVIDER_NAME_MAX, pname,
				  sizeof pname, &pe)) {
		json_decref(f);
		return domain_error(m, line, &pe);
	}
	if (!rc && *pname) {
		if (load_providers(m)) {
			json_decref(f);
			return 0;
		}
		json_t *p = provider_by_name(m, pname);
		if (!p) {
			json_decref(f);
			return line_error(m, line, "provider",
					  "no provider named \"%s\" (import the providers first)",
					  pname);
		}
		rc = set_int(f, "provider_id", json_integer_value(json_object_get(p, "id")));
		/* Naming the provider says who manages it. */
		if (!rc && blank(v(m, "managed_by")))
			rc = set_text(f, "managed_by", "provider");
	}
	if (rc) {
		json_decref(f);
		return out_of_memory(m);
	}
	struct wr_err e = {0};
	if (db_begin(m->db, &e)) {
		json_decref(f);
		return domain_error(m, line, &e);
	}
	rc = asset_create(m->db, m->a, org_id, f, NULL, &e);
	if (rc) {
		db_rollback(m->db);
		if (rc == WR_ECONFLICT)
			asset_clash(m, line, org_id, f, &e);
		else
			domain_error(m, line, &e);
		json_decref(f);
		return 0;
	}
	json_decref(f);
	if (db_commit(m->db, &e))
		return domain_error(m, line, &e);
	m->r->imported++;
	return 0;
}

/* ---- the file ---- */

static int read_header(struct imp *m, const struct csv_record *h)
{
	for (int i = 0; i < MAX_COLUMNS; i++)
		m->at[i] = -1;
	int bad = 0;
	for (size_t i = 0; i < h->n; i++) {
		char name[64];
		if (!utf8_valid((const unsigned char *)h->fields[i])) {
			line_error(m, h->line, "", "column %zu: the header is not UTF-8 text", i + 1);
			bad = 1;
			continue;
		}
		trim_copy(h->fields[i], name, sizeof name);
		for (char *p = name; *p; p++)
			*p = (char)tolower((unsigned char)*p);
		if (!*name) {
			line_error(m, h->line, "", "column %zu has no name", i + 1);
			bad = 1;
			continue;
		}
		int c = col_no(m, name);
		if (c < 0) {
			char list[256] = "";
			for (int k = 0; m->cols[k]; k++) {
				size_t len = strlen(list);
				snprintf(list + len, sizeof list - len, "%s%s", k ? "," : "",
					 m->cols[k]);
			}
			line_error(m, h->line, name, "unknown column (the columns of %s are %s)",
				   import_kind_name(m->kind), list);
			bad = 1;
		} else if (m->at[c] >= 0) {
			line_error(m, h->line, name, "column appears twice");
			bad = 1;
		} else {
			m->at[c] = (int)i;
		}
	}
	for (const char *const *req = required_columns(m->kind); *req; req++)
		if (m->at[col_no(m, *req)] < 0) {
			line_error(m, h->line, *req, "required column missing");
			bad = 1;
		}
	return bad ? WR_EINVAL : 0;
}

static int data_line(struct imp *m, const struct csv_record *rec, size_t header_n)
{
	if (rec->n != header_n) {
		int all_blank = 1;
		for (size_t i = 0; i < rec->n; i++)
			all_blank &= blank(rec->fields[i]);
		if (all_blank)
			return 0;
		return line_error(m, rec->line, "", "has %zu fields, the header has %zu", rec->n,
				  header_n);
	}
	int all_blank = 1;
	for (size_t i = 0; i < rec->n; i++) {
		if (!utf8_valid((const unsigned char *)rec->fields[i])) {
			const char *col = "";
			for (int c = 0; m->cols[c]; c++)
				if (m->at[c] == (int)i)
					col = m->cols[c];
			return line_error(m, rec->line, col, "is not UTF-8 text");
		}
		all_blank &= blank(rec->fields[i]);
	}
	if (all_blank)
		return 0; /* a spreadsheet's ",,,," line */
	for (int c = 0; m->cols[c]; c++)
		m->val[c] = m->at[c] >= 0 ? undefuse(rec->fields[m->at[c]]) : "";
	m->r->lines++;
	switch (m->kind) {
	case IMPORT_ORGS:
		return org_line(m, rec->line);
	case IMPORT_CONTACTS:
		return contact_line(m, rec->line);
	case IMPORT_PROVIDERS:
		return provider_line(m, rec->line);
	case IMPORT_ASSETS:
		return asset_line(m, rec->line);
	}
	return 0;
}

int registry_import_csv(sqlite3 *db, const struct actor *a, enum import_kind kind, FILE *in,
			struct import_result *r, struct wr_err *e)
{
	assert(db && a && in && r);
	memset(r, 0, sizeof *r);
	r->kind = kind;
	struct imp m = {.db = db, .a = a, .kind = kind, .r = r, .cols = import_columns(kind)};
	if (!m.cols)
		return wr_err_set(e, WR_EINVAL, "", "unknown kind of import");
	struct csv_reader *rd = csv_reader_new(in, IMPORT_MAX_RECORD_BYTES, IMPORT_MAX_FIELDS);
	if (!rd)
		return wr_err_set(e, WR_ENOMEM, "", "out of memory");
	int rc = db_begin(db, e);
	if (rc) {
		csv_reader_free(rd);
		return rc;
	}

	struct csv_record *rec;
	struct wr_err ce = {0};
	rc = csv_next(rd, &rec, &ce);
	size_t header_n = 0;
	if (rc == 0) {
		line_error(&m, 1, "", "the file is empty: expected a header line (%s)",
			   m.cols[0]);
	} else if (rc < 0) {
		line_error(&m, ce.line ? ce.line : 1, "", "%s", ce.message);
	} else {
		header_n = rec->n;
		if (read_header(&m, rec) == 0) {
			while (!m.failed && (rc = csv_next(rd, &rec, &ce)) == 1) {
				if (r->lines >= IMPORT_MAX_LINES) {
					line_error(&m, rec->line, "",
						   "more than %d lines: split the file",
						   IMPORT_MAX_LINES);
					break;
				}
				data_line(&m, rec, header_n);
			}
			if (rc < 0)
				line_error(&m, ce.line, "", "%s", ce.message);
			if (!m.failed && kind == IMPORT_ORGS)
				org_finish(&m);
		}
	}
	csv_reader_free(rd);
	/* Deferred lines left by a fatal error. */
	for (size_t i = 0; i < m.n_deferred; i++) {
		json_decref(m.deferred[i].fields);
		free(m.deferred[i].successor);
	}
	free(m.deferred);
	json_decref(m.providers);

	if (m.failed) {
		db_rollback(db);
		if (e)
			*e = m.fatal;
		return m.fatal.code ? m.fatal.code : WR_EINTERNAL;
	}
	if (r->total_errors) {
		db_rollback(db);
		return wr_err_set(e, WR_EINVAL, "", "nothing imported: %zu error%s",
				  r->total_errors, r->total_errors == 1 ? "" : "s");
	}
	return db_commit(db, e);
}

void import_result_release(struct import_result *r)
{
	if (!r)
		return;
	free(r->errors);
	free(r->notes);
	r->errors = r->notes = NULL;
	r->n_errors = r->n_notes = 0;
}

static void msg_print(const struct import_msg *x, const char *file, FILE *err)
{
	if (x->column[0])
		fprintf(err, "%s:%ld: %s: %s\n", file, x->line, x->column, x->message);
	else
		fprintf(err, "%s:%ld: %s\n", file, x->line, x->message);
}

void import_errors_print(const struct import_result *r, const char *file, FILE *err)
{
	for (size_t i = 0; i < r->n_errors; i++)
		msg_print(&r->errors[i], file, err);
	if (r->total_errors > r->n_errors)
		fprintf(err, "%s: ... and %zu more errors\n", file, r->total_errors - r->n_errors);
}

void import_result_print(const struct import_result *r, const char *file, FILE *out, FILE *err)
{
	for (size_t i = 0; i < r->n_notes; i++)
		msg_print(&r->notes[i], file, err);
	const char *one, *many;
	switch (r->kind) {
	case IMPORT_ORGS:
		one = "organisation", many = "organisations";
		break;
	case IMPORT_CONTACTS:
		one = "contact", many = "contacts";
		break;
	case IMPORT_PROVIDERS:
		one = "provider client", many = "provider clients";
		break;
	default:
		one = "asset", many = "assets";
	}
	if (r->kind == IMPORT_PROVIDERS)
		fprintf(out, "created %zu provider%s\n", r->providers_created,
			r->providers_created == 1 ? "" : "s");
	fprintf(out, "imported %zu %s\n", r->imported, r->imported == 1 ? one : many);
	if (r->skipped_same)
		fprintf(out, "skipped %zu %s (already stored)\n", r->skipped_same,
			r->skipped_same == 1 ? one : many);
	if (r->skipped_differs)
		fprintf(out, "skipped %zu %s (stored with other values; an import does not change "
			     "them)\n",
			r->skipped_differs, r->skipped_differs == 1 ? one : many);
}
