/* CSV (RFC 4180) reader and writer, for imports and exports that people
 * open in spreadsheets.
 *
 * Reading: comma-separated fields; a field may be quoted ("...") and then
 * holds commas, line breaks and "" for one quote. Accepted beyond the RFC: a
 * UTF-8 byte order mark at the start (skipped), LF as well as CRLF (and a
 * lone CR) line ends, a last line without a line end. Empty lines are
 * skipped. Line numbers count physical lines, so a record after a quoted
 * field with line breaks gets the line a text editor shows. The reader
 * checks structure only: the bytes of a field are returned as they are
 * (callers check UTF-8 where they need text).
 *
 * Refused, with e->line set: a quoted field that is never closed (the line
 * where it opened), text after a closing quote, a quote in the middle of an
 * unquoted field, a NUL byte, a record longer than max_record_bytes (all
 * bytes of the record, quotes and commas included, line end excluded) or
 * with more than max_fields fields. After an error the reader stops: every
 * later csv_next() returns the same error.
 *
 * Writing: see csv_write_record(). */
#ifndef WR_BASE_CSV_H
#define WR_BASE_CSV_H

#include <stddef.h>
#include <stdio.h>

#include "base/err.h"

struct csv_reader; /* opaque */

struct csv_record {
	size_t n;      /* number of fields, >= 1 */
	char **fields; /* n NUL-terminated fields, owned by the reader */
	long line;     /* 1-based physical line where the record starts */
};

/* Reads from in (borrowed: the caller closes it after csv_reader_free()).
 * max_record_bytes 0 means 1 MiB, max_fields 0 means 1024. The caller frees
 * the reader with csv_reader_free(). NULL when memory runs out or in is
 * NULL. */
struct csv_reader *csv_reader_new(FILE *in, size_t max_record_bytes, size_t max_fields);

/* 1 and *rec set to the next record (owned by the reader, valid until the
 * next call or csv_reader_free()); 0 at the end of the input; or a negative
 * code with e filled (e->line set): WR_EPARSE for a malformed document,
 * WR_ETOOBIG for a limit, WR_EIO for a read error, WR_ENOMEM. */
int csv_next(struct csv_reader *r, struct csv_record **rec, struct wr_err *e);

void csv_reader_free(struct csv_reader *r);

/* The index of the column whose header, trimmed of surrounding spaces and
 * tabs, is exactly name; the first one when several are; -1 when none. */
int csv_header_index(const struct csv_record *header, const char *name);

/* Writes one record of n fields (a NULL field is written as empty) and "\n".
 * Lines end with "\n", not the RFC's "\r\n": the files are for Unix tools
 * as much as for spreadsheets, and every spreadsheet reads both.
 *
 * A field is quoted when it holds a comma, a quote (written as ""), CR or
 * LF, or begins or ends with a space or tab. A record of one empty field is
 * written as "" so that it is not read back as an empty line (which readers
 * skip); a record of zero fields is an empty line.
 *
 * Formula injection: a spreadsheet runs a cell that begins with = + - @
 * (and some begin with TAB or CR) as a formula, so a hostile value such as
 * =HYPERLINK(...) in an export could act when an analyst opens the file.
 * Such a field is written with a single quote ' in front ("'=1+2",
 * "'-5"), which spreadsheets show as text. The prefix is part of the data:
 * reading the file back yields the field with the '. Callers that need exact
 * round trips of such values must not use this writer for them.
 *
 * 0, or WR_EIO when writing fails. With a buffered stream a failure may
 * show only at fflush() or fclose(): check those too. */
int csv_write_record(FILE *out, const char *const *fields, size_t n);

#endif
