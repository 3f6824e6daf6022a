/* Coordinated communications (issue 3, docs/comms.md): advisories with a
 * TLP label and four-eyes approval, the outbox of their deliveries, and the
 * towns' acknowledgements. Other modules send their messages through here. */
#ifndef WR_COMMS_COMMS_H
#define WR_COMMS_COMMS_H

#include <jansson.h>
#include <sqlite3.h>
#include <stdint.h>

#include "base/err.h"
#include "comms/mail.h"
#include "store/scope.h"

/* A draft from {"title","body","tlp","severity","kind","audience",
 * "ack_required","ack_deadline","follow_up_of"}; staff only. *out is the
 * advisory as advisory_get() shows it. */
int advisory_create(sqlite3 *db, const struct actor *a, const json_t *body, json_t **out,
		    struct wr_err *e);
/* Changes a draft (the same fields). */
int advisory_update(sqlite3 *db, const struct actor *a, int64_t id, const json_t *body,
		    json_t **out, struct wr_err *e);
/* draft -> submitted; submitted -> draft (withdraw); submitted -> sending
 * (approve: by staff other than the author; resolves the audience and
 * writes one delivery per recipient in the same transaction). */
int advisory_submit(sqlite3 *db, const struct actor *a, int64_t id, json_t **out, struct wr_err *e);
int advisory_withdraw(sqlite3 *db, const struct actor *a, int64_t id, json_t **out,
		      struct wr_err *e);
int advisory_approve(sqlite3 *db, const struct actor *a, int64_t id, json_t **out,
		     struct wr_err *e);
/* The advisory with stats {recipients, delivered, failed, pending, towns,
 * acknowledged}. Staff see all; a SPOC those sent to its town (404 else). */
int advisory_get(sqlite3 *db, const struct actor *a, int64_t id, json_t **out, struct wr_err *e);
/* Staff: every advisory; a SPOC: those sent to its town. Newest first. */
int advisory_list(sqlite3 *db, const struct actor *a, int limit, int64_t cursor, json_t **items,
		  int64_t *next_cursor, struct wr_err *e);
/* The deliveries of an advisory (staff). */
int advisory_deliveries(sqlite3 *db, const struct actor *a, int64_t id, json_t **items,
			struct wr_err *e);
/* What the war room sent to town org_id (staff; the town's SPOC). */
int comms_for_org(sqlite3 *db, const struct actor *a, int64_t org_id, json_t **items,
		  struct wr_err *e);
/* Acknowledges for the actor's town (a SPOC; via "portal" or "api"), or, with
 * a->role == ROLE_SYSTEM, for the town of delivery_id (via "link"). One
 * acknowledgement counts for the town: a second one is accepted and changes
 * nothing. */
int advisory_ack(sqlite3 *db, const struct actor *a, int64_t id, int64_t delivery_id,
		 const char *via, const char *by, struct wr_err *e);

/* Acknowledgement links: a token bound to one delivery, valid until
 * expires (epoch seconds), made with the server's key (DB.comms.key, 0600,
 * created when missing). */
int comms_key_load(const char *db_path, unsigned char key[32], struct wr_err *e);
void ack_token_make(const unsigned char key[32], int64_t delivery_id, int64_t expires,
		    char out[64]);
/* 0 and *delivery_id when token is genuine and not expired at now;
 * WR_EAUTH when forged, altered or expired. */
int ack_token_check(const unsigned char key[32], const char *token, int64_t now,
		    int64_t *delivery_id, struct wr_err *e);

/* Attachments (docs/comms.md): at most COMMS_ATTACHMENTS_PER_ADVISORY files
 * of COMMS_ATTACHMENTS_TOTAL bytes together, each at most
 * COMMS_ATTACHMENT_MAX; added and deleted while the advisory is a draft
 * (staff), sent with each of its e-mails. *out: the advisory. */
#define COMMS_ATTACHMENT_NAME_MAX 100
#define COMMS_ATTACHMENT_MAX (2 * 1024 * 1024)
#define COMMS_ATTACHMENTS_TOTAL (5 * 1024 * 1024)
#define COMMS_ATTACHMENTS_PER_ADVISORY 10
int comms_attachment_add(sqlite3 *db, const struct actor *a, int64_t advisory_id, const char *name,
			 const char *content_type, const void *data, size_t len, json_t **out,
			 struct wr_err *e);
int comms_attachment_delete(sqlite3 *db, const struct actor *a, int64_t advisory_id, int64_t id,
			    json_t **out, struct wr_err *e);
/* [{"id","name","content_type","size","sha256","added_by","created_at"}] */
int comms_attachments_list(sqlite3 *db, int64_t advisory_id, json_t **items, struct wr_err *e);
/* Every attachment of an advisory with its bytes, for the mail; free with
 * comms_attachments_free (name and data are owned, content_type static). */
int comms_attachments_load(sqlite3 *db, int64_t advisory_id, struct mail_attachment **out, size_t *n,
			   struct wr_err *e);
void comms_attachments_free(struct mail_attachment *v, size_t n);
/* One attachment's bytes (staff); the caller frees name and data. */
int comms_attachment_data(sqlite3 *db, const struct actor *a, int64_t advisory_id, int64_t id,
			  struct mail_attachment *out, struct wr_err *e);

/* A message warroom writes itself from a fixed template (no four eyes):
 * an advisory by "warroom", sending, e-mailed to the active contacts of
 * town org_id whose role is in roles ("spoc,deputy") and, in copy, to the
 * SPOC, deputy and IT lead of the organisations in copy_orgs_json (NULL:
 * none). Acknowledgement asked when ack_deadline is set. Inside the
 * caller's transaction; *adv the advisory's id. */
struct comms_system_msg {
	const char *title, *body, *tlp, *severity, *kind;
	int64_t org_id;
	const char *roles;
	const char *copy_orgs_json;
	const char *ack_deadline;
};
int comms_system_message(sqlite3 *db, const struct comms_system_msg *m, int64_t *adv, struct wr_err *e);

#endif
