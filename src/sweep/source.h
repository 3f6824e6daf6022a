/* Bytes of one log file: read with pread from an offset (plain files, so
 * that several threads read parts of one file), or sequentially through
 * zlib (gzip, concatenated members) or libzstd, or from a pipe. */
#ifndef WR_SWEEP_SOURCE_H
#define WR_SWEEP_SOURCE_H

#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include "sweep/sweep.h"

struct source;

/* Opens f for reading from byte start (plain files only; 0 otherwise).
 * NULL with err filled (a sentence for people). */
struct source *source_open(const struct sweep_file *f, uint64_t start, char *err, size_t errsz);
/* Up to cap bytes into buf: the count, 0 at the end, or -1 with err filled
 * (a read error, corrupt or truncated compressed data). */
ssize_t source_read(struct source *s, unsigned char *buf, size_t cap, char *err, size_t errsz);
void source_close(struct source *s);

#endif
