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
/* api/advisories.c */
void api_advisories_list(struct http_req *rq, struct http_resp *rs);
void api_advisories_create(struct http_req *rq, struct http_resp *rs);
void api_advisories_get(struct http_req *rq, struct http_resp *rs);
void api_advisories_patch(struct http_req *rq, struct http_resp *rs);
void api_advisories_submit(struct http_req *rq, struct http_resp *rs);
void api_advisories_withdraw(struct http_req *rq, struct http_resp *rs);
void api_advisories_approve(struct http_req *rq, struct http_resp *rs);
void api_advisories_ack(struct http_req *rq, struct http_resp *rs);
void api_advisories_deliveries(struct http_req *rq, struct http_resp *rs);
void api_org_communications(struct http_req *rq, struct http_resp *rs);
void api_ack_link_get(struct http_req *rq, struct http_resp *rs);
void api_ack_link_post(struct http_req *rq, struct http_resp *rs);
/* api/escalation.c */
void api_call_list(struct http_req *rq, struct http_resp *rs);
void api_advisory_call_list(struct http_req *rq, struct http_resp *rs);
void api_advisory_called(struct http_req *rq, struct http_resp *rs);
void api_webhook_get(struct http_req *rq, struct http_resp *rs);
void api_webhook_set(struct http_req *rq, struct http_resp *rs);
void api_webhook_delete(struct http_req *rq, struct http_resp *rs);
/* api/incidents.c */
void api_incidents_list(struct http_req *rq, struct http_resp *rs);
void api_incidents_create(struct http_req *rq, struct http_resp *rs);
void api_incidents_get(struct http_req *rq, struct http_resp *rs);
void api_incidents_status(struct http_req *rq, struct http_resp *rs);
void api_incidents_report(struct http_req *rq, struct http_resp *rs);
void api_incidents_note(struct http_req *rq, struct http_resp *rs);
void api_incidents_timeline(struct http_req *rq, struct http_resp *rs);
void api_incidents_taxonomy(struct http_req *rq, struct http_resp *rs);
void api_incidents_due(struct http_req *rq, struct http_resp *rs);
void api_incident_tasks_list(struct http_req *rq, struct http_resp *rs);
void api_incident_tasks_add(struct http_req *rq, struct http_resp *rs);
void api_incident_task_patch(struct http_req *rq, struct http_resp *rs);
void api_incident_playbook_apply(struct http_req *rq, struct http_resp *rs);
void api_playbooks_list(struct http_req *rq, struct http_resp *rs);
void api_incident_help_list(struct http_req *rq, struct http_resp *rs);
void api_incident_help_create(struct http_req *rq, struct http_resp *rs);
void api_help_requests_list(struct http_req *rq, struct http_resp *rs);
void api_help_requests_get(struct http_req *rq, struct http_resp *rs);
void api_help_requests_status(struct http_req *rq, struct http_resp *rs);
void api_incident_link(struct http_req *rq, struct http_resp *rs);
void api_incident_unlink(struct http_req *rq, struct http_resp *rs);
void api_incident_export(struct http_req *rq, struct http_resp *rs);
/* api/programme.c */
void api_checklist_current(struct http_req *rq, struct http_resp *rs);
void api_assessments_list(struct http_req *rq, struct http_resp *rs);
void api_assessments_create(struct http_req *rq, struct http_resp *rs);
void api_programme_summary(struct http_req *rq, struct http_resp *rs);
void api_programme_summary_csv(struct http_req *rq, struct http_resp *rs);
void api_programme_summary_html(struct http_req *rq, struct http_resp *rs);
void api_programme_campaign_send(struct http_req *rq, struct http_resp *rs);
void api_programme_campaign(struct http_req *rq, struct http_resp *rs);
/* api/audits.c */
void api_audit_get(struct http_req *rq, struct http_resp *rs);
void api_audit_signup(struct http_req *rq, struct http_resp *rs);
void api_audit_patch(struct http_req *rq, struct http_resp *rs);
void api_findings_list(struct http_req *rq, struct http_resp *rs);
void api_findings_create(struct http_req *rq, struct http_resp *rs);
void api_findings_patch(struct http_req *rq, struct http_resp *rs);
/* api/sessions.c */
void api_sessions_list(struct http_req *rq, struct http_resp *rs);
void api_sessions_create(struct http_req *rq, struct http_resp *rs);
void api_sessions_get(struct http_req *rq, struct http_resp *rs);
void api_sessions_ics(struct http_req *rq, struct http_resp *rs);
void api_registrations_create(struct http_req *rq, struct http_resp *rs);
void api_registrations_patch(struct http_req *rq, struct http_resp *rs);
void api_registrations_delete(struct http_req *rq, struct http_resp *rs);
/* api/vulns.c */
void api_vuln_findings_list(struct http_req *rq, struct http_resp *rs);
void api_vuln_findings_patch(struct http_req *rq, struct http_resp *rs);
void api_vulns_unrouted(struct http_req *rq, struct http_resp *rs);
void api_vulns_import(struct http_req *rq, struct http_resp *rs);
void api_vulns_coverage(struct http_req *rq, struct http_resp *rs);
/* api/vulns_summary.c */
void api_vuln_findings_summary(struct http_req *rq, struct http_resp *rs);
/* api/vuln_feeds.c */
void api_vulns_kev(struct http_req *rq, struct http_resp *rs);
/* api/vuln_sources.c */
void api_vuln_sources_list(struct http_req *rq, struct http_resp *rs);
void api_vuln_sources_get(struct http_req *rq, struct http_resp *rs);
void api_vuln_sources_add(struct http_req *rq, struct http_resp *rs);
void api_vuln_sources_patch(struct http_req *rq, struct http_resp *rs);
void api_vuln_sources_delete(struct http_req *rq, struct http_resp *rs);
void api_vuln_sources_fetch(struct http_req *rq, struct http_resp *rs);

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
void api_incidents_patch(struct http_req *rq, struct http_resp *rs);
void api_incidents_lessons(struct http_req *rq, struct http_resp *rs);
void api_incidents_counts(struct http_req *rq, struct http_resp *rs);
void api_sessions_invitation(struct http_req *rq, struct http_resp *rs);
void api_sessions_reminder(struct http_req *rq, struct http_resp *rs);
void api_advisory_attachment_add(struct http_req *rq, struct http_resp *rs);
void api_advisory_attachment_get(struct http_req *rq, struct http_resp *rs);
void api_advisory_attachment_delete(struct http_req *rq, struct http_resp *rs);
void api_feeds_misp(struct http_req *rq, struct http_resp *rs);
void api_alerts_by_org(struct http_req *rq, struct http_resp *rs);
void api_alerts_incident(struct http_req *rq, struct http_resp *rs);

#endif
