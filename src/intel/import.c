/* Importing an indicator document (STIX 2.1, MISP, CSV, plain list) into
 * the store: read with the ioc/ readers into a set plus per-indicator
 * metadata, then merged in one transaction with one journal entry. */
#include "intel/intel.h"

#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "audit/journal.h"
#include "base/timeutil.h"
#include "intel/intel_internal.h"
#include "intel/wlmatch.h"
#include "ioc/read_json.h"
#include "store/db.h"

int intel_doc_format_parse(const char *name, enum intel_doc_format *f)
{
	static const struct {
		const char *name;
		enum intel_doc_format f;
	} names[] = {{"auto", INTEL_DOC_AUTO}, {"stix", INTEL_DOC_STIX}, {"misp", INTEL_DOC_MISP},
		     {"csv", INTEL_DOC_CSV},   {"list", INTEL_DOC_LIST}};
	for (size_t i = 0; i < sizeof names / sizeof names[0]; i++)
		if (name && !strcmp(name, names[i].name)) {
			*f = names[i].f;
			return 0;
		}
	return -1;
}

/* What the records said about indicator i of the set (merged when several
 * records name one value). */
struct meta {
	const char *tlp;
	int64_t first_seen, last_seen, valid_until;
	int confidence, to_ids;
	char *description;
};

struct reading {
	struct ioc_set *set;
	struct meta *meta;
	size_t nmeta;
	json_t *skipped;
	size_t nskipped;
	int oom;
};

#define SKIPPED_LISTED 500

static void on_skip(void *arg, const struct ioc_skip *k)
{
	struct reading *r = arg;
	r->nskipped++;
	if (r->nskipped > SKIPPED_LISTED)
		return;
	json_t *x = json_pack("{s:s, s:s}", "id", k->id, "reason", k->reason);
	if (x && k->line)
		json_object_set_new(x, "line", json_integer(k->line));
	if (!x || json_array_append_new(r->skipped, x))
		r->oom = 1;
}

static int64_t min_known(int64_t a, int64_t b)
{
	return !a ? b : !b ? a : a < b ? a : b;
}

static int64_t max_of(int64_t a, int64_t b)
{
	return a > b ? a : b;
}

static void on_meta(void *arg, enum ioc_type t, const char *value, const struct ioc_meta *m)
{
	struct reading *r = arg;
	long i = ioc_set_find(r->set, t, value, strlen(value));
	if (i < 0)
		return;
	if ((size_t)i >= r->nmeta) {
		size_t was = r->nmeta;
		if (ioc_array_grow((void **)&r->meta, &r->nmeta, (size_t)i + 1, sizeof *r->meta)) {
			r->oom = 1;
			return;
		}
		memset(r->meta + was, 0, (r->nmeta - was) * sizeof *r->meta);
		for (size_t k = was; k < r->nmeta; k++)
			r->meta[k].confidence = r->meta[k].to_ids = -1;
	}
	struct meta *x = &r->meta[i];
	if (intel_tlp_rank(m->tlp) > intel_tlp_rank(x->tlp))
		x->tlp = m->tlp;
	x->first_seen = min_known(x->first_seen, m->first_seen ? m->first_seen : m->valid_from);
	x->last_seen = max_of(x->last_seen, m->last_seen);
	x->valid_until = max_of(x->valid_until, m->valid_until);
	x->confidence = m->confidence > x->confidence ? m->confidence : x->confidence;
	if (m->to_ids >= 0)
		x->to_ids = x->to_ids == 1 ? 1 : m->to_ids;
	if (m->description && !x->description && !(x->description = strndup(m->description, 1000)))
		r->oom = 1;
}

static void reading_release(struct reading *r)
{
	for (size_t i = 0; i < r->nmeta; i++)
		free(r->meta[i].description);
	free(r->meta);
	ioc_set_free(r->set);
	json_decref(r->skipped);
}

/* Which reader a format asks for, checking that the document is of it. */
static int read_doc(struct reading *r, const char *text, size_t len,
		    const struct intel_import_opts *o, struct wr_err *e)
{
	size_t i = 0;
	while (i < len && (text[i] == ' ' || text[i] == '\t' || text[i] == '\r' || text[i] == '\n'))
		i++;
	int is_json = i < len && (text[i] == '{' || text[i] == '[');
	switch (o->format) {
	case INTEL_DOC_STIX:
	case INTEL_DOC_MISP:
		if (!is_json)
			return wr_err_set(e, WR_EPARSE, "format", "line 1: a %s document is JSON",
					  o->format == INTEL_DOC_STIX ? "STIX" : "MISP");
		return ioc_read_json_meta(r->set, text, len, o->source, on_skip, r, on_meta, r, e);
	case INTEL_DOC_CSV:
	case INTEL_DOC_LIST:
		return ioc_read_list(r->set, text, len, o->source, on_skip, r, e);
	default:
		return ioc_read_text_meta(r->set, text, len, o->name, o->source, on_skip, r, on_meta, r, e);
	}
}

void intel_uuid_format(const unsigned char b[16], char out[37])
{
	static const char hex[] = "0123456789abcdef";
	size_t k = 0;
	for (int i = 0; i < 16; i++) {
		if (i == 4 || i == 6 || i == 8 || i == 10)
			out[k++] = '-';
		out[k++] = hex[b[i] >> 4];
		out[k++] = hex[b[i] & 15];
	}
	out[k] = '\0';
}

void intel_uuid4(char out[37])
{
	unsigned char b[16];
	randombytes_buf(b, sizeof b);
	b[6] = (unsigned char)((b[6] & 0x0f) | 0x40);
	b[8] = (unsigned char)((b[8] & 0x3f) | 0x80);
	intel_uuid_format(b, out);
}

int intel_next_version(sqlite3 *db, const char *what, int64_t *version, struct wr_err *e)
{
	sqlite3_stmt *st;
	int rc = db_query_int(db, "SELECT coalesce(max(version),0) + 1 FROM intel_versions", 0, version, e);
	if (rc || (rc = db_prepare(db, "INSERT INTO intel_versions VALUES (?,?,?)", &st, e)))
		return rc;
	sqlite3_bind_int64(st, 1, *version);
	sqlite3_bind_int64(st, 2, time_now());
	sqlite3_bind_text(st, 3, what, -1, SQLITE_TRANSIENT);
	return db_step_done(db, st, e);
}

enum { Q_FIND, Q_INSERT, Q_UPDATE, Q_SOURCE, Q_TAG, Q_COUNT };

static const char *const sql[Q_COUNT] = {
	"SELECT id, tlp FROM indicators WHERE type = ? AND value = ?",
	/* the parameters ?2..?11 are those of the UPDATE below (bind_fields) */
	"INSERT INTO indicators (uuid, type, value, tlp, confidence, to_ids, first_seen, last_seen,"
	" valid_until, description, fp_list, created, modified, version)"
	" VALUES (?12, ?13, ?14, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?10, ?11)",
	/* merge: the stricter TLP, the higher confidence, the widest seen
	 * times, the later expiry, detection if any source says so */
	"UPDATE indicators SET tlp = CASE WHEN ?1 > (CASE tlp WHEN 'CLEAR' THEN 0 WHEN 'GREEN' THEN 1"
	" WHEN 'AMBER' THEN 2 WHEN 'AMBER+STRICT' THEN 3 ELSE 4 END) THEN ?2 ELSE tlp END,"
	" confidence = max(confidence, ?3), to_ids = max(to_ids, ?4),"
	" first_seen = CASE WHEN ?5 IS NULL THEN first_seen WHEN first_seen IS NULL THEN ?5"
	" ELSE min(first_seen, ?5) END,"
	" last_seen = CASE WHEN ?6 IS NULL THEN last_seen ELSE max(coalesce(last_seen, ?6), ?6) END,"
	" valid_until = CASE WHEN ?7 IS NULL THEN valid_until ELSE max(coalesce(valid_until, ?7), ?7) END,"
	" description = coalesce(description, ?8), fp_list = ?9, status = 'active',"
	" modified = ?10, version = ?11 WHERE id = ?12",
	"INSERT OR IGNORE INTO indicator_sources VALUES (?, ?)",
	"INSERT OR IGNORE INTO indicator_tags VALUES (?, ?)",
};

static void bind_time(sqlite3_stmt *st, int i, int64_t t)
{
	if (t > 0)
		sqlite3_bind_int64(st, i, t);
	else
		sqlite3_bind_null(st, i);
}

struct store_ctx {
	sqlite3 *db;
	sqlite3_stmt *q[Q_COUNT];
	struct wl_matcher *wl;
	int64_t now, version;
	const char *default_tlp;
	size_t per_type[IOC_TYPE_COUNT], added, merged, flagged;
};

/* The strictest "tlp:*" label among the tags of set item i. */
static const char *tag_tlp(const struct ioc_set *s, uint32_t i)
{
	const char *t = NULL, *x;
	uint32_t cur = 0;
	while ((x = ioc_set_next_label(s, i, 1, &cur)))
		if (!strncasecmp(x, "tlp:", 4) && intel_tlp_rank(intel_tlp_name(x)) > intel_tlp_rank(t))
			t = intel_tlp_name(x);
	return t;
}

/* ?1..?11 of Q_INSERT and Q_UPDATE. */
static void bind_fields(struct store_ctx *c, sqlite3_stmt *st, const char *tlp, int conf, int to_ids,
			const struct meta *m, const char *fp)
{
	sqlite3_bind_int(st, 1, intel_tlp_rank(tlp));
	sqlite3_bind_text(st, 2, tlp, -1, SQLITE_STATIC);
	sqlite3_bind_int(st, 3, conf);
	sqlite3_bind_int(st, 4, to_ids);
	bind_time(st, 5, m ? m->first_seen : 0);
	bind_time(st, 6, m ? m->last_seen : 0);
	bind_time(st, 7, m ? m->valid_until : 0);
	db_bind_text_or_null(st, 8, m ? m->description : NULL);
	db_bind_text_or_null(st, 9, fp);
	sqlite3_bind_int64(st, 10, c->now);
	sqlite3_bind_int64(st, 11, c->version);
}

static int store_one(struct store_ctx *c, const struct ioc_set *s, uint32_t i, const struct meta *m,
		     struct wr_err *e)
{
	enum ioc_type t = ioc_set_type(s, i);
	const char *value = ioc_set_value(s, i, NULL);
	const char *tlp = m && m->tlp ? m->tlp : NULL;
	const char *tt = tag_tlp(s, i);
	if (intel_tlp_rank(tt) > intel_tlp_rank(tlp))
		tlp = tt;
	if (!tlp)
		tlp = c->default_tlp;
	const char *fp = wl_match(c->wl, t, value);
	int conf = m ? m->confidence : -1, to_ids = m && m->to_ids == 0 ? 0 : 1;
	int64_t id = 0;
	sqlite3_stmt *st = c->q[Q_FIND];
	sqlite3_reset(st);
	sqlite3_bind_text(st, 1, ioc_type_name(t), -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 2, value, -1, SQLITE_STATIC);
	int step = sqlite3_step(st);
	if (step == SQLITE_ROW)
		id = sqlite3_column_int64(st, 0);
	else if (step != SQLITE_DONE)
		return db_fail(c->db, e);
	sqlite3_reset(st);
	st = c->q[id ? Q_UPDATE : Q_INSERT];
	sqlite3_reset(st);
	bind_fields(c, st, tlp, conf, to_ids, m, fp);
	if (id) {
		sqlite3_bind_int64(st, 12, id);
	} else {
		char uuid[37];
		intel_uuid4(uuid);
		sqlite3_bind_text(st, 12, uuid, -1, SQLITE_TRANSIENT);
		sqlite3_bind_text(st, 13, ioc_type_name(t), -1, SQLITE_STATIC);
		sqlite3_bind_text(st, 14, value, -1, SQLITE_STATIC);
	}
	if (sqlite3_step(st) != SQLITE_DONE)
		return db_fail(c->db, e);
	if (id) {
		c->merged++;
	} else {
		id = sqlite3_last_insert_rowid(c->db);
		c->added++;
	}
	c->per_type[t]++;
	if (fp)
		c->flagged++;
	for (int is_tag = 0; is_tag < 2; is_tag++) {
		uint32_t cur = 0;
		const char *x;
		st = c->q[is_tag ? Q_TAG : Q_SOURCE];
		while ((x = ioc_set_next_label(s, i, is_tag, &cur))) {
			if (is_tag && !strncasecmp(x, "tlp:", 4) && intel_tlp_name(x))
				continue; /* the TLP is a field, not a tag */
			sqlite3_reset(st);
			sqlite3_bind_int64(st, 1, id);
			sqlite3_bind_text(st, 2, x, -1, SQLITE_STATIC);
			if (sqlite3_step(st) != SQLITE_DONE)
				return db_fail(c->db, e);
		}
	}
	return 0;
}

static int store_all(sqlite3 *db, const struct actor *a, struct reading *r,
		     const struct intel_import_opts *o, json_t *result, struct wr_err *e)
{
	struct store_ctx c = {.db = db, .now = time_now(), .default_tlp = o->default_tlp};
	int rc = wl_matcher_load(db, &c.wl, e);
	if (rc)
		return rc;
	/* A big batch touches the indexes all over: a page cache of up to
	 * 256 MiB for its length keeps them in memory (restored after). */
	int64_t cache = -2000;
	size_t n = ioc_set_count(r->set);
	db_query_int(db, "PRAGMA cache_size", 0, &cache, NULL);
	if (n > 10000)
		db_exec(db, "PRAGMA cache_size = -262144", NULL);
	if ((rc = db_begin(db, e)))
		goto out;
	for (int k = 0; k < Q_COUNT; k++)
		if ((rc = db_prepare(db, sql[k], &c.q[k], e)))
			goto fail;
	if ((rc = intel_next_version(db, "import", &c.version, e)))
		goto fail;
	for (uint32_t i = 0; i < n; i++)
		if ((rc = store_one(&c, r->set, i, i < r->nmeta ? &r->meta[i] : NULL, e)))
			goto fail;
	json_t *per = json_object();
	for (int t = 1; per && t < IOC_TYPE_COUNT; t++)
		if (c.per_type[t])
			json_object_set_new(per, ioc_type_name((enum ioc_type)t), json_integer((json_int_t)c.per_type[t]));
	json_object_set_new(result, "imported", json_integer((json_int_t)n));
	json_object_set_new(result, "new", json_integer((json_int_t)c.added));
	json_object_set_new(result, "merged", json_integer((json_int_t)c.merged));
	json_object_set_new(result, "flagged", json_integer((json_int_t)c.flagged));
	json_object_set_new(result, "per_type", per ? per : json_object());
	json_object_set_new(result, "version", json_integer(c.version));
	json_t *details = json_pack("{s:s, s:I, s:I, s:I, s:I, s:I}", "document", o->name ? o->name : "",
				    "imported", (json_int_t)n, "new", (json_int_t)c.added, "merged",
				    (json_int_t)c.merged, "skipped", (json_int_t)r->nskipped, "version",
				    (json_int_t)c.version);
	rc = journal_append(db, a->name, "intel.import", "indicator_batch", c.version, details, e);
	json_decref(details);
	if (rc)
		goto fail;
	for (int k = 0; k < Q_COUNT; k++)
		sqlite3_finalize(c.q[k]);
	memset(c.q, 0, sizeof c.q);
	rc = db_commit(db, e);
	goto out;
fail:
	for (int k = 0; k < Q_COUNT; k++)
		sqlite3_finalize(c.q[k]);
	db_rollback(db);
out:
	wl_matcher_free(c.wl);
	if (n > 10000) {
		char pragma[64];
		snprintf(pragma, sizeof pragma, "PRAGMA cache_size = %lld", (long long)cache);
		db_exec(db, pragma, NULL);
	}
	return rc;
}

int intel_import(sqlite3 *db, const struct actor *a, const char *text, size_t len,
		 const struct intel_import_opts *o, json_t **result, struct wr_err *e)
{
	*result = NULL;
	if (!scope_is_staff(a))
		return wr_err_set(e, WR_EFORBIDDEN, NULL, "only the war room imports indicators");
	struct intel_import_opts opts = *o;
	if (!opts.default_tlp)
		opts.default_tlp = "AMBER";
	else if (!(opts.default_tlp = intel_tlp_name(opts.default_tlp)))
		return wr_err_set(e, WR_EINVAL, "tlp", "is not a TLP (CLEAR, GREEN, AMBER, AMBER+STRICT, RED)");
	struct reading r = {.set = ioc_set_new(), .skipped = json_array()};
	json_t *res = json_object();
	int rc;
	if (!r.set || !r.skipped || !res) {
		rc = wr_err_set(e, WR_ENOMEM, NULL, "out of memory");
		goto out;
	}
	if ((rc = read_doc(&r, text, len, &opts, e)))
		goto out;
	if (r.oom) {
		rc = wr_err_set(e, WR_ENOMEM, NULL, "out of memory");
		goto out;
	}
	if ((rc = store_all(db, a, &r, &opts, res, e)))
		goto out;
	json_object_set(res, "skipped", r.skipped);
	json_object_set_new(res, "skipped_count", json_integer((json_int_t)r.nskipped));
	*result = res;
	res = NULL;
out:
	json_decref(res);
	reading_release(&r);
	return rc;
}
