/* /api/v1/indicators: import, list, counts, one indicator, changes
 * (docs/api.md, docs/intel.md). */
#include "api/api.h"
#include "api/handlers.h"
#include "base/timeutil.h"
#include "intel/intel.h"
#include "intel/share.h"

#include <string.h>

void api_indicators_import(struct http_req *rq, struct http_resp *rs)
{
	struct intel_import_opts o = {.format = INTEL_DOC_AUTO, .name = "api"};
	struct wr_err e = {0};
	json_t *out;
	if (api_require_staff(rq, rs))
		return;
	const char *f = http_query(rq, "format");
	if (f && *f && intel_doc_format_parse(f, &o.format)) {
		api_error_simple(rs, WR_EINVAL, "format", "must be stix, misp, csv, list or auto");
		return;
	}
	o.source = http_query(rq, "source");
	o.default_tlp = http_query(rq, "tlp");
	if (!rq->body_len) {
		api_error_simple(rs, WR_EINVAL, "body", "the body is the document to import");
		return;
	}
	if (intel_import(rq->db, &rq->actor, rq->body, rq->body_len, &o, &out, &e))
		api_error(rs, &e);
	else
		api_reply(rs, 200, out);
}

void api_indicators_list(struct http_req *rq, struct http_resp *rs)
{
	struct intel_filter f = {0};
	struct wr_err e = {0};
	json_t *items;
	int64_t next;
	if (api_paging(rq, rs, 100, 1000, &f.limit, &f.cursor))
		return;
	f.type = http_query(rq, "type");
	f.tag = http_query(rq, "tag");
	f.tlp = http_query(rq, "tlp");
	f.q = http_query(rq, "q");
	const char *since = http_query(rq, "since");
	if (since && *since && time_parse_rfc3339(since, &f.since)) {
		api_error_simple(rs, WR_EINVAL, "since", "must be an RFC 3339 time");
		return;
	}
	if (intel_list(rq->db, &rq->actor, &f, &items, &next, &e)) {
		api_error(rs, &e);
		return;
	}
	api_reply(rs, 200, api_page(items, next));
}

void api_indicators_counts(struct http_req *rq, struct http_resp *rs)
{
	struct wr_err e = {0};
	json_t *out;
	if (intel_counts(rq->db, &rq->actor, &out, &e))
		api_error(rs, &e);
	else
		api_reply(rs, 200, out);
}

void api_indicators_get(struct http_req *rq, struct http_resp *rs)
{
	api_id_reply(rq, rs, intel_get, 200);
}

void api_indicators_patch(struct http_req *rq, struct http_resp *rs)
{
	api_change_reply(rq, rs, intel_update, 200);
}

/* What the caller may see in format o, never TLP:RED (a group export). */
static void reply_export(struct http_req *rq, struct http_resp *rs, const struct intel_share_opts *o)
{
	char *out;
	size_t len;
	struct wr_err e = {0};
	if (intel_share_export(rq->db, &rq->actor, o, &out, &len, &e)) {
		api_error(rs, &e);
		return;
	}
	rs->status = 200;
	rs->raw = (const unsigned char *)out;
	rs->raw_len = len;
	rs->raw_owned = 1;
	rs->content_type = intel_format_content_type(o->format);
}

/* GET /api/v1/indicators/export?format=stix|misp|csv|list|zeek|suricata[&type=] */
void api_indicators_export(struct http_req *rq, struct http_resp *rs)
{
	struct intel_share_opts o = {.only_type = IOC_NONE};
	const char *f = http_query(rq, "format"), *t = http_query(rq, "type");
	if (!f || intel_format_from_name(f, &o.format)) {
		api_error_simple(rs, WR_EINVAL, "format", "must be stix, misp, csv, list, zeek or suricata");
		return;
	}
	if (t && *t && (o.only_type = ioc_type_from_name(t)) == IOC_NONE) {
		api_error_simple(rs, WR_EINVAL, "type", "is not an indicator type");
		return;
	}
	reply_export(rq, rs, &o);
}

/* GET /api/v1/feeds/misp/{file}: the caller's MISP feed over HTTP, what a
 * MISP instance subscribes to (URL .../feeds/misp, header Authorization:
 * Bearer TOKEN): manifest.json, EVENT_UUID.json, hashes.csv. */
void api_feeds_misp(struct http_req *rq, struct http_resp *rs)
{
	struct intel_share_opts o = {.only_type = IOC_NONE, .title = "warroom indicators"};
	const char *file = rq->nparams > 0 ? rq->params[0] : "";
	char uuid[37], event[48];
	intel_share_feed_uuid(&rq->actor, uuid);
	snprintf(event, sizeof event, "%s.json", uuid);
	if (!strcmp(file, "manifest.json"))
		o.format = INTEL_FMT_MISP_MANIFEST;
	else if (!strcmp(file, "hashes.csv"))
		o.format = INTEL_FMT_MISP_HASHES;
	else if (!strcmp(file, event))
		o.format = INTEL_FMT_MISP;
	else {
		api_error_simple(rs, WR_ENOTFOUND, NULL, "not a file of this feed (manifest.json, hashes.csv, EVENT_UUID.json)");
		return;
	}
	reply_export(rq, rs, &o);
}
