// The dashboard: counts, the map of Flanders coloured by registry
// completeness or (for the war room) by open alerts or programme status,
// figures per province with the towns that cannot be reached, the open
// alerts with their one-click incident, the programme's key figures, and
// (war room) how watertight the vulnerability warnings were.

import { h, replace } from '../dom.js';
import { t, formatNumber, formatTime } from '../i18n.js';
import { api, can, getAll } from '../api.js';
import { loadGeo, drawMap, legend, recolour, townStatus } from '../map.js';
import { registryLayer, alertsLayer, programmeLayer, checklistLayer } from '../map_layers.js';
import { alertsPanel } from '../alerts.js';
import { loading, table } from '../ui.js';
import { percent } from './vulns.js';

const PROVINCES = ['Antwerpen', 'Limburg', 'Oost-Vlaanderen', 'Vlaams-Brabant', 'West-Vlaanderen'];

function stat(id, label, value, sub, kind) {
  return h('div', { class: ['stat', kind ? `stat-${kind}` : ''], id },
    h('div', { class: 'stat-label' }, label),
    h('div', { class: 'stat-value' }, formatNumber(value)),
    sub ? h('div', { class: 'stat-sub' }, sub) : null);
}

// "52 / 55", with the part that is missing marked when there is one.
function share(part, whole) {
  return h('span', { class: part < whole ? 'share short' : 'share' },
    formatNumber(part), h('span', { class: 'muted' }, ` / ${formatNumber(whole)}`));
}

const LAYERS = { registry: registryLayer, alerts: alertsLayer, programme: programmeLayer, checklist: checklistLayer };

// The layer switch above the map (war room only): recolours the drawn map.
function layerSwitch(legendHost, getSvg, byNis) {
  const buttons = Object.keys(LAYERS).map((name) => h('button', {
    type: 'button', class: 'btn btn-small', dataset: { layer: name }, 'aria-pressed': name === 'registry' ? 'true' : 'false',
  }, t(`dash.layer.${name}`)));
  for (const b of buttons) {
    b.addEventListener('click', async () => {
      const layer = await LAYERS[b.dataset.layer]();
      recolour(getSvg(), byNis, layer.statusOf);
      replace(legendHost, legend(layer.legend));
      for (const o of buttons) o.setAttribute('aria-pressed', o === b ? 'true' : 'false');
      getSvg().dataset.layer = b.dataset.layer;
    });
  }
  return h('div', { class: 'layer-switch', role: 'group', 'aria-label': t('dash.layers'), id: 'map-layers' }, buttons);
}

// The programme's headline figures, for the war room and the minister's office.
async function programmeStats(ctx) {
  if (!can.editAny(ctx.user) && ctx.user.role !== 'viewer') return [];
  const s = await api.get('/programme/summary');
  return [
    stat('stat-audit', t('prog.signed_up'), s.signed_up, t('dash.of', { n: formatNumber(s.towns) }), s.signed_up < s.towns ? 'warn' : 'ok'),
    stat('stat-basic', t('prog.basic'), s.passing.basic, t('dash.of', { n: formatNumber(s.towns) }), s.passing.basic < s.towns ? 'warn' : 'ok'),
  ];
}

export async function render(host, ctx) {
  ctx.setTitle(t('dash.title'));
  const staff = can.editAny(ctx.user);
  const mapHost = h('div', { class: 'map-host', id: 'map' }, loading());
  const stats = h('div', { class: 'stats' });
  const side = h('div', { class: 'dash-side' });
  const legendHost = h('div', null, legend());
  const switchHost = h('div');
  replace(host,
    h('div', { class: 'page-head' }, h('h1', null, t('dash.title'))),
    stats,
    h('div', { class: 'dash-grid' },
      h('section', { class: 'panel map-panel' },
        h('div', { class: 'panel-head' }, h('h2', null, t('dash.map')), legendHost),
        switchHost,
        mapHost,
        h('p', { class: 'muted small' }, t('dash.map_hint'))),
      side));

  const [orgs, geo, progStats, alerts] = await Promise.all([
    getAll('/orgs', { kind: 'municipality' }),
    loadGeo(),
    programmeStats(ctx),
    staff ? api.get('/alerts/by-org') : null,
  ]);
  if (!ctx.current()) return;

  const byNis = new Map();
  for (const o of orgs) if (o.nis_code) byNis.set(String(o.nis_code), o);
  const total = orgs.length;
  const reachable = orgs.filter((o) => o.reachable).length;
  const incomplete = orgs.filter((o) => !o.complete).length;
  const nothing = orgs.filter((o) => townStatus(o) === 'none').length;
  replace(stats,
    stat('stat-towns', t('dash.towns'), total),
    stat('stat-reachable', t('dash.reachable'), reachable, t('dash.of', { n: formatNumber(total) }), reachable < total ? 'warn' : 'ok'),
    stat('stat-incomplete', t('dash.incomplete'), incomplete, t('dash.of', { n: formatNumber(total) }), incomplete ? 'warn' : 'ok'),
    stat('stat-nothing', t('dash.nothing'), nothing, null, nothing ? 'bad' : 'ok'),
    alerts ? stat('stat-alerts', t('dash.alert_towns'), alerts.items.length, null, alerts.items.length ? 'bad' : 'ok') : null,
    ...progStats);

  const svg = drawMap(mapHost, geo, byNis, (org) => ctx.navigate(`#/orgs/${org.id}`));
  if (staff) replace(switchHost, layerSwitch(legendHost, () => svg, byNis));

  const rows = PROVINCES.map((p) => {
    const list = orgs.filter((o) => o.province === p);
    return { p, n: list.length, r: list.filter((o) => o.reachable).length, c: list.filter((o) => o.complete).length };
  }).filter((r) => r.n > 0);
  const unreachable = orgs.filter((o) => !o.reachable).sort((a, b) => a.name.localeCompare(b.name, 'nl'));
  const alertsHost = h('div');
  const dueHost = h('div');
  const vulnsHost = h('div');
  replace(side,
    alertsHost,
    dueHost,
    vulnsHost,
    h('section', { class: 'panel' },
      h('h2', null, t('dash.by_province')),
      table([
        { label: t('field.province'), class: 'nowrap', cell: (r) => h('a', { href: `#/orgs?province=${encodeURIComponent(r.p)}&kind=municipality` }, r.p) },
        { label: t('dash.reachable'), class: 'num', cell: (r) => share(r.r, r.n) },
        { label: t('orgs.complete'), class: 'num', cell: (r) => share(r.c, r.n) },
      ], rows, { class: 'compact keep-table' })),
    h('section', { class: 'panel' },
      h('h2', null, t('dash.not_reachable'), ' ', h('span', { class: 'count' }, formatNumber(unreachable.length))),
      unreachable.length
        ? h('ul', { class: 'town-list' }, unreachable.map((o) => h('li', null,
          h('a', { href: `#/orgs/${o.id}` }, o.name), h('span', { class: 'muted' }, o.province || ''))))
        : h('p', { class: 'muted' }, t('dash.all_reachable'))));

  // An incident opened from an alert leaves the alerts layer: redraw it when shown.
  const panel = await alertsPanel(ctx, {
    id: 'dash-alerts',
    onChange: async () => {
      if (svg.dataset.layer !== 'alerts') return;
      const layer = await alertsLayer();
      recolour(svg, byNis, layer.statusOf);
    },
  });
  if (panel && ctx.current()) replace(alertsHost, panel);
  if (staff) {
    const [due, cov] = await Promise.all([api.get('/incidents/due?hours=24'), api.get('/vulns/coverage')]);
    if (ctx.current()) replace(dueHost, duePanel(due.items || []));
    if (ctx.current()) replace(vulnsHost, vulnsPanel(cov));
  }
}

// How watertight the vulnerability warnings were over the last 30 days.
function vulnsPanel(c) {
  return h('section', { class: 'panel', id: 'dash-vulns' },
    h('h2', null, h('a', { href: '#/vulns' }, t('dash.vulns'))),
    c.events
      ? h('p', null, h('a', { href: '#/vulns' }, t('dash.vulns_line', {
        routed: percent(c.routed, c.events), reachable: percent(c.routed_reachable, c.events), ack: percent(c.acknowledged, c.events),
      })))
      : h('p', { class: 'muted' }, t('dash.vulns_none')));
}

// The legal clocks and incident tasks overdue or due within 24 hours.
function duePanel(items) {
  return h('section', { class: 'panel', id: 'dash-due' },
    h('h2', null, t('dash.due'), ' ', h('span', { class: 'count' }, formatNumber(items.length))),
    items.length
      ? h('ul', { class: 'alert-list' }, items.slice(0, 15).map((x) => h('li', { dataset: { state: x.state } },
        h('span', { class: ['badge', x.state === 'overdue' ? 'badge-bad' : 'badge-warn'] }, t(`dash.due.${x.state}`)), ' ',
        h('span', { class: 'mono small' }, formatTime(x.due_at)), ' ',
        h('a', { href: `#/incidents/${x.incident_id}` }, x.org_name), ': ', x.name)))
      : h('p', { class: 'muted' }, t('dash.nothing_due')));
}
