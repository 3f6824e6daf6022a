/* Webhooks (docs/comms.md): a town or provider registers a URL and a
 * secret; every advisory addressed to it is POSTed there as JSON with
 * X-Warroom-Signature: t=UNIX_TIME,v1=HEX where HEX is the HMAC-SHA256
 * under the secret of "UNIX_TIME." followed by the body. */
#ifndef WR_COMMS_WEBHOOK_H
#define WR_COMMS_WEBHOOK_H

#include <jansson.h>
#include <sqlite3.h>
#include <stddef.h>
#include <stdint.h>

#include "base/err.h"
#include "store/scope.h"

/* "t=...,v1=..." into out (at least 96 bytes). */
void webhook_sign(const char *secret, int64_t t, const char *body, size_t len, char *out,
		  size_t n);

/* POSTs body signed at time now, with X-Warroom-Delivery: message_id (the
 * same on a retry); http_post_json's answer classes. */
int webhook_send(const char *url, const char *secret, const char *body, const char *message_id,
		 int64_t now, struct wr_err *e);

/* The registration of org_id: {"url": "https://...", "secret": 16-200
 * characters}. Staff, or the SPOC of that org (https only); journalled
 * without the secret. *out (and webhook_get) never shows the secret. */
int webhook_set(sqlite3 *db, const struct actor *a, int64_t org_id, const json_t *body,
		json_t **out, struct wr_err *e);
int webhook_get(sqlite3 *db, const struct actor *a, int64_t org_id, json_t **out,
		struct wr_err *e);
int webhook_delete(sqlite3 *db, const struct actor *a, int64_t org_id, struct wr_err *e);

#endif
