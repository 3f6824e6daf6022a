/* /api/v1/indicators, /api/v1/packs and /api/v1/sightings (docs/api.md,
 * docs/intel.md): thin handlers over intel/store.h and the export writers. */
#include "api/api.h"
#include "api/handlers.h"
#include "http/app.h"
#include "intel/store.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/timeutil.h"
#include "ioc/pack.h"

/* Raw bytes as the response (owned). */
static void reply_raw(struct http_resp *rs, char *data, size_t len, const char *type)
{
	rs->status = 200;
	rs->raw = (const unsigned char *)data;
	rs->raw_len = len;
	rs->raw_owned = 1;
	rs->content_type = type;
}

void api_indicators_list(struct http_req *rq, struct http_resp *rs)
{
	int limit;
	int64_t cursor, next;
	json_t *items;
	struct wr_err e = {0};
	if (api_paging(rq, rs, 100, 1000, &limit, &cursor))
		return;
	if (intel_list(rq->db, &rq->actor, http_query(rq, "type"), http_query(rq, "tlp"),
		       http_query(rq, "q"), limit, cursor, &items, &next, &e))
		api_error(rs, &e);
	else
		api_reply(rs, 200, api_page(items, next));
}

void api_indicators_import(struct http_req *rq, struct http_resp *rs)
{
	struct intel_import_result r;
	struct wr_err e = {0};
	const char *name = http_query(rq, "name");
	int rc = intel_import(rq->db, &rq->actor, rq->body, rq->body_len,
			      name && *name ? name : "api-import", http_query(rq, "tlp"),
			      http_query(rq, "source"), &r, &e);
	if (rc) {
		intel_import_result_release(&r);
		api_error(rs, &e);
		return;
	}
	json_t *per = json_object();
	for (int t = 1; t < IOC_TYPE_COUNT; t++)
		if (r.per_type[t])
			json_object_set_new(per, ioc_type_name((enum ioc_type)t),
					    json_integer((json_int_t)r.per_type[t]));
	api_reply(rs, 200, json_pack("{s:I, s:I, s:I, s:o, s:O}", "read", (json_int_t)r.read,
				     "added", (json_int_t)r.added, "merged", (json_int_t)r.merged,
				     "per_type", per, "skipped", r.skipped));
	intel_import_result_release(&r);
}

void api_indicators_export(struct http_req *rq, struct http_resp *rs)
{
	enum intel_format f;
	const char *fmt = http_query(rq, "format"), *type = http_query(rq, "type");
	if (intel_format_from_name(fmt ? fmt : "stix", &f)) {
		api_error_simple(rs, WR_EINVAL, "format", "is not stix, misp, csv, list, zeek or suricata");
		return;
	}
	enum ioc_type only = type && *type ? ioc_type_from_name(type) : IOC_NONE;
	if (type && *type && only == IOC_NONE) {
		api_error_simple(rs, WR_EINVAL, "type", "is not an indicator type");
		return;
	}
	struct intel_items it;
	struct wr_err e = {0};
	if (!intel_tlp_visible(&rq->actor, "CLEAR")) {
		api_error_simple(rs, WR_EFORBIDDEN, "", "indicators are not shown to this role");
		return;
	}
	/* An export is for many readers: never TLP:RED, never expired. */
	if (intel_items_load(rq->db, &rq->actor, only, 1, 1, &it, &e)) {
		api_error(rs, &e);
		return;
	}
	struct intel_export_meta m = {.title = "warroom indicators",
				      .producer = "warroom",
				      .event_uuid = "7b3c6f4e-2a51-4c8e-9d0a-5f1e8b2c4d6a",
				      .now = time_now(),
				      .only_type = only};
	struct buf out;
	buf_init(&out, (size_t)1 << 30);
	int rc = intel_export_write(f, it.v, it.n, &m, &out, &e);
	intel_items_release(&it);
	if (rc) {
		buf_release(&out);
		api_error(rs, &e);
		return;
	}
	size_t len = out.len;
	reply_raw(rs, buf_detach(&out), len, intel_format_content_type(f));
}

/* The pack and, with sig set, its detached signature (the same bytes). */
static void pack_reply(struct http_req *rq, struct http_resp *rs, int sig)
{
	char *text;
	size_t len;
	int64_t version = 0;
	struct wr_err e = {0};
	if (intel_pack(rq->db, &rq->actor, &text, &len, &version, &e)) {
		api_error(rs, &e);
		return;
	}
	char ver[32];
	snprintf(ver, sizeof ver, "%lld", (long long)version);
	http_resp_header(rs, "X-Warroom-Pack-Version", ver);
	if (!sig) {
		reply_raw(rs, text, len, "application/json");
		return;
	}
	char pub[256], sec[256], s[PACK_LINE_MAX];
	int rc = intel_pack_keys(rq->app->cfg.db_path, pub, sec, &e);
	if (!rc)
		rc = pack_sign(text, len, sec, s, &e);
	memset(sec, 0, sizeof sec);
	free(text);
	if (rc) {
		api_error(rs, &e);
		return;
	}
	char *line = strdup(s);
	if (!line) {
		api_error_simple(rs, WR_ENOMEM, "", "out of memory");
		return;
	}
	reply_raw(rs, line, strlen(line), "text/plain; charset=utf-8");
}

void api_packs_current(struct http_req *rq, struct http_resp *rs)
{
	pack_reply(rq, rs, 0);
}

void api_packs_current_sig(struct http_req *rq, struct http_resp *rs)
{
	pack_reply(rq, rs, 1);
}

void api_packs_key(struct http_req *rq, struct http_resp *rs)
{
	char pub[256], sec[256];
	struct wr_err e = {0};
	int rc = intel_pack_keys(rq->app->cfg.db_path, pub, sec, &e);
	memset(sec, 0, sizeof sec);
	if (rc) {
		api_error(rs, &e);
		return;
	}
	size_t n = strlen(pub);
	char *line = malloc(n + 2);
	if (!line) {
		api_error_simple(rs, WR_ENOMEM, "", "out of memory");
		return;
	}
	memcpy(line, pub, n);
	line[n] = '\n';
	line[n + 1] = '\0';
	reply_raw(rs, line, n + 1, "text/plain; charset=utf-8");
}

void api_sightings_create(struct http_req *rq, struct http_resp *rs)
{
	json_t *body, *out;
	struct wr_err e = {0};
	if (api_body_object(rq, rs, &body))
		return;
	int rc = intel_sightings_post(rq->db, &rq->actor, body, &out, &e);
	json_decref(body);
	if (rc)
		api_error(rs, &e);
	else
		api_reply(rs, 201, out);
}

void api_sightings_list(struct http_req *rq, struct http_resp *rs)
{
	api_list_reply(rq, rs, 100, 1000, intel_sightings_list);
}
