// The list of local governments: search, filters, cursor pagination.

import { h, replace, debounce } from '../dom.js';
import { t, formatNumber } from '../i18n.js';
import { api, query } from '../api.js';
import { table, reachBadge, completeness, loading, errorBox } from '../ui.js';

export const PROVINCES = ['Antwerpen', 'Limburg', 'Oost-Vlaanderen', 'Vlaams-Brabant', 'West-Vlaanderen'];
export const KINDS = ['municipality', 'ocmw', 'police-zone', 'province', 'intermunicipal', 'provider', 'war-room'];
const PAGE = 50;

export async function render(host, ctx) {
  ctx.setTitle(t('orgs.title'));
  const state = {
    q: ctx.params.get('q') || '',
    province: ctx.params.get('province') || '',
    kind: ctx.params.get('kind') || '',
  };

  const q = h('input', {
    id: 'org-search', type: 'search', name: 'q', value: state.q, placeholder: t('orgs.search_ph'),
    autocomplete: 'off', spellcheck: 'false', 'aria-label': t('orgs.search'),
  });
  const province = h('select', { id: 'org-province', name: 'province', 'aria-label': t('orgs.province') },
    h('option', { value: '' }, `${t('orgs.province')}: ${t('orgs.all')}`),
    PROVINCES.map((p) => h('option', { value: p, selected: p === state.province }, p)));
  const kind = h('select', { id: 'org-kind', name: 'kind', 'aria-label': t('orgs.kind') },
    h('option', { value: '' }, `${t('orgs.kind')}: ${t('orgs.all')}`),
    KINDS.map((k) => h('option', { value: k, selected: k === state.kind }, t(`kind.${k}`))));
  const results = h('div', { class: 'results', id: 'org-results' });
  const status = h('span', { class: 'muted small', id: 'org-count', 'aria-live': 'polite' });
  const more = h('button', { type: 'button', class: 'btn', id: 'org-more', hidden: true }, t('orgs.more'));

  replace(host,
    h('div', { class: 'page-head' }, h('h1', null, t('orgs.title')), status),
    h('form', { class: 'filters', role: 'search', onsubmit: (e) => e.preventDefault() },
      h('label', { class: 'search' }, h('span', { class: 'sr-only' }, t('orgs.search')), q),
      province, kind),
    h('section', { class: 'panel flush' }, results, h('div', { class: 'more-row' }, more)));

  let items = [];
  let cursor = null;
  let gen = 0;

  const columns = [
    { label: t('field.name'), class: 'name', cell: (o) => h('a', { href: `#/orgs/${o.id}`, class: 'org-link' }, o.name) },
    { label: t('field.nis_code'), class: 'mono', cell: (o) => o.nis_code || '' },
    { label: t('field.kind'), cell: (o) => t(`kind.${o.kind}`) },
    { label: t('field.province'), cell: (o) => o.province || '' },
    { label: t('field.population'), class: 'num', cell: (o) => formatNumber(o.population) },
    { label: t('field.reachable'), cell: (o) => reachBadge(o.reachable) },
    { label: t('field.completeness'), cell: (o) => completeness(o.completeness) },
  ];

  const draw = () => {
    if (!items.length) replace(results, h('p', { class: 'empty' }, t('orgs.none')));
    else replace(results, table(columns, items, { class: 'orgs', rowData: (o) => ({ id: o.id }) }));
    status.textContent = t('orgs.shown', { n: formatNumber(items.length) });
    more.hidden = !cursor;
  };

  const load = async (append) => {
    const my = ++gen;
    if (!append) replace(results, loading());
    more.disabled = true;
    try {
      const r = await api.get('/orgs' + query({ ...state, limit: PAGE, cursor: append ? cursor : null }));
      if (my !== gen || !ctx.current()) return;
      items = append ? items.concat(r.items || []) : (r.items || []);
      cursor = r.next_cursor || null;
      draw();
    } catch (err) {
      if (my !== gen) return;
      replace(results, errorBox(err, () => load(append)));
    } finally {
      more.disabled = false;
    }
  };

  const syncHash = () => {
    history.replaceState(null, '', '#/orgs' + query(state));
  };
  const changed = () => {
    state.q = q.value.trim();
    state.province = province.value;
    state.kind = kind.value;
    syncHash();
    load(false);
  };
  q.addEventListener('input', debounce(changed, 250));
  q.addEventListener('keydown', (e) => {
    if (e.key === 'Enter') {
      e.preventDefault();
      changed();
    }
  });
  province.addEventListener('change', changed);
  kind.addEventListener('change', changed);
  more.addEventListener('click', () => load(true));

  await load(false);
  if (!state.q && window.matchMedia('(min-width: 700px)').matches) q.focus();
}
