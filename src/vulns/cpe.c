/* CPE 2.3 formatted strings (NISTIR 7695) and version ranges as the NVD
 * and CVE JSON 5 state them (vulns/cpe.h). */
#include "vulns/cpe.h"

#include <ctype.h>
#include <string.h>

int cpe_parse(const char *s, struct cpe_name *out)
{
	size_t len = strlen(s);
	if (len > CPE_MAX || strncasecmp(s, "cpe:2.3:", 8) != 0)
		return -1;
	memcpy(out->buf, s + 8, len - 8 + 1);
	char *p = out->buf;
	int n = 0;
	out->off[n++] = 0;
	for (; *p; p++) {
		unsigned char c = (unsigned char)*p;
		if (c <= 0x20 || c >= 0x7f)
			return -1;
		*p = (char)tolower(c);
		if (c == '\\') {
			if (!p[1] || (unsigned char)p[1] <= 0x20 || (unsigned char)p[1] >= 0x7f)
				return -1;
			p++;
			*p = (char)tolower((unsigned char)*p);
		} else if (c == ':') {
			if (n == CPE_ATTRS)
				return -1;
			*p = '\0';
			out->off[n++] = (unsigned short)(p + 1 - out->buf);
		}
	}
	if (n != CPE_ATTRS)
		return -1;
	for (int i = 0; i < CPE_ATTRS; i++)
		if (!cpe_attr(out, (enum cpe_attr)i)[0])
			return -1;
	const char *part = cpe_attr(out, CPE_PART);
	if (strcmp(part, "a") && strcmp(part, "o") && strcmp(part, "h") && strcmp(part, "*"))
		return -1;
	return 0;
}

static int is_any(const char *a)
{
	return !strcmp(a, "*");
}

static int is_na(const char *a)
{
	return !strcmp(a, "-");
}

/* Pattern characters after unescaping: c, and whether it is a wildcard. */
struct pchar {
	char c;
	char wild; /* 0, '*' or '?' */
};

static size_t pattern_chars(const char *a, struct pchar *out)
{
	size_t n = 0;
	for (; *a; a++) {
		if (*a == '\\' && a[1])
			out[n++] = (struct pchar){*++a, 0};
		else
			out[n++] = (struct pchar){*a, (char)(*a == '*' || *a == '?' ? *a : 0)};
	}
	return n;
}

/* Glob with backtracking to the last "*": linear in practice, and the
 * inputs are at most CPE_MAX long. */
static int glob_match(const struct pchar *p, size_t np, const char *v, size_t nv)
{
	size_t i = 0, j = 0, star = (size_t)-1, mark = 0;
	while (j < nv) {
		if (i < np && p[i].wild == '*') {
			star = i++;
			mark = j;
		} else if (i < np && (p[i].wild == '?' || (!p[i].wild && p[i].c == v[j]))) {
			i++;
			j++;
		} else if (star != (size_t)-1) {
			i = star + 1;
			j = ++mark;
		} else {
			return 0;
		}
	}
	while (i < np && p[i].wild == '*')
		i++;
	return i == np;
}

int cpe_attr_match(const char *pattern, const char *value)
{
	if (is_any(pattern) || is_any(value))
		return 1;
	if (is_na(pattern) || is_na(value))
		return is_na(pattern) && is_na(value);
	struct pchar p[CPE_MAX + 1];
	char v[CPE_MAX + 1];
	if (strlen(pattern) > CPE_MAX || cpe_unescape(value, v, sizeof v))
		return 0;
	size_t np = pattern_chars(pattern, p);
	return glob_match(p, np, v, strlen(v));
}

int cpe_unescape(const char *attr, char *out, size_t n)
{
	size_t k = 0;
	for (const char *a = attr; *a; a++) {
		if (*a == '\\' && a[1])
			a++;
		if (k + 1 >= n)
			return -1;
		out[k++] = *a;
	}
	if (!n)
		return -1;
	out[k] = '\0';
	return 0;
}

int cpe_escape(const char *name, char *out, size_t n)
{
	size_t k = 0;
	if (!*name)
		name = "*";
	else if (!strcmp(name, "*") || !strcmp(name, "-"))
		; /* ANY and NA stay what they are */
	else {
		for (const unsigned char *c = (const unsigned char *)name; *c; c++) {
			char ch = (char)(*c == ' ' ? '_' : tolower(*c));
			int plain = isalnum((unsigned char)ch) || ch == '_' || ch == '-' || ch == '.' || *c >= 0x80;
			if (k + 3 >= n)
				return -1;
			if (!plain)
				out[k++] = '\\';
			out[k++] = ch;
		}
		out[k] = '\0';
		return 0;
	}
	if (strlen(name) + 1 > n)
		return -1;
	memcpy(out, name, strlen(name) + 1);
	return 0;
}

/* ---- versions ---- */

/* The next segment of *s: its start and length, and whether it is digits;
 * 0 at the end. */
static int next_segment(const char **s, const char **seg, size_t *len, int *digits)
{
	const char *p = *s;
	while (*p && !isalnum((unsigned char)*p))
		p++;
	if (!*p)
		return *s = p, 0;
	*seg = p;
	*digits = isdigit((unsigned char)*p) != 0;
	while (*p && (*digits ? isdigit((unsigned char)*p) : isalpha((unsigned char)*p)))
		p++;
	*len = (size_t)(p - *seg);
	*s = p;
	return 1;
}

static int cmp_numbers(const char *a, size_t na, const char *b, size_t nb)
{
	while (na > 1 && *a == '0')
		a++, na--;
	while (nb > 1 && *b == '0')
		b++, nb--;
	if (na != nb)
		return na < nb ? -1 : 1;
	int c = memcmp(a, b, na);
	return c < 0 ? -1 : c > 0;
}

static int cmp_words(const char *a, size_t na, const char *b, size_t nb)
{
	for (size_t i = 0; i < na && i < nb; i++) {
		int x = tolower((unsigned char)a[i]), y = tolower((unsigned char)b[i]);
		if (x != y)
			return x < y ? -1 : 1;
	}
	return na == nb ? 0 : na < nb ? -1 : 1;
}

/* Whether the rest of s is only zero numbers. */
static int rest_is_zero(const char *s)
{
	const char *seg;
	size_t len;
	int digits;
	while (next_segment(&s, &seg, &len, &digits))
		if (!digits || strspn(seg, "0") < len)
			return 0;
	return 1;
}

int version_cmp(const char *a, const char *b)
{
	const char *sa, *sb;
	size_t la, lb;
	int da, db;
	for (;;) {
		int ha = next_segment(&a, &sa, &la, &da), hb = next_segment(&b, &sb, &lb, &db);
		if (!ha && !hb)
			return 0;
		if (!ha)
			return db && strspn(sb, "0") >= lb && rest_is_zero(b) ? 0 : -1;
		if (!hb)
			return da && strspn(sa, "0") >= la && rest_is_zero(a) ? 0 : 1;
		int c = da && db ? cmp_numbers(sa, la, sb, lb)
			: da	 ? 1
			: db	 ? -1
				 : cmp_words(sa, la, sb, lb);
		if (c)
			return c;
	}
}

static int empty(const char *s)
{
	return !s || !*s;
}

int version_in_range(const char *v, const struct version_range *r)
{
	if (empty(r->exact) && empty(r->start) && empty(r->end))
		return 1;
	if (!empty(r->exact) && (is_any(r->exact) || is_na(r->exact)))
		return 1;
	if (empty(v))
		return 0;
	if (!empty(r->exact)) {
		if (strpbrk(r->exact, "*?"))
			return cpe_attr_match(r->exact, v);
		return version_cmp(v, r->exact) == 0;
	}
	if (!empty(r->start)) {
		int c = version_cmp(v, r->start);
		if (c < 0 || (c == 0 && !r->start_incl))
			return 0;
	}
	if (!empty(r->end)) {
		int c = version_cmp(v, r->end);
		if (c > 0 || (c == 0 && !r->end_incl))
			return 0;
	}
	return 1;
}
