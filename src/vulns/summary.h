/* The region's open findings by age and severity (docs/vulns.md, "The
 * web page"): what the analyst reads before the list. */
#ifndef WR_VULNS_SUMMARY_H
#define WR_VULNS_SUMMARY_H

#include <jansson.h>
#include <sqlite3.h>

#include "base/err.h"
#include "store/scope.h"

/* The findings still to be dealt with (open or acknowledged), of one town
 * (org > 0) or all, counted per age since first seen (< 7 days, 7-30,
 * 30-90, > 90) and severity, with the totals and how many towns have one.
 * Staff only (WR_EFORBIDDEN otherwise). */
int vuln_findings_summary(sqlite3 *db, const struct actor *a, int64_t org, json_t **out,
			  struct wr_err *e);

#endif
