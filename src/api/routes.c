/* The route table: method, path pattern ({x} = one segment), handler, and
 * whether an authenticated actor is required. First match wins. */
#include "api/api.h"
#include "api/handlers.h"

#include <stddef.h>

const struct api_route api_routes[] = {
	{"GET", "/health", api_health, 0},
	{"GET", "/metrics", api_metrics, 0},
	{"POST", "/api/v1/session", api_session_create, 0},
	{"DELETE", "/api/v1/session", api_session_delete, 1},
	{"GET", "/api/v1/me", api_me, 1},
	{"GET", "/api/v1/journal", api_journal_list, 1},
	{"GET", "/api/v1/orgs", api_orgs_list, 1},
	{"POST", "/api/v1/orgs", api_orgs_create, 1},
	{"GET", "/api/v1/orgs/{id}", api_orgs_get, 1},
	{"PATCH", "/api/v1/orgs/{id}", api_orgs_patch, 1},
	{"GET", "/api/v1/orgs/{id}/contacts", api_contacts_list, 1},
	{"POST", "/api/v1/orgs/{id}/contacts", api_contacts_create, 1},
	{"GET", "/api/v1/contacts/{id}", api_contacts_get, 1},
	{"PATCH", "/api/v1/contacts/{id}", api_contacts_patch, 1},
	{"DELETE", "/api/v1/contacts/{id}", api_contacts_delete, 1},
	{"GET", "/api/v1/orgs/{id}/assets", api_assets_list, 1},
	{"POST", "/api/v1/orgs/{id}/assets", api_assets_create, 1},
	{"GET", "/api/v1/assets/{id}", api_assets_get, 1},
	{"PATCH", "/api/v1/assets/{id}", api_assets_patch, 1},
	{"DELETE", "/api/v1/assets/{id}", api_assets_delete, 1},
	{"GET", "/api/v1/providers", api_providers_list, 1},
	{"POST", "/api/v1/providers", api_providers_create, 1},
	{"PATCH", "/api/v1/providers/{id}", api_providers_patch, 1},
	{"DELETE", "/api/v1/providers/{id}", api_providers_delete, 1},
	{"POST", "/api/v1/providers/{id}/clients", api_provider_clients_set, 1},
	{"DELETE", "/api/v1/providers/{id}/clients/{org_id}", api_provider_clients_delete, 1},
	{"GET", "/api/v1/checklists/current", api_checklist_current, 1},
	{"GET", "/api/v1/orgs/{id}/assessments", api_assessments_list, 1},
	{"POST", "/api/v1/orgs/{id}/assessments", api_assessments_create, 1},
	{"GET", "/api/v1/orgs/{id}/audit", api_audit_get, 1},
	{"POST", "/api/v1/orgs/{id}/audit", api_audit_signup, 1},
	{"PATCH", "/api/v1/orgs/{id}/audit", api_audit_patch, 1},
	{"GET", "/api/v1/orgs/{id}/audit/findings", api_findings_list, 1},
	{"POST", "/api/v1/orgs/{id}/audit/findings", api_findings_create, 1},
	{"PATCH", "/api/v1/orgs/{id}/audit/findings/{finding_id}", api_findings_patch, 1},
	{"GET", "/api/v1/programme/summary", api_programme_summary, 1},
	{"GET", "/api/v1/programme/summary.csv", api_programme_summary_csv, 1},
	{"GET", "/api/v1/programme/summary.html", api_programme_summary_html, 1},
	{"GET", "/api/v1/programme/campaigns/{filter}", api_programme_campaign, 1},
	{NULL, NULL, NULL, 0},
};
