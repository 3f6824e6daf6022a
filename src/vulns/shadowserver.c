/* Shadowserver scan reports routed to the towns (vulns/vulns.h): one batch
 * per file (the same file twice changes nothing), one event per row, one
 * finding per (town, address, issue). The per-report table says which
 * columns make the issue and how severe it is (docs/vulns.md). */
#include "vulns/vulns.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/csv.h"
#include "base/secret.h"
#include "base/timeutil.h"
#include "vulns/batch.h"

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

struct cols {
	int ts, ip, port, host, asn, sev, cve, detail;
};

static const char *col(const struct csv_record *rec, int i)
{
	return i >= 0 && (size_t)i < rec->n ? rec->fields[i] : "";
}

/* One row into the batch (vulns/batch.h). */
static int one_row(struct vbatch *b, const struct report *rep, const struct cols *c,
		   const struct csv_record *rec, struct vuln_import_result *r, struct wr_err *e)
{
	char seen[32], issue[300], cves[256];
	if (vscan_time(col(rec, c->ts), seen))
		return json_array_append_new(r->errors, json_pack("{s:i, s:s}", "line", (int)rec->line,
					     "message", "timestamp is not a time (2026-11-27 03:12:45)")),
		       0;
	const char *detail = col(rec, c->detail);
	snprintf(issue, sizeof issue, "%s%s%s", rep->issue, *detail ? ": " : "", detail);
	vcves_of(c->cve >= 0 ? col(rec, c->cve) : detail, cves, sizeof cves);
	const char *sev = col(rec, c->sev);
	if (strcmp(sev, "critical") && strcmp(sev, "high") && strcmp(sev, "medium") && strcmp(sev, "low"))
		sev = rep->severity;
	long port = strtol(col(rec, c->port), NULL, 10);
	struct vrow row = {rec->line, seen, col(rec, c->ip), col(rec, c->host), col(rec, c->asn),
			   issue, cves, sev, port > 0 && port < 65536 ? (int)port : 0};
	return vbatch_row(b, &row, e);
}

static int import_rows(sqlite3 *db, const struct actor *a, const char *name, struct vsource *src,
		       struct vuln_import_result *r, struct wr_err *e)
{
	char date[11];
	const struct report *rep = parse_name(name, date, e);
	if (!rep)
		return WR_EINVAL;
	struct csv_reader *cr = src->cr;
	struct csv_record *h = NULL;
	struct cols c;
	if (csv_next(cr, &h, e) != 1)
		return e->code ? e->code : wr_err_set(e, WR_EINVAL, "header", "the file is empty");
	c = (struct cols){csv_header_index(h, "timestamp"), csv_header_index(h, "ip"),
			  csv_header_index(h, "port"),	    csv_header_index(h, "hostname"),
			  csv_header_index(h, "asn"),	    csv_header_index(h, "severity"),
			  csv_header_index(h, "cve"),
			  rep->detail ? csv_header_index(h, rep->detail) : -1};
	if (c.ts < 0 || c.ip < 0)
		return wr_err_set(e, WR_EINVAL, "header",
				  "has no timestamp and ip columns: not a Shadowserver report");
	struct vbatch *b = NULL;
	int rc = vbatch_open(db, a, src->sha, name, rep->name, date, r, &b, e);
	struct csv_record *rec;
	int n;
	while (!rc && b && (n = csv_next(cr, &rec, e)) != 0)
		rc = n < 0 ? n : one_row(b, rep, &c, rec, r, e);
	return vbatch_close(b, rc, e);
}

int vuln_import_shadowserver(sqlite3 *db, const struct actor *a, const char *name,
			     const char *text, size_t len, struct vuln_import_result *r,
			     struct wr_err *e)
{
	struct vsource src;
	return vimport_run(db, a, name, &src, vsource_memory(&src, text, len, e), import_rows, r, e);
}

int vuln_import_shadowserver_file(sqlite3 *db, const struct actor *a, const char *name, FILE *in,
				  struct vuln_import_result *r, struct wr_err *e)
{
	struct vsource src;
	return vimport_run(db, a, name, &src, vsource_file(&src, in, e), import_rows, r, e);
}
