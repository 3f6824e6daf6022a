/* ICT service providers (organisations of kind provider) and the towns they
 * serve, for which services. Only the war room changes them. */
#include "registry/registry.h"
#include "audit/journal.h"
#include "base/timeutil.h"
#include "base/jsonutil.h"
#include "registry/registry_internal.h"
#include "store/db.h"

#include <stdio.h>
#include <string.h>


static const char *const provider_fields[] = {"name", NULL};
static const char *const client_fields[] = {"org_id", "services", NULL};
/* In sorted order: the stored comma list is sorted. */
static const char *const services_all[] = {"applications", "hosting", "network", "workplace", NULL};
#define SERVICES_HINT "network, workplace, applications, hosting"
#define SERVICES_BUF 64

static const char *col_str(sqlite3_stmt *st, int i)
{
	const unsigned char *s = sqlite3_column_text(st, i);
	return s ? (const char *)s : "";
}

static void give(json_t **out, json_t *obj)
{
	if (out)
		*out = obj;
	else
		json_decref(obj);
}

/* Providers the actor sees, with the clients it sees (only_id 0: all
 * providers), as [{id, name, clients:[{org_id, name, services[]}]}]. A
 * provider is visible to staff, to itself, and to those who see one of its
 * clients (a SPOC sees the providers of its town, and only that client). */
static int provider_query(sqlite3 *db, const struct actor *a, int64_t only_id, json_t **items,
			  struct wr_err *e)
{
	char sp[REG_SCOPE_MAX], sx[REG_SCOPE_MAX], sc[REG_SCOPE_MAX], sql[3 * REG_SCOPE_MAX + 512];
	*items = NULL;
	if (scope_org_sql(a, "p.id", sp, sizeof sp) || scope_org_sql(a, "x.org_id", sx, sizeof sx) ||
	    scope_org_sql(a, "pc.org_id", sc, sizeof sc))
		return wr_err_set(e, WR_EINTERNAL, "", "scope too long");
	snprintf(sql, sizeof sql,
		 "SELECT p.id, p.name, c.id, c.name, pc.services FROM orgs p"
		 " LEFT JOIN provider_clients pc ON pc.provider_id = p.id AND %s"
		 " LEFT JOIN orgs c ON c.id = pc.org_id"
		 " WHERE p.kind = 'provider' AND (?1 = 0 OR p.id = ?1)"
		 " AND (%s OR EXISTS (SELECT 1 FROM provider_clients x"
		 "                    WHERE x.provider_id = p.id AND %s))"
		 " ORDER BY p.name COLLATE NOCASE, p.id, c.name COLLATE NOCASE, c.id",
		 sc, sp, sx);
	sqlite3_stmt *st;
	int rc = db_prepare(db, sql, &st, e);
	if (rc)
		return rc;
	sqlite3_bind_int64(st, 1, only_id);
	json_t *arr = json_array(), *cur = NULL;
	int64_t cur_id = 0;
	int s = SQLITE_DONE, oom = !arr;
	while (!oom && (s = sqlite3_step(st)) == SQLITE_ROW) {
		int64_t pid = sqlite3_column_int64(st, 0);
		if (!cur || pid != cur_id) {
			cur = json_pack("{s:I,s:s,s:[]}", "id", (json_int_t)pid, "name", col_str(st, 1),
					"clients");
			cur_id = pid;
			if (json_array_append_new(arr, cur)) {
				oom = 1;
				break;
			}
		}
		if (sqlite3_column_type(st, 2) == SQLITE_NULL)
			continue;
		json_t *cl = json_pack("{s:I,s:s,s:o}", "org_id",
				       (json_int_t)sqlite3_column_int64(st, 2), "name", col_str(st, 3),
				       "services", reg_services_json(col_str(st, 4)));
		if (json_array_append_new(json_object_get(cur, "clients"), cl))
			oom = 1;
	}
	if (oom)
		rc = wr_err_set(e, WR_ENOMEM, "", "out of memory");
	else if (s != SQLITE_DONE)
		rc = db_fail(db, e);
	sqlite3_finalize(st);
	if (rc) {
		json_decref(arr);
		return rc;
	}
	*items = arr;
	return 0;
}

/* One provider as the actor sees it (WR_ENOTFOUND when it does not). */
static int provider_fetch(sqlite3 *db, const struct actor *a, int64_t id, json_t **out,
			  struct wr_err *e)
{
	json_t *items;
	*out = NULL;
	int rc = provider_query(db, a, id, &items, e);
	if (rc)
		return rc;
	if (json_array_size(items) == 0) {
		json_decref(items);
		return wr_err_set(e, WR_ENOTFOUND, "", "provider %lld not found", (long long)id);
	}
	*out = json_incref(json_array_get(items, 0));
	json_decref(items);
	return 0;
}

/* For a change: WR_ENOTFOUND when the actor does not see the provider,
 * WR_EFORBIDDEN when it does but is not the war room. *p (may be NULL)
 * receives the provider as stored. */
static int provider_check_edit(sqlite3 *db, const struct actor *a, int64_t id, json_t **p,
			       struct wr_err *e)
{
	json_t *o;
	int rc = provider_fetch(db, a, id, &o, e);
	if (rc)
		return rc;
	if (!scope_is_staff(a)) {
		json_decref(o);
		return wr_err_set(e, WR_EFORBIDDEN, "", "only the war room manages providers");
	}
	give(p, o);
	return 0;
}

int reg_providers_of(sqlite3 *db, int64_t org_id, json_t **items, struct wr_err *e)
{
	*items = NULL;
	sqlite3_stmt *st;
	int rc = db_prepare(db, "SELECT p.id, p.name, pc.services FROM provider_clients pc"
				" JOIN orgs p ON p.id = pc.provider_id WHERE pc.org_id = ?1"
				" ORDER BY p.name COLLATE NOCASE, p.id", &st, e);
	if (rc)
		return rc;
	sqlite3_bind_int64(st, 1, org_id);
	json_t *arr = json_array();
	int s = SQLITE_DONE;
	while (arr && (s = sqlite3_step(st)) == SQLITE_ROW) {
		json_t *o = json_pack("{s:I,s:s,s:o}", "id", (json_int_t)sqlite3_column_int64(st, 0),
				      "name", col_str(st, 1), "services",
				      reg_services_json(col_str(st, 2)));
		if (json_array_append_new(arr, o)) {
			json_decref(arr);
			arr = NULL;
		}
	}
	if (!arr)
		rc = wr_err_set(e, WR_ENOMEM, "", "out of memory");
	else if (s != SQLITE_DONE)
		rc = db_fail(db, e);
	sqlite3_finalize(st);
	if (rc) {
		json_decref(arr);
		return rc;
	}
	*items = arr;
	return 0;
}

int provider_list(sqlite3 *db, const struct actor *a, json_t **items, struct wr_err *e)
{
	return provider_query(db, a, 0, items, e);
}

/* The provider's name from fields: required, 1..200 characters. */
static int provider_name(const json_t *fields, int create, char *name, size_t n, int *given,
			 struct wr_err *e)
{
	const char *s = NULL;
	enum reg_state st;
	int rc = json_reject_unknown(fields, provider_fields, e);
	if (rc || (rc = reg_get_text(fields, "name", &s, &st, e)))
		return rc;
	*given = st == REG_SET;
	if (st == REG_CLEAR || (create && st == REG_ABSENT))
		return wr_err_set(e, WR_EINVAL, "name", "is required");
	if (st == REG_SET)
		return reg_clean_text(s, "name", PROVIDER_NAME_MAX, name, n, e);
	return 0;
}

int provider_create(sqlite3 *db, const struct actor *a, const json_t *fields, json_t **out,
		    struct wr_err *e)
{
	if (out)
		*out = NULL;
	if (!scope_is_staff(a))
		return wr_err_set(e, WR_EFORBIDDEN, "", "only the war room manages providers");
	char name[PROVIDER_NAME_BUF];
	int given = 0;
	int rc = provider_name(fields, 1, name, sizeof name, &given, e);
	if (rc || (rc = db_begin(db, e)))
		return rc;
	char now[40];
	time_now_rfc3339(now, sizeof now);
	sqlite3_stmt *st;
	if ((rc = db_prepare(db, "INSERT INTO orgs (kind, name, created_at, updated_at)"
				 " VALUES ('provider', ?1, ?2, ?2)", &st, e)))
		goto fail;
	sqlite3_bind_text(st, 1, name, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 2, now, -1, SQLITE_STATIC);
	if (sqlite3_step(st) != SQLITE_DONE) {
		rc = reg_fail(db, "name", "another provider has this name", e);
		sqlite3_finalize(st);
		goto fail;
	}
	sqlite3_finalize(st);
	int64_t id = sqlite3_last_insert_rowid(db);
	return reg_finish(db, a, "provider.create", "provider", id, json_pack("{s:s}", "name", name),
			  provider_fetch, out, e);
fail:
	db_rollback(db);
	return rc;
}

int provider_update(sqlite3 *db, const struct actor *a, int64_t id, const json_t *fields,
		    json_t **out, struct wr_err *e)
{
	if (out)
		*out = NULL;
	char name[PROVIDER_NAME_BUF];
	int given = 0;
	json_t *p = NULL, *det = NULL;
	int rc = db_begin(db, e);
	if (rc)
		return rc;
	if ((rc = provider_check_edit(db, a, id, &p, e)) ||
	    (rc = provider_name(fields, 0, name, sizeof name, &given, e)))
		goto fail;
	const char *old = json_string_value(json_object_get(p, "name"));
	if (given && old && strcmp(old, name) != 0) {
		char now[40];
		time_now_rfc3339(now, sizeof now);
		sqlite3_stmt *st;
		if ((rc = db_prepare(db, "UPDATE orgs SET name = ?1, updated_at = ?2 WHERE id = ?3",
				     &st, e)))
			goto fail;
		sqlite3_bind_text(st, 1, name, -1, SQLITE_STATIC);
		sqlite3_bind_text(st, 2, now, -1, SQLITE_STATIC);
		sqlite3_bind_int64(st, 3, id);
		if (sqlite3_step(st) != SQLITE_DONE) {
			rc = reg_fail(db, "name", "another provider has this name", e);
			sqlite3_finalize(st);
			goto fail;
		}
		sqlite3_finalize(st);
		det = json_pack("{s:{s:{s:s,s:s}}}", "changes", "name", "old", old, "new", name);
		if (!det) {
			rc = wr_err_set(e, WR_ENOMEM, "", "out of memory");
			goto fail;
		}
		if ((rc = journal_append(db, a->name, "provider.update", "provider", id, det, e)))
			goto fail;
		json_decref(p);
		p = NULL;
		if ((rc = provider_fetch(db, a, id, &p, e)))
			goto fail;
	}
	json_decref(det);
	if ((rc = db_commit(db, e))) {
		json_decref(p);
		return rc;
	}
	give(out, p);
	return 0;
fail:
	db_rollback(db);
	json_decref(p);
	json_decref(det);
	return rc;
}

int provider_delete(sqlite3 *db, const struct actor *a, int64_t id, struct wr_err *e)
{
	json_t *p = NULL, *det = NULL;
	int64_t users = 0, assets = 0, own = 0;
	int rc = db_begin(db, e);
	if (rc)
		return rc;
	if ((rc = provider_check_edit(db, a, id, &p, e)))
		goto fail;
	if ((rc = db_query_int(db, "SELECT count(*) FROM users WHERE provider_id = ?", id, &users,
			       e)) ||
	    (rc = db_query_int(db, "SELECT count(*) FROM assets WHERE provider_id = ?", id, &assets,
			       e)) ||
	    (rc = db_query_int(db,
			       "SELECT (SELECT count(*) FROM contacts WHERE org_id = ?1)"
			       " + (SELECT count(*) FROM assets WHERE org_id = ?1)",
			       id, &own, e)))
		goto fail;
	if (users) {
		rc = wr_err_set(e, WR_ECONFLICT, "",
				"%lld user accounts belong to this provider; it cannot be deleted"
				" while they exist (rename it instead)", (long long)users);
		goto fail;
	}
	if (assets) {
		rc = wr_err_set(e, WR_ECONFLICT, "",
				"this provider manages %lld assets of its clients; give them another"
				" manager first", (long long)assets);
		goto fail;
	}
	/* Its own contacts and assets would go with it unjournalled. */
	if (own) {
		rc = wr_err_set(e, WR_ECONFLICT, "",
				"this provider still has %lld contacts and assets of its own; delete"
				" them first", (long long)own);
		goto fail;
	}
	sqlite3_stmt *st;
	if ((rc = db_prepare(db, "DELETE FROM orgs WHERE id = ?1 AND kind = 'provider'", &st, e)))
		goto fail;
	sqlite3_bind_int64(st, 1, id);
	if (sqlite3_step(st) != SQLITE_DONE) {
		rc = reg_fail(db, "", NULL, e);
		sqlite3_finalize(st);
		goto fail;
	}
	sqlite3_finalize(st);
	/* the journal keeps which towns it served (the links go with it) */
	det = json_pack("{s:O,s:O}", "name", json_object_get(p, "name"), "clients",
			json_object_get(p, "clients"));
	if (!det) {
		rc = wr_err_set(e, WR_ENOMEM, "", "out of memory");
		goto fail;
	}
	if ((rc = journal_append(db, a->name, "provider.delete", "provider", id, det, e)))
		goto fail;
	json_decref(p);
	json_decref(det);
	return db_commit(db, e);
fail:
	db_rollback(db);
	json_decref(p);
	json_decref(det);
	return rc;
}

static int service_bit(const char *word, size_t n)
{
	for (int i = 0; services_all[i]; i++)
		if (strlen(services_all[i]) == n && !strncmp(services_all[i], word, n))
			return 1 << i;
	return 0;
}

/* services: a non-empty list of known services (a JSON array, or for CSV
 * lines a string "network,hosting"). out: the sorted comma list. */
static int parse_services(const json_t *f, char out[SERVICES_BUF], struct wr_err *e)
{
	json_t *v = json_object_get(f, "services");
	int mask = 0;
	char word[32];
	if (v && json_is_array(v)) {
		size_t i;
		json_t *x;
		json_array_foreach(v, i, x) {
			if (!json_is_string(x))
				return wr_err_set(e, WR_EINVAL, "services",
						  "must be a list of service names (" SERVICES_HINT ")");
			int bit = 0;
			if (!reg_clean_text(json_string_value(x), "services", 20, word, sizeof word, NULL)) {
				for (char *c = word; *c; c++)
					if (*c >= 'A' && *c <= 'Z')
						*c = (char)(*c - 'A' + 'a');
				bit = service_bit(word, strlen(word));
			}
			if (!bit)
				return wr_err_set(e, WR_EINVAL, "services",
						  "has an unknown service \"%.40s\" (known: " SERVICES_HINT
						  ")", json_string_value(x));
			mask |= bit;
		}
	} else if (v && json_is_string(v)) {
		const char *s = json_string_value(v);
		while (*s) {
			size_t n = strcspn(s, ",; \t");
			if (n) {
				int bit = 0;
				if (n < sizeof word) {
					for (size_t k = 0; k < n; k++)
						word[k] = (char)(s[k] >= 'A' && s[k] <= 'Z' ? s[k] - 'A' + 'a'
											   : s[k]);
					bit = service_bit(word, n);
				}
				if (!bit)
					return wr_err_set(e, WR_EINVAL, "services",
							  "has an unknown service \"%.*s\" (known: "
							  SERVICES_HINT ")", (int)(n > 40 ? 40 : n), s);
				mask |= bit;
			}
			s += n;
			if (*s)
				s++;
		}
	} else if (v && !json_is_null(v)) {
		return wr_err_set(e, WR_EINVAL, "services",
				  "must be a list of service names (" SERVICES_HINT ")");
	}
	if (!mask)
		return wr_err_set(e, WR_EINVAL, "services",
				  "needs at least one of " SERVICES_HINT);
	out[0] = '\0';
	for (int i = 0; services_all[i]; i++)
		if (mask & (1 << i)) {
			size_t len = strlen(out);
			snprintf(out + len, SERVICES_BUF - len, "%s%s", len ? "," : "", services_all[i]);
		}
	return 0;
}

int provider_client_set(sqlite3 *db, const struct actor *a, int64_t provider_id,
			const json_t *fields, json_t **out, struct wr_err *e)
{
	if (out)
		*out = NULL;
	json_t *p = NULL, *det = NULL;
	char services[SERVICES_BUF], old[SERVICES_BUF] = "";
	int64_t org_id = 0;
	enum reg_state ost;
	sqlite3_stmt *st;
	int rc = db_begin(db, e);
	if (rc)
		return rc;
	if ((rc = provider_check_edit(db, a, provider_id, NULL, e)) ||
	    (rc = json_reject_unknown(fields, client_fields, e)) ||
	    (rc = reg_get_int(fields, "org_id", &org_id, &ost, e)))
		goto fail;
	if (ost != REG_SET) {
		rc = wr_err_set(e, WR_EINVAL, "org_id", "is required");
		goto fail;
	}
	if ((rc = parse_services(fields, services, e)))
		goto fail;
	if ((rc = db_prepare(db, "SELECT o.kind, o.name, pc.services FROM orgs o"
				 " LEFT JOIN provider_clients pc ON pc.org_id = o.id"
				 " AND pc.provider_id = ?2 WHERE o.id = ?1", &st, e)))
		goto fail;
	sqlite3_bind_int64(st, 1, org_id);
	sqlite3_bind_int64(st, 2, provider_id);
	int s = sqlite3_step(st);
	char org_name[PROVIDER_NAME_BUF] = "";
	if (s == SQLITE_ROW) {
		if (!strcmp(col_str(st, 0), "provider"))
			rc = wr_err_set(e, WR_EINVAL, "org_id",
					"is a provider; a client is a local government or another"
					" organisation that is not a provider");
		snprintf(org_name, sizeof org_name, "%s", col_str(st, 1));
		snprintf(old, sizeof old, "%s", col_str(st, 2));
	} else if (s == SQLITE_DONE) {
		rc = wr_err_set(e, WR_EINVAL, "org_id", "no organisation with id %lld",
				(long long)org_id);
	} else {
		rc = db_fail(db, e);
	}
	sqlite3_finalize(st);
	if (rc)
		goto fail;
	if (strcmp(old, services) != 0) {
		char now[40];
		time_now_rfc3339(now, sizeof now);
		if ((rc = db_prepare(db, "INSERT INTO provider_clients (provider_id, org_id, services,"
					 " created_at) VALUES (?1, ?2, ?3, ?4)"
					 " ON CONFLICT (provider_id, org_id)"
					 " DO UPDATE SET services = excluded.services", &st, e)))
			goto fail;
		sqlite3_bind_int64(st, 1, provider_id);
		sqlite3_bind_int64(st, 2, org_id);
		sqlite3_bind_text(st, 3, services, -1, SQLITE_STATIC);
		sqlite3_bind_text(st, 4, now, -1, SQLITE_STATIC);
		if ((rc = db_step_done(db, st, e)))
			goto fail;
		det = json_pack("{s:I,s:s,s:o,s:o}", "org_id", (json_int_t)org_id, "org_name",
				org_name, "services", reg_services_json(services), "old_services",
				old[0] ? reg_services_json(old) : json_null());
		if (!det) {
			rc = wr_err_set(e, WR_ENOMEM, "", "out of memory");
			goto fail;
		}
		if ((rc = journal_append(db, a->name, "provider.client.set", "provider", provider_id,
					 det, e)))
			goto fail;
	}
	if ((rc = provider_fetch(db, a, provider_id, &p, e)))
		goto fail;
	json_decref(det);
	if ((rc = db_commit(db, e))) {
		json_decref(p);
		return rc;
	}
	give(out, p);
	return 0;
fail:
	db_rollback(db);
	json_decref(p);
	json_decref(det);
	return rc;
}

int provider_client_remove(sqlite3 *db, const struct actor *a, int64_t provider_id,
			   int64_t org_id, struct wr_err *e)
{
	json_t *det = NULL;
	char old[SERVICES_BUF] = "";
	int64_t managed = 0;
	sqlite3_stmt *st;
	int rc = db_begin(db, e);
	if (rc)
		return rc;
	if ((rc = provider_check_edit(db, a, provider_id, NULL, e)))
		goto fail;
	if ((rc = db_prepare(db, "SELECT services FROM provider_clients WHERE provider_id = ?1"
				 " AND org_id = ?2", &st, e)))
		goto fail;
	sqlite3_bind_int64(st, 1, provider_id);
	sqlite3_bind_int64(st, 2, org_id);
	int s = sqlite3_step(st);
	if (s == SQLITE_ROW)
		snprintf(old, sizeof old, "%s", col_str(st, 0));
	else if (s == SQLITE_DONE)
		rc = wr_err_set(e, WR_ENOTFOUND, "", "organisation %lld is not a client of provider %lld",
				(long long)org_id, (long long)provider_id);
	else
		rc = db_fail(db, e);
	sqlite3_finalize(st);
	if (rc)
		goto fail;
	if ((rc = db_prepare(db, "SELECT count(*) FROM assets WHERE org_id = ?1 AND provider_id = ?2",
			     &st, e)))
		goto fail;
	sqlite3_bind_int64(st, 1, org_id);
	sqlite3_bind_int64(st, 2, provider_id);
	if (sqlite3_step(st) == SQLITE_ROW)
		managed = sqlite3_column_int64(st, 0);
	else
		rc = db_fail(db, e);
	sqlite3_finalize(st);
	if (rc)
		goto fail;
	if (managed) {
		rc = wr_err_set(e, WR_ECONFLICT, "org_id",
				"this provider manages %lld assets of this organisation; give them"
				" another manager first", (long long)managed);
		goto fail;
	}
	if ((rc = db_prepare(db, "DELETE FROM provider_clients WHERE provider_id = ?1"
				 " AND org_id = ?2", &st, e)))
		goto fail;
	sqlite3_bind_int64(st, 1, provider_id);
	sqlite3_bind_int64(st, 2, org_id);
	if ((rc = db_step_done(db, st, e)))
		goto fail;
	det = json_pack("{s:I,s:o}", "org_id", (json_int_t)org_id, "services",
			reg_services_json(old));
	if (!det) {
		rc = wr_err_set(e, WR_ENOMEM, "", "out of memory");
		goto fail;
	}
	if ((rc = journal_append(db, a->name, "provider.client.remove", "provider", provider_id,
				 det, e)))
		goto fail;
	json_decref(det);
	return db_commit(db, e);
fail:
	db_rollback(db);
	json_decref(det);
	return rc;
}
