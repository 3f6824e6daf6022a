/* Loading MISP warninglists (false-positive lists) and flagging the stored
 * indicators that sit on them (docs/intel.md). */
#include "intel/intel.h"

#include <dirent.h>
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "audit/journal.h"
#include "base/embedded.h"
#include "base/timeutil.h"
#include "intel/intel_internal.h"
#include "intel/wlmatch.h"
#include "store/db.h"

#define WARNINGLIST_MAX_BYTES (64u << 20)

int intel_warninglist_reflag(sqlite3 *db, int64_t *flagged, struct wr_err *e)
{
	struct wl_matcher *m;
	int rc = wl_matcher_load(db, &m, e);
	if (rc)
		return rc;
	sqlite3_stmt *sel = NULL, *upd = NULL;
	int64_t n = 0;
	if ((rc = db_prepare(db, "SELECT id, type, value, fp_list FROM indicators", &sel, e)) ||
	    (rc = db_prepare(db, "UPDATE indicators SET fp_list = ?,"
						" version = (SELECT max(version) FROM intel_versions) WHERE id = ?", &upd, e)))
		goto out;
	int step;
	while ((step = sqlite3_step(sel)) == SQLITE_ROW) {
		enum ioc_type t = ioc_type_from_name((const char *)sqlite3_column_text(sel, 1));
		const char *hit = wl_match(m, t, (const char *)sqlite3_column_text(sel, 2));
		const char *was = (const char *)sqlite3_column_text(sel, 3);
		n += hit != NULL;
		if ((!hit && !was) || (hit && was && !strcmp(hit, was)))
			continue;
		sqlite3_reset(upd);
		db_bind_text_or_null(upd, 1, hit);
		sqlite3_bind_int64(upd, 2, sqlite3_column_int64(sel, 0));
		if (sqlite3_step(upd) != SQLITE_DONE) {
			rc = db_fail(db, e);
			goto out;
		}
	}
	if (step != SQLITE_DONE)
		rc = db_fail(db, e);
	if (flagged)
		*flagged = n;
out:
	sqlite3_finalize(sel);
	sqlite3_finalize(upd);
	wl_matcher_free(m);
	return rc;
}

static int read_file(const char *path, char **out, size_t *len, struct wr_err *e)
{
	FILE *f = fopen(path, "rb");
	if (!f)
		return wr_err_set(e, WR_EIO, NULL, "%s: cannot open: %s", path, strerror(errno));
	char *buf = NULL;
	size_t n = 0, cap = 0;
	for (;;) {
		if (n + 65536 + 1 > cap) {
			cap = cap ? cap * 2 : 131072;
			char *p = cap <= WARNINGLIST_MAX_BYTES ? realloc(buf, cap) : NULL;
			if (!p) {
				free(buf);
				fclose(f);
				return wr_err_set(e, WR_ETOOBIG, NULL, "%s: too large or out of memory", path);
			}
			buf = p;
		}
		size_t r = fread(buf + n, 1, 65536, f);
		n += r;
		if (r < 65536)
			break;
	}
	int bad = ferror(f);
	fclose(f);
	if (bad) {
		free(buf);
		return wr_err_set(e, WR_EIO, NULL, "%s: cannot read", path);
	}
	buf[n] = '\0';
	*out = buf;
	*len = n;
	return 0;
}

/* One list.json's text (path names it in errors) inside the caller's
 * transaction. */
static int load_text(sqlite3 *db, const char *path, const char *text, size_t len, int64_t *entries,
		     struct wr_err *e)
{
	int rc;
	json_error_t je;
	json_t *doc = json_loadb(text, len, 0, &je);
	if (!doc) {
		rc = wr_err_set(e, WR_EPARSE, NULL, "%s: line %d, column %d: %s", path, je.line, je.column, je.text);
		e->line = je.line;
		return rc;
	}
	const char *name = json_string_value(json_object_get(doc, "name"));
	const char *type = json_string_value(json_object_get(doc, "type"));
	const json_t *list = json_object_get(doc, "list");
	static const char *const types[] = {"string", "substring", "hostname", "cidr", "regex"};
	int known = 0;
	for (size_t i = 0; type && i < 5; i++)
		known |= !strcmp(type, types[i]);
	if (!name || !*name || !known || !json_is_array(list)) {
		json_decref(doc);
		return wr_err_set(e, WR_EINVAL, NULL,
				  "%s: not a MISP warninglist (needs name, type string|substring|hostname|cidr|regex"
				  " and a list)", path);
	}
	sqlite3_stmt *st = NULL;
	char now[40];
	time_now_rfc3339(now, sizeof now);
	if ((rc = db_prepare(db, "DELETE FROM warninglists WHERE name = ?", &st, e)))
		goto out;
	sqlite3_bind_text(st, 1, name, -1, SQLITE_STATIC);
	if ((rc = db_step_done(db, st, e)) ||
	    (rc = db_prepare(db, "INSERT INTO warninglists (name, type, description, version, loaded_at)"
				 " VALUES (?,?,?,?,?)", &st, e)))
		goto out;
	sqlite3_bind_text(st, 1, name, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 2, type, -1, SQLITE_STATIC);
	db_bind_text_or_null(st, 3, json_string_value(json_object_get(doc, "description")));
	sqlite3_bind_int64(st, 4, json_integer_value(json_object_get(doc, "version")));
	sqlite3_bind_text(st, 5, now, -1, SQLITE_STATIC);
	if ((rc = db_step_done(db, st, e)))
		goto out;
	int64_t list_id = sqlite3_last_insert_rowid(db);
	if ((rc = db_prepare(db, "INSERT OR IGNORE INTO warninglist_entries VALUES (?, lower(trim(?)))", &st, e)))
		goto out;
	size_t i;
	const json_t *x;
	json_array_foreach(list, i, x) {
		const char *v = json_string_value(x);
		if (!v || !*v)
			continue;
		sqlite3_reset(st);
		sqlite3_bind_int64(st, 1, list_id);
		sqlite3_bind_text(st, 2, v, -1, SQLITE_STATIC);
		if (sqlite3_step(st) != SQLITE_DONE) {
			rc = db_fail(db, e);
			goto out;
		}
		(*entries)++;
	}
	sqlite3_finalize(st);
	st = NULL;
out:
	sqlite3_finalize(st);
	json_decref(doc);
	return rc;
}

static int load_one(sqlite3 *db, const char *path, int64_t *entries, struct wr_err *e)
{
	char *text = NULL;
	size_t len = 0;
	int rc = read_file(path, &text, &len, e);
	if (rc)
		return rc;
	rc = load_text(db, path, text, len, entries, e);
	free(text);
	return rc;
}

/* path is a list.json, or a directory searched one level deep
 * (DIR/list.json, DIR/NAME/list.json: the layout of MISP's repository). */
static int load_path(sqlite3 *db, const char *path, int depth, int64_t *lists, int64_t *entries,
		     struct wr_err *e)
{
	struct stat sb;
	if (stat(path, &sb))
		return wr_err_set(e, WR_EIO, NULL, "%s: %s", path, strerror(errno));
	if (!S_ISDIR(sb.st_mode)) {
		int rc = load_one(db, path, entries, e);
		if (!rc)
			(*lists)++;
		return rc;
	}
	if (depth > 1)
		return 0;
	struct dirent **names;
	int n = scandir(path, &names, NULL, alphasort);
	if (n < 0)
		return wr_err_set(e, WR_EIO, NULL, "%s: %s", path, strerror(errno));
	int rc = 0;
	for (int i = 0; i < n; i++) {
		char sub[PATH_MAX];
		const char *d = names[i]->d_name;
		int is_list = !strcmp(d, "list.json");
		if (!rc && d[0] != '.' && snprintf(sub, sizeof sub, "%s/%s", path, d) < (int)sizeof sub) {
			struct stat s2;
			if (!stat(sub, &s2) && (S_ISDIR(s2.st_mode) || is_list))
				rc = load_path(db, sub, depth + 1, lists, entries, e);
		}
		free(names[i]);
	}
	free(names);
	return rc;
}

/* The lists shipped in the binary (data/warninglists/NAME/list.json). */
static int load_embedded(sqlite3 *db, int64_t *lists, int64_t *entries, struct wr_err *e)
{
	static const char prefix[] = "data/warninglists/", suffix[] = "/list.json";
	for (const struct embedded_file *f = embedded_files; f->name; f++) {
		size_t n = strlen(f->name);
		if (strncmp(f->name, prefix, sizeof prefix - 1) || n < sizeof suffix ||
		    strcmp(f->name + n - (sizeof suffix - 1), suffix))
			continue;
		int rc = load_text(db, f->name, (const char *)f->data, f->len, entries, e);
		if (rc)
			return rc;
		(*lists)++;
	}
	return 0;
}

int intel_warninglist_load(sqlite3 *db, const struct actor *a, const char *path, json_t **result,
			   struct wr_err *e)
{
	*result = NULL;
	if (!scope_is_staff(a))
		return wr_err_set(e, WR_EFORBIDDEN, NULL, "only the war room loads false-positive lists");
	int64_t lists = 0, entries = 0, flagged = 0, version;
	int rc = db_begin(db, e);
	if (rc)
		return rc;
	if ((rc = path ? load_path(db, path, 0, &lists, &entries, e) : load_embedded(db, &lists, &entries, e)))
		goto fail;
	if (!path)
		path = "(shipped lists)";
	if (!lists) {
		rc = wr_err_set(e, WR_EINVAL, NULL, "%s: no list.json found", path);
		goto fail;
	}
	json_t *d = json_pack("{s:s, s:I, s:I}", "path", path, "lists", (json_int_t)lists, "entries",
			      (json_int_t)entries);
	rc = intel_next_version(db, "warninglists", &version, e);
	if (!rc)
		rc = intel_warninglist_reflag(db, &flagged, e);
	if (!rc)
		rc = journal_append_named(db, a->name, "intel.warninglists", "warninglist", path, d, e);
	json_decref(d);
	if (rc || (rc = db_commit(db, e)))
		goto fail;
	*result = json_pack("{s:I, s:I, s:I}", "lists", (json_int_t)lists, "entries", (json_int_t)entries,
			    "flagged", (json_int_t)flagged);
	return *result ? 0 : wr_err_set(e, WR_ENOMEM, NULL, "out of memory");
fail:
	db_rollback(db);
	return rc;
}
