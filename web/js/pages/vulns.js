// Vulnerability findings (docs/vulns.md). The war room sees the region's open
// findings by age and severity, how watertight the warnings were over a
// period (routed, to a reachable SPOC, acknowledged) and every finding; a
// SPOC its town's findings, a provider those on the assets it manages, each
// with the buttons to acknowledge, fix, accept or dismiss them.
//   #/vulns?org=&status=&severity=&since=&until=
//   #/vulns/unrouted         what reached nobody (vulns_unrouted.js)

import { h, replace } from '../dom.js';
import { t, formatNumber, formatTime } from '../i18n.js';
import { api, can, getAll, query } from '../api.js';
import { loading, table, badge, pagedList } from '../ui.js';
import { findingActions } from './vuln_actions.js';

export const SEVERITIES = ['critical', 'high', 'medium', 'low'];
const STATUSES = ['open', 'acknowledged', 'fixed', 'probably-fixed', 'accepted', 'false-positive'];
const PAGE = 50;

export function severityBadge(s) {
  return badge(s, s === 'critical' || s === 'high' ? 'bad' : s === 'medium' ? 'warn' : null);
}

function statusBadge(s) {
  const kind = { open: 'bad', acknowledged: 'warn', fixed: 'ok', 'probably-fixed': 'ok-quiet' }[s];
  return badge(t(`vuln.st.${s}`), kind || 'muted');
}

// "92 %" of whole; "–" when there is nothing to divide.
export function percent(part, whole) {
  return whole ? `${formatNumber(Math.floor((100 * part) / whole))} %` : '–';
}

// The tabs of the war room's view.
export function tabs(current) {
  const tab = (href, key, id) => h('a', {
    href, id, class: ['btn', 'btn-small'], 'aria-current': id === current ? 'page' : null,
    'aria-pressed': id === current ? 'true' : 'false',
  }, t(key));
  return h('nav', { class: 'layer-switch', 'aria-label': t('vuln.title') },
    tab('#/vulns', 'vuln.tab.findings', 'vuln-tab-findings'),
    tab('#/vulns/unrouted', 'vuln.tab.unrouted', 'vuln-tab-unrouted'));
}

function overviewPanel(s) {
  const cols = [
    { label: t('vuln.age'), class: 'nowrap', cell: (r) => (r.age === 'total' ? h('strong', null, t('vuln.total')) : t(`vuln.age.${r.age}`)) },
    ...SEVERITIES.map((sev) => ({ label: sev, class: 'num', cell: (r) => formatNumber(r[sev]) })),
    { label: t('vuln.total'), class: 'num', cell: (r) => h('strong', null, formatNumber(r.total)) },
  ];
  return h('section', { class: 'panel', id: 'vuln-overview' },
    h('h2', null, t('vuln.overview')),
    h('p', { class: 'muted small' }, t('vuln.overview_line', {
      open: formatNumber(s.open), ack: formatNumber(s.acknowledged), towns: formatNumber(s.towns),
    })),
    table(cols, [...s.ages, { ...s.total, age: 'total' }], { class: 'compact keep-table', rowData: (r) => ({ age: r.age }) }));
}

function coveragePanel(c, ctx) {
  const p = ctx.params;
  const day = (iso) => (iso || '').slice(0, 10);
  const form = h('form', { class: 'filters', id: 'vuln-period' },
    h('label', null, t('vuln.since'), ' ', h('input', { type: 'date', name: 'since', value: p.get('since') || day(c.since) })),
    h('label', null, t('vuln.until'), ' ', h('input', { type: 'date', name: 'until', value: p.get('until') || '' })),
    h('button', { type: 'submit', class: 'btn btn-small' }, t('ind.apply')));
  form.addEventListener('submit', (ev) => {
    ev.preventDefault();
    const f = new FormData(form);
    const next = new URLSearchParams(p);
    for (const k of ['since', 'until']) if (f.get(k)) next.set(k, f.get(k)); else next.delete(k);
    ctx.navigate(`#/vulns${query(Object.fromEntries(next))}`);
  });
  const rows = ['events', 'routed', 'routed_reachable', 'acknowledged'].map((k) => ({ k, n: c[k] }));
  return h('section', { class: 'panel', id: 'vuln-coverage' },
    h('h2', null, t('vuln.coverage')),
    h('p', { class: 'muted small' }, t('vuln.period', { since: formatTime(c.since), until: formatTime(c.until) })),
    form,
    table([
      { label: '', cell: (r) => t(`vuln.cov.${r.k}`) },
      { label: t('vuln.count'), class: 'num', cell: (r) => formatNumber(r.n) },
      { label: t('vuln.share'), class: 'num', cell: (r) => (r.k === 'events' ? '' : percent(r.n, c.events)) },
    ], rows, { class: 'compact keep-table', rowData: (r) => ({ figure: r.k }) }),
    h('p', { class: 'small' }, h('a', { href: '#/vulns/unrouted' }, t('vuln.unrouted_link', {
      n: formatNumber(c.events - c.routed),
    }))));
}

function filterForm(ctx, towns) {
  const p = ctx.params;
  const select = (name, label, options) => h('label', null, label, ' ',
    h('select', { name, id: `vuln-${name}` }, h('option', { value: '' }, t('ind.all')),
      options.map(([v, l]) => h('option', { value: v, selected: String(v) === p.get(name) ? true : null }, l))));
  const form = h('form', { class: 'filters', id: 'vuln-filter' },
    towns ? select('org', t('vuln.town'), towns.map((o) => [o.id, o.name])) : null,
    select('status', t('vuln.status'), STATUSES.map((s) => [s, t(`vuln.st.${s}`)])),
    select('severity', t('vuln.severity'), SEVERITIES.map((s) => [s, s])),
    h('button', { type: 'submit', class: 'btn' }, t('ind.apply')));
  form.addEventListener('submit', (ev) => {
    ev.preventDefault();
    const f = new FormData(form);
    ctx.navigate(`#/vulns${query({
      org: f.get('org'), status: f.get('status'), severity: f.get('severity'), since: p.get('since'), until: p.get('until'),
    })}`);
  });
  return form;
}

// The paged list of findings under the filters of the page's address.
function findingsPanel(ctx, towns) {
  const p = ctx.params;
  const mayChange = ctx.user.role !== 'viewer';
  const where = (f) => [f.port ? `${f.ip}:${f.port}` : f.ip, f.hostname ? h('div', { class: 'muted small' }, f.hostname) : null];
  const cols = [
    { label: '#', class: 'num', cell: (f) => String(f.id) },
    ctx.user.role !== 'spoc' ? { label: t('vuln.town'), cell: (f) => f.org_name } : null,
    { label: t('vuln.where'), class: 'mono', cell: where },
    { label: t('vuln.issue'), cell: (f) => [f.issue, f.cves && f.cves !== f.issue ? h('div', { class: 'muted small' }, f.cves) : null] },
    { label: t('vuln.severity'), cell: (f) => severityBadge(f.severity) },
    { label: t('vuln.status'), cell: (f) => [statusBadge(f.status),
      f.status === 'accepted' && f.accepted_until ? h('div', { class: 'small accepted-until' }, t('vuln.accepted_until', { day: f.accepted_until })) : null,
      f.reason ? h('div', { class: 'muted small reason' }, f.reason) : null] },
    { label: t('vuln.seen'), class: 'nowrap small', cell: (f) => [formatTime(f.first_seen), h('br'), formatTime(f.last_seen)] },
    mayChange ? { label: '', cell: (f) => findingActions(f, (updated) => {
      Object.assign(f, updated);
      list.redraw();
    }) } : null,
  ].filter(Boolean);
  const list = pagedList(ctx, 'vuln', (cursor) => api.get('/findings' + query({
    limit: PAGE, cursor, org: p.get('org'), status: p.get('status'), severity: p.get('severity'),
  })), (items) => (items.length
    ? table(cols, items, { class: 'findings', rowData: (f) => ({ finding: f.id, status: f.status }) })
    : h('p', { class: 'empty' }, t('vuln.none'))));
  list.load(false);
  return h('section', { class: 'panel', id: 'vuln-findings' },
    h('h2', null, t('vuln.findings')),
    filterForm(ctx, towns),
    list.results, h('div', { class: 'more-row' }, list.more));
}

export async function render(host, ctx) {
  ctx.setTitle(t('vuln.title'));
  const staff = can.editAny(ctx.user);
  replace(host, loading());
  const p = ctx.params;
  const [summary, coverage, towns] = staff ? await Promise.all([
    api.get('/findings/summary'),
    api.get('/vulns/coverage' + query({ since: p.get('since'), until: p.get('until') })),
    getAll('/orgs', { kind: 'municipality' }),
  ]) : [null, null, null];
  if (!ctx.current()) return;
  if (towns) towns.sort((a, b) => a.name.localeCompare(b.name, 'nl'));
  replace(host,
    h('div', { class: 'page-head' }, h('h1', null, t('vuln.title'))),
    staff ? tabs('vuln-tab-findings') : h('p', { class: 'muted' }, t(ctx.user.role === 'spoc' ? 'vuln.intro_spoc' : 'vuln.intro_provider')),
    staff ? h('div', { class: 'dash-grid' }, overviewPanel(summary), coveragePanel(coverage, ctx)) : null,
    findingsPanel(ctx, towns));
}
