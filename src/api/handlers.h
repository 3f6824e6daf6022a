/* Every API handler, by domain file. The routes are in api/routes.c. */
#ifndef WR_API_HANDLERS_H
#define WR_API_HANDLERS_H

#include "http/request.h"

/* api/system.c */
void api_health(struct http_req *rq, struct http_resp *rs);
void api_metrics(struct http_req *rq, struct http_resp *rs);
/* api/session.c */
void api_session_create(struct http_req *rq, struct http_resp *rs);
void api_session_delete(struct http_req *rq, struct http_resp *rs);
void api_me(struct http_req *rq, struct http_resp *rs);
/* api/journal.c */
void api_journal_list(struct http_req *rq, struct http_resp *rs);
/* api/orgs.c */
void api_orgs_list(struct http_req *rq, struct http_resp *rs);
void api_orgs_create(struct http_req *rq, struct http_resp *rs);
void api_orgs_get(struct http_req *rq, struct http_resp *rs);
void api_orgs_patch(struct http_req *rq, struct http_resp *rs);
/* api/contacts.c */
void api_contacts_list(struct http_req *rq, struct http_resp *rs);
void api_contacts_create(struct http_req *rq, struct http_resp *rs);
void api_contacts_get(struct http_req *rq, struct http_resp *rs);
void api_contacts_patch(struct http_req *rq, struct http_resp *rs);
void api_contacts_delete(struct http_req *rq, struct http_resp *rs);
/* api/providers.c */
void api_providers_list(struct http_req *rq, struct http_resp *rs);
void api_providers_create(struct http_req *rq, struct http_resp *rs);
void api_providers_patch(struct http_req *rq, struct http_resp *rs);
void api_providers_delete(struct http_req *rq, struct http_resp *rs);
void api_provider_clients_set(struct http_req *rq, struct http_resp *rs);
void api_provider_clients_delete(struct http_req *rq, struct http_resp *rs);
/* api/assets.c */
void api_assets_list(struct http_req *rq, struct http_resp *rs);
void api_assets_create(struct http_req *rq, struct http_resp *rs);
void api_assets_get(struct http_req *rq, struct http_resp *rs);
void api_assets_patch(struct http_req *rq, struct http_resp *rs);
void api_assets_delete(struct http_req *rq, struct http_resp *rs);

/* api/indicators.c */
void api_indicators_import(struct http_req *rq, struct http_resp *rs);
void api_indicators_list(struct http_req *rq, struct http_resp *rs);
void api_indicators_counts(struct http_req *rq, struct http_resp *rs);
void api_indicators_get(struct http_req *rq, struct http_resp *rs);
void api_indicators_patch(struct http_req *rq, struct http_resp *rs);
void api_indicators_export(struct http_req *rq, struct http_resp *rs);
/* api/packs.c */
void api_packs_current(struct http_req *rq, struct http_resp *rs);
void api_packs_key(struct http_req *rq, struct http_resp *rs);
/* api/sightings.c */
void api_sightings_report(struct http_req *rq, struct http_resp *rs);
void api_sightings_list(struct http_req *rq, struct http_resp *rs);
void api_indicator_sightings(struct http_req *rq, struct http_resp *rs);
void api_sightings_false_positive(struct http_req *rq, struct http_resp *rs);
void api_alerts_list(struct http_req *rq, struct http_resp *rs);

#endif
