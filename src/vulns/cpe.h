/* CPE 2.3 names and version ranges, for matching CVEs to the towns'
 * software (docs/vulns.md, "Matching software"). No database, no I/O. */
#ifndef WR_VULNS_CPE_H
#define WR_VULNS_CPE_H

#include <stddef.h>

#define CPE_MAX 512 /* the longest formatted string accepted */

enum cpe_attr {
	CPE_PART,
	CPE_VENDOR,
	CPE_PRODUCT,
	CPE_VERSION,
	CPE_UPDATE,
	CPE_EDITION,
	CPE_LANGUAGE,
	CPE_SW_EDITION,
	CPE_TARGET_SW,
	CPE_TARGET_HW,
	CPE_OTHER,
	CPE_ATTRS
};

/* A parsed formatted string: each attribute as written (escapes kept, so
 * "\*" stays a literal star and "*" a wildcard), in lower case; "*" alone
 * is ANY, "-" alone is NA. Offsets into buf, so the struct may be copied
 * and moved; read an attribute with cpe_attr(). */
struct cpe_name {
	unsigned short off[CPE_ATTRS];
	char buf[CPE_MAX + 1];
};
static inline const char *cpe_attr(const struct cpe_name *n, enum cpe_attr a)
{
	return n->buf + n->off[a];
}

/* "cpe:2.3:" and 11 colon-separated attributes ("\:" is a colon inside
 * one); part a, o, h or *; printable ASCII, no empty attribute, no dangling
 * backslash. 0, or -1 when s is not such a name. */
int cpe_parse(const char *s, struct cpe_name *out);

/* Whether value (an attribute of the asset's name) is matched by pattern
 * (an attribute of the CVE's name): ANY on either side matches, NA matches
 * only NA, otherwise the unescaped texts are compared with the pattern's
 * unescaped "*" (any run) and "?" (one character) as wildcards. */
int cpe_attr_match(const char *pattern, const char *value);

/* The attribute without its escapes ("wp\&x" -> "wp&x"); "*" and "-"
 * come back as they are. -1 when it does not fit in n. */
int cpe_unescape(const char *attr, char *out, size_t n);

/* A plain name ("Exchange Server", "FortiClientEMS") as a CPE attribute:
 * lower case, spaces as "_", punctuation other than "_-." escaped. An empty
 * name is ANY. -1 when it does not fit in n. */
int cpe_escape(const char *name, char *out, size_t n);

/* Versions compared segment by segment: a segment is a run of digits or a
 * run of letters (anything else separates), digits compared as numbers
 * (any length), letters without regard to case, a number after a word
 * ("1.0.1" > "1.0a"). When one runs out, the other's remaining segments
 * decide: all zeros is equal ("7.4" = "7.4.0"), anything else is greater
 * ("22.4r2" > "22.4"). <0, 0 or >0. */
int version_cmp(const char *a, const char *b);

/* An affected range as the feeds state it: exact (a single version, may
 * hold CPE wildcards), or start/end bounds each including or excluding;
 * everything empty is every version. NULL and "" are the same. */
struct version_range {
	const char *exact, *start, *end;
	int start_incl, end_incl;
};
/* 1 when version v is in r. An empty v (the asset's version is not known)
 * is only in the range of every version. */
int version_in_range(const char *v, const struct version_range *r);

#endif
