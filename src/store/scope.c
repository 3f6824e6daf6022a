#include "store/scope.h"
#include "base/err.h"

#include <pwd.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

static const char *const names[] = {"admin", "analyst", "spoc", "provider", "viewer", "system"};

const char *role_name(enum role r)
{
	return (unsigned)r < sizeof names / sizeof names[0] ? names[r] : "?";
}

int role_parse(const char *s, enum role *out)
{
	for (int i = ROLE_ADMIN; i <= ROLE_VIEWER; i++)
		if (!strcmp(s, names[i])) {
			*out = (enum role)i;
			return 0;
		}
	return WR_EINVAL;
}

void actor_cli(struct actor *a)
{
	memset(a, 0, sizeof *a);
	a->role = ROLE_SYSTEM;
	struct passwd *pw = getpwuid(getuid());
	snprintf(a->name, sizeof a->name, "cli:%.60s", pw ? pw->pw_name : "unknown");
}

int scope_is_staff(const struct actor *a)
{
	return a->role == ROLE_ADMIN || a->role == ROLE_ANALYST || a->role == ROLE_SYSTEM;
}

int scope_org_sql(const struct actor *a, const char *col, char *out, size_t n)
{
	int w;
	switch (a->role) {
	case ROLE_ADMIN:
	case ROLE_ANALYST:
	case ROLE_SYSTEM:
		w = snprintf(out, n, "1");
		break;
	case ROLE_SPOC:
		w = snprintf(out, n, "(%s = %lld)", col, (long long)a->org_id);
		break;
	case ROLE_PROVIDER:
		w = snprintf(out, n,
			     "(%s = %lld OR %s IN (SELECT org_id FROM provider_clients WHERE provider_id = %lld))",
			     col, (long long)a->provider_id, col, (long long)a->provider_id);
		break;
	default:
		w = snprintf(out, n, "0");
	}
	return w < 0 || (size_t)w >= n ? WR_EINVAL : 0;
}

int scope_can_edit_org(const struct actor *a, int64_t org_id)
{
	if (scope_is_staff(a))
		return 1;
	return a->role == ROLE_SPOC && a->org_id == org_id;
}
