/* Formatting of hits (see output.h). */
#include "sweep/output.h"

#include "base/timeutil.h"

#include <string.h>

#define OUT_FLUSH (1u << 20)

void output_init(struct output *o, const struct ioc_set *set, enum sweep_format f, FILE *out)
{
	memset(o, 0, sizeof *o);
	o->set = set;
	o->format = f;
	o->out = out;
	buf_init(&o->b, OUT_FLUSH * 4);
}

/* Length of the valid UTF-8 sequence at s (n bytes left), 0 when invalid. */
static size_t utf8_len(const unsigned char *s, size_t n)
{
	unsigned char c = s[0];
	size_t k;
	unsigned min;
	if (c < 0x80)
		return 1;
	if (c >= 0xC2 && c <= 0xDF)
		k = 2, min = 0x80;
	else if (c >= 0xE0 && c <= 0xEF)
		k = 3, min = 0x800;
	else if (c >= 0xF0 && c <= 0xF4)
		k = 4, min = 0x10000;
	else
		return 0;
	if (n < k)
		return 0;
	unsigned v = c & (0x7F >> k);
	for (size_t i = 1; i < k; i++) {
		if ((s[i] & 0xC0) != 0x80)
			return 0;
		v = v << 6 | (s[i] & 0x3F);
	}
	if (v < min || v > 0x10FFFF || (v >= 0xD800 && v <= 0xDFFF))
		return 0;
	return k;
}

int output_json_str(struct buf *b, const char *s, size_t n)
{
	const unsigned char *p = (const unsigned char *)s;
	int rc = 0;
	for (size_t i = 0; i < n && !rc;) {
		unsigned char c = p[i];
		if (c == '"' || c == '\\') {
			rc = buf_addc(b, '\\');
			if (!rc)
				rc = buf_addc(b, (char)c);
			i++;
		} else if (c < 0x20 || c == 0x7f) {
			rc = buf_printf(b, "\\u%04x", c);
			i++;
		} else {
			size_t k = utf8_len(p + i, n - i);
			if (k == 0) {
				rc = buf_adds(b, "\\ufffd");
				i++;
			} else {
				rc = buf_add(b, p + i, k);
				i += k;
			}
		}
	}
	return rc;
}

/* For tsv and text: tabs, line ends, control bytes and backslashes as
 * \t \n \r \xNN \\ so that one hit stays one line of fields. */
static int plain_str(struct buf *b, const char *s, size_t n)
{
	int rc = 0;
	for (size_t i = 0; i < n && !rc; i++) {
		unsigned char c = (unsigned char)s[i];
		if (c == '\t')
			rc = buf_adds(b, "\\t");
		else if (c == '\n')
			rc = buf_adds(b, "\\n");
		else if (c == '\r')
			rc = buf_adds(b, "\\r");
		else if (c == '\\')
			rc = buf_adds(b, "\\\\");
		else if (c < 0x20 || c == 0x7f)
			rc = buf_printf(b, "\\x%02x", c);
		else
			rc = buf_addc(b, (char)c);
	}
	return rc;
}

static int labels_json(struct output *o, uint32_t ioc, int is_tag)
{
	int rc = buf_addc(&o->b, '[');
	uint32_t cur = 0;
	const char *t;
	int first = 1;
	while (!rc && (t = ioc_set_next_label(o->set, ioc, is_tag, &cur))) {
		rc = buf_adds(&o->b, first ? "\"" : ",\"");
		if (!rc)
			rc = output_json_str(&o->b, t, strlen(t));
		if (!rc)
			rc = buf_addc(&o->b, '"');
		first = 0;
	}
	return rc ? rc : buf_addc(&o->b, ']');
}

int output_hit(struct output *o, const char *path, uint64_t line, uint64_t off, int64_t when,
	       uint32_t ioc, const char *text, size_t len)
{
	size_t vl;
	const char *v = ioc_set_value(o->set, ioc, &vl);
	const char *type = ioc_type_name(ioc_set_type(o->set, ioc));
	struct buf *b = &o->b;
	int rc = 0;
	switch (o->format) {
	case SWEEP_TSV:
		rc = plain_str(b, path, strlen(path));
		if (!rc)
			rc = buf_printf(b, "\t%llu\t", (unsigned long long)line);
		if (!rc)
			rc = plain_str(b, v, vl);
		if (!rc)
			rc = buf_printf(b, "\t%s\t", type);
		if (!rc)
			rc = plain_str(b, text, len);
		if (!rc)
			rc = buf_addc(b, '\n');
		break;
	case SWEEP_JSON:
		rc = buf_adds(b, "{\"path\":\"");
		if (!rc)
			rc = output_json_str(b, path, strlen(path));
		if (!rc)
			rc = buf_printf(b, "\",\"line\":%llu,\"offset\":%llu,\"indicator\":\"",
					(unsigned long long)line, (unsigned long long)off);
		if (!rc)
			rc = output_json_str(b, v, vl);
		if (!rc)
			rc = buf_printf(b, "\",\"type\":\"%s\",\"match\":\"", type);
		if (!rc)
			rc = output_json_str(b, text, len);
		if (!rc)
			rc = buf_adds(b, "\",\"sources\":");
		if (!rc)
			rc = labels_json(o, ioc, 0);
		if (!rc)
			rc = buf_adds(b, ",\"tags\":");
		if (!rc)
			rc = labels_json(o, ioc, 1);
		if (!rc && when > 0) {
			char ts[32];
			time_format_rfc3339((time_t)when, ts, sizeof ts);
			rc = buf_printf(b, ",\"log_time\":\"%s\"", ts);
		}
		if (!rc)
			rc = buf_adds(b, "}\n");
		break;
	default:
		rc = plain_str(b, path, strlen(path));
		if (!rc)
			rc = buf_printf(b, ":%llu: %s ", (unsigned long long)line, type);
		if (!rc)
			rc = plain_str(b, v, vl);
		if (!rc && (len != vl || memcmp(text, v, vl))) {
			rc = buf_adds(b, " (seen as ");
			if (!rc)
				rc = plain_str(b, text, len);
			if (!rc)
				rc = buf_addc(b, ')');
		}
		if (!rc) {
			uint32_t cur = 0;
			const char *s = ioc_set_next_label(o->set, ioc, 0, &cur);
			if (s)
				rc = buf_printf(b, " [%s%s]", s,
						ioc_set_next_label(o->set, ioc, 0, &cur) ? ", ..." : "");
		}
		if (!rc)
			rc = buf_addc(b, '\n');
	}
	if (rc)
		return rc;
	if (b->len >= OUT_FLUSH)
		return output_flush(o);
	return 0;
}

int output_flush(struct output *o)
{
	if (o->b.len && fwrite(o->b.ptr, 1, o->b.len, o->out) != o->b.len)
		o->failed = 1;
	buf_reset(&o->b);
	if (fflush(o->out))
		o->failed = 1;
	return o->failed ? WR_EIO : 0;
}
