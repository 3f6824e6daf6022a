// Indicators: counts per type and TLP, search and filters (type, TLP, tag),
// the false-positive flag (staff can override it), open alerts for staff.
//   #/indicators?q=&type=&tlp=&tag=

import { h, replace } from '../dom.js';
import { t } from '../i18n.js';
import { api, query } from '../api.js';
import { alertsPanel } from '../alerts.js';
import { table, errorBox, badge, tlpBadge, pagedList } from '../ui.js';

const TYPES = ['ipv4', 'ipv6', 'cidr', 'domain', 'hostname', 'url', 'email', 'md5', 'sha1', 'sha256', 'filename'];
const TLPS = ['CLEAR', 'GREEN', 'AMBER', 'AMBER+STRICT', 'RED'];
const PAGE = 100;

function select(name, label, values, current) {
  return h('label', null, label, ' ',
    h('select', { name, id: `ind-${name}` },
      h('option', { value: '' }, t('ind.all')),
      values.map((v) => h('option', { value: v, selected: v === current ? true : null }, v))));
}

function countsLine(c) {
  const parts = Object.entries(c.per_type || {}).sort().map(([k, v]) => `${k} ${v}`);
  return h('p', { class: 'muted small', id: 'ind-counts' },
    `${t('ind.total')}: ${c.total}`, ' · ', parts.join(', '),
    c.false_positive ? ` · ${t('ind.fp')}: ${c.false_positive}` : '');
}

export async function render(host, ctx) {
  ctx.setTitle(t('ind.title'));
  const p = ctx.params;
  const staff = ['admin', 'analyst'].includes(ctx.user.role);
  const form = h('form', { class: 'filters', id: 'ind-filter' },
    h('label', null, t('ind.search'), ' ', h('input', { type: 'search', name: 'q', id: 'ind-q', value: p.get('q') || '' })),
    select('type', t('ind.type'), TYPES, p.get('type')),
    select('tlp', 'TLP', TLPS, p.get('tlp')),
    h('label', null, t('ind.tag'), ' ', h('input', { type: 'text', name: 'tag', id: 'ind-tag', value: p.get('tag') || '' })),
    h('button', { type: 'submit', class: 'btn' }, t('ind.apply')));
  form.addEventListener('submit', (ev) => {
    ev.preventDefault();
    const f = new FormData(form);
    ctx.navigate('#/indicators' + query({ q: f.get('q'), type: f.get('type'), tlp: f.get('tlp'), tag: f.get('tag') }));
  });
  const counts = h('div');
  const alerts = h('div');
  const fpCell = (i) => {
    if (!i.fp_list) return '';
    const b = badge(i.false_positive ? `${t('ind.fp')}: ${i.fp_list}` : `${t('ind.override')}: ${i.fp_list}`, i.false_positive ? 'bad' : 'ok');
    if (!staff) return b;
    const btn = h('button', { type: 'button', class: 'btn btn-quiet small', dataset: { id: String(i.id) } },
      i.false_positive ? t('ind.dooverride') : t('ind.undooverride'));
    btn.addEventListener('click', async () => {
      btn.disabled = true;
      try {
        const r = await api.patch(`/indicators/${i.id}`, { false_positive_override: i.false_positive });
        Object.assign(i, r);
        list.redraw();
      } catch (err) {
        replace(list.results, errorBox(err, () => list.load(false)));
      }
    });
    return h('span', null, b, ' ', btn);
  };
  const cols = [
    { label: t('ind.type'), class: 'mono', cell: (i) => i.type },
    { label: t('ind.value'), class: 'mono', cell: (i) => i.value },
    { label: 'TLP', cell: (i) => tlpBadge(i.tlp) },
    { label: t('ind.sources'), cell: (i) => (i.sources || []).join(', ') },
    { label: t('ind.tags'), cell: (i) => (i.tags || []).join(', ') },
    { label: t('ind.fp'), cell: fpCell },
  ];
  const list = pagedList(ctx, 'ind', (cursor) => api.get('/indicators' + query({
    limit: PAGE, cursor, q: p.get('q'), type: p.get('type'), tlp: p.get('tlp'), tag: p.get('tag'),
  })), (items) => (items.length ? table(cols, items, { class: 'indicators' }) : h('p', { class: 'empty' }, t('ind.none'))));
  replace(host,
    h('div', { class: 'page-head' }, h('h1', null, t('ind.title'))),
    counts, alerts, form,
    h('section', { class: 'panel flush' }, list.results, h('div', { class: 'more-row' }, list.more)));
  const [c, a] = await Promise.all([api.get('/indicators/counts'), alertsPanel(ctx, { id: 'ind-alerts' }), list.load(false)]);
  if (!ctx.current()) return;
  replace(counts, countsLine(c));
  if (a) replace(alerts, a);
}
