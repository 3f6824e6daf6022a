/* The sweep's hit lines: tsv (path, line, indicator, type, matched text),
 * json (one object per line, with offset, sources and tags) or text (for
 * people). Bytes a line cannot carry (tabs, control bytes, invalid UTF-8
 * in json) are escaped. */
#ifndef WR_SWEEP_OUTPUT_H
#define WR_SWEEP_OUTPUT_H

#include <stdint.h>
#include <stdio.h>

#include "base/buf.h"
#include "ioc/ioc.h"
#include "sweep/sweep.h"

struct output {
	const struct ioc_set *set;
	enum sweep_format format;
	FILE *out;
	struct buf b;
	int failed;
};

void output_init(struct output *o, const struct ioc_set *set, enum sweep_format f, FILE *out);
/* 0, or WR_EIO when writing failed. */
/* when: the log line's own time (linetime.h), 0 unknown; json only. */
int output_hit(struct output *o, const char *path, uint64_t line, uint64_t off, int64_t when,
	       uint32_t ioc, const char *text, size_t len);
int output_flush(struct output *o);

/* Appends s[0..n) as the inside of a JSON string (escapes; invalid UTF-8
 * becomes U+FFFD). 0 or a buf error. */
int output_json_str(struct buf *b, const char *s, size_t n);

#endif
