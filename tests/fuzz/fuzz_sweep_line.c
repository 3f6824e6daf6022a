/* libFuzzer harness for the sweep's line scanner: any bytes must scan
 * without a fault; every hit's text must be the bytes at its offset, on a
 * line that exists; and scanning the same bytes in pieces cut where
 * scan_cut() says (as the reader does with its buffer) finds the same hits
 * on the same lines; and so does scanning it behind 1 to 63 spaces, which
 * moves every token across the scanner's 64-byte block boundaries (runs
 * that cross a block are measured with the masks of the next and previous
 * blocks); and so does the C reference kernel of the byte-class masks. */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "ioc/ioc.h"
#include "sweep/linetime.h"
#include "sweep/match.h"
#include "sweep/scan.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static const char iocs[] =
	"bad.com\nx.evil.net\n10.1.2.3\n198.51.100.0/24\n11.0.0.0/8\n2a01:4f8::1\n"
	"2a01:4f8:abcd::/48\n0123456789abcdef0123456789abcdef\n"
	"0123456789abcdef0123456789abcdef01234567\n"
	"0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef\n"
	"http://u.example/p?q=1\nhttps://1.2.3.4:8443/x\na@b.example\n";

static struct matcher *m;
static struct ioc_set *set;

static void init(void)
{
	if (m)
		return;
	set = ioc_set_new();
	struct wr_err e;
	if (!set || ioc_read_list(set, iocs, sizeof iocs - 1, NULL, NULL, NULL, &e) ||
	    matcher_new(set, &m, &e))
		abort();
}

static void scan_k(const uint8_t *data, size_t size, size_t piece, struct scan_out *out,
		   uint64_t *lines, enum scan_kernel k)
{
	struct scanner sc;
	scanner_init(&sc, m, out);
	if (scanner_kernel(&sc, k))
		abort();
	size_t pos = 0;
	while (pos < size) {
		size_t n = size - pos < piece ? size - pos : piece;
		size_t cut = pos + n < size ? scan_cut(data + pos, n) : n;
		scan_block(&sc, data + pos, cut);
		pos += cut;
	}
	*lines = sc.line;
	if (sc.oom)
		abort();
	scanner_release(&sc);
}

static void scan(const uint8_t *data, size_t size, size_t piece, struct scan_out *out,
		 uint64_t *lines)
{
	scan_k(data, size, piece, out, lines, SCAN_KERNEL_AUTO);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	init();
	/* A line's time: 0 or a time of years 1 to 9999, whatever the bytes. */
	int64_t t = line_time(data, size, 1709294400);
	if (t < 0 || t > 253402300799)
		abort();
	struct scan_out whole = {0}, parts = {0};
	uint64_t lw, lp;
	scan(data, size, size ? size : 1, &whole, &lw);
	uint64_t nl = 0;
	for (size_t i = 0; i < size; i++)
		nl += data[i] == '\n';
	if (lw != nl)
		abort();
	for (size_t i = 0; i < whole.n; i++) {
		const struct scan_hit *h = &whole.hits[i];
		if (h->line > nl || h->off + h->text_len > size ||
		    memcmp(data + h->off, whole.text + h->text_off, h->text_len))
			abort();
	}
	/* Pieces: only when every cut falls on a separator (a hard cut of a
	 * token longer than the piece may change what is found). */
	size_t piece = 37;
	int hard = 0;
	for (size_t pos = 0; pos + piece < size;) {
		size_t cut = scan_cut(data + pos, piece);
		if (cut == piece && !memchr(" \t\r\n\"'<>\\\v\f", data[pos + piece - 1], 11))
			hard = 1;
		pos += cut;
	}
	scan(data, size, piece, &parts, &lp);
	if (lp != lw)
		abort();
	if (!hard) {
		if (parts.n != whole.n)
			abort();
		for (size_t i = 0; i < whole.n; i++)
			if (parts.hits[i].ioc != whole.hits[i].ioc ||
			    parts.hits[i].line != whole.hits[i].line ||
			    parts.hits[i].off != whole.hits[i].off)
				abort();
	}
	/* Shifted behind spaces (separators): the same hits, offsets moved. */
	size_t shift = 1 + (size ? data[0] % 63 : 0);
	uint8_t *moved = malloc(size + shift);
	if (!moved)
		abort();
	memset(moved, ' ', shift);
	if (size)
		memcpy(moved + shift, data, size);
	struct scan_out sh = {0};
	uint64_t ls;
	scan(moved, size + shift, size + shift, &sh, &ls);
	if (ls != lw || sh.n != whole.n)
		abort();
	for (size_t i = 0; i < whole.n; i++)
		if (sh.hits[i].ioc != whole.hits[i].ioc || sh.hits[i].line != whole.hits[i].line ||
		    sh.hits[i].off != whole.hits[i].off + shift)
			abort();
	free(moved);
	/* The C reference kernel finds the same as the SIMD one in use. */
	struct scan_out ref = {0};
	uint64_t lr;
	scan_k(data, size, size ? size : 1, &ref, &lr, SCAN_KERNEL_C);
	if (lr != lw || ref.n != whole.n)
		abort();
	for (size_t i = 0; i < whole.n; i++)
		if (ref.hits[i].ioc != whole.hits[i].ioc || ref.hits[i].line != whole.hits[i].line ||
		    ref.hits[i].off != whole.hits[i].off)
			abort();
	scan_out_release(&ref);
	scan_out_release(&sh);
	scan_out_release(&whole);
	scan_out_release(&parts);
	return 0;
}
