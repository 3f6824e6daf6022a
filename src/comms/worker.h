/* The delivery worker of `warroom serve`: a thread that leases due rows of
 * the outbox, sends them, and records the outcome (docs/comms.md). */
#ifndef WR_COMMS_WORKER_H
#define WR_COMMS_WORKER_H

#include "base/err.h"
#include "comms/mail.h"
#include "comms/sms.h"

struct comms_config {
	struct smtp_config smtp;
	struct sms_config sms;
	char public_url[256]; /* for the acknowledgement links */
	int retry_base;       /* seconds before the first retry (doubles, with jitter) */
	int rate;             /* e-mails per second at most */
	int sms_rate;         /* text messages per second at most */
	int webhook_rate;     /* webhook POSTs per second at most */
	int lease;            /* seconds a worker holds a row before another may take it */
	int escalation_every; /* seconds between escalation passes */
};

/* Defaults and WARROOM_SMTP_URL, WARROOM_MAIL_FROM, WARROOM_SMTP_USER,
 * WARROOM_SMTP_PASSWORD, WARROOM_SMTP_RETRY_BASE, WARROOM_SMTP_RATE,
 * WARROOM_SMS_RATE, WARROOM_WEBHOOK_RATE,
 * WARROOM_SMS_URL, WARROOM_SMS_TOKEN, WARROOM_DELIVERY_LEASE,
 * WARROOM_ESCALATION_INTERVAL. */
int comms_config_defaults(struct comms_config *c, struct wr_err *e);
/* Starts the worker: it sends the channels configured (e-mail with an
 * SMTP URL, SMS with a gateway URL, webhooks always; the others wait in the
 * outbox) and runs the escalation passes. */
int comms_worker_start(const char *db_path, const struct comms_config *c, struct wr_err *e);
void comms_worker_stop(void);

#endif
