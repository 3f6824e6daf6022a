/* The delivery worker of `warroom serve`: a thread that leases due rows of
 * the outbox, sends them, and records the outcome (docs/comms.md). */
#ifndef WR_COMMS_WORKER_H
#define WR_COMMS_WORKER_H

#include "base/err.h"
#include "comms/mail.h"

struct comms_config {
	struct smtp_config smtp;
	char public_url[256]; /* for the acknowledgement links */
	int retry_base;       /* seconds before the first retry (doubles, with jitter) */
	int rate;             /* messages per second at most */
};

/* Defaults and WARROOM_SMTP_URL, WARROOM_MAIL_FROM, WARROOM_SMTP_USER,
 * WARROOM_SMTP_PASSWORD, WARROOM_SMTP_RETRY_BASE, WARROOM_SMTP_RATE. */
int comms_config_defaults(struct comms_config *c, struct wr_err *e);
/* Starts the worker (nothing when no SMTP URL is set: deliveries wait). */
int comms_worker_start(const char *db_path, const struct comms_config *c, struct wr_err *e);
void comms_worker_stop(void);

#endif
