/* The bundled notice of an import batch to each town (vulns/batch.h): one
 * system advisory per (batch, town) with ticket WR-VULN-<batch>-<org>, its
 * Markdown body listing the town's findings seen in the batch (what, where,
 * why it matters, what to do, by when), delivered by the communications
 * worker (docs/comms.md) to the town's SPOC and deputy and, in copy, to the
 * provider that manages an asset concerned. */
#include "vulns/batch.h"

#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/buf.h"
#include "base/timeutil.h"
#include "comms/comms.h"
#include "store/db.h"

#define MAX_LISTED 200 /* a longer list points to the portal */

static const struct advice {
	const char *issue, *why, *what;
} advice[] = {
	{"exposed RDP",
	 "Remote Desktop reachable from the internet is a usual way in for ransomware crews: passwords"
	 " are guessed and unpatched servers taken over.",
	 "Close TCP 3389 to the internet; reach Remote Desktop over the VPN with multi-factor"
	 " authentication only, and check the logs for logins you do not recognise."},
	{"open SMB",
	 "File sharing (SMB) open to the internet exposes files and passwords and has carried worms"
	 " such as WannaCry.",
	 "Block TCP 445 and 139 at the firewall: SMB belongs on the internal network only."},
	{"vulnerable HTTP device",
	 "A web interface with a known vulnerability can be taken over from anywhere on the internet.",
	 "Install the vendor's fixed firmware, or take the device's management interface off the"
	 " internet."},
	{"vulnerable Exchange server",
	 "These Exchange vulnerabilities are exploited at scale to read mail and plant web shells.",
	 "Install the latest Exchange security update today and check the server for web shells and"
	 " unknown accounts (the vendor's scripts)."},
	{"exposed device",
	 "The device's management interface is visible to everyone, who can try its passwords and"
	 " known flaws.",
	 "If it need not be reachable, put it behind the firewall or the VPN; keep its firmware"
	 " current and its default passwords changed."},
	{"sinkholed infection",
	 "A device on this address contacted a botnet's command server: it is very probably infected.",
	 "Find the device behind the address at the time given, isolate it, clean or reinstall it and"
	 " change the passwords used on it."},
};

static const struct advice fallback = {
	NULL, "An internet scan saw this weakness on a system of yours.",
	"Check the system and fix or shut off what was seen; tell the war room if it is not yours."};

static const struct advice *advice_for(const char *issue)
{
	for (size_t i = 0; i < sizeof advice / sizeof *advice; i++)
		if (!strncmp(issue, advice[i].issue, strlen(advice[i].issue)))
			return &advice[i];
	return &fallback;
}

/* Days to fix by severity (docs/vulns.md). */
static int days_for(const char *severity)
{
	return !strcmp(severity, "critical") ? 2 : !strcmp(severity, "high") ? 7
		: !strcmp(severity, "medium")  ? 30 : 90;
}

static int rank(const char *severity)
{
	return !strcmp(severity, "critical") ? 4 : !strcmp(severity, "high") ? 3
		: !strcmp(severity, "medium")  ? 2 : 1;
}

/* Scan data is hostile: its text goes into the Markdown with the characters
 * that would make links, HTML or emphasis escaped, and line breaks flattened. */
static int md(struct buf *b, const char *s)
{
	int rc = 0;
	while (!rc && s && *s) {
		size_t plain = strcspn(s, "\\`*_[]<>!|~&#{}()\x01\x02\x03\x04\x05\x06\x07\x08\t\n\x0b"
					  "\x0c\r\x0e\x0f\x10\x11\x12\x13\x14\x15\x16\x17\x18\x19\x1a"
					  "\x1b\x1c\x1d\x1e\x1f\x7f");
		rc = buf_add(b, s, plain);
		s += plain;
		if (rc || !*s)
			break;
		unsigned char c = (unsigned char)*s++;
		char esc[2] = {'\\', (char)c};
		rc = c < 0x20 || c == 0x7f ? buf_addc(b, ' ') : buf_add(b, esc, 2);
	}
	return rc;
}

/* The body's findings of town org in batch; *n listed, *severity the worst,
 * *due the earliest deadline, providers the managing providers (JSON). */
static int list_findings(sqlite3 *db, int64_t batch, int64_t org, int fresh, int64_t now,
			 struct buf *b, int *n, const char **severity, int64_t *due, json_t *providers,
			 struct wr_err *e)
{
	/* The findings the batch saw: while it is imported, those it was the
	 * last to see (no join over its events, no duplicates to remove); for a
	 * past batch (a claim routed its events later), through its events. */
#define COLS                                                                                 \
	"f.ip, f.hostname, f.port, f.issue, f.cves, f.severity, f.first_seen, f.last_seen,"  \
	" f.times_seen, f.reopened, f.provider_id, a.value, p.name, CASE f.severity WHEN"    \
	" 'critical' THEN 0 WHEN 'high' THEN 1 WHEN 'medium' THEN 2 ELSE 3 END AS rank"
#define JOINS " LEFT JOIN assets a ON a.id = f.asset_id LEFT JOIN orgs p ON p.id = f.provider_id"
#define OPEN_WORST_FIRST " AND f.status IN ('open','acknowledged') ORDER BY rank, f.ip, f.issue"
	static const char *const sql[2] = {
		"SELECT DISTINCT " COLS " FROM vuln_events e JOIN findings f ON f.org_id = e.org_id"
		" AND f.issue = e.issue AND f.ip = (CASE WHEN e.ip = '' THEN e.hostname ELSE e.ip END)"
		JOINS " WHERE e.batch_id = ?1 AND e.org_id = ?2" OPEN_WORST_FIRST,
		"SELECT " COLS " FROM findings f" JOINS " WHERE f.last_batch = ?1 AND f.org_id = ?2"
		OPEN_WORST_FIRST};
	sqlite3_stmt *st;
	int rc = db_prepare(db, sql[fresh != 0], &st, e);
	if (rc)
		return rc;
	sqlite3_bind_int64(st, 1, batch);
	sqlite3_bind_int64(st, 2, org);
	static const char *const sevs[] = {"low", "low", "medium", "high", "critical"};
	int worst = 1, s;
	*n = 0;
	while (!rc && (s = sqlite3_step(st)) == SQLITE_ROW) {
		const char *ip = (const char *)sqlite3_column_text(st, 0);
		const char *host = (const char *)sqlite3_column_text(st, 1);
		const char *issue = (const char *)sqlite3_column_text(st, 3);
		const char *cves = (const char *)sqlite3_column_text(st, 4);
		const char *sev = (const char *)sqlite3_column_text(st, 5);
		const char *asset = (const char *)sqlite3_column_text(st, 11);
		const char *provider = (const char *)sqlite3_column_text(st, 12);
		int64_t by = now + (int64_t)days_for(sev) * 86400;
		if (rank(sev) > worst)
			worst = rank(sev);
		if (!*due || by < *due)
			*due = by;
		if (sqlite3_column_int64(st, 10) &&
		    json_array_append_new(providers, json_integer(sqlite3_column_int64(st, 10))))
			rc = wr_err_set(e, WR_ENOMEM, NULL, "out of memory");
		if (++*n > MAX_LISTED)
			continue;
		const struct advice *ad = advice_for(issue);
		char when[32];
		time_format_rfc3339((time_t)by, when, sizeof when);
		when[10] = '\0';
		rc = rc ? rc : buf_printf(b, "\n## %d. ", *n);
		rc = rc ? rc : md(b, issue);
		rc = rc ? rc : buf_printf(b, " (%s)\n\n- **Where:** ", sev);
		rc = rc ? rc : md(b, ip);
		if (!rc && sqlite3_column_int(st, 2))
			rc = buf_printf(b, " port %d", sqlite3_column_int(st, 2));
		if (!rc && host && strcmp(host, ip)) {
			rc = buf_printf(b, " (");
			rc = rc ? rc : md(b, host);
			rc = rc ? rc : buf_printf(b, ")");
		}
		if (!rc && asset) {
			rc = buf_printf(b, ", in your registered ");
			rc = rc ? rc : md(b, asset);
		}
		if (!rc && provider) {
			rc = buf_printf(b, ", managed by ");
			rc = rc ? rc : md(b, provider);
		}
		rc = rc ? rc : buf_printf(b, "\n- **Seen:** %s (first %s, seen %d time%s%s)\n",
					  (const char *)sqlite3_column_text(st, 7),
					  (const char *)sqlite3_column_text(st, 6), sqlite3_column_int(st, 8),
					  sqlite3_column_int(st, 8) == 1 ? "" : "s",
					  sqlite3_column_int(st, 9) ? ", back after it was fixed" : "");
		if (!rc && *cves) {
			rc = buf_printf(b, "- **CVE:** ");
			rc = rc ? rc : md(b, cves);
			rc = rc ? rc : buf_printf(b, "\n");
		}
		rc = rc ? rc : buf_printf(b, "- **Why it matters:** %s\n- **What to do:** %s\n"
					     "- **By when:** %s\n", ad->why, ad->what, when);
	}
	if (!rc && s != SQLITE_DONE)
		rc = db_fail(db, e);
	sqlite3_finalize(st);
	if (!rc && *n > MAX_LISTED)
		rc = buf_printf(b, "\nAnd %d more: the portal lists them all.\n", *n - MAX_LISTED);
	*severity = sevs[worst];
	return rc;
}

/* One notice: the advisory, its deliveries, the ticket. */
static int notice(sqlite3 *db, int64_t batch, int64_t org, int fresh, const char *report,
		  const char *date, const char *town, int64_t now, size_t *notices, struct wr_err *e)
{
	char ticket[64], title[200], nows[32], due_s[32];
	snprintf(ticket, sizeof ticket, "WR-VULN-%lld-%lld", (long long)batch, (long long)org);
	struct buf body, list;
	buf_init(&body, 8u << 20);
	buf_init(&list, 8u << 20);
	json_t *providers = json_array();
	int n = 0, rc = providers ? 0 : wr_err_set(e, WR_ENOMEM, NULL, "out of memory");
	const char *severity = "low";
	int64_t due = 0;
	if (!rc)
		rc = list_findings(db, batch, org, fresh, now, &list, &n, &severity, &due, providers, e);
	if (!rc && n == 0)
		goto out; /* every finding accepted or called a false positive: no message */
	if (!rc) {
		rc = buf_printf(&body, "**Ticket %s** - TLP:AMBER - scan report %s of %s\n\n"
				       "An internet scan saw %d problem%s on systems of **",
				ticket, report, date, n, n == 1 ? "" : "s");
		rc = rc ? rc : md(&body, town);
		rc = rc ? rc : buf_printf(&body,
					  "**. For each: what was seen, where, why it matters, what to do and"
					  " by when. Please acknowledge this message with the link below, and"
					  " mark each finding fixed, accepted or false positive in the portal;"
					  " the next scan confirms it.\n");
		rc = rc ? rc : buf_add(&body, list.ptr, list.len);
	}
	if (!rc && !body.ptr)
		rc = WR_ENOMEM;
	if (rc && !e->code) /* from the buffer, which fills no message */
		rc = wr_err_set(e, rc, NULL, "the notice of %s does not fit in memory", ticket);
	sqlite3_stmt *st;
	time_format_rfc3339((time_t)now, nows, sizeof nows);
	time_format_rfc3339((time_t)due, due_s, sizeof due_s);
	snprintf(title, sizeof title, "%s: %d vulnerabilit%s on your systems (%s)", ticket, n,
		 n == 1 ? "y" : "ies", report);
	char *prov = rc ? NULL : json_dumps(providers, JSON_COMPACT);
	if (!rc && !prov)
		rc = wr_err_set(e, WR_ENOMEM, NULL, "out of memory");
	/* The town's SPOC and deputy; in copy the providers that manage a
	 * concerned asset. */
	int64_t adv = 0;
	struct comms_system_msg m = {.title = title, .body = body.ptr, .tlp = "AMBER", .severity = severity,
				     .kind = "advisory", .org_id = org, .roles = "spoc,deputy",
				     .copy_orgs_json = prov, .ack_deadline = due_s};
	if (!rc)
		rc = comms_system_message(db, &m, &adv, e);
	free(prov);
	if (!rc)
		rc = db_prepare(db,
				"INSERT INTO vuln_notices (batch_id, org_id, advisory_id, ticket, findings,"
				" created_at) VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
				&st, e);
	if (!rc) {
		sqlite3_bind_int64(st, 1, batch);
		sqlite3_bind_int64(st, 2, org);
		sqlite3_bind_int64(st, 3, adv);
		sqlite3_bind_text(st, 4, ticket, -1, SQLITE_STATIC);
		sqlite3_bind_int(st, 5, n);
		sqlite3_bind_text(st, 6, nows, -1, SQLITE_STATIC);
		rc = db_step_done(db, st, e);
	}
	if (!rc)
		(*notices)++;
out:
	json_decref(providers);
	buf_release(&body);
	buf_release(&list);
	return rc;
}

int vuln_notify(sqlite3 *db, int64_t batch, int64_t org, int fresh, size_t *notices,
		struct wr_err *e)
{
	sqlite3_stmt *st;
	int rc = db_prepare(db,
			    "SELECT DISTINCT e.org_id, o.name, b.report, b.report_date FROM vuln_events e"
			    " JOIN orgs o ON o.id = e.org_id JOIN vuln_batches b ON b.id = e.batch_id"
			    " WHERE e.batch_id = ?1 AND e.org_id IS NOT NULL AND (?2 = 0 OR e.org_id = ?2)"
			    " AND NOT EXISTS (SELECT 1 FROM vuln_notices n WHERE n.batch_id = ?1"
			    " AND n.org_id = e.org_id) ORDER BY e.org_id",
			    &st, e);
	if (rc)
		return rc;
	sqlite3_bind_int64(st, 1, batch);
	sqlite3_bind_int64(st, 2, org);
	int64_t now = time_now();
	int s;
	/* The notices are written while the query runs: they are for towns it
	 * has returned already (ordered by org), so it does not see them. */
	while (!rc && (s = sqlite3_step(st)) == SQLITE_ROW)
		rc = notice(db, batch, sqlite3_column_int64(st, 0), fresh, (const char *)sqlite3_column_text(st, 2),
			    (const char *)sqlite3_column_text(st, 3), (const char *)sqlite3_column_text(st, 1),
			    now, notices, e);
	if (!rc && s != SQLITE_DONE)
		rc = db_fail(db, e);
	sqlite3_finalize(st);
	return rc;
}
