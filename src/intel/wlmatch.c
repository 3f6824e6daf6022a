/* The warninglist matcher (wlmatch.h). */
#include "intel/wlmatch.h"

#include <stdlib.h>
#include <string.h>

#include "base/ip.h"
#include "intel/intel_internal.h"
#include "store/db.h"

struct ent {
	char *v;
	int list;
};

struct range {
	unsigned char lo[16], hi[16];
	unsigned char maxhi[16]; /* the highest hi among this and every earlier range */
	int list;
};

struct vec {
	struct ent *v;
	size_t n, cap;
};

struct wl_matcher {
	char **names;
	size_t nnames;
	struct vec exact, host, suffix, sub; /* suffix entries are kept without the dot */
	struct range *ranges;
	size_t nranges, rcap;
};

static int push(struct vec *x, const char *v, int list)
{
	if (ioc_array_grow((void **)&x->v, &x->cap, x->n + 1, sizeof *x->v))
		return WR_ENOMEM;
	char *d = strdup(v);
	if (!d)
		return WR_ENOMEM;
	for (char *p = d; *p; p++)
		if (*p >= 'A' && *p <= 'Z')
			*p = (char)(*p - 'A' + 'a');
	x->v[x->n++] = (struct ent){d, list};
	return 0;
}

static int ent_cmp(const void *a, const void *b)
{
	return strcmp(((const struct ent *)a)->v, ((const struct ent *)b)->v);
}

static int range_cmp(const void *a, const void *b)
{
	return memcmp(((const struct range *)a)->lo, ((const struct range *)b)->lo, 16);
}

static int add_range(struct wl_matcher *m, const char *v, int list)
{
	struct ip_prefix p;
	if (ip_prefix_parse(v, NULL, &p, NULL))
		return 0; /* not an address: such an entry cannot match an address */
	if (ioc_array_grow((void **)&m->ranges, &m->rcap, m->nranges + 1, sizeof *m->ranges))
		return WR_ENOMEM;
	struct range *r = &m->ranges[m->nranges++];
	ip_prefix_range(&p, r->lo, r->hi);
	r->list = list;
	return 0;
}

void wl_matcher_free(struct wl_matcher *m)
{
	if (!m)
		return;
	for (size_t i = 0; i < m->nnames; i++)
		free(m->names[i]);
	free(m->names);
	struct vec *vs[] = {&m->exact, &m->host, &m->suffix, &m->sub};
	for (size_t k = 0; k < 4; k++) {
		for (size_t i = 0; i < vs[k]->n; i++)
			free(vs[k]->v[i].v);
		free(vs[k]->v);
	}
	free(m->ranges);
	free(m);
}

static int add_entry(struct wl_matcher *m, const char *type, const char *v, int list)
{
	if (!strcmp(type, "cidr"))
		return add_range(m, v, list);
	if (!strcmp(type, "substring"))
		return push(&m->sub, v, list);
	if (v[0] == '.' && v[1])
		return push(&m->suffix, v + 1, list);
	if (!strcmp(type, "hostname"))
		return push(&m->host, v, list);
	if (!strcmp(type, "string"))
		return push(&m->exact, v, list);
	return 0; /* regex lists are stored but not matched (docs/intel.md) */
}

int wl_matcher_load(sqlite3 *db, struct wl_matcher **out, struct wr_err *e)
{
	struct wl_matcher *m = calloc(1, sizeof *m);
	sqlite3_stmt *st = NULL;
	int rc = WR_ENOMEM;
	*out = NULL;
	if (!m)
		return wr_err_set(e, WR_ENOMEM, NULL, "out of memory");
	if ((rc = db_prepare(db, "SELECT l.id, l.name, l.type, w.value FROM warninglists l"
				 " JOIN warninglist_entries w ON w.list_id = l.id ORDER BY l.id", &st, e)))
		goto fail;
	int64_t last = -1;
	int step;
	while ((step = sqlite3_step(st)) == SQLITE_ROW) {
		int64_t id = sqlite3_column_int64(st, 0);
		if (id != last) {
			char **n = realloc(m->names, (m->nnames + 1) * sizeof *n);
			if (!n || !(n[m->nnames] = strdup((const char *)sqlite3_column_text(st, 1)))) {
				if (n)
					m->names = n;
				rc = wr_err_set(e, WR_ENOMEM, NULL, "out of memory");
				goto fail;
			}
			m->names = n;
			m->nnames++;
			last = id;
		}
		if (add_entry(m, (const char *)sqlite3_column_text(st, 2),
			      (const char *)sqlite3_column_text(st, 3), (int)m->nnames - 1)) {
			rc = wr_err_set(e, WR_ENOMEM, NULL, "out of memory");
			goto fail;
		}
	}
	if (step != SQLITE_DONE) {
		rc = db_fail(db, e);
		goto fail;
	}
	sqlite3_finalize(st);
	struct vec *vs[] = {&m->exact, &m->host, &m->suffix};
	for (size_t k = 0; k < 3; k++)
		if (vs[k]->n)
			qsort(vs[k]->v, vs[k]->n, sizeof *vs[k]->v, ent_cmp);
	if (m->nranges)
		qsort(m->ranges, m->nranges, sizeof *m->ranges, range_cmp);
	for (size_t i = 0; i < m->nranges; i++) {
		const unsigned char *prev = i ? m->ranges[i - 1].maxhi : NULL;
		memcpy(m->ranges[i].maxhi,
		       prev && memcmp(prev, m->ranges[i].hi, 16) > 0 ? prev : m->ranges[i].hi, 16);
	}
	*out = m;
	return 0;
fail:
	sqlite3_finalize(st);
	wl_matcher_free(m);
	return rc;
}

static const struct ent *find(const struct vec *x, const char *v, size_t len)
{
	size_t lo = 0, hi = x->n;
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		int c = strncmp(x->v[mid].v, v, len);
		if (!c && x->v[mid].v[len])
			c = 1;
		if (!c)
			return &x->v[mid];
		if (c < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	return NULL;
}

/* A host name against the host lists (itself or a parent) and the
 * ".suffix" entries (a proper parent). */
static int match_host(const struct wl_matcher *m, const char *h, size_t len)
{
	const struct ent *x;
	if ((x = find(&m->exact, h, len)) || (x = find(&m->host, h, len)))
		return x->list;
	for (size_t i = 0; i < len; i++)
		if (h[i] == '.' &&
		    ((x = find(&m->host, h + i + 1, len - i - 1)) || (x = find(&m->suffix, h + i + 1, len - i - 1))))
			return x->list;
	return -1;
}

/* The last range whose lo <= a, then back while an earlier range may still
 * reach a (maxhi >= a). */
static int match_range(const struct wl_matcher *m, const unsigned char lo[16], const unsigned char hi[16])
{
	size_t l = 0, h = m->nranges;
	while (l < h) {
		size_t mid = l + (h - l) / 2;
		if (memcmp(m->ranges[mid].lo, lo, 16) <= 0)
			l = mid + 1;
		else
			h = mid;
	}
	for (size_t i = l; i-- > 0;) {
		if (memcmp(m->ranges[i].maxhi, hi, 16) < 0)
			break;
		if (memcmp(m->ranges[i].hi, hi, 16) >= 0)
			return m->ranges[i].list;
	}
	return -1;
}

const char *wl_match(const struct wl_matcher *m, enum ioc_type t, const char *value)
{
	if (!m || !m->nnames)
		return NULL;
	int list = -1;
	size_t len = strlen(value);
	const struct ent *x = find(&m->exact, value, len);
	if (x)
		list = x->list;
	if (list < 0 && (t == IOC_IPV4 || t == IOC_IPV6 || t == IOC_CIDR) && m->nranges) {
		struct ip_prefix p;
		unsigned char lo[16], hi[16];
		if (!ip_prefix_parse(value, NULL, &p, NULL)) {
			ip_prefix_range(&p, lo, hi);
			list = match_range(m, lo, hi);
		}
	} else if (list < 0 && (t == IOC_DOMAIN || t == IOC_HOSTNAME)) {
		list = match_host(m, value, len);
	} else if (list < 0 && t == IOC_URL) {
		const char *h = strstr(value, "://");
		if (h) {
			h += 3;
			size_t n = strcspn(h, "/:?#");
			list = match_host(m, h, n);
		}
	} else if (list < 0 && t == IOC_EMAIL) {
		const char *at = strrchr(value, '@');
		if (at)
			list = match_host(m, at + 1, strlen(at + 1));
	}
	for (size_t i = 0; list < 0 && i < m->sub.n; i++)
		if (strstr(value, m->sub.v[i].v))
			list = m->sub.v[i].list;
	return list >= 0 ? m->names[list] : NULL;
}
