/* The legal clocks in SQL: wr_incident_overdue() and wr_incident_open()
 * call the same C rules as the clocks an incident shows (clocks.c,
 * states.c), so the list filter and the counts cannot disagree with them
 * (incidents.h). Registered on every connection db_open opens. */
#include "incidents/incidents.h"

#include "base/timeutil.h"
#include "store/db.h"

/* A time argument: unix seconds, or RFC 3339 text as the tables keep it.
 * 1 with *t set; 0 for NULL or what is not a time. */
static int arg_time(sqlite3_value *v, int64_t *t)
{
	switch (sqlite3_value_type(v)) {
	case SQLITE_INTEGER:
		*t = sqlite3_value_int64(v);
		return 1;
	case SQLITE_TEXT: {
		const unsigned char *s = sqlite3_value_text(v); /* NULL when out of memory */
		return s && !time_parse_rfc3339((const char *)s, t);
	}
	default:
		return 0;
	}
}

/* wr_incident_overdue(aware_at, personal_data, early_at, notification_at,
 * final_at, gdpr_at, now): the reports' times in the order of the clocks. */
static void sql_overdue(sqlite3_context *ctx, int argc, sqlite3_value **argv)
{
	(void)argc;
	struct incident_clock_facts f = {.personal_data = sqlite3_value_int(argv[1]) != 0};
	int64_t now = 0;
	arg_time(argv[0], &f.aware); /* 0 when unknown, as the clocks read it */
	for (int k = 0; k < INCIDENT_CLOCKS; k++)
		f.recorded[k] = arg_time(argv[2 + k], &f.submitted[k]);
	arg_time(argv[6], &now);
	sqlite3_result_int(ctx, incident_clocks_overdue(&f, now));
}

/* wr_incident_open(status): 1 unless the status is final. */
static void sql_open(sqlite3_context *ctx, int argc, sqlite3_value **argv)
{
	(void)argc;
	if (sqlite3_value_type(argv[0]) == SQLITE_NULL) {
		sqlite3_result_int(ctx, 0);
		return;
	}
	const unsigned char *status = sqlite3_value_text(argv[0]);
	if (!status)
		sqlite3_result_error_nomem(ctx);
	else
		sqlite3_result_int(ctx, !incident_status_final((const char *)status));
}

int incidents_sql_register(sqlite3 *db)
{
	const int flags = SQLITE_UTF8 | SQLITE_DETERMINISTIC | SQLITE_INNOCUOUS;
	int rc = sqlite3_create_function_v2(db, "wr_incident_overdue", 7, flags, NULL, sql_overdue, NULL,
					    NULL, NULL);
	if (rc == SQLITE_OK)
		rc = sqlite3_create_function_v2(db, "wr_incident_open", 1, flags, NULL, sql_open, NULL, NULL,
						NULL);
	return rc;
}

int incidents_init(void)
{
	return db_add_open_hook(incidents_sql_register);
}
