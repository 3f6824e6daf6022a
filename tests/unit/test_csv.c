/* CSV reader and writer: what spreadsheets and people produce, and what a
 * hostile file must not do. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/csv.h"

struct doc {
	FILE *f;
	struct csv_reader *r;
	struct wr_err e;
};

/* Opens a reader on the first len bytes of text (len may include NULs). */
static void doc_open(struct doc *d, const char *text, size_t len, size_t max_bytes, size_t max_fields)
{
	d->f = fmemopen((void *)(uintptr_t)text, len, "r");
	assert_non_null(d->f);
	d->r = csv_reader_new(d->f, max_bytes, max_fields);
	assert_non_null(d->r);
	wr_err_clear(&d->e);
}

static void doc_close(struct doc *d)
{
	csv_reader_free(d->r);
	fclose(d->f);
}

/* Reads the next record and checks its line and fields (NULL-terminated). */
static void expect(struct doc *d, long line, ...)
{
	struct csv_record *rec = NULL;
	int rc = csv_next(d->r, &rec, &d->e);
	if (rc != 1)
		fail_msg("expected a record on line %ld, got %d: %s (line %d)", line, rc,
			 d->e.message, d->e.line);
	assert_int_equal(rec->line, line);
	va_list ap;
	va_start(ap, line);
	size_t i = 0;
	for (const char *want; (want = va_arg(ap, const char *)) != NULL; i++) {
		if (i >= rec->n)
			fail_msg("line %ld: only %zu fields", line, rec->n);
		assert_string_equal(rec->fields[i], want);
	}
	va_end(ap);
	assert_int_equal(rec->n, i);
}

static void expect_end(struct doc *d)
{
	struct csv_record *rec = (struct csv_record *)1;
	assert_int_equal(csv_next(d->r, &rec, &d->e), 0);
	assert_null(rec);
	/* And it stays at the end. */
	assert_int_equal(csv_next(d->r, &rec, &d->e), 0);
}

static void expect_error(struct doc *d, int code, int line, const char *word)
{
	struct csv_record *rec = (struct csv_record *)1;
	int rc = csv_next(d->r, &rec, &d->e);
	if (rc != code)
		fail_msg("expected error %d, got %d (%s)", code, rc, d->e.message);
	assert_null(rec);
	assert_int_equal(d->e.code, code);
	assert_int_equal(d->e.line, line);
	if (!strstr(d->e.message, word))
		fail_msg("message \"%s\" lacks \"%s\"", d->e.message, word);
	/* The reader stops: the same error again. */
	struct wr_err again;
	wr_err_clear(&again);
	assert_int_equal(csv_next(d->r, &rec, &again), code);
	assert_int_equal(again.line, line);
	assert_string_equal(again.message, d->e.message);
}

#define TEXT(s) (s), sizeof(s) - 1

static void test_basic(void **state)
{
	(void)state;
	struct doc d;
	doc_open(&d, TEXT("name,email\nAalst,info@aalst.be\n,\nx,\n"), 0, 0);
	expect(&d, 1, "name", "email", NULL);
	expect(&d, 2, "Aalst", "info@aalst.be", NULL);
	expect(&d, 3, "", "", NULL);
	expect(&d, 4, "x", "", NULL);
	expect_end(&d);
	doc_close(&d);

	doc_open(&d, TEXT(""), 0, 0);
	expect_end(&d);
	doc_close(&d);
}

static void test_bom_crlf_final_line(void **state)
{
	(void)state;
	struct doc d;
	/* Excel's "CSV UTF-8": BOM, CRLF, last line without a line end. */
	doc_open(&d, TEXT("\xEF\xBB\xBFgemeente,nis\r\nGent,44021\r\nAalst,41002"), 0, 0);
	expect(&d, 1, "gemeente", "nis", NULL);
	expect(&d, 2, "Gent", "44021", NULL);
	expect(&d, 3, "Aalst", "41002", NULL);
	expect_end(&d);
	doc_close(&d);

	/* A BOM later in the file is data, not skipped. */
	doc_open(&d, TEXT("a\n\xEF\xBB\xBF" "b\n"), 0, 0);
	expect(&d, 1, "a", NULL);
	expect(&d, 2, "\xEF\xBB\xBF" "b", NULL);
	expect_end(&d);
	doc_close(&d);

	/* Only a BOM. */
	doc_open(&d, TEXT("\xEF\xBB\xBF"), 0, 0);
	expect_end(&d);
	doc_close(&d);

	/* Old Mac line ends (lone CR). */
	doc_open(&d, TEXT("a\rb\r\rc"), 0, 0);
	expect(&d, 1, "a", NULL);
	expect(&d, 2, "b", NULL);
	expect(&d, 4, "c", NULL);
	expect_end(&d);
	doc_close(&d);
}

static void test_empty_lines_skipped(void **state)
{
	(void)state;
	struct doc d;
	doc_open(&d, TEXT("\n\na,b\n\r\n\nc,d\n\n"), 0, 0);
	expect(&d, 3, "a", "b", NULL);
	expect(&d, 6, "c", "d", NULL);
	expect_end(&d);
	doc_close(&d);
}

static void test_quoted(void **state)
{
	(void)state;
	struct doc d;
	doc_open(&d,
		 TEXT("\"a,b\",\"say \"\"hi\"\"\",\"\",\"\"\"\"\n"
		      "\"x\"\r\n"
		      "\"last\""),
		 0, 0);
	expect(&d, 1, "a,b", "say \"hi\"", "", "\"", NULL);
	expect(&d, 2, "x", NULL);
	expect(&d, 3, "last", NULL);
	expect_end(&d);
	doc_close(&d);
}

static void test_embedded_newlines_keep_line_numbers(void **state)
{
	(void)state;
	struct doc d;
	doc_open(&d,
		 TEXT("id,note\n"
		      "1,\"first line\nsecond line\nthird\"\n"
		      "2,plain\n"
		      "3,\"crlf\r\ninside\"\r\n"
		      "4,end\n"),
		 0, 0);
	expect(&d, 1, "id", "note", NULL);
	expect(&d, 2, "1", "first line\nsecond line\nthird", NULL);
	expect(&d, 5, "2", "plain", NULL);
	expect(&d, 6, "3", "crlf\r\ninside", NULL);
	expect(&d, 8, "4", "end", NULL);
	expect_end(&d);
	doc_close(&d);
}

static void test_unterminated_quote(void **state)
{
	(void)state;
	struct doc d;
	doc_open(&d, TEXT("a,b\nc,\"opened here\nand never\nclosed\n"), 0, 0);
	expect(&d, 1, "a", "b", NULL);
	expect_error(&d, WR_EPARSE, 2, "unterminated quoted field");
	assert_non_null(strstr(d.e.message, "line 2"));
	doc_close(&d);

	doc_open(&d, TEXT("\""), 0, 0);
	expect_error(&d, WR_EPARSE, 1, "unterminated quoted field");
	doc_close(&d);
}

static void test_malformed(void **state)
{
	(void)state;
	struct doc d;
	doc_open(&d, TEXT("ok\nab\"c,d\n"), 0, 0);
	expect(&d, 1, "ok", NULL);
	expect_error(&d, WR_EPARSE, 2, "quote in the middle of an unquoted field");
	doc_close(&d);

	doc_open(&d, TEXT("\"a\"b,c\n"), 0, 0);
	expect_error(&d, WR_EPARSE, 1, "after the closing quote");
	doc_close(&d);

	/* A space before the opening quote makes the quote a stray one. */
	doc_open(&d, TEXT("a, \"b\"\n"), 0, 0);
	expect_error(&d, WR_EPARSE, 1, "quote in the middle");
	doc_close(&d);

	static const char nul[] = "a,b\nc\0d,e\n";
	doc_open(&d, nul, sizeof nul - 1, 0, 0);
	expect(&d, 1, "a", "b", NULL);
	expect_error(&d, WR_EPARSE, 2, "NUL byte");
	doc_close(&d);

	static const char nulq[] = "x\n\n\"a\nb\0\"\n";
	doc_open(&d, nulq, sizeof nulq - 1, 0, 0);
	expect(&d, 1, "x", NULL);
	expect_error(&d, WR_EPARSE, 4, "NUL byte");
	doc_close(&d);
}

static void test_limits(void **state)
{
	(void)state;
	struct doc d;
	/* 10 bytes is fine, 11 is not; commas and quotes count. */
	doc_open(&d, TEXT("0123456789\n\"12345678\"\n01234,6789\nok\n0123,567890\n"), 10, 0);
	expect(&d, 1, "0123456789", NULL);
	expect(&d, 2, "12345678", NULL);
	expect(&d, 3, "01234", "6789", NULL);
	expect(&d, 4, "ok", NULL);
	expect_error(&d, WR_ETOOBIG, 5, "record longer than 10 bytes");
	doc_close(&d);

	doc_open(&d, TEXT("a,b,c\n,,\nmore,than,three,fields\n"), 0, 3);
	expect(&d, 1, "a", "b", "c", NULL);
	expect(&d, 2, "", "", "", NULL);
	expect_error(&d, WR_ETOOBIG, 3, "more than 3 fields");
	doc_close(&d);

	/* A huge quoted field stops at the limit instead of eating memory; the
	 * error names the line where the record started. */
	size_t big = 3 * 1024 * 1024;
	char *text = malloc(big);
	assert_non_null(text);
	memcpy(text, "h\n\"", 3);
	memset(text + 3, '\n', big - 3);
	doc_open(&d, text, big, 1000, 0);
	expect(&d, 1, "h", NULL);
	expect_error(&d, WR_ETOOBIG, 2, "record longer than 1000 bytes");
	doc_close(&d);

	/* Many commas: bounded by the field limit. */
	memset(text, ',', big);
	doc_open(&d, text, big, big + 10, 100);
	expect_error(&d, WR_ETOOBIG, 1, "more than 100 fields");
	doc_close(&d);

	/* The defaults: 1 MiB per record. */
	memset(text, 'x', big);
	doc_open(&d, text, big, 0, 0);
	expect_error(&d, WR_ETOOBIG, 1, "record longer than 1048576 bytes");
	doc_close(&d);
	free(text);
}

static void test_header_index(void **state)
{
	(void)state;
	struct doc d;
	doc_open(&d, TEXT("\xEF\xBB\xBF Name ,email,\tphone\t,email,\n"), 0, 0);
	struct csv_record *h = NULL;
	assert_int_equal(csv_next(d.r, &h, &d.e), 1);
	assert_int_equal(csv_header_index(h, "Name"), 0);
	assert_int_equal(csv_header_index(h, "email"), 1);
	assert_int_equal(csv_header_index(h, "phone"), 2);
	assert_int_equal(csv_header_index(h, "name"), -1);
	assert_int_equal(csv_header_index(h, "mail"), -1);
	assert_int_equal(csv_header_index(h, ""), 4);
	assert_int_equal(csv_header_index(NULL, "x"), -1);
	doc_close(&d);
}

/* Writes the records and returns the text (caller frees). */
static char *write_all(const char *const *const *recs, const size_t *ns, size_t count)
{
	char *text = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&text, &len);
	assert_non_null(f);
	for (size_t i = 0; i < count; i++)
		assert_int_equal(csv_write_record(f, recs[i], ns[i]), 0);
	assert_int_equal(fclose(f), 0);
	return text;
}

static char *write_one(const char *const *fields, size_t n)
{
	const char *const *recs[] = {fields};
	size_t ns[] = {n};
	return write_all(recs, ns, 1);
}

static void test_write_quoting(void **state)
{
	(void)state;
	const char *f[] = {"plain", "a,b", "say \"hi\"", "two\nlines", " lead", "trail ", "", NULL, "x\ry"};
	char *t = write_one(f, 9);
	assert_string_equal(t, "plain,\"a,b\",\"say \"\"hi\"\"\",\"two\nlines\",\" lead\",\"trail \",,,\"x\ry\"\n");
	free(t);

	const char *one_empty[] = {""};
	t = write_one(one_empty, 1);
	assert_string_equal(t, "\"\"\n");
	free(t);

	t = write_one(NULL, 0);
	assert_string_equal(t, "\n");
	free(t);
}

static void test_write_defuses_formulas(void **state)
{
	(void)state;
	const char *f[] = {"=HYPERLINK(\"http://evil\",\"x\")", "+32 499", "-5", "@SUM(A1)",
			   "\tx", "\rx", "a=b", "=1,2"};
	char *t = write_one(f, 8);
	assert_string_equal(t,
			    "\"'=HYPERLINK(\"\"http://evil\"\",\"\"x\"\")\",'+32 499,'-5,'@SUM(A1),"
			    "\"'\tx\",\"'\rx\",a=b,\"'=1,2\"\n");
	free(t);
}

static void test_write_error(void **state)
{
	(void)state;
	FILE *f = fopen("/dev/full", "w");
	if (!f)
		skip();
	setvbuf(f, NULL, _IONBF, 0);
	const char *fields[] = {"a", "b"};
	assert_int_equal(csv_write_record(f, fields, 2), WR_EIO);
	fclose(f);
	assert_int_equal(csv_write_record(NULL, fields, 2), WR_EIO);
}

static void test_round_trip(void **state)
{
	(void)state;
	const char *r0[] = {"gemeente", "contact", "note"};
	const char *r1[] = {"Sint-Niklaas", "Jan \"JP\" Peeters", "line one\nline two\r\nline three"};
	const char *r2[] = {"", "", ""};
	const char *r3[] = {""};
	const char *r4[] = {" spaced ", "comma, inside", "Bücher ☃"};
	const char *r5[] = {"after", "the", "multiline"};
	const char *const *recs[] = {r0, r1, r2, r3, r4, r5};
	size_t ns[] = {3, 3, 3, 1, 3, 3};
	char *text = write_all(recs, ns, 6);

	struct doc d;
	doc_open(&d, text, strlen(text), 0, 0);
	expect(&d, 1, "gemeente", "contact", "note", NULL);
	expect(&d, 2, "Sint-Niklaas", "Jan \"JP\" Peeters", "line one\nline two\r\nline three", NULL);
	expect(&d, 5, "", "", "", NULL);
	expect(&d, 6, "", NULL);
	expect(&d, 7, " spaced ", "comma, inside", "Bücher ☃", NULL);
	expect(&d, 8, "after", "the", "multiline", NULL);
	expect_end(&d);
	doc_close(&d);
	free(text);

	/* A defused formula comes back with its quote: the prefix is data. */
	const char *danger[] = {"=1+2", "ok"};
	text = write_one(danger, 2);
	doc_open(&d, text, strlen(text), 0, 0);
	expect(&d, 1, "'=1+2", "ok", NULL);
	expect_end(&d);
	doc_close(&d);
	free(text);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_basic),
		cmocka_unit_test(test_bom_crlf_final_line),
		cmocka_unit_test(test_empty_lines_skipped),
		cmocka_unit_test(test_quoted),
		cmocka_unit_test(test_embedded_newlines_keep_line_numbers),
		cmocka_unit_test(test_unterminated_quote),
		cmocka_unit_test(test_malformed),
		cmocka_unit_test(test_limits),
		cmocka_unit_test(test_header_index),
		cmocka_unit_test(test_write_quoting),
		cmocka_unit_test(test_write_defuses_formulas),
		cmocka_unit_test(test_write_error),
		cmocka_unit_test(test_round_trip),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
