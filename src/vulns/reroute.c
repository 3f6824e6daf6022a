/* Past events that reached nobody, routed again once a town claims their
 * range, domain or host (vulns/vulns.h): each becomes a finding and each
 * (batch, town) its notice, as if the claim had been there at the import. */
#include "vulns/vulns.h"

#include <stdlib.h>
#include <string.h>

#include "audit/journal.h"
#include "base/timeutil.h"
#include "store/db.h"
#include "vulns/batch.h"

struct pair {
	int64_t batch, org;
};

/* Remembers (batch, org) once; pairs come in batch order. */
static int remember(struct pair **v, size_t *n, size_t *cap, int64_t batch, int64_t org)
{
	for (size_t i = *n; i-- > 0 && (*v)[i].batch == batch;)
		if ((*v)[i].org == org)
			return 0;
	if (*n == *cap) {
		size_t c = *cap ? *cap * 2 : 16;
		struct pair *p = realloc(*v, c * sizeof *p);
		if (!p)
			return -1;
		*v = p;
		*cap = c;
	}
	(*v)[(*n)++] = (struct pair){batch, org};
	return 0;
}

struct hit {
	int64_t id, batch;
	struct route_hit hit;
};

/* The unrouted events that route now; read to the end before anything is
 * written (no table changes under a running query). */
static int find_routable(sqlite3 *db, const struct vroute *rt, struct hit **out, size_t *n,
			 struct wr_err *e)
{
	sqlite3_stmt *sel;
	size_t cap = 0;
	int rc = db_prepare(db,
			    "SELECT id, batch_id, ip, coalesce(hostname, '') FROM vuln_events"
			    " WHERE org_id IS NULL",
			    &sel, e);
	int s = SQLITE_DONE;
	while (!rc && (s = sqlite3_step(sel)) == SQLITE_ROW) {
		const char *ip = (const char *)sqlite3_column_text(sel, 2);
		const char *host = (const char *)sqlite3_column_text(sel, 3);
		struct route_hit h;
		if (!(*ip && vroute_ip(rt, ip, &h)) && !(*host && vroute_host(rt, host, &h)))
			continue;
		if (*n == cap) {
			size_t c = cap ? cap * 2 : 64;
			struct hit *p = realloc(*out, c * sizeof *p);
			if (!p) {
				rc = wr_err_set(e, WR_ENOMEM, NULL, "out of memory");
				break;
			}
			*out = p;
			cap = c;
		}
		(*out)[(*n)++] = (struct hit){sqlite3_column_int64(sel, 0), sqlite3_column_int64(sel, 1), h};
	}
	if (!rc && s != SQLITE_DONE)
		rc = db_fail(db, e);
	sqlite3_finalize(sel);
	return rc;
}

static int route_all(sqlite3 *db, struct vroute *rt, const char *now, size_t *routed,
		     struct pair **pairs, size_t *np, struct wr_err *e)
{
	struct hit *hits = NULL;
	size_t nh = 0, cap = 0;
	sqlite3_stmt *sel = NULL, *set = NULL;
	struct vwriter w = {0};
	int rc = find_routable(db, rt, &hits, &nh, e);
	if (!rc)
		rc = db_prepare(db,
				"SELECT e.seen_at, e.ip, coalesce(e.hostname, ''), e.port, coalesce(e.asn, ''),"
				" e.issue, e.cves, e.severity, b.report FROM vuln_events e"
				" JOIN vuln_batches b ON b.id = e.batch_id WHERE e.id = ?1",
				&sel, e);
	if (!rc)
		rc = db_prepare(db, "UPDATE vuln_events SET org_id = ?2, asset_id = ?3 WHERE id = ?1", &set, e);
	if (!rc)
		rc = vwriter_open(db, &w, e);
	for (size_t i = 0; !rc && i < nh; i++) {
		const struct hit *h = &hits[i];
		sqlite3_reset(sel);
		sqlite3_bind_int64(sel, 1, h->id);
		if (sqlite3_step(sel) != SQLITE_ROW) {
			rc = db_fail(db, e);
			break;
		}
		struct vrow row = {0,
				   (const char *)sqlite3_column_text(sel, 0),
				   (const char *)sqlite3_column_text(sel, 1),
				   (const char *)sqlite3_column_text(sel, 2),
				   (const char *)sqlite3_column_text(sel, 4),
				   (const char *)sqlite3_column_text(sel, 5),
				   (const char *)sqlite3_column_text(sel, 6),
				   (const char *)sqlite3_column_text(sel, 7),
				   sqlite3_column_int(sel, 3)};
		enum vseen how;
		if ((rc = vwriter_record(&w, db, &h->hit, *row.ip ? row.ip : row.host, &row,
					 (const char *)sqlite3_column_text(sel, 8), h->batch, now, &how, e)))
			break;
		sqlite3_reset(set);
		sqlite3_bind_int64(set, 1, h->id);
		sqlite3_bind_int64(set, 2, h->hit.org_id);
		sqlite3_bind_int64(set, 3, h->hit.asset_id);
		if (sqlite3_step(set) != SQLITE_DONE) {
			rc = db_fail(db, e);
			break;
		}
		(*routed)++;
		if (remember(pairs, np, &cap, h->batch, h->hit.org_id))
			rc = wr_err_set(e, WR_ENOMEM, NULL, "out of memory");
	}
	free(hits);
	sqlite3_finalize(sel);
	sqlite3_finalize(set);
	vwriter_close(&w);
	return rc;
}

int vuln_reroute(sqlite3 *db, const char *who, size_t *routed, size_t *notices, struct wr_err *e)
{
	*routed = *notices = 0;
	char now[32];
	time_format_rfc3339((time_t)time_now(), now, sizeof now);
	struct vroute *rt = NULL;
	struct pair *pairs = NULL;
	size_t np = 0;
	int rc = db_begin(db, e);
	if (rc)
		return rc;
	rc = vroute_build(db, &rt, e);
	if (!rc)
		rc = route_all(db, rt, now, routed, &pairs, &np, e);
	for (size_t i = 0; !rc && i < np; i++)
		rc = vuln_notify(db, pairs[i].batch, pairs[i].org, 0, notices, e);
	if (!rc && *routed) {
		json_t *d = json_pack("{s:I, s:I}", "routed", (json_int_t)*routed, "notices",
				      (json_int_t)*notices);
		rc = d ? journal_append(db, who, "vulns.reroute", "vuln_batch", np ? pairs[0].batch : 0, d, e)
		       : wr_err_set(e, WR_ENOMEM, NULL, "out of memory");
		json_decref(d);
	}
	free(pairs);
	vroute_free(rt);
	if (!rc)
		rc = db_commit(db, e);
	if (rc)
		db_rollback(db);
	return rc;
}
