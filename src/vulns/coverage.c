/* How watertight the warnings are (vulns/vulns.h): of the events of a
 * period, how many reached a town, a town with a reachable SPOC, and an
 * acknowledgement; and what reached nobody, grouped as a town would claim
 * it (docs/vulns.md). */
#include "vulns/vulns.h"

#include <arpa/inet.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/timeutil.h"
#include "store/db.h"

#define TOP 50 /* groups listed per kind */

/* s (RFC 3339 or YYYY-MM-DD) as RFC 3339 in out; def when s is NULL. */
static int when(const char *s, const char *field, int64_t def, char out[32], struct wr_err *e)
{
	int64_t t = def;
	if (s && time_parse_rfc3339(s, &t) && time_parse_date(s, &t))
		return wr_err_set(e, WR_EINVAL, field, "is not a date (2026-11-01) or time (RFC 3339)");
	time_format_rfc3339((time_t)t, out, 32);
	return 0;
}

/* The /24 of an IPv4 address, the /48 of an IPv6 one; -1 when no address. */
static int prefix_of(const char *ip, char out[64])
{
	unsigned char b[16];
	char t[INET6_ADDRSTRLEN];
	if (inet_pton(AF_INET, ip, b) == 1) {
		snprintf(out, 64, "%u.%u.%u.0/24", b[0], b[1], b[2]);
		return 0;
	}
	if (inet_pton(AF_INET6, ip, b) != 1)
		return -1;
	memset(b + 6, 0, 10);
	if (!inet_ntop(AF_INET6, b, t, sizeof t))
		return -1;
	snprintf(out, 64, "%s/48", t);
	return 0;
}

/* The domain a town would claim: the last two labels of the host name (no
 * public-suffix list: "x.gent.be" gives "gent.be"). */
static const char *domain_of(const char *host)
{
	const char *last = strrchr(host, '.');
	if (!last || last == host)
		return NULL;
	const char *p = last;
	while (p > host && p[-1] != '.')
		p--;
	return p;
}

static int count(json_t *groups, const char *key)
{
	json_t *v = json_object_get(groups, key);
	return v ? json_integer_set(v, json_integer_value(v) + 1)
		 : json_object_set_new(groups, key, json_integer(1));
}

struct group {
	const char *key;
	json_int_t n;
};

static int by_count(const void *a, const void *b)
{
	const struct group *x = a, *y = b;
	return x->n != y->n ? (x->n < y->n) - (x->n > y->n) : strcmp(x->key, y->key);
}

/* {key: n} as [{name: key, "events": n}], the largest TOP first. */
static json_t *top(json_t *groups, const char *name)
{
	size_t n = json_object_size(groups), i = 0;
	struct group *g = calloc(n ? n : 1, sizeof *g);
	json_t *arr = json_array();
	if (!g || !arr) {
		free(g);
		json_decref(arr);
		return NULL;
	}
	const char *k;
	json_t *v;
	json_object_foreach(groups, k, v) g[i++] = (struct group){k, json_integer_value(v)};
	qsort(g, n, sizeof *g, by_count);
	for (i = 0; i < n && i < TOP; i++)
		if (json_array_append_new(arr, json_pack("{s:s, s:I}", name, g[i].key, "events", g[i].n))) {
			json_decref(arr);
			arr = NULL;
			break;
		}
	free(g);
	return arr;
}

static int unrouted(sqlite3 *db, const char *since, const char *until, json_t *out, struct wr_err *e)
{
	sqlite3_stmt *st;
	int rc = db_prepare(db,
			    "SELECT ip, coalesce(hostname, ''), coalesce(asn, '') FROM vuln_events"
			    " WHERE org_id IS NULL AND seen_at >= ?1 AND seen_at < ?2",
			    &st, e);
	if (rc)
		return rc;
	sqlite3_bind_text(st, 1, since, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 2, until, -1, SQLITE_STATIC);
	json_t *pfx = json_object(), *asn = json_object(), *dom = json_object();
	int s = SQLITE_DONE, bad = !pfx || !asn || !dom;
	while (!bad && (s = sqlite3_step(st)) == SQLITE_ROW) {
		char p[64];
		const char *ip = (const char *)sqlite3_column_text(st, 0);
		const char *host = (const char *)sqlite3_column_text(st, 1);
		const char *as = (const char *)sqlite3_column_text(st, 2);
		const char *d = *host ? domain_of(host) : NULL;
		bad = (!prefix_of(ip, p) && count(pfx, p)) || (*as && count(asn, as)) || (d && count(dom, d));
	}
	sqlite3_finalize(st);
	if (!bad && s != SQLITE_DONE)
		rc = db_fail(db, e);
	json_t *a = bad || rc ? NULL : top(pfx, "prefix"), *b = a ? top(asn, "asn") : NULL,
	       *c = b ? top(dom, "domain") : NULL;
	if (!rc && (!c || json_object_set_new(out, "unrouted",
					      json_pack("{s:o, s:o, s:o}", "prefixes", a, "asns", b,
							"domains", c)))) {
		rc = wr_err_set(e, WR_ENOMEM, NULL, "out of memory");
		if (!c) {
			json_decref(a);
			json_decref(b);
		}
	}
	json_decref(pfx);
	json_decref(asn);
	json_decref(dom);
	return rc;
}

int vuln_coverage(sqlite3 *db, const struct actor *a, const char *since, const char *until,
		  json_t **out, struct wr_err *e)
{
	*out = NULL;
	if (!scope_is_staff(a))
		return wr_err_set(e, WR_EFORBIDDEN, NULL, "the war room's figures");
	char s[32], u[32];
	int64_t now = time_now();
	int rc = when(until, "until", now, u, e);
	if (!rc) {
		int64_t t = now;
		time_parse_rfc3339(u, &t);
		rc = when(since, "since", t - 30 * 86400, s, e);
	}
	if (rc)
		return rc;
	if (strcmp(s, u) > 0)
		return wr_err_set(e, WR_EINVAL, "since", "is after until");
	sqlite3_stmt *st;
	if ((rc = db_begin_read(db, e)))
		return rc;
	rc = db_prepare(db,
			"SELECT count(*) AS events, count(e.org_id) AS routed,"
			" coalesce(sum(e.org_id IS NOT NULL AND EXISTS (SELECT 1 FROM contacts c"
			"  WHERE c.org_id = e.org_id AND c.role = 'spoc' AND c.active = 1"
			"  AND (coalesce(c.email, '') <> '' OR coalesce(c.phone, '') <> ''))), 0)"
			"  AS routed_reachable,"
			" coalesce(sum(EXISTS (SELECT 1 FROM vuln_notices n JOIN acks k"
			"  ON k.advisory_id = n.advisory_id AND k.org_id = n.org_id"
			"  WHERE n.batch_id = e.batch_id AND n.org_id = e.org_id)), 0) AS acknowledged"
			" FROM vuln_events e WHERE e.seen_at >= ?1 AND e.seen_at < ?2",
			&st, e);
	if (!rc) {
		sqlite3_bind_text(st, 1, s, -1, SQLITE_STATIC);
		sqlite3_bind_text(st, 2, u, -1, SQLITE_STATIC);
		if (sqlite3_step(st) == SQLITE_ROW)
			*out = db_row_json(st);
		else
			rc = db_fail(db, e);
		sqlite3_finalize(st);
	}
	if (!rc && (!*out || json_object_set_new(*out, "since", json_string(s)) ||
		    json_object_set_new(*out, "until", json_string(u))))
		rc = wr_err_set(e, WR_ENOMEM, NULL, "out of memory");
	if (!rc)
		rc = unrouted(db, s, u, *out, e);
	db_end_read(db);
	if (rc) {
		json_decref(*out);
		*out = NULL;
	}
	return rc;
}
