// The measures the map of Flanders can be coloured by (the dashboard's layer
// switch, the programme page): each loads what it needs and returns
// { statusOf(org) -> [status, colour class], legend: [[status, class], ...] }.

import { api } from './api.js';
import { townStatus } from './map.js';

export const REGISTRY_LEGEND = ['complete', 'partial', 'none', 'unknown'].map((st) => [st, st]);

export function registryLayer() {
  return { statusOf: (org) => { const st = townStatus(org); return [st, st]; }, legend: REGISTRY_LEGEND };
}

// Towns with an open alert (a sighting of an active indicator, "possible
// compromise") light up; the counts come from /alerts/by-org.
export const ALERTS_LEGEND = [['alert-open', 'alert'], ['alert-none', 'quiet'], ['unknown', 'unknown']];

export async function alertsLayer() {
  const r = await api.get('/alerts/by-org');
  const open = new Map(r.items.map((x) => [x.org_id, x.open]));
  return {
    statusOf: (org) => (!org ? ['unknown', 'unknown'] : open.get(org.id) ? ['alert-open', 'alert'] : ['alert-none', 'quiet']),
    legend: ALERTS_LEGEND,
    open: r.items,
  };
}

// Audit findings overdue; signed up for a cyber-audit; only the checklist
// started; neither.
export const PROGRAMME_LEGEND = [['prog-overdue', 'alert'], ['prog-signed', 'complete'], ['prog-started', 'partial'], ['prog-nothing', 'none']];

export async function programmeLayer() {
  const [notSigned, notStarted, overdue] = await Promise.all([
    api.get('/programme/campaigns/not-signed-up'), api.get('/programme/campaigns/checklist-not-started'),
    api.get('/programme/campaigns/findings-overdue')]);
  const ns = new Set(notSigned.orgs.map((o) => o.id));
  const nst = new Set(notStarted.orgs.map((o) => o.id));
  const od = new Set(overdue.orgs.map((o) => o.id));
  return {
    statusOf: (org) => {
      if (!org) return ['unknown', 'unknown'];
      if (od.has(org.id)) return ['prog-overdue', 'alert'];
      if (!ns.has(org.id)) return ['prog-signed', 'complete'];
      return nst.has(org.id) ? ['prog-nothing', 'none'] : ['prog-started', 'partial'];
    },
    legend: PROGRAMME_LEGEND,
  };
}

// The checklist: basic level reached (CyberFundamentals mode), started but
// not there yet, not started.
export const CHECKLIST_LEGEND = [['chk-basic', 'complete'], ['chk-started', 'partial'], ['chk-nothing', 'none']];

export async function checklistLayer() {
  const [notBasic, notStarted] = await Promise.all([
    api.get('/programme/campaigns/basic-not-reached'), api.get('/programme/campaigns/checklist-not-started')]);
  const nb = new Set(notBasic.orgs.map((o) => o.id));
  const ns = new Set(notStarted.orgs.map((o) => o.id));
  return {
    statusOf: (org) => {
      if (!org) return ['unknown', 'unknown'];
      if (ns.has(org.id)) return ['chk-nothing', 'none'];
      return nb.has(org.id) ? ['chk-started', 'partial'] : ['chk-basic', 'complete'];
    },
    legend: CHECKLIST_LEGEND,
  };
}
