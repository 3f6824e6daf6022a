/* Attachments of an advisory (docs/comms.md): added and removed while it is
 * a draft, sent with every e-mail of it. The file name and the media type
 * are checked here because they end up in a MIME header: a name is plain
 * ASCII ([A-Za-z0-9._-], no leading dot) and the type one of a short list. */
#include "comms/comms_internal.h"

#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "base/timeutil.h"
#include "store/db.h"

static const char *const media_types[] = {
	"application/pdf", "text/plain", "text/csv", "text/calendar", "application/json",
	"application/stix+json", "application/zip", NULL};

static int name_ok(const char *n)
{
	size_t len = strlen(n);
	if (len < 1 || len > COMMS_ATTACHMENT_NAME_MAX || n[0] == '.')
		return 0;
	for (const char *p = n; *p; p++)
		if (!((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') || (*p >= '0' && *p <= '9') ||
		      *p == '.' || *p == '_' || *p == '-'))
			return 0;
	return 1;
}

/* The media type without parameters ("text/csv; charset=utf-8" -> text/csv)
 * when it is on the list; NULL otherwise. */
static const char *media_type(const char *ct)
{
	size_t n = strcspn(ct ? ct : "", "; ");
	for (int i = 0; ct && media_types[i]; i++)
		if (strlen(media_types[i]) == n && !strncasecmp(ct, media_types[i], n))
			return media_types[i];
	return NULL;
}

int comms_attachment_add(sqlite3 *db, const struct actor *a, int64_t advisory_id, const char *name,
			 const char *content_type, const void *data, size_t len, json_t **out,
			 struct wr_err *e)
{
	*out = NULL;
	if (!name || !name_ok(name))
		return wr_err_set(e, WR_EINVAL, "name",
				  "must be 1 to %d characters of A-Z, a-z, 0-9, '.', '_' or '-', not starting with '.'",
				  COMMS_ATTACHMENT_NAME_MAX);
	const char *mt = media_type(content_type);
	if (!mt)
		return wr_err_set(e, WR_EMEDIA, "content_type",
				  "must be application/pdf, text/plain, text/csv, text/calendar, application/json,"
				  " application/stix+json or application/zip");
	if (len == 0)
		return wr_err_set(e, WR_EINVAL, "body", "an attachment cannot be empty");
	if (len > COMMS_ATTACHMENT_MAX)
		return wr_err_set(e, WR_ETOOBIG, "body", "an attachment is at most %d bytes",
				  COMMS_ATTACHMENT_MAX);
	int rc = comms_begin_draft_change(db, a, advisory_id, e);
	if (rc)
		return rc;
	int64_t total = 0, count = 0;
	sqlite3_stmt *st;
	if ((rc = db_prepare(db, "SELECT count(*), coalesce(sum(size), 0) FROM advisory_attachments"
				 " WHERE advisory_id = ?1", &st, e)))
		goto out;
	sqlite3_bind_int64(st, 1, advisory_id);
	if (sqlite3_step(st) == SQLITE_ROW) {
		count = sqlite3_column_int64(st, 0);
		total = sqlite3_column_int64(st, 1);
	}
	sqlite3_finalize(st);
	if (count >= COMMS_ATTACHMENTS_PER_ADVISORY || total + (int64_t)len > COMMS_ATTACHMENTS_TOTAL) {
		rc = wr_err_set(e, WR_ETOOBIG, "body", "an advisory has at most %d attachments of %d bytes together",
				COMMS_ATTACHMENTS_PER_ADVISORY, COMMS_ATTACHMENTS_TOTAL);
		goto out;
	}
	unsigned char h[crypto_hash_sha256_BYTES];
	char hex[2 * crypto_hash_sha256_BYTES + 1], now[32];
	crypto_hash_sha256(h, data, len);
	sodium_bin2hex(hex, sizeof hex, h, sizeof h);
	time_format_rfc3339((time_t)time_now(), now, sizeof now);
	if ((rc = db_prepare(db, "INSERT INTO advisory_attachments (advisory_id, name, content_type, size,"
				 " sha256, data, added_by, created_at) VALUES (?1,?2,?3,?4,?5,?6,?7,?8)", &st, e)))
		goto out;
	sqlite3_bind_int64(st, 1, advisory_id);
	sqlite3_bind_text(st, 2, name, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 3, mt, -1, SQLITE_STATIC);
	sqlite3_bind_int64(st, 4, (sqlite3_int64)len);
	sqlite3_bind_text(st, 5, hex, -1, SQLITE_STATIC);
	sqlite3_bind_blob(st, 6, data, (int)len, SQLITE_STATIC);
	sqlite3_bind_text(st, 7, a->name, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 8, now, -1, SQLITE_STATIC);
	rc = db_step_done(db, st, e);
	if (rc == WR_ECONFLICT)
		rc = wr_err_set(e, WR_ECONFLICT, "name", "this advisory has an attachment named %s already", name);
out:;
	json_t *d = json_pack("{s:s, s:s, s:I}", "name", name, "content_type", mt, "size", (json_int_t)len);
	rc = comms_end_change(db, a, advisory_id, "advisory.attach", d, rc, out, e);
	json_decref(d);
	return rc;
}

int comms_attachment_delete(sqlite3 *db, const struct actor *a, int64_t advisory_id, int64_t id,
			    json_t **out, struct wr_err *e)
{
	*out = NULL;
	int rc = comms_begin_draft_change(db, a, advisory_id, e);
	if (rc)
		return rc;
	sqlite3_stmt *st;
	if (!(rc = db_prepare(db, "DELETE FROM advisory_attachments WHERE id = ?1 AND advisory_id = ?2", &st, e))) {
		sqlite3_bind_int64(st, 1, id);
		sqlite3_bind_int64(st, 2, advisory_id);
		rc = db_step_done(db, st, e);
		if (!rc && sqlite3_changes(db) == 0)
			rc = wr_err_set(e, WR_ENOTFOUND, NULL, "no such attachment");
	}
	json_t *d = json_pack("{s:I}", "attachment", (json_int_t)id);
	rc = comms_end_change(db, a, advisory_id, "advisory.detach", d, rc, out, e);
	json_decref(d);
	return rc;
}

int comms_attachments_list(sqlite3 *db, int64_t advisory_id, json_t **items, struct wr_err *e)
{
	sqlite3_stmt *st;
	*items = NULL;
	int rc = db_prepare(db, "SELECT id, name, content_type, size, sha256, added_by, created_at"
				" FROM advisory_attachments WHERE advisory_id = ?1 ORDER BY id", &st, e);
	if (rc)
		return rc;
	sqlite3_bind_int64(st, 1, advisory_id);
	return db_rows(db, st, NULL, items, e);
}

/* One row of st (name, content_type, data) into *out: name and data are
 * owned copies, content_type the static entry of the list. */
static int copy_row(sqlite3_stmt *st, struct mail_attachment *out)
{
	size_t len = (size_t)sqlite3_column_bytes(st, 2);
	const char *ct = media_type((const char *)sqlite3_column_text(st, 1));
	char *name = strdup((const char *)sqlite3_column_text(st, 0));
	unsigned char *data = malloc(len ? len : 1);
	if (!name || !data) {
		free(name);
		free(data);
		return -1;
	}
	if (len)
		memcpy(data, sqlite3_column_blob(st, 2), len);
	*out = (struct mail_attachment){.name = name, .content_type = ct ? ct : "application/octet-stream",
					.data = data, .len = len};
	return 0;
}

int comms_attachments_load(sqlite3 *db, int64_t advisory_id, struct mail_attachment **out, size_t *n,
			   struct wr_err *e)
{
	*out = NULL;
	*n = 0;
	sqlite3_stmt *st;
	int rc = db_prepare(db, "SELECT name, content_type, data FROM advisory_attachments"
				" WHERE advisory_id = ?1 ORDER BY id", &st, e);
	if (rc)
		return rc;
	sqlite3_bind_int64(st, 1, advisory_id);
	struct mail_attachment *v = NULL;
	size_t k = 0;
	int s;
	while ((s = sqlite3_step(st)) == SQLITE_ROW) {
		struct mail_attachment *grown = realloc(v, (k + 1) * sizeof *v);
		if (!grown)
			break;
		v = grown;
		if (copy_row(st, &v[k]))
			break;
		k++;
	}
	sqlite3_finalize(st);
	if (s != SQLITE_DONE) {
		comms_attachments_free(v, k);
		return s == SQLITE_ROW ? wr_err_set(e, WR_ENOMEM, NULL, "out of memory") : db_fail(db, e);
	}
	*out = v;
	*n = k;
	return 0;
}

void comms_attachments_free(struct mail_attachment *v, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		free((char *)v[i].name);
		free((unsigned char *)v[i].data);
	}
	free(v);
}

int comms_attachment_data(sqlite3 *db, const struct actor *a, int64_t advisory_id, int64_t id,
			  struct mail_attachment *out, struct wr_err *e)
{
	if (!scope_is_staff(a))
		return wr_err_set(e, WR_EFORBIDDEN, NULL, "a town receives attachments by e-mail");
	sqlite3_stmt *st;
	int rc = db_prepare(db, "SELECT name, content_type, data FROM advisory_attachments"
				" WHERE advisory_id = ?1 AND id = ?2", &st, e);
	if (rc)
		return rc;
	sqlite3_bind_int64(st, 1, advisory_id);
	sqlite3_bind_int64(st, 2, id);
	int s = sqlite3_step(st);
	if (s == SQLITE_ROW)
		rc = copy_row(st, out) ? wr_err_set(e, WR_ENOMEM, NULL, "out of memory") : 0;
	else
		rc = s == SQLITE_DONE ? wr_err_set(e, WR_ENOTFOUND, NULL, "no such attachment") : db_fail(db, e);
	sqlite3_finalize(st);
	return rc;
}
