/* Numbered migrations: src/store/migrations/NNN_name.sql, embedded in the
 * binary, applied in order, each in its own transaction and recorded in
 * schema_migrations. */
#include "base/embedded.h"
#include "base/timeutil.h"
#include "store/db.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char *const migrations[] = {
	"sql/001_platform.sql",
	"sql/002_orgs_name_index.sql",
	"sql/003_comms.sql",
	"sql/006_incidents.sql",
	"sql/005_programme.sql",
	"sql/007_vulns.sql",
	"sql/004_intel.sql",
	"sql/008_comms_attachments.sql",
	"sql/013_programme_mails.sql",
	"sql/009_vuln_feeds.sql",
	"sql/012_comms_escalation.sql",
	"sql/011_incident_tasks.sql",
	"sql/010_vuln_ops.sql",
	"sql/014_incident_reminders.sql",
	"sql/015_incident_consents.sql",
	"sql/017_vuln_events_index.sql",
	"sql/018_finding_acceptance.sql",
};
#define N_MIGRATIONS (int)(sizeof migrations / sizeof migrations[0])

int db_latest_version(void)
{
	return N_MIGRATIONS;
}

int db_schema_version(sqlite3 *db)
{
	int64_t v = 0;
	if (db_query_int(db, "SELECT coalesce(max(version),0) FROM schema_migrations", 0, &v, NULL))
		return 0;
	return (int)v;
}

int db_migrate(sqlite3 *db, int *applied, struct wr_err *e)
{
	int rc = db_exec(db, "CREATE TABLE IF NOT EXISTS schema_migrations ("
			     " version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at TEXT NOT NULL)",
			 e);
	if (rc)
		return rc;
	*applied = 0;
	int current = db_schema_version(db);
	if (current > N_MIGRATIONS)
		return wr_err_set(e, WR_ECONFLICT, "db",
				  "the database has schema version %d, newer than this program (%d)",
				  current, N_MIGRATIONS);
	for (int v = current + 1; v <= N_MIGRATIONS; v++) {
		const struct embedded_file *f = embedded_find(migrations[v - 1]);
		if (!f)
			return wr_err_set(e, WR_EINTERNAL, "db", "migration %s is missing", migrations[v - 1]);
		if ((rc = db_begin(db, e)))
			return rc;
		char now[40];
		time_now_rfc3339(now, sizeof now);
		sqlite3_stmt *st = NULL;
		if ((rc = db_exec(db, (const char *)f->data, e)) ||
		    (rc = db_prepare(db, "INSERT INTO schema_migrations VALUES (?,?,?)", &st, e)))
			goto fail;
		sqlite3_bind_int(st, 1, v);
		sqlite3_bind_text(st, 2, migrations[v - 1] + 4, -1, SQLITE_STATIC);
		sqlite3_bind_text(st, 3, now, -1, SQLITE_TRANSIENT);
		if (sqlite3_step(st) != SQLITE_DONE) {
			rc = db_fail(db, e);
			goto fail;
		}
		sqlite3_finalize(st);
		if ((rc = db_commit(db, e)))
			return rc;
		(*applied)++;
		continue;
fail:
		sqlite3_finalize(st);
		db_rollback(db);
		return rc;
	}
	return 0;
}
