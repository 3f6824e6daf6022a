/* Webhooks: registration and the signed POST (comms/webhook.h). */
#include "comms/webhook.h"

#include <sodium.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "audit/journal.h"
#include "base/jsonutil.h"
#include "base/timeutil.h"
#include "comms/http_post.h"
#include "store/db.h"

void webhook_sign(const char *secret, int64_t t, const char *body, size_t len, char *out,
		  size_t n)
{
	crypto_auth_hmacsha256_state st;
	unsigned char mac[crypto_auth_hmacsha256_BYTES];
	char ts[24], hex[2 * sizeof mac + 1];
	snprintf(ts, sizeof ts, "%lld.", (long long)t);
	crypto_auth_hmacsha256_init(&st, (const unsigned char *)secret, strlen(secret));
	crypto_auth_hmacsha256_update(&st, (const unsigned char *)ts, strlen(ts));
	crypto_auth_hmacsha256_update(&st, (const unsigned char *)body, len);
	crypto_auth_hmacsha256_final(&st, mac);
	sodium_bin2hex(hex, sizeof hex, mac, sizeof mac);
	snprintf(out, n, "t=%lld,v1=%s", (long long)t, hex);
}

int webhook_send(const char *url, const char *secret, const char *body, const char *message_id,
		 int64_t now, struct wr_err *e)
{
	char sig[160], sig_h[200], id_h[300];
	webhook_sign(secret, now, body, strlen(body), sig, sizeof sig);
	snprintf(sig_h, sizeof sig_h, "X-Warroom-Signature: %s", sig);
	snprintf(id_h, sizeof id_h, "X-Warroom-Delivery: %s", message_id);
	const char *headers[] = {sig_h, id_h, NULL};
	long code;
	return http_post_json(url, headers, body, strlen(body), &code, e);
}

/* Staff, or the SPOC of org_id (404 for another town, as elsewhere). */
static int may_manage(const struct actor *a, int64_t org_id, struct wr_err *e)
{
	if (scope_is_staff(a) || (a->role == ROLE_SPOC && a->org_id == org_id))
		return 0;
	return a->role == ROLE_SPOC ? wr_err_set(e, WR_ENOTFOUND, NULL, "no such organisation")
				    : wr_err_set(e, WR_EFORBIDDEN, NULL,
						 "only the war room or the town's SPOC manage its webhook");
}

int webhook_set(sqlite3 *db, const struct actor *a, int64_t org_id, const json_t *body,
		json_t **out, struct wr_err *e)
{
	static const char *const keys[] = {"url", "secret", NULL};
	const char *url, *secret;
	*out = NULL;
	int rc = may_manage(a, org_id, e);
	if (!rc)
		rc = json_reject_unknown(body, keys, e);
	if (!rc)
		rc = json_get_string(body, "url", 1, &url, NULL, e);
	if (!rc)
		rc = json_get_string(body, "secret", 1, &secret, NULL, e);
	if (rc)
		return rc;
	if ((strncasecmp(url, "https://", 8) && strncasecmp(url, "http://", 7)) || strlen(url) > 500 ||
	    strpbrk(url, " \t\r\n"))
		return wr_err_set(e, WR_EINVAL, "url", "must be an http(s) URL of at most 500 characters");
	/* A town's own registration goes over TLS; plain http is for the war
	 * room's staff (a receiver on its own network). */
	if (!scope_is_staff(a) && strncasecmp(url, "https://", 8))
		return wr_err_set(e, WR_EINVAL, "url", "must be an https URL");
	if (strlen(secret) < 16 || strlen(secret) > 200)
		return wr_err_set(e, WR_EINVAL, "secret", "must have 16 to 200 characters");
	int64_t exists = 0;
	if ((rc = db_query_int(db, "SELECT count(*) FROM orgs WHERE id = ?1", org_id, &exists, e)))
		return rc;
	if (!exists)
		return wr_err_set(e, WR_ENOTFOUND, NULL, "no such organisation");
	char now[32];
	time_now_rfc3339(now, sizeof now);
	sqlite3_stmt *st;
	if ((rc = db_begin(db, e)))
		return rc;
	rc = db_prepare(db,
			"INSERT INTO webhooks (org_id, url, secret, created_by, created_at, updated_at)"
			" VALUES (?1, ?2, ?3, ?4, ?5, ?5) ON CONFLICT (org_id) DO UPDATE SET"
			" url = excluded.url, secret = excluded.secret, updated_at = excluded.updated_at",
			&st, e);
	if (!rc) {
		sqlite3_bind_int64(st, 1, org_id);
		sqlite3_bind_text(st, 2, url, -1, SQLITE_STATIC);
		sqlite3_bind_text(st, 3, secret, -1, SQLITE_STATIC);
		sqlite3_bind_text(st, 4, a->name, -1, SQLITE_STATIC);
		sqlite3_bind_text(st, 5, now, -1, SQLITE_STATIC);
		rc = db_step_done(db, st, e);
	}
	json_t *d = json_pack("{s:s}", "url", url);
	if (!rc)
		rc = journal_append(db, a->name, "webhook.set", "org", org_id, d, e);
	json_decref(d);
	if (!rc)
		rc = db_commit(db, e);
	if (rc) {
		db_rollback(db);
		return rc;
	}
	return webhook_get(db, a, org_id, out, e);
}

int webhook_get(sqlite3 *db, const struct actor *a, int64_t org_id, json_t **out,
		struct wr_err *e)
{
	*out = NULL;
	int rc = may_manage(a, org_id, e);
	sqlite3_stmt *st;
	if (!rc)
		rc = db_prepare(db,
				"SELECT org_id, url, created_by, created_at, updated_at FROM webhooks"
				" WHERE org_id = ?1",
				&st, e);
	if (rc)
		return rc;
	sqlite3_bind_int64(st, 1, org_id);
	rc = sqlite3_step(st);
	if (rc == SQLITE_ROW)
		*out = db_row_json(st);
	sqlite3_finalize(st);
	if (rc == SQLITE_DONE)
		return wr_err_set(e, WR_ENOTFOUND, NULL, "this organisation has no webhook");
	if (rc != SQLITE_ROW)
		return db_fail(db, e);
	return *out ? 0 : wr_err_set(e, WR_ENOMEM, NULL, "out of memory");
}

int webhook_delete(sqlite3 *db, const struct actor *a, int64_t org_id, struct wr_err *e)
{
	int rc = may_manage(a, org_id, e);
	sqlite3_stmt *st;
	if (rc || (rc = db_begin(db, e)))
		return rc;
	rc = db_prepare(db, "DELETE FROM webhooks WHERE org_id = ?1", &st, e);
	if (!rc) {
		sqlite3_bind_int64(st, 1, org_id);
		rc = db_step_done(db, st, e);
	}
	if (!rc && !sqlite3_changes(db))
		rc = wr_err_set(e, WR_ENOTFOUND, NULL, "this organisation has no webhook");
	if (!rc)
		rc = journal_append(db, a->name, "webhook.delete", "org", org_id, NULL, e);
	if (!rc)
		rc = db_commit(db, e);
	if (rc)
		db_rollback(db);
	return rc;
}
