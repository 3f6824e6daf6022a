// The dashboard: counts, the map of Flanders coloured by completeness, and
// figures per province with the towns that cannot be reached.

import { h, replace } from '../dom.js';
import { t, formatNumber } from '../i18n.js';
import { getAll } from '../api.js';
import { loadGeo, drawMap, legend, townStatus } from '../map.js';
import { loading, table } from '../ui.js';

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

export async function render(host, ctx) {
  ctx.setTitle(t('dash.title'));
  const mapHost = h('div', { class: 'map-host', id: 'map' }, loading());
  const stats = h('div', { class: 'stats' });
  const side = h('div', { class: 'dash-side' });
  replace(host,
    h('div', { class: 'page-head' }, h('h1', null, t('dash.title'))),
    stats,
    h('div', { class: 'dash-grid' },
      h('section', { class: 'panel map-panel' },
        h('div', { class: 'panel-head' }, h('h2', null, t('dash.map')), legend()),
        mapHost,
        h('p', { class: 'muted small' }, t('dash.map_hint'))),
      side));

  const [orgs, geo] = await Promise.all([
    getAll('/orgs', { kind: 'municipality' }),
    loadGeo(),
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
    stat('stat-nothing', t('dash.nothing'), nothing, null, nothing ? 'bad' : 'ok'));

  drawMap(mapHost, geo, byNis, (org) => ctx.navigate(`#/orgs/${org.id}`));

  const rows = PROVINCES.map((p) => {
    const list = orgs.filter((o) => o.province === p);
    return { p, n: list.length, r: list.filter((o) => o.reachable).length, c: list.filter((o) => o.complete).length };
  }).filter((r) => r.n > 0);
  const unreachable = orgs.filter((o) => !o.reachable).sort((a, b) => a.name.localeCompare(b.name, 'nl'));
  replace(side,
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
}
