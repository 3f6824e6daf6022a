/* libFuzzer harness for base/csv: any bytes must read or fail cleanly within
 * the limits, and what was read must survive a write and a second read
 * (fields starting with a formula character come back with a ' in front). */
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/csv.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define MAX_BYTES 4096
#define MAX_FIELDS 64

static int formula_start(char c)
{
	return c == '=' || c == '+' || c == '-' || c == '@' || c == '\t' || c == '\r';
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (size == 0)
		return 0;
	FILE *in = fmemopen((void *)(uintptr_t)data, size, "r");
	if (!in)
		return 0;
	struct csv_reader *r = csv_reader_new(in, MAX_BYTES, MAX_FIELDS);
	if (!r) {
		fclose(in);
		return 0;
	}
	struct csv_record *rec;
	struct wr_err e;
	wr_err_clear(&e);
	int rc;
	long last = 0;
	while ((rc = csv_next(r, &rec, &e)) == 1) {
		if (rec->n == 0 || rec->n > MAX_FIELDS || rec->line <= last)
			abort();
		last = rec->line;
		(void)csv_header_index(rec, "name");

		/* Write, read back, compare. */
		char *text = NULL;
		size_t len = 0;
		FILE *out = open_memstream(&text, &len);
		if (!out)
			break;
		/* A first record, so that a field starting with a BOM is not at the
		 * start of the file (where the reader skips a BOM). */
		static const char *const first[] = {"x"};
		if (csv_write_record(out, first, 1) != 0 ||
		    csv_write_record(out, (const char *const *)rec->fields, rec->n) != 0)
			abort();
		fclose(out);
		FILE *back = fmemopen(text, len, "r");
		struct csv_reader *r2 = back ? csv_reader_new(back, 3 * MAX_BYTES, MAX_FIELDS) : NULL;
		struct csv_record *rec2;
		if (r2) {
			if (csv_next(r2, &rec2, NULL) != 1 || csv_next(r2, &rec2, NULL) != 1 ||
			    rec2->n != rec->n)
				abort();
			for (size_t i = 0; i < rec->n; i++) {
				const char *want = rec->fields[i], *got = rec2->fields[i];
				if (formula_start(want[0])) {
					if (got[0] != '\'')
						abort();
					got++;
				}
				if (strcmp(want, got) != 0)
					abort();
			}
			csv_reader_free(r2);
		}
		if (back)
			fclose(back);
		free(text);
	}
	if (rc < 0 && (e.line <= 0 || e.message[0] == '\0'))
		abort();
	csv_reader_free(r);
	fclose(in);
	return 0;
}
