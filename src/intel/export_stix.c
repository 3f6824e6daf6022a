/* STIX 2.1 bundle: the producer's identity, the TLP 2.0 marking definitions
 * the items use (with their official ids), and one indicator per item
 * whose pattern compares one observable (docs/formats.md). */
#include "intel/export_internal.h"

#include <stdio.h>
#include <string.h>

/* The TLP 2.0 marking definitions of the STIX extension
 * extension-definition--60a3c5c5-0d10-413e-aab3-9e08dde9e88d (OASIS). */
#define TLP2_EXTENSION "extension-definition--60a3c5c5-0d10-413e-aab3-9e08dde9e88d"
static const struct {
	const char *tlp, *id, *level;
} tlp2[] = {
	{"CLEAR", "marking-definition--94868c89-83c2-464b-929b-a1a8aa3c8487", "clear"},
	{"GREEN", "marking-definition--bab4a63c-aed9-4cf5-a766-dfca5abac2bb", "green"},
	{"AMBER", "marking-definition--55d920b0-5e8b-4f79-9ee9-91f868d9b421", "amber"},
	{"AMBER+STRICT", "marking-definition--939a9414-2ddd-4d32-a0cd-375ea402b003", "amber+strict"},
	{"RED", "marking-definition--e828b379-4e03-4974-9ac4-e53a884c97c1", "red"},
};

/* STIX timestamps of created and modified need milliseconds. */
static void stix_time(int64_t t, char out[32])
{
	char s[32];
	export_time(t, s);
	snprintf(out, 32, "%.19s.000Z", s);
}

static int tlp_index(const char *tlp)
{
	for (int i = 0; i < 5; i++)
		if (tlp && !strcmp(tlp, tlp2[i].tlp))
			return i;
	return -1;
}

static json_t *marking(int i, int *oom)
{
	json_t *o = json_object();
	export_set_str(o, "type", "marking-definition", oom);
	export_set_str(o, "spec_version", "2.1", oom);
	export_set_str(o, "id", tlp2[i].id, oom);
	export_set_str(o, "created", "2022-10-01T00:00:00.000Z", oom);
	char name[32];
	snprintf(name, sizeof name, "TLP:%s", tlp2[i].tlp);
	export_set_str(o, "name", name, oom);
	json_t *ext = json_object(), *def = json_object();
	export_set_str(def, "extension_type", "property-extension", oom);
	export_set_str(def, "tlp_2_0", tlp2[i].level, oom);
	export_set(ext, TLP2_EXTENSION, def, oom);
	export_set(o, "extensions", ext, oom);
	return o;
}

/* The object path of a pattern for type t and value v. */
static const char *object_path(enum ioc_type t, const char *v)
{
	switch (t) {
	case IOC_IPV4:
		return "ipv4-addr:value";
	case IOC_IPV6:
		return "ipv6-addr:value";
	case IOC_CIDR:
		return strchr(v, ':') ? "ipv6-addr:value" : "ipv4-addr:value";
	case IOC_DOMAIN:
	case IOC_HOSTNAME:
		return "domain-name:value";
	case IOC_URL:
		return "url:value";
	case IOC_EMAIL:
		return "email-addr:value";
	case IOC_MD5:
		return "file:hashes.'MD5'";
	case IOC_SHA1:
		return "file:hashes.'SHA-1'";
	case IOC_SHA256:
		return "file:hashes.'SHA-256'";
	case IOC_FILENAME:
		return "file:name";
	default:
		return NULL;
	}
}

/* "[path = 'value']" with ' and \ escaped as the STIX patterning grammar
 * wants. 0, or a buf error. */
static int pattern(struct buf *p, const char *path, const char *v)
{
	int rc = buf_printf(p, "[%s = '", path);
	for (const char *c = v; !rc && *c; c++) {
		if (*c == '\'' || *c == '\\')
			rc = buf_addc(p, '\\');
		if (!rc)
			rc = buf_addc(p, *c);
	}
	return rc ? rc : buf_adds(p, "']");
}

static json_t *strings(const char *const *v, size_t n, int *oom)
{
	json_t *a = json_array();
	for (size_t i = 0; a && i < n; i++)
		if (json_array_append_new(a, json_string(v[i])))
			*oom = 1;
	if (!a)
		*oom = 1;
	return a;
}

static json_t *indicator(const struct intel_item *it, const char *identity, int *oom,
			 struct wr_err *e, int *bad)
{
	const char *path = object_path(it->type, it->value);
	int ti = tlp_index(it->tlp);
	if (!path || ti < 0 || !it->value) {
		*bad = 1;
		wr_err_set(e, WR_EINVAL, path ? "tlp" : "type", "item %s: %s", it->uuid,
			   path ? "has no TLP of ours" : "has a type STIX cannot hold");
		return NULL;
	}
	json_t *o = json_object();
	char id[64], t[32];
	snprintf(id, sizeof id, "indicator--%s", it->uuid);
	export_set_str(o, "type", "indicator", oom);
	export_set_str(o, "spec_version", "2.1", oom);
	export_set_str(o, "id", id, oom);
	export_set_str(o, "created_by_ref", identity, oom);
	stix_time(it->created, t);
	export_set_str(o, "created", t, oom);
	stix_time(it->modified >= it->created ? it->modified : it->created, t);
	export_set_str(o, "modified", t, oom);
	char name[160];
	snprintf(name, sizeof name, "%s %.140s", ioc_type_name(it->type), it->value);
	export_set_str(o, "name", name, oom);
	if (it->description && *it->description)
		export_set_str(o, "description", it->description, oom);
	export_set(o, "indicator_types", json_pack("[s]", "malicious-activity"), oom);
	struct buf p;
	buf_init(&p, 3 * IOC_VALUE_MAX + 64);
	if (pattern(&p, path, it->value))
		*oom = 1;
	export_set_str(o, "pattern", p.ptr, oom);
	buf_release(&p);
	export_set_str(o, "pattern_type", "stix", oom);
	export_set_str(o, "pattern_version", "2.1", oom);
	int64_t from = it->first_seen ? it->first_seen : it->created;
	stix_time(from, t);
	export_set_str(o, "valid_from", t, oom);
	if (it->valid_until > from) {
		stix_time(it->valid_until, t);
		export_set_str(o, "valid_until", t, oom);
	}
	if (it->confidence >= 0 && it->confidence <= 100)
		export_set(o, "confidence", json_integer(it->confidence), oom);
	if (it->n_tags)
		export_set(o, "labels", strings(it->tags, it->n_tags, oom), oom);
	if (it->n_sources) {
		json_t *refs = json_array();
		for (size_t i = 0; refs && i < it->n_sources; i++)
			if (json_array_append_new(refs, json_pack("{s:s, s:s}", "source_name",
								  it->sources[i], "description",
								  "a source of this indicator")))
				*oom = 1;
		export_set(o, "external_references", refs, oom);
	}
	export_set(o, "object_marking_refs", json_pack("[s]", tlp2[ti].id), oom);
	return o;
}

int export_stix(const struct intel_item *items, size_t n, const struct intel_export_meta *m,
		struct buf *out, struct wr_err *e)
{
	int oom = 0, bad = 0;
	char uuid[37], identity[64], bundle[64];
	const char *producer = m->producer && *m->producer ? m->producer : "warroom";
	if (export_uuid5("warroom-identity:", producer, uuid))
		return wr_err_set(e, WR_ENOMEM, NULL, "out of memory");
	snprintf(identity, sizeof identity, "identity--%s", uuid);
	snprintf(bundle, sizeof bundle, "bundle--%s", m->event_uuid);
	json_t *doc = json_object(), *objs = json_array();
	export_set_str(doc, "type", "bundle", &oom);
	export_set_str(doc, "id", bundle, &oom);
	json_t *who = json_object();
	export_set_str(who, "type", "identity", &oom);
	export_set_str(who, "spec_version", "2.1", &oom);
	export_set_str(who, "id", identity, &oom);
	/* A fixed creation time keeps the identity the same object in every export. */
	export_set_str(who, "created", "2026-01-01T00:00:00.000Z", &oom);
	export_set_str(who, "modified", "2026-01-01T00:00:00.000Z", &oom);
	export_set_str(who, "name", producer, &oom);
	export_set_str(who, "identity_class", "organization", &oom);
	if (!objs || json_array_append_new(objs, who))
		oom = 1;
	int used[5] = {0};
	for (size_t i = 0; i < n; i++) {
		int ti = tlp_index(items[i].tlp);
		if (ti >= 0)
			used[ti] = 1;
	}
	for (int i = 0; i < 5; i++)
		if (used[i] && (!objs || json_array_append_new(objs, marking(i, &oom))))
			oom = 1;
	for (size_t i = 0; i < n && !oom && !bad; i++) {
		json_t *o = indicator(&items[i], identity, &oom, e, &bad);
		if (o && json_array_append_new(objs, o))
			oom = 1;
	}
	export_set(doc, "objects", objs, &oom);
	if (bad) {
		json_decref(doc);
		return WR_EINVAL;
	}
	return export_dump(doc, oom, out, e);
}
