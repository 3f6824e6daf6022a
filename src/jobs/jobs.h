/* Background jobs of `warroom serve`: one scheduler thread that runs
 * periodic work with its own database connection. Later issues add the
 * delivery, escalation, clock and feed jobs here. */
#ifndef WR_JOBS_JOBS_H
#define WR_JOBS_JOBS_H

#include <stdint.h>

#include "base/err.h"

int jobs_start(const char *db_path, struct wr_err *e);
/* Asks the scheduler to stop and waits for the job in flight. */
void jobs_stop(void);
/* Runs job name at the scheduler's next turn (now, unless a job is in
 * flight). -1 when there is no such job, it is switched off, or the
 * scheduler is not running. */
int jobs_run_soon(const char *name);
/* Jobs that are due and not yet run. */
uint64_t jobs_queue_depth(void);

#endif
