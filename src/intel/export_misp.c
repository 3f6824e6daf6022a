/* MISP: one event with an attribute per item, and the feed directory a MISP
 * instance subscribes to (manifest.json, EVENT_UUID.json, hashes.csv), in
 * the layout of MISP's own feed generator (docs/formats.md). */
#include "intel/export_internal.h"

#include <errno.h>
#include <fcntl.h>
#include <openssl/evp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

static const char *misp_type(enum ioc_type t)
{
	switch (t) {
	case IOC_IPV4:
	case IOC_IPV6:
	case IOC_CIDR:
		return "ip-dst";
	case IOC_DOMAIN:
		return "domain";
	case IOC_HOSTNAME:
		return "hostname";
	case IOC_URL:
		return "url";
	case IOC_EMAIL:
		return "email-src";
	case IOC_MD5:
		return "md5";
	case IOC_SHA1:
		return "sha1";
	case IOC_SHA256:
		return "sha256";
	case IOC_FILENAME:
		return "filename";
	default:
		return NULL;
	}
}

static const char *category(enum ioc_type t)
{
	return t == IOC_EMAIL || t == IOC_MD5 || t == IOC_SHA1 || t == IOC_SHA256 ||
			       t == IOC_FILENAME
		       ? "Payload delivery"
		       : "Network activity";
}

/* TLP order, most open first; the event takes its most restrictive item. */
static int tlp_rank(const char *tlp)
{
	static const char *const order[] = {"CLEAR", "GREEN", "AMBER", "AMBER+STRICT", "RED"};
	for (int i = 0; i < 5; i++)
		if (tlp && !strcmp(tlp, order[i]))
			return i;
	return 4; /* unknown: treated as the most restrictive */
}

static json_t *tag(const char *name)
{
	return json_pack("{s:s}", "name", name);
}

/* "tlp:amber+strict" */
static json_t *tlp_tag(const char *tlp)
{
	char t[32];
	snprintf(t, sizeof t, "tlp:%s", tlp);
	for (char *c = t; *c; c++)
		if (*c >= 'A' && *c <= 'Z')
			*c = (char)(*c - 'A' + 'a');
	return tag(t);
}

static json_t *attribute(const struct intel_item *it, int *oom)
{
	json_t *a = json_object(), *tags = json_array();
	char ts[32];
	export_set_str(a, "uuid", it->uuid, oom);
	export_set_str(a, "type", misp_type(it->type), oom);
	export_set_str(a, "category", category(it->type), oom);
	export_set(a, "to_ids", json_boolean(it->to_ids), oom);
	export_set_str(a, "value", it->value, oom);
	snprintf(ts, sizeof ts, "%lld", (long long)(it->modified ? it->modified : it->created));
	export_set_str(a, "timestamp", ts, oom);
	export_set_str(a, "distribution", "5", oom); /* inherit the event's */
	if (it->description && *it->description)
		export_set_str(a, "comment", it->description, oom);
	if (it->first_seen) {
		export_time(it->first_seen, ts);
		export_set_str(a, "first_seen", ts, oom);
	}
	if (it->last_seen) {
		export_time(it->last_seen, ts);
		export_set_str(a, "last_seen", ts, oom);
	}
	if (!tags || json_array_append_new(tags, tlp_tag(it->tlp)))
		*oom = 1;
	for (size_t k = 0; tags && k < it->n_tags; k++)
		if (json_array_append_new(tags, tag(it->tags[k])))
			*oom = 1;
	export_set(a, "Tag", tags, oom);
	return a;
}

/* The event fields the manifest repeats. */
static void event_head(json_t *ev, const struct intel_item *items, size_t n,
		       const struct intel_export_meta *m, int *oom)
{
	char ts[32], date[16], org[37];
	const char *producer = m->producer && *m->producer ? m->producer : "warroom";
	export_set_str(ev, "info", m->title && *m->title ? m->title : "warroom indicators", oom);
	export_time(m->now, ts);
	snprintf(date, sizeof date, "%.10s", ts);
	export_set_str(ev, "date", date, oom);
	snprintf(ts, sizeof ts, "%lld", (long long)m->now);
	export_set_str(ev, "timestamp", ts, oom);
	export_set_str(ev, "threat_level_id", "2", oom); /* medium */
	export_set_str(ev, "analysis", "2", oom);        /* completed */
	if (export_uuid5("warroom-identity:", producer, org))
		*oom = 1;
	export_set(ev, "Orgc", json_pack("{s:s, s:s}", "name", producer, "uuid", org), oom);
	int worst = 0;
	for (size_t i = 0; i < n; i++)
		if (tlp_rank(items[i].tlp) > worst)
			worst = tlp_rank(items[i].tlp);
	static const char *const names[] = {"CLEAR", "GREEN", "AMBER", "AMBER+STRICT", "RED"};
	export_set(ev, "Tag", json_pack("[o]", tlp_tag(names[worst])), oom);
}

json_t *export_misp_event(const struct intel_item *items, size_t n,
			  const struct intel_export_meta *m, int wrapped)
{
	int oom = 0;
	json_t *ev = json_object(), *attrs = json_array();
	export_set_str(ev, "uuid", m->event_uuid, &oom);
	event_head(ev, items, n, m, &oom);
	char ts[32];
	snprintf(ts, sizeof ts, "%lld", (long long)m->now);
	export_set_str(ev, "publish_timestamp", ts, &oom);
	export_set(ev, "published", json_true(), &oom);
	/* Distribution from the most restrictive TLP: CLEAR all communities,
	 * GREEN connected communities, AMBER this community, stricter: this
	 * organisation only (MISP's 3, 2, 1, 0). */
	int worst = 0;
	for (size_t i = 0; i < n; i++)
		if (tlp_rank(items[i].tlp) > worst)
			worst = tlp_rank(items[i].tlp);
	static const char *const dist[] = {"3", "2", "1", "0", "0"};
	export_set_str(ev, "distribution", dist[worst], &oom);
	for (size_t i = 0; attrs && i < n && !oom; i++) {
		if (!misp_type(items[i].type))
			continue;
		if (json_array_append_new(attrs, attribute(&items[i], &oom)))
			oom = 1;
	}
	export_set(ev, "Attribute", attrs, &oom);
	if (oom) {
		json_decref(ev);
		return NULL;
	}
	if (!wrapped)
		return ev;
	json_t *doc = json_object();
	export_set(doc, "Event", ev, &oom);
	if (oom) {
		json_decref(doc);
		return NULL;
	}
	return doc;
}

/* Writes text to dir/name through a temporary file and rename(2). */
static int write_atomic(const char *dir, const char *name, const char *text, size_t len,
			struct wr_err *e)
{
	char path[4096], tmp[4200];
	if (snprintf(path, sizeof path, "%s/%s", dir, name) >= (int)sizeof path)
		return wr_err_set(e, WR_EINVAL, "dir", "is too long");
	snprintf(tmp, sizeof tmp, "%s.tmp-%ld", path, (long)getpid());
	int fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
	if (fd < 0)
		return wr_err_set(e, WR_EIO, "dir", "%s: %s", tmp, strerror(errno));
	size_t off = 0;
	while (off < len) {
		ssize_t w = write(fd, text + off, len - off);
		if (w < 0 && errno == EINTR)
			continue;
		if (w <= 0) {
			int err = errno;
			close(fd);
			unlink(tmp);
			return wr_err_set(e, WR_EIO, "dir", "%s: %s", tmp, strerror(err));
		}
		off += (size_t)w;
	}
	if (fsync(fd) || close(fd) || rename(tmp, path)) {
		int err = errno;
		unlink(tmp);
		return wr_err_set(e, WR_EIO, "dir", "%s: %s", path, strerror(err));
	}
	return 0;
}

static int md5_hex(const char *v, char out[33])
{
	unsigned char d[EVP_MAX_MD_SIZE];
	unsigned int dl = 0;
	if (!EVP_Digest(v, strlen(v), d, &dl, EVP_md5(), NULL) || dl != 16)
		return -1;
	for (int i = 0; i < 16; i++)
		snprintf(out + 2 * i, 3, "%02x", d[i]);
	return 0;
}

int export_misp_manifest(const struct intel_item *items, size_t n, const struct intel_export_meta *m,
			 struct buf *out, struct wr_err *e)
{
	int oom = 0;
	json_t *manifest = json_object(), *head = json_object();
	event_head(head, items, n, m, &oom);
	export_set(manifest, m->event_uuid, head, &oom);
	return export_dump(manifest, oom, out, e);
}

int export_misp_hashes(const struct intel_item *items, size_t n, const struct intel_export_meta *m,
		       struct buf *out, struct wr_err *e)
{
	for (size_t i = 0; i < n; i++) {
		char h[33];
		if (!misp_type(items[i].type))
			continue;
		if (md5_hex(items[i].value, h))
			return wr_err_set(e, WR_ENOMEM, NULL, "cannot hash a value");
		if (buf_printf(out, "%s,%s\n", h, m->event_uuid))
			return wr_err_set(e, WR_ETOOBIG, NULL, "the feed is too big");
	}
	return 0;
}

/* The feed's three files, each written atomically. */
int intel_export_misp_feed(const char *dir, const struct intel_item *items, size_t n,
			   const struct intel_export_meta *m, struct wr_err *e)
{
	static const enum intel_format parts[] = {INTEL_FMT_MISP_MANIFEST, INTEL_FMT_MISP, INTEL_FMT_MISP_HASHES};
	if (mkdir(dir, 0755) && errno != EEXIST)
		return wr_err_set(e, WR_EIO, "dir", "%s: %s", dir, strerror(errno));
	char event[64];
	snprintf(event, sizeof event, "%s.json", m->event_uuid);
	const char *names[] = {"manifest.json", event, "hashes.csv"};
	struct buf b;
	buf_init(&b, (size_t)1 << 30);
	int rc = 0;
	for (size_t i = 0; i < 3 && !rc; i++) {
		buf_reset(&b);
		rc = intel_export_write(parts[i], items, n, m, &b, e);
		if (!rc)
			rc = write_atomic(dir, names[i], b.ptr ? b.ptr : "", b.len, e);
	}
	buf_release(&b);
	return rc;
}
