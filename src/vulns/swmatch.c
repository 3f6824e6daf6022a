/* CVEs to the towns' software (docs/vulns.md, "Matching software"): every
 * CVE a feed import added or changed, against every software asset, by CPE
 * name and version range; a match opens or refreshes a finding. */
#include "vulns/feeds_internal.h"

#include <stdlib.h>
#include <string.h>

#include "store/db.h"
#include "vulns/cpe.h"
#include "vulns/vulns.h"

struct sw_asset {
	int64_t id, org_id, provider_id;
	int fresh; /* added or changed since it was last matched */
	char *value;
	char version[CPE_MAX + 1]; /* "" when not known */
	struct cpe_name name;
};

struct sw_list {
	struct sw_asset *v;
	size_t n;
};

static void list_free(struct sw_list *l)
{
	for (size_t i = 0; i < l->n; i++)
		free(l->v[i].value);
	free(l->v);
}

static const char *col(sqlite3_stmt *st, int i)
{
	const unsigned char *s = sqlite3_column_text(st, i);
	return s ? (const char *)s : "";
}

/* The asset's CPE name: its own when it has a valid one, else one made of
 * its vendor and product names (then only those two say anything). */
static int asset_name(struct sw_asset *a, const char *vendor, const char *product, const char *version,
		      const char *cpe)
{
	snprintf(a->version, sizeof a->version, "%s", version);
	if (*cpe && !cpe_parse(cpe, &a->name)) {
		const char *v = cpe_attr(&a->name, CPE_VERSION);
		if (!*a->version && strcmp(v, "*") && strcmp(v, "-") && !strpbrk(v, "*?") &&
		    cpe_unescape(v, a->version, sizeof a->version))
			a->version[0] = '\0';
		return 0;
	}
	char ve[CPE_MAX / 2], pe[CPE_MAX / 2], s[CPE_MAX + 64];
	if (cpe_escape(vendor, ve, sizeof ve) || cpe_escape(product, pe, sizeof pe))
		return -1;
	snprintf(s, sizeof s, "cpe:2.3:*:%s:%s:*:*:*:*:*:*:*:*", ve, pe);
	return cpe_parse(s, &a->name);
}

static int load_assets(sqlite3 *db, struct sw_list *l, struct wr_err *e)
{
	sqlite3_stmt *st;
	memset(l, 0, sizeof *l);
	int rc = db_prepare(db,
			    "SELECT a.id, a.org_id, a.value, a.vendor, a.product, a.version, a.cpe,"
			    " CASE WHEN a.managed_by = 'provider' THEN a.provider_id END,"
			    " m.updated_at IS NOT a.updated_at"
			    " FROM assets a LEFT JOIN vuln_sw_matched m ON m.asset_id = a.id"
			    " WHERE a.type = 'software' ORDER BY a.id",
			    &st, e);
	if (rc)
		return rc;
	size_t cap = 0;
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		if (l->n == cap) {
			cap = cap ? cap * 2 : 64;
			struct sw_asset *v = realloc(l->v, cap * sizeof *v);
			if (!v)
				break;
			l->v = v;
		}
		struct sw_asset *a = &l->v[l->n];
		if (asset_name(a, col(st, 3), col(st, 4), col(st, 5), col(st, 6)))
			continue; /* a name no CPE can hold: nothing matches it */
		a->id = sqlite3_column_int64(st, 0);
		a->org_id = sqlite3_column_int64(st, 1);
		a->provider_id = sqlite3_column_int64(st, 7);
		a->fresh = sqlite3_column_int(st, 8);
		if (!(a->value = strdup(col(st, 2))))
			break;
		l->n++;
	}
	sqlite3_finalize(st);
	if (rc == SQLITE_DONE)
		return 0;
	list_free(l);
	return rc == SQLITE_ROW ? wr_err_set(e, WR_ENOMEM, NULL, "out of memory") : db_fail(db, e);
}

/* Every attribute but the version (the range says that). */
static int names_match(const struct cpe_name *pattern, const struct cpe_name *asset)
{
	static const enum cpe_attr order[] = {CPE_PRODUCT, CPE_VENDOR, CPE_PART,	     CPE_UPDATE,    CPE_EDITION,
				    CPE_LANGUAGE, CPE_SW_EDITION, CPE_TARGET_SW, CPE_TARGET_HW, CPE_OTHER};
	for (size_t i = 0; i < sizeof order / sizeof *order; i++)
		if (!cpe_attr_match(cpe_attr(pattern, order[i]), cpe_attr(asset, order[i])))
			return 0;
	return 1;
}

struct affected {
	struct cpe_name name;
	int unaffected;
	char *exact, *start, *end;
	int si, ei;
};

static void rows_free(struct affected *v, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		free(v[i].exact);
		free(v[i].start);
		free(v[i].end);
	}
	free(v);
}

static int load_rows(sqlite3 *db, const char *cve, struct affected **out, size_t *n, struct wr_err *e)
{
	sqlite3_stmt *st;
	*out = NULL;
	*n = 0;
	int rc = db_prepare(db,
			    "SELECT cpe, status, version_exact, version_start, start_incl, version_end, end_incl"
			    " FROM vuln_affected WHERE cve_id = ?1 ORDER BY id",
			    &st, e);
	if (rc)
		return rc;
	sqlite3_bind_text(st, 1, cve, -1, SQLITE_STATIC);
	size_t cap = 0;
	struct affected *v = NULL;
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		if (*n == cap) {
			cap = cap ? cap * 2 : 16;
			struct affected *nv = realloc(v, cap * sizeof *nv);
			if (!nv)
				break;
			v = nv;
		}
		struct affected *r = &v[*n];
		if (cpe_parse(col(st, 0), &r->name))
			continue;
		r->unaffected = !strcmp(col(st, 1), "unaffected");
		r->exact = strdup(col(st, 2));
		r->start = strdup(col(st, 3));
		r->si = sqlite3_column_int(st, 4);
		r->end = strdup(col(st, 5));
		r->ei = sqlite3_column_int(st, 6);
		(*n)++;
		if (!r->exact || !r->start || !r->end)
			break;
	}
	sqlite3_finalize(st);
	*out = v;
	if (rc == SQLITE_DONE)
		return 0;
	rows_free(v, *n);
	*out = NULL;
	return rc == SQLITE_ROW ? wr_err_set(e, WR_ENOMEM, NULL, "out of memory") : db_fail(db, e);
}

/* Affected: some affected row holds the asset and no unaffected row does. */
static int asset_affected(const struct sw_asset *a, const struct affected *rows, size_t n)
{
	int hit = 0;
	for (size_t i = 0; i < n; i++) {
		const struct affected *r = &rows[i];
		if (hit && !r->unaffected)
			continue;
		struct version_range vr = {r->exact, r->start, r->end, r->si, r->ei};
		if (!names_match(&r->name, &a->name) || !version_in_range(a->version, &vr))
			continue;
		if (r->unaffected)
			return 0;
		hit = 1;
	}
	return hit;
}

/* Severity and due date of a CVE's findings: critical when it is in the
 * KEV catalogue, else its CVSS severity ("none": low; no score: medium).
 * 0 with *known = 0 when there is no CVE record (a KEV entry alone says
 * no versions: nothing to match). */
static int cve_terms(sqlite3 *db, const char *cve, int *known, char sev[12], char due[12], struct wr_err *e)
{
	sqlite3_stmt *st;
	int rc = db_prepare(db,
			    "SELECT k.id IS NOT NULL, k.due_date, c.cvss_severity FROM vuln_cves c"
			    " LEFT JOIN vuln_kev k ON k.cve_id = c.cve_id WHERE c.cve_id = ?1",
			    &st, e);
	if (rc)
		return rc;
	sqlite3_bind_text(st, 1, cve, -1, SQLITE_STATIC);
	int s = sqlite3_step(st);
	*known = s == SQLITE_ROW;
	if (*known) {
		const char *cvss = col(st, 2);
		snprintf(sev, 12, "%s", sqlite3_column_int(st, 0) ? "critical"
					: !strcmp(cvss, "none")	   ? "low"
					: *cvss			   ? cvss
								   : "medium");
		snprintf(due, 12, "%s", col(st, 1));
	}
	sqlite3_finalize(st);
	return s == SQLITE_ROW || s == SQLITE_DONE ? 0 : db_fail(db, e);
}

/* cve against the assets (only: one of them, else all). */
static int match_cve(struct feed_import *fi, const char *cve, const struct sw_list *assets,
		     const struct sw_asset *only, struct wr_err *e)
{
	char sev[12], due[12];
	int known;
	struct affected *rows;
	size_t n;
	int rc = cve_terms(fi->db, cve, &known, sev, due, e);
	if (rc || !known)
		return rc;
	if ((rc = load_rows(fi->db, cve, &rows, &n, e)))
		return rc;
	for (size_t i = 0; !rc && i < assets->n; i++) {
		const struct sw_asset *a = &assets->v[i];
		if ((only && a != only) || !asset_affected(a, rows, n))
			continue;
		struct sw_finding f = {a->org_id, a->id, a->provider_id, a->value, cve, sev, *due ? due : NULL, fi->now};
		enum finding_change ch;
		if ((rc = vuln_finding_software(fi->db, &f, &ch, e)))
			break;
		fi->r.matched++;
		if (ch == FINDING_OPENED)
			fi->r.opened++;
		else if (ch == FINDING_REOPENED)
			fi->r.reopened++;
		else
			fi->r.refreshed++;
	}
	rows_free(rows, n);
	return rc;
}

/* An asset added or changed since the last match: the stored CVEs that
 * name its vendor and product (those this import touched are done). */
static int match_fresh(struct feed_import *fi, const struct sw_list *assets, const struct sw_asset *a,
		       struct wr_err *e)
{
	char vendor[CPE_MAX + 1], product[CPE_MAX + 1];
	const char *v = cpe_attr(&a->name, CPE_VENDOR), *p = cpe_attr(&a->name, CPE_PRODUCT);
	if (!strcmp(v, "*") || !strcmp(p, "*") || cpe_unescape(v, vendor, sizeof vendor) ||
	    cpe_unescape(p, product, sizeof product))
		return 0;
	sqlite3_stmt *st;
	int rc = db_prepare(fi->db, "SELECT DISTINCT cve_id FROM vuln_affected WHERE vendor = ?1 AND product = ?2",
			    &st, e);
	if (rc)
		return rc;
	sqlite3_bind_text(st, 1, vendor, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 2, product, -1, SQLITE_STATIC);
	json_t *cves = json_array();
	int s;
	while (cves && (s = sqlite3_step(st)) == SQLITE_ROW)
		if (!json_object_get(fi->touched, col(st, 0)))
			json_array_append_new(cves, json_string(col(st, 0)));
	sqlite3_finalize(st);
	if (!cves)
		return wr_err_set(e, WR_ENOMEM, NULL, "out of memory");
	if (s != SQLITE_DONE)
		rc = db_fail(fi->db, e);
	for (size_t i = 0; !rc && i < json_array_size(cves); i++)
		rc = match_cve(fi, json_string_value(json_array_get(cves, i)), assets, a, e);
	json_decref(cves);
	return rc;
}

int swmatch_run(struct feed_import *fi, struct wr_err *e)
{
	struct sw_list assets;
	int rc = load_assets(fi->db, &assets, e);
	if (rc)
		return rc;
	const char *cve;
	json_t *unused;
	json_object_foreach (fi->touched, cve, unused)
		if ((rc = match_cve(fi, cve, &assets, NULL, e)))
			break;
	for (size_t i = 0; !rc && i < assets.n; i++)
		if (assets.v[i].fresh)
			rc = match_fresh(fi, &assets, &assets.v[i], e);
	list_free(&assets);
	if (!rc)
		rc = db_exec(fi->db,
			     "INSERT INTO vuln_sw_matched (asset_id, updated_at) SELECT id, updated_at FROM assets"
			     " WHERE type = 'software' ON CONFLICT (asset_id) DO UPDATE SET"
			     " updated_at = excluded.updated_at WHERE updated_at IS NOT excluded.updated_at",
			     e);
	return rc;
}
