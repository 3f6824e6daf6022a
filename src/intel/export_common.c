/* What the export writers share: format names, the dispatch, times, ids and
 * JSON helpers. */
#include "intel/export_internal.h"

#include <openssl/evp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/timeutil.h"

static const struct {
	const char *name, *content_type;
	enum intel_format f;
} formats[] = {
	{"stix", "application/stix+json;version=2.1", INTEL_FMT_STIX},
	{"misp", "application/json", INTEL_FMT_MISP},
	{"csv", "text/csv; charset=utf-8", INTEL_FMT_CSV},
	{"list", "text/plain; charset=utf-8", INTEL_FMT_LIST},
	{"zeek", "text/tab-separated-values; charset=utf-8", INTEL_FMT_ZEEK},
	{"suricata", "text/plain; charset=utf-8", INTEL_FMT_SURICATA},
};

int intel_format_from_name(const char *name, enum intel_format *f)
{
	for (size_t i = 0; name && i < sizeof formats / sizeof *formats; i++)
		if (!strcmp(name, formats[i].name)) {
			*f = formats[i].f;
			return 0;
		}
	return -1;
}

const char *intel_format_content_type(enum intel_format f)
{
	for (size_t i = 0; i < sizeof formats / sizeof *formats; i++)
		if (formats[i].f == f)
			return formats[i].content_type;
	if (f == INTEL_FMT_MISP_MANIFEST)
		return "application/json";
	if (f == INTEL_FMT_MISP_HASHES)
		return "text/csv; charset=utf-8";
	return "application/octet-stream";
}

int intel_export_write(enum intel_format f, const struct intel_item *items, size_t n,
		       const struct intel_export_meta *m, struct buf *out, struct wr_err *e)
{
	switch (f) {
	case INTEL_FMT_STIX:
		return export_stix(items, n, m, out, e);
	case INTEL_FMT_MISP:
		return export_dump(export_misp_event(items, n, m, 1), 0, out, e);
	case INTEL_FMT_CSV:
		return export_csv(items, n, out, e);
	case INTEL_FMT_LIST:
		return export_list(items, n, m->only_type, out, e);
	case INTEL_FMT_ZEEK:
		return export_zeek(items, n, m, out, e);
	case INTEL_FMT_SURICATA:
		return export_suricata(items, n, m->only_type, out, e);
	case INTEL_FMT_MISP_MANIFEST:
		return export_misp_manifest(items, n, m, out, e);
	case INTEL_FMT_MISP_HASHES:
		return export_misp_hashes(items, n, m, out, e);
	}
	return wr_err_set(e, WR_EINVAL, "format", "is not an export format");
}

void export_time(int64_t t, char out[32])
{
	time_format_rfc3339((time_t)t, out, 32);
}

int export_uuid5(const char *ns, const char *name, char out[37])
{
	unsigned char d[EVP_MAX_MD_SIZE];
	unsigned int dl = 0;
	EVP_MD_CTX *c = EVP_MD_CTX_new();
	int ok = c && EVP_DigestInit_ex(c, EVP_sha1(), NULL) &&
		 EVP_DigestUpdate(c, ns, strlen(ns)) && EVP_DigestUpdate(c, name, strlen(name)) &&
		 EVP_DigestFinal_ex(c, d, &dl) && dl >= 16;
	EVP_MD_CTX_free(c);
	if (!ok)
		return -1;
	d[6] = (unsigned char)((d[6] & 0x0f) | 0x50);
	d[8] = (unsigned char)((d[8] & 0x3f) | 0x80);
	snprintf(out, 37,
		 "%02x%02x%02x%02x-%02x%02x-%02x%02x-%02x%02x-%02x%02x%02x%02x%02x%02x", d[0], d[1],
		 d[2], d[3], d[4], d[5], d[6], d[7], d[8], d[9], d[10], d[11], d[12], d[13], d[14],
		 d[15]);
	return 0;
}

void export_set(json_t *o, const char *key, json_t *v, int *oom)
{
	if (!o || !v) {
		json_decref(v);
		*oom = 1;
	} else if (json_object_set_new(o, key, v)) {
		*oom = 1;
	}
}

void export_set_str(json_t *o, const char *key, const char *s, int *oom)
{
	export_set(o, key, json_string(s ? s : ""), oom);
}

int export_dump(json_t *v, int oom, struct buf *out, struct wr_err *e)
{
	char *s = v && !oom ? json_dumps(v, JSON_INDENT(1) | JSON_ENSURE_ASCII) : NULL;
	json_decref(v);
	if (!s)
		return wr_err_set(e, WR_ENOMEM, NULL, "out of memory writing the export");
	int rc = buf_adds(out, s);
	if (!rc)
		rc = buf_addc(out, '\n');
	free(s);
	if (rc)
		return wr_err_set(e, rc, NULL, rc == WR_ETOOBIG ? "the export is too big" : "out of memory writing the export");
	return 0;
}

const char *export_tlp(const char *tlp)
{
	static const char *const names[] = {"CLEAR", "GREEN", "AMBER", "AMBER+STRICT", "RED"};
	for (size_t i = 0; tlp && i < 5; i++)
		if (!strcmp(tlp, names[i]))
			return names[i];
	return NULL;
}
