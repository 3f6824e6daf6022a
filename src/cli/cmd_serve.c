/* warroom serve: the API, the web UI and the background jobs, until
 * SIGTERM or SIGINT. */
#include "base/log.h"
#include "cli/cli.h"
#include "http/app.h"
#include "http/server.h"
#include "comms/worker.h"
#include "jobs/jobs.h"
#include "store/db.h"

#include <malloc.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>

int cmd_serve(struct cli *c, int argc, char **argv)
{
	struct app app;
	struct comms_config comms;
	struct wr_err e = {0};
	memset(&app, 0, sizeof app);
	if (app_config_defaults(&app.cfg, c->db_path, &e) || comms_config_defaults(&comms, &e))
		return cli_fail(c, &e);
	for (int i = 1; i < argc; i++) {
		if (!strcmp(argv[i], "--listen") && i + 1 < argc) {
			snprintf(app.cfg.listen, sizeof app.cfg.listen, "%s", argv[++i]);
		} else if (!strcmp(argv[i], "--public-url") && i + 1 < argc) {
			if (snprintf(app.cfg.public_url, sizeof app.cfg.public_url, "%s", argv[++i]) >=
			    (int)sizeof app.cfg.public_url) {
				fprintf(stderr, "warroom: --public-url: too long\n");
				return 2;
			}
		} else if (!strcmp(argv[i], "--smtp") && i + 1 < argc) {
			snprintf(comms.smtp.url, sizeof comms.smtp.url, "%s", argv[++i]);
		} else if (!strcmp(argv[i], "--mail-from") && i + 1 < argc) {
			snprintf(comms.smtp.from, sizeof comms.smtp.from, "%s", argv[++i]);
		} else {
			fprintf(stderr, "usage: warroom serve [--listen ADDRESS:PORT] [--public-url URL]"
					" [--smtp URL] [--mail-from ADDRESS]\n");
			return 2;
		}
	}
	/* Replies of tens of kilobytes made glibc grow and trim each worker
	 * thread's heap on every request (measured: 4x fewer requests/s for the
	 * full orgs list). Keep freed memory for reuse instead. */
	mallopt(M_TRIM_THRESHOLD, 64 << 20);
	mallopt(M_MMAP_THRESHOLD, 32 << 20);

	sqlite3 *db;
	if (cli_open_db(c, &db)) /* checks the schema before binding */
		return 1;
	db_close(db);
	if (app_init(&app, &e))
		return cli_fail(c, &e);

	/* Signals are taken by this thread alone (sigwait): the server's
	 * threads inherit the blocked mask. */
	sigset_t set;
	sigemptyset(&set);
	sigaddset(&set, SIGINT);
	sigaddset(&set, SIGTERM);
	pthread_sigmask(SIG_BLOCK, &set, NULL);
	signal(SIGPIPE, SIG_IGN);

	struct server *srv;
	if (server_start(&app, &srv, &e)) {
		app_release(&app);
		return cli_fail(c, &e);
	}
	if (jobs_start(c->db_path, &e)) {
		server_stop(srv);
		app_release(&app);
		return cli_fail(c, &e);
	}
	snprintf(comms.public_url, sizeof comms.public_url, "%s", app.cfg.public_url);
	if (comms_worker_start(c->db_path, &comms, &e)) {
		jobs_stop();
		server_stop(srv);
		app_release(&app);
		return cli_fail(c, &e);
	}
	log_info("warroom %s serving %s on %s (database %s)", WARROOM_VERSION, app.cfg.public_url,
		 app.cfg.listen, c->db_path);
	int sig = 0;
	sigwait(&set, &sig);
	log_info("signal %d: stopping (requests in flight finish first)", sig);
	server_stop(srv);
	comms_worker_stop();
	jobs_stop();
	metrics_release(&app.metrics);
	app_release(&app);
	log_info("stopped");
	return 0;
}
