/* The indicator store: imports merged into one row per (type, value), and
 * TLP-aware listing (intel/store.h, docs/intel.md). */
#include "intel/store.h"

#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "audit/journal.h"
#include "base/timeutil.h"
#include "store/db.h"

static const char *const tlps[] = {"CLEAR", "GREEN", "AMBER", "AMBER+STRICT", "RED"};

static int tlp_rank(const char *t)
{
	for (int i = 0; i < 5; i++)
		if (t && !strcmp(t, tlps[i]))
			return i;
	return -1;
}

int intel_tlp_visible(const struct actor *a, const char *tlp)
{
	int r = tlp_rank(tlp);
	if (r < 0)
		return 0;
	if (scope_is_staff(a))
		return 1;
	if (a->role == ROLE_SPOC)
		return r <= 2; /* CLEAR, GREEN, AMBER */
	if (a->role == ROLE_PROVIDER)
		return r <= 1; /* a supplier, not a client: AMBER only when addressed */
	return 0;
}

void intel_import_result_release(struct intel_import_result *r)
{
	json_decref(r->skipped);
	r->skipped = NULL;
}

static void on_skip(void *arg, const struct ioc_skip *k)
{
	json_array_append_new((json_t *)arg, json_pack("{s:I, s:s, s:s}", "line", (json_int_t)k->line,
						       "id", k->id, "reason", k->reason));
}

/* The TLP a tag names ("tlp:amber+strict", TLP 1.0 "tlp:white" = CLEAR), or -1. */
static int tag_tlp(const char *tag)
{
	if (strncasecmp(tag, "tlp:", 4))
		return -1;
	if (!strcasecmp(tag + 4, "white"))
		return 0;
	for (int i = 0; i < 5; i++)
		if (!strcasecmp(tag + 4, tlps[i]))
			return i;
	return -1;
}

static void new_uuid(char out[37])
{
	unsigned char b[16];
	randombytes_buf(b, sizeof b);
	b[6] = (unsigned char)((b[6] & 0x0f) | 0x40);
	b[8] = (unsigned char)((b[8] & 0x3f) | 0x80);
	snprintf(out, 37, "%02x%02x%02x%02x-%02x%02x-%02x%02x-%02x%02x-%02x%02x%02x%02x%02x%02x",
		 b[0], b[1], b[2], b[3], b[4], b[5], b[6], b[7], b[8], b[9], b[10], b[11], b[12],
		 b[13], b[14], b[15]);
}

enum { Q_FIND, Q_INSERT, Q_TOUCH, Q_LABEL, Q_STRICTER, Q_N };

static const char *const import_sql[Q_N] = {
	"SELECT id, tlp FROM indicators WHERE type = ?1 AND value = ?2",
	("INSERT INTO indicators (uuid, type, value, tlp, first_seen, last_seen, created_at, updated_at)"
	 " VALUES (?1, ?2, ?3, ?4, ?5, ?5, ?5, ?5)"),
	"UPDATE indicators SET last_seen = ?2, updated_at = ?2 WHERE id = ?1",
	"INSERT OR IGNORE INTO indicator_labels (indicator_id, kind, text) VALUES (?1, ?2, ?3)",
	"UPDATE indicators SET tlp = ?2 WHERE id = ?1",
};

/* Merges indicator i of set; counts in r. */
static int merge_one(sqlite3 *db, sqlite3_stmt **q, const struct ioc_set *set, uint32_t i,
		     int tlp_default, const char *now, struct intel_import_result *r,
		     struct wr_err *e)
{
	enum ioc_type t = ioc_set_type(set, i);
	const char *value = ioc_set_value(set, i, NULL), *label;
	int tlp = -1;
	uint32_t cur = 0;
	while ((label = ioc_set_next_label(set, i, 1, &cur)))
		if (tag_tlp(label) > tlp)
			tlp = tag_tlp(label);
	if (tlp < 0)
		tlp = tlp_default;
	for (int k = 0; k < Q_N; k++)
		sqlite3_reset(q[k]);
	sqlite3_bind_text(q[Q_FIND], 1, ioc_type_name(t), -1, SQLITE_STATIC);
	sqlite3_bind_text(q[Q_FIND], 2, value, -1, SQLITE_STATIC);
	int64_t id = 0;
	int old_tlp = -1, rc = sqlite3_step(q[Q_FIND]);
	if (rc == SQLITE_ROW) {
		id = sqlite3_column_int64(q[Q_FIND], 0);
		old_tlp = tlp_rank((const char *)sqlite3_column_text(q[Q_FIND], 1));
	} else if (rc != SQLITE_DONE) {
		return db_fail(db, e);
	}
	int changed = 0;
	if (!id) {
		char uuid[37];
		new_uuid(uuid);
		sqlite3_bind_text(q[Q_INSERT], 1, uuid, -1, SQLITE_TRANSIENT);
		sqlite3_bind_text(q[Q_INSERT], 2, ioc_type_name(t), -1, SQLITE_STATIC);
		sqlite3_bind_text(q[Q_INSERT], 3, value, -1, SQLITE_STATIC);
		sqlite3_bind_text(q[Q_INSERT], 4, tlps[tlp], -1, SQLITE_STATIC);
		sqlite3_bind_text(q[Q_INSERT], 5, now, -1, SQLITE_STATIC);
		if (sqlite3_step(q[Q_INSERT]) != SQLITE_DONE)
			return db_fail(db, e);
		id = sqlite3_last_insert_rowid(db);
		r->added++;
	} else if (tlp > old_tlp) {
		/* Two sources, two labels: the more restrictive one holds. */
		sqlite3_bind_int64(q[Q_STRICTER], 1, id);
		sqlite3_bind_text(q[Q_STRICTER], 2, tlps[tlp], -1, SQLITE_STATIC);
		if (sqlite3_step(q[Q_STRICTER]) != SQLITE_DONE)
			return db_fail(db, e);
		changed = 1;
	}
	for (int is_tag = 0; is_tag < 2; is_tag++) {
		cur = 0;
		while ((label = ioc_set_next_label(set, i, is_tag, &cur))) {
			if (is_tag && tag_tlp(label) >= 0)
				continue; /* the TLP is a column, not a tag */
			sqlite3_reset(q[Q_LABEL]);
			sqlite3_bind_int64(q[Q_LABEL], 1, id);
			sqlite3_bind_text(q[Q_LABEL], 2, is_tag ? "tag" : "source", -1, SQLITE_STATIC);
			sqlite3_bind_text(q[Q_LABEL], 3, label, -1, SQLITE_STATIC);
			if (sqlite3_step(q[Q_LABEL]) != SQLITE_DONE)
				return db_fail(db, e);
			changed |= sqlite3_changes(db) > 0;
		}
	}
	if (old_tlp >= 0) {
		sqlite3_bind_int64(q[Q_TOUCH], 1, id);
		sqlite3_bind_text(q[Q_TOUCH], 2, now, -1, SQLITE_STATIC);
		if (sqlite3_step(q[Q_TOUCH]) != SQLITE_DONE)
			return db_fail(db, e);
		r->merged += changed;
	}
	return 0;
}

int intel_import(sqlite3 *db, const struct actor *a, const char *text, size_t len,
		 const char *name, const char *tlp_default, const char *source,
		 struct intel_import_result *r, struct wr_err *e)
{
	memset(r, 0, sizeof *r);
	if (!scope_is_staff(a))
		return wr_err_set(e, WR_EFORBIDDEN, NULL, "only the war room imports indicators");
	int def = tlp_default ? tlp_rank(tlp_default) : 2;
	if (def < 0)
		return wr_err_set(e, WR_EINVAL, "tlp", "is not CLEAR, GREEN, AMBER, AMBER+STRICT or RED");
	r->skipped = json_array();
	struct ioc_set *set = ioc_set_new();
	if (!set || !r->skipped)
		return wr_err_set(e, WR_ENOMEM, NULL, "out of memory");
	int rc = ioc_read_text(set, text, len, name, source && *source ? source : name, on_skip,
			       r->skipped, e);
	if (rc) {
		ioc_set_free(set);
		return rc;
	}
	r->read = ioc_set_count(set);
	for (uint32_t i = 0; i < r->read; i++)
		r->per_type[ioc_set_type(set, i)]++;
	char now[32];
	time_format_rfc3339((time_t)time_now(), now, sizeof now);
	sqlite3_stmt *q[Q_N] = {0};
	rc = db_begin(db, e);
	for (int k = 0; k < Q_N && !rc; k++)
		rc = db_prepare(db, import_sql[k], &q[k], e);
	for (uint32_t i = 0; i < r->read && !rc; i++)
		rc = merge_one(db, q, set, i, def, now, r, e);
	for (int k = 0; k < Q_N; k++)
		sqlite3_finalize(q[k]);
	if (!rc && (r->added || r->merged)) {
		sqlite3_stmt *v;
		rc = db_prepare(db, "UPDATE pack_version SET version = version + 1, changed_at = ?1", &v, e);
		if (!rc) {
			sqlite3_bind_text(v, 1, now, -1, SQLITE_STATIC);
			rc = db_step_done(db, v, e);
		}
	}
	if (!rc) {
		json_t *d = json_pack("{s:s, s:I, s:I, s:I, s:I}", "file", name, "read",
				      (json_int_t)r->read, "added", (json_int_t)r->added, "merged",
				      (json_int_t)r->merged, "skipped",
				      (json_int_t)json_array_size(r->skipped));
		rc = d ? journal_append_named(db, a->name, "indicators.import", "file", name, d, e)
		       : wr_err_set(e, WR_ENOMEM, NULL, "out of memory");
		json_decref(d);
	}
	if (!rc)
		rc = db_commit(db, e);
	if (rc)
		db_rollback(db);
	ioc_set_free(set);
	return rc;
}

/* "tlp IN ('CLEAR','GREEN')" for what the actor may see; "0" for nothing. */
static void visible_sql(const struct actor *a, int group, char *out, size_t n)
{
	size_t k = (size_t)snprintf(out, n, "tlp IN (");
	int any = 0;
	for (int i = 0; i < 5; i++)
		if (intel_tlp_visible(a, tlps[i]) && !(group && i == 4)) {
			k += (size_t)snprintf(out + k, n - k, "%s'%s'", any ? "," : "", tlps[i]);
			any = 1;
		}
	if (!any)
		snprintf(out, n, "0");
	else
		snprintf(out + k, n - k, ")");
}

/* The sources and tags of indicator id as two JSON arrays in o. */
static int add_labels(sqlite3 *db, sqlite3_stmt *lq, int64_t id, json_t *o)
{
	(void)db;
	json_t *src = json_array(), *tags = json_array();
	sqlite3_reset(lq);
	sqlite3_bind_int64(lq, 1, id);
	int rc;
	while ((rc = sqlite3_step(lq)) == SQLITE_ROW)
		json_array_append_new(strcmp((const char *)sqlite3_column_text(lq, 0), "tag") ? src : tags,
				      json_string((const char *)sqlite3_column_text(lq, 1)));
	json_object_set_new(o, "sources", src);
	json_object_set_new(o, "tags", tags);
	return rc == SQLITE_DONE ? 0 : -1;
}

#define LABELS_SQL "SELECT kind, text FROM indicator_labels WHERE indicator_id = ?1 ORDER BY kind, text"

/* The indicator query (the columns below, the TLPs the actor may see, then
 * the conditions and order in rest) and the labels query. */
static int prepare_items(sqlite3 *db, const struct actor *a, int group, const char *rest,
			 sqlite3_stmt **st, sqlite3_stmt **lq, struct wr_err *e)
{
	char vis[96], sql[640];
	visible_sql(a, group, vis, sizeof vis);
	snprintf(sql, sizeof sql,
		 "SELECT id, uuid, type, value, tlp, confidence, first_seen, last_seen, valid_until,"
		 " description, created_at, updated_at FROM indicators WHERE %s %s",
		 vis, rest);
	int rc = db_prepare(db, sql, st, e);
	if (rc)
		return rc;
	if ((rc = db_prepare(db, LABELS_SQL, lq, e)))
		sqlite3_finalize(*st);
	return rc;
}

int intel_page_done(sqlite3 *db, int step_rc, json_t *arr, json_t **items, struct wr_err *e)
{
	int ok = step_rc == SQLITE_DONE || step_rc == SQLITE_ROW;
	if (!ok || !arr) {
		json_decref(arr);
		return ok ? wr_err_set(e, WR_ENOMEM, NULL, "out of memory") : db_fail(db, e);
	}
	*items = arr;
	return 0;
}

int intel_list(sqlite3 *db, const struct actor *a, const char *type, const char *tlp,
	       const char *q, int limit, int64_t cursor, json_t **items, int64_t *next_cursor,
	       struct wr_err *e)
{
	*items = NULL;
	*next_cursor = 0;
	if (!scope_is_staff(a) && a->role != ROLE_SPOC && a->role != ROLE_PROVIDER)
		return wr_err_set(e, WR_EFORBIDDEN, NULL, "indicators are not shown to this role");
	if (type && *type && ioc_type_from_name(type) == IOC_NONE)
		return wr_err_set(e, WR_EINVAL, "type", "is not an indicator type");
	if (tlp && *tlp && tlp_rank(tlp) < 0)
		return wr_err_set(e, WR_EINVAL, "tlp", "is not CLEAR, GREEN, AMBER, AMBER+STRICT or RED");
	sqlite3_stmt *st, *lq;
	int rc = prepare_items(db, a, 0,
			       "AND (?1 IS NULL OR type = ?1) AND (?2 IS NULL OR tlp = ?2)"
			       " AND (?3 IS NULL OR instr(value, lower(?3)) > 0) AND (?4 = 0 OR id < ?4)"
			       " ORDER BY id DESC LIMIT ?5",
			       &st, &lq, e);
	if (rc)
		return rc;
	db_bind_text_or_null(st, 1, type && *type ? ioc_type_name(ioc_type_from_name(type)) : NULL);
	db_bind_text_or_null(st, 2, tlp);
	db_bind_text_or_null(st, 3, q);
	sqlite3_bind_int64(st, 4, cursor);
	sqlite3_bind_int(st, 5, limit + 1);
	json_t *arr = json_array();
	int n = 0, more = 0;
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		if (n++ == limit) {
			more = 1;
			break;
		}
		json_t *o = db_row_json(st);
		if (!o || add_labels(db, lq, sqlite3_column_int64(st, 0), o) ||
		    json_array_append_new(arr, o)) {
			rc = SQLITE_NOMEM;
			break;
		}
	}
	if (more) {
		/* The cursor is the last id shown: the next page is below it. */
		json_t *last = json_array_get(arr, json_array_size(arr) - 1);
		*next_cursor = json_integer_value(json_object_get(last, "id"));
	}
	sqlite3_finalize(lq);
	sqlite3_finalize(st);
	return intel_page_done(db, rc, arr, items, e);
}

void intel_items_release(struct intel_items *it)
{
	for (size_t i = 0; i < it->nblocks; i++)
		free(it->blocks[i]);
	free(it->blocks);
	free(it->v);
	memset(it, 0, sizeof *it);
}

/* Makes it own the malloc'ed block p (freed at once when that fails). */
static int own(struct intel_items *it, void *p)
{
	if (!p)
		return -1;
	if (it->nblocks == it->cap_blocks) {
		size_t cap = it->cap_blocks ? it->cap_blocks * 2 : 256;
		void **b = realloc(it->blocks, cap * sizeof *b);
		if (!b) {
			free(p);
			return -1;
		}
		it->blocks = b;
		it->cap_blocks = cap;
	}
	it->blocks[it->nblocks++] = p;
	return 0;
}

/* A copy of column k of st owned by it, or NULL for NULL. */
static int keep(struct intel_items *it, sqlite3_stmt *st, int k, const char **out)
{
	const char *s = (const char *)sqlite3_column_text(st, k);
	*out = NULL;
	if (!s)
		return 0;
	char *c = strdup(s);
	if (own(it, c))
		return -1;
	*out = c;
	return 0;
}

static int64_t epoch(const unsigned char *s)
{
	int64_t t = 0;
	return s && time_parse_rfc3339((const char *)s, &t) == 0 ? t : 0;
}

/* The sources and tags of item x, as arrays owned by it. */
static int item_labels(struct intel_items *it, sqlite3_stmt *lq, struct intel_item *x)
{
	const char *lab[2][64];
	size_t n[2] = {0, 0};
	sqlite3_reset(lq);
	sqlite3_bind_int64(lq, 1, x->id);
	int rc;
	while ((rc = sqlite3_step(lq)) == SQLITE_ROW) {
		int k = !strcmp((const char *)sqlite3_column_text(lq, 0), "tag");
		if (n[k] == 64)
			continue; /* past 64 labels of a kind, the first 64 travel */
		if (keep(it, lq, 1, &lab[k][n[k]]))
			return -1;
		n[k]++;
	}
	if (rc != SQLITE_DONE)
		return -1;
	for (int k = 0; k < 2; k++) {
		if (!n[k])
			continue;
		const char **arr = malloc(n[k] * sizeof *arr);
		if (own(it, (void *)arr))
			return -1;
		memcpy(arr, lab[k], n[k] * sizeof *arr);
		if (k) {
			x->tags = arr;
			x->n_tags = n[k];
		} else {
			x->sources = arr;
			x->n_sources = n[k];
		}
	}
	return 0;
}

int intel_items_load(sqlite3 *db, const struct actor *a, enum ioc_type only, int group,
		     int active, struct intel_items *out, struct wr_err *e)
{
	memset(out, 0, sizeof *out);
	char now[32];
	time_format_rfc3339((time_t)time_now(), now, sizeof now);
	sqlite3_stmt *st, *lq;
	int rc = prepare_items(db, a, group,
			       "AND (?1 IS NULL OR type = ?1)"
			       " AND (?2 = 0 OR valid_until IS NULL OR valid_until > ?3) ORDER BY type, value",
			       &st, &lq, e);
	if (rc)
		return rc;
	db_bind_text_or_null(st, 1, only == IOC_NONE ? NULL : ioc_type_name(only));
	sqlite3_bind_int(st, 2, active);
	sqlite3_bind_text(st, 3, now, -1, SQLITE_STATIC);
	size_t cap = 0;
	int fail = 0;
	while (!fail && (rc = sqlite3_step(st)) == SQLITE_ROW) {
		if (out->n == cap) {
			size_t c = cap ? cap * 2 : 256;
			struct intel_item *v = realloc(out->v, c * sizeof *v);
			if (!v) {
				fail = 1;
				break;
			}
			out->v = v;
			cap = c;
		}
		struct intel_item *x = &out->v[out->n++];
		memset(x, 0, sizeof *x);
		x->id = sqlite3_column_int64(st, 0);
		snprintf(x->uuid, sizeof x->uuid, "%s", (const char *)sqlite3_column_text(st, 1));
		x->type = ioc_type_from_name((const char *)sqlite3_column_text(st, 2));
		x->confidence = sqlite3_column_type(st, 5) == SQLITE_NULL ? -1 : sqlite3_column_int(st, 5);
		x->first_seen = epoch(sqlite3_column_text(st, 6));
		x->last_seen = epoch(sqlite3_column_text(st, 7));
		x->valid_until = epoch(sqlite3_column_text(st, 8));
		x->created = epoch(sqlite3_column_text(st, 10));
		x->modified = epoch(sqlite3_column_text(st, 11));
		x->to_ids = 1;
		fail = keep(out, st, 3, &x->value) || keep(out, st, 4, &x->tlp) ||
		       keep(out, st, 9, &x->description) || item_labels(out, lq, x);
	}
	sqlite3_finalize(lq);
	sqlite3_finalize(st);
	if (fail || (rc != SQLITE_DONE && rc != SQLITE_ROW)) {
		intel_items_release(out);
		return fail ? wr_err_set(e, WR_ENOMEM, NULL, "out of memory") : db_fail(db, e);
	}
	return 0;
}
