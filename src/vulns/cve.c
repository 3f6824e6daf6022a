/* CVE records: CVE JSON 5 (one record per file; the CNA's affected
 * products and versions, the CISA-ADP container's CPE names and ranges)
 * and NVD API 2.0 pages (configurations with cpeMatch and version bounds).
 * Per CVE: description, CVSS, and what it affects as rows of
 * vuln_affected (docs/vulns.md, "Matching software"). */
#include "vulns/feeds_internal.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/jsonutil.h"
#include "base/secret.h"
#include "store/db.h"
#include "vulns/cpe.h"

#define VERSION_MAX 100

/* What one record says, ready to store. */
struct cve_rec {
	const char *id, *description, *published;
	double score; /* NAN: none */
	char severity[12];
	json_t *rows; /* [{"source","cpe","vendor","product","status","exact","start","si","end","ei"}] */
};

static const char *str(const json_t *o, const char *key)
{
	const json_t *x = json_object_get(o, key);
	return json_is_string(x) ? json_string_value(x) : NULL;
}

/* The English text of [{"lang","value"}] (else the first). */
static const char *english(const json_t *arr)
{
	const char *first = NULL;
	for (size_t i = 0; i < json_array_size(arr); i++) {
		const json_t *d = json_array_get(arr, i);
		const char *lang = str(d, "lang"), *v = str(d, "value");
		if (!v)
			continue;
		if (lang && !strncmp(lang, "en", 2))
			return v;
		if (!first)
			first = v;
	}
	return first ? first : "";
}

static const char *severity_of(double score)
{
	return score >= 9.0 ? "critical" : score >= 7.0 ? "high" : score >= 4.0 ? "medium" : score > 0 ? "low" : "none";
}

/* A CVSS object {"baseScore", "baseSeverity"?}; rank: the version's
 * preference (a higher one replaces what was found before). */
static void take_cvss(struct cve_rec *c, int *best, int rank, const json_t *cvss, const json_t *outer)
{
	const json_t *s = json_object_get(cvss, "baseScore");
	if (rank <= *best || !json_is_number(s))
		return;
	double v = json_number_value(s);
	if (!(v >= 0 && v <= 10))
		return;
	const char *sev = str(cvss, "baseSeverity");
	if (!sev && outer)
		sev = str(outer, "baseSeverity"); /* CVSS 2 in NVD: beside cvssData */
	char low[12] = "";
	for (size_t i = 0; sev && sev[i] && i + 1 < sizeof low; i++)
		low[i] = (char)(sev[i] >= 'A' && sev[i] <= 'Z' ? sev[i] - 'A' + 'a' : sev[i]);
	if (strcmp(low, "critical") && strcmp(low, "high") && strcmp(low, "medium") && strcmp(low, "low") &&
	    strcmp(low, "none"))
		snprintf(low, sizeof low, "%s", severity_of(v));
	*best = rank;
	c->score = v;
	memcpy(c->severity, low, sizeof low);
}

static int add_row(struct cve_rec *c, const char *source, const char *cpe, const char *status,
		   const char *exact, const char *start, int si, const char *end, int ei)
{
	struct cpe_name n;
	char vendor[CPE_MAX + 1], product[CPE_MAX + 1];
	if (cpe_parse(cpe, &n) || cpe_unescape(cpe_attr(&n, CPE_VENDOR), vendor, sizeof vendor) ||
	    cpe_unescape(cpe_attr(&n, CPE_PRODUCT), product, sizeof product))
		return 0; /* checked by the callers */
	/* "cpe:2.3:" and the attributes as parsed: lower case. A CVE JSON 5
	 * name's version and update only repeat a range's start ("esxi:7.0:-"):
	 * its versions[] say which versions, so they become ANY. */
	char canon[CPE_MAX + 16];
	int nvd = !strcmp(source, "nvd");
	size_t k = (size_t)snprintf(canon, sizeof canon, "cpe:2.3");
	for (int i = 0; i < CPE_ATTRS && k < sizeof canon; i++)
		k += (size_t)snprintf(canon + k, sizeof canon - k, ":%s",
				      !nvd && (i == CPE_VERSION || i == CPE_UPDATE) ? "*" : cpe_attr(&n, i));
	json_t *r = json_pack("{s:s, s:s, s:s, s:s, s:s, s:s, s:s, s:i, s:s, s:i}", "source", source, "cpe",
			      canon, "vendor", vendor, "product", product, "status", status, "exact",
			      exact ? exact : "", "start", start ? start : "", "si", si, "end", end ? end : "",
			      "ei", ei);
	return !r || json_array_append_new(c->rows, r) ? WR_ENOMEM : 0;
}

static int text_ok(const char *s)
{
	return s && strlen(s) <= VERSION_MAX;
}

/* "0", "*" and the words CNAs write for "from the first version". */
static int no_lower_bound(const char *v)
{
	return !*v || !strcmp(v, "0") || !strcmp(v, "*") || !strcasecmp(v, "n/a") ||
	       !strcasecmp(v, "unspecified");
}

/* One versions[] entry of a CVE JSON 5 affected product, for each of its
 * CPE names. A "changes" list cuts the range into pieces, each with its
 * status. Entries that state nothing comparable are left out. */
static int cve5_version(struct cve_rec *c, const char *source, const json_t *cpes, const json_t *v)
{
	const char *status = str(v, "status"), *ver = str(v, "version"), *lt = str(v, "lessThan"),
		   *le = str(v, "lessThanOrEqual"), *type = str(v, "versionType");
	if (!status || (strcmp(status, "affected") && strcmp(status, "unaffected")) || !text_ok(ver) ||
	    (lt && !text_ok(lt)) || (le && !text_ok(le)) || (type && !strcmp(type, "git")))
		return 0;
	const char *start = "", *end = "", *exact = "";
	int ei = 0;
	if (lt || le) {
		start = no_lower_bound(ver) ? "" : ver;
		end = lt ? lt : le;
		ei = !lt;
		if (!strcmp(end, "*"))
			end = "";
	} else if (!strcmp(ver, "*")) {
		exact = "";
	} else if (no_lower_bound(ver) || !strcasecmp(ver, "previous versions")) {
		return 0; /* says nothing we can compare */
	} else {
		exact = ver;
	}
	for (size_t i = 0; i < json_array_size(cpes); i++) {
		const char *cpe = json_string_value(json_array_get(cpes, i));
		const json_t *changes = json_object_get(v, "changes");
		size_t nch = *exact ? 0 : json_array_size(changes);
		const char *from = start, *st = status;
		int fi = 1, rc = 0;
		for (size_t k = 0; k <= nch && !rc; k++) {
			const json_t *ch = json_array_get(changes, k);
			const char *at = k < nch ? str(ch, "at") : NULL, *to = k < nch ? str(ch, "status") : NULL;
			if (k < nch && (!text_ok(at) || !to || (strcmp(to, "affected") && strcmp(to, "unaffected"))))
				continue;
			/* [from, at) keeps the status so far; from "at" on it is "to" */
			if (at)
				rc = add_row(c, source, cpe, st, exact, from, fi, at, 0);
			else
				rc = add_row(c, source, cpe, st, exact, from, fi, end, ei);
			if (at) {
				from = at;
				st = to;
				fi = 1;
			}
		}
		if (rc)
			return rc;
	}
	return 0;
}

/* The CPE names of one affected product: those listed (valid ones) and
 * one made of its vendor and product names. */
static json_t *cve5_names(const json_t *aff)
{
	json_t *names = json_array();
	const json_t *cpes = json_object_get(aff, "cpes");
	struct cpe_name n;
	for (size_t i = 0; names && i < json_array_size(cpes); i++) {
		const char *s = json_string_value(json_array_get(cpes, i));
		if (s && !cpe_parse(s, &n))
			json_array_append_new(names, json_string(s));
	}
	const char *vendor = str(aff, "vendor"), *product = str(aff, "product");
	char v[CPE_MAX], p[CPE_MAX], cpe[CPE_MAX * 2 + 40];
	if (names && vendor && product && strcasecmp(vendor, "n/a") && strcasecmp(product, "n/a") && *vendor &&
	    *product && !cpe_escape(vendor, v, sizeof v) && !cpe_escape(product, p, sizeof p)) {
		snprintf(cpe, sizeof cpe, "cpe:2.3:*:%s:%s:*:*:*:*:*:*:*:*", v, p);
		if (!cpe_parse(cpe, &n))
			json_array_append_new(names, json_string(cpe));
	}
	return names;
}

static int cve5_container(struct cve_rec *c, const char *source, const json_t *cont, int *best)
{
	static const char *const cvss_keys[] = {"cvssV2_0", "cvssV3_0", "cvssV3_1", "cvssV4_0"};
	const json_t *metrics = json_object_get(cont, "metrics");
	for (size_t i = 0; i < json_array_size(metrics); i++)
		for (int k = 0; k < 4; k++) {
			const json_t *m = json_object_get(json_array_get(metrics, i), cvss_keys[k]);
			if (json_is_object(m))
				take_cvss(c, best, k + 1, m, NULL);
		}
	const json_t *affected = json_object_get(cont, "affected");
	for (size_t i = 0; i < json_array_size(affected); i++) {
		const json_t *aff = json_array_get(affected, i);
		json_t *names = cve5_names(aff);
		if (!names)
			return WR_ENOMEM;
		int rc = 0;
		const json_t *versions = json_object_get(aff, "versions");
		for (size_t k = 0; !rc && k < json_array_size(versions); k++)
			rc = cve5_version(c, source, names, json_array_get(versions, k));
		const char *def = str(aff, "defaultStatus");
		for (size_t k = 0; !rc && def && !strcmp(def, "affected") && k < json_array_size(names); k++)
			rc = add_row(c, source, json_string_value(json_array_get(names, k)), "affected", "", "", 1,
				     "", 0);
		json_decref(names);
		if (rc)
			return rc;
	}
	return 0;
}

/* Writes the record: vuln_cves (new, or changed from this source) and its
 * rows of this source; sha_col says which source ("cve5_sha256"). */
static int store(struct feed_import *fi, const struct cve_rec *c, const char *sha_col,
		 const char *sources, const char *sha, struct wr_err *e)
{
	char sql[600];
	sqlite3_stmt *st;
	snprintf(sql, sizeof sql, "SELECT %s FROM vuln_cves WHERE cve_id = ?1", sha_col);
	int rc = db_prepare(fi->db, sql, &st, e);
	if (rc)
		return rc;
	sqlite3_bind_text(st, 1, c->id, -1, SQLITE_STATIC);
	int s = sqlite3_step(st);
	const unsigned char *old = s == SQLITE_ROW ? sqlite3_column_text(st, 0) : NULL;
	int same = old && !strcmp((const char *)old, sha);
	sqlite3_finalize(st);
	if (s != SQLITE_ROW && s != SQLITE_DONE)
		return db_fail(fi->db, e);
	fi->r.records++;
	if (same)
		return fi->r.unchanged++, 0;
	if (s == SQLITE_ROW)
		fi->r.changed++;
	else
		fi->r.added++;
	snprintf(sql, sizeof sql,
		 "INSERT INTO vuln_cves (cve_id, description, cvss_score, cvss_severity, published, %s,"
		 " updated_at) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7) ON CONFLICT (cve_id) DO UPDATE SET"
		 " description = CASE WHEN ?2 = '' THEN description ELSE ?2 END,"
		 " cvss_score = coalesce(?3, cvss_score), cvss_severity = coalesce(?4, cvss_severity),"
		 " published = coalesce(?5, published), %s = ?6, updated_at = ?7",
		 sha_col, sha_col);
	if ((rc = db_prepare(fi->db, sql, &st, e)))
		return rc;
	sqlite3_bind_text(st, 1, c->id, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 2, c->description, -1, SQLITE_STATIC);
	if (isnan(c->score))
		sqlite3_bind_null(st, 3), sqlite3_bind_null(st, 4);
	else
		sqlite3_bind_double(st, 3, c->score), sqlite3_bind_text(st, 4, c->severity, -1, SQLITE_STATIC);
	db_bind_text_or_null(st, 5, c->published);
	sqlite3_bind_text(st, 6, sha, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 7, fi->now, -1, SQLITE_STATIC);
	if ((rc = db_step_done(fi->db, st, e)))
		return rc;
	snprintf(sql, sizeof sql, "DELETE FROM vuln_affected WHERE cve_id = ?1 AND source IN (%s)", sources);
	if ((rc = db_prepare(fi->db, sql, &st, e)))
		return rc;
	sqlite3_bind_text(st, 1, c->id, -1, SQLITE_STATIC);
	if ((rc = db_step_done(fi->db, st, e)))
		return rc;
	if ((rc = db_prepare(fi->db,
			     "INSERT OR IGNORE INTO vuln_affected (cve_id, source, cpe, vendor, product, status,"
			     " version_exact, version_start, start_incl, version_end, end_incl)"
			     " VALUES (?1,?2,?3,?4,?5,?6,?7,?8,?9,?10,?11)",
			     &st, e)))
		return rc;
	static const char *const keys[] = {"source", "cpe", "vendor", "product", "status", "exact", "start"};
	for (size_t i = 0; !rc && i < json_array_size(c->rows); i++) {
		const json_t *r = json_array_get(c->rows, i);
		sqlite3_reset(st);
		sqlite3_bind_text(st, 1, c->id, -1, SQLITE_STATIC);
		for (int k = 0; k < 7; k++)
			sqlite3_bind_text(st, k + 2, str(r, keys[k]), -1, SQLITE_STATIC);
		sqlite3_bind_int(st, 9, (int)json_integer_value(json_object_get(r, "si")));
		sqlite3_bind_text(st, 10, str(r, "end"), -1, SQLITE_STATIC);
		sqlite3_bind_int(st, 11, (int)json_integer_value(json_object_get(r, "ei")));
		if (sqlite3_step(st) != SQLITE_DONE)
			rc = db_fail(fi->db, e);
	}
	sqlite3_finalize(st);
	return rc ? rc : feed_touch(fi, c->id);
}

static int hash_of(const json_t *v, char sha[SECRET_SHA256_HEX])
{
	char *c = json_canonical(v);
	if (!c)
		return WR_ENOMEM;
	secret_sha256_hex(c, strlen(c), sha);
	free(c);
	return 0;
}

static int parse_doc(struct feed_import *fi, const char *what, const char *text, size_t len, json_t **doc,
		     struct wr_err *e)
{
	if (json_parse_text(text, len, doc, e)) {
		char why[sizeof e->message];
		snprintf(why, sizeof why, "%s", e->message);
		return wr_err_set(e, WR_EPARSE, "file", "%s: not %s: %s", fi->doc, what, why);
	}
	if (!json_is_object(*doc)) {
		json_decref(*doc);
		return wr_err_set(e, WR_EINVAL, "file", "%s: not %s (not a JSON object)", fi->doc, what);
	}
	return 0;
}

int cve5_read(struct feed_import *fi, const char *text, size_t len, struct wr_err *e)
{
	json_t *doc;
	int rc = parse_doc(fi, "a CVE JSON 5 record", text, len, &doc, e);
	if (rc)
		return rc;
	const json_t *meta = json_object_get(doc, "cveMetadata"), *conts = json_object_get(doc, "containers");
	const char *type = str(doc, "dataType"), *id = str(meta, "cveId"), *state = str(meta, "state");
	if ((type && strcmp(type, "CVE_RECORD")) || !id || !feed_cve_id_ok(id) || !json_is_object(conts) || !state) {
		json_decref(doc);
		return wr_err_set(e, WR_EINVAL, "file",
				  "%s: not a CVE JSON 5 record (it needs cveMetadata.cveId, cveMetadata.state"
				  " and containers)", fi->doc);
	}
	int first = strcmp(state, "PUBLISHED") ? feed_skip(fi, id, "is %.20s, not PUBLISHED", state)
						: feed_first(fi, id, id);
	if (first != 1) {
		json_decref(doc);
		return first;
	}
	const json_t *cna = json_object_get(conts, "cna"), *adp = json_object_get(conts, "adp");
	struct cve_rec c = {.id = id, .description = english(json_object_get(cna, "descriptions")),
			    .published = str(meta, "datePublished"), .score = NAN, .rows = json_array()};
	char sha[SECRET_SHA256_HEX];
	int best = 0;
	rc = c.rows ? hash_of(doc, sha) : WR_ENOMEM;
	if (!rc && strlen(c.description) > FEED_TEXT_MAX)
		c.description = "";
	if (!rc)
		rc = cve5_container(&c, "cna", cna, &best);
	for (size_t i = 0; !rc && i < json_array_size(adp); i++)
		rc = cve5_container(&c, "adp", json_array_get(adp, i), &best);
	if (!rc)
		rc = store(fi, &c, "cve5_sha256", "'cna','adp'", sha, e);
	else if (rc == WR_ENOMEM)
		wr_err_set(e, rc, NULL, "out of memory");
	json_decref(c.rows);
	json_decref(doc);
	return rc;
}

/* One vulnerable cpeMatch of an NVD configuration. */
static int nvd_match(struct feed_import *fi, struct cve_rec *c, const char *at, const json_t *m)
{
	const json_t *vuln = json_object_get(m, "vulnerable");
	if (json_is_false(vuln))
		return 0; /* a platform it runs on, not what is vulnerable */
	const char *cpe = str(m, "criteria");
	struct cpe_name n;
	if (!cpe || cpe_parse(cpe, &n))
		return feed_skip(fi, at, "%s: criteria is not a CPE 2.3 name", c->id);
	const char *si = str(m, "versionStartIncluding"), *se = str(m, "versionStartExcluding"),
		   *ei = str(m, "versionEndIncluding"), *ee = str(m, "versionEndExcluding");
	const char *b[] = {si, se, ei, ee};
	for (int k = 0; k < 4; k++)
		if (b[k] && !text_ok(b[k]))
			return feed_skip(fi, at, "%s: a version bound is longer than %d", c->id, VERSION_MAX);
	if (si || se || ei || ee)
		return add_row(c, "nvd", cpe, "affected", "", si ? si : se ? se : "", !se, ei ? ei : ee ? ee : "",
			       !ee);
	/* no bounds: the name's own version (ANY and NA: every version) */
	char ver[CPE_MAX + 1];
	const char *v = cpe_attr(&n, CPE_VERSION);
	if (!strcmp(v, "*") || !strcmp(v, "-"))
		return add_row(c, "nvd", cpe, "affected", "", "", 1, "", 0);
	if (strpbrk(v, "*?"))
		return add_row(c, "nvd", cpe, "affected", v, "", 1, "", 0); /* a pattern, kept escaped */
	if (cpe_unescape(v, ver, sizeof ver) || !text_ok(ver))
		return feed_skip(fi, at, "%s: the version of criteria is too long", c->id);
	return add_row(c, "nvd", cpe, "affected", ver, "", 1, "", 0);
}

static int nvd_cve(struct feed_import *fi, const char *at, const json_t *cve, struct wr_err *e)
{
	const char *id = str(cve, "id");
	if (!id || !feed_cve_id_ok(id))
		return feed_skip(fi, at, "has no cve.id that is a CVE id");
	int first = feed_first(fi, at, id);
	if (first != 1)
		return first;
	const char *status = str(cve, "vulnStatus");
	if (status && !strcmp(status, "Rejected"))
		return feed_skip(fi, at, "%s is Rejected", id);
	struct cve_rec c = {.id = id, .description = english(json_object_get(cve, "descriptions")),
			    .published = str(cve, "published"), .score = NAN, .rows = json_array()};
	if (strlen(c.description) > FEED_TEXT_MAX)
		c.description = "";
	static const char *const keys[] = {"cvssMetricV2", "cvssMetricV30", "cvssMetricV31", "cvssMetricV40"};
	const json_t *metrics = json_object_get(cve, "metrics");
	int best = 0, rc = c.rows ? 0 : WR_ENOMEM;
	for (int k = 0; !rc && k < 4; k++) {
		const json_t *arr = json_object_get(metrics, keys[k]);
		for (size_t i = 0; i < json_array_size(arr); i++) {
			const json_t *m = json_array_get(arr, i);
			const char *type = str(m, "type");
			/* the NVD's own ("Primary") score before a secondary one */
			int rank = (k + 1) * 2 + (type && !strcmp(type, "Primary"));
			const json_t *data = json_object_get(m, "cvssData");
			if (json_is_object(data))
				take_cvss(&c, &best, rank, data, m);
		}
	}
	const json_t *confs = json_object_get(cve, "configurations");
	for (size_t i = 0; !rc && i < json_array_size(confs); i++) {
		const json_t *nodes = json_object_get(json_array_get(confs, i), "nodes");
		for (size_t j = 0; !rc && j < json_array_size(nodes); j++) {
			const json_t *node = json_array_get(nodes, j);
			if (json_is_true(json_object_get(node, "negate")))
				continue; /* "not on": nothing affected by itself */
			const json_t *ms = json_object_get(node, "cpeMatch");
			for (size_t k = 0; !rc && k < json_array_size(ms); k++) {
				char where[160];
				snprintf(where, sizeof where, "%s.configurations[%zu].nodes[%zu].cpeMatch[%zu]", at, i,
					 j, k);
				rc = nvd_match(fi, &c, where, json_array_get(ms, k));
			}
		}
	}
	char sha[SECRET_SHA256_HEX];
	if (!rc)
		rc = hash_of(cve, sha);
	if (!rc)
		rc = store(fi, &c, "nvd_sha256", "'nvd'", sha, e);
	else if (rc == WR_ENOMEM)
		wr_err_set(e, rc, NULL, "out of memory");
	json_decref(c.rows);
	return rc;
}

int nvd_read(struct feed_import *fi, const char *text, size_t len, struct wr_err *e)
{
	json_t *doc;
	int rc = parse_doc(fi, "an NVD API 2.0 page", text, len, &doc, e);
	if (rc)
		return rc;
	const char *format = str(doc, "format");
	const json_t *vulns = json_object_get(doc, "vulnerabilities");
	if ((format && strcmp(format, "NVD_CVE")) || !json_is_array(vulns)) {
		json_decref(doc);
		return wr_err_set(e, WR_EINVAL, "file",
				  "%s: not an NVD API 2.0 page (format NVD_CVE and a \"vulnerabilities\" array)",
				  fi->doc);
	}
	for (size_t i = 0; !rc && i < json_array_size(vulns); i++) {
		char at[48];
		snprintf(at, sizeof at, "vulnerabilities[%zu]", i);
		const json_t *cve = json_object_get(json_array_get(vulns, i), "cve");
		rc = json_is_object(cve) ? nvd_cve(fi, at, cve, e) : feed_skip(fi, at, "has no \"cve\" object");
	}
	json_decref(doc);
	return rc;
}
