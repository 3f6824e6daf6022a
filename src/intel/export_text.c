/* The line formats: CSV (for people and spreadsheets), a plain list, the
 * Zeek intel framework file and Suricata datasets (docs/formats.md). A
 * value with a control byte (a tab, a line break: possible only in a file
 * name) cannot be a line of the list, Zeek or hex formats and is left out
 * of them; CSV quotes it and Suricata's string datasets encode it. */
#include "intel/export_internal.h"

#include <openssl/evp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/csv.h"

static int buf_fail(int rc, struct wr_err *e)
{
	return wr_err_set(e, rc, NULL,
			  rc == WR_ETOOBIG ? "the export is too big" : "out of memory writing the export");
}

static int line_safe(const char *v)
{
	for (const unsigned char *c = (const unsigned char *)v; *c; c++)
		if (*c < 0x20 || *c == 0x7f)
			return 0;
	return 1;
}

/* a;b;c into out */
static int join(struct buf *out, const char *const *v, size_t n, const char *sep)
{
	int rc = 0;
	for (size_t i = 0; i < n && !rc; i++) {
		if (i)
			rc = buf_adds(out, sep);
		if (!rc)
			rc = buf_adds(out, v[i]);
	}
	return rc;
}

int export_csv(const struct intel_item *items, size_t n, struct buf *out, struct wr_err *e)
{
	char *text = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&text, &len);
	if (!f)
		return wr_err_set(e, WR_ENOMEM, NULL, "out of memory writing the export");
	static const char *const head[] = {"type",	  "value",	 "tlp",
					   "first_seen",  "last_seen",	 "valid_until",
					   "confidence",  "sources",	 "tags"};
	int rc = csv_write_record(f, head, 9);
	struct buf src, tags;
	buf_init(&src, 1u << 20);
	buf_init(&tags, 1u << 20);
	for (size_t i = 0; i < n && !rc; i++) {
		const struct intel_item *it = &items[i];
		char fs[32] = "", ls[32] = "", vu[32] = "", conf[16] = "";
		if (it->first_seen)
			export_time(it->first_seen, fs);
		if (it->last_seen)
			export_time(it->last_seen, ls);
		if (it->valid_until)
			export_time(it->valid_until, vu);
		if (it->confidence >= 0 && it->confidence <= 100)
			snprintf(conf, sizeof conf, "%d", it->confidence);
		buf_reset(&src);
		buf_reset(&tags);
		if (join(&src, it->sources, it->n_sources, ";") || join(&tags, it->tags, it->n_tags, ";")) {
			rc = WR_ETOOBIG;
			break;
		}
		const char *rec[9] = {ioc_type_name(it->type), it->value, it->tlp, fs, ls, vu, conf,
				      src.ptr ? src.ptr : "", tags.ptr ? tags.ptr : ""};
		rc = csv_write_record(f, rec, 9);
	}
	buf_release(&src);
	buf_release(&tags);
	if (fclose(f) && !rc)
		rc = WR_ENOMEM;
	if (!rc)
		rc = buf_add(out, text, len);
	free(text);
	return rc ? buf_fail(rc == WR_EIO ? WR_ENOMEM : rc, e) : 0;
}

int export_list(const struct intel_item *items, size_t n, enum ioc_type only, struct buf *out,
		struct wr_err *e)
{
	int rc = 0;
	for (size_t i = 0; i < n && !rc; i++)
		if ((only == IOC_NONE || items[i].type == only) && line_safe(items[i].value))
			rc = buf_printf(out, "%s\n", items[i].value);
	return rc ? buf_fail(rc, e) : 0;
}

static const char *zeek_type(enum ioc_type t)
{
	switch (t) {
	case IOC_IPV4:
	case IOC_IPV6:
		return "Intel::ADDR";
	case IOC_CIDR:
		return "Intel::SUBNET";
	case IOC_DOMAIN:
	case IOC_HOSTNAME:
		return "Intel::DOMAIN";
	case IOC_URL:
		return "Intel::URL";
	case IOC_EMAIL:
		return "Intel::EMAIL";
	case IOC_MD5:
	case IOC_SHA1:
	case IOC_SHA256:
		return "Intel::FILE_HASH";
	case IOC_FILENAME:
		return "Intel::FILE_NAME";
	default:
		return NULL;
	}
}

/* A Zeek field: "-" when empty (Zeek's unset mark), control bytes and
 * commas (Zeek's set separator in meta fields) as spaces. */
static int zeek_field(struct buf *out, const char *s)
{
	if (!s || !*s)
		return buf_addc(out, '-');
	int rc = 0;
	for (const unsigned char *c = (const unsigned char *)s; *c && !rc; c++)
		rc = buf_addc(out, (char)(*c < 0x20 || *c == 0x7f ? ' ' : *c));
	return rc;
}

int export_zeek(const struct intel_item *items, size_t n, const struct intel_export_meta *m,
		struct buf *out, struct wr_err *e)
{
	int rc = buf_adds(out, "#fields\tindicator\tindicator_type\tmeta.source\tmeta.desc\tmeta.url\n");
	struct buf tmp;
	buf_init(&tmp, 1u << 20);
	for (size_t i = 0; i < n && !rc; i++) {
		const struct intel_item *it = &items[i];
		const char *zt = zeek_type(it->type);
		if (!zt || !line_safe(it->value))
			continue;
		const char *v = it->value;
		if (it->type == IOC_URL) {
			/* Zeek's Intel::URL is the URL without its scheme. */
			const char *s = strstr(v, "://");
			v = s ? s + 3 : v;
		}
		rc = buf_printf(out, "%s\t%s\t", v, zt);
		buf_reset(&tmp);
		if (!rc)
			rc = join(&tmp, it->sources, it->n_sources, " ");
		if (!rc)
			rc = zeek_field(out, it->n_sources ? tmp.ptr
							   : (m->producer ? m->producer : "warroom"));
		buf_reset(&tmp);
		if (!rc)
			rc = buf_printf(&tmp, "TLP:%s%s%s", it->tlp, it->description ? " " : "",
					it->description ? it->description : "");
		for (size_t k = 0; k < it->n_tags && !rc; k++)
			rc = buf_printf(&tmp, " #%s", it->tags[k]);
		if (!rc)
			rc = buf_addc(out, '\t');
		if (!rc)
			rc = zeek_field(out, tmp.ptr);
		if (!rc)
			rc = buf_adds(out, "\t-\n");
	}
	buf_release(&tmp);
	return rc ? buf_fail(rc, e) : 0;
}

int export_suricata(const struct intel_item *items, size_t n, enum ioc_type only,
		    struct buf *out, struct wr_err *e)
{
	if (only == IOC_NONE)
		return wr_err_set(e, WR_EINVAL, "type",
				  "is needed: a Suricata dataset holds one type of value");
	if (only == IOC_CIDR)
		return wr_err_set(e, WR_EINVAL, "type",
				  "cidr cannot be a Suricata dataset (datasets hold addresses, not "
				  "prefixes): use the ipv4 and ipv6 datasets or an IP reputation list");
	/* Hashes and addresses are written as they are, every other type as a
	 * string dataset: base64 of the bytes. */
	int plain = only == IOC_MD5 || only == IOC_SHA256 || only == IOC_IPV4 || only == IOC_IPV6;
	int rc = 0;
	unsigned char *b64 = malloc(4 * ((IOC_VALUE_MAX + 2) / 3) + 1);
	if (!b64)
		return buf_fail(WR_ENOMEM, e);
	for (size_t i = 0; i < n && !rc; i++) {
		const struct intel_item *it = &items[i];
		size_t len = strlen(it->value);
		if (it->type != only || len > IOC_VALUE_MAX)
			continue;
		if (plain) {
			rc = buf_printf(out, "%s\n", it->value);
		} else {
			int bl = EVP_EncodeBlock(b64, (const unsigned char *)it->value, (int)len);
			rc = buf_add(out, b64, (size_t)bl);
			if (!rc)
				rc = buf_addc(out, '\n');
		}
	}
	free(b64);
	return rc ? buf_fail(rc, e) : 0;
}
