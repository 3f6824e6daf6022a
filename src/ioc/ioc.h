/* Indicators of compromise: the model shared by the edge sweeper (sweep/)
 * and the server's intel module. An indicator is a type and a canonical
 * value, with the sources that reported it and free tags.
 *
 * Canonical forms (so that equal indicators compare equal as bytes):
 *   ipv4      "a.b.c.d"; an IPv4-mapped IPv6 address (::ffff:a.b.c.d) IS ipv4
 *   ipv6      RFC 5952 compressed lower case, no "/128"
 *   cidr      network address and "/len" (base/ip.h), host bits set refused
 *   domain, hostname   lower-case ASCII (IDNA A-labels), no trailing dot
 *   url       scheme and host lower-cased, default port (:80, :443) removed,
 *             the rest as given
 *   email     lower case
 *   md5, sha1, sha256  lower-case hex of 32, 40, 64 digits
 *   filename  as given (trimmed)
 * Values are refanged first (ioc_refang). */
#ifndef WR_IOC_IOC_H
#define WR_IOC_IOC_H

#include <stddef.h>
#include <stdint.h>

#include "base/err.h"

enum ioc_type {
	IOC_NONE = 0,
	IOC_IPV4,
	IOC_IPV6,
	IOC_CIDR,
	IOC_DOMAIN,
	IOC_HOSTNAME,
	IOC_URL,
	IOC_EMAIL,
	IOC_MD5,
	IOC_SHA1,
	IOC_SHA256,
	IOC_FILENAME,
	IOC_TYPE_COUNT
};

/* Longest canonical value kept (a longer URL is refused). */
#define IOC_VALUE_MAX 2048

/* "ipv4", "domain", ... */
const char *ioc_type_name(enum ioc_type t);
/* Our names and the usual aliases of feeds ("ip-dst", "domain-name",
 * "sha-256", "SHA256", "ip"...), any case; IOC_NONE when unknown. "ip"
 * means ipv4 or ipv6: pass it to ioc_canonical, which decides. */
enum ioc_type ioc_type_from_name(const char *name);

/* Undoes the usual defanging: hxxp(s) -> http(s), [.] (.) [dot] (dot) {.}
 * -> ".", [@] [at] -> "@", [:] -> ":", and "[://]" -> "://". Writes a NUL-
 * terminated result to out (outsz bytes); returns its length, or -1 when it
 * does not fit. */
long ioc_refang(const char *in, char *out, size_t outsz);

/* The type a bare value looks like (after refanging), IOC_NONE when none:
 * URL (has "://"), hash (hex of 32/40/64), cidr, ipv4/ipv6, email, domain. */
enum ioc_type ioc_detect(const char *value);

/* Refangs and writes the canonical form of value as type t to out (outsz
 * bytes, NUL included; IOC_VALUE_MAX + 1 suffices). *t may change: an
 * IPv4-mapped ipv6 becomes ipv4, and IOC_NONE or "ip" (pass IOC_IPV4 with
 * any_ip set) is decided by the value. 0, or WR_EINVAL with e filled. */
int ioc_canonical(enum ioc_type *t, const char *value, char *out, size_t outsz,
		  struct wr_err *e);

/* ------------------------------------------------------------------ sets */

/* A deduplicated set of indicators in compact memory (one string pool and
 * fixed 16-byte records), for up to millions of indicators. */
struct ioc_set;

struct ioc_set *ioc_set_new(void); /* NULL when memory runs out */
/* Room for about count indicators of bytes bytes of values in all, so that
 * a big file loads without growing the tables again and again. 0 or
 * WR_ENOMEM. */
int ioc_set_reserve(struct ioc_set *s, size_t count, size_t bytes);
void ioc_set_free(struct ioc_set *s);

/* Adds an indicator (canonicalised; t may be IOC_NONE to detect it) with an
 * optional source and tag (NULL or ""). The same type and value again only
 * adds the source/tag. 0; WR_EINVAL with e filled when the value is not
 * valid; WR_ENOMEM. */
int ioc_set_add(struct ioc_set *s, enum ioc_type t, const char *value, const char *source,
		const char *tag, struct wr_err *e);
/* Adds an already canonical value (no checks): for readers that verified it. */
int ioc_set_add_canonical(struct ioc_set *s, enum ioc_type t, const char *value, size_t len,
			  const char *source, const char *tag);
/* A hint that (t, value) is about to be added or looked up: brings its
 * index slot into the cache (a reader prefetches one record ahead). */
void ioc_set_prefetch(const struct ioc_set *s, enum ioc_type t, const char *value, size_t len);
/* Adds a source or tag to indicator i. 0 or WR_ENOMEM. */
int ioc_set_label(struct ioc_set *s, uint32_t i, int is_tag, const char *text);

size_t ioc_set_count(const struct ioc_set *s);
enum ioc_type ioc_set_type(const struct ioc_set *s, uint32_t i);
/* The canonical value of indicator i, NUL-terminated; *len may be NULL. */
const char *ioc_set_value(const struct ioc_set *s, uint32_t i, size_t *len);
/* Iterates the sources (is_tag 0) or tags (1) of indicator i: start with
 * *cursor = 0; returns the next text or NULL at the end. */
const char *ioc_set_next_label(const struct ioc_set *s, uint32_t i, int is_tag, uint32_t *cursor);
/* Grows the array *p of *cap items of size bytes to hold need items
 * (doubling, from 64). 0 or WR_ENOMEM (then *p is unchanged). */
int ioc_array_grow(void **p, size_t *cap, size_t need, size_t size);
/* The index of the canonical (t, value), or -1 when not in the set. */
long ioc_set_find(const struct ioc_set *s, enum ioc_type t, const char *value, size_t len);
/* Bytes held by the set (for the memory bound). */
size_t ioc_set_memory(const struct ioc_set *s);

/* ------------------------------------------------------------------ readers */

/* Something a reader could not turn into an indicator: reported, never
 * silently dropped. */
struct ioc_skip {
	long line;        /* 1-based line, 0 when not about a line */
	char id[96];      /* the record's id or value, "" when none */
	char reason[160];
};

/* Called for every skipped record; may be NULL. */
typedef void (*ioc_skip_fn)(void *arg, const struct ioc_skip *skip);

/* Reads indicators from a document of any supported format into s:
 * a signed warroom pack, a STIX 2.1 bundle, a MISP event, CSV/TSV with a
 * value column, or a plain list (one value per line, '#' comments).
 * name is used in messages; source is the default source of indicators
 * that carry none (may be NULL). A malformed document is refused with
 * WR_EPARSE and its position in e (e->line, and the message). */
int ioc_read_text(struct ioc_set *s, const char *text, size_t len, const char *name,
		  const char *source, ioc_skip_fn skip, void *arg, struct wr_err *e);

/* Plain lists and CSV/TSV only (the text formats). */
int ioc_read_list(struct ioc_set *s, const char *text, size_t len, const char *source,
		  ioc_skip_fn skip, void *arg, struct wr_err *e);

/* ------------------------------------------------------------------ metadata */

/* What a STIX or MISP record says about its indicators beyond type, value,
 * sources and tags: for the server's store (intel/), not the sweeper. */
struct ioc_meta {
	const char *id;          /* the record's id (STIX id, MISP uuid); may be NULL */
	const char *tlp;         /* "CLEAR", "GREEN", "AMBER", "AMBER+STRICT", "RED"; NULL: none */
	int64_t valid_from;      /* epoch seconds; 0 = not given */
	int64_t valid_until;     /* 0 = not given */
	int64_t first_seen, last_seen; /* 0 = not given */
	int confidence;          /* 0-100, -1 not given */
	int to_ids;              /* 1 or 0 (MISP to_ids), -1 not given */
	const char *description; /* may be NULL */
};

/* Called once per indicator a record yields, after it went into the set,
 * with its canonical value. */
typedef void (*ioc_meta_fn)(void *arg, enum ioc_type t, const char *value, const struct ioc_meta *m);

/* ioc_read_text, and meta (may be NULL) for every indicator of a STIX or
 * MISP record. With meta set, MISP attributes not flagged to_ids are taken
 * too (with to_ids 0): the store keeps them, the packs leave them out. */
int ioc_read_text_meta(struct ioc_set *s, const char *text, size_t len, const char *name,
		       const char *source, ioc_skip_fn skip, void *arg, ioc_meta_fn meta,
		       void *meta_arg, struct wr_err *e);

#endif
