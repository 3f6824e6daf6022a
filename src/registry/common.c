/* Helpers shared by the registry's files (registry_internal.h): scope
 * look-ups, field readers that tell "absent" from "cleared", and small JSON
 * and SQL helpers. */
#include "registry/registry_internal.h"
#include "audit/journal.h"
#include "store/db.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

static int is_space(unsigned char c)
{
	return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\v' || c == '\f';
}

const char *reg_match_word(const char *const list[], const char *s)
{
	char t[64];
	if (reg_clean_text(s, "", 60, t, sizeof t, NULL))
		return NULL;
	for (size_t i = 0; list[i]; i++)
		if (!strcasecmp(list[i], t)) /* the C locale: ASCII only */
			return list[i];
	return NULL;
}

int reg_org_ref_scope(const struct actor *a, const char *col, char *out, size_t n)
{
	if (a->role == ROLE_VIEWER) {
		int w = snprintf(out, n, "1");
		return w < 0 || (size_t)w >= n ? WR_EINVAL : 0;
	}
	return scope_org_sql(a, col, out, n);
}

int reg_forbidden(const struct actor *a, struct wr_err *e)
{
	switch (a->role) {
	case ROLE_PROVIDER:
		return wr_err_set(e, WR_EFORBIDDEN, "",
				  "a provider account can read this but not change it");
	case ROLE_VIEWER:
		return wr_err_set(e, WR_EFORBIDDEN, "", "a viewer account can only read");
	case ROLE_SPOC:
		return wr_err_set(e, WR_EFORBIDDEN, "",
				  "a SPOC changes only the contacts and assets of its own organisation");
	default:
		return wr_err_set(e, WR_EFORBIDDEN, "", "your role may not change this");
	}
}

int reg_org_detail_visible(sqlite3 *db, const struct actor *a, int64_t org_id, char *kind,
			   size_t kindsz, struct wr_err *e)
{
	char scope[REG_SCOPE_MAX], sql[REG_SCOPE_MAX + 96];
	if (scope_org_sql(a, "o.id", scope, sizeof scope))
		return wr_err_set(e, WR_EINTERNAL, "", "scope too long");
	snprintf(sql, sizeof sql, "SELECT o.kind FROM orgs o WHERE o.id = ?1 AND %s", scope);
	sqlite3_stmt *st;
	int rc = db_prepare(db, sql, &st, e);
	if (rc)
		return rc;
	sqlite3_bind_int64(st, 1, org_id);
	int s = sqlite3_step(st);
	if (s == SQLITE_ROW) {
		if (kind) {
			const unsigned char *k = sqlite3_column_text(st, 0);
			snprintf(kind, kindsz, "%s", k ? (const char *)k : "");
		}
	} else if (s == SQLITE_DONE) {
		rc = wr_err_set(e, WR_ENOTFOUND, "", "organisation %lld not found", (long long)org_id);
	} else {
		rc = db_fail(db, e);
	}
	sqlite3_finalize(st);
	return rc;
}

int reg_org_check_detail_edit(sqlite3 *db, const struct actor *a, int64_t org_id,
			      struct wr_err *e)
{
	int rc = reg_org_detail_visible(db, a, org_id, NULL, 0, e);
	if (rc)
		return rc;
	return scope_can_edit_org(a, org_id) ? 0 : reg_forbidden(a, e);
}

int reg_get_text(const json_t *obj, const char *key, const char **out, enum reg_state *state,
		 struct wr_err *e)
{
	json_t *v = json_object_get(obj, key);
	*state = REG_ABSENT;
	if (!v)
		return 0;
	if (json_is_null(v)) {
		*state = REG_CLEAR;
		return 0;
	}
	if (!json_is_string(v))
		return wr_err_set(e, WR_EINVAL, key, "must be a string");
	const char *s = json_string_value(v);
	if (strlen(s) != json_string_length(v))
		return wr_err_set(e, WR_EINVAL, key, "must not contain NUL characters");
	const char *p = s;
	while (is_space((unsigned char)*p))
		p++;
	*state = *p ? REG_SET : REG_CLEAR;
	*out = s;
	return 0;
}

int reg_get_int(const json_t *obj, const char *key, int64_t *out, enum reg_state *state,
		struct wr_err *e)
{
	json_t *v = json_object_get(obj, key);
	*state = REG_ABSENT;
	if (!v)
		return 0;
	if (json_is_null(v)) {
		*state = REG_CLEAR;
		return 0;
	}
	if (json_is_integer(v)) {
		*out = (int64_t)json_integer_value(v);
		*state = REG_SET;
		return 0;
	}
	if (!json_is_string(v))
		return wr_err_set(e, WR_EINVAL, key, "must be an integer");
	char t[32];
	const char *s = json_string_value(v);
	if (strlen(s) != json_string_length(v) || reg_clean_text(s, key, 24, t, sizeof t, NULL))
		return wr_err_set(e, WR_EINVAL, key, "must be an integer");
	if (!t[0]) {
		*state = REG_CLEAR;
		return 0;
	}
	const char *d = t[0] == '-' ? t + 1 : t;
	if (!*d)
		return wr_err_set(e, WR_EINVAL, key, "must be an integer");
	for (const char *c = d; *c; c++)
		if (*c < '0' || *c > '9')
			return wr_err_set(e, WR_EINVAL, key, "must be an integer");
	errno = 0;
	long long n = strtoll(t, NULL, 10);
	if (errno)
		return wr_err_set(e, WR_EINVAL, key, "is out of range");
	*out = n;
	*state = REG_SET;
	return 0;
}

int reg_get_bool(const json_t *obj, const char *key, int *out, enum reg_state *state,
		 struct wr_err *e)
{
	static const char *const yes[] = {"true", NULL};
	static const char *const no[] = {"false", NULL};
	json_t *v = json_object_get(obj, key);
	*state = REG_ABSENT;
	if (!v)
		return 0;
	if (json_is_null(v)) {
		*state = REG_CLEAR;
		return 0;
	}
	if (json_is_boolean(v)) {
		*out = json_is_true(v);
		*state = REG_SET;
		return 0;
	}
	/* A CSV cell is text: "true", "false" or empty; nothing looser. */
	if (json_is_string(v) && strlen(json_string_value(v)) == json_string_length(v)) {
		const char *s = json_string_value(v);
		const char *p = s;
		while (is_space((unsigned char)*p))
			p++;
		if (!*p) {
			*state = REG_CLEAR;
			return 0;
		}
		if (reg_match_word(yes, s) || reg_match_word(no, s)) {
			*out = reg_match_word(yes, s) != NULL;
			*state = REG_SET;
			return 0;
		}
	}
	return wr_err_set(e, WR_EINVAL, key, "must be true or false");
}

int reg_clean_text(const char *in, const char *field, size_t max_chars, char *out, size_t outsz,
		   struct wr_err *e)
{
	while (is_space((unsigned char)*in))
		in++;
	size_t n = strlen(in);
	while (n > 0 && is_space((unsigned char)in[n - 1]))
		n--;
	size_t chars = 0;
	for (size_t i = 0; i < n; i++) {
		unsigned char c = (unsigned char)in[i];
		if (c < 0x20 || c == 0x7f)
			return wr_err_set(e, WR_EINVAL, field, "contains a control character");
		if ((c & 0xc0) != 0x80)
			chars++;
	}
	if (chars > max_chars || n >= outsz)
		return wr_err_set(e, WR_EINVAL, field, "is too long (at most %zu characters)",
				  max_chars);
	memcpy(out, in, n);
	out[n] = '\0';
	return 0;
}

json_t *reg_col_text(sqlite3_stmt *st, int i)
{
	if (sqlite3_column_type(st, i) == SQLITE_NULL)
		return json_null();
	const unsigned char *s = sqlite3_column_text(st, i);
	return json_stringn(s ? (const char *)s : "", (size_t)sqlite3_column_bytes(st, i));
}

json_t *reg_col_int(sqlite3_stmt *st, int i)
{
	if (sqlite3_column_type(st, i) == SQLITE_NULL)
		return json_null();
	return json_integer(sqlite3_column_int64(st, i));
}

json_t *reg_diff(const json_t *before, const json_t *after, const char *const fields[])
{
	json_t *changes = json_object();
	for (size_t i = 0; changes && fields[i]; i++) {
		json_t *o = json_object_get(before, fields[i]);
		json_t *n = json_object_get(after, fields[i]);
		if (!o)
			o = json_null();
		if (!n)
			n = json_null();
		if (json_equal(o, n))
			continue;
		if (json_object_set_new(changes, fields[i], json_pack("{s:O,s:O}", "old", o, "new", n))) {
			json_decref(changes);
			return NULL;
		}
	}
	return changes;
}

int reg_fail(sqlite3 *db, const char *field, const char *conflict_msg, struct wr_err *e)
{
	int ext = sqlite3_extended_errcode(db);
	if (ext == SQLITE_CONSTRAINT_FOREIGNKEY)
		return wr_err_set(e, WR_ECONFLICT, field, "is still in use by other records");
	if ((ext == SQLITE_CONSTRAINT_UNIQUE || ext == SQLITE_CONSTRAINT_PRIMARYKEY) && conflict_msg)
		return wr_err_set(e, WR_ECONFLICT, field, "%s", conflict_msg);
	return db_fail(db, e);
}

json_t *reg_services_json(const char *csv)
{
	json_t *arr = json_array();
	if (!arr || !csv)
		return arr;
	const char *p = csv;
	while (*p) {
		const char *c = strchr(p, ',');
		size_t n = c ? (size_t)(c - p) : strlen(p);
		if (n && json_array_append_new(arr, json_stringn(p, n))) {
			json_decref(arr);
			return NULL;
		}
		p += n;
		if (*p == ',')
			p++;
	}
	return arr;
}

int reg_finish(sqlite3 *db, const struct actor *a, const char *action, const char *type,
	       int64_t id, json_t *det, reg_fetch_fn fetch, json_t **out, struct wr_err *e)
{
	json_t *o = NULL;
	int rc = det ? journal_append(db, a->name, action, type, id, det, e)
		     : wr_err_set(e, WR_ENOMEM, "", "out of memory");
	json_decref(det);
	if (!rc && out)
		rc = fetch(db, a, id, &o, e);
	if (rc) {
		db_rollback(db);
		return rc;
	}
	if ((rc = db_commit(db, e))) { /* rolls back itself */
		json_decref(o);
		return rc;
	}
	if (out)
		*out = o;
	return 0;
}
