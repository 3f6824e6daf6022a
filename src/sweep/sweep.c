/* The sweep: jobs (a whole file, or a chunk of a big plain file), worker
 * threads that scan them, and the writer (the calling thread) that prints
 * the hits job after job in order, so the output does not depend on the
 * number of threads. At most WINDOW jobs are in flight, and a job holds at
 * most JOB_HITS_MAX hits: past that its worker waits for the job's turn and
 * prints them itself, so a log where every line hits does not grow memory. */
#include "sweep/sweep.h"

#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "sweep/hugebuf.h"
#include "sweep/output.h"
#include "sweep/scan.h"
#include "sweep/source.h"

#define JOB_HITS_MAX 65536

struct job {
	size_t file;
	uint64_t start, end; /* nominal byte range; the chunk is cut at line ends */
	int first, last;     /* first / last chunk of its file */
	/* results */
	struct scan_out out;
	uint64_t newlines, bytes;
	int ends_without_nl;
	char err[256];
	int done;
};

struct sweep {
	const struct matcher *m;
	const struct sweep_files *files;
	const struct sweep_opts *o;
	struct job *jobs;
	size_t njobs, next, written, window;
	pthread_mutex_t mu;
	pthread_cond_t cv_done, cv_slot;
	int oom;
	int stop; /* the output failed: no job gets its turn any more */
	/* The output side, used under mu by whoever holds the job whose turn it
	 * is (jobs[written]): the writer, or that job's worker when it is full. */
	struct output *outp;
	struct sweep_stats *st;
	uint64_t line_base; /* lines of the earlier chunks of jobs[written]'s file */
	int out_rc;
};

static double now(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* Moves the unscanned tail of the buffer to its start, in steps that never
 * overlap (fortified memmove trips valgrind's overlap check). */
static void move_down(unsigned char *dst, const unsigned char *src, size_t n)
{
	size_t gap = (size_t)(src - dst);
	if (gap == 0)
		return;
	while (n > 0) {
		size_t k = n < gap ? n : gap;
		memcpy(dst, src, k);
		dst += k, src += k, n -= k;
	}
}

/* Prints the hits job j holds and empties it; j's turn has come (mu held). */
static void emit(struct sweep *sw, struct job *j)
{
	const struct sweep_file *f = &sw->files->v[j->file];
	struct sweep_stats *st = sw->st;
	for (size_t k = 0; k < j->out.n && !sw->out_rc; k++) {
		const struct scan_hit *h = &j->out.hits[k];
		sw->out_rc = output_hit(sw->outp, f->path, sw->line_base + h->line + 1, h->off,
					h->time, h->ioc, j->out.text + h->text_off, h->text_len);
		if (st->per_ioc && !st->per_ioc[h->ioc]++)
			st->first_file[h->ioc] = j->file + 1;
		if (st->first_time && h->time > 0) {
			int64_t *ft = &st->first_time[h->ioc], *lt = &st->last_time[h->ioc];
			if (!*ft || h->time < *ft)
				*ft = h->time;
			if (h->time > *lt)
				*lt = h->time;
		}
	}
	st->hits += j->out.n;
	j->out.n = 0;
	j->out.tlen = 0;
}

/* A worker whose job is full waits for the job's turn and prints its hits. */
static void drain(struct sweep *sw, struct job *j)
{
	size_t idx = (size_t)(j - sw->jobs);
	pthread_mutex_lock(&sw->mu);
	while (sw->written != idx && !sw->stop)
		pthread_cond_wait(&sw->cv_slot, &sw->mu);
	if (sw->stop) {
		j->out.n = 0; /* nothing more is printed */
		j->out.tlen = 0;
	} else {
		emit(sw, j);
	}
	pthread_mutex_unlock(&sw->mu);
}

/* Scans a job's bytes with buffer buf (cap bytes). */
static void run_job(struct sweep *sw, struct job *j, unsigned char *buf, size_t cap)
{
	const struct sweep_file *f = &sw->files->v[j->file];
	/* A chunk starts after the first newline at or after start - 1, and
	 * ends after the first newline at or after end - 1: the same cut
	 * seen from both sides, so every line belongs to exactly one chunk. */
	uint64_t from = j->first ? 0 : j->start - 1;
	struct source *src = source_open(f, from, j->err, sizeof j->err);
	if (!src)
		return;
	struct scanner sc;
	scanner_init(&sc, sw->m, &j->out);
	if (sw->o->kernel)
		(void)scanner_kernel(&sc, (enum scan_kernel)sw->o->kernel); /* checked by the caller */
	sc.off = from;
	int skipping = !j->first;
	uint64_t stop = j->last ? UINT64_MAX : j->end - 1; /* newline at or after: stop */
	size_t have = 0;
	unsigned char lastc = '\n';
	int eof_seen = 0;
	for (;;) {
		size_t room = cap - have < SWEEP_READ ? cap - have : SWEEP_READ;
		ssize_t n = source_read(src, buf + have, room, j->err, sizeof j->err);
		if (n < 0)
			n = 0; /* what was read is still swept; the error is reported */
		have += (size_t)n;
		size_t start = 0;
		if (skipping) {
			unsigned char *nl = memchr(buf, '\n', have);
			if (!nl) {
				sc.off += have;
				have = 0;
				if (n == 0)
					break;
				continue;
			}
			start = (size_t)(nl - buf) + 1;
			sc.off += start;
			skipping = 0;
			if (sc.off - 1 >= stop)
				break; /* one line covers the whole chunk: the previous one has it */
		}
		int eof = n == 0;
		eof_seen |= eof;
		size_t len = have - start;
		/* Does the chunk end inside this buffer? */
		int finish = eof;
		if (stop != UINT64_MAX && sc.off + len > stop) {
			uint64_t from_idx = stop > sc.off ? stop - sc.off : 0;
			unsigned char *nl = memchr(buf + start + from_idx, '\n', len - from_idx);
			if (nl) {
				len = (size_t)(nl - (buf + start)) + 1;
				finish = 1;
			}
		}
		size_t cut = finish ? len : scan_cut(buf + start, len);
		if (!finish && cut == len && len > 0 && len < cap && buf[start + len - 1] != '\n')
			cut = 0; /* no line end yet: read on rather than cut a token */
		if (cut > 0) {
			scan_block(&sc, buf + start, cut);
			lastc = buf[start + cut - 1];
			j->bytes += cut;
			if (j->out.n >= JOB_HITS_MAX)
				drain(sw, j);
		}
		if (finish)
			break;
		move_down(buf, buf + start + cut, len - cut);
		have = len - cut;
		if (have == cap) {
			/* Cannot happen: scan_cut returns all of a full buffer. */
			have = 0;
		}
	}
	j->newlines = sc.line;
	j->ends_without_nl = eof_seen && j->bytes > 0 && lastc != '\n';
	if (sc.oom)
		sw->oom = 1;
	scanner_release(&sc);
	source_close(src);
}

static void *worker(void *arg)
{
	struct sweep *sw = arg;
	size_t cap = sw->o->buffer ? sw->o->buffer : 4u << 20;
	unsigned char *buf = hugebuf_alloc(cap);
	pthread_mutex_lock(&sw->mu);
	if (!buf)
		sw->oom = 1;
	for (;;) {
		while (sw->next < sw->njobs && sw->next >= sw->written + sw->window)
			pthread_cond_wait(&sw->cv_slot, &sw->mu);
		if (sw->next >= sw->njobs || !buf)
			break;
		struct job *j = &sw->jobs[sw->next++];
		pthread_mutex_unlock(&sw->mu);
		run_job(sw, j, buf, cap);
		pthread_mutex_lock(&sw->mu);
		j->done = 1;
		pthread_cond_broadcast(&sw->cv_done);
	}
	pthread_mutex_unlock(&sw->mu);
	hugebuf_free(buf, cap);
	return NULL;
}

static int plan(struct sweep *sw)
{
	size_t chunk = sw->o->chunk ? sw->o->chunk : 32u << 20;
	size_t n = 0;
	for (size_t i = 0; i < sw->files->n; i++) {
		const struct sweep_file *f = &sw->files->v[i];
		n += (f->kind == SWEEP_RAW && !f->stream && f->size > chunk) ? f->size / chunk + 1 : 1;
	}
	sw->jobs = calloc(n ? n : 1, sizeof *sw->jobs);
	if (!sw->jobs)
		return WR_ENOMEM;
	for (size_t i = 0; i < sw->files->n; i++) {
		const struct sweep_file *f = &sw->files->v[i];
		int split = f->kind == SWEEP_RAW && !f->stream && f->size > chunk;
		uint64_t parts = split ? (f->size + chunk - 1) / chunk : 1;
		for (uint64_t k = 0; k < parts; k++) {
			struct job *j = &sw->jobs[sw->njobs++];
			j->file = i;
			j->start = k * chunk;
			j->end = k + 1 == parts ? UINT64_MAX : (k + 1) * chunk;
			j->first = k == 0;
			j->last = k + 1 == parts;
		}
	}
	return 0;
}

int sweep_run(const struct matcher *m, const struct sweep_files *files,
	      const struct sweep_opts *o, FILE *out, struct sweep_stats *st)
{
	double t0 = now();
	struct sweep sw = {.m = m, .files = files, .o = o};
	int threads = o->threads < 1 ? 1 : o->threads > 256 ? 256 : o->threads;
	sw.window = (size_t)threads * 4;
	int rc = plan(&sw);
	if (rc)
		return rc;
	pthread_mutex_init(&sw.mu, NULL);
	pthread_cond_init(&sw.cv_done, NULL);
	pthread_cond_init(&sw.cv_slot, NULL);
	pthread_t *tids = calloc((size_t)threads, sizeof *tids);
	int started = 0;
	for (; tids && started < threads; started++)
		if (pthread_create(&tids[started], NULL, worker, &sw))
			break;
	if (started == 0) {
		rc = WR_ENOMEM;
	}
	struct output outp;
	output_init(&outp, m->set, o->format, out);
	sw.outp = &outp;
	sw.st = st;
	double last_progress = t0;
	for (size_t i = 0; i < sw.njobs && !rc; i++) {
		struct job *j = &sw.jobs[i];
		pthread_mutex_lock(&sw.mu);
		while (!j->done) {
			if (o->progress) {
				struct timespec ts;
				clock_gettime(CLOCK_REALTIME, &ts);
				ts.tv_sec += 1;
				pthread_cond_timedwait(&sw.cv_done, &sw.mu, &ts);
				double t = now();
				if (t - last_progress >= 1.0) {
					last_progress = t;
					fprintf(stderr, "\rwarroom: sweep: %zu/%zu files, %.0f MB, %llu hits ",
						j->file, files->n,
						(double)st->bytes / 1e6, (unsigned long long)st->hits);
				}
			} else {
				pthread_cond_wait(&sw.cv_done, &sw.mu);
			}
		}
		const struct sweep_file *f = &files->v[j->file];
		if (j->first)
			st->files++;
		if (j->err[0]) {
			fprintf(stderr, "%swarroom: sweep: %s: %s\n", o->progress ? "\r" : "", f->path,
				j->err);
			st->errors++;
		}
		emit(&sw, j);
		rc = sw.out_rc;
		st->bytes += j->bytes;
		st->lines += j->newlines + (uint64_t)j->ends_without_nl;
		scan_out_release(&j->out);
		/* The next job's turn: its line numbers follow this chunk's. */
		sw.line_base = i + 1 < sw.njobs && sw.jobs[i + 1].first ? 0 : sw.line_base + j->newlines;
		sw.written = i + 1;
		if (rc) {
			/* Let the workers run out: no more jobs, no more turns. */
			sw.next = sw.njobs;
			sw.stop = 1;
		}
		pthread_cond_broadcast(&sw.cv_slot);
		pthread_mutex_unlock(&sw.mu);
	}
	for (int t = 0; t < started; t++)
		pthread_join(tids[t], NULL);
	if (o->progress)
		fprintf(stderr, "\r%60s\r", "");
	if (!rc && output_flush(&outp))
		rc = WR_EIO;
	buf_release(&outp.b);
	if (!rc && sw.oom)
		rc = WR_ENOMEM;
	for (size_t i = 0; i < sw.njobs; i++)
		scan_out_release(&sw.jobs[i].out);
	free(sw.jobs);
	free(tids);
	pthread_mutex_destroy(&sw.mu);
	pthread_cond_destroy(&sw.cv_done);
	pthread_cond_destroy(&sw.cv_slot);
	st->seconds = now() - t0;
	return rc;
}
