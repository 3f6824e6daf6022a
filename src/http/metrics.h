/* Counters for /metrics (Prometheus text format): requests by route and
 * status, a latency histogram, database errors, job queue depth. */
#ifndef WR_HTTP_METRICS_H
#define WR_HTTP_METRICS_H

#include <pthread.h>
#include <stdint.h>

#include "base/buf.h"

#define METRICS_MAX_SERIES 512
#define METRICS_BUCKETS 12

struct metrics_series {
	const char *route; /* a route pattern (static string) */
	int status;
	uint64_t count;
};

struct metrics {
	pthread_mutex_t lock;
	struct metrics_series series[METRICS_MAX_SERIES];
	int nseries;
	uint64_t buckets[METRICS_BUCKETS]; /* cumulative counts are computed when written */
	uint64_t count;
	double sum;
};

void metrics_init(struct metrics *m);
void metrics_release(struct metrics *m);
/* route must be a static string (the route pattern, or "static", "none"). */
void metrics_observe(struct metrics *m, const char *route, int status, double seconds);
int metrics_write(struct metrics *m, struct buf *out, uint64_t db_errors, uint64_t queue_depth);

#endif
