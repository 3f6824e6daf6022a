/* The people of an organisation: SPOC, deputies and the others the war room
 * calls, with the numbers and addresses it calls them on. */
#include "registry/registry.h"
#include "audit/journal.h"
#include "base/domain.h"
#include "base/email.h"
#include "base/phone.h"
#include "base/timeutil.h"
#include "base/jsonutil.h"
#include "registry/registry_internal.h"
#include "store/db.h"

#include <stdio.h>
#include <string.h>

#define CONTACT_NAME_MAX 200
#define CONTACT_NAME_BUF (CONTACT_NAME_MAX * 4 + 1)

static const char *const contact_fields[] = {"name",	  "role",     "email",  "mobile", "phone",
					     "oob_email", "language", "active", NULL};
static const char *const contact_roles[] = {"spoc", "deputy", "ciso", "it-lead", "mayor", "dpo", NULL};
static const char *const languages[] = {"nl", "fr", "en", NULL};

struct contact_rec {
	int64_t id;
	int64_t org_id;
	char name[CONTACT_NAME_BUF];
	char role[16];
	char email[EMAIL_BUF_SIZE];
	char mobile[PHONE_E164_BUF_SIZE];
	char phone[PHONE_E164_BUF_SIZE];
	char oob_email[EMAIL_BUF_SIZE];
	char language[4];
	int active;
};

#define CONTACT_COLS                                                                       \
	"c.id, c.org_id, c.name, c.role, c.email, c.mobile, c.phone, c.oob_email, c.language," \
	" c.active"
/* Contacts in the order the war room calls them. */
#define CONTACT_ORDER                                                                      \
	" ORDER BY CASE c.role WHEN 'spoc' THEN 0 WHEN 'deputy' THEN 1 WHEN 'ciso' THEN 2"     \
	" WHEN 'it-lead' THEN 3 WHEN 'mayor' THEN 4 ELSE 5 END, c.active DESC,"                \
	" c.name COLLATE NOCASE, c.id"

static const char *col_str(sqlite3_stmt *st, int i)
{
	const unsigned char *s = sqlite3_column_text(st, i);
	return s ? (const char *)s : "";
}

static void contact_from_row(sqlite3_stmt *st, struct contact_rec *r)
{
	memset(r, 0, sizeof *r);
	r->id = sqlite3_column_int64(st, 0);
	r->org_id = sqlite3_column_int64(st, 1);
	snprintf(r->name, sizeof r->name, "%s", col_str(st, 2));
	snprintf(r->role, sizeof r->role, "%s", col_str(st, 3));
	snprintf(r->email, sizeof r->email, "%s", col_str(st, 4));
	snprintf(r->mobile, sizeof r->mobile, "%s", col_str(st, 5));
	snprintf(r->phone, sizeof r->phone, "%s", col_str(st, 6));
	snprintf(r->oob_email, sizeof r->oob_email, "%s", col_str(st, 7));
	snprintf(r->language, sizeof r->language, "%s", col_str(st, 8));
	r->active = sqlite3_column_int(st, 9) != 0;
}

static json_t *text_or_null(const char *s)
{
	return s[0] ? json_string(s) : json_null();
}

/* The contact JSON (the API shape). id 0 is left out. Caller owns. */
static json_t *contact_json(const struct contact_rec *r)
{
	json_t *o = json_pack("{s:I,s:s,s:s,s:o,s:o,s:o,s:o,s:s,s:b}", "org_id",
			      (json_int_t)r->org_id, "name", r->name, "role", r->role, "email",
			      text_or_null(r->email), "mobile", text_or_null(r->mobile), "phone",
			      text_or_null(r->phone), "oob_email", text_or_null(r->oob_email),
			      "language", r->language, "active", r->active);
	if (o && r->id && json_object_set_new(o, "id", json_integer(r->id))) {
		json_decref(o);
		return NULL;
	}
	return o;
}

static const char *match_exact(const char *const list[], const char *s)
{
	for (size_t i = 0; list[i]; i++)
		if (!strcmp(list[i], s))
			return list[i];
	return NULL;
}

/* An optional e-mail field: absent leaves dst, cleared empties it. */
static int apply_email(const json_t *f, const char *key, char *dst, size_t n, int *touched,
		       struct wr_err *e)
{
	const char *s = NULL;
	enum reg_state st;
	int rc = reg_get_text(f, key, &s, &st, e);
	if (rc || st == REG_ABSENT)
		return rc;
	*touched = 1;
	if (st == REG_CLEAR) {
		dst[0] = '\0';
		return 0;
	}
	return email_canonical(s, key, dst, n, e);
}

static int apply_phone(const json_t *f, const char *key, char *dst, size_t n, struct wr_err *e)
{
	const char *s = NULL;
	enum reg_state st;
	int rc = reg_get_text(f, key, &s, &st, e);
	if (rc || st == REG_ABSENT)
		return rc;
	if (st == REG_CLEAR) {
		dst[0] = '\0';
		return 0;
	}
	return phone_e164(s, key, dst, n, e);
}

/* Applies fields to r: validated, canonicalised, every error naming its
 * field. *mail_touched tells whether email or oob_email was given. */
static int contact_apply(struct contact_rec *r, const json_t *f, int create, int *mail_touched,
			 struct wr_err *e)
{
	int rc = json_reject_unknown(f, contact_fields, e);
	if (rc)
		return rc;
	const char *s = NULL;
	enum reg_state st;

	if ((rc = reg_get_text(f, "name", &s, &st, e)))
		return rc;
	if (st == REG_SET) {
		if ((rc = reg_clean_text(s, "name", CONTACT_NAME_MAX, r->name, sizeof r->name, e)))
			return rc;
	} else if (st == REG_CLEAR || (create && st == REG_ABSENT)) {
		return wr_err_set(e, WR_EINVAL, "name", "is required");
	}

	if ((rc = reg_get_text(f, "role", &s, &st, e)))
		return rc;
	if (st == REG_SET) {
		char t[16];
		const char *role = NULL;
		if (!reg_clean_text(s, "role", 10, t, sizeof t, NULL)) {
			for (char *c = t; *c; c++)
				if (*c >= 'A' && *c <= 'Z')
					*c = (char)(*c - 'A' + 'a');
			role = match_exact(contact_roles, t);
		}
		if (!role)
			return wr_err_set(e, WR_EINVAL, "role",
					  "must be one of spoc, deputy, ciso, it-lead, mayor, dpo");
		snprintf(r->role, sizeof r->role, "%s", role);
	} else if (st == REG_CLEAR || (create && st == REG_ABSENT)) {
		return wr_err_set(e, WR_EINVAL, "role", "is required");
	}

	if ((rc = apply_email(f, "email", r->email, sizeof r->email, mail_touched, e)))
		return rc;
	if ((rc = apply_phone(f, "mobile", r->mobile, sizeof r->mobile, e)))
		return rc;
	/* A text message to a fixed line never arrives. */
	if (!strncmp(r->mobile, "+32", 3) && !phone_is_belgian_mobile(r->mobile) &&
	    json_object_get(f, "mobile"))
		return wr_err_set(e, WR_EINVAL, "mobile",
				  "is a Belgian fixed-line number (%s); text messages need a mobile"
				  " number (04xx xx xx xx)", r->mobile);
	if ((rc = apply_phone(f, "phone", r->phone, sizeof r->phone, e)))
		return rc;
	if ((rc = apply_email(f, "oob_email", r->oob_email, sizeof r->oob_email, mail_touched, e)))
		return rc;

	if ((rc = reg_get_text(f, "language", &s, &st, e)))
		return rc;
	if (st == REG_SET) {
		char t[8];
		const char *lang = NULL;
		if (!reg_clean_text(s, "language", 2, t, sizeof t, NULL)) {
			for (char *c = t; *c; c++)
				if (*c >= 'A' && *c <= 'Z')
					*c = (char)(*c - 'A' + 'a');
			lang = match_exact(languages, t);
		}
		if (!lang)
			return wr_err_set(e, WR_EINVAL, "language", "must be nl, fr or en");
		snprintf(r->language, sizeof r->language, "%s", lang);
	} else if (st == REG_CLEAR || (create && st == REG_ABSENT)) {
		snprintf(r->language, sizeof r->language, "nl");
	}

	int b = 1;
	if ((rc = reg_get_bool(f, "active", &b, &st, e)))
		return rc;
	if (st == REG_SET)
		r->active = b;
	else if (create)
		r->active = 1; /* absent or cleared: the default; on update: unchanged */
	return 0;
}

/* The out-of-band address is for the day the town's own e-mail is down:
 * it must not be on any of the organisation's own domains, nor on the
 * domain of the contact's regular address. */
static int check_oob(sqlite3 *db, const struct contact_rec *r, struct wr_err *e)
{
	const char *od = NULL, *ed = NULL;
	if (!r->oob_email[0] || email_domain(r->oob_email, &od))
		return 0;
	if (r->email[0] && !email_domain(r->email, &ed) && domain_is_subdomain_or_equal(od, ed))
		return wr_err_set(e, WR_EINVAL, "oob_email",
				  "is on the same domain as the regular e-mail address (%s): an"
				  " out-of-band address must still work when that mail system is"
				  " down (e-mail is the first thing ransomware takes down)", ed);
	sqlite3_stmt *st;
	int rc = db_prepare(db, "SELECT value FROM assets WHERE org_id = ?1"
				" AND type IN ('domain', 'hostname') ORDER BY value", &st, e);
	if (rc)
		return rc;
	sqlite3_bind_int64(st, 1, r->org_id);
	int s;
	while ((s = sqlite3_step(st)) == SQLITE_ROW) {
		const char *dom = col_str(st, 0);
		if (domain_is_subdomain_or_equal(od, dom)) {
			rc = wr_err_set(e, WR_EINVAL, "oob_email",
					"is on %.100s, a domain of this organisation: an out-of-band"
					" address must still work when the town's own e-mail is down"
					" (e-mail is the first thing ransomware takes down); use an"
					" address on another domain", dom);
			break;
		}
	}
	if (!rc && s != SQLITE_DONE)
		rc = db_fail(db, e);
	sqlite3_finalize(st);
	return rc;
}

static void bind_contact(sqlite3_stmt *st, const struct contact_rec *r)
{
	sqlite3_bind_text(st, 1, r->name, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 2, r->role, -1, SQLITE_STATIC);
	db_bind_text_or_null(st, 3, r->email);
	db_bind_text_or_null(st, 4, r->mobile);
	db_bind_text_or_null(st, 5, r->phone);
	db_bind_text_or_null(st, 6, r->oob_email);
	sqlite3_bind_text(st, 7, r->language, -1, SQLITE_STATIC);
	sqlite3_bind_int(st, 8, r->active ? 1 : 0);
}

/* Loads a contact in the actor's scope (WR_ENOTFOUND outside it). */
static int contact_load(sqlite3 *db, const struct actor *a, int64_t id, struct contact_rec *r,
			struct wr_err *e)
{
	char scope[REG_SCOPE_MAX], sql[REG_SCOPE_MAX + 160];
	if (scope_org_sql(a, "c.org_id", scope, sizeof scope))
		return wr_err_set(e, WR_EINTERNAL, "", "scope too long");
	snprintf(sql, sizeof sql, "SELECT " CONTACT_COLS " FROM contacts c WHERE c.id = ?1 AND %s",
		 scope);
	sqlite3_stmt *st;
	int rc = db_prepare(db, sql, &st, e);
	if (rc)
		return rc;
	sqlite3_bind_int64(st, 1, id);
	int s = sqlite3_step(st);
	if (s == SQLITE_ROW)
		contact_from_row(st, r);
	else if (s == SQLITE_DONE)
		rc = wr_err_set(e, WR_ENOTFOUND, "", "contact %lld not found", (long long)id);
	else
		rc = db_fail(db, e);
	sqlite3_finalize(st);
	return rc;
}

int reg_contacts_of(sqlite3 *db, int64_t org_id, json_t **items, struct wr_err *e)
{
	*items = NULL;
	sqlite3_stmt *st;
	int rc = db_prepare(db, "SELECT " CONTACT_COLS " FROM contacts c WHERE c.org_id = ?1"
				CONTACT_ORDER, &st, e);
	if (rc)
		return rc;
	sqlite3_bind_int64(st, 1, org_id);
	json_t *arr = json_array();
	struct contact_rec r;
	int s = SQLITE_DONE;
	while (arr && (s = sqlite3_step(st)) == SQLITE_ROW) {
		contact_from_row(st, &r);
		if (json_array_append_new(arr, contact_json(&r))) {
			json_decref(arr);
			arr = NULL;
		}
	}
	if (!arr)
		rc = wr_err_set(e, WR_ENOMEM, "", "out of memory");
	else if (s != SQLITE_DONE)
		rc = db_fail(db, e);
	sqlite3_finalize(st);
	if (rc) {
		json_decref(arr);
		return rc;
	}
	*items = arr;
	return 0;
}

int contact_list(sqlite3 *db, const struct actor *a, int64_t org_id, json_t **items,
		 struct wr_err *e)
{
	*items = NULL;
	int rc = reg_org_detail_visible(db, a, org_id, NULL, 0, e);
	return rc ? rc : reg_contacts_of(db, org_id, items, e);
}

int contact_get(sqlite3 *db, const struct actor *a, int64_t id, json_t **out, struct wr_err *e)
{
	struct contact_rec r;
	*out = NULL;
	int rc = contact_load(db, a, id, &r, e);
	if (rc)
		return rc;
	*out = contact_json(&r);
	return *out ? 0 : wr_err_set(e, WR_ENOMEM, "", "out of memory");
}

/* Hands obj to *out (or drops it when out is NULL). */
static void give(json_t **out, json_t *obj)
{
	if (out)
		*out = obj;
	else
		json_decref(obj);
}

int contact_create(sqlite3 *db, const struct actor *a, int64_t org_id, const json_t *fields,
		   json_t **out, struct wr_err *e)
{
	if (out)
		*out = NULL;
	struct contact_rec r;
	memset(&r, 0, sizeof r);
	r.org_id = org_id;
	int touched = 0;
	int rc = db_begin(db, e);
	if (rc)
		return rc;
	if ((rc = reg_org_check_detail_edit(db, a, org_id, e)) ||
	    (rc = contact_apply(&r, fields, 1, &touched, e)) || (rc = check_oob(db, &r, e)))
		goto fail;
	char now[40];
	time_now_rfc3339(now, sizeof now);
	sqlite3_stmt *st;
	rc = db_prepare(db, "INSERT INTO contacts (name, role, email, mobile, phone, oob_email,"
			    " language, active, org_id, created_at, updated_at)"
			    " VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?10)", &st, e);
	if (rc)
		goto fail;
	bind_contact(st, &r);
	sqlite3_bind_int64(st, 9, org_id);
	sqlite3_bind_text(st, 10, now, -1, SQLITE_STATIC);
	if ((rc = db_step_done(db, st, e)))
		goto fail;
	r.id = sqlite3_last_insert_rowid(db);
	return reg_finish(db, a, "contact.create", "contact", r.id, contact_json(&r), contact_get,
			  out, e);
fail:
	db_rollback(db);
	return rc;
}

int contact_update(sqlite3 *db, const struct actor *a, int64_t id, const json_t *fields,
		   json_t **out, struct wr_err *e)
{
	if (out)
		*out = NULL;
	struct contact_rec old, r;
	json_t *before = NULL, *after = NULL, *changes = NULL, *det = NULL;
	int touched = 0;
	int rc = db_begin(db, e);
	if (rc)
		return rc;
	if ((rc = contact_load(db, a, id, &old, e)))
		goto fail;
	if (!scope_can_edit_org(a, old.org_id)) {
		rc = reg_forbidden(a, e);
		goto fail;
	}
	r = old;
	if ((rc = contact_apply(&r, fields, 0, &touched, e)))
		goto fail;
	if (touched && (rc = check_oob(db, &r, e)))
		goto fail;
	before = contact_json(&old);
	after = contact_json(&r);
	changes = before && after ? reg_diff(before, after, contact_fields) : NULL;
	if (!changes) {
		rc = wr_err_set(e, WR_ENOMEM, "", "out of memory");
		goto fail;
	}
	if (json_object_size(changes) > 0) {
		char now[40];
		time_now_rfc3339(now, sizeof now);
		sqlite3_stmt *st;
		rc = db_prepare(db, "UPDATE contacts SET name = ?1, role = ?2, email = ?3, mobile = ?4,"
				    " phone = ?5, oob_email = ?6, language = ?7, active = ?8,"
				    " updated_at = ?9 WHERE id = ?10", &st, e);
		if (rc)
			goto fail;
		bind_contact(st, &r);
		sqlite3_bind_text(st, 9, now, -1, SQLITE_STATIC);
		sqlite3_bind_int64(st, 10, id);
		if ((rc = db_step_done(db, st, e)))
			goto fail;
		det = json_pack("{s:I,s:O}", "org_id", (json_int_t)r.org_id, "changes", changes);
		if (!det) {
			rc = wr_err_set(e, WR_ENOMEM, "", "out of memory");
			goto fail;
		}
		if ((rc = journal_append(db, a->name, "contact.update", "contact", id, det, e)))
			goto fail;
	}
	rc = db_commit(db, e); /* rolls back itself when it fails */
	goto done;
fail:
	db_rollback(db);
done:
	json_decref(before);
	json_decref(changes);
	json_decref(det);
	if (rc)
		json_decref(after);
	else
		give(out, after);
	return rc;
}

int contact_delete(sqlite3 *db, const struct actor *a, int64_t id, struct wr_err *e)
{
	struct contact_rec r;
	json_t *det = NULL;
	sqlite3_stmt *st;
	int rc = db_begin(db, e);
	if (rc)
		return rc;
	if ((rc = contact_load(db, a, id, &r, e)))
		goto fail;
	if (!scope_can_edit_org(a, r.org_id)) {
		rc = reg_forbidden(a, e);
		goto fail;
	}
	if ((rc = db_prepare(db, "DELETE FROM contacts WHERE id = ?1", &st, e)))
		goto fail;
	sqlite3_bind_int64(st, 1, id);
	if ((rc = db_step_done(db, st, e)))
		goto fail;
	det = contact_json(&r);
	if (!det) {
		rc = wr_err_set(e, WR_ENOMEM, "", "out of memory");
		goto fail;
	}
	if ((rc = journal_append(db, a->name, "contact.delete", "contact", id, det, e)))
		goto fail;
	json_decref(det);
	return db_commit(db, e);
fail:
	db_rollback(db);
	json_decref(det);
	return rc;
}
