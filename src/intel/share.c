/* Exports of stored indicators through the writers of intel/export.h,
 * filtered by what the audience may see (docs/intel.md, "Exports"). */
#include "intel/share.h"

#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/timeutil.h"
#include "intel/intel_internal.h"
#include "store/db.h"

#define EXPORT_MAX_BYTES ((size_t)1 << 30)

struct loaded {
	struct intel_item *items;
	size_t n, cap;
	json_t *keep; /* the JSON arrays the label pointers borrow from */
};

static void loaded_release(struct loaded *l)
{
	for (size_t i = 0; i < l->n; i++) {
		free((void *)l->items[i].value);
		free((void *)l->items[i].description);
		free((void *)l->items[i].sources);
		free((void *)l->items[i].tags);
	}
	free(l->items);
	json_decref(l->keep);
}

/* The strings of a json_group_array() text, borrowed from l->keep. */
static int labels(struct loaded *l, const char *text, const char *const **out, size_t *n)
{
	*out = NULL;
	*n = 0;
	json_t *a = text ? json_loads(text, 0, NULL) : NULL;
	if (!a || !json_array_size(a)) {
		json_decref(a);
		return 0;
	}
	const char **v = calloc(json_array_size(a), sizeof *v);
	if (!v || json_array_append_new(l->keep, a)) {
		free(v);
		return WR_ENOMEM;
	}
	size_t i;
	json_t *x;
	json_array_foreach(a, i, x)
		if (json_is_string(x))
			v[(*n)++] = json_string_value(x);
	*out = v;
	return 0;
}

static int64_t col_time(sqlite3_stmt *st, int i)
{
	return sqlite3_column_type(st, i) == SQLITE_NULL ? 0 : sqlite3_column_int64(st, i);
}

static int load(sqlite3 *db, const struct actor *a, const struct intel_share_opts *o, struct loaded *l,
		struct wr_err *e)
{
	char vis[512], sql[2048];
	if (intel_visible_sql(a, vis, sizeof vis))
		return wr_err_set(e, WR_EINTERNAL, NULL, "scope too long");
	/* detection formats take what a pack takes; the exchange formats
	 * everything not revoked (with its expiry and flags) */
	int detection = o->format == INTEL_FMT_LIST || o->format == INTEL_FMT_ZEEK ||
			o->format == INTEL_FMT_SURICATA;
	snprintf(sql, sizeof sql,
		 "SELECT i.id, i.uuid, i.type, i.value, i.tlp, i.first_seen, i.last_seen, i.valid_until,"
		 " i.created, i.modified, i.confidence, i.to_ids, i.description,"
		 " (SELECT json_group_array(source) FROM indicator_sources WHERE indicator_id = i.id),"
		 " (SELECT json_group_array(tag) FROM indicator_tags WHERE indicator_id = i.id)"
		 " FROM indicators i WHERE %s AND i.status = 'active' AND (?1 = 1 OR i.tlp <> 'RED')"
		 " AND (?2 IS NULL OR i.type = ?2) AND (?3 = 0 OR (i.to_ids = 1 AND"
		 " (i.fp_list IS NULL OR i.fp_override = 1) AND (i.valid_until IS NULL OR i.valid_until > ?4)))"
		 " ORDER BY i.type, i.value", vis);
	sqlite3_stmt *st;
	int rc = db_prepare(db, sql, &st, e);
	if (rc)
		return rc;
	sqlite3_bind_int(st, 1, o->include_red);
	if (o->only_type != IOC_NONE)
		sqlite3_bind_text(st, 2, ioc_type_name(o->only_type), -1, SQLITE_STATIC);
	sqlite3_bind_int(st, 3, detection);
	sqlite3_bind_int64(st, 4, time_now());
	int s;
	while ((s = sqlite3_step(st)) == SQLITE_ROW) {
		if (ioc_array_grow((void **)&l->items, &l->cap, l->n + 1, sizeof *l->items))
			goto oom;
		struct intel_item *it = &l->items[l->n];
		memset(it, 0, sizeof *it);
		it->id = sqlite3_column_int64(st, 0);
		snprintf(it->uuid, sizeof it->uuid, "%s", (const char *)sqlite3_column_text(st, 1));
		it->type = ioc_type_from_name((const char *)sqlite3_column_text(st, 2));
		it->tlp = intel_tlp_name((const char *)sqlite3_column_text(st, 4));
		it->first_seen = col_time(st, 5);
		it->last_seen = col_time(st, 6);
		it->valid_until = col_time(st, 7);
		it->created = col_time(st, 8);
		it->modified = col_time(st, 9);
		it->confidence = sqlite3_column_int(st, 10);
		it->to_ids = sqlite3_column_int(st, 11);
		l->n++; /* counted now so that release frees what follows */
		const char *d = (const char *)sqlite3_column_text(st, 12);
		if (!(it->value = strdup((const char *)sqlite3_column_text(st, 3))) ||
		    (d && !(it->description = strdup(d))) ||
		    labels(l, (const char *)sqlite3_column_text(st, 13), &it->sources, &it->n_sources) ||
		    labels(l, (const char *)sqlite3_column_text(st, 14), &it->tags, &it->n_tags))
			goto oom;
	}
	sqlite3_finalize(st);
	return s == SQLITE_DONE ? 0 : db_fail(db, e);
oom:
	sqlite3_finalize(st);
	return wr_err_set(e, WR_ENOMEM, NULL, "out of memory");
}

/* A stable UUID per audience, so that a MISP instance sees one event that
 * changes rather than a new event per download. */
void intel_share_feed_uuid(const struct actor *a, char out[37])
{
	char seed[96];
	unsigned char h[16];
	snprintf(seed, sizeof seed, "warroom-export:%d:%lld:%lld", (int)a->role, (long long)a->org_id,
		 (long long)a->provider_id);
	crypto_generichash(h, sizeof h, (const unsigned char *)seed, strlen(seed), NULL, 0);
	h[6] = (unsigned char)((h[6] & 0x0f) | 0x50);
	h[8] = (unsigned char)((h[8] & 0x3f) | 0x80);
	intel_uuid_format(h, out);
}

static int with_items(sqlite3 *db, const struct actor *a, const struct intel_share_opts *o,
		      struct buf *out, const char *feed_dir, struct wr_err *e)
{
	if (a->role == ROLE_VIEWER)
		return wr_err_set(e, WR_EFORBIDDEN, NULL, "a viewer account receives no indicators");
	struct loaded l = {.keep = json_array()};
	if (!l.keep)
		return wr_err_set(e, WR_ENOMEM, NULL, "out of memory");
	int rc = db_begin_read(db, e);
	if (!rc) {
		rc = load(db, a, o, &l, e);
		db_end_read(db);
	}
	if (!rc) {
		struct intel_export_meta m = {.title = o->title ? o->title : "warroom indicators",
					      .producer = "Vlaamse cyber war room", .now = time_now(),
					      .only_type = o->only_type};
		intel_share_feed_uuid(a, m.event_uuid);
		rc = feed_dir ? intel_export_misp_feed(feed_dir, l.items, l.n, &m, e)
			      : intel_export_write(o->format, l.items, l.n, &m, out, e);
	}
	loaded_release(&l);
	return rc;
}

int intel_share_export(sqlite3 *db, const struct actor *a, const struct intel_share_opts *o, char **out,
		       size_t *len, struct wr_err *e)
{
	struct buf b;
	buf_init(&b, EXPORT_MAX_BYTES);
	*out = NULL;
	*len = 0;
	int rc = with_items(db, a, o, &b, NULL, e);
	if (!rc) {
		*len = b.len;
		if (!(*out = buf_detach(&b)))
			*out = strdup(""); /* an empty export */
		if (!*out)
			rc = wr_err_set(e, WR_ENOMEM, NULL, "out of memory");
	}
	buf_release(&b);
	return rc;
}

int intel_share_misp_feed(sqlite3 *db, const struct actor *a, const struct intel_share_opts *o,
			  const char *dir, struct wr_err *e)
{
	struct intel_share_opts x = *o;
	x.format = INTEL_FMT_MISP;
	return with_items(db, a, &x, NULL, dir, e);
}
