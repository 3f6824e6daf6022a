/* Shadowserver scan reports routed to the towns (vulns/vulns.h): one batch
 * per file (the same file twice changes nothing), one event per row, one
 * finding per (town, address, issue). The per-report table says which
 * columns make the issue and how severe it is (docs/vulns.md). */
#include "vulns/vulns.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "audit/journal.h"
#include "base/csv.h"
#include "base/secret.h"
#include "base/timeutil.h"
#include "store/db.h"
#include "vulns/route.h"

static const struct report {
	const char *name, *issue, *detail, *severity;
} reports[] = {
	{"scan_rdp", "exposed RDP", NULL, "high"},
	{"scan_smb", "open SMB", NULL, "high"},
	{"scan_http_vulnerable", "vulnerable HTTP device", "tag", "high"},
	{"scan_exchange", "vulnerable Exchange server", "tag", "critical"},
	{"device_id", "exposed device", "device_model", "medium"},
	{"event4_sinkhole_http", "sinkholed infection", "infection", "critical"},
	{"event4_sinkhole", "sinkholed infection", "infection", "critical"},
};

void vuln_import_result_release(struct vuln_import_result *r)
{
	json_decref(r->errors);
	r->errors = NULL;
}

/* "YYYY-MM-DD-report-filter.csv" (any directory before it). */
static const struct report *parse_name(const char *name, char date[11], struct wr_err *e)
{
	const char *base = strrchr(name, '/');
	base = base ? base + 1 : name;
	int64_t t;
	char d[11];
	snprintf(d, sizeof d, "%.10s", base);
	if (strlen(base) < 12 || base[10] != '-' || time_parse_date(d, &t))
		return wr_err_set(e, WR_EINVAL, "name",
				  "%s: a Shadowserver report is named YYYY-MM-DD-<report>-<filter>.csv", base),
		       NULL;
	memcpy(date, d, 11);
	const char *rep = base + 11;
	size_t n = strcspn(rep, "-.");
	for (size_t i = 0; i < sizeof reports / sizeof *reports; i++)
		if (strlen(reports[i].name) == n && !strncmp(rep, reports[i].name, n))
			return &reports[i];
	wr_err_set(e, WR_EINVAL, "name", "%.*s is not a report warroom knows (scan_rdp, scan_smb, "
		   "scan_http_vulnerable, scan_exchange, device_id, event4_sinkhole_http)", (int)n, rep);
	return NULL;
}

/* "2026-11-27 03:12:45" or RFC 3339 to RFC 3339; -1 when neither. */
static int scan_time(const char *s, char out[32])
{
	char buf[40];
	int64_t t;
	snprintf(buf, sizeof buf, "%s", s);
	if (strlen(buf) == 19 && buf[10] == ' ') {
		buf[10] = 'T';
		buf[19] = 'Z', buf[20] = '\0';
	}
	if (time_parse_rfc3339(buf, &t))
		return -1;
	time_format_rfc3339((time_t)t, out, 32);
	return 0;
}

/* The CVE ids in s, comma-separated, into out. */
static void cves_of(const char *s, char *out, size_t n)
{
	size_t k = 0;
	out[0] = '\0';
	for (const char *p = s; p && (p = strcasestr(p, "cve-")); p += 4) {
		size_t len = 4;
		while (p[len] == '-' || (p[len] >= '0' && p[len] <= '9'))
			len++;
		if (len < 13 || k + len + 2 > n)
			continue;
		k += (size_t)snprintf(out + k, n - k, "%s%.*s", k ? "," : "", (int)len, p);
	}
	for (char *c = out; *c; c++)
		if (*c >= 'a' && *c <= 'z')
			*c = (char)(*c - 'a' + 'A');
}

static int row_error(struct vuln_import_result *r, long line, const char *msg)
{
	return json_array_append_new(r->errors, json_pack("{s:i, s:s}", "line", (int)line, "message", msg));
}

struct cols {
	int ts, ip, port, host, asn, sev, cve, detail;
};

static const char *col(const struct csv_record *rec, int i)
{
	return i >= 0 && (size_t)i < rec->n ? rec->fields[i] : "";
}

/* Records one row; the statements are ev (event), find (finding state), up (upsert). */
static int one_row(sqlite3 *db, const struct vroute *rt, const struct report *rep,
		   const struct cols *c, const struct csv_record *rec, int64_t batch,
		   sqlite3_stmt *ev, sqlite3_stmt *find, sqlite3_stmt *up, const char *now,
		   struct vuln_import_result *r, struct wr_err *e)
{
	char seen[32], issue[300], cves[256];
	const char *ip = col(rec, c->ip);
	struct route_hit hit;
	if (scan_time(col(rec, c->ts), seen))
		return row_error(r, rec->line, "timestamp is not a time (2026-11-27 03:12:45)"), 0;
	int routed = vroute_ip(rt, ip, &hit);
	if (!routed && !strchr(ip, '.') && !strchr(ip, ':'))
		return row_error(r, rec->line, "ip is not an address"), 0;
	const char *detail = col(rec, c->detail);
	snprintf(issue, sizeof issue, "%s%s%s", rep->issue, *detail ? ": " : "", detail);
	cves_of(c->cve >= 0 ? col(rec, c->cve) : detail, cves, sizeof cves);
	const char *sev = col(rec, c->sev);
	if (strcmp(sev, "critical") && strcmp(sev, "high") && strcmp(sev, "medium") && strcmp(sev, "low"))
		sev = rep->severity;
	long port = strtol(col(rec, c->port), NULL, 10);
	r->rows++;
	sqlite3_reset(ev);
	sqlite3_bind_int64(ev, 1, batch);
	sqlite3_bind_text(ev, 2, seen, -1, SQLITE_STATIC);
	sqlite3_bind_text(ev, 3, ip, -1, SQLITE_STATIC);
	if (port > 0 && port < 65536)
		sqlite3_bind_int(ev, 4, (int)port);
	else
		sqlite3_bind_null(ev, 4);
	db_bind_text_or_null(ev, 5, col(rec, c->host));
	db_bind_text_or_null(ev, 6, col(rec, c->asn));
	sqlite3_bind_text(ev, 7, issue, -1, SQLITE_STATIC);
	sqlite3_bind_text(ev, 8, cves, -1, SQLITE_STATIC);
	sqlite3_bind_text(ev, 9, sev, -1, SQLITE_STATIC);
	if (routed) {
		sqlite3_bind_int64(ev, 10, hit.org_id);
		sqlite3_bind_int64(ev, 11, hit.asset_id);
	} else {
		sqlite3_bind_null(ev, 10);
		sqlite3_bind_null(ev, 11);
	}
	if (sqlite3_step(ev) != SQLITE_DONE)
		return db_fail(db, e);
	if (!routed) {
		r->unrouted++;
		return 0;
	}
	r->routed++;
	sqlite3_reset(find);
	sqlite3_bind_int64(find, 1, hit.org_id);
	sqlite3_bind_text(find, 2, ip, -1, SQLITE_STATIC);
	sqlite3_bind_text(find, 3, issue, -1, SQLITE_STATIC);
	int s = sqlite3_step(find);
	if (s == SQLITE_DONE)
		r->opened++;
	else if (s == SQLITE_ROW && !strcmp((const char *)sqlite3_column_text(find, 0), "fixed"))
		r->reopened++; /* seen again after "fixed" */
	else if (s == SQLITE_ROW)
		r->refreshed++;
	else
		return db_fail(db, e);
	sqlite3_reset(up);
	sqlite3_bind_int64(up, 1, hit.org_id);
	sqlite3_bind_int64(up, 2, hit.asset_id);
	if (hit.provider_id)
		sqlite3_bind_int64(up, 3, hit.provider_id);
	else
		sqlite3_bind_null(up, 3);
	sqlite3_bind_text(up, 4, ip, -1, SQLITE_STATIC);
	if (port > 0 && port < 65536)
		sqlite3_bind_int(up, 5, (int)port);
	else
		sqlite3_bind_null(up, 5);
	sqlite3_bind_text(up, 6, issue, -1, SQLITE_STATIC);
	sqlite3_bind_text(up, 7, rep->name, -1, SQLITE_STATIC);
	sqlite3_bind_text(up, 8, cves, -1, SQLITE_STATIC);
	sqlite3_bind_text(up, 9, sev, -1, SQLITE_STATIC);
	sqlite3_bind_text(up, 10, seen, -1, SQLITE_STATIC);
	sqlite3_bind_text(up, 11, now, -1, SQLITE_STATIC);
	return sqlite3_step(up) == SQLITE_DONE ? 0 : db_fail(db, e);
}

int vuln_import_shadowserver(sqlite3 *db, const struct actor *a, const char *name,
			     const char *text, size_t len, struct vuln_import_result *r,
			     struct wr_err *e)
{
	memset(r, 0, sizeof *r);
	if (!scope_is_staff(a))
		return wr_err_set(e, WR_EFORBIDDEN, NULL, "only the war room imports scan reports");
	char date[11], sha[SECRET_SHA256_HEX], now[32];
	const struct report *rep = parse_name(name, date, e);
	if (!rep)
		return WR_EINVAL;
	r->errors = json_array();
	secret_sha256_hex(text, len, sha);
	time_format_rfc3339((time_t)time_now(), now, sizeof now);
	int rc = 0;
	FILE *in = fmemopen((void *)text, len ? len : 1, "r");
	struct csv_reader *cr = in ? csv_reader_new(in, 0, 0) : NULL;
	if (!cr) {
		if (in)
			fclose(in);
		return wr_err_set(e, WR_ENOMEM, NULL, "out of memory");
	}
	struct csv_record *h = NULL;
	struct cols c;
	if (!rc && csv_next(cr, &h, e) != 1)
		rc = rc ? rc : wr_err_set(e, WR_EINVAL, "header", "the file is empty");
	if (!rc) {
		c = (struct cols){csv_header_index(h, "timestamp"), csv_header_index(h, "ip"),
				  csv_header_index(h, "port"),	    csv_header_index(h, "hostname"),
				  csv_header_index(h, "asn"),	    csv_header_index(h, "severity"),
				  csv_header_index(h, "cve"),
				  rep->detail ? csv_header_index(h, rep->detail) : -1};
		if (c.ts < 0 || c.ip < 0)
			rc = wr_err_set(e, WR_EINVAL, "header",
					"has no timestamp and ip columns: not a Shadowserver report");
	}
	sqlite3_stmt *st = NULL, *ev = NULL, *find = NULL, *up = NULL;
	struct vroute *rt = NULL;
	int64_t batch = 0;
	if (!rc)
		rc = db_begin(db, e);
	int in_tx = !rc;
	if (!rc) {
		rc = db_prepare(db, "SELECT count(*) FROM vuln_batches WHERE sha256 = ?1", &st, e);
		if (!rc) {
			sqlite3_bind_text(st, 1, sha, -1, SQLITE_STATIC);
			r->already = sqlite3_step(st) == SQLITE_ROW && sqlite3_column_int(st, 0) > 0;
			sqlite3_finalize(st);
		}
	}
	if (!rc && !r->already)
		rc = vroute_build(db, &rt, e);
	if (!rc && !r->already)
		rc = db_prepare(db, "INSERT INTO vuln_batches (sha256, name, report, report_date, rows, routed,"
				    " imported_at) VALUES (?1, ?2, ?3, ?4, 0, 0, ?5)", &st, e);
	if (!rc && !r->already) {
		const char *base = strrchr(name, '/');
		sqlite3_bind_text(st, 1, sha, -1, SQLITE_STATIC);
		sqlite3_bind_text(st, 2, base ? base + 1 : name, -1, SQLITE_STATIC);
		sqlite3_bind_text(st, 3, rep->name, -1, SQLITE_STATIC);
		sqlite3_bind_text(st, 4, date, -1, SQLITE_STATIC);
		sqlite3_bind_text(st, 5, now, -1, SQLITE_STATIC);
		rc = db_step_done(db, st, e);
		batch = sqlite3_last_insert_rowid(db);
	}
	if (!rc && !r->already)
		rc = db_prepare(db, "INSERT INTO vuln_events (batch_id, seen_at, ip, port, hostname, asn, issue,"
				    " cves, severity, org_id, asset_id) VALUES (?1,?2,?3,?4,?5,?6,?7,?8,?9,?10,?11)",
				&ev, e);
	if (!rc && !r->already)
		rc = db_prepare(db, "SELECT status FROM findings WHERE org_id = ?1 AND ip = ?2 AND issue = ?3",
				&find, e);
	if (!rc && !r->already)
		rc = db_prepare(db,
				"INSERT INTO findings (org_id, asset_id, provider_id, ip, port, issue, report, cves,"
				" severity, status, first_seen, last_seen, updated_at) VALUES"
				" (?1,?2,?3,?4,?5,?6,?7,?8,?9,'open',?10,?10,?11)"
				" ON CONFLICT (org_id, ip, issue) DO UPDATE SET last_seen = max(last_seen, ?10),"
				" times_seen = times_seen + 1, reopened = reopened + (status = 'fixed'),"
				" status = CASE WHEN status = 'fixed' THEN 'open' ELSE status END,"
				" severity = ?9, cves = ?8, updated_at = ?11",
				&up, e);
	struct csv_record *rec;
	int n;
	while (!rc && !r->already && (n = csv_next(cr, &rec, e)) != 0) {
		if (n < 0) {
			rc = n;
			break;
		}
		rc = one_row(db, rt, rep, &c, rec, batch, ev, find, up, now, r, e);
	}
	sqlite3_finalize(ev);
	sqlite3_finalize(find);
	sqlite3_finalize(up);
	vroute_free(rt);
	csv_reader_free(cr);
	fclose(in);
	if (!rc && !r->already) {
		rc = db_prepare(db, "UPDATE vuln_batches SET rows = ?2, routed = ?3 WHERE id = ?1", &st, e);
		if (!rc) {
			sqlite3_bind_int64(st, 1, batch);
			sqlite3_bind_int64(st, 2, (sqlite3_int64)r->rows);
			sqlite3_bind_int64(st, 3, (sqlite3_int64)r->routed);
			rc = db_step_done(db, st, e);
		}
		json_t *d = json_pack("{s:s, s:I, s:I, s:I}", "report", rep->name, "rows", (json_int_t)r->rows,
				      "routed", (json_int_t)r->routed, "unrouted", (json_int_t)r->unrouted);
		if (!rc)
			rc = journal_append(db, a->name, "vulns.import", "vuln_batch", batch, d, e);
		json_decref(d);
	}
	if (in_tx) {
		if (!rc)
			rc = db_commit(db, e);
		if (rc)
			db_rollback(db);
	}
	return rc;
}
