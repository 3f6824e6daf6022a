/* GET /api/v1/packs/current (?since=VERSION): the signed indicator pack of
 * the caller's town; GET /api/v1/packs/key: the war room's public key.
 * The pack is the body, byte for byte what was signed; the signature line
 * comes in the X-Warroom-Pack-Signature header (docs/intel.md). */
#include "api/api.h"
#include "api/handlers.h"
#include "http/app.h"
#include "intel/intel.h"
#include "ioc/pack.h"

#include <errno.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

void api_packs_current(struct http_req *rq, struct http_resp *rs)
{
	struct wr_err e = {0};
	int64_t since = 0, version;
	const char *s = http_query(rq, "since");
	if (s && *s) {
		char *end;
		errno = 0;
		long long v = strtoll(s, &end, 10);
		if (errno || *end || v < 0) {
			api_error_simple(rs, WR_EINVAL, "since", "must be a pack version (a whole number)");
			return;
		}
		since = v;
	}
	char pub[256], sec[256], sig[PACK_LINE_MAX], hdr[32];
	char *pack = NULL;
	size_t len;
	int rc = intel_pack_keys(rq->app->cfg.db_path, 1, pub, sec, &e);
	if (!rc) {
		rc = intel_pack_build(rq->db, &rq->actor, since, &pack, &len, &version, &e);
		if (!rc)
			rc = pack_sign(pack, len, sec, sig, &e);
		sodium_memzero(sec, sizeof sec);
	}
	if (rc) {
		free(pack);
		api_error(rs, &e);
		return;
	}
	sig[strcspn(sig, "\r\n")] = '\0';
	snprintf(hdr, sizeof hdr, "%lld", (long long)version);
	if (http_resp_header(rs, "X-Warroom-Pack-Signature", sig) ||
	    http_resp_header(rs, "X-Warroom-Pack-Version", hdr)) {
		free(pack);
		api_error_simple(rs, WR_ENOMEM, NULL, "out of memory");
		return;
	}
	rs->status = 200;
	rs->raw = (const unsigned char *)pack;
	rs->raw_len = len;
	rs->raw_owned = 1;
	rs->content_type = "application/json";
}

void api_packs_key(struct http_req *rq, struct http_resp *rs)
{
	struct wr_err e = {0};
	char pub[256], sec[256];
	int rc = intel_pack_keys(rq->app->cfg.db_path, 1, pub, sec, &e);
	sodium_memzero(sec, sizeof sec);
	if (rc) {
		api_error(rs, &e);
		return;
	}
	size_t n = strlen(pub);
	char *body = malloc(n + 2);
	if (!body) {
		api_error_simple(rs, WR_ENOMEM, NULL, "out of memory");
		return;
	}
	memcpy(body, pub, n);
	body[n] = '\n';
	body[n + 1] = '\0';
	rs->status = 200;
	rs->raw = (const unsigned char *)body;
	rs->raw_len = n + 1;
	rs->raw_owned = 1;
	rs->content_type = "text/plain; charset=utf-8";
}
