/* TLP 2.0 names and who may see what (docs/intel.md, "Who sees what"). */
#include "intel/intel.h"

#include <stdio.h>
#include <string.h>
#include <strings.h>

static const char *const tlp_order[] = {"CLEAR", "GREEN", "AMBER", "AMBER+STRICT", "RED"};

const char *intel_tlp_name(const char *s)
{
	if (!s)
		return NULL;
	if (!strncasecmp(s, "tlp:", 4))
		s += 4;
	if (!strcasecmp(s, "white"))
		return tlp_order[0];
	for (int i = 0; i < 5; i++)
		if (!strcasecmp(s, tlp_order[i]))
			return tlp_order[i];
	return NULL;
}

int intel_tlp_rank(const char *tlp)
{
	for (int i = 0; tlp && i < 5; i++)
		if (!strcmp(tlp, tlp_order[i]))
			return i;
	return -1;
}

/* Audience rows restrict an indicator to the listed organisations. Without
 * them a SPOC sees CLEAR, GREEN and AMBER; a provider CLEAR and GREEN.
 * AMBER+STRICT and RED (and AMBER for a provider) need an audience row for
 * the town (or the provider). */
int intel_visible_sql(const struct actor *a, char *out, size_t n)
{
	int w;
	long long org = a->role == ROLE_SPOC ? (long long)a->org_id : (long long)a->provider_id;
	switch (a->role) {
	case ROLE_ADMIN:
	case ROLE_ANALYST:
	case ROLE_SYSTEM:
		w = snprintf(out, n, "1");
		break;
	case ROLE_SPOC:
	case ROLE_PROVIDER:
		w = snprintf(out, n,
			     "((i.tlp IN (%s) AND NOT EXISTS (SELECT 1 FROM indicator_audience x"
			     " WHERE x.indicator_id = i.id)) OR EXISTS (SELECT 1 FROM"
			     " indicator_audience x WHERE x.indicator_id = i.id AND x.org_id = %lld))",
			     a->role == ROLE_SPOC ? "'CLEAR','GREEN','AMBER'" : "'CLEAR','GREEN'", org);
		break;
	default:
		w = snprintf(out, n, "0");
	}
	return w < 0 || (size_t)w >= n ? WR_EINVAL : 0;
}
