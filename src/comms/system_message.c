/* Messages warroom writes itself from a fixed template (a vulnerability
 * notice, an incident's clock reminder): no analyst writes or approves them,
 * so they go straight into the outbox as an advisory by "warroom", approved
 * and sending, with one e-mail delivery per recipient (docs/comms.md,
 * "System advisories"). Inside the caller's transaction. */
#include "comms/comms.h"

#include <sodium.h>
#include <stdio.h>

#include "base/timeutil.h"
#include "store/db.h"

int comms_system_message(sqlite3 *db, const struct comms_system_msg *m, int64_t *adv, struct wr_err *e)
{
	char now[32], audience[64];
	time_format_rfc3339((time_t)time_now(), now, sizeof now);
	snprintf(audience, sizeof audience, "{\"orgs\":[%lld]}", (long long)m->org_id);
	sqlite3_stmt *st;
	int rc = db_prepare(db,
			    "INSERT INTO advisories (title, body, tlp, severity, kind, audience, ack_required,"
			    " ack_deadline, status, author, approver, created_at, updated_at, approved_at)"
			    " VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, 'sending', 'warroom', 'warroom', ?9, ?9, ?9)",
			    &st, e);
	if (rc)
		return rc;
	sqlite3_bind_text(st, 1, m->title, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 2, m->body, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 3, m->tlp, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 4, m->severity, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 5, m->kind, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 6, audience, -1, SQLITE_STATIC);
	sqlite3_bind_int(st, 7, m->ack_deadline != NULL);
	db_bind_text_or_null(st, 8, m->ack_deadline);
	sqlite3_bind_text(st, 9, now, -1, SQLITE_STATIC);
	if ((rc = db_step_done(db, st, e)))
		return rc;
	*adv = sqlite3_last_insert_rowid(db);
	/* The town's contacts of the roles; in copy the SPOC, deputy and IT
	 * lead of the organisations in copy_orgs (a JSON array of ids). */
	if ((rc = db_prepare(db,
			     "INSERT INTO deliveries (advisory_id, org_id, contact_id, name, role, channel,"
			     " address, message_id, status, next_attempt_at)"
			     " SELECT ?1, c.org_id, c.id, c.name, c.role, 'email', c.email,"
			     " printf('<wr-%d-%d-%s@warroom>', ?1, c.id, ?3), 'queued', ?4 FROM contacts c"
			     " WHERE c.active = 1 AND coalesce(c.email, '') <> '' AND ((c.org_id = ?2 AND"
			     " instr(',' || ?6 || ',', ',' || c.role || ',') > 0) OR (c.org_id IN"
			     " (SELECT value FROM json_each(?5)) AND c.role IN ('spoc','deputy','it-lead')))",
			     &st, e)))
		return rc;
	char salt[17];
	unsigned char r[8];
	randombytes_buf(r, sizeof r);
	sodium_bin2hex(salt, sizeof salt, r, sizeof r);
	sqlite3_bind_int64(st, 1, *adv);
	sqlite3_bind_int64(st, 2, m->org_id);
	sqlite3_bind_text(st, 3, salt, -1, SQLITE_TRANSIENT);
	sqlite3_bind_text(st, 4, now, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 5, m->copy_orgs_json ? m->copy_orgs_json : "[]", -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 6, m->roles, -1, SQLITE_STATIC);
	if ((rc = db_step_done(db, st, e)))
		return rc;
	/* Nobody to write to: the message stands, sent to no one. */
	if (sqlite3_changes(db) == 0 &&
	    !(rc = db_prepare(db, "UPDATE advisories SET status = 'sent' WHERE id = ?1", &st, e))) {
		sqlite3_bind_int64(st, 1, *adv);
		rc = db_step_done(db, st, e);
	}
	return rc;
}
