/* STIX 2.1 bundles and MISP events (see read_json.h). Only what can be
 * swept for exactly is taken: a STIX pattern that is a comparison, or an OR
 * of comparisons, of a value with '=' on an address, domain, URL, email,
 * file hash or file name; a MISP attribute flagged for detection (to_ids)
 * of a type we know. Everything else is reported through skip with its id
 * and the reason. */
#include "ioc/read_json.h"

#include <jansson.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "base/timeutil.h"
#include "ioc/pack.h"

struct ctx {
	struct ioc_set *s;
	const char *source;
	ioc_skip_fn skip;
	void *arg;
	int oom;
	/* With meta set (ioc_read_json_meta): the record being read and the
	 * bundle's marking definitions (id -> TLP name). */
	ioc_meta_fn meta;
	void *meta_arg;
	struct ioc_meta cur;
	json_t *markings;
};

static void report(struct ctx *c, const char *id, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
static void report(struct ctx *c, const char *id, const char *fmt, ...)
{
	if (!c->skip)
		return;
	struct ioc_skip k = {0};
	snprintf(k.id, sizeof k.id, "%s", id ? id : "");
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(k.reason, sizeof k.reason, fmt, ap);
	va_end(ap);
	c->skip(c->arg, &k);
}

static const char *str(const json_t *o, const char *key)
{
	const char *s = json_string_value(json_object_get(o, key));
	return s ? s : NULL;
}

static int64_t when(const json_t *o, const char *key)
{
	int64_t t;
	const char *v = str(o, key);
	return v && !time_parse_rfc3339(v, &t) ? t : 0;
}

/* The TLP names of TLP 1.0 and 2.0 ("white" is 1.0's "clear"), any case,
 * with or without "tlp:"; NULL when not one. */
static const char *tlp_name(const char *s)
{
	static const char *const names[][2] = {
		{"clear", "CLEAR"}, {"white", "CLEAR"}, {"green", "GREEN"}, {"amber", "AMBER"},
		{"amber+strict", "AMBER+STRICT"}, {"red", "RED"},
	};
	if (!s)
		return NULL;
	if (!strncasecmp(s, "tlp:", 4))
		s += 4;
	for (size_t i = 0; i < sizeof names / sizeof names[0]; i++)
		if (!strcasecmp(s, names[i][0]))
			return names[i][1];
	return NULL;
}

static int tlp_rank(const char *t)
{
	static const char *const order[] = {"CLEAR", "GREEN", "AMBER", "AMBER+STRICT", "RED"};
	for (int i = 0; t && i < 5; i++)
		if (!strcmp(t, order[i]))
			return i;
	return -1;
}

/* The stricter of two TLP names (either may be NULL). */
static const char *tlp_max(const char *a, const char *b)
{
	return tlp_rank(b) > tlp_rank(a) ? b : a;
}

/* The well-known STIX TLP marking definitions (1.0 and 2.0). */
static const char *stix_tlp_ref(const char *ref)
{
	static const char *const refs[][2] = {
		{"marking-definition--613f2e26-407d-48c7-9eca-b8e91df99dc9", "CLEAR"},
		{"marking-definition--34098fce-860f-48ae-8e50-ebd3cc5e41da", "GREEN"},
		{"marking-definition--f88d31f6-486f-44da-b317-01333bde0b82", "AMBER"},
		{"marking-definition--5e57c739-391a-4eb3-b6be-7d15ca92d5ed", "RED"},
		{"marking-definition--94868c89-83c2-464b-929b-a1a8aa3c8487", "CLEAR"},
		{"marking-definition--bab4a63c-aed9-4cf5-a766-dfca5abac2bb", "GREEN"},
		{"marking-definition--55d920b0-5e8b-4f79-9ee9-91f868d9b421", "AMBER"},
		{"marking-definition--939a9414-2ddd-4d32-a0cd-375ea402b003", "AMBER+STRICT"},
		{"marking-definition--e828b379-4e03-4974-9ac4-e53a884c97c1", "RED"},
	};
	for (size_t i = 0; i < sizeof refs / sizeof refs[0]; i++)
		if (!strcmp(ref, refs[i][0]))
			return refs[i][1];
	return NULL;
}

/* A bundle's own TLP marking definitions: 1.0 ({"definition_type": "tlp",
 * "definition": {"tlp": "amber"}}) or 2.0 (an extension and name "TLP:AMBER"). */
static void stix_marking(struct ctx *c, const json_t *o)
{
	const char *id = str(o, "id"), *t = NULL;
	if (!id || !c->markings)
		return;
	const char *dt = str(o, "definition_type");
	if (dt && !strcmp(dt, "tlp"))
		t = tlp_name(str(json_object_get(o, "definition"), "tlp"));
	if (!t)
		t = tlp_name(str(o, "name"));
	if (t)
		json_object_set_new(c->markings, id, json_string(t));
}

/* The STIX object's TLP: the strictest TLP among its object_marking_refs. */
static const char *stix_tlp(struct ctx *c, const json_t *o)
{
	const char *t = NULL;
	size_t i;
	const json_t *r;
	json_array_foreach(json_object_get(o, "object_marking_refs"), i, r) {
		const char *ref = json_string_value(r);
		if (!ref)
			continue;
		const char *x = stix_tlp_ref(ref);
		if (!x)
			x = json_string_value(json_object_get(c->markings, ref));
		t = tlp_max(t, x);
	}
	return t;
}

static void stix_meta(struct ctx *c, const json_t *o)
{
	memset(&c->cur, 0, sizeof c->cur);
	c->cur.id = str(o, "id");
	c->cur.tlp = stix_tlp(c, o);
	c->cur.valid_from = when(o, "valid_from");
	c->cur.valid_until = when(o, "valid_until");
	json_int_t conf = json_integer_value(json_object_get(o, "confidence"));
	c->cur.confidence = json_is_integer(json_object_get(o, "confidence")) && conf >= 0 && conf <= 100
				    ? (int)conf : -1;
	c->cur.to_ids = -1;
	c->cur.description = str(o, "description");
}

/* Adds value as t with the source and every tag of tags (an array of
 * strings or of objects with "name"). Problems with the value are reported. */
static void add(struct ctx *c, const char *id, enum ioc_type t, const char *value,
		const char *source, const json_t *tags, const json_t *more_tags)
{
	struct wr_err e = {0};
	int rc = ioc_set_add(c->s, t, value, source, NULL, &e);
	if (rc == WR_ENOMEM) {
		c->oom = 1;
		return;
	}
	if (rc) {
		report(c, id, "%s \"%.40s\" %.90s", ioc_type_name(t), value, e.message);
		return;
	}
	if (c->meta) {
		static _Thread_local char canon[IOC_VALUE_MAX + 1];
		enum ioc_type ct = t;
		if (!ioc_canonical(&ct, value, canon, sizeof canon, NULL))
			c->meta(c->meta_arg, ct, canon, &c->cur);
	}
	const json_t *lists[2] = {tags, more_tags};
	for (int l = 0; l < 2; l++) {
		size_t i;
		const json_t *x;
		json_array_foreach(lists[l], i, x) {
			const char *tag = json_is_string(x) ? json_string_value(x) : str(x, "name");
			if (tag && ioc_set_add(c->s, t, value, NULL, tag, NULL) == WR_ENOMEM)
				c->oom = 1;
		}
	}
}

/* ------------------------------------------------------------------ STIX */

struct pat {
	const char *p;
	enum ioc_type t[16];
	char v[16][IOC_VALUE_MAX + 1];
	int n;
};

static void ws(struct pat *x)
{
	while (*x->p == ' ' || *x->p == '\t' || *x->p == '\n' || *x->p == '\r')
		x->p++;
}

static int word(struct pat *x, const char *w)
{
	ws(x);
	size_t n = strlen(w);
	if (strncmp(x->p, w, n))
		return 0;
	x->p += n;
	return 1;
}

/* A quoted string ('...' with \' and \\) into out. */
static int quoted(struct pat *x, char *out, size_t outsz)
{
	ws(x);
	if (*x->p != '\'')
		return -1;
	size_t k = 0;
	for (x->p++; *x->p && *x->p != '\''; x->p++) {
		if (*x->p == '\\' && (x->p[1] == '\'' || x->p[1] == '\\'))
			x->p++;
		if (k + 1 >= outsz)
			return -1;
		out[k++] = *x->p;
	}
	if (*x->p != '\'')
		return -1;
	x->p++;
	out[k] = '\0';
	return 0;
}

static enum ioc_type path_type(struct pat *x)
{
	static const struct {
		const char *path;
		enum ioc_type t;
	} paths[] = {
		{"ipv4-addr:value", IOC_IPV4},
		{"ipv6-addr:value", IOC_IPV6},
		{"domain-name:value", IOC_DOMAIN},
		{"url:value", IOC_URL},
		{"email-addr:value", IOC_EMAIL},
		{"file:name", IOC_FILENAME},
		{"file:hashes.'MD5'", IOC_MD5},
		{"file:hashes.MD5", IOC_MD5},
		{"file:hashes.'SHA-1'", IOC_SHA1},
		{"file:hashes.'SHA1'", IOC_SHA1},
		{"file:hashes.'SHA-256'", IOC_SHA256},
		{"file:hashes.'SHA256'", IOC_SHA256},
	};
	ws(x);
	for (size_t i = 0; i < sizeof paths / sizeof paths[0]; i++) {
		size_t n = strlen(paths[i].path);
		if (!strncmp(x->p, paths[i].path, n)) {
			x->p += n;
			return paths[i].t;
		}
	}
	return IOC_NONE;
}

/* [path = 'v' OR path = 'v' ...] (OR [...])*; 0 or -1. */
static int parse_pattern(struct pat *x)
{
	do {
		if (!word(x, "["))
			return -1;
		do {
			enum ioc_type t = path_type(x);
			if (t == IOC_NONE || !word(x, "=") || x->n == 16)
				return -1;
			if (quoted(x, x->v[x->n], sizeof x->v[0]))
				return -1;
			/* An ipv4-addr value may be a CIDR ("10.0.0.0/8"). */
			if ((t == IOC_IPV4 || t == IOC_IPV6) && strchr(x->v[x->n], '/'))
				t = IOC_CIDR;
			x->t[x->n++] = t;
		} while (word(x, "OR"));
		if (!word(x, "]"))
			return -1;
	} while (word(x, "OR"));
	ws(x);
	return *x->p ? -1 : 0;
}

static void stix_indicator(struct ctx *c, const json_t *o)
{
	const char *id = str(o, "id");
	const char *pattern = str(o, "pattern");
	const char *ptype = str(o, "pattern_type");
	if (ptype && strcmp(ptype, "stix")) {
		report(c, id, "a %.60s pattern cannot be swept for", ptype);
		return;
	}
	if (!pattern) {
		report(c, id, "has no pattern");
		return;
	}
	/* 16 values of up to 2 KiB: not on the stack; one per thread (the
	 * server reads imports on several request threads) */
	static _Thread_local struct pat x;
	memset(&x, 0, sizeof x);
	x.p = pattern;
	if (parse_pattern(&x)) {
		report(c, id, "the pattern is not an equality (or an OR of equalities) on an "
			      "address, domain, URL, email, hash or file name: %.40s", pattern);
		return;
	}
	stix_meta(c, o);
	for (int i = 0; i < x.n; i++)
		add(c, id, x.t[i], x.v[i], c->source, json_object_get(o, "labels"),
		    json_object_get(o, "indicator_types"));
}

/* A cyber-observable object given as such in a bundle. */
static void stix_sco(struct ctx *c, const json_t *o, const char *type)
{
	const char *id = str(o, "id");
	stix_meta(c, o);
	static const struct {
		const char *type;
		enum ioc_type t;
	} scos[] = {
		{"ipv4-addr", IOC_IPV4},   {"ipv6-addr", IOC_IPV6}, {"domain-name", IOC_DOMAIN},
		{"url", IOC_URL},	   {"email-addr", IOC_EMAIL},
	};
	for (size_t i = 0; i < sizeof scos / sizeof scos[0]; i++)
		if (!strcmp(type, scos[i].type)) {
			const char *v = str(o, "value");
			enum ioc_type t = scos[i].t;
			if (v && strchr(v, '/') && (t == IOC_IPV4 || t == IOC_IPV6))
				t = IOC_CIDR;
			if (v)
				add(c, id, t, v, c->source, NULL, NULL);
			return;
		}
	if (!strcmp(type, "file")) {
		const json_t *h = json_object_get(o, "hashes");
		const char *v;
		if ((v = str(h, "MD5")))
			add(c, id, IOC_MD5, v, c->source, NULL, NULL);
		if ((v = str(h, "SHA-1")))
			add(c, id, IOC_SHA1, v, c->source, NULL, NULL);
		if ((v = str(h, "SHA-256")))
			add(c, id, IOC_SHA256, v, c->source, NULL, NULL);
		if ((v = str(o, "name")))
			add(c, id, IOC_FILENAME, v, c->source, NULL, NULL);
	} else if (c->meta) {
		/* the store reports every object it leaves out, with its id */
		report(c, id, "an object of type %.60s holds no indicator", type);
	}
}

static void stix_object(struct ctx *c, const json_t *o)
{
	const char *type = str(o, "type");
	if (!type)
		return;
	if (!strcmp(type, "indicator"))
		stix_indicator(c, o);
	else if (strcmp(type, "marking-definition"))
		stix_sco(c, o, type);
}

/* ------------------------------------------------------------------ MISP */

static enum ioc_type misp_type(const char *t)
{
	static const struct {
		const char *name;
		enum ioc_type t;
	} types[] = {
		{"ip-src", IOC_IPV4},	 {"ip-dst", IOC_IPV4},	     {"domain", IOC_DOMAIN},
		{"hostname", IOC_HOSTNAME}, {"url", IOC_URL},	     {"uri", IOC_URL},
		{"md5", IOC_MD5},	 {"sha1", IOC_SHA1},	     {"sha256", IOC_SHA256},
		{"email-src", IOC_EMAIL}, {"email-dst", IOC_EMAIL},  {"email", IOC_EMAIL},
		{"filename", IOC_FILENAME},
	};
	for (size_t i = 0; i < sizeof types / sizeof types[0]; i++)
		if (!strcmp(t, types[i].name))
			return types[i].t;
	return IOC_NONE;
}

struct misp {
	const char *source;
	const json_t *event_tags;
	size_t not_ids;
	const char *event_tlp; /* from the event's tags, else its distribution */
};

/* The strictest tlp:* tag of a MISP Tag array. */
static const char *misp_tags_tlp(const json_t *tags)
{
	const char *t = NULL;
	size_t i;
	const json_t *x;
	json_array_foreach(tags, i, x) {
		const char *name = json_is_string(x) ? json_string_value(x) : str(x, "name");
		if (name && !strncasecmp(name, "tlp:", 4))
			t = tlp_max(t, tlp_name(name));
	}
	return t;
}

/* MISP distribution -> TLP when no tlp tag says it (docs/intel.md):
 * 0 organisation only RED, 1 community AMBER, 2 connected communities
 * GREEN, 3 all CLEAR, 4 sharing group AMBER+STRICT. */
static const char *misp_distribution_tlp(const json_t *d)
{
	static const char *const map[] = {"RED", "AMBER", "GREEN", "CLEAR", "AMBER+STRICT"};
	long v = -1;
	if (json_is_integer(d))
		v = (long)json_integer_value(d);
	else if (json_is_string(d) && json_string_value(d)[0] >= '0' && json_string_value(d)[0] <= '4' &&
		 !json_string_value(d)[1])
		v = json_string_value(d)[0] - '0';
	return v >= 0 && v <= 4 ? map[v] : NULL;
}

static int64_t misp_time(const json_t *a, const char *key)
{
	const json_t *v = json_object_get(a, key);
	int64_t t;
	if (json_is_integer(v))
		return json_integer_value(v);
	if (json_is_string(v) && !time_parse_rfc3339(json_string_value(v), &t))
		return t;
	return 0;
}

static void misp_attribute(struct ctx *c, struct misp *m, const json_t *a)
{
	const char *type = str(a, "type"), *value = str(a, "value"), *id = str(a, "uuid");
	if (!type || !value)
		return;
	const json_t *ids = json_object_get(a, "to_ids");
	int not_ids = json_is_false(ids) || (json_is_string(ids) && !strcmp(json_string_value(ids), "0"));
	if (not_ids && !c->meta) {
		m->not_ids++;
		return;
	}
	if (c->meta) {
		memset(&c->cur, 0, sizeof c->cur);
		c->cur.id = id;
		c->cur.tlp = misp_tags_tlp(json_object_get(a, "Tag"));
		if (!c->cur.tlp) {
			const json_t *d = json_object_get(a, "distribution");
			/* 5: inherit the event's */
			c->cur.tlp = misp_distribution_tlp(d);
			if (!c->cur.tlp || (json_is_integer(d) && json_integer_value(d) == 5))
				c->cur.tlp = m->event_tlp;
		}
		c->cur.first_seen = misp_time(a, "first_seen");
		c->cur.last_seen = misp_time(a, "last_seen");
		c->cur.confidence = -1;
		c->cur.to_ids = !not_ids;
		c->cur.description = str(a, "comment");
		if (c->cur.description && !*c->cur.description)
			c->cur.description = NULL;
	}
	/* Composite types ("filename|sha256", "ip-dst|port", "domain|ip"). */
	char t1[64], t2[64], v1[IOC_VALUE_MAX + 1], v2[IOC_VALUE_MAX + 1];
	const char *bar = strchr(type, '|'), *vbar = strchr(value, '|');
	int two = bar && vbar;
	snprintf(t1, sizeof t1, "%.*s", two ? (int)(bar - type) : 63, type);
	snprintf(t2, sizeof t2, "%s", two ? bar + 1 : "");
	snprintf(v1, sizeof v1, "%.*s", two ? (int)(vbar - value) : IOC_VALUE_MAX, value);
	snprintf(v2, sizeof v2, "%s", two ? vbar + 1 : "");
	const char *tt[2] = {t1, t2}, *vv[2] = {v1, v2};
	for (int k = 0; k < (two ? 2 : 1); k++) {
		if (two && !strcmp(tt[k], "port"))
			continue;
		enum ioc_type t = misp_type(tt[k]);
		if (t == IOC_NONE) {
			report(c, id, "MISP type %.60s is not swept for", tt[k]);
			continue;
		}
		if (t == IOC_IPV4 && strchr(vv[k], '/'))
			t = IOC_CIDR;
		add(c, id, t, vv[k], m->source, m->event_tags, json_object_get(a, "Tag"));
	}
}

static void misp_event(struct ctx *c, const json_t *ev)
{
	char source[96];
	const char *eid = str(ev, "uuid");
	if (c->source)
		snprintf(source, sizeof source, "%s", c->source);
	else
		snprintf(source, sizeof source, "misp-event-%s", eid ? eid : "?");
	struct misp m = {.source = source, .event_tags = json_object_get(ev, "Tag")};
	m.event_tlp = misp_tags_tlp(m.event_tags);
	if (!m.event_tlp)
		m.event_tlp = misp_distribution_tlp(json_object_get(ev, "distribution"));
	size_t i, j;
	const json_t *a, *o;
	json_array_foreach(json_object_get(ev, "Attribute"), i, a)
		misp_attribute(c, &m, a);
	json_array_foreach(json_object_get(ev, "Object"), i, o)
		json_array_foreach(json_object_get(o, "Attribute"), j, a)
			misp_attribute(c, &m, a);
	if (m.not_ids) {
		report(c, eid, "%zu attributes not flagged for detection (to_ids) were left out",
		       m.not_ids);
	}
}

/* ------------------------------------------------------------------ entry */

static void pack_indicators(struct ctx *c, const json_t *doc)
{
	size_t i;
	const json_t *x;
	json_array_foreach(json_object_get(doc, "indicators"), i, x) {
		const char *t = str(x, "type"), *v = str(x, "value");
		enum ioc_type type = t ? ioc_type_from_name(t) : IOC_NONE;
		if (!v || type == IOC_NONE) {
			report(c, v, "has no value or an unknown type");
			continue;
		}
		size_t k;
		const json_t *src;
		int any = 0;
		json_array_foreach(json_object_get(x, "sources"), k, src) {
			if (json_is_string(src)) {
				add(c, v, type, v, json_string_value(src), json_object_get(x, "tags"), NULL);
				any = 1;
			}
		}
		if (!any)
			add(c, v, type, v, c->source, json_object_get(x, "tags"), NULL);
		const char *tlp = str(x, "tlp");
		if (tlp) {
			char tag[48];
			snprintf(tag, sizeof tag, "tlp:%s", tlp);
			if (ioc_set_add(c->s, type, v, NULL, tag, NULL) == WR_ENOMEM)
				c->oom = 1;
		}
	}
}

int ioc_read_json(struct ioc_set *s, const char *text, size_t len, const char *source,
		  ioc_skip_fn skip, void *arg, struct wr_err *e)
{
	return ioc_read_json_meta(s, text, len, source, skip, arg, NULL, NULL, e);
}

int ioc_read_json_meta(struct ioc_set *s, const char *text, size_t len, const char *source,
		       ioc_skip_fn skip, void *arg, ioc_meta_fn meta, void *meta_arg,
		       struct wr_err *e)
{
	json_error_t je;
	json_t *doc = json_loadb(text, len, 0, &je);
	if (!doc) {
		wr_err_set(e, WR_EPARSE, NULL, "line %d, column %d: %s", je.line, je.column, je.text);
		e->line = je.line;
		return WR_EPARSE;
	}
	struct ctx c = {.s = s, .source = source, .skip = skip, .arg = arg, .meta = meta,
			.meta_arg = meta_arg};
	c.cur.confidence = c.cur.to_ids = -1;
	if (meta && !(c.markings = json_object())) {
		json_decref(doc);
		return wr_err_set(e, WR_ENOMEM, NULL, "out of memory");
	}
	const char *type = str(doc, "type");
	int rc = 0;
	if (type && !strcmp(type, "bundle")) {
		size_t i;
		const json_t *o;
		json_array_foreach(json_object_get(doc, "objects"), i, o) {
			const char *ot = str(o, "type");
			if (ot && !strcmp(ot, "marking-definition"))
				stix_marking(&c, o);
		}
		json_array_foreach(json_object_get(doc, "objects"), i, o)
			stix_object(&c, o);
	} else if (type && !strcmp(type, "indicator")) {
		stix_indicator(&c, doc);
	} else if (meta && type && str(doc, "spec_version")) {
		stix_object(&c, doc); /* one STIX object on its own */
	} else if (str(doc, "format") && !strcmp(str(doc, "format"), PACK_FORMAT)) {
		pack_indicators(&c, doc);
	} else if (json_is_object(json_object_get(doc, "Event"))) {
		misp_event(&c, json_object_get(doc, "Event"));
	} else if (json_is_array(json_object_get(doc, "Attribute")) ||
		   json_is_array(json_object_get(doc, "Object"))) {
		misp_event(&c, doc);
	} else if (json_is_array(doc)) {
		size_t i;
		const json_t *x;
		json_array_foreach(doc, i, x) {
			if (json_is_object(json_object_get(x, "Event")))
				misp_event(&c, json_object_get(x, "Event"));
			else
				stix_object(&c, x);
		}
	} else {
		rc = wr_err_set(e, WR_EPARSE, NULL,
				"a JSON document that is not a STIX 2.1 bundle, a MISP event "
				"or a warroom pack");
		e->line = 1;
	}
	json_decref(doc);
	json_decref(c.markings);
	if (!rc && c.oom)
		rc = wr_err_set(e, WR_ENOMEM, NULL, "out of memory");
	return rc;
}
