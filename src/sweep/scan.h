/* The line scanner: one pass over a block of log bytes that finds every
 * indicator of a matcher, with the exact, token-aware semantics of
 * docs/sweep.md (the reference matcher of bench/sweep/gen.py). Lines are
 * never copied; the scanner keeps only the line counter and the indicators
 * already reported on the current line between blocks. */
#ifndef WR_SWEEP_SCAN_H
#define WR_SWEEP_SCAN_H

#include <stddef.h>
#include <stdint.h>

#include "sweep/match.h"

/* Matched text longer than this is cut in the output (a host name of a
 * megabyte that ends in an indicator is still reported). */
#define SCAN_TEXT_MAX 256

struct scan_hit {
	uint64_t line; /* 0-based line index counted by the scanner */
	uint64_t off;  /* byte offset of the matched text */
	int64_t time;  /* the line's own timestamp (linetime.h), 0 unknown */
	uint32_t ioc;  /* indicator index in the set */
	uint32_t text_off, text_len; /* in scan_out.text */
};

/* Hits of one job, in the order found (lines ascending). */
struct scan_out {
	struct scan_hit *hits;
	size_t n, cap;
	char *text;
	size_t tlen, tcap;
};

/* An IPv4 address or a domain suffix that passed its bitmap, waiting for
 * the table lookup whose cache line has been prefetched (scan.c). */
#define SCAN_PEND_MAX 16
struct scan_pend {
	uint64_t key; /* the address, or the suffix hash (match_final applied) */
	uint64_t line_base, nl_bits; /* the scanner's, when it was found */
	size_t a, b, ts, te;
	int bit, kind, whole;
};

struct scanner {
	const struct matcher *m;
	uint64_t line; /* newlines seen (at a hit: before it) */
	uint64_t line_base, nl_bits; /* newlines before the 64 bytes in work, and theirs */
	int bit;                     /* the byte in work among the 64 */
	void (*masks)(void);         /* the loop for this processor (SIMD kernel) */
	int simd;                    /* SSSE3 for dotted quads and URL ends */
	uint64_t off;  /* offset of the next block's first byte */
	uint64_t seen_line; /* the line of seen */
	uint32_t *seen; /* indicators reported on line seen_line */
	size_t nseen, seen_cap;
	struct scan_out *out;
	int oom; /* set when a hit could not be stored */
	int bol;            /* the next block starts a line */
	int64_t now;        /* for the year of syslog times */
	uint64_t time_line; /* the line of line_t (UINT64_MAX: none yet) */
	int64_t line_t;
	size_t blk_n; /* length of the block being scanned */
	const unsigned char *blk; /* the block being scanned */
	struct scan_pend pend[SCAN_PEND_MAX];
	int npend, flushing;
};

void scanner_init(struct scanner *sc, const struct matcher *m, struct scan_out *out);

/* The byte-class kernel of the loop: scanner_init picks the widest this
 * processor has (AVX-512BW, AVX2, SSE2 on x86-64; C elsewhere). All give
 * the same hits; the tests run each one against the C reference. */
enum scan_kernel { SCAN_KERNEL_AUTO, SCAN_KERNEL_C, SCAN_KERNEL_SSE2, SCAN_KERNEL_AVX2, SCAN_KERNEL_AVX512 };
/* Uses kernel k: 0, or -1 when this processor (or build) lacks it. */
int scanner_kernel(struct scanner *sc, enum scan_kernel k);
/* Whether this processor (and build) has kernel k. */
int scan_kernel_available(enum scan_kernel k);
/* The kernel named c, sse2, avx2 or avx512 in *k: 0, or -1 for another name. */
int scan_kernel_parse(const char *name, enum scan_kernel *k);
void scanner_release(struct scanner *sc);
void scan_out_release(struct scan_out *o);

/* Scans p[0..n). A block must end at a line end, at a byte that no token
 * contains (white space), or at the end of the input: the scanner treats
 * the start of a block like the byte after such a separator. */
void scan_block(struct scanner *sc, const unsigned char *p, size_t n);

/* The number of bytes of p[0..n) to hand to scan_block when more input
 * follows: up to the last newline, else the last white space, else the
 * last byte no token contains, else all of it (a token is then cut). */
size_t scan_cut(const unsigned char *p, size_t n);

#endif
