/* The feed import driver (vulns/feeds.h): one transaction, a savepoint per
 * file so that a refused file leaves nothing behind, matching and the
 * journal at the end. */
#include "vulns/feeds_internal.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "audit/journal.h"
#include "base/timeutil.h"
#include "store/db.h"

static const char *const kind_names[] = {"kev", "cve", "nvd"};

void feed_result_release(struct feed_result *r)
{
	json_decref(r->errors);
	r->errors = NULL;
}

int feed_kind_parse(const char *s, enum feed_kind *kind)
{
	for (int i = 0; i < 3; i++)
		if (!strcmp(s, kind_names[i]))
			return *kind = (enum feed_kind)i, 0;
	return -1;
}

int feed_cve_id_ok(const char *s)
{
	if (strncmp(s, "CVE-", 4) != 0)
		return 0;
	size_t y = strspn(s + 4, "0123456789");
	if (y != 4 || s[8] != '-')
		return 0;
	size_t n = strspn(s + 9, "0123456789");
	return n >= 4 && n <= 12 && s[9 + n] == '\0';
}

int feed_skip(struct feed_import *fi, const char *at, const char *fmt, ...)
{
	char msg[300];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(msg, sizeof msg, fmt, ap);
	va_end(ap);
	fi->r.skipped++;
	json_t *x = json_pack("{s:s, s:s, s:s}", "file", fi->doc ? fi->doc : "", "at", at, "message", msg);
	if (!x || json_array_append_new(fi->r.errors, x))
		return WR_ENOMEM;
	return 0;
}

int feed_touch(struct feed_import *fi, const char *cve_id)
{
	return json_object_set_new(fi->doc_touched, cve_id, json_true()) ? WR_ENOMEM : 0;
}

int feed_first(struct feed_import *fi, const char *at, const char *cve_id)
{
	if (json_object_get(fi->seen, cve_id) || json_object_get(fi->doc_seen, cve_id)) {
		int rc = feed_skip(fi, at, "%s was read before in this import (the first one counts)", cve_id);
		return rc ? rc : 0;
	}
	return json_object_set_new(fi->doc_seen, cve_id, json_true()) ? WR_ENOMEM : 1;
}

static void import_free(struct feed_import *fi)
{
	feed_result_release(&fi->r);
	json_decref(fi->touched);
	json_decref(fi->doc_touched);
	json_decref(fi->seen);
	json_decref(fi->doc_seen);
	free(fi);
}

int feed_import_begin(sqlite3 *db, const struct actor *a, enum feed_kind kind,
		      struct feed_import **out, struct wr_err *e)
{
	*out = NULL;
	if (!scope_is_staff(a))
		return wr_err_set(e, WR_EFORBIDDEN, NULL, "only the war room imports vulnerability feeds");
	struct feed_import *fi = calloc(1, sizeof *fi);
	if (!fi)
		return wr_err_set(e, WR_ENOMEM, NULL, "out of memory");
	fi->db = db;
	fi->actor = a;
	fi->kind = kind;
	time_format_rfc3339((time_t)time_now(), fi->now, sizeof fi->now);
	fi->r.errors = json_array();
	fi->touched = json_object();
	fi->seen = json_object();
	if (!fi->r.errors || !fi->touched || !fi->seen) {
		import_free(fi);
		return wr_err_set(e, WR_ENOMEM, NULL, "out of memory");
	}
	int rc = db_begin(db, e);
	if (rc) {
		import_free(fi);
		return rc;
	}
	*out = fi;
	return 0;
}

int feed_import_doc(struct feed_import *fi, const char *name, const char *text, size_t len,
		    struct wr_err *e)
{
	struct feed_result saved = fi->r;
	size_t nerr = json_array_size(fi->r.errors);
	fi->doc = name;
	fi->doc_touched = json_object();
	fi->doc_seen = json_object();
	if (!fi->doc_touched || !fi->doc_seen) {
		json_decref(fi->doc_touched);
		json_decref(fi->doc_seen);
		fi->doc_touched = fi->doc_seen = NULL;
		return wr_err_set(e, WR_ENOMEM, NULL, "out of memory");
	}
	int rc = db_exec(fi->db, "SAVEPOINT feed_doc", e);
	if (!rc) {
		if (memchr(text, '\0', len))
			rc = wr_err_set(e, WR_EPARSE, "file", "%s: holds a NUL byte: not a feed file", name);
		else if (fi->kind == FEED_KEV)
			rc = kev_read(fi, text, len, e);
		else if (fi->kind == FEED_CVE5)
			rc = cve5_read(fi, text, len, e);
		else
			rc = nvd_read(fi, text, len, e);
		if (rc == WR_ENOMEM && !e->message[0])
			wr_err_set(e, rc, NULL, "out of memory");
		if (rc) {
			/* nothing of a refused file stays: rows, counts, errors */
			struct wr_err ignore;
			db_exec(fi->db, "ROLLBACK TO feed_doc", &ignore);
			db_exec(fi->db, "RELEASE feed_doc", &ignore);
			json_t *errors = fi->r.errors;
			fi->r = saved;
			fi->r.errors = errors;
			while (json_array_size(errors) > nerr)
				json_array_remove(errors, json_array_size(errors) - 1);
		} else {
			rc = db_exec(fi->db, "RELEASE feed_doc", e);
			if (!rc && (json_object_update(fi->touched, fi->doc_touched) ||
				    json_object_update(fi->seen, fi->doc_seen)))
				rc = wr_err_set(e, WR_ENOMEM, NULL, "out of memory");
		}
	}
	json_decref(fi->doc_touched);
	json_decref(fi->doc_seen);
	fi->doc_touched = fi->doc_seen = NULL;
	fi->doc = NULL;
	return rc;
}

int feed_import_end(struct feed_import *fi, int commit, struct feed_result *r, struct wr_err *e)
{
	int rc = 0;
	if (commit)
		rc = swmatch_run(fi, e);
	if (commit && !rc && (fi->r.added || fi->r.changed || fi->r.matched)) {
		const char *feed = fi->saved_software ? "software" : kind_names[fi->kind];
		json_t *d = json_pack("{s:s, s:I, s:I, s:I, s:I, s:I, s:I}", "feed", feed,
				      "added", (json_int_t)fi->r.added, "changed", (json_int_t)fi->r.changed,
				      "skipped", (json_int_t)fi->r.skipped, "opened", (json_int_t)fi->r.opened,
				      "refreshed", (json_int_t)fi->r.refreshed, "reopened",
				      (json_int_t)fi->r.reopened);
		rc = d ? journal_append_named(fi->db, fi->actor->name,
					      fi->saved_software ? "vulns.software_match" : "vulns.feed_import",
					      "feed", feed, d, e)
		       : wr_err_set(e, WR_ENOMEM, NULL, "out of memory");
		json_decref(d);
	}
	if (commit && !rc)
		rc = db_commit(fi->db, e);
	if (!commit || rc)
		db_rollback(fi->db);
	*r = fi->r;
	fi->r.errors = NULL; /* now the caller's */
	import_free(fi);
	return rc;
}

int feed_match_saved_software(sqlite3 *db, const char *who, struct feed_result *r, struct wr_err *e)
{
	/* The matching is the war room's rule, whoever saved the asset (a
	 * SPOC may enter its town's inventory). */
	struct actor sys = {.role = ROLE_SYSTEM};
	snprintf(sys.name, sizeof sys.name, "%s", who);
	struct feed_import *fi;
	memset(r, 0, sizeof *r);
	int rc = feed_import_begin(db, &sys, FEED_KEV, &fi, e);
	if (rc)
		return rc;
	fi->saved_software = 1;
	return feed_import_end(fi, 1, r, e);
}

int feed_kev_list(sqlite3 *db, const char *cve, const char *vendor, int ransomware, int limit,
		  int64_t cursor, json_t **items, int64_t *next_cursor, struct wr_err *e)
{
	sqlite3_stmt *st;
	int rc = db_prepare(db,
			    "SELECT id, cve_id AS cve, vendor, product, name, description, date_added,"
			    " due_date, required_action, ransomware, notes, updated_at FROM vuln_kev"
			    " WHERE (?1 IS NULL OR cve_id = upper(?1))"
			    " AND (?2 IS NULL OR vendor = ?2 COLLATE NOCASE)"
			    " AND (?3 < 0 OR ransomware = ?3) AND (?4 = 0 OR (date_added, id) <"
			    " (SELECT date_added, id FROM vuln_kev WHERE id = ?4))"
			    " ORDER BY date_added DESC, id DESC LIMIT ?5",
			    &st, e);
	if (rc)
		return rc;
	db_bind_text_or_null(st, 1, cve);
	db_bind_text_or_null(st, 2, vendor);
	sqlite3_bind_int(st, 3, ransomware);
	sqlite3_bind_int64(st, 4, cursor);
	sqlite3_bind_int(st, 5, limit + 1);
	rc = db_page(db, st, limit, NULL, items, next_cursor, e);
	/* ransomware as a boolean */
	for (size_t i = 0; !rc && i < json_array_size(*items); i++) {
		json_t *o = json_array_get(*items, i);
		json_object_set_new(o, "ransomware",
				    json_boolean(json_integer_value(json_object_get(o, "ransomware"))));
	}
	return rc;
}
