/* The Reference Security Incident Taxonomy (RSIT) of the CSIRTs Network,
 * the taxonomy derived from eCSIRT.net (github.com/enisaeu/Reference-Security-
 * Incident-Taxonomy-Task-Force): its categories and types, and the status
 * machine of an incident. */
#include "incidents/incidents.h"

#include <string.h>

static const struct {
	const char *category;
	const char *types[8];
} rsit[] = {
	{"abusive-content", {"spam", "harmful-speech", "violence", NULL}},
	{"malicious-code", {"infected-system", "c2-server", "malware-distribution", "malware-configuration", NULL}},
	{"information-gathering", {"scanner", "sniffing", "social-engineering", NULL}},
	{"intrusion-attempts", {"ids-alert", "brute-force", "exploit", NULL}},
	{"intrusions", {"privileged-account-compromise", "unprivileged-account-compromise",
			"application-compromise", "system-compromise", "burglary", NULL}},
	{"availability", {"dos", "ddos", "misconfiguration", "sabotage", "outage", NULL}},
	{"information-content-security", {"unauthorised-information-access",
					  "unauthorised-information-modification", "data-loss",
					  "data-leak", NULL}},
	{"fraud", {"unauthorised-use-of-resources", "copyright", "masquerade", "phishing", NULL}},
	{"vulnerable", {"weak-crypto", "ddos-amplifier", "potentially-unwanted-accessible",
			"information-disclosure", "vulnerable-system", NULL}},
	{"other", {"other", "undetermined", NULL}},
	{"test", {"test", NULL}},
};

int incident_taxonomy_valid(const char *category, const char *type)
{
	for (size_t i = 0; category && type && i < sizeof rsit / sizeof *rsit; i++)
		if (!strcmp(category, rsit[i].category))
			for (int k = 0; rsit[i].types[k]; k++)
				if (!strcmp(type, rsit[i].types[k]))
					return 1;
	return 0;
}

json_t *incident_taxonomy_json(void)
{
	json_t *o = json_object();
	for (size_t i = 0; o && i < sizeof rsit / sizeof *rsit; i++) {
		json_t *a = json_array();
		for (int k = 0; a && rsit[i].types[k]; k++)
			json_array_append_new(a, json_string(rsit[i].types[k]));
		json_object_set_new(o, rsit[i].category, a);
	}
	return o;
}

/* reported -> triaged -> contained -> eradicated -> recovered -> closed,
 * and from any open status to rejected or duplicate. */
int incident_transition_ok(const char *from, const char *to)
{
	static const char *const chain[] = {"reported", "triaged", "contained", "eradicated",
					    "recovered", "closed"};
	int f = -1, t = -1;
	for (int i = 0; i < 6; i++) {
		if (!strcmp(from, chain[i]))
			f = i;
		if (!strcmp(to, chain[i]))
			t = i;
	}
	if (f < 0 || f == 5)
		return 0; /* closed, rejected and duplicate are final */
	if (!strcmp(to, "rejected") || !strcmp(to, "duplicate"))
		return 1;
	return t == f + 1;
}
