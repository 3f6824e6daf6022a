#include "jobs/jobs.h"
#include "auth/password.h"
#include "base/log.h"
#include "base/timeutil.h"
#include "incidents/incidents.h"
#include "programme/sessions.h"
#include "store/db.h"
#include "vulns/vulns.h"

#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <stdatomic.h>
#include <time.h>

struct job {
	const char *name;
	int every;          /* seconds */
	const char *sql;    /* maintenance statement, or */
	int (*run)(sqlite3 *db, struct wr_err *e); /* work in C */
	time_t next;
};

/* The reminders of the incidents' legal clocks that are due. */
static int clock_reminders(sqlite3 *db, struct wr_err *e)
{
	int n = 0;
	int rc = incident_reminders_due(db, time_now(), &n, e);
	if (!rc && n)
		log_info("jobs: %d clock reminder%s sent", n, n == 1 ? "" : "s");
	return rc;
}

/* Tomorrow's information-session reminders, prepared for approval. */
static int session_reminders(sqlite3 *db, struct wr_err *e)
{
	struct actor sys = {.role = ROLE_SYSTEM};
	snprintf(sys.name, sizeof sys.name, "system");
	int n = 0;
	int rc = session_reminders_due(db, &sys, time_now(), &n, e);
	if (!rc && n)
		log_info("jobs: %d session reminder%s prepared for approval", n, n == 1 ? "" : "s");
	return rc;
}

/* Accepted risks whose last day has passed are open again. */
static int acceptances(sqlite3 *db, struct wr_err *e)
{
	size_t n = 0;
	int rc = db_begin(db, e);
	if (!rc)
		rc = vuln_acceptances_expire(db, time_now(), &n, e);
	rc = rc ? (db_rollback(db), rc) : db_commit(db, e);
	if (!rc && n)
		log_info("jobs: %zu accepted risk%s open again", n, n == 1 ? "" : "s");
	return rc;
}

/* Expired sessions are swept at login too; this keeps an idle server tidy.
 * The checkpoint keeps the WAL file from growing under steady reads. */
static struct job jobs[] = {
	{"sessions.sweep", 600, "DELETE FROM sessions WHERE expires_at < unixepoch()", NULL, 0},
	{"wal.checkpoint", 300, "PRAGMA wal_checkpoint(PASSIVE)", NULL, 0},
	{"programme.reminders", 3600, NULL, session_reminders, 0},
	{"incidents.reminders", 300, NULL, clock_reminders, 0},
	{"vulns.acceptances", 3600, NULL, acceptances, 0},
};
#define N_JOBS (sizeof jobs / sizeof jobs[0])

static pthread_t thread;
static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t wake = PTHREAD_COND_INITIALIZER;
static int stopping;
static int running;
static atomic_uint_fast64_t due;
static sqlite3 *jobs_db;

static void *scheduler(void *arg)
{
	(void)arg;
	/* The dummy hash that a login for an unknown user is checked against
	 * is made now, not during the first such login (whose slower answer
	 * would tell that the user does not exist). */
	password_dummy_hash();
	pthread_mutex_lock(&lock);
	while (!stopping) {
		time_t now = time(NULL), soonest = now + 3600;
		uint64_t n_due = 0;
		for (size_t i = 0; i < N_JOBS; i++)
			if (jobs[i].every && jobs[i].next <= now)
				n_due++;
		atomic_store(&due, n_due);
		for (size_t i = 0; i < N_JOBS && !stopping; i++) {
			if (!jobs[i].every)
				continue; /* switched off */
			if (jobs[i].next <= now) {
				pthread_mutex_unlock(&lock);
				struct wr_err e = {0};
				if (jobs[i].sql ? db_exec(jobs_db, jobs[i].sql, &e) : jobs[i].run(jobs_db, &e))
					log_warn("job %s: %s", jobs[i].name, e.message);
				pthread_mutex_lock(&lock);
				jobs[i].next = now + jobs[i].every;
				atomic_fetch_sub(&due, 1);
			}
			if (jobs[i].next < soonest)
				soonest = jobs[i].next;
		}
		struct timespec until = {soonest, 0};
		if (!stopping)
			pthread_cond_timedwait(&wake, &lock, &until);
	}
	pthread_mutex_unlock(&lock);
	return NULL;
}

int jobs_start(const char *db_path, struct wr_err *e)
{
	/* WARROOM_REMINDER_INTERVAL: seconds between the reminder jobs' runs
	 * (0: not run by the server; tests run them with the CLI). */
	const char *ri = getenv("WARROOM_REMINDER_INTERVAL");
	char *end = NULL;
	long every = ri && *ri ? strtol(ri, &end, 10) : -1;
	if (ri && *ri && (*end || every < 0 || every > 86400))
		return wr_err_set(e, WR_EINVAL, "WARROOM_REMINDER_INTERVAL", "must be 0 to 86400 seconds");
	int rc = db_open(db_path, 0, &jobs_db, e);
	if (rc)
		return rc;
	stopping = 0;
	time_t now = time(NULL);
	for (size_t i = 0; i < N_JOBS; i++) {
		jobs[i].next = now + 5;
		if (jobs[i].run && every >= 0 && strstr(jobs[i].name, ".reminders"))
			jobs[i].every = (int)every;
	}
	if (pthread_create(&thread, NULL, scheduler, NULL)) {
		db_close(jobs_db);
		return wr_err_set(e, WR_EINTERNAL, "", "cannot start the job scheduler");
	}
	running = 1;
	return 0;
}

void jobs_stop(void)
{
	if (!running)
		return;
	pthread_mutex_lock(&lock);
	stopping = 1;
	pthread_cond_signal(&wake);
	pthread_mutex_unlock(&lock);
	pthread_join(thread, NULL);
	db_close(jobs_db);
	jobs_db = NULL;
	running = 0;
}

uint64_t jobs_queue_depth(void)
{
	return atomic_load(&due);
}
