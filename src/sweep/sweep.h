/* The sweep of files and directories: walks the paths, splits big files into
 * chunks at line boundaries, scans them on N threads and writes the hits in
 * a deterministic order (files in the order walked, lines ascending)
 * whatever the number of threads. Memory: the tables, one read buffer per
 * thread and the hits of the few chunks in flight. */
#ifndef WR_SWEEP_SWEEP_H
#define WR_SWEEP_SWEEP_H

#include <stdint.h>
#include <stdio.h>

#include "sweep/match.h"

enum sweep_format { SWEEP_TEXT, SWEEP_TSV, SWEEP_JSON };

/* Bytes read at a time into a thread's buffer. A slice this size stays in
 * the L2 cache from the kernel's copy to the scan (the buffer is refilled
 * from its start); reading 4 MiB at a time sent every byte through memory
 * twice more and cost about 10 % more CPU (bench/README.md). The buffer
 * keeps its full size for lines longer than this: a token is only cut
 * when a whole buffer holds no white space. */
#define SWEEP_READ (256u << 10)

struct sweep_opts {
	int threads;             /* 1.. */
	enum sweep_format format;
	size_t chunk;            /* bytes per job of a big uncompressed file; 0: 32 MiB */
	size_t buffer;           /* read buffer per thread; 0: 4 MiB */
	int progress;            /* a progress line on stderr every second */
	int kernel;              /* enum scan_kernel; 0: the widest this processor has */
};

struct sweep_stats {
	uint64_t files, bytes, lines, hits;
	uint64_t errors; /* files (or parts) that could not be read */
	double seconds;
	uint64_t *per_ioc; /* hits per indicator when not NULL (caller allocates) */
	size_t *first_file; /* with per_ioc: 1 + index in files of the first hit, 0 none */
	/* When not NULL: per indicator, the earliest and latest time its hit
	 * lines carry (linetime.h), 0 when none does. */
	int64_t *first_time, *last_time;
};

/* One file found by the walk. */
struct sweep_file {
	char *path;
	uint64_t size;
	int kind;   /* SWEEP_RAW, SWEEP_GZIP, SWEEP_ZSTD */
	int stream; /* standard input or not a regular file: read sequentially */
};
enum { SWEEP_RAW, SWEEP_GZIP, SWEEP_ZSTD };

struct sweep_files {
	struct sweep_file *v;
	size_t n, cap;
};

/* Walks paths ("-" is standard input) into files: directories recursively
 * in name order, symbolic links followed, each directory and file once
 * (a loop is reported and cut). Problems are printed to stderr as
 * "warroom: sweep: PATH: reason" and counted in *errors; the walk goes on.
 * 0 or WR_ENOMEM. */
int sweep_walk(char *const *paths, size_t n, struct sweep_files *out, uint64_t *errors);
void sweep_files_release(struct sweep_files *f);

/* Sweeps files with m and writes the hits to out. 0, or WR_ENOMEM /
 * WR_EIO (writing failed): file errors only count in st->errors. */
int sweep_run(const struct matcher *m, const struct sweep_files *files,
	      const struct sweep_opts *o, FILE *out, struct sweep_stats *st);

#endif
