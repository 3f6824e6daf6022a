/* Information sessions and their registrations (sessions.h). */
#include "programme/sessions.h"
#include "audit/journal.h"
#include "base/buf.h"
#include "base/email.h"
#include "base/jsonutil.h"
#include "base/timeutil.h"
#include "programme/brussels_time.h"
#include "programme/ical.h"
#include "programme/prog_internal.h"
#include "store/db.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char *const audiences[] = {"all", "spoc", "it", "management", NULL};

#define SESSION_SELECT \
	"SELECT s.id, s.title, s.starts_at, s.ends_at, s.place, s.online_url, s.capacity," \
	" s.audience, (SELECT count(*) FROM programme_registrations r WHERE r.session_id = s.id" \
	"  AND r.status = 'registered'), (SELECT count(*) FROM programme_registrations r" \
	"  WHERE r.session_id = s.id AND r.status = 'waiting'), (SELECT count(*) FROM" \
	"  programme_registrations r WHERE r.session_id = s.id AND r.attended = 1)" \
	" FROM programme_sessions s"

static json_t *session_json(sqlite3_stmt *st)
{
	char sl[32], el[32];
	int64_t s = 0, t = 0;
	time_parse_rfc3339(prog_col(st, 2), &s);
	time_parse_rfc3339(prog_col(st, 3), &t);
	brussels_format(s, sl, sizeof sl);
	brussels_format(t, el, sizeof el);
	return json_pack("{s:I,s:s,s:s,s:s,s:s,s:s,s:s,s:o,s:o,s:i,s:s,s:i,s:i,s:i}", "id",
			 (json_int_t)sqlite3_column_int64(st, 0), "title", prog_col(st, 1), "starts_at",
			 prog_col(st, 2), "ends_at", prog_col(st, 3), "starts_local", sl, "ends_local",
			 el, "timezone", "Europe/Brussels", "place", prog_col_json(st, 4), "online_url",
			 prog_col_json(st, 5), "capacity", sqlite3_column_int(st, 6), "audience",
			 prog_col(st, 7), "registered", sqlite3_column_int(st, 8), "waiting",
			 sqlite3_column_int(st, 9), "attended", sqlite3_column_int(st, 10));
}

static int select_sessions(sqlite3 *db, int64_t id, json_t **out, struct wr_err *e)
{
	sqlite3_stmt *st;
	json_t *rows;
	int rc = id ? prog_prepare_id(db, SESSION_SELECT " WHERE s.id = ?", id, &st, e)
		    : db_prepare(db, SESSION_SELECT " ORDER BY s.starts_at DESC, s.id DESC LIMIT 500", &st, e);
	if (rc || (rc = prog_rows_json(db, st, session_json, &rows, e)))
		return rc;
	if (id)
		return prog_single(rows, "session", id, out, e);
	*out = rows;
	return 0;
}

int session_list(sqlite3 *db, json_t **items, struct wr_err *e)
{
	return select_sessions(db, 0, items, e);
}

static json_t *registration_json(sqlite3_stmt *st)
{
	return json_pack("{s:I,s:I,s:s,s:s,s:o,s:s,s:b}", "id", (json_int_t)sqlite3_column_int64(st, 0),
			 "org_id", (json_int_t)sqlite3_column_int64(st, 1), "org_name", prog_col(st, 2),
			 "name", prog_col(st, 3), "email", prog_col_json(st, 4), "status", prog_col(st, 5),
			 "attended", sqlite3_column_int(st, 6));
}

static int registrations_json(sqlite3 *db, const struct actor *a, int64_t sid, json_t *out,
			      struct wr_err *e)
{
	char scope[PROG_SCOPE_MAX], sql[PROG_SCOPE_MAX + 320];
	if (!scope_is_staff(a) && a->role != ROLE_SPOC)
		return 0;
	if (scope_org_sql(a, "r.org_id", scope, sizeof scope))
		return wr_err_set(e, WR_EINTERNAL, NULL, "scope too long");
	snprintf(sql, sizeof sql, "SELECT r.id, r.org_id, o.name, r.name, r.email, r.status,"
		 " r.attended FROM programme_registrations r JOIN orgs o ON o.id = r.org_id"
		 " WHERE r.session_id = ? AND %s ORDER BY r.status = 'cancelled', r.status = 'waiting', r.id",
		 scope);
	sqlite3_stmt *st;
	json_t *arr;
	int rc = prog_prepare_id(db, sql, sid, &st, e);
	if (rc || (rc = prog_rows_json(db, st, registration_json, &arr, e)))
		return rc;
	if (json_object_set_new(out, "registrations", arr))
		return wr_err_set(e, WR_ENOMEM, NULL, "out of memory");
	return 0;
}

int session_get(sqlite3 *db, const struct actor *a, int64_t id, json_t **out, struct wr_err *e)
{
	int rc = db_begin_read(db, e);
	if (rc)
		return rc;
	json_t *o = NULL;
	if (!(rc = select_sessions(db, id, &o, e)))
		rc = registrations_json(db, a, id, o, e);
	db_end_read(db);
	if (rc)
		json_decref(o);
	else
		*out = o;
	return rc;
}

/* Brussels wall time "YYYY-MM-DDTHH:MM" or an RFC 3339 date-time. */
static int get_when(const json_t *body, const char *key, int64_t *t, struct wr_err *e)
{
	const char *s = NULL;
	int rc = json_get_string(body, key, 1, &s, NULL, e);
	if (rc)
		return rc;
	if (strlen(s) == 16 ? brussels_parse(s, t) : time_parse_rfc3339(s, t))
		return wr_err_set(e, WR_EINVAL, key,
				  "must be a Brussels time YYYY-MM-DDTHH:MM or an RFC 3339 date-time");
	return 0;
}

static int check_url(const char *u, struct wr_err *e)
{
	if (strncmp(u, "https://", 8) && strncmp(u, "http://", 7))
		return wr_err_set(e, WR_EINVAL, "online_url", "must be an http(s) address");
	for (const unsigned char *p = (const unsigned char *)u; *p; p++)
		if (*p <= 0x20 || *p >= 0x7f || *p == '"' || *p == '<' || *p == '>')
			return wr_err_set(e, WR_EINVAL, "online_url", "must be an address without spaces");
	return 0;
}

int session_create(sqlite3 *db, const struct actor *a, const json_t *body, json_t **out,
		   struct wr_err *e)
{
	static const char *const allowed[] = {"title", "starts", "ends", "place", "online_url",
					      "capacity", "audience", NULL};
	const char *title = NULL, *place = NULL, *url = NULL, *audience = "all";
	int64_t start, end, cap = 0;
	int rc;
	if (!scope_is_staff(a))
		return wr_err_set(e, WR_EFORBIDDEN, NULL, "sessions are organised by the war room");
	if ((rc = json_reject_unknown(body, allowed, e)) ||
	    (rc = prog_get_text(body, "title", 1, 200, &title, e)) ||
	    (rc = get_when(body, "starts", &start, e)) || (rc = get_when(body, "ends", &end, e)) ||
	    (rc = prog_get_text(body, "place", 0, 300, &place, e)) ||
	    (rc = prog_get_text(body, "online_url", 0, 500, &url, e)) ||
	    (url && (rc = check_url(url, e))) ||
	    (rc = json_get_int(body, "capacity", 1, &cap, NULL, e)) ||
	    (rc = json_get_string(body, "audience", 0, &audience, NULL, e)) ||
	    (rc = prog_one_of(audience, audiences, "audience", e)))
		return rc;
	if (end <= start)
		return wr_err_set(e, WR_EINVAL, "ends", "must be after the start");
	if (cap < 1 || cap > 10000)
		return wr_err_set(e, WR_EINVAL, "capacity", "must be from 1 to 10000");
	if (!place && !url)
		return wr_err_set(e, WR_EINVAL, "place", "a place or an online_url is required");
	char s1[40], s2[40], now[40];
	time_format_rfc3339((time_t)start, s1, sizeof s1);
	time_format_rfc3339((time_t)end, s2, sizeof s2);
	time_now_rfc3339(now, sizeof now);
	sqlite3_stmt *st;
	int64_t id = 0;
	if ((rc = db_begin(db, e)))
		return rc;
	if (!(rc = db_prepare(db, "INSERT INTO programme_sessions (title, starts_at, ends_at, place,"
				  " online_url, capacity, audience, created_at) VALUES (?,?,?,?,?,?,?,?)",
			      &st, e))) {
		sqlite3_bind_text(st, 1, title, -1, SQLITE_STATIC);
		sqlite3_bind_text(st, 2, s1, -1, SQLITE_STATIC);
		sqlite3_bind_text(st, 3, s2, -1, SQLITE_STATIC);
		db_bind_text_or_null(st, 4, place);
		db_bind_text_or_null(st, 5, url);
		sqlite3_bind_int64(st, 6, cap);
		sqlite3_bind_text(st, 7, audience, -1, SQLITE_STATIC);
		sqlite3_bind_text(st, 8, now, -1, SQLITE_STATIC);
		if (!(rc = db_step_done(db, st, e))) {
			id = sqlite3_last_insert_rowid(db);
			json_t *j = json_pack("{s:s,s:s,s:I}", "title", title, "starts_at", s1, "capacity", (json_int_t)cap);
			rc = j ? journal_append(db, a->name, "session.create", "session", id, j, e)
			       : wr_err_set(e, WR_ENOMEM, NULL, "out of memory");
			json_decref(j);
		}
	}
	if ((rc = prog_finish(db, rc, e)))
		return rc;
	return session_get(db, a, id, out, e);
}

static int session_exists(sqlite3 *db, int64_t id, int64_t *capacity, struct wr_err *e)
{
	int rc = db_query_int(db, "SELECT coalesce((SELECT capacity FROM programme_sessions WHERE id = ?), 0)",
			      id, capacity, e);
	if (!rc && !*capacity)
		rc = wr_err_set(e, WR_ENOTFOUND, NULL, "session %lld not found", (long long)id);
	return rc;
}

static int count_registered(sqlite3 *db, int64_t sid, int64_t *n, struct wr_err *e)
{
	return db_query_int(db, "SELECT count(*) FROM programme_registrations WHERE session_id = ?"
				" AND status = 'registered'", sid, n, e);
}

static int journal_reg(sqlite3 *db, const struct actor *a, const char *action, int64_t id,
		       int64_t sid, const char *status, struct wr_err *e)
{
	json_t *j = json_pack("{s:I,s:s}", "session_id", (json_int_t)sid, "status", status);
	int rc = j ? journal_append(db, a->name, action, "registration", id, j, e)
		   : wr_err_set(e, WR_ENOMEM, NULL, "out of memory");
	json_decref(j);
	return rc;
}

static int insert_registration(sqlite3 *db, const struct actor *a, int64_t sid, int64_t org_id,
			       const char *name, const char *email, int64_t *id, struct wr_err *e)
{
	int64_t cap, n;
	int rc;
	if ((rc = session_exists(db, sid, &cap, e)) || (rc = prog_org_visible(db, a, org_id, e)) ||
	    (rc = count_registered(db, sid, &n, e)))
		return rc;
	const char *status = n < cap ? "registered" : "waiting";
	char now[40];
	time_now_rfc3339(now, sizeof now);
	sqlite3_stmt *st;
	if ((rc = db_prepare(db, "INSERT INTO programme_registrations (session_id, org_id, name, email,"
				 " status, created_at, updated_at) VALUES (?,?,?,?,?,?,?)", &st, e)))
		return rc;
	sqlite3_bind_int64(st, 1, sid);
	sqlite3_bind_int64(st, 2, org_id);
	sqlite3_bind_text(st, 3, name, -1, SQLITE_STATIC);
	db_bind_text_or_null(st, 4, email);
	sqlite3_bind_text(st, 5, status, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 6, now, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 7, now, -1, SQLITE_STATIC);
	if ((rc = db_step_done(db, st, e)))
		return rc == WR_ECONFLICT ? wr_err_set(e, WR_ECONFLICT, "name",
						       "%s is already registered for this session", name) : rc;
	*id = sqlite3_last_insert_rowid(db);
	return journal_reg(db, a, "registration.create", *id, sid, status, e);
}

static int registration_out(sqlite3 *db, const struct actor *a, int64_t sid, int64_t id,
			    json_t **out, struct wr_err *e)
{
	json_t *s = NULL;
	int rc = session_get(db, a, sid, &s, e);
	if (rc)
		return rc;
	size_t i;
	json_t *r;
	json_array_foreach(json_object_get(s, "registrations"), i, r)
		if (json_integer_value(json_object_get(r, "id")) == id) {
			*out = json_incref(r);
			json_decref(s);
			return 0;
		}
	json_decref(s);
	return wr_err_set(e, WR_ENOTFOUND, NULL, "registration %lld not found", (long long)id);
}

int registration_create(sqlite3 *db, const struct actor *a, int64_t session_id,
			const json_t *body, json_t **out, struct wr_err *e)
{
	static const char *const allowed[] = {"name", "email", "org_id", NULL};
	const char *name = NULL, *email_in = NULL;
	char email[EMAIL_BUF_SIZE] = "";
	int64_t org_id = a->role == ROLE_SPOC ? a->org_id : 0;
	int present = 0, rc;
	if (!scope_is_staff(a) && a->role != ROLE_SPOC)
		return wr_err_set(e, WR_EFORBIDDEN, NULL, "SPOCs register their town's people");
	if ((rc = json_reject_unknown(body, allowed, e)) ||
	    (rc = prog_get_text(body, "name", 1, 200, &name, e)) ||
	    (rc = json_get_string(body, "email", 0, &email_in, NULL, e)) ||
	    (email_in && (rc = email_canonical(email_in, "email", email, sizeof email, e))) ||
	    (rc = json_get_int(body, "org_id", scope_is_staff(a), &org_id, &present, e)))
		return rc;
	if (present && a->role == ROLE_SPOC && org_id != a->org_id)
		return wr_err_set(e, WR_EINVAL, "org_id", "a SPOC registers people of its own town");
	int64_t id = 0;
	if ((rc = db_begin(db, e)))
		return rc;
	rc = insert_registration(db, a, session_id, org_id, name, email[0] ? email : NULL, &id, e);
	if ((rc = prog_finish(db, rc, e)))
		return rc;
	return registration_out(db, a, session_id, id, out, e);
}

/* The registration's org and status when the actor may see it. */
static int registration_find(sqlite3 *db, const struct actor *a, int64_t sid, int64_t id,
			     char status[16], struct wr_err *e)
{
	char scope[PROG_SCOPE_MAX], sql[PROG_SCOPE_MAX + 160];
	if (!scope_is_staff(a) && a->role != ROLE_SPOC)
		return wr_err_set(e, WR_ENOTFOUND, NULL, "registration %lld not found", (long long)id);
	if (scope_org_sql(a, "org_id", scope, sizeof scope))
		return wr_err_set(e, WR_EINTERNAL, NULL, "scope too long");
	snprintf(sql, sizeof sql, "SELECT status FROM programme_registrations WHERE id = ?"
		 " AND session_id = %lld AND %s", (long long)sid, scope);
	sqlite3_stmt *st;
	int rc = prog_prepare_id(db, sql, id, &st, e);
	if (rc)
		return rc;
	status[0] = '\0';
	if (sqlite3_step(st) == SQLITE_ROW)
		snprintf(status, 16, "%s", prog_col(st, 0));
	sqlite3_finalize(st);
	return status[0] ? 0 : wr_err_set(e, WR_ENOTFOUND, NULL, "registration %lld not found", (long long)id);
}

static int cancel_and_promote(sqlite3 *db, const struct actor *a, int64_t sid, int64_t id,
			      struct wr_err *e)
{
	char status[16], now[40];
	int64_t cap, n, next = 0;
	int rc;
	if ((rc = session_exists(db, sid, &cap, e)) || (rc = registration_find(db, a, sid, id, status, e)))
		return rc;
	if (!strcmp(status, "cancelled"))
		return wr_err_set(e, WR_ECONFLICT, "status", "the registration is already cancelled");
	time_now_rfc3339(now, sizeof now);
	sqlite3_stmt *st;
	if ((rc = db_prepare(db, "UPDATE programme_registrations SET status = 'cancelled', updated_at = ?"
				 " WHERE id = ?", &st, e)))
		return rc;
	sqlite3_bind_text(st, 1, now, -1, SQLITE_STATIC);
	sqlite3_bind_int64(st, 2, id);
	if ((rc = db_step_done(db, st, e)) ||
	    (rc = journal_reg(db, a, "registration.cancel", id, sid, "cancelled", e)) ||
	    (rc = count_registered(db, sid, &n, e)))
		return rc;
	if (n >= cap)
		return 0;
	if ((rc = db_query_int(db, "SELECT coalesce(min(id), 0) FROM programme_registrations"
				   " WHERE session_id = ? AND status = 'waiting'", sid, &next, e)) || !next)
		return rc;
	if ((rc = db_prepare(db, "UPDATE programme_registrations SET status = 'registered', updated_at = ?"
				 " WHERE id = ?", &st, e)))
		return rc;
	sqlite3_bind_text(st, 1, now, -1, SQLITE_STATIC);
	sqlite3_bind_int64(st, 2, next);
	if ((rc = db_step_done(db, st, e)))
		return rc;
	return journal_reg(db, a, "registration.promote", next, sid, "registered", e);
}

int registration_cancel(sqlite3 *db, const struct actor *a, int64_t session_id, int64_t id,
			struct wr_err *e)
{
	int rc = db_begin(db, e);
	return rc ? rc : prog_finish(db, cancel_and_promote(db, a, session_id, id, e), e);
}

int registration_update(sqlite3 *db, const struct actor *a, int64_t session_id, int64_t id,
			const json_t *body, json_t **out, struct wr_err *e)
{
	static const char *const allowed[] = {"attended", NULL};
	int attended = 0, rc;
	char status[16];
	if ((rc = json_reject_unknown(body, allowed, e)) ||
	    (rc = json_get_bool(body, "attended", 1, &attended, NULL, e)))
		return rc;
	if ((rc = db_begin(db, e)))
		return rc;
	if (!(rc = registration_find(db, a, session_id, id, status, e))) {
		if (!scope_is_staff(a))
			rc = wr_err_set(e, WR_EFORBIDDEN, NULL, "attendance is recorded by the war room");
		else if (strcmp(status, "registered"))
			rc = wr_err_set(e, WR_ECONFLICT, "attended", "only a registered person attends (this one is %s)", status);
	}
	sqlite3_stmt *st = NULL;
	if (!rc && !(rc = db_prepare(db, "UPDATE programme_registrations SET attended = ? WHERE id = ?", &st, e))) {
		sqlite3_bind_int(st, 1, attended);
		sqlite3_bind_int64(st, 2, id);
		if (!(rc = db_step_done(db, st, e)))
			rc = journal_reg(db, a, attended ? "registration.attended" : "registration.absent", id,
					 session_id, status, e);
	}
	if ((rc = prog_finish(db, rc, e)))
		return rc;
	return registration_out(db, a, session_id, id, out, e);
}

int session_ics(sqlite3 *db, int64_t id, char **text, struct wr_err *e)
{
	sqlite3_stmt *st;
	int rc = prog_prepare_id(db, "SELECT title, starts_at, ends_at, place, online_url, created_at"
				     " FROM programme_sessions WHERE id = ?", id, &st, e);
	if (rc)
		return rc;
	if (sqlite3_step(st) != SQLITE_ROW) {
		sqlite3_finalize(st);
		return wr_err_set(e, WR_ENOTFOUND, NULL, "session %lld not found", (long long)id);
	}
	char uid[64];
	snprintf(uid, sizeof uid, "session-%lld@warroom", (long long)id);
	struct ical_event ev = {.uid = uid, .summary = prog_col(st, 0), .location = prog_col(st, 3),
				.url = prog_col(st, 4)};
	time_parse_rfc3339(prog_col(st, 1), &ev.start);
	time_parse_rfc3339(prog_col(st, 2), &ev.end);
	time_parse_rfc3339(prog_col(st, 5), &ev.stamp);
	struct buf b;
	buf_init(&b, 1 << 20);
	rc = ical_write_event(&b, &ev) || buf_addc(&b, '\0');
	sqlite3_finalize(st);
	if (rc) {
		buf_release(&b);
		return wr_err_set(e, WR_ENOMEM, NULL, "out of memory");
	}
	*text = buf_detach(&b);
	return *text ? 0 : wr_err_set(e, WR_ENOMEM, NULL, "out of memory");
}
