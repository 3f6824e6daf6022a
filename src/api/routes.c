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
	{"POST", "/api/v1/indicators/import", api_indicators_import, 1},
	{"GET", "/api/v1/indicators/counts", api_indicators_counts, 1},
	{"GET", "/api/v1/indicators/export", api_indicators_export, 1},
	{"GET", "/api/v1/indicators", api_indicators_list, 1},
	{"GET", "/api/v1/indicators/{id}", api_indicators_get, 1},
	{"PATCH", "/api/v1/indicators/{id}", api_indicators_patch, 1},
	{"GET", "/api/v1/indicators/{id}/sightings", api_indicator_sightings, 1},
	{"GET", "/api/v1/packs/current", api_packs_current, 1},
	{"GET", "/api/v1/packs/key", api_packs_key, 0},
	{"POST", "/api/v1/sightings", api_sightings_report, 1},
	{"GET", "/api/v1/sightings", api_sightings_list, 1},
	{"POST", "/api/v1/sightings/{id}/false-positive", api_sightings_false_positive, 1},
	{"GET", "/api/v1/alerts", api_alerts_list, 1},
	{NULL, NULL, NULL, 0},
};
