/* CSV export of the registry, in the columns the import reads
 * (import_columns(), docs/csv.md), so that export -> import into another
 * database gives the same rows. */
#ifndef WR_REGISTRY_EXPORT_H
#define WR_REGISTRY_EXPORT_H

#include <sqlite3.h>
#include <stddef.h>
#include <stdio.h>

#include "base/err.h"
#include "registry/import.h"
#include "store/scope.h"

struct export_result {
	size_t rows;        /* data rows written (the header not counted) */
	size_t by_id_rows;  /* rows that name an organisation by its id, which is not
			       portable: it has no NIS code or unique name valid today */
};

/* Writes the header and one row per object the actor can see to out
 * (borrowed). Organisations are named by NIS code when they have one valid
 * today, else by their name when it is unique among those valid today, else
 * by id. The orgs export leaves out the providers (they travel in the
 * providers export). 0, or a negative code with e filled (WR_EIO when
 * writing fails). */
int registry_export_csv(sqlite3 *db, const struct actor *a, enum import_kind kind, FILE *out,
			struct export_result *r, struct wr_err *e);

#endif
