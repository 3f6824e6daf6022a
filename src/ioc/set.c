/* A deduplicated indicator set in compact memory: values in one string pool,
 * one 16-byte record per indicator, labels (sources, tags) interned once and
 * chained per indicator, and an open-addressing index on (type, value).
 * A million indicators take some tens of megabytes. */
#include "ioc/ioc.h"

#include <stdlib.h>
#include <string.h>

#include "base/prefault.h"

struct rec {
	uint32_t off;   /* value in pool */
	uint32_t len;
	uint32_t label; /* first label node + 1, 0 when none */
	uint32_t type;
};

struct label_node {
	uint32_t text;  /* offset of the interned text in pool */
	uint32_t next;  /* next node + 1 */
	uint32_t is_tag;
};

struct ioc_set {
	char *pool;
	size_t pool_len, pool_cap;
	struct rec *recs;
	size_t n, cap;
	uint64_t *index; /* (hash high bits << 32) | (record + 1); 0 empty */
	size_t index_cap; /* power of two */
	struct label_node *nodes;
	size_t nnodes, nodes_cap;
	uint32_t *texts; /* interned label texts: pool offset + 1 */
	size_t texts_cap, ntexts;
	size_t want; /* expected count (ioc_set_reserve) */
	/* pool, recs and nodes are filled front to back: their pages are
	 * mapped a step ahead (base/prefault.h) */
	struct prefault_mark pool_mark, recs_mark, nodes_mark;
};

/* The index hash, 8 bytes a step (the values are hashed once per line
 * read and again when the index grows). Only kept in memory, so the
 * host's byte order does not matter. */
static uint64_t hash_bytes(uint32_t type, const char *s, size_t n)
{
	uint64_t h = (0xcbf29ce484222325ull ^ type) + n * 0x9e3779b97f4a7c15ull, w = 0;
	if (n < 8) {
		for (size_t i = 0; i < n; i++)
			w |= (uint64_t)(unsigned char)s[i] << (8 * i);
	} else {
		/* Whole words, then the last 8 bytes (overlapping the last word). */
		const char *end = s + n - 8;
		for (; s < end; s += 8) {
			memcpy(&w, s, 8);
			h = (h ^ w) * 0xff51afd7ed558ccdull;
			h ^= h >> 32;
		}
		memcpy(&w, end, 8);
	}
	h = (h ^ w) * 0xc4ceb9fe1a85ec53ull;
	return h ^ (h >> 29);
}

int ioc_array_grow(void **p, size_t *cap, size_t need, size_t size)
{
	if (need <= *cap)
		return 0;
	size_t c = *cap ? *cap : 64;
	while (c < need)
		c *= 2;
	if (c > SIZE_MAX / size)
		return WR_ENOMEM;
	void *q = realloc(*p, c * size);
	if (!q)
		return WR_ENOMEM;
	*p = q;
	*cap = c;
	return 0;
}

struct ioc_set *ioc_set_new(void)
{
	return calloc(1, sizeof(struct ioc_set));
}

void ioc_set_free(struct ioc_set *s)
{
	if (!s)
		return;
	free(s->pool);
	free(s->recs);
	free(s->index);
	free(s->nodes);
	free(s->texts);
	free(s);
}

static int pool_add(struct ioc_set *s, const char *v, size_t n, uint32_t *off)
{
	if (s->pool_len + n + 1 > UINT32_MAX)
		return WR_ENOMEM;
	if (ioc_array_grow((void **)&s->pool, &s->pool_cap, s->pool_len + n + 1, 1))
		return WR_ENOMEM;
	prefault_ahead(&s->pool_mark, s->pool, s->pool_len + n + 1, s->pool_cap);
	memcpy(s->pool + s->pool_len, v, n);
	s->pool[s->pool_len + n] = '\0';
	*off = (uint32_t)s->pool_len;
	s->pool_len += n + 1;
	return 0;
}

static int rehash(struct ioc_set *s)
{
	size_t cap = s->index_cap ? s->index_cap * 2 : 1024;
	while (cap < (s->n + 1) * 2 || cap < s->want * 2)
		cap *= 2;
	uint64_t *ix = calloc(cap, sizeof *ix);
	if (!ix)
		return WR_ENOMEM;
	prefault(ix, cap * sizeof *ix); /* filled at random places */
	for (size_t i = 0; i < s->n; i++) {
		const struct rec *r = &s->recs[i];
		uint64_t h = hash_bytes(r->type, s->pool + r->off, r->len);
		size_t k = h & (cap - 1);
		while (ix[k])
			k = (k + 1) & (cap - 1);
		ix[k] = (h >> 32) << 32 | ((uint64_t)i + 1);
	}
	free(s->index);
	s->index = ix;
	s->index_cap = cap;
	return 0;
}

/* Index slot holding (type, v), or the empty slot where it would go;
 * *tag gets the hash bits kept in the slot. */
static size_t find_slot(const struct ioc_set *s, uint32_t type, const char *v, size_t n,
			uint64_t *tag)
{
	uint64_t h = hash_bytes(type, v, n);
	*tag = (h >> 32) << 32;
	size_t k = h & (s->index_cap - 1);
	while (s->index[k]) {
		if ((s->index[k] & ~0xffffffffull) == *tag) {
			const struct rec *r = &s->recs[(uint32_t)s->index[k] - 1];
			if (r->type == type && r->len == n && !memcmp(s->pool + r->off, v, n))
				break;
		}
		k = (k + 1) & (s->index_cap - 1);
	}
	return k;
}

void ioc_set_prefetch(const struct ioc_set *s, enum ioc_type t, const char *value, size_t len)
{
	if (s->index_cap)
		__builtin_prefetch(&s->index[hash_bytes((uint32_t)t, value, len) & (s->index_cap - 1)]);
}

int ioc_set_reserve(struct ioc_set *s, size_t count, size_t bytes)
{
	s->want = count;
	if (ioc_array_grow((void **)&s->recs, &s->cap, count, sizeof *s->recs) ||
	    ioc_array_grow((void **)&s->pool, &s->pool_cap, bytes, 1))
		return WR_ENOMEM;
	return count * 2 > s->index_cap ? rehash(s) : 0;
}

/* The pool offset of text, interned (labels repeat across indicators). */
static int intern(struct ioc_set *s, const char *text, uint32_t *off)
{
	size_t n = strlen(text);
	if (s->ntexts * 2 + 2 > s->texts_cap) {
		size_t cap = s->texts_cap ? s->texts_cap * 2 : 64;
		uint32_t *t = calloc(cap, sizeof *t);
		if (!t)
			return WR_ENOMEM;
		for (size_t i = 0; i < s->texts_cap; i++) {
			if (!s->texts[i])
				continue;
			const char *x = s->pool + s->texts[i] - 1;
			size_t k = hash_bytes(0, x, strlen(x)) & (cap - 1);
			while (t[k])
				k = (k + 1) & (cap - 1);
			t[k] = s->texts[i];
		}
		free(s->texts);
		s->texts = t;
		s->texts_cap = cap;
	}
	size_t k = hash_bytes(0, text, n) & (s->texts_cap - 1);
	while (s->texts[k]) {
		if (!strcmp(s->pool + s->texts[k] - 1, text)) {
			*off = s->texts[k] - 1;
			return 0;
		}
		k = (k + 1) & (s->texts_cap - 1);
	}
	int rc = pool_add(s, text, n, off);
	if (rc)
		return rc;
	s->texts[k] = *off + 1;
	s->ntexts++;
	return 0;
}

int ioc_set_label(struct ioc_set *s, uint32_t i, int is_tag, const char *text)
{
	if (!text || !*text || i >= s->n)
		return 0;
	uint32_t off;
	int rc = intern(s, text, &off);
	if (rc)
		return rc;
	/* Appended at the end of the chain so that labels keep their order. */
	uint32_t prev = 0;
	for (uint32_t x = s->recs[i].label; x; x = s->nodes[x - 1].next) {
		if (s->nodes[x - 1].text == off && s->nodes[x - 1].is_tag == (uint32_t)!!is_tag)
			return 0;
		prev = x;
	}
	if (s->nnodes >= UINT32_MAX - 1)
		return WR_ENOMEM;
	if (ioc_array_grow((void **)&s->nodes, &s->nodes_cap, s->nnodes + 1, sizeof *s->nodes))
		return WR_ENOMEM;
	prefault_ahead(&s->nodes_mark, s->nodes, (s->nnodes + 1) * sizeof *s->nodes,
		       s->nodes_cap * sizeof *s->nodes);
	s->nodes[s->nnodes] = (struct label_node){.text = off, .next = 0, .is_tag = (uint32_t)!!is_tag};
	s->nnodes++;
	if (prev)
		s->nodes[prev - 1].next = (uint32_t)s->nnodes;
	else
		s->recs[i].label = (uint32_t)s->nnodes;
	return 0;
}

int ioc_set_add_canonical(struct ioc_set *s, enum ioc_type t, const char *value, size_t len,
			  const char *source, const char *tag)
{
	if (len > IOC_VALUE_MAX)
		return WR_EINVAL;
	if ((s->n + 1) * 2 > s->index_cap && rehash(s))
		return WR_ENOMEM;
	uint64_t htag;
	size_t k = find_slot(s, (uint32_t)t, value, len, &htag);
	uint32_t i;
	if (s->index[k]) {
		i = (uint32_t)s->index[k] - 1;
	} else {
		if (s->n >= UINT32_MAX - 1 ||
		    ioc_array_grow((void **)&s->recs, &s->cap, s->n + 1, sizeof *s->recs))
			return WR_ENOMEM;
		uint32_t off;
		if (pool_add(s, value, len, &off))
			return WR_ENOMEM;
		i = (uint32_t)s->n;
		prefault_ahead(&s->recs_mark, s->recs, (s->n + 1) * sizeof *s->recs,
			       s->cap * sizeof *s->recs);
		s->recs[i] = (struct rec){.off = off, .len = (uint32_t)len, .type = (uint32_t)t};
		s->n++;
		s->index[k] = htag | ((uint64_t)i + 1);
	}
	int rc = ioc_set_label(s, i, 0, source);
	return rc ? rc : ioc_set_label(s, i, 1, tag);
}

int ioc_set_add(struct ioc_set *s, enum ioc_type t, const char *value, const char *source,
		const char *tag, struct wr_err *e)
{
	char canon[IOC_VALUE_MAX + 1];
	int rc = ioc_canonical(&t, value, canon, sizeof canon, e);
	if (rc)
		return rc;
	rc = ioc_set_add_canonical(s, t, canon, strlen(canon), source, tag);
	if (rc)
		return wr_err_set(e, rc, NULL, "out of memory");
	return 0;
}

size_t ioc_set_count(const struct ioc_set *s)
{
	return s->n;
}

enum ioc_type ioc_set_type(const struct ioc_set *s, uint32_t i)
{
	return (enum ioc_type)s->recs[i].type;
}

const char *ioc_set_value(const struct ioc_set *s, uint32_t i, size_t *len)
{
	if (len)
		*len = s->recs[i].len;
	return s->pool + s->recs[i].off;
}

const char *ioc_set_next_label(const struct ioc_set *s, uint32_t i, int is_tag, uint32_t *cursor)
{
	uint32_t x = *cursor ? s->nodes[*cursor - 1].next : s->recs[i].label;
	while (x && s->nodes[x - 1].is_tag != (uint32_t)!!is_tag)
		x = s->nodes[x - 1].next;
	*cursor = x;
	return x ? s->pool + s->nodes[x - 1].text : NULL;
}

size_t ioc_set_memory(const struct ioc_set *s)
{
	return s->pool_cap + s->cap * sizeof *s->recs + s->index_cap * sizeof *s->index +
	       s->nodes_cap * sizeof *s->nodes + s->texts_cap * sizeof *s->texts;
}

long ioc_set_find(const struct ioc_set *s, enum ioc_type t, const char *value, size_t len)
{
	if (!s->index_cap)
		return -1;
	uint64_t htag;
	size_t k = find_slot(s, (uint32_t)t, value, len, &htag);
	return s->index[k] ? (long)((uint32_t)s->index[k] - 1) : -1;
}
