/* Advisories: the draft, the four-eyes workflow, the audience frozen at
 * approval into one delivery per recipient, stats and acknowledgements
 * (comms/comms.h, docs/comms.md). */
#include "comms/comms_internal.h"

#include <limits.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "audit/journal.h"
#include "base/jsonutil.h"
#include "base/timeutil.h"
#include "comms/escalation.h"
#include "store/db.h"

static const char *const fields[] = {"title", "body", "tlp", "severity", "kind", "audience",
				     "ack_required", "ack_deadline", "follow_up_of", "escalation",
				     NULL};

static int one_of(const char *v, const char *const *set)
{
	for (int i = 0; set[i]; i++)
		if (!strcmp(v, set[i]))
			return 1;
	return 0;
}

static const char *const tlps[] = {"CLEAR", "GREEN", "AMBER", "AMBER+STRICT", "RED", NULL};
static const char *const severities[] = {"info", "low", "medium", "high", "critical", NULL};
static const char *const kinds[] = {"advisory", "alert", "lessons-learned", "invitation",
				    "request-for-information", NULL};
static const char *const roles[] = {"spoc", "deputy", "ciso", "it-lead", "mayor", "dpo", "provider", NULL};
static const char *const provinces[] = {"Antwerpen", "Limburg", "Oost-Vlaanderen",
					"Vlaams-Brabant", "West-Vlaanderen", NULL};

/* The audience: exactly one of all/provinces/orgs/providers, and roles. */
static int check_audience(const json_t *au, struct wr_err *e)
{
	static const char *const keys[] = {"all", "provinces", "orgs", "providers", "roles", NULL};
	if (!json_is_object(au))
		return wr_err_set(e, WR_EINVAL, "audience",
				  "must be an object: {\"all\": true}, {\"provinces\": [...]}, "
				  "{\"orgs\": [ids]} or {\"providers\": [ids]}, with \"roles\"");
	int rc = json_reject_unknown(au, keys, e);
	if (rc)
		return rc;
	int n = !!json_object_get(au, "all") + !!json_object_get(au, "provinces") +
		!!json_object_get(au, "orgs") + !!json_object_get(au, "providers");
	if (n != 1)
		return wr_err_set(e, WR_EINVAL, "audience", "needs exactly one of all, provinces, orgs, providers");
	if (json_object_get(au, "all") && !json_is_true(json_object_get(au, "all")))
		return wr_err_set(e, WR_EINVAL, "audience.all", "must be true");
	const char *list_keys[] = {"provinces", "orgs", "providers", "roles"};
	for (int k = 0; k < 4; k++) {
		const json_t *l = json_object_get(au, list_keys[k]);
		if (!l)
			continue;
		if (!json_is_array(l) || !json_array_size(l) || json_array_size(l) > 1000)
			return wr_err_set(e, WR_EINVAL, list_keys[k] == list_keys[3] ? "audience.roles" : "audience",
					  "%s must be a list of 1 to 1000 values", list_keys[k]);
		size_t i;
		const json_t *v;
		json_array_foreach(l, i, v)
		{
			int ok = k == 0   ? json_is_string(v) && one_of(json_string_value(v), provinces)
				 : k == 3 ? json_is_string(v) && one_of(json_string_value(v), roles)
					  : json_is_integer(v) && json_integer_value(v) > 0;
			if (!ok)
				return wr_err_set(e, WR_EINVAL, "audience", "%s[%zu] is not a known %s",
						  list_keys[k], i,
						  k == 0 ? "province" : k == 3 ? "contact role" : "id");
		}
	}
	return 0;
}

/* Validates body; required fields only when creating. */
static int check(const json_t *body, int creating, struct wr_err *e)
{
	int rc = json_reject_unknown(body, fields, e);
	const char *s;
	int present;
	if (rc)
		return rc;
	if ((rc = json_get_string(body, "title", creating, &s, &present, e)))
		return rc;
	if (present && (!*s || strlen(s) > 200))
		return wr_err_set(e, WR_EINVAL, "title", "must have 1 to 200 characters");
	if ((rc = json_get_string(body, "body", creating, &s, &present, e)))
		return rc;
	if (present && strlen(s) > 100000)
		return wr_err_set(e, WR_EINVAL, "body", "is longer than 100,000 characters");
	if ((rc = json_get_string(body, "tlp", creating, &s, &present, e)))
		return rc;
	if (present && !one_of(s, tlps))
		return wr_err_set(e, WR_EINVAL, "tlp", "is not CLEAR, GREEN, AMBER, AMBER+STRICT or RED");
	if ((rc = json_get_string(body, "severity", creating, &s, &present, e)))
		return rc;
	if (present && !one_of(s, severities))
		return wr_err_set(e, WR_EINVAL, "severity", "is not info, low, medium, high or critical");
	if ((rc = json_get_string(body, "kind", 0, &s, &present, e)))
		return rc;
	if (present && !one_of(s, kinds))
		return wr_err_set(e, WR_EINVAL, "kind", "is not a kind of advisory");
	const json_t *au = json_object_get(body, "audience");
	if (creating && !au)
		return wr_err_set(e, WR_EINVAL, "audience", "is required");
	if (au && (rc = check_audience(au, e)))
		return rc;
	int b;
	if ((rc = json_get_bool(body, "ack_required", 0, &b, NULL, e)))
		return rc;
	if ((rc = json_get_string(body, "ack_deadline", 0, &s, &present, e)))
		return rc;
	int64_t t;
	if (present && time_parse_rfc3339(s, &t))
		return wr_err_set(e, WR_EINVAL, "ack_deadline", "is not an RFC 3339 time");
	int64_t f;
	if ((rc = json_get_int(body, "follow_up_of", 0, &f, NULL, e)))
		return rc;
	return escalation_check(json_object_get(body, "escalation"), e);
}

static int require_staff(const struct actor *a, struct wr_err *e)
{
	return scope_is_staff(a) ? 0 : wr_err_set(e, WR_EFORBIDDEN, NULL, "only the war room writes advisories");
}

/* The status of advisory id (visible to staff), or WR_ENOTFOUND. */
static int status_of(sqlite3 *db, int64_t id, char out[16], char author[80], struct wr_err *e)
{
	sqlite3_stmt *st;
	int rc = db_prepare(db, "SELECT status, author FROM advisories WHERE id = ?1", &st, e);
	if (rc)
		return rc;
	sqlite3_bind_int64(st, 1, id);
	rc = sqlite3_step(st);
	if (rc == SQLITE_ROW) {
		snprintf(out, 16, "%s", (const char *)sqlite3_column_text(st, 0));
		snprintf(author, 80, "%s", (const char *)sqlite3_column_text(st, 1));
	}
	sqlite3_finalize(st);
	if (rc == SQLITE_DONE)
		return wr_err_set(e, WR_ENOTFOUND, NULL, "no such advisory");
	return rc == SQLITE_ROW ? 0 : db_fail(db, e);
}

/* Starts a change of advisory id: staff, a transaction, and the advisory in
 * status from (NULL: any); its author into author. */
static int begin_change(sqlite3 *db, const struct actor *a, int64_t id, const char *from,
			char author[80], struct wr_err *e)
{
	char status[16];
	int rc = require_staff(a, e);
	if (rc || (rc = db_begin(db, e)))
		return rc;
	rc = status_of(db, id, status, author, e);
	if (!rc && from && strcmp(status, from))
		rc = wr_err_set(e, WR_ECONFLICT, "status",
				!strcmp(from, "draft")
					? "is %s: only a draft can be changed (a sent advisory is corrected by a "
					  "follow-up that refers to it)"
					: "is %s, not the status this step needs",
				status);
	if (rc)
		db_rollback(db);
	return rc;
}

/* Ends a change begun with begin_change (or a creation): the journal entry,
 * commit (rollback on any error), and the advisory as it is now in *out. */
static int end_change(sqlite3 *db, const struct actor *a, int64_t id, const char *action,
		      const json_t *details, int rc, json_t **out, struct wr_err *e)
{
	if (!rc)
		rc = journal_append(db, a->name, action, "advisory", id, details, e);
	if (!rc)
		rc = db_commit(db, e);
	if (rc) {
		db_rollback(db);
		return rc;
	}
	return advisory_get(db, a, id, out, e);
}

/* Binds the fields of body present in it to the columns of UPDATE/INSERT
 * statement st whose parameters are ?1 title .. ?9 follow_up_of,
 * ?10 escalation. */
static void bind_fields(sqlite3_stmt *st, const json_t *body)
{
	for (int i = 0; fields[i]; i++) {
		const json_t *v = json_object_get(body, fields[i]);
		int k = i + 1;
		if (!v || json_is_null(v))
			sqlite3_bind_null(st, k);
		else if (json_is_string(v))
			sqlite3_bind_text(st, k, json_string_value(v), -1, SQLITE_TRANSIENT);
		else if (json_is_boolean(v))
			sqlite3_bind_int(st, k, json_is_true(v));
		else if (json_is_integer(v))
			sqlite3_bind_int64(st, k, json_integer_value(v));
		else {
			char *s = json_dumps(v, JSON_COMPACT);
			sqlite3_bind_text(st, k, s ? s : "{}", -1, SQLITE_TRANSIENT);
			free(s);
		}
	}
}

int advisory_create(sqlite3 *db, const struct actor *a, const json_t *body, json_t **out,
		    struct wr_err *e)
{
	*out = NULL;
	int rc = require_staff(a, e);
	if (!rc)
		rc = check(body, 1, e);
	if (rc)
		return rc;
	char now[32];
	time_format_rfc3339((time_t)time_now(), now, sizeof now);
	sqlite3_stmt *st;
	if ((rc = db_begin(db, e)))
		return rc;
	rc = db_prepare(db,
			"INSERT INTO advisories (title, body, tlp, severity, kind, audience, ack_required,"
			" ack_deadline, follow_up_of, escalation, status, author, created_at, updated_at)"
			" VALUES (?1, ?2, ?3, ?4, coalesce(?5, 'advisory'), ?6, coalesce(?7, 0), ?8, ?9, ?10,"
			" 'draft', ?11, ?12, ?12)",
			&st, e);
	int64_t id = 0;
	if (!rc) {
		bind_fields(st, body);
		sqlite3_bind_text(st, 11, a->name, -1, SQLITE_STATIC);
		sqlite3_bind_text(st, 12, now, -1, SQLITE_STATIC);
		rc = db_step_done(db, st, e);
		id = sqlite3_last_insert_rowid(db);
	}
	return end_change(db, a, id, "advisory.create", body, rc, out, e);
}

int advisory_update(sqlite3 *db, const struct actor *a, int64_t id, const json_t *body,
		    json_t **out, struct wr_err *e)
{
	*out = NULL;
	char author[80], now[32];
	int rc = require_staff(a, e);
	if (!rc)
		rc = check(body, 0, e);
	if (rc || (rc = begin_change(db, a, id, "draft", author, e)))
		return rc;
	time_format_rfc3339((time_t)time_now(), now, sizeof now);
	sqlite3_stmt *st;
	rc = db_prepare(db,
				"UPDATE advisories SET title = coalesce(?1, title), body = coalesce(?2, body),"
				" tlp = coalesce(?3, tlp), severity = coalesce(?4, severity),"
				" kind = coalesce(?5, kind), audience = coalesce(?6, audience),"
				" ack_required = coalesce(?7, ack_required), ack_deadline = coalesce(?8, ack_deadline),"
				" follow_up_of = coalesce(?9, follow_up_of), escalation = coalesce(?10, escalation),"
				" updated_at = ?11 WHERE id = ?12",
				&st, e);
	if (!rc) {
		bind_fields(st, body);
		sqlite3_bind_text(st, 11, now, -1, SQLITE_STATIC);
		sqlite3_bind_int64(st, 12, id);
		rc = db_step_done(db, st, e);
	}
	return end_change(db, a, id, "advisory.update", body, rc, out, e);
}

/* Moves advisory id from status from to status to (staff). */
static int transition(sqlite3 *db, const struct actor *a, int64_t id, const char *from,
		      const char *to, const char *action, json_t **out, struct wr_err *e)
{
	*out = NULL;
	char author[80], now[32];
	int rc = begin_change(db, a, id, from, author, e);
	if (rc)
		return rc;
	time_format_rfc3339((time_t)time_now(), now, sizeof now);
	sqlite3_stmt *st;
	rc = db_prepare(db, "UPDATE advisories SET status = ?1, updated_at = ?2 WHERE id = ?3", &st, e);
	if (!rc) {
		sqlite3_bind_text(st, 1, to, -1, SQLITE_STATIC);
		sqlite3_bind_text(st, 2, now, -1, SQLITE_STATIC);
		sqlite3_bind_int64(st, 3, id);
		rc = db_step_done(db, st, e);
	}
	return end_change(db, a, id, action, NULL, rc, out, e);
}

int advisory_submit(sqlite3 *db, const struct actor *a, int64_t id, json_t **out, struct wr_err *e)
{
	return transition(db, a, id, "draft", "submitted", "advisory.submit", out, e);
}

int advisory_withdraw(sqlite3 *db, const struct actor *a, int64_t id, json_t **out,
		      struct wr_err *e)
{
	return transition(db, a, id, "submitted", "draft", "advisory.withdraw", out, e);
}

/* "a,b,c" of the integers or quoted strings of list l, for an IN (...). */
static void in_list(const json_t *l, int quoted, char *out, size_t n)
{
	size_t k = 0, i;
	const json_t *v;
	out[0] = '\0';
	json_array_foreach(l, i, v)
	{
		int w = quoted ? snprintf(out + k, n - k, "%s'%s'", i ? "," : "", json_string_value(v))
			       : snprintf(out + k, n - k, "%s%lld", i ? "," : "",
					  (long long)json_integer_value(v));
		if (w < 0 || (size_t)w >= n - k)
			break;
		k += (size_t)w;
	}
}

/* Writes one delivery per (active contact with an email, of a wanted role)
 * of every town of the audience, for a high or critical advisory also one
 * text message per SPOC and deputy with a mobile number among them, and one
 * webhook POST per town that registered one; returns the count in *n. The
 * values put into the SQL were checked by check_audience (known provinces,
 * roles and integer ids only). */
static int resolve(sqlite3 *db, int64_t id, const char *audience_json, int urgent, int open_tlp,
		   const char *now, int64_t *n, struct wr_err *e)
{
	json_t *au = NULL;
	int rc = json_parse_text(audience_json, strlen(audience_json), &au, e);
	if (rc)
		return rc;
	char towns[16384], roles_in[256], providers[16500] = "";
	const json_t *r = json_object_get(au, "roles");
	if (r)
		in_list(r, 1, roles_in, sizeof roles_in);
	else
		snprintf(roles_in, sizeof roles_in, "'spoc','deputy'");
	const char *base = "SELECT id FROM orgs WHERE valid_to IS NULL AND kind IN "
			   "('municipality','ocmw','police-zone')";
	char list[8192];
	if (json_object_get(au, "provinces")) {
		in_list(json_object_get(au, "provinces"), 1, list, sizeof list);
		snprintf(towns, sizeof towns, "%s AND province IN (%s)", base, list);
	} else if (json_object_get(au, "orgs")) {
		in_list(json_object_get(au, "orgs"), 0, list, sizeof list);
		snprintf(towns, sizeof towns, "%s AND id IN (%s)", base, list);
	} else if (json_object_get(au, "providers")) {
		in_list(json_object_get(au, "providers"), 0, list, sizeof list);
		snprintf(towns, sizeof towns,
			 "%s AND id IN (SELECT org_id FROM provider_clients WHERE provider_id IN (%s))",
			 base, list);
	} else {
		snprintf(towns, sizeof towns, "%s", base);
	}
	/* Role "provider": the contacts of the towns' ICT providers. Under TLP
	 * 2.0 a supplier is not a client: above GREEN only the providers the
	 * audience names themselves ({"providers": [...]}) receive it. */
	if (strstr(roles_in, "'provider'")) {
		if (open_tlp)
			snprintf(providers, sizeof providers,
				 "SELECT provider_id FROM provider_clients WHERE org_id IN (%s)", towns);
		else if (json_object_get(au, "providers"))
			in_list(json_object_get(au, "providers"), 0, providers, sizeof providers);
	}
	json_decref(au);
	char sql[17000];
	snprintf(sql, sizeof sql,
		 "INSERT INTO deliveries (advisory_id, org_id, contact_id, name, role, channel, address,"
		 " message_id, status, next_attempt_at)"
		 " SELECT ?1, c.org_id, c.id, c.name, c.role, 'email', c.email,"
		 " printf('<wr-%%d-%%d-%%s@warroom>', ?1, c.id, ?3), 'queued', ?2"
		 " FROM contacts c WHERE c.active = 1 AND c.email IS NOT NULL AND c.email != ''"
		 " AND c.role IN (%s) AND c.org_id IN (%s)",
		 roles_in, towns);
	sqlite3_stmt *st;
	if ((rc = db_prepare(db, sql, &st, e)))
		return rc;
	char salt[17];
	unsigned char b[8];
	randombytes_buf(b, sizeof b);
	sodium_bin2hex(salt, sizeof salt, b, sizeof b);
	sqlite3_bind_int64(st, 1, id);
	sqlite3_bind_text(st, 2, now, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 3, salt, -1, SQLITE_STATIC);
	rc = db_step_done(db, st, e);
	*n = rc ? 0 : sqlite3_changes(db);
	if (!rc && providers[0]) {
		snprintf(sql, sizeof sql,
			 "INSERT INTO deliveries (advisory_id, org_id, contact_id, name, role, channel, address,"
			 " message_id, status, next_attempt_at)"
			 " SELECT ?1, c.org_id, c.id, c.name, c.role, 'email', c.email,"
			 " printf('<wr-%%d-%%d-%%s@warroom>', ?1, c.id, ?3), 'queued', ?2"
			 " FROM contacts c JOIN orgs o ON o.id = c.org_id AND o.kind = 'provider'"
			 " WHERE c.active = 1 AND coalesce(c.email, '') != ''"
			 " AND c.role IN ('spoc','deputy','it-lead') AND c.org_id IN (%s)",
			 providers);
		if (!(rc = db_prepare(db, sql, &st, e))) {
			sqlite3_bind_int64(st, 1, id);
			sqlite3_bind_text(st, 2, now, -1, SQLITE_STATIC);
			sqlite3_bind_text(st, 3, salt, -1, SQLITE_STATIC);
			rc = db_step_done(db, st, e);
			*n += rc ? 0 : sqlite3_changes(db);
		}
	}
	/* The other channels go to the towns the e-mails went to. */
	const char *more[] = {
		urgent ? "INSERT INTO deliveries (advisory_id, org_id, contact_id, name, role, channel,"
			 " address, message_id, status, next_attempt_at)"
			 " SELECT ?1, c.org_id, c.id, c.name, c.role, 'sms', c.mobile,"
			 " printf('<wr-%d-%d-%s-sms0@warroom>', ?1, c.id, ?3), 'queued', ?2"
			 " FROM contacts c WHERE c.active = 1 AND coalesce(c.mobile, '') != ''"
			 " AND c.role IN ('spoc','deputy') AND c.id IN (SELECT contact_id FROM deliveries"
			 " WHERE advisory_id = ?1 AND channel = 'email')"
		       : NULL,
		"INSERT INTO deliveries (advisory_id, org_id, contact_id, name, role, channel, address,"
		" message_id, status, next_attempt_at)"
		" SELECT ?1, w.org_id, NULL, o.name, 'webhook', 'webhook', w.url,"
		" printf('<wr-%d-o%d-%s-webhook0@warroom>', ?1, w.org_id, ?3), 'queued', ?2"
		" FROM webhooks w JOIN orgs o ON o.id = w.org_id WHERE w.org_id IN"
		" (SELECT DISTINCT org_id FROM deliveries WHERE advisory_id = ?1)"};
	for (int i = 0; i < 2 && !rc; i++) {
		if (!more[i])
			continue;
		if ((rc = db_prepare(db, more[i], &st, e)))
			break;
		sqlite3_bind_int64(st, 1, id);
		sqlite3_bind_text(st, 2, now, -1, SQLITE_STATIC);
		sqlite3_bind_text(st, 3, salt, -1, SQLITE_STATIC);
		rc = db_step_done(db, st, e);
		*n += rc ? 0 : sqlite3_changes(db);
	}
	return rc;
}

int advisory_approve(sqlite3 *db, const struct actor *a, int64_t id, json_t **out,
		     struct wr_err *e)
{
	*out = NULL;
	char author[80], now[32];
	int rc = begin_change(db, a, id, "submitted", author, e);
	if (rc)
		return rc;
	time_format_rfc3339((time_t)time_now(), now, sizeof now);
	if (!strcmp(author, a->name))
		rc = wr_err_set(e, WR_EFORBIDDEN, NULL, "four eyes: the author cannot approve");
	sqlite3_stmt *st = NULL;
	if (!rc)
		rc = db_prepare(db, "SELECT audience, severity IN ('high','critical'), tlp IN ('CLEAR','GREEN')"
				    " FROM advisories WHERE id = ?1", &st, e);
	char *audience = NULL;
	int urgent = 0, open_tlp = 0;
	if (!rc) {
		sqlite3_bind_int64(st, 1, id);
		if (sqlite3_step(st) == SQLITE_ROW) {
			audience = strdup((const char *)sqlite3_column_text(st, 0));
			urgent = sqlite3_column_int(st, 1);
			open_tlp = sqlite3_column_int(st, 2);
		}
		sqlite3_finalize(st);
		if (!audience)
			rc = wr_err_set(e, WR_ENOMEM, NULL, "out of memory");
	}
	int64_t n = 0;
	if (!rc)
		rc = resolve(db, id, audience, urgent, open_tlp, now, &n, e);
	free(audience);
	if (!rc)
		rc = db_prepare(db,
				"UPDATE advisories SET status = ?1, approver = ?2, approved_at = ?3,"
				" updated_at = ?3 WHERE id = ?4",
				&st, e);
	if (!rc) {
		sqlite3_bind_text(st, 1, n ? "sending" : "sent", -1, SQLITE_STATIC);
		sqlite3_bind_text(st, 2, a->name, -1, SQLITE_STATIC);
		sqlite3_bind_text(st, 3, now, -1, SQLITE_STATIC);
		sqlite3_bind_int64(st, 4, id);
		rc = db_step_done(db, st, e);
	}
	json_t *d = json_pack("{s:I}", "deliveries", (json_int_t)n);
	rc = end_change(db, a, id, "advisory.approve", d, rc, out, e);
	json_decref(d);
	return rc;
}

/* A SPOC sees an advisory when it was sent to its town. */
/* The organisation whose inbox the actor reads: a SPOC's town, a provider
 * account's provider (its contacts are recipients too); 0 for others. */
static int64_t recipient_org(const struct actor *a)
{
	if (a->role == ROLE_SPOC)
		return a->org_id;
	return a->role == ROLE_PROVIDER ? a->provider_id : 0;
}

static int visible(sqlite3 *db, const struct actor *a, int64_t id, struct wr_err *e)
{
	if (scope_is_staff(a))
		return 0;
	int64_t n = 0, own = recipient_org(a);
	if (own) {
		sqlite3_stmt *st;
		int rc = db_prepare(db, "SELECT count(*) FROM deliveries WHERE advisory_id = ?1 AND org_id = ?2",
				    &st, e);
		if (rc)
			return rc;
		sqlite3_bind_int64(st, 1, id);
		sqlite3_bind_int64(st, 2, own);
		if (sqlite3_step(st) == SQLITE_ROW)
			n = sqlite3_column_int64(st, 0);
		sqlite3_finalize(st);
	}
	return n ? 0 : wr_err_set(e, WR_ENOTFOUND, NULL, "no such advisory");
}

#define ADVISORY_COLUMNS                                                                           \
	"SELECT a.id, a.title, a.body, a.tlp, a.severity, a.kind, a.audience, a.ack_required,"   \
	" a.ack_deadline, a.follow_up_of, a.status, a.author, a.approver, a.created_at,"          \
	" a.updated_at, a.approved_at, a.escalation,"                                             \
	" (SELECT count(*) FROM deliveries d WHERE d.advisory_id = a.id AND step = 0) AS recipients," \
	" (SELECT count(*) FROM deliveries d WHERE d.advisory_id = a.id AND step = 0"             \
	"  AND status = 'sent') AS delivered,"                                                    \
	" (SELECT count(*) FROM deliveries d WHERE d.advisory_id = a.id AND step = 0"             \
	"  AND status = 'failed') AS failed,"                                                     \
	" (SELECT json_group_object(channel, json_object('recipients', n, 'delivered', s,"         \
	"  'failed', f, 'pending', n - s - f)) FROM (SELECT channel, count(*) AS n,"              \
	"  sum(status = 'sent') AS s, sum(status = 'failed') AS f FROM deliveries d"              \
	"  WHERE d.advisory_id = a.id AND step = 0 GROUP BY channel)) AS channels,"               \
	" (SELECT count(DISTINCT org_id) FROM deliveries d WHERE d.advisory_id = a.id) AS towns,"   \
	" (SELECT count(*) FROM acks k WHERE k.advisory_id = a.id) AS acknowledged"               \
	" FROM advisories a"

/* The row as the API shows it: stats in their own object, audience as JSON. */
static json_t *advisory_json(sqlite3_stmt *st)
{
	json_t *o = db_row_json(st);
	if (!o)
		return NULL;
	json_t *au = NULL;
	const char *s = json_string_value(json_object_get(o, "audience"));
	if (s)
		au = json_loads(s, 0, NULL);
	json_object_set_new(o, "audience", au ? au : json_null());
	/* The escalation policy in force (the default when none was given). */
	s = json_string_value(json_object_get(o, "escalation"));
	json_t *esc = s ? json_loads(s, 0, NULL) : escalation_default();
	json_object_set_new(o, "escalation", esc ? esc : json_null());
	json_object_set_new(o, "ack_required", json_boolean(json_integer_value(json_object_get(o, "ack_required"))));
	json_int_t rcp = json_integer_value(json_object_get(o, "recipients"));
	json_int_t del = json_integer_value(json_object_get(o, "delivered"));
	json_int_t fail = json_integer_value(json_object_get(o, "failed"));
	json_t *stats = json_pack("{s:I, s:I, s:I, s:I, s:I, s:I}", "recipients", rcp, "delivered", del,
				  "failed", fail, "pending", rcp - del - fail, "towns",
				  json_integer_value(json_object_get(o, "towns")), "acknowledged",
				  json_integer_value(json_object_get(o, "acknowledged")));
	s = json_string_value(json_object_get(o, "channels"));
	json_t *ch = s ? json_loads(s, 0, NULL) : NULL;
	if (stats)
		json_object_set_new(stats, "channels", ch ? ch : json_object());
	else
		json_decref(ch);
	const char *drop[] = {"recipients", "delivered", "failed", "towns", "acknowledged", "channels"};
	for (int i = 0; i < 6; i++)
		json_object_del(o, drop[i]);
	json_object_set_new(o, "stats", stats);
	return o;
}

int advisory_get(sqlite3 *db, const struct actor *a, int64_t id, json_t **out, struct wr_err *e)
{
	*out = NULL;
	int rc = visible(db, a, id, e);
	if (rc)
		return rc;
	sqlite3_stmt *st;
	if ((rc = db_prepare(db, ADVISORY_COLUMNS " WHERE a.id = ?1", &st, e)))
		return rc;
	sqlite3_bind_int64(st, 1, id);
	rc = sqlite3_step(st);
	if (rc == SQLITE_ROW)
		*out = advisory_json(st);
	sqlite3_finalize(st);
	if (rc == SQLITE_DONE)
		return wr_err_set(e, WR_ENOTFOUND, NULL, "no such advisory");
	if (rc != SQLITE_ROW)
		return db_fail(db, e);
	if (!*out)
		return wr_err_set(e, WR_ENOMEM, NULL, "out of memory");
	json_t *files;
	if ((rc = comms_attachments_list(db, id, &files, e))) {
		json_decref(*out);
		*out = NULL;
		return rc;
	}
	json_object_set_new(*out, "attachments", files);
	return 0;
}

/* Every row of st as a JSON array through conv (NULL: db_row_json). */
static int rows(sqlite3 *db, sqlite3_stmt *st, json_t *(*conv)(sqlite3_stmt *), json_t **items,
		struct wr_err *e)
{
	int64_t no_cursor;
	return db_page(db, st, INT_MAX, conv, items, &no_cursor, e);
}

int advisory_list(sqlite3 *db, const struct actor *a, int limit, int64_t cursor, json_t **items,
		  int64_t *next_cursor, struct wr_err *e)
{
	*items = NULL;
	*next_cursor = 0;
	if (!scope_is_staff(a) && !recipient_org(a))
		return wr_err_set(e, WR_EFORBIDDEN, NULL, "advisories are shown to the war room and the towns");
	sqlite3_stmt *st;
	int rc = db_prepare(db,
			    ADVISORY_COLUMNS " WHERE (?1 = 0 OR a.id < ?1) AND (?2 = 0 OR EXISTS"
					     " (SELECT 1 FROM deliveries d WHERE d.advisory_id = a.id"
					     " AND d.org_id = ?2)) ORDER BY a.id DESC LIMIT ?3",
			    &st, e);
	if (rc)
		return rc;
	sqlite3_bind_int64(st, 1, cursor);
	sqlite3_bind_int64(st, 2, scope_is_staff(a) ? 0 : recipient_org(a));
	sqlite3_bind_int(st, 3, limit + 1);
	return db_page(db, st, limit, advisory_json, items, next_cursor, e);
}

int advisory_deliveries(sqlite3 *db, const struct actor *a, int64_t id, json_t **items,
			struct wr_err *e)
{
	*items = NULL;
	int rc = require_staff(a, e);
	sqlite3_stmt *st;
	if (!rc)
		rc = db_prepare(db,
				"SELECT d.id, d.org_id, o.name AS org_name, d.name, d.role, d.channel, d.step,"
				" d.address, d.status, d.attempts, d.last_error, d.sent_at,"
				" (SELECT k.at FROM acks k WHERE k.advisory_id = d.advisory_id"
				" AND k.org_id = d.org_id) AS acknowledged_at"
				" FROM deliveries d JOIN orgs o ON o.id = d.org_id WHERE d.advisory_id = ?1"
				" ORDER BY o.name, d.step, d.role, d.id",
				&st, e);
	if (rc)
		return rc;
	sqlite3_bind_int64(st, 1, id);
	return rows(db, st, NULL, items, e);
}

int comms_for_org(sqlite3 *db, const struct actor *a, int64_t org_id, json_t **items,
		  struct wr_err *e)
{
	*items = NULL;
	if (!scope_is_staff(a) && !(a->role == ROLE_SPOC && a->org_id == org_id))
		return wr_err_set(e, WR_ENOTFOUND, NULL, "no such organisation");
	sqlite3_stmt *st;
	int rc = db_prepare(db,
			    "SELECT a.id, a.title, a.tlp, a.severity, a.kind, a.approved_at, a.ack_required,"
			    " a.ack_deadline, (SELECT k.at FROM acks k WHERE k.advisory_id = a.id"
			    " AND k.org_id = ?1) AS acknowledged_at, (SELECT k.by_name FROM acks k WHERE"
			    " k.advisory_id = a.id AND k.org_id = ?1) AS acknowledged_by"
			    " FROM advisories a WHERE EXISTS (SELECT 1 FROM deliveries d WHERE"
			    " d.advisory_id = a.id AND d.org_id = ?1) ORDER BY a.id DESC",
			    &st, e);
	if (rc)
		return rc;
	sqlite3_bind_int64(st, 1, org_id);
	return rows(db, st, NULL, items, e);
}

int advisory_ack(sqlite3 *db, const struct actor *a, int64_t id, int64_t delivery_id,
		 const char *via, const char *by, struct wr_err *e)
{
	int64_t org = 0;
	int rc;
	sqlite3_stmt *st;
	if (a->role == ROLE_SYSTEM) {
		rc = db_prepare(db, "SELECT org_id, advisory_id FROM deliveries WHERE id = ?1", &st, e);
		if (rc)
			return rc;
		sqlite3_bind_int64(st, 1, delivery_id);
		if (sqlite3_step(st) == SQLITE_ROW) {
			org = sqlite3_column_int64(st, 0);
			id = sqlite3_column_int64(st, 1);
		}
		sqlite3_finalize(st);
		if (!org)
			return wr_err_set(e, WR_ENOTFOUND, NULL, "no such delivery");
	} else if (a->role == ROLE_SPOC) {
		if ((rc = visible(db, a, id, e)))
			return rc;
		org = a->org_id;
	} else {
		return wr_err_set(e, WR_EFORBIDDEN, NULL, "a town acknowledges, through its SPOC");
	}
	char now[32];
	time_format_rfc3339((time_t)time_now(), now, sizeof now);
	if ((rc = db_begin(db, e)))
		return rc;
	rc = db_prepare(db, "INSERT OR IGNORE INTO acks (advisory_id, org_id, by_name, via, at)"
			    " VALUES (?1, ?2, ?3, ?4, ?5)", &st, e);
	if (!rc) {
		sqlite3_bind_int64(st, 1, id);
		sqlite3_bind_int64(st, 2, org);
		sqlite3_bind_text(st, 3, by, -1, SQLITE_STATIC);
		sqlite3_bind_text(st, 4, via, -1, SQLITE_STATIC);
		sqlite3_bind_text(st, 5, now, -1, SQLITE_STATIC);
		rc = db_step_done(db, st, e);
	}
	if (!rc && sqlite3_changes(db)) {
		json_t *d = json_pack("{s:I, s:s, s:s}", "org_id", (json_int_t)org, "via", via, "by", by);
		rc = journal_append(db, a->name, "advisory.ack", "advisory", id, d, e);
		json_decref(d);
	}
	if (!rc)
		rc = db_commit(db, e);
	if (rc)
		db_rollback(db);
	return rc;
}

/* For the other files of this module (comms_internal.h). */
int comms_begin_draft_change(sqlite3 *db, const struct actor *a, int64_t id, struct wr_err *e)
{
	char author[80];
	return begin_change(db, a, id, "draft", author, e);
}

int comms_end_change(sqlite3 *db, const struct actor *a, int64_t id, const char *action,
		     const json_t *details, int rc, json_t **out, struct wr_err *e)
{
	return end_change(db, a, id, action, details, rc, out, e);
}
