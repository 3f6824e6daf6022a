#include "http/metrics.h"

#include <string.h>

static const double bounds[METRICS_BUCKETS] = {0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025,
					      0.05,   0.1,   0.25,   0.5,   1.0,  2.5};

void metrics_init(struct metrics *m)
{
	memset(m, 0, sizeof *m);
	pthread_mutex_init(&m->lock, NULL);
}

void metrics_release(struct metrics *m)
{
	pthread_mutex_destroy(&m->lock);
}

void metrics_observe(struct metrics *m, const char *route, int status, double seconds)
{
	pthread_mutex_lock(&m->lock);
	int i;
	for (i = 0; i < m->nseries; i++)
		if (m->series[i].route == route && m->series[i].status == status)
			break;
	if (i == m->nseries && m->nseries < METRICS_MAX_SERIES) {
		m->series[i].route = route;
		m->series[i].status = status;
		m->nseries++;
	}
	if (i < m->nseries)
		m->series[i].count++;
	for (int b = 0; b < METRICS_BUCKETS; b++)
		if (seconds <= bounds[b]) {
			m->buckets[b]++;
			break;
		}
	m->count++;
	m->sum += seconds;
	pthread_mutex_unlock(&m->lock);
}

int metrics_write(struct metrics *m, struct buf *out, uint64_t db_errors, uint64_t queue_depth)
{
	int rc = 0;
	pthread_mutex_lock(&m->lock);
	rc |= buf_adds(out, "# HELP warroom_http_requests_total HTTP requests by route and status.\n"
			    "# TYPE warroom_http_requests_total counter\n");
	for (int i = 0; i < m->nseries; i++)
		rc |= buf_printf(out, "warroom_http_requests_total{route=\"%s\",status=\"%d\"} %llu\n",
				 m->series[i].route, m->series[i].status,
				 (unsigned long long)m->series[i].count);
	rc |= buf_adds(out, "# HELP warroom_http_request_duration_seconds Time to answer a request.\n"
			    "# TYPE warroom_http_request_duration_seconds histogram\n");
	uint64_t cum = 0;
	for (int b = 0; b < METRICS_BUCKETS; b++) {
		cum += m->buckets[b];
		rc |= buf_printf(out, "warroom_http_request_duration_seconds_bucket{le=\"%g\"} %llu\n",
				 bounds[b], (unsigned long long)cum);
	}
	rc |= buf_printf(out,
			 "warroom_http_request_duration_seconds_bucket{le=\"+Inf\"} %llu\n"
			 "warroom_http_request_duration_seconds_sum %.6f\n"
			 "warroom_http_request_duration_seconds_count %llu\n",
			 (unsigned long long)m->count, m->sum, (unsigned long long)m->count);
	pthread_mutex_unlock(&m->lock);
	rc |= buf_printf(out,
			 "# HELP warroom_db_errors_total Database errors since start.\n"
			 "# TYPE warroom_db_errors_total counter\n"
			 "warroom_db_errors_total %llu\n"
			 "# HELP warroom_job_queue_depth Background jobs waiting to run.\n"
			 "# TYPE warroom_job_queue_depth gauge\n"
			 "warroom_job_queue_depth %llu\n",
			 (unsigned long long)db_errors, (unsigned long long)queue_depth);
	return rc ? -1 : 0;
}
