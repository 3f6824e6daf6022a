/* The generic scan CSV (vulns/vulns.h): findings from any scanner in six
 * columns read by header name; a column warroom does not know refuses the
 * file (a misspelt "hostname" would otherwise route nothing, silently). */
#include "vulns/vulns.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "base/csv.h"
#include "base/secret.h"
#include "base/timeutil.h"
#include "vulns/batch.h"

enum { C_IP, C_HOST, C_PORT, C_ISSUE, C_CVE, C_SEV, C_TS, NCOLS };
static const char *const names[NCOLS] = {"ip", "hostname", "port", "issue", "cve", "severity", "timestamp"};

/* Which column is name k: trimmed, in any case; the first when repeated. */
static int header(const struct csv_record *h, int col[NCOLS], struct wr_err *e)
{
	for (int k = 0; k < NCOLS; k++)
		col[k] = -1;
	for (size_t i = 0; i < h->n; i++) {
		const char *f = h->fields[i];
		size_t n = strlen(f);
		while (*f == ' ' || *f == '\t')
			f++, n--;
		while (n && (f[n - 1] == ' ' || f[n - 1] == '\t'))
			n--;
		int known = 0;
		for (int k = 0; k < NCOLS && !known; k++)
			if (strlen(names[k]) == n && !strncasecmp(f, names[k], n)) {
				known = 1;
				if (col[k] < 0)
					col[k] = (int)i;
			}
		if (!known)
			return wr_err_set(e, WR_EINVAL, "header",
					  "column %zu (%.60s) is not one of ip, hostname, port, issue, cve,"
					  " severity, timestamp", i + 1, h->fields[i]);
	}
	if (col[C_TS] < 0 || col[C_ISSUE] < 0 || (col[C_IP] < 0 && col[C_HOST] < 0))
		return wr_err_set(e, WR_EINVAL, "header", "needs timestamp, issue, and ip or hostname");
	return 0;
}

static const char *col_of(const struct csv_record *rec, int i)
{
	return i >= 0 && (size_t)i < rec->n ? rec->fields[i] : "";
}

static int bad(struct vuln_import_result *r, long line, const char *msg)
{
	json_array_append_new(r->errors, json_pack("{s:i, s:s}", "line", (int)line, "message", msg));
	return 0;
}

static int one_row(struct vbatch *b, const int col[NCOLS], const struct csv_record *rec,
		   struct vuln_import_result *r, struct wr_err *e)
{
	char seen[32], cves[256];
	const char *issue = col_of(rec, col[C_ISSUE]), *sev = col_of(rec, col[C_SEV]);
	const char *port_s = col_of(rec, col[C_PORT]);
	if (vscan_time(col_of(rec, col[C_TS]), seen))
		return bad(r, rec->line, "timestamp is not a time (2026-11-27 03:12:45 or RFC 3339)");
	if (!*issue || strlen(issue) > 200)
		return bad(r, rec->line, "issue is empty or longer than 200 characters");
	if (!*sev)
		sev = "medium";
	else if (strcmp(sev, "critical") && strcmp(sev, "high") && strcmp(sev, "medium") && strcmp(sev, "low"))
		return bad(r, rec->line, "severity is not critical, high, medium or low");
	char *end;
	long port = *port_s ? strtol(port_s, &end, 10) : 0;
	if (*port_s && (*end || port < 1 || port > 65535))
		return bad(r, rec->line, "port is not a port number (1-65535)");
	vcves_of(col_of(rec, col[C_CVE]), cves, sizeof cves);
	struct vrow row = {rec->line, seen, col_of(rec, col[C_IP]), col_of(rec, col[C_HOST]), "",
			   issue, cves, sev, (int)port};
	return vbatch_row(b, &row, e);
}

static int import_rows(sqlite3 *db, const struct actor *a, const char *name, struct vsource *src,
		       struct vuln_import_result *r, struct wr_err *e)
{
	char date[32];
	time_format_rfc3339((time_t)time_now(), date, sizeof date);
	date[10] = '\0';
	struct csv_reader *cr = src->cr;
	struct csv_record *rec;
	int col[NCOLS], n, rc;
	if ((n = csv_next(cr, &rec, e)) == 0)
		rc = wr_err_set(e, WR_EINVAL, "header", "the file is empty");
	else if (n < 0)
		rc = n;
	else
		rc = header(rec, col, e);
	struct vbatch *b = NULL;
	if (!rc)
		rc = vbatch_open(db, a, src->sha, name, "csv", date, r, &b, e);
	while (!rc && b && (n = csv_next(cr, &rec, e)) != 0)
		rc = n < 0 ? n : one_row(b, col, rec, r, e);
	return vbatch_close(b, rc, e);
}

int vuln_import_csv(sqlite3 *db, const struct actor *a, const char *name, const char *text,
		    size_t len, struct vuln_import_result *r, struct wr_err *e)
{
	struct vsource src;
	return vimport_run(db, a, name, &src, vsource_memory(&src, text, len, e), import_rows, r, e);
}

int vuln_import_csv_file(sqlite3 *db, const struct actor *a, const char *name, FILE *in,
			 struct vuln_import_result *r, struct wr_err *e)
{
	struct vsource src;
	return vimport_run(db, a, name, &src, vsource_file(&src, in, e), import_rows, r, e);
}
