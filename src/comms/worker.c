/* The delivery worker (comms/worker.h). Rows are leased for a minute: a
 * worker that dies leaves them to be taken again; a message sent twice
 * keeps its Message-ID, so the copy is recognisable. */
#include "comms/worker.h"

#include <pthread.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "base/buf.h"
#include "base/log.h"
#include "base/timeutil.h"
#include "comms/comms.h"
#include "comms/escalation.h"
#include "comms/webhook.h"
#include "store/db.h"

#define BATCH 20
#define MAX_ATTEMPTS 10

static pthread_t thread;
static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t wake = PTHREAD_COND_INITIALIZER;
static int stopping, running;
static struct comms_config cfg;
static char db_path[4096];

static int env_into(const char *name, char *out, size_t n, struct wr_err *e)
{
	const char *v = getenv(name);
	if (v && snprintf(out, n, "%s", v) >= (int)n)
		return wr_err_set(e, WR_EINVAL, name, "is too long");
	return 0;
}

static int env_number(const char *name, long lo, long hi, int *out, struct wr_err *e)
{
	const char *v = getenv(name);
	if (!v)
		return 0;
	char *end;
	long n = strtol(v, &end, 10);
	if (end == v || *end || n < lo || n > hi)
		return wr_err_set(e, WR_EINVAL, name, "must be a whole number from %ld to %ld", lo, hi);
	*out = (int)n;
	return 0;
}

int comms_config_defaults(struct comms_config *c, struct wr_err *e)
{
	memset(c, 0, sizeof *c);
	snprintf(c->smtp.from, sizeof c->smtp.from, "warroom@localhost");
	c->retry_base = 30;
	c->rate = 100;
	c->sms_rate = 10;
	c->webhook_rate = 50;
	c->lease = 60;
	c->escalation_every = 60;
	int rc = env_into("WARROOM_SMTP_URL", c->smtp.url, sizeof c->smtp.url, e);
	if (!rc)
		rc = env_into("WARROOM_MAIL_FROM", c->smtp.from, sizeof c->smtp.from, e);
	if (!rc)
		rc = env_into("WARROOM_SMTP_USER", c->smtp.user, sizeof c->smtp.user, e);
	if (!rc)
		rc = env_into("WARROOM_SMTP_PASSWORD", c->smtp.password, sizeof c->smtp.password, e);
	if (!rc)
		rc = env_number("WARROOM_SMTP_RETRY_BASE", 1, 86400, &c->retry_base, e);
	if (!rc)
		rc = env_number("WARROOM_SMTP_RATE", 1, 100000, &c->rate, e);
	if (!rc)
		rc = env_number("WARROOM_SMS_RATE", 1, 100000, &c->sms_rate, e);
	if (!rc)
		rc = env_number("WARROOM_WEBHOOK_RATE", 1, 100000, &c->webhook_rate, e);
	if (!rc)
		rc = env_into("WARROOM_SMS_URL", c->sms.url, sizeof c->sms.url, e);
	if (!rc)
		rc = env_into("WARROOM_SMS_TOKEN", c->sms.token, sizeof c->sms.token, e);
	if (!rc)
		rc = env_into("WARROOM_SMS_TEMPLATE", c->sms.body_template, sizeof c->sms.body_template, e);
	if (!rc && c->sms.body_template[0]) { /* refused at start, not at the first text */
		char *probe = sms_body(c->sms.body_template, "+32000000000", "probe", e);
		rc = probe ? 0 : WR_EINVAL;
		free(probe);
	}
	if (!rc)
		rc = env_number("WARROOM_DELIVERY_LEASE", 1, 3600, &c->lease, e);
	if (!rc)
		rc = env_number("WARROOM_ESCALATION_INTERVAL", 1, 3600, &c->escalation_every, e);
	return rc;
}

static void stamp(int64_t t, char out[32])
{
	time_format_rfc3339((time_t)t, out, 32);
}

enum { CH_EMAIL, CH_SMS, CH_WEBHOOK, N_CHANNELS };

/* Leases up to BATCH due rows of the channels configured; their ids into
 * ids, their channels into chans. */
static int lease(sqlite3 *db, int64_t now, int64_t *ids, int *chans, int *n, struct wr_err *e)
{
	char nows[32], until[32];
	stamp(now, nows);
	stamp(now + cfg.lease, until);
	sqlite3_stmt *st;
	*n = 0;
	int rc = db_begin(db, e);
	if (rc)
		return rc;
	rc = db_prepare(db,
			"UPDATE deliveries SET lease_until = ?2 WHERE id IN (SELECT id FROM deliveries"
			" WHERE status = 'queued' AND next_attempt_at <= ?1"
			" AND (lease_until IS NULL OR lease_until < ?1) AND (channel = 'webhook'"
			" OR (channel = 'email' AND ?4) OR (channel = 'sms' AND ?5)) ORDER BY id LIMIT ?3)"
			" RETURNING id, channel",
			&st, e);
	if (!rc) {
		sqlite3_bind_text(st, 1, nows, -1, SQLITE_STATIC);
		sqlite3_bind_text(st, 2, until, -1, SQLITE_STATIC);
		sqlite3_bind_int(st, 3, BATCH);
		sqlite3_bind_int(st, 4, cfg.smtp.url[0] != 0);
		sqlite3_bind_int(st, 5, cfg.sms.url[0] != 0);
		int s;
		while ((s = sqlite3_step(st)) == SQLITE_ROW && *n < BATCH) {
			const char *ch = (const char *)sqlite3_column_text(st, 1);
			chans[*n] = !strcmp(ch, "sms") ? CH_SMS : !strcmp(ch, "webhook") ? CH_WEBHOOK : CH_EMAIL;
			ids[(*n)++] = sqlite3_column_int64(st, 0);
		}
		sqlite3_finalize(st);
		if (s != SQLITE_DONE && s != SQLITE_ROW)
			rc = db_fail(db, e);
	}
	if (!rc)
		rc = db_commit(db, e);
	if (rc)
		db_rollback(db);
	return rc;
}

/* Records the outcome of delivery id: rc 0 sent, WR_EIO retry, else failed. */
static void record(sqlite3 *db, int64_t id, int attempts, int rc, const char *why, int64_t now)
{
	char nows[32], next[32];
	stamp(now, nows);
	int failed = rc && (rc != WR_EIO || attempts + 1 >= MAX_ATTEMPTS);
	/* Exponential backoff with +-20 % jitter, at most an hour. */
	int64_t wait = (int64_t)cfg.retry_base << (attempts < 7 ? attempts : 7);
	if (wait > 3600)
		wait = 3600;
	wait += (int64_t)((double)wait * ((double)randombytes_uniform(41) - 20.0) / 100.0);
	stamp(now + (wait > 0 ? wait : 1), next);
	sqlite3_stmt *st;
	struct wr_err e = {0};
	if (db_prepare(db,
		       "UPDATE deliveries SET status = ?2, attempts = attempts + 1, lease_until = NULL,"
		       " sent_at = CASE WHEN ?2 = 'sent' THEN ?3 END, next_attempt_at = ?4,"
		       " last_error = ?5 WHERE id = ?1",
		       &st, &e))
		return;
	sqlite3_bind_int64(st, 1, id);
	sqlite3_bind_text(st, 2, rc == 0 ? "sent" : failed ? "failed" : "queued", -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 3, nows, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 4, next, -1, SQLITE_STATIC);
	db_bind_text_or_null(st, 5, rc ? why : NULL);
	if (db_step_done(db, st, &e))
		log_warn("delivery %lld: cannot record the outcome: %s", (long long)id, e.message);
}

/* The columns of a delivery that sending it needs (deliver()). */
enum {
	C_ADDRESS, C_MESSAGE_ID, C_ATTEMPTS, C_TITLE, C_BODY, C_TLP, C_SEVERITY, C_KIND,
	C_ACK_REQUIRED, C_ACK_DEADLINE, C_LINK_UNTIL, C_CHANNEL, C_STEP, C_ADVISORY, C_ORG,
	C_ORG_NAME, C_HOOK_URL, C_HOOK_SECRET, C_ACKED
};

static const char *col(sqlite3_stmt *st, int i)
{
	const char *s = (const char *)sqlite3_column_text(st, i);
	return s ? s : "";
}

/* An e-mail; a reminder (step > 0) says so above the advisory. */
static int send_email(sqlite3 *db, sqlite3_stmt *st, const char *url, int64_t now,
		      struct wr_err *e)
{
	int step = sqlite3_column_int(st, C_STEP);
	char subj[320];
	snprintf(subj, sizeof subj, "[TLP:%s] %s%s", col(st, C_TLP), step ? "Reminder: " : "",
		 col(st, C_TITLE));
	struct buf md, msg;
	buf_init(&md, 1u << 20);
	buf_init(&msg, 16u << 20);
	int rc = step ? buf_printf(&md,
				   "**Reminder:** your organisation has not acknowledged this advisory"
				   " yet (deadline %s). Please read it and acknowledge it with the"
				   " link below.\n\n---\n\n",
				   col(st, C_ACK_DEADLINE))
		      : 0;
	if (!rc)
		rc = buf_adds(&md, col(st, C_BODY));
	if (rc) {
		buf_release(&md);
		buf_release(&msg);
		return wr_err_set(e, WR_EINVAL, NULL, "the message is too big");
	}
	struct mail_msg m = {.from = cfg.smtp.from,
			     .to = col(st, C_ADDRESS),
			     .subject = subj,
			     .message_id = col(st, C_MESSAGE_ID),
			     .markdown = md.ptr,
			     .ack_url = url,
			     .date = now};
	long code = 0;
	struct mail_attachment *files = NULL;
	rc = comms_attachments_load(db, sqlite3_column_int64(st, C_ADVISORY), &files,
				    &m.n_attachments, e);
	m.attachments = files;
	if (!rc)
		rc = mail_build(&m, &msg, e);
	if (!rc)
		rc = smtp_send(&cfg.smtp, m.to, msg.ptr, msg.len, &code, e);
	comms_attachments_free(files, m.n_attachments);
	buf_release(&md);
	buf_release(&msg);
	return rc;
}

static int send_sms(sqlite3_stmt *st, const char *url, struct wr_err *e)
{
	char text[SMS_MAX_CHARS * 4 + 1];
	sms_text(col(st, C_TLP), col(st, C_SEVERITY), col(st, C_TITLE), sqlite3_column_int(st, C_STEP) > 0,
		 url, text, sizeof text);
	return sms_send(&cfg.sms, col(st, C_ADDRESS), text, col(st, C_MESSAGE_ID), e);
}

/* The advisory as JSON to the town's own system (it was addressed to the
 * town, so the whole advisory goes). */
static int send_webhook(sqlite3_stmt *st, const char *url, int64_t now, struct wr_err *e)
{
	if (sqlite3_column_type(st, C_HOOK_URL) == SQLITE_NULL)
		return wr_err_set(e, WR_EINVAL, NULL, "the organisation removed its webhook");
	json_t *o = json_pack(
		"{s:s, s:s, s:{s:I, s:s, s:s, s:s, s:s, s:s, s:b, s:o}, s:{s:I, s:s}, s:s, s:s}", "event",
		"advisory", "delivery", col(st, C_MESSAGE_ID), "advisory", "id",
		(json_int_t)sqlite3_column_int64(st, C_ADVISORY), "title", col(st, C_TITLE), "body",
		col(st, C_BODY), "tlp", col(st, C_TLP), "severity", col(st, C_SEVERITY), "kind",
		col(st, C_KIND), "ack_required", sqlite3_column_int(st, C_ACK_REQUIRED), "ack_deadline",
		sqlite3_column_type(st, C_ACK_DEADLINE) == SQLITE_NULL ? json_null()
								       : json_string(col(st, C_ACK_DEADLINE)),
		"org", "id", (json_int_t)sqlite3_column_int64(st, C_ORG), "name", col(st, C_ORG_NAME),
		"ack_url", url, "sent_at", "");
	char sent[32];
	stamp(now, sent);
	if (o)
		json_object_set_new(o, "sent_at", json_string(sent));
	char *body = o ? json_dumps(o, JSON_COMPACT) : NULL;
	json_decref(o);
	if (!body)
		return wr_err_set(e, WR_EIO, NULL, "out of memory for the webhook");
	int rc = webhook_send(col(st, C_HOOK_URL), col(st, C_HOOK_SECRET), body, col(st, C_MESSAGE_ID),
			      now, e);
	free(body);
	return rc;
}

/* Builds and sends delivery id on its channel. */
static void deliver(sqlite3 *db, const unsigned char key[32], int64_t id)
{
	sqlite3_stmt *st;
	struct wr_err e = {0};
	if (db_prepare(db,
		       "SELECT d.address, d.message_id, d.attempts, a.title, a.body, a.tlp, a.severity,"
		       " a.kind, a.ack_required, a.ack_deadline, coalesce(a.ack_deadline, a.approved_at),"
		       " d.channel, d.step, a.id, d.org_id, o.name, w.url, w.secret,"
		       " EXISTS (SELECT 1 FROM acks k WHERE k.advisory_id = a.id AND k.org_id = d.org_id)"
		       " FROM deliveries d JOIN advisories a ON a.id = d.advisory_id"
		       " JOIN orgs o ON o.id = d.org_id LEFT JOIN webhooks w ON w.org_id = d.org_id"
		       " WHERE d.id = ?1 AND d.status = 'queued'",
		       &st, &e))
		return;
	sqlite3_bind_int64(st, 1, id);
	if (sqlite3_step(st) != SQLITE_ROW) {
		sqlite3_finalize(st);
		return;
	}
	int64_t now = time_now();
	char url[512], token[64];
	int64_t until = 0;
	time_parse_rfc3339(col(st, C_LINK_UNTIL), &until);
	/* A link lives 30 days past the deadline (or the approval). */
	ack_token_make(key, id, (until ? until : now) + 30 * 86400, token);
	const char *channel = col(st, C_CHANNEL);
	/* A text message gets the short form of the same link. */
	snprintf(url, sizeof url, "%s%s%s", cfg.public_url,
		 !strcmp(channel, "sms") ? "/a/" : "/api/v1/ack/", token);
	int attempts = sqlite3_column_int(st, C_ATTEMPTS);
	/* A reminder waiting for a channel that was down must not reach a town
	 * that has acknowledged since. */
	int rc = sqlite3_column_int(st, C_STEP) > 0 && sqlite3_column_int(st, C_ACKED)
			 ? wr_err_set(&e, WR_EINVAL, NULL,
				      "not sent: the town acknowledged before this reminder went out")
		 : !strcmp(channel, "sms")     ? send_sms(st, url, &e)
		 : !strcmp(channel, "webhook") ? send_webhook(st, url, now, &e)
					       : send_email(db, st, url, now, &e);
	if (rc && rc != WR_EIO)
		log_warn("delivery %lld (%s): %s", (long long)id, channel, e.message);
	sqlite3_finalize(st);
	record(db, id, attempts, rc, rc ? e.message : NULL, time_now());
}

static void finish_advisories(sqlite3 *db)
{
	struct wr_err e = {0};
	db_exec(db,
		"UPDATE advisories SET status = 'sent' WHERE status = 'sending' AND NOT EXISTS"
		" (SELECT 1 FROM deliveries d WHERE d.advisory_id = advisories.id AND d.status = 'queued')",
		&e);
}

static void *work(void *arg)
{
	sqlite3 *db = arg;
	unsigned char key[32];
	struct wr_err e = {0};
	if (comms_key_load(db_path, key, &e)) {
		log_warn("delivery worker: %s", e.message);
		return NULL;
	}
	double next_escalation = 0, next_slot[N_CHANNELS] = {0, 0, 0};
	const double rates[N_CHANNELS] = {cfg.rate, cfg.sms_rate, cfg.webhook_rate};
	pthread_mutex_lock(&lock);
	while (!stopping) {
		pthread_mutex_unlock(&lock);
		if (time_monotonic() >= next_escalation) {
			/* Before leasing: the messages a step queues go out in this round. */
			int done = 0;
			if (escalation_pass(db, time_now(), &done, &e))
				log_warn("escalation: %s", e.message);
			else if (done)
				log_info("escalation: %d step(s) executed for unacknowledged towns", done);
			next_escalation = time_monotonic() + cfg.escalation_every;
		}
		int64_t ids[BATCH];
		int chans[BATCH], n = 0;
		if (lease(db, time_now(), ids, chans, &n, &e))
			log_warn("delivery worker: %s", e.message);
		for (int i = 0; i < n; i++) {
			pthread_mutex_lock(&lock);
			int stop = stopping;
			pthread_mutex_unlock(&lock);
			if (stop)
				break; /* the rest is leased: taken again when the lease ends */
			/* Each channel at its own rate: wait for this channel's next slot
			 * (at most 1/rate s; the other channels' slots pass meanwhile). */
			double wait = next_slot[chans[i]] - time_monotonic();
			if (wait > 0) {
				struct timespec ts = {(time_t)wait, (long)((wait - (double)(time_t)wait) * 1e9)};
				nanosleep(&ts, NULL);
			}
			deliver(db, key, ids[i]);
			next_slot[chans[i]] = time_monotonic() + 1.0 / rates[chans[i]];
		}
		finish_advisories(db);
		pthread_mutex_lock(&lock);
		if (n == 0 && !stopping) {
			struct timespec until;
			clock_gettime(CLOCK_REALTIME, &until);
			until.tv_sec += 1;
			pthread_cond_timedwait(&wake, &lock, &until);
		}
	}
	pthread_mutex_unlock(&lock);
	sodium_memzero(key, sizeof key);
	return NULL;
}

static sqlite3 *worker_db;

int comms_worker_start(const char *path, const struct comms_config *c, struct wr_err *e)
{
	if (!c->smtp.url[0])
		log_warn("no SMTP server configured (--smtp or WARROOM_SMTP_URL): e-mails wait in the outbox");
	if (!c->sms.url[0])
		log_info("no SMS gateway configured (WARROOM_SMS_URL): text messages wait in the outbox");
	cfg = *c;
	snprintf(db_path, sizeof db_path, "%s", path);
	int rc = db_open(path, 0, &worker_db, e);
	if (rc)
		return rc;
	stopping = 0;
	if (pthread_create(&thread, NULL, work, worker_db)) {
		db_close(worker_db);
		return wr_err_set(e, WR_EINTERNAL, NULL, "cannot start the delivery worker");
	}
	running = 1;
	return 0;
}

void comms_worker_stop(void)
{
	if (!running)
		return;
	pthread_mutex_lock(&lock);
	stopping = 1;
	pthread_cond_signal(&wake);
	pthread_mutex_unlock(&lock);
	pthread_join(thread, NULL);
	db_close(worker_db);
	worker_db = NULL;
	running = 0;
	sodium_memzero(&cfg, sizeof cfg);
}
