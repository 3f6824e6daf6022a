/* The invitation to an information session and its reminder the day before,
 * as advisories of the communications engine (docs/programme.md): a draft
 * with the session's .ics attached, then the normal four-eyes flow. The
 * reminders that are due are prepared by `warroom programme reminders` (and
 * hourly by the server) and submitted, so one analyst's approval sends them. */
#include "programme/sessions.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/timeutil.h"
#include "comms/comms.h"
#include "programme/prog_internal.h"
#include "store/db.h"

/* Who of each town a session is for (the session's audience). */
static json_t *roles_for(const char *audience)
{
	if (!strcmp(audience, "spoc"))
		return json_pack("[s,s]", "spoc", "deputy");
	if (!strcmp(audience, "it"))
		return json_pack("[s,s]", "ciso", "it-lead");
	if (!strcmp(audience, "management"))
		return json_pack("[s,s]", "mayor", "spoc");
	return json_pack("[s,s,s,s,s]", "spoc", "deputy", "ciso", "it-lead", "mayor");
}

static json_t *first_column(sqlite3_stmt *st)
{
	return json_integer(sqlite3_column_int64(st, 0));
}

/* The towns with someone registered (not waiting, not cancelled). */
static int registered_towns(sqlite3 *db, int64_t sid, json_t **ids, struct wr_err *e)
{
	sqlite3_stmt *st;
	int rc = prog_prepare_id(db, "SELECT DISTINCT org_id FROM programme_registrations"
				     " WHERE session_id = ? AND status = 'registered' ORDER BY org_id", sid, &st, e);
	return rc ? rc : db_rows(db, st, first_column, ids, e);
}

/* The advisory draft of a session's invitation or reminder. */
static int draft_for(sqlite3 *db, const json_t *s, int reminder, json_t **out, struct wr_err *e)
{
	const char *title = json_string_value(json_object_get(s, "title"));
	const char *starts = json_string_value(json_object_get(s, "starts_local"));
	const char *ends = json_string_value(json_object_get(s, "ends_local"));
	const char *place = json_string_value(json_object_get(s, "place"));
	const char *url = json_string_value(json_object_get(s, "online_url"));
	char where[700], subject[260];
	snprintf(where, sizeof where, "%s%s%s", place ? place : "", place && url ? " / " : "", url ? url : "");
	/* starts_local is "YYYY-MM-DDTHH:MM"; shown as "YYYY-MM-DD HH:MM" */
	char day[11] = "", from[6] = "", to[6] = "";
	if (starts && strlen(starts) >= 16) {
		memcpy(day, starts, 10);
		memcpy(from, starts + 11, 5);
	}
	if (ends && strlen(ends) >= 16)
		memcpy(to, ends + 11, 5);
	snprintf(subject, sizeof subject, "%s: %s", reminder ? "Herinnering / Reminder" : "Uitnodiging / Invitation",
		 title);
	char *body = NULL;
	int n = asprintf(&body,
			 "**%s**\n\n%s %s, %s-%s (Brussel / Brussels)  \n%s\n\n"
			 "%s\n\n---\n\n%s\n\nDe agenda-uitnodiging zit in bijlage (.ics). / "
			 "The calendar invitation is attached (.ics).\n",
			 title, reminder ? "Morgen / Tomorrow:" : "Wanneer / When:", day, from, to, where,
			 reminder ? "U of collega's van uw bestuur zijn ingeschreven voor deze infosessie."
				  : "De Vlaamse cyber war room nodigt u uit voor deze infosessie. Schrijf u in via "
				    "warroom (Infosessies): de plaatsen zijn beperkt, daarna is er een wachtlijst.",
			 reminder ? "You or colleagues of your local government are registered for this session."
				  : "The Flemish cyber war room invites you to this information session. Register in "
				    "warroom (Sessions): places are limited, then there is a waiting list.");
	if (n < 0)
		return wr_err_set(e, WR_ENOMEM, NULL, "out of memory");
	json_t *aud;
	int rc = 0;
	if (reminder) {
		json_t *towns = NULL;
		if ((rc = registered_towns(db, json_integer_value(json_object_get(s, "id")), &towns, e))) {
			free(body);
			return rc;
		}
		if (!json_array_size(towns)) {
			json_decref(towns);
			free(body);
			return wr_err_set(e, WR_ECONFLICT, "registrations", "nobody is registered for this session");
		}
		aud = json_pack("{s:o, s:[s,s]}", "orgs", towns, "roles", "spoc", "deputy");
	} else {
		aud = json_pack("{s:b, s:o}", "all", 1,
				"roles", roles_for(json_string_value(json_object_get(s, "audience"))));
	}
	*out = json_pack("{s:s, s:s, s:s, s:s, s:s, s:o}", "title", subject, "body", body, "tlp", "CLEAR",
			 "severity", "info", "kind", "invitation", "audience", aud);
	free(body);
	return *out ? 0 : wr_err_set(e, WR_ENOMEM, NULL, "out of memory");
}

int session_mail(sqlite3 *db, const struct actor *a, int64_t sid, const char *kind, json_t **out,
		 struct wr_err *e)
{
	*out = NULL;
	if (!scope_is_staff(a))
		return wr_err_set(e, WR_EFORBIDDEN, NULL, "the war room sends invitations and reminders");
	int reminder = !strcmp(kind, "reminder");
	json_t *s = NULL, *draft = NULL, *adv = NULL;
	char *ics = NULL;
	int64_t existing = 0, adv_id = 0;
	/* read before the write transaction (session_get reads in its own) */
	int rc = session_get(db, a, sid, &s, e);
	if (rc || (rc = db_begin(db, e))) {
		json_decref(s);
		return rc;
	}
	sqlite3_stmt *st;
	if ((rc = db_prepare(db, "SELECT advisory_id FROM programme_session_mails WHERE session_id = ?1"
				 " AND kind = ?2", &st, e)))
		goto out;
	sqlite3_bind_int64(st, 1, sid);
	sqlite3_bind_text(st, 2, kind, -1, SQLITE_STATIC);
	if (sqlite3_step(st) == SQLITE_ROW)
		existing = sqlite3_column_int64(st, 0);
	sqlite3_finalize(st);
	if (existing) {
		rc = wr_err_set(e, WR_ECONFLICT, "kind", "this session's %s is advisory %lld already", kind,
				(long long)existing);
		goto out;
	}
	char name[48], now[32];
	snprintf(name, sizeof name, "session-%lld.ics", (long long)sid);
	if ((rc = draft_for(db, s, reminder, &draft, e)) ||
	    (rc = session_ics(db, sid, &ics, e)) || (rc = advisory_create(db, a, draft, &adv, e)))
		goto out;
	adv_id = json_integer_value(json_object_get(adv, "id"));
	json_decref(adv);
	adv = NULL;
	if ((rc = comms_attachment_add(db, a, adv_id, name, "text/calendar", ics, strlen(ics), &adv, e)))
		goto out;
	/* prepared by the server: submitted, so that one analyst approves it */
	if (a->role == ROLE_SYSTEM) {
		json_decref(adv);
		adv = NULL;
		if ((rc = advisory_submit(db, a, adv_id, &adv, e)))
			goto out;
	}
	time_format_rfc3339((time_t)time_now(), now, sizeof now);
	if ((rc = db_prepare(db, "INSERT INTO programme_session_mails VALUES (?1, ?2, ?3, ?4)", &st, e)))
		goto out;
	sqlite3_bind_int64(st, 1, sid);
	sqlite3_bind_text(st, 2, kind, -1, SQLITE_STATIC);
	sqlite3_bind_int64(st, 3, adv_id);
	sqlite3_bind_text(st, 4, now, -1, SQLITE_STATIC);
	if (!(rc = db_step_done(db, st, e)))
		rc = db_commit(db, e);
out:
	if (rc) {
		db_rollback(db);
		json_decref(adv);
		adv = NULL;
	}
	json_decref(s);
	json_decref(draft);
	free(ics);
	*out = adv;
	return rc;
}

int session_reminders_due(sqlite3 *db, const struct actor *a, int64_t now, int *prepared, struct wr_err *e)
{
	*prepared = 0;
	char lo[32], hi[32];
	time_format_rfc3339((time_t)(now + 12 * 3600), lo, sizeof lo);
	time_format_rfc3339((time_t)(now + 36 * 3600), hi, sizeof hi);
	sqlite3_stmt *st;
	int rc = db_prepare(db,
			    "SELECT s.id FROM programme_sessions s WHERE s.starts_at BETWEEN ?1 AND ?2"
			    " AND EXISTS (SELECT 1 FROM programme_registrations r WHERE r.session_id = s.id"
			    "  AND r.status = 'registered') AND NOT EXISTS (SELECT 1 FROM programme_session_mails m"
			    "  WHERE m.session_id = s.id AND m.kind = 'reminder') ORDER BY s.starts_at",
			    &st, e);
	if (rc)
		return rc;
	sqlite3_bind_text(st, 1, lo, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 2, hi, -1, SQLITE_STATIC);
	int64_t ids[64];
	int n = 0;
	while (n < 64 && sqlite3_step(st) == SQLITE_ROW)
		ids[n++] = sqlite3_column_int64(st, 0);
	sqlite3_finalize(st);
	for (int i = 0; i < n && !rc; i++) {
		json_t *adv;
		if (!(rc = session_mail(db, a, ids[i], "reminder", &adv, e)))
			(*prepared)++;
		json_decref(adv);
	}
	return rc;
}
