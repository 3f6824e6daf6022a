/* /api/v1/orgs/{id}/assets and /api/v1/assets/{id}. */
#include "api/api.h"
#include "api/handlers.h"
#include <string.h>

#include "base/log.h"
#include "registry/registry.h"
#include "vulns/feeds.h"
#include "vulns/vulns.h"

/* What a saved asset sets off (docs/vulns.md); the asset stands even when
 * this fails (logged), and the next change of assets or feed import tries
 * again.
 * - Software: matched against the stored CVEs at once, whoever saved it.
 * - A new or changed claim by the war room routes the past scan events it
 *   covers; a town's own claim routes the scans to come, not the history
 *   of addresses nobody had claimed. */
static void after_save(struct http_req *rq, const json_t *asset)
{
	struct wr_err e = {0};
	const char *type = json_string_value(json_object_get(asset, "type"));
	if (type && !strcmp(type, "software")) {
		struct feed_result r;
		if (feed_match_saved_software(rq->db, rq->actor.name, &r, &e))
			log_warn("matching saved software against the CVEs: %s", e.message);
		feed_result_release(&r);
		return;
	}
	size_t routed, notices;
	if (scope_is_staff(&rq->actor) && vuln_reroute(rq->db, rq->actor.name, &routed, &notices, &e))
		log_warn("routing past scan events after a change of assets: %s", e.message);
}

void api_assets_list(struct http_req *rq, struct http_resp *rs)
{
	int64_t org_id;
	json_t *items;
	struct wr_err e = {0};
	if (api_param_id(rq, rs, 0, &org_id))
		return;
	if (asset_list(rq->db, &rq->actor, org_id, &items, &e))
		api_error(rs, &e);
	else
		api_reply(rs, 200, json_pack("{s:o}", "items", items));
}

void api_assets_create(struct http_req *rq, struct http_resp *rs)
{
	int64_t org_id;
	json_t *body, *out;
	struct wr_err e = {0};
	if (api_param_id(rq, rs, 0, &org_id) || api_body_object(rq, rs, &body))
		return;
	int rc = asset_create(rq->db, &rq->actor, org_id, body, &out, &e);
	json_decref(body);
	if (rc) {
		api_error(rs, &e);
		return;
	}
	after_save(rq, out);
	api_reply(rs, 201, out);
}

void api_assets_get(struct http_req *rq, struct http_resp *rs)
{
	api_id_reply(rq, rs, asset_get, 200);
}

void api_assets_patch(struct http_req *rq, struct http_resp *rs)
{
	int64_t id;
	json_t *body, *out;
	struct wr_err e = {0};
	if (api_param_id(rq, rs, 0, &id) || api_body_object(rq, rs, &body))
		return;
	int rc = asset_update(rq->db, &rq->actor, id, body, &out, &e);
	json_decref(body);
	if (rc) {
		api_error(rs, &e);
		return;
	}
	after_save(rq, out);
	api_reply(rs, 200, out);
}

void api_assets_delete(struct http_req *rq, struct http_resp *rs)
{
	api_delete_reply(rq, rs, asset_delete);
}
