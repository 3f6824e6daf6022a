/* The CISA catalogue of known exploited vulnerabilities (KEV), as its JSON
 * ({"vulnerabilities": [...]}) or its CSV (columns by header name). Each
 * entry is checked, normalised and stored when it is new or changed. */
#include "vulns/feeds_internal.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/csv.h"
#include "base/jsonutil.h"
#include "base/secret.h"
#include "base/timeutil.h"
#include "store/db.h"

/* The stored fields, in the order of the KEV's own names. */
static const char *const fields[] = {"cveID",	      "vendorProject", "product",
				     "vulnerabilityName", "dateAdded",	   "shortDescription",
				     "requiredAction",	  "dueDate",	   "knownRansomwareCampaignUse",
				     "notes",		  NULL};
enum { F_CVE, F_VENDOR, F_PRODUCT, F_NAME, F_ADDED, F_DESC, F_ACTION, F_DUE, F_RANSOM, F_NOTES, F_N };
static const int required[F_N] = {[F_CVE] = 1, [F_VENDOR] = 1, [F_PRODUCT] = 1, [F_ADDED] = 1};

static int date_ok(const char *s)
{
	int64_t t;
	return strlen(s) == 10 && time_parse_date(s, &t) == 0;
}

/* Checks one entry (v[i]: the field's text, "" when absent); 0 and stored,
 * or skipped with a message naming the field. */
static int kev_entry(struct feed_import *fi, const char *at, const char *v[F_N], struct wr_err *e)
{
	for (int i = 0; i < F_N; i++) {
		if (required[i] && !*v[i])
			return feed_skip(fi, at, "%s is required", fields[i]);
		json_t *ok = json_string(v[i]); /* NULL: not UTF-8 */
		size_t chars = ok ? json_string_length(ok) : 0;
		json_decref(ok);
		if (!ok)
			return feed_skip(fi, at, "%s is not UTF-8 text", fields[i]);
		if (chars > FEED_TEXT_MAX)
			return feed_skip(fi, at, "%s is longer than %d bytes", fields[i], FEED_TEXT_MAX);
	}
	if (!feed_cve_id_ok(v[F_CVE]))
		return feed_skip(fi, at, "cveID \"%.40s\" is not a CVE id (CVE-2024-12345)", v[F_CVE]);
	if (!date_ok(v[F_ADDED]))
		return feed_skip(fi, at, "%s: dateAdded is not a date (2024-07-30)", v[F_CVE]);
	if (*v[F_DUE] && !date_ok(v[F_DUE]))
		return feed_skip(fi, at, "%s: dueDate is not a date (2024-08-20)", v[F_CVE]);
	int ransom;
	if (!strcasecmp(v[F_RANSOM], "known"))
		ransom = 1;
	else if (!strcasecmp(v[F_RANSOM], "unknown") || !*v[F_RANSOM])
		ransom = 0;
	else
		return feed_skip(fi, at, "%s: knownRansomwareCampaignUse is not Known or Unknown", v[F_CVE]);

	int first = feed_first(fi, at, v[F_CVE]);
	if (first != 1)
		return first;
	/* the hash of what is stored says whether anything changed */
	json_t *canon = json_array();
	for (int i = 0; canon && i < F_N; i++)
		json_array_append_new(canon, json_string(i == F_RANSOM ? (ransom ? "1" : "0") : v[i]));
	char *c = canon ? json_canonical(canon) : NULL;
	json_decref(canon);
	if (!c)
		return wr_err_set(e, WR_ENOMEM, NULL, "out of memory");
	char sha[SECRET_SHA256_HEX];
	secret_sha256_hex(c, strlen(c), sha);
	free(c);

	sqlite3_stmt *st;
	int rc = db_prepare(fi->db, "SELECT sha256 FROM vuln_kev WHERE cve_id = ?1", &st, e);
	if (rc)
		return rc;
	sqlite3_bind_text(st, 1, v[F_CVE], -1, SQLITE_STATIC);
	int s = sqlite3_step(st);
	int same = s == SQLITE_ROW && !strcmp((const char *)sqlite3_column_text(st, 0), sha);
	sqlite3_finalize(st);
	if (s != SQLITE_ROW && s != SQLITE_DONE)
		return db_fail(fi->db, e);
	fi->r.records++;
	if (same) {
		fi->r.unchanged++;
		return 0;
	}
	if (s == SQLITE_ROW)
		fi->r.changed++;
	else
		fi->r.added++;
	rc = db_prepare(fi->db,
			"INSERT INTO vuln_kev (cve_id, vendor, product, name, date_added, description,"
			" required_action, due_date, ransomware, notes, sha256, updated_at)"
			" VALUES (?1,?2,?3,?4,?5,?6,?7,?8,?9,?10,?11,?12) ON CONFLICT (cve_id) DO UPDATE SET"
			" vendor = ?2, product = ?3, name = ?4, date_added = ?5, description = ?6,"
			" required_action = ?7, due_date = ?8, ransomware = ?9, notes = ?10, sha256 = ?11,"
			" updated_at = ?12",
			&st, e);
	if (rc)
		return rc;
	for (int i = 0; i < F_N; i++)
		if (i != F_RANSOM)
			sqlite3_bind_text(st, i + 1, v[i], -1, SQLITE_STATIC);
	if (!*v[F_DUE])
		sqlite3_bind_null(st, F_DUE + 1);
	sqlite3_bind_int(st, F_RANSOM + 1, ransom);
	sqlite3_bind_text(st, 11, sha, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 12, fi->now, -1, SQLITE_STATIC);
	if ((rc = db_step_done(fi->db, st, e)))
		return rc;
	return feed_touch(fi, v[F_CVE]);
}

static int kev_json(struct feed_import *fi, const char *text, size_t len, struct wr_err *e)
{
	json_t *doc;
	int rc = json_parse_text(text, len, &doc, e);
	if (rc) {
		char why[sizeof e->message];
		snprintf(why, sizeof why, "%s", e->message);
		return wr_err_set(e, WR_EPARSE, "file", "%s: not a KEV catalogue: %s", fi->doc, why);
	}
	json_t *vulns = json_object_get(doc, "vulnerabilities");
	if (!json_is_object(doc) || !json_is_array(vulns)) {
		json_decref(doc);
		return wr_err_set(e, WR_EINVAL, "file",
				  "%s: not a KEV catalogue (no \"vulnerabilities\" array)", fi->doc);
	}
	for (size_t i = 0; !rc && i < json_array_size(vulns); i++) {
		char at[48];
		snprintf(at, sizeof at, "vulnerabilities[%zu]", i);
		const json_t *o = json_array_get(vulns, i);
		if (!json_is_object(o)) {
			rc = feed_skip(fi, at, "is not an object");
			continue;
		}
		const char *v[F_N];
		int bad = -1;
		for (int f = 0; f < F_N; f++) {
			const json_t *x = json_object_get(o, fields[f]);
			v[f] = json_is_string(x) ? json_string_value(x) : "";
			if (x && !json_is_string(x) && !json_is_null(x))
				bad = f;
		}
		if (bad >= 0)
			rc = feed_skip(fi, at, "%s is not a string", fields[bad]);
		else
			rc = kev_entry(fi, at, v, e);
	}
	json_decref(doc);
	return rc;
}

/* The CSV reader stopped at a malformed document: the whole file goes. */
static int csv_refused(struct feed_import *fi, struct wr_err *e)
{
	char why[sizeof e->message];
	snprintf(why, sizeof why, "%s", e->message);
	return wr_err_set(e, WR_EPARSE, "file", "%s:%d: %s", fi->doc, e->line, why);
}

static int kev_csv(struct feed_import *fi, const char *text, size_t len, struct wr_err *e)
{
	FILE *in = fmemopen((void *)text, len ? len : 1, "r");
	struct csv_reader *cr = in ? csv_reader_new(in, 0, 64) : NULL;
	if (!cr) {
		if (in)
			fclose(in);
		return wr_err_set(e, WR_ENOMEM, NULL, "out of memory");
	}
	struct csv_record *rec;
	int col[F_N], rc = len ? csv_next(cr, &rec, e) : 0;
	if (rc == 1) {
		rc = 0;
		for (int f = 0; f < F_N; f++)
			col[f] = csv_header_index(rec, fields[f]);
		for (int f = 0; f < F_N && !rc; f++)
			if (col[f] < 0 && (required[f] || f == F_DUE || f == F_RANSOM))
				rc = wr_err_set(e, WR_EINVAL, "header",
						"%s: not a KEV catalogue (the header has no %s column)", fi->doc,
						fields[f]);
	} else if (rc == 0) {
		rc = wr_err_set(e, WR_EINVAL, "file", "%s: is empty", fi->doc);
	} else {
		rc = csv_refused(fi, e);
	}
	int n;
	while (!rc && (n = csv_next(cr, &rec, e)) != 0) {
		if (n < 0) {
			rc = csv_refused(fi, e);
			break;
		}
		char at[32];
		snprintf(at, sizeof at, "line %ld", rec->line);
		const char *v[F_N];
		for (int f = 0; f < F_N; f++)
			v[f] = col[f] >= 0 && (size_t)col[f] < rec->n ? rec->fields[col[f]] : "";
		rc = kev_entry(fi, at, v, e);
	}
	csv_reader_free(cr);
	fclose(in);
	return rc;
}

int kev_read(struct feed_import *fi, const char *text, size_t len, struct wr_err *e)
{
	size_t i = 0;
	if (len >= 3 && !memcmp(text, "\xEF\xBB\xBF", 3))
		i = 3;
	while (i < len && strchr(" \t\r\n", text[i]))
		i++;
	if (i < len && (text[i] == '{' || text[i] == '['))
		return kev_json(fi, text + i, len - i, e);
	return kev_csv(fi, text, len, e);
}
