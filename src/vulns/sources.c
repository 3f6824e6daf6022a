/* The feed sources fetched on a schedule (vulns/fetch.h): add, list,
 * change, remove. The request header that carries a credential is stored
 * (it must be sent) and never shown back: only its name and the last four
 * characters of its value. */
#include "vulns/fetch.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "audit/journal.h"
#include "base/timeutil.h"
#include "store/db.h"

#define EVERY_MIN 60
#define EVERY_MAX (30 * 86400)
#define HEADER_MAX 4096

static const char *const kinds[] = {"kev", "cve", "nvd", "shadowserver", "csv"};

static int may_change(const struct actor *a, struct wr_err *e)
{
	if (a->role == ROLE_ADMIN || a->role == ROLE_SYSTEM)
		return 0;
	return wr_err_set(e, WR_EFORBIDDEN, NULL, "only an administrator changes the feed sources");
}

static int may_read(const struct actor *a, struct wr_err *e)
{
	return scope_is_staff(a) ? 0 : wr_err_set(e, WR_EFORBIDDEN, NULL, "only the war room sees the feed sources");
}

int vsource_every_parse(const char *s, int64_t *seconds)
{
	char *end;
	if (!s || !isdigit((unsigned char)*s))
		return -1;
	long long v = strtoll(s, &end, 10);
	long long unit = !*end ? 1 : !strcmp(end, "s") ? 1 : !strcmp(end, "m") ? 60 : !strcmp(end, "h") ? 3600
		       : !strcmp(end, "d") ? 86400 : 0;
	if (!unit || v <= 0 || v > EVERY_MAX / unit || v * unit < EVERY_MIN)
		return -1;
	*seconds = v * unit;
	return 0;
}

static int every_of(const json_t *v, int64_t *every, struct wr_err *e)
{
	if (json_is_integer(v) && json_integer_value(v) >= EVERY_MIN && json_integer_value(v) <= EVERY_MAX) {
		*every = json_integer_value(v);
		return 0;
	}
	if (json_is_string(v) && !vsource_every_parse(json_string_value(v), every))
		return 0;
	return wr_err_set(e, WR_EINVAL, "every", "is not an interval of 1 minute to 30 days (\"24h\", \"90m\", \"7d\")");
}

/* The header line to send, from "token" (a bearer token) or "header"
 * ("Name: value"), into out; "" when neither is given. */
static int auth_of(const json_t *body, char *out, size_t n, struct wr_err *e)
{
	const json_t *tok = json_object_get(body, "token"), *hdr = json_object_get(body, "header");
	out[0] = '\0';
	if (tok && hdr && !json_is_null(tok) && !json_is_null(hdr))
		return wr_err_set(e, WR_EINVAL, "token", "give a token or a header, not both");
	if (tok && !json_is_null(tok)) {
		const char *t = json_string_value(tok);
		size_t len = t ? strlen(t) : 0;
		if (!len || len > HEADER_MAX - 40)
			return wr_err_set(e, WR_EINVAL, "token", "is not a token of 1 to %d characters", HEADER_MAX - 40);
		for (size_t i = 0; i < len; i++)
			if ((unsigned char)t[i] <= 0x20 || (unsigned char)t[i] >= 0x7f)
				return wr_err_set(e, WR_EINVAL, "token", "holds a space or a character that is not ASCII");
		snprintf(out, n, "Authorization: Bearer %s", t);
	} else if (hdr && !json_is_null(hdr)) {
		const char *h = json_string_value(hdr);
		size_t len = h ? strlen(h) : 0, k = h ? strcspn(h, ":") : 0;
		if (!len || len >= n || k == 0 || k == len)
			return wr_err_set(e, WR_EINVAL, "header", "is not \"Name: value\"");
		for (size_t i = 0; i < len; i++) {
			unsigned char c = (unsigned char)h[i];
			if ((i < k && !(isalnum(c) || strchr("!#$%&'*+-.^_`|~", c))) || c < 0x20 || c == 0x7f)
				return wr_err_set(e, WR_EINVAL, "header", "holds a character a header may not");
		}
		const char *v = h + k + 1;
		v += strspn(v, " \t");
		if (!*v)
			return wr_err_set(e, WR_EINVAL, "header", "has no value");
		snprintf(out, n, "%.*s: %s", (int)k, h, v);
	}
	return 0;
}

/* "every" (when given, into *every), "enabled", "token" or "header" (the
 * line to send into auth, "" when neither). */
static int settings_of(const json_t *body, int64_t *every, char auth[HEADER_MAX], struct wr_err *e)
{
	const json_t *en = json_object_get(body, "enabled"), *ev = json_object_get(body, "every");
	int rc = ev ? every_of(ev, every, e) : 0;
	if (rc)
		return rc;
	if (en && !json_is_boolean(en))
		return wr_err_set(e, WR_EINVAL, "enabled", "is not true or false");
	return auth_of(body, auth, HEADER_MAX, e);
}

/* A row as the API shows it: the header's value masked. */
static json_t *source_json(sqlite3_stmt *st)
{
	json_t *o = db_row_json(st);
	if (!o)
		return NULL;
	const char *h = json_string_value(json_object_get(o, "auth_header"));
	json_t *auth = json_null();
	if (h) {
		size_t k = strcspn(h, ":");
		const char *v = h + k + (h[k] ? 1 : 0);
		v += strspn(v, " \t");
		size_t vl = strlen(v);
		/* the last four characters of a long enough value tell two tokens apart */
		auth = json_pack("{s:s%, s:s}", "header", h, k, "hint", vl >= 16 ? v + vl - 4 : "");
	}
	int64_t due = json_integer_value(json_object_get(o, "next_due"));
	char at[40];
	time_format_rfc3339((time_t)due, at, sizeof at);
	int64_t until = json_integer_value(json_object_get(o, "fetching_until"));
	if (!auth || json_object_set_new(o, "auth", auth) || json_object_del(o, "auth_header") ||
	    json_object_set_new(o, "next_due_at", json_string(at)) || json_object_del(o, "next_due") ||
	    json_object_set_new(o, "fetching", json_boolean(until > time_now())) ||
	    json_object_del(o, "fetching_until") ||
	    json_object_set_new(o, "enabled", json_boolean(json_integer_value(json_object_get(o, "enabled"))))) {
		json_decref(o);
		return NULL;
	}
	return o;
}

#define SELECT_SOURCE                                                                              \
	"SELECT id, kind, url, every_s AS every, enabled, auth_header, etag, last_modified,"        \
	" last_fetch_at, last_status, last_message, failures, next_due, fetching_until,"            \
	" created_by, created_at FROM vuln_sources"

int vsource_get(sqlite3 *db, const struct actor *a, int64_t id, json_t **out, struct wr_err *e)
{
	*out = NULL;
	int rc = may_read(a, e);
	sqlite3_stmt *st;
	if (rc || (rc = db_prepare(db, SELECT_SOURCE " WHERE id = ?", &st, e)))
		return rc;
	sqlite3_bind_int64(st, 1, id);
	json_t *items;
	if ((rc = db_rows(db, st, source_json, &items, e)))
		return rc;
	if (json_array_size(items) == 1)
		*out = json_incref(json_array_get(items, 0));
	json_decref(items);
	return *out ? 0 : wr_err_set(e, WR_ENOTFOUND, NULL, "no such feed source");
}

int vsource_list(sqlite3 *db, const struct actor *a, json_t **items, struct wr_err *e)
{
	*items = NULL;
	int rc = may_read(a, e);
	sqlite3_stmt *st;
	if (rc || (rc = db_prepare(db, SELECT_SOURCE " ORDER BY id", &st, e)))
		return rc;
	return db_rows(db, st, source_json, items, e);
}

static int journal(sqlite3 *db, const struct actor *a, const char *action, int64_t id, const char *kind,
		   const char *url, struct wr_err *e)
{
	json_t *d = json_pack("{s:s?, s:s?}", "kind", kind, "url", url);
	int rc = d ? journal_append(db, a->name, action, "vuln_source", id, d, e)
		   : wr_err_set(e, WR_ENOMEM, NULL, "out of memory");
	json_decref(d);
	return rc;
}

/* The end of a change in the caller's transaction (opened by db_begin):
 * rc 0 -> WR_ENOTFOUND when one_row and the statement changed none, the
 * journal entry, the commit; otherwise, or when any of that fails, the
 * rollback. */
static int finish(sqlite3 *db, const struct actor *a, int rc, int one_row, const char *action, int64_t id,
		  const char *kind, const char *url, struct wr_err *e)
{
	if (!rc && one_row && sqlite3_changes(db) == 0)
		rc = wr_err_set(e, WR_ENOTFOUND, NULL, "no such feed source");
	if (!rc)
		rc = journal(db, a, action, id, kind, url, e);
	if (!rc)
		rc = db_commit(db, e);
	if (rc)
		db_rollback(db);
	return rc;
}

int vsource_add(sqlite3 *db, const struct actor *a, const json_t *body, json_t **out, struct wr_err *e)
{
	*out = NULL;
	int rc = may_change(a, e);
	if (rc)
		return rc;
	const char *kind = json_string_value(json_object_get(body, "kind"));
	const char *url = json_string_value(json_object_get(body, "url"));
	const json_t *en = json_object_get(body, "enabled");
	int ok_kind = 0;
	for (size_t i = 0; kind && i < sizeof kinds / sizeof *kinds; i++)
		ok_kind |= !strcmp(kind, kinds[i]);
	if (!ok_kind)
		return wr_err_set(e, WR_EINVAL, "kind", "is not kev, cve, nvd, shadowserver or csv");
	if (!url)
		return wr_err_set(e, WR_EINVAL, "url", "is required");
	if ((rc = fetch_url_check(url, e)))
		return rc;
	int64_t every = 86400;
	char auth[HEADER_MAX];
	if ((rc = settings_of(body, &every, auth, e)))
		return rc;
	char now[40];
	time_now_rfc3339(now, sizeof now);
	sqlite3_stmt *st = NULL;
	if ((rc = db_begin(db, e)))
		return rc;
	rc = db_prepare(db,
			"INSERT INTO vuln_sources (kind, url, every_s, enabled, auth_header, next_due,"
			" created_by, created_at) VALUES (?,?,?,?,?,?,?,?)",
			&st, e);
	if (!rc) {
		sqlite3_bind_text(st, 1, kind, -1, SQLITE_STATIC);
		sqlite3_bind_text(st, 2, url, -1, SQLITE_STATIC);
		sqlite3_bind_int64(st, 3, every);
		sqlite3_bind_int(st, 4, en ? json_is_true(en) : 1);
		db_bind_text_or_null(st, 5, auth);
		sqlite3_bind_int64(st, 6, time_now()); /* due at once */
		sqlite3_bind_text(st, 7, a->name, -1, SQLITE_STATIC);
		sqlite3_bind_text(st, 8, now, -1, SQLITE_STATIC);
		rc = db_step_done(db, st, e);
	}
	int64_t id = sqlite3_last_insert_rowid(db);
	if ((rc = finish(db, a, rc, 0, "vulns.source_add", id, kind, url, e)))
		return rc;
	return vsource_get(db, a, id, out, e);
}

int vsource_update(sqlite3 *db, const struct actor *a, int64_t id, const json_t *body, json_t **out,
		   struct wr_err *e)
{
	*out = NULL;
	int rc = may_change(a, e);
	if (rc)
		return rc;
	const json_t *en = json_object_get(body, "enabled");
	int64_t every = 0;
	char auth[HEADER_MAX];
	if ((rc = settings_of(body, &every, auth, e)))
		return rc;
	/* "token": null or "header": null removes the credential */
	int set_auth = auth[0] || json_is_null(json_object_get(body, "token")) ||
		       json_is_null(json_object_get(body, "header"));
	sqlite3_stmt *st = NULL;
	if ((rc = db_begin(db, e)))
		return rc;
	rc = db_prepare(db,
			"UPDATE vuln_sources SET every_s = coalesce(?2, every_s),"
			" enabled = coalesce(?3, enabled),"
			" auth_header = CASE WHEN ?4 THEN ?5 ELSE auth_header END,"
			" next_due = CASE WHEN ?2 IS NULL THEN next_due ELSE min(next_due, ?6 + ?2) END"
			" WHERE id = ?1",
			&st, e);
	if (!rc) {
		sqlite3_bind_int64(st, 1, id);
		if (every)
			sqlite3_bind_int64(st, 2, every);
		if (en)
			sqlite3_bind_int(st, 3, json_is_true(en));
		sqlite3_bind_int(st, 4, set_auth);
		db_bind_text_or_null(st, 5, auth);
		sqlite3_bind_int64(st, 6, time_now());
		rc = db_step_done(db, st, e);
	}
	if ((rc = finish(db, a, rc, 1, "vulns.source_update", id, NULL, NULL, e)))
		return rc;
	return vsource_get(db, a, id, out, e);
}

int vsource_remove(sqlite3 *db, const struct actor *a, int64_t id, struct wr_err *e)
{
	int rc = may_change(a, e);
	sqlite3_stmt *st = NULL;
	if (rc || (rc = db_begin(db, e)))
		return rc;
	if (!(rc = db_prepare(db, "DELETE FROM vuln_sources WHERE id = ?", &st, e))) {
		sqlite3_bind_int64(st, 1, id);
		rc = db_step_done(db, st, e);
	}
	return finish(db, a, rc, 1, "vulns.source_remove", id, NULL, NULL, e);
}

int vsource_due_now(sqlite3 *db, const struct actor *a, int64_t id, json_t **out, struct wr_err *e)
{
	*out = NULL;
	int rc = may_read(a, e);
	sqlite3_stmt *st = NULL;
	if (rc || (rc = db_prepare(db, "UPDATE vuln_sources SET next_due = ?2 WHERE id = ?1 AND enabled = 1", &st, e)))
		return rc;
	sqlite3_bind_int64(st, 1, id);
	sqlite3_bind_int64(st, 2, time_now());
	if ((rc = db_step_done(db, st, e)))
		return rc;
	if (sqlite3_changes(db) == 0) {
		rc = vsource_get(db, a, id, out, e);
		json_decref(*out);
		*out = NULL;
		return rc ? rc : wr_err_set(e, WR_ECONFLICT, "enabled", "the source is disabled: enable it first");
	}
	return vsource_get(db, a, id, out, e);
}
