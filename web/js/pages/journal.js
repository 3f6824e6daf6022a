// The journal: every change, newest first as the server orders it, with a
// "more" button for the next page.

import { h, replace } from '../dom.js';
import { t } from '../i18n.js';
import { api, query } from '../api.js';
import { table, pagedList } from '../ui.js';
import { formatTime } from '../i18n.js';

const PAGE = 100;

function details(d) {
  if (d === null || d === undefined || d === '') return '';
  let obj = d;
  if (typeof d === 'string') {
    try {
      obj = JSON.parse(d);
    } catch (_) {
      return h('span', { class: 'mono small' }, d);
    }
  }
  if (obj && typeof obj === 'object' && !Array.isArray(obj)) {
    const entries = Object.entries(obj);
    // The summary line leaves out empty values and ids; the full entry opens below.
    const useful = entries.filter(([k, v]) => v !== null && v !== '' && k !== 'id');
    const shown = useful.slice(0, 5).map(([k, v]) => h('span', { class: 'kv' },
      h('span', { class: 'k' }, k), '=', h('span', { class: 'v' }, typeof v === 'object' ? JSON.stringify(v) : String(v))));
    if (useful.length === entries.length && entries.length <= 5) return h('span', { class: 'kvs' }, shown);
    return h('details', null, h('summary', null, h('span', { class: 'kvs' }, shown), ' …'),
      h('pre', { class: 'mono small' }, JSON.stringify(obj, null, 2)));
  }
  return h('span', { class: 'mono small' }, JSON.stringify(obj));
}

function objectLink(e) {
  const label = `${e.object_type || ''}${e.object_id != null ? ` #${e.object_id}` : ''}`;
  if (e.object_type === 'org' && e.object_id != null) return h('a', { href: `#/orgs/${e.object_id}` }, label);
  return label;
}

export async function render(host, ctx) {
  ctx.setTitle(t('journal.title'));
  const cols = [
    { label: t('journal.seq'), class: 'num mono', cell: (e) => String(e.seq) },
    { label: t('journal.at'), class: 'mono nowrap', cell: (e) => formatTime(e.at) },
    { label: t('journal.actor'), cell: (e) => e.actor ?? '' },
    { label: t('journal.action'), class: 'mono', cell: (e) => e.action || '' },
    { label: t('journal.object'), cell: objectLink },
    { label: t('journal.details'), class: 'details', cell: (e) => details(e.details) },
  ];
  const list = pagedList(ctx, 'journal', (cursor) => api.get('/journal' + query({ limit: PAGE, cursor })),
    (items) => (items.length ? table(cols, items, { class: 'journal' }) : h('p', { class: 'empty' }, t('journal.none'))));
  replace(host,
    h('div', { class: 'page-head' }, h('h1', null, t('journal.title')), h('span', { class: 'muted small' }, t('journal.intro'))),
    h('section', { class: 'panel flush' }, list.results, h('div', { class: 'more-row' }, list.more)));
  await list.load(false);
}
