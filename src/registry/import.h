/* CSV import of the registry: organisations, contacts, provider clients and
 * assets (the columns are in docs/csv.md).
 *
 * All or nothing: the whole file runs in one transaction; every line goes
 * through the domain functions of registry.h (which validate, canonicalise
 * and journal, nesting as savepoints), every error is collected with its
 * CSV line and column, and when there is any the transaction is rolled
 * back, so nothing is written. Importing the same file twice writes nothing
 * the second time: a line whose object is already stored is skipped and
 * counted (idempotent). */
#ifndef WR_REGISTRY_IMPORT_H
#define WR_REGISTRY_IMPORT_H

#include <sqlite3.h>
#include <stddef.h>
#include <stdio.h>

#include "base/err.h"
#include "store/scope.h"

enum import_kind { IMPORT_ORGS, IMPORT_CONTACTS, IMPORT_PROVIDERS, IMPORT_ASSETS };

/* Hard limits for hostile input. */
#define IMPORT_MAX_RECORD_BYTES (64 * 1024)
#define IMPORT_MAX_FIELDS 64
#define IMPORT_MAX_LINES 100000 /* data records in one file */
#define IMPORT_MAX_MESSAGES 1000 /* errors (and notes) kept; the rest are only counted */

/* One message about one CSV line: line 0 is about the file as a whole.
 * column is the CSV column name ("" when the message is about the line). */
struct import_msg {
	long line;
	char column[64];
	char message[256];
};

struct import_result {
	enum import_kind kind;
	size_t lines;            /* data records read */
	size_t imported;         /* objects written (orgs, contacts, provider clients, assets) */
	size_t skipped_same;     /* lines identical to what is stored */
	size_t skipped_differs;  /* lines whose object is stored with other values (not changed) */
	size_t providers_created;/* providers import: providers that did not exist */
	struct import_msg *errors; /* in line order; at most IMPORT_MAX_MESSAGES */
	size_t n_errors;         /* kept */
	size_t total_errors;     /* counted (>= n_errors) */
	struct import_msg *notes;  /* one per skipped_differs line: which column differs */
	size_t n_notes;
};

/* "orgs", "contacts", "providers", "assets" -> kind. 0 or WR_EINVAL. */
int import_kind_parse(const char *s, enum import_kind *out);
const char *import_kind_name(enum import_kind k);
/* The header columns of kind, NULL-ended (also what export writes). */
const char *const *import_columns(enum import_kind k);

/* Reads CSV from in (borrowed) and imports it as actor a.
 * 0: committed, r says what was done.
 * WR_EINVAL: the file has errors (r->errors, r->total_errors); nothing was
 *   written; e says how many.
 * Another negative code: the import could not run (database, memory); e
 *   says why; nothing was written.
 * The caller releases r with import_result_release() in every case. */
int registry_import_csv(sqlite3 *db, const struct actor *a, enum import_kind kind, FILE *in,
			struct import_result *r, struct wr_err *e);
void import_result_release(struct import_result *r);

/* Prints what an import did, one line each ("imported 3 contacts",
 * "skipped 2 contacts (already stored)") to out, and the notes of r as
 * "FILE:LINE: column: message" to err. */
void import_result_print(const struct import_result *r, const char *file, FILE *out, FILE *err);
/* Prints every error as "FILE:LINE: column: message" (without "column: "
 * when the error is about the whole line) and, when some were not kept,
 * how many more there were. */
void import_errors_print(const struct import_result *r, const char *file, FILE *err);

#endif
