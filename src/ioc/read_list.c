/* Text indicator lists: a plain list (one value per line, type detected),
 * TSV (value, type, source, tags; header or not, as gen.py's iocs.tsv), and
 * CSV with a header naming a value column (base/csv.h). '#' lines are
 * comments in all three. */
#include "ioc/ioc.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "base/csv.h"

struct cols {
	int value, type, source, tags;
	enum ioc_type value_type; /* implied by the value column's name */
};

static void report(ioc_skip_fn skip, void *arg, long line, const char *id, const char *reason)
{
	if (!skip)
		return;
	struct ioc_skip k = {.line = line};
	snprintf(k.id, sizeof k.id, "%s", id ? id : "");
	snprintf(k.reason, sizeof k.reason, "%s", reason);
	skip(arg, &k);
}

/* Names of value columns: ours, and those of abuse.ch's feeds. */
static const struct {
	const char *name;
	enum ioc_type t;
} value_names[] = {
	{"value", IOC_NONE},	 {"ioc", IOC_NONE},	    {"indicator", IOC_NONE},
	{"ioc_value", IOC_NONE}, {"url", IOC_URL},	    {"dst_ip", IOC_NONE},
	{"ip", IOC_NONE},	 {"ip_address", IOC_NONE},  {"domain", IOC_DOMAIN},
	{"md5_hash", IOC_MD5},	 {"sha1_hash", IOC_SHA1}, {"sha256_hash", IOC_SHA256},
};

/* Column numbers from a header record; value -1 when it is not one. */
static struct cols header_cols(char **f, size_t n)
{
	struct cols c = {-1, -1, -1, -1, IOC_NONE};
	for (size_t i = 0; i < n; i++) {
		const char *h = f[i];
		while (*h == '#' || *h == ' ')
			h++;
		int is_value = 0;
		for (size_t k = 0; k < sizeof value_names / sizeof value_names[0]; k++)
			if (c.value < 0 && !strcasecmp(h, value_names[k].name)) {
				c.value = (int)i;
				c.value_type = value_names[k].t;
				is_value = 1;
				break;
			}
		if (is_value)
			continue;
		if (c.type < 0 && (!strcasecmp(h, "type") || !strcasecmp(h, "ioc_type")))
			c.type = (int)i;
		else if (c.source < 0 && (!strcasecmp(h, "source") || !strcasecmp(h, "sources") ||
					  !strcasecmp(h, "reporter")))
			c.source = (int)i;
		else if (c.tags < 0 && (!strcasecmp(h, "tags") || !strcasecmp(h, "tag") ||
					!strcasecmp(h, "malware")))
			c.tags = (int)i;
	}
	/* "bad.example<TAB>domain" names a column "domain" but is data. */
	for (size_t i = 0; i < n && c.value >= 0; i++)
		if (ioc_detect(f[i]) != IOC_NONE)
			c.value = -1;
	return c;
}

/* A record checked and canonicalised, not yet in the set. */
struct pending {
	enum ioc_type t; /* the canonical type */
	size_t len;
	const char *src;  /* in the record's line buffer */
	const char *tags; /* in the record's line buffer; NULL when none */
	char canon[IOC_VALUE_MAX + 1];
};

/* Checks and canonicalises record f into *p: 1, or 0 when the record is
 * skipped, with the reason in why and the record's value (or "") in *id. */
static int prepare(char **f, size_t n, const struct cols *c, const char *source,
		   struct pending *p, const char **id, char *why, size_t whysz)
{
	if (c->value < 0 || (size_t)c->value >= n || !*f[c->value]) {
		*id = "";
		snprintf(why, whysz, "has no value");
		return 0;
	}
	const char *value = f[c->value];
	enum ioc_type t = c->value_type;
	if (c->type >= 0 && (size_t)c->type < n && *f[c->type]) {
		t = ioc_type_from_name(f[c->type]);
		if (t == IOC_NONE) {
			*id = value;
			snprintf(why, whysz, "has an unknown type \"%.60s\"", f[c->type]);
			return 0;
		}
	}
	/* Only the message is read, and only after a failure: not the whole
	 * struct cleared for every record. */
	struct wr_err e;
	e.code = e.line = 0;
	e.field[0] = e.message[0] = '\0';
	p->t = t;
	if (ioc_canonical(&p->t, value, p->canon, sizeof p->canon, &e)) {
		*id = value;
		snprintf(why, whysz, "%s %.140s", t ? ioc_type_name(t) : "value", e.message);
		return 0;
	}
	p->len = strlen(p->canon);
	p->src = c->source >= 0 && (size_t)c->source < n && *f[c->source] ? f[c->source] : source;
	p->tags = c->tags >= 0 && (size_t)c->tags < n && *f[c->tags] ? f[c->tags] : NULL;
	return 1;
}

/* Adds a prepared record with its source, then each of its tags. 0 or
 * WR_ENOMEM. */
static int commit(struct ioc_set *s, const struct pending *p)
{
	if (ioc_set_add_canonical(s, p->t, p->canon, p->len, p->src, NULL))
		return WR_ENOMEM; /* the length was checked: nothing else fails */
	for (const char *q = p->tags; q && *q;) {
		size_t l = strcspn(q, ",;");
		char one[128];
		snprintf(one, sizeof one, "%.*s", (int)(l < 127 ? l : 127), q);
		if (*one && ioc_set_add_canonical(s, p->t, p->canon, p->len, NULL, one) == WR_ENOMEM)
			return WR_ENOMEM;
		q += l + (q[l] ? 1 : 0);
	}
	return 0;
}

/* Adds one record; problems with the record are reported, not fatal. */
static int add_record(struct ioc_set *s, char **f, size_t n, const struct cols *c, long line,
		      const char *source, ioc_skip_fn skip, void *arg)
{
	struct pending p;
	const char *id;
	char why[160];
	if (!prepare(f, n, c, source, &p, &id, why, sizeof why)) {
		report(skip, arg, line, id, why);
		return 0;
	}
	return commit(s, &p);
}

/* Splits line (len bytes, NUL-terminated, modified) at tabs into at most
 * max fields, trimming spaces. */
static size_t split_tabs(char *line, size_t len, char **f, size_t max)
{
	size_t n = 0;
	char *p = line, *end = line + len;
	while (n < max) {
		char *tab = memchr(p, '\t', (size_t)(end - p));
		char *fe = tab ? tab : end;
		*fe = '\0';
		while (p < fe && *p == ' ')
			p++;
		while (fe > p && (fe[-1] == ' ' || fe[-1] == '\r'))
			*--fe = '\0';
		f[n++] = p;
		if (!tab)
			break;
		p = tab + 1;
	}
	return n;
}

static int read_csv(struct ioc_set *s, const char *text, size_t len, const char *source,
		    ioc_skip_fn skip, void *arg, struct wr_err *e)
{
	FILE *in = fmemopen((void *)text, len, "r");
	if (!in)
		return wr_err_set(e, WR_ENOMEM, NULL, "out of memory");
	struct csv_reader *r = csv_reader_new(in, 0, 0);
	if (!r) {
		fclose(in);
		return wr_err_set(e, WR_ENOMEM, NULL, "out of memory");
	}
	struct csv_record *rec;
	struct cols c = {-1, -1, -1, -1, IOC_NONE};
	int rc;
	while ((rc = csv_next(r, &rec, e)) == 1) {
		if (rec->fields[0][0] == '#') {
			/* abuse.ch writes its header as a comment: "# id,dateadded,url,..." */
			if (c.value < 0 && rec->n > 1)
				c = header_cols(rec->fields, rec->n);
			continue;
		}
		if (c.value < 0) {
			c = header_cols(rec->fields, rec->n);
			if (c.value < 0) {
				rc = wr_err_set(e, WR_EPARSE, NULL,
						"line %ld: a CSV list needs a header with a value "
						"column (value, ioc or indicator)",
						rec->line);
				e->line = (int)rec->line;
				break;
			}
			continue;
		}
		rc = add_record(s, rec->fields, rec->n, &c, rec->line, source, skip, arg);
		if (rc) {
			wr_err_set(e, rc, NULL, "out of memory");
			break;
		}
	}
	csv_reader_free(r);
	fclose(in);
	return rc < 0 ? rc : 0;
}

int ioc_read_list(struct ioc_set *s, const char *text, size_t len, const char *source,
		  ioc_skip_fn skip, void *arg, struct wr_err *e)
{
	/* The format is decided by the first line that is not a comment. */
	const char *p = text, *end = text + len;
	int tsv = 0, csv = 0;
	while (p < end) {
		const char *nl = memchr(p, '\n', (size_t)(end - p));
		const char *le = nl ? nl : end;
		const char *q = p;
		while (q < le && (*q == ' ' || *q == '\t' || *q == '\r'))
			q++;
		if (q < le && *q != '#') {
			tsv = memchr(q, '\t', (size_t)(le - q)) != NULL;
			csv = !tsv && memchr(q, ',', (size_t)(le - q)) != NULL;
			break;
		}
		p = le + (nl ? 1 : 0);
	}
	if (csv)
		return read_csv(s, text, len, source, skip, arg, e);
	if (memchr(text, '\0', len)) {
		const char *z = memchr(text, '\0', len);
		long line = 1;
		for (const char *x = text; x < z; x++)
			line += *x == '\n';
		e->line = 0;
		wr_err_set(e, WR_EPARSE, NULL, "line %ld: a NUL byte in an indicator list", line);
		e->line = (int)line;
		return WR_EPARSE;
	}
	struct cols c = {0, tsv ? 1 : -1, tsv ? 2 : -1, tsv ? 3 : -1, IOC_NONE};
	/* One indicator per line, at most as many bytes as the text. */
	size_t lines = 0;
	for (const char *q = text; (q = memchr(q, '\n', (size_t)(end - q))); q++)
		lines++;
	if (ioc_set_reserve(s, ioc_set_count(s) + lines + 1, len))
		return wr_err_set(e, WR_ENOMEM, NULL, "out of memory");
	/* Each record is added one line late: its index slot in the set is
	 * prefetched when it is prepared, and the set's index, larger than the
	 * caches, is then touched while the next line is read. Two line buffers
	 * and two pending records take turns; a record is always added before
	 * anything about a later line is reported. */
	static const size_t bufsz = IOC_VALUE_MAX * 2 + 64;
	char (*buf)[IOC_VALUE_MAX * 2 + 64] = malloc(2 * sizeof *buf);
	struct pending *pend = malloc(2 * sizeof *pend);
	if (!buf || !pend) {
		free(buf);
		free(pend);
		return wr_err_set(e, WR_ENOMEM, NULL, "out of memory");
	}
	int first = 1, cur = 0, waiting = 0, rc = 0;
	long line = 0;
	for (p = text; p < end && !rc;) {
		const char *nl = memchr(p, '\n', (size_t)(end - p));
		const char *le = nl ? nl : end;
		line++;
		size_t l = (size_t)(le - p);
		const char *lp = p;
		p = le + (nl ? 1 : 0);
		while (l > 0 && (*lp == ' ' || *lp == '\t' || *lp == '\r' || *lp == '\f'))
			lp++, l--;
		while (l > 0 && (lp[l - 1] == ' ' || lp[l - 1] == '\t' || lp[l - 1] == '\r'))
			l--;
		if (l == 0 || *lp == '#')
			continue;
		if (l >= bufsz) {
			if (waiting && (rc = commit(s, &pend[cur ^ 1])))
				break;
			waiting = 0;
			report(skip, arg, line, "", "is too long for an indicator");
			continue;
		}
		memcpy(buf[cur], lp, l);
		buf[cur][l] = '\0';
		char *f[8];
		size_t n = tsv ? split_tabs(buf[cur], l, f, 8) : (f[0] = buf[cur], 1);
		if (tsv && first) {
			first = 0;
			struct cols h = header_cols(f, n);
			if (h.value >= 0) {
				c = h;
				continue;
			}
		}
		first = 0;
		const char *id;
		char why[160];
		int ok = prepare(f, n, &c, source, &pend[cur], &id, why, sizeof why);
		if (ok)
			ioc_set_prefetch(s, pend[cur].t, pend[cur].canon, pend[cur].len);
		if (waiting && (rc = commit(s, &pend[cur ^ 1])))
			break;
		waiting = 0;
		if (!ok) {
			report(skip, arg, line, id, why);
			continue;
		}
		waiting = 1;
		cur ^= 1;
	}
	if (!rc && waiting)
		rc = commit(s, &pend[cur ^ 1]);
	free(buf);
	free(pend);
	if (rc)
		return wr_err_set(e, rc, NULL, "out of memory");
	return 0;
}
