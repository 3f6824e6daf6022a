// The prevention programme's figures: audit sign-ups and coverage, checklist
// progress and levels, overdue findings and session attendance, per province
// and per provider, with the printable summary and the CSV; for the war room
// also the campaign audiences (the exact towns each saved filter selects).
//   #/programme

import { h, replace } from '../dom.js';
import { t, formatNumber } from '../i18n.js';
import { api, can, getAll } from '../api.js';
import { loading, table, errorBox, prepareButton } from '../ui.js';
import { loadGeo, drawMap, legend, recolour } from '../map.js';
import { programmeLayer, PROGRAMME_LEGEND } from '../map_layers.js';

const FILTERS = ['not-signed-up', 'checklist-not-started', 'basic-not-reached', 'findings-overdue'];

function stat(id, label, value, sub) {
  return h('div', { class: 'stat', id },
    h('div', { class: 'stat-label' }, label),
    h('div', { class: 'stat-value' }, value),
    sub ? h('div', { class: 'stat-sub' }, sub) : null);
}

const pct = (x100) => `${(x100 / 100).toFixed(1)}%`;

function groupTable(rows, nameOf) {
  return table([
    { label: t('prog.group'), class: 'nowrap', cell: nameOf },
    { label: t('prog.towns'), class: 'num', cell: (r) => formatNumber(r.towns) },
    { label: t('prog.signed_up'), class: 'num', cell: (r) => `${formatNumber(r.signed_up)} (${pct(r.signed_up_share_x100)})` },
    { label: t('prog.performed'), class: 'num', cell: (r) => formatNumber(r.audits_performed) },
    { label: t('prog.started'), class: 'num', cell: (r) => formatNumber(r.checklist_started) },
    { label: t('prog.basic'), class: 'num', cell: (r) => formatNumber(r.passing.basic) },
    { label: t('prog.overdue'), class: 'num', cell: (r) => formatNumber(r.findings_overdue) },
  ], rows, { class: 'compact' });
}

async function campaign(host, filter) {
  replace(host, loading());
  try {
    const r = await api.get(`/programme/campaigns/${filter}`);
    replace(host, h('p', null, h('strong', null, t('prog.campaign_count', { n: formatNumber(r.count) }))),
      h('ul', { class: 'town-list', id: 'campaign-towns' }, r.orgs.map((o) => h('li', null,
        h('a', { href: `#/orgs/${o.id}` }, o.name), h('span', { class: 'muted' }, o.province || '')))),
      prepareButton(`/programme/campaigns/${filter}/advisory`, t('prog.prepare'), 'prog.prepared'));
  } catch (err) {
    replace(host, errorBox(err, () => campaign(host, filter)));
  }
}

// The map of the towns by programme status, drawn with the dashboard's map
// and its programme layer. Staff only: per town, not an aggregate.
async function programmeMap(host, ctx) {
  const [orgs, geo, layer] = await Promise.all([
    getAll('/orgs', { kind: 'municipality' }), loadGeo(), programmeLayer()]);
  if (!ctx.current()) return;
  const byNis = new Map(orgs.filter((o) => o.nis_code).map((o) => [String(o.nis_code), o]));
  replace(host);
  const svg = drawMap(host, geo, byNis, (org) => ctx.navigate(`#/checklist/${org.id}`));
  recolour(svg, byNis, layer.statusOf);
}

export async function render(host, ctx) {
  ctx.setTitle(t('prog.title'));
  replace(host, loading());
  const s = await api.get('/programme/summary');
  if (!ctx.current()) return;
  const campaignHost = h('div', { id: 'campaign-result' });
  const mapHost = h('div', { class: 'map-host', id: 'prog-map' }, loading());
  const staffMap = can.editAny(ctx.user)
    ? h('section', { class: 'panel map-panel' }, h('div', { class: 'panel-head' }, h('h2', null, t('prog.map')), legend(PROGRAMME_LEGEND)), mapHost)
    : null;
  replace(host,
    h('div', { class: 'page-head' }, h('h1', null, t('prog.title')),
      h('span', { class: 'muted small' },
        h('a', { href: '/api/v1/programme/summary.html', target: '_blank', rel: 'noopener', id: 'prog-print' }, t('prog.print')), ' · ',
        h('a', { href: '/api/v1/programme/summary.csv', id: 'prog-csv' }, 'CSV'))),
    h('div', { class: 'stats' },
      stat('prog-signed-up', t('prog.signed_up'), `${formatNumber(s.signed_up)} / ${formatNumber(s.towns)}`, pct(s.signed_up_share_x100)),
      stat('prog-performed', t('prog.performed'), formatNumber(s.audits_performed), t('prog.covered', { n: formatNumber(s.population_covered) })),
      stat('prog-started', t('prog.started'), formatNumber(s.checklist_started), t('prog.basic_n', { n: formatNumber(s.passing.basic) })),
      stat('prog-overdue', t('prog.overdue'), formatNumber(s.findings_overdue), t('prog.sessions', { n: formatNumber(s.sessions.attended) }))),
    staffMap,
    h('section', { class: 'panel' }, h('h2', null, t('prog.by_province')), groupTable(s.by_province, (r) => r.province || '–')),
    h('section', { class: 'panel' }, h('h2', null, t('prog.by_provider')), groupTable(s.by_provider, (r) => r.provider)),
    can.editAny(ctx.user)
      ? h('section', { class: 'panel', id: 'campaigns' }, h('h2', null, t('prog.campaigns')),
        h('div', { class: 'form-actions' }, FILTERS.map((f) => h('button', {
          type: 'button', class: 'btn', dataset: { filter: f }, onclick: () => campaign(campaignHost, f),
        }, t(`prog.f.${f}`)))),
        campaignHost)
      : null);
  if (staffMap) await programmeMap(mapHost, ctx);
}
