#include "base/csv.h"

#include "base/buf.h"

#include <limits.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#define CSV_DEFAULT_MAX_BYTES (1024 * 1024)
#define CSV_DEFAULT_MAX_FIELDS 1024
#define CSV_READ_CHUNK 65536

enum { CSV_EOF = -1, CSV_IOERR = -2 };

struct csv_reader {
	FILE *in;               /* borrowed */
	size_t max_bytes;
	size_t max_fields;
	unsigned char rbuf[CSV_READ_CHUNK];
	size_t rpos, rlen;
	int eof;                /* fread said end of file (or error) */
	int ioerr;
	int started;            /* the byte order mark has been looked for */
	long line;              /* physical line of the next byte, 1-based */

	struct buf data;        /* the record's fields, each NUL-terminated */
	size_t *offs;           /* start of each field in data */
	char **fields;          /* pointers into data, handed out in rec */
	size_t cap;             /* capacity of offs and fields */
	struct csv_record rec;

	int failed;             /* sticky error, returned again by csv_next() */
	struct wr_err err;
};

struct csv_reader *csv_reader_new(FILE *in, size_t max_record_bytes, size_t max_fields)
{
	if (!in)
		return NULL;
	struct csv_reader *r = calloc(1, sizeof *r);
	if (!r)
		return NULL;
	r->in = in;
	r->max_bytes = max_record_bytes ? max_record_bytes : CSV_DEFAULT_MAX_BYTES;
	r->max_fields = max_fields ? max_fields : CSV_DEFAULT_MAX_FIELDS;
	r->line = 1;
	/* Stored bytes never exceed the raw bytes plus one NUL per field. */
	size_t max = r->max_bytes, extra = r->max_fields;
	if (extra < SIZE_MAX)
		extra++;
	max = max > SIZE_MAX - extra ? SIZE_MAX : max + extra;
	buf_init(&r->data, max);
	return r;
}

void csv_reader_free(struct csv_reader *r)
{
	if (!r)
		return;
	buf_release(&r->data);
	free(r->offs);
	free(r->fields);
	free(r);
}

/* Makes at least k+1 bytes available from rpos, unless the input ends. */
static void fill(struct csv_reader *r, size_t k)
{
	if (r->rlen - r->rpos > k || r->eof)
		return;
	if (r->rpos > 0) {
		memmove(r->rbuf, r->rbuf + r->rpos, r->rlen - r->rpos);
		r->rlen -= r->rpos;
		r->rpos = 0;
	}
	while (r->rlen <= k && !r->eof) {
		size_t got = fread(r->rbuf + r->rlen, 1, sizeof r->rbuf - r->rlen, r->in);
		r->rlen += got;
		if (got == 0) {
			r->eof = 1;
			if (ferror(r->in))
				r->ioerr = 1;
		}
	}
}

/* The byte k places ahead, CSV_EOF or CSV_IOERR; k <= 2. */
static int peek_at(struct csv_reader *r, size_t k)
{
	fill(r, k);
	if (r->rlen - r->rpos > k)
		return r->rbuf[r->rpos + k];
	return r->ioerr ? CSV_IOERR : CSV_EOF;
}

static int peek(struct csv_reader *r)
{
	if (r->rpos < r->rlen)
		return r->rbuf[r->rpos];
	return peek_at(r, 0);
}

static void skip(struct csv_reader *r)
{
	if (r->rpos < r->rlen)
		r->rpos++;
}

static int fail(struct csv_reader *r, struct wr_err *e, int code, long line, const char *fmt, ...)
	__attribute__((format(printf, 5, 6)));

/* Records the error (r stops here), copies it to e, returns code. */
static int fail(struct csv_reader *r, struct wr_err *e, int code, long line, const char *fmt, ...)
{
	wr_err_clear(&r->err);
	r->err.code = code;
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(r->err.message, sizeof r->err.message, fmt, ap);
	va_end(ap);
	r->err.line = line > INT_MAX ? INT_MAX : (int)line;
	r->failed = 1;
	if (e)
		*e = r->err;
	return code;
}

/* Consumes a line end (CRLF, LF or a lone CR) at the current position. */
static void skip_line_end(struct csv_reader *r)
{
	int c = peek(r);
	if (c == '\r') {
		skip(r);
		if (peek(r) == '\n')
			skip(r);
		r->line++;
	} else if (c == '\n') {
		skip(r);
		r->line++;
	}
}

static int grow_fields(struct csv_reader *r)
{
	if (r->cap > SIZE_MAX / 2 / sizeof(char *))
		return WR_ENOMEM;
	size_t cap = r->cap ? r->cap * 2 : 16;
	if (r->max_fields < SIZE_MAX && cap > r->max_fields + 1)
		cap = r->max_fields + 1;
	size_t *offs = realloc(r->offs, cap * sizeof *offs);
	if (!offs)
		return WR_ENOMEM;
	r->offs = offs;
	char **fields = realloc(r->fields, cap * sizeof *fields);
	if (!fields)
		return WR_ENOMEM;
	r->fields = fields;
	r->cap = cap;
	return 0;
}

static int add_byte(struct csv_reader *r, struct wr_err *e, int c, long start)
{
	int rc = buf_addc(&r->data, (char)c);
	if (rc == WR_ENOMEM)
		return fail(r, e, WR_ENOMEM, start, "out of memory");
	if (rc)
		return fail(r, e, WR_ETOOBIG, start, "record longer than %zu bytes", r->max_bytes);
	return 0;
}

/* Takes the run of bytes at rpos for which plain() holds, already read, in
 * one copy: the per-byte path below sees only the bytes that mean something
 * (quotes, separators, line ends, NUL) and the ends of the read buffer. */
static int take_run(struct csv_reader *r, struct wr_err *e, int quoted, size_t *raw, long start)
{
	static const unsigned char stop[2][256] = {
		{[','] = 1, ['\n'] = 1, ['\r'] = 1, ['"'] = 1, [0] = 1}, /* unquoted */
		{['\n'] = 1, ['\r'] = 1, ['"'] = 1, [0] = 1},            /* quoted */
	};
	const unsigned char *end = stop[quoted != 0];
	size_t k = r->rpos;
	while (k < r->rlen && !end[r->rbuf[k]])
		k++;
	size_t n = k - r->rpos;
	if (!n)
		return 0;
	if (n > r->max_bytes - *raw)
		return fail(r, e, WR_ETOOBIG, start, "record longer than %zu bytes", r->max_bytes);
	*raw += n;
	int rc = buf_add(&r->data, r->rbuf + r->rpos, n);
	if (rc == WR_ENOMEM)
		return fail(r, e, WR_ENOMEM, start, "out of memory");
	if (rc)
		return fail(r, e, WR_ETOOBIG, start, "record longer than %zu bytes", r->max_bytes);
	r->rpos = k;
	return 0;
}

#define RAW_CHECK()                                                                     \
	do {                                                                            \
		if (++raw > r->max_bytes)                                               \
			return fail(r, e, WR_ETOOBIG, start, "record longer than %zu bytes", \
				    r->max_bytes);                                      \
	} while (0)

static int read_record(struct csv_reader *r, struct wr_err *e)
{
	long start = r->line;
	size_t raw = 0, nf = 0;
	int rc, c;
	buf_reset(&r->data);

	for (;;) { /* one field per turn */
		if (nf >= r->max_fields)
			return fail(r, e, WR_ETOOBIG, start, "more than %zu fields", r->max_fields);
		if (nf >= r->cap && (rc = grow_fields(r)) != 0)
			return fail(r, e, rc, start, "out of memory");
		r->offs[nf] = r->data.len;

		c = peek(r);
		if (c == '"') {
			long qline = r->line;
			skip(r);
			RAW_CHECK();
			for (;;) {
				if ((rc = take_run(r, e, 1, &raw, start)) != 0)
					return rc;
				c = peek(r);
				if (c == CSV_IOERR)
					return fail(r, e, WR_EIO, r->line, "read error");
				if (c == CSV_EOF)
					return fail(r, e, WR_EPARSE, qline,
						    "unterminated quoted field (opened on line %ld)",
						    qline);
				skip(r);
				RAW_CHECK();
				if (c == '"') {
					if (peek(r) != '"')
						break;
					skip(r);
					RAW_CHECK();
				} else if (c == '\0') {
					return fail(r, e, WR_EPARSE, r->line, "NUL byte in the input");
				} else if (c == '\n') {
					r->line++;
				} else if (c == '\r' && peek(r) != '\n') {
					r->line++;
				}
				if ((rc = add_byte(r, e, c, start)) != 0)
					return rc;
			}
			c = peek(r);
			if (c != ',' && c != '\n' && c != '\r' && c != CSV_EOF && c != CSV_IOERR) {
				if (c == '\0')
					return fail(r, e, WR_EPARSE, r->line, "NUL byte in the input");
				return fail(r, e, WR_EPARSE, r->line,
					    "text after the closing quote of a quoted field (a quote "
					    "inside a quoted field is written as \"\")");
			}
		} else {
			for (;;) {
				if ((rc = take_run(r, e, 0, &raw, start)) != 0)
					return rc;
				c = peek(r);
				if (c == ',' || c == '\n' || c == '\r' || c == CSV_EOF || c == CSV_IOERR)
					break;
				if (c == '"')
					return fail(r, e, WR_EPARSE, r->line,
						    "quote in the middle of an unquoted field (quote the "
						    "whole field and write the quote as \"\")");
				if (c == '\0')
					return fail(r, e, WR_EPARSE, r->line, "NUL byte in the input");
				skip(r);
				RAW_CHECK();
				if ((rc = add_byte(r, e, c, start)) != 0)
					return rc;
			}
		}
		if ((rc = add_byte(r, e, '\0', start)) != 0)
			return rc;
		nf++;

		if (c == CSV_IOERR)
			return fail(r, e, WR_EIO, r->line, "read error");
		if (c == ',') {
			skip(r);
			RAW_CHECK();
			continue;
		}
		skip_line_end(r); /* or the end of the input */
		break;
	}

	for (size_t i = 0; i < nf; i++)
		r->fields[i] = r->data.ptr + r->offs[i];
	r->rec.n = nf;
	r->rec.fields = r->fields;
	r->rec.line = start;
	return 1;
}

int csv_next(struct csv_reader *r, struct csv_record **rec, struct wr_err *e)
{
	if (rec)
		*rec = NULL;
	if (!r || !rec)
		return wr_err_set(e, WR_EINTERNAL, NULL, "csv_next without a reader");
	if (r->failed) {
		if (e)
			*e = r->err;
		return r->err.code;
	}
	if (!r->started) {
		r->started = 1;
		if (peek_at(r, 0) == 0xEF && peek_at(r, 1) == 0xBB && peek_at(r, 2) == 0xBF)
			r->rpos += 3;
	}
	for (;;) { /* skip empty lines */
		int c = peek(r);
		if (c == CSV_IOERR)
			return fail(r, e, WR_EIO, r->line, "read error");
		if (c == CSV_EOF)
			return 0;
		if (c != '\n' && c != '\r')
			break;
		skip_line_end(r);
	}
	int rc = read_record(r, e);
	if (rc == 1)
		*rec = &r->rec;
	return rc;
}

int csv_header_index(const struct csv_record *header, const char *name)
{
	if (!header || !name || !header->fields)
		return -1;
	size_t nlen = strlen(name);
	for (size_t i = 0; i < header->n && i <= INT_MAX; i++) {
		const char *f = header->fields[i];
		if (!f)
			continue;
		size_t len = strlen(f);
		while (len > 0 && (*f == ' ' || *f == '\t')) {
			f++;
			len--;
		}
		while (len > 0 && (f[len - 1] == ' ' || f[len - 1] == '\t'))
			len--;
		if (len == nlen && memcmp(f, name, len) == 0)
			return (int)i;
	}
	return -1;
}

static int needs_quotes(const char *f, size_t len)
{
	if (len == 0)
		return 0;
	if (f[0] == ' ' || f[0] == '\t' || f[len - 1] == ' ' || f[len - 1] == '\t')
		return 1;
	return strpbrk(f, ",\"\r\n") != NULL;
}

static int is_formula_start(char c)
{
	return c == '=' || c == '+' || c == '-' || c == '@' || c == '\t' || c == '\r';
}

int csv_write_record(FILE *out, const char *const *fields, size_t n)
{
	if (!out)
		return WR_EIO;
	for (size_t i = 0; i < n; i++) {
		const char *f = fields && fields[i] ? fields[i] : "";
		size_t len = strlen(f);
		int quote = needs_quotes(f, len) || (n == 1 && len == 0);
		if (i > 0 && putc(',', out) == EOF)
			return WR_EIO;
		if (quote && putc('"', out) == EOF)
			return WR_EIO;
		if (len > 0 && is_formula_start(f[0]) && putc('\'', out) == EOF)
			return WR_EIO;
		const char *p = f;
		while (*p) {
			const char *q = strchr(p, '"');
			size_t run = q ? (size_t)(q - p) + 1 : strlen(p);
			if (run && fwrite(p, 1, run, out) != run)
				return WR_EIO;
			if (q && putc('"', out) == EOF) /* the second quote of "" */
				return WR_EIO;
			p += run;
		}
		if (quote && putc('"', out) == EOF)
			return WR_EIO;
	}
	if (putc('\n', out) == EOF || ferror(out))
		return WR_EIO;
	return 0;
}
