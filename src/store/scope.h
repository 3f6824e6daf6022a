/* Who is asking, and what they may see. Scope is enforced in the store
 * queries: every query over town data adds scope_org_sql() for the org id
 * column, so an object outside the caller's scope is simply not found (404,
 * never 403: its existence is not revealed). */
#ifndef WR_STORE_SCOPE_H
#define WR_STORE_SCOPE_H

#include <stddef.h>
#include <stdint.h>

enum role { ROLE_ADMIN, ROLE_ANALYST, ROLE_SPOC, ROLE_PROVIDER, ROLE_VIEWER, ROLE_SYSTEM };

struct actor {
	int64_t user_id;      /* 0 for the system and the command line */
	char name[72];        /* user name, or "cli:<unix user>" / "system" */
	enum role role;
	int64_t org_id;       /* spoc: its organisation */
	int64_t provider_id;  /* provider: its provider organisation */
};

const char *role_name(enum role r);
int role_parse(const char *s, enum role *out); /* 0 or WR_EINVAL */

/* The command line acts with full rights under the name cli:<user>. */
void actor_cli(struct actor *a);

/* An SQL condition true when the actor may see the detail data (contacts,
 * assets, ...) of the organisation whose id is in column col. Only integers
 * are written into it. Returns 0 or WR_EINVAL when out is too small. */
int scope_org_sql(const struct actor *a, const char *col, char *out, size_t n);
/* Whether the actor may change the registry data of organisation org_id,
 * given that it can see it. */
int scope_can_edit_org(const struct actor *a, int64_t org_id);
/* All towns (admin, analyst, system). */
int scope_is_staff(const struct actor *a);

#endif
