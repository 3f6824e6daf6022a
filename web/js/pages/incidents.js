// Incidents (docs/incidents.md): a SPOC reports its town's incident (or an
// analyst records one for a town); the page shows the legal clocks (NIS2 24 h
// / 72 h / one month, GDPR 72 h) with what is due or overdue, records the
// reports submitted, moves the status (war room), and keeps the timeline
// with notes (internal ones for the war room only).
//   #/incidents             list (+ the report form)
//   #/incidents/{id}        one incident

import { h, replace } from '../dom.js';
import { t, formatTime } from '../i18n.js';
import { api, can, getAll } from '../api.js';
import { loading, table, editForm, flash, errorText, badge, tlpBadge } from '../ui.js';
import { incidentExtras } from './incident_work.js';

const SEVERITIES = ['low', 'medium', 'high', 'critical'];
const NEXT = {
  reported: ['triaged'], triaged: ['contained'], contained: ['eradicated'],
  eradicated: ['recovered'], recovered: ['closed'],
};
const REPORT_KINDS = { 'NIS2 early warning': 'nis2-early-warning', 'NIS2 incident notification': 'nis2-notification',
  'NIS2 final report': 'nis2-final', 'GDPR notification': 'gdpr' };

const iso = (local) => new Date(local).toISOString().replace(/\.\d{3}Z$/, 'Z');
const nowLocal = () => {
  const d = new Date();
  d.setMinutes(d.getMinutes() - d.getTimezoneOffset());
  return d.toISOString().slice(0, 16);
};

function clockBadge(c) {
  const kind = { done: 'ok', overdue: 'bad', due: 'warn' }[c.state];
  return badge(t(`inc.clock.${c.state}`), kind);
}

async function reportForm(ctx) {
  const tax = await api.get('/incidents/taxonomy');
  const cats = Object.keys(tax);
  const staff = can.editAny(ctx.user);
  const typeSel = h('select', { name: 'type', id: 'f-incident-type' });
  const fillTypes = (cat) => replace(typeSel, (tax[cat] || []).map((x) => h('option', { value: x }, x)));
  const catField = h('div', { class: 'field', dataset: { field: 'category' } },
    h('label', { for: 'f-incident-category' }, t('inc.f.category')),
    h('select', { name: 'category', id: 'f-incident-category', onchange: (ev) => fillTypes(ev.target.value) },
      cats.map((c) => h('option', { value: c }, c))),
    h('div', { class: 'field-error', dataset: { for: 'category' } }));
  const typeField = h('div', { class: 'field', dataset: { field: 'type' } },
    h('label', { for: 'f-incident-type' }, t('inc.f.type')), typeSel,
    h('div', { class: 'field-error', dataset: { for: 'type' } }));
  fillTypes(cats[0]);
  return editForm({
    name: 'incident',
    title: t('inc.new'),
    submitLabel: t('inc.report'),
    fields: [
      staff ? { name: 'nis', label: t('inc.f.town_nis'), required: true, placeholder: '44021' } : null,
      { name: 'title', label: t('inc.f.title'), required: true, wide: true },
      { name: 'description', label: t('inc.f.description'), type: 'textarea', wide: true, rows: 5 },
      { name: 'aware_at', label: t('inc.f.aware_at'), type: 'datetime-local', required: true, value: nowLocal() },
      catField, typeField,
      { name: 'severity', label: t('inc.f.severity'), type: 'select', value: 'medium', options: SEVERITIES.map((x) => [x, x]) },
      { name: 'personal_data', label: t('inc.f.personal_data'), type: 'checkbox' },
      { name: 'nis2_mandatory', label: t('inc.f.nis2_mandatory'), type: 'checkbox' },
      { name: 'consent_provider', label: t('inc.f.consent_provider'), type: 'checkbox' },
    ].filter(Boolean),
    onSubmit: async (v) => {
      const body = { title: v.title, description: v.description, aware_at: iso(v.aware_at), category: v.category,
        type: v.type, severity: v.severity, personal_data: v.personal_data, nis2_mandatory: v.nis2_mandatory,
        consent_provider: v.consent_provider };
      if (staff) {
        const town = (await getAll('/orgs', { q: v.nis, kind: 'municipality' })).find((o) => String(o.nis_code) === v.nis);
        if (!town) throw Object.assign(new Error(t('adv.unknown_nis', { nis: v.nis })), { field: 'nis' });
        body.org_id = town.id;
      }
      const inc = await api.post('/incidents', body);
      ctx.navigate(`#/incidents/${inc.id}`);
    },
  });
}

async function renderList(host, ctx) {
  ctx.setTitle(t('inc.title'));
  replace(host, loading());
  const [items, form] = await Promise.all([getAll('/incidents'),
    ctx.user.role === 'spoc' || can.editAny(ctx.user) ? reportForm(ctx) : null]);
  if (!ctx.current()) return;
  replace(host,
    h('div', { class: 'page-head' }, h('h1', null, t('inc.title'))),
    h('section', { class: 'panel' }, items.length
      ? table([
        { label: '#', class: 'num', cell: (i) => String(i.id) },
        { label: t('inc.town'), cell: (i) => i.org_name },
        { label: t('inc.f.title'), cell: (i) => h('a', { href: `#/incidents/${i.id}` }, i.title) },
        { label: t('inc.f.severity'), cell: (i) => badge(i.severity, i.severity === 'critical' || i.severity === 'high' ? 'bad' : null) },
        { label: t('inc.status'), cell: (i) => t(`inc.st.${i.status}`) },
        { label: t('inc.f.aware_at'), class: 'nowrap', cell: (i) => formatTime(i.aware_at) },
      ], items, { class: 'incidents', rowData: (i) => ({ incident: i.id }) })
      : h('p', { class: 'empty' }, t('inc.none'))),
    form ? h('section', { class: 'panel', id: 'incident-new' }, form) : null);
}

function clocksPanel(inc, ctx, reload) {
  const canReport = ctx.user.role === 'spoc' || can.editAny(ctx.user);
  const rows = inc.clocks.map((c) => ({ ...c, kind: REPORT_KINDS[c.name] }));
  return h('section', { class: 'panel', id: 'inc-clocks' }, h('h2', null, t('inc.clocks')),
    table([
      { label: t('inc.clock'), cell: (c) => c.name },
      { label: t('inc.due'), class: 'nowrap', cell: (c) => (c.due ? formatTime(c.due) : '–') },
      { label: t('inc.status'), cell: (c) => clockBadge(c) },
      { label: t('inc.submitted'), class: 'nowrap', cell: (c) => (c.submitted_at ? formatTime(c.submitted_at) : '') },
      { label: '', cell: (c) => (canReport && c.state !== 'done' && c.state !== 'waiting' && c.kind
        ? h('button', {
          type: 'button', class: 'btn btn-small', dataset: { report: c.kind },
          onclick: async (ev) => {
            ev.target.disabled = true;
            try {
              await api.post(`/incidents/${inc.id}/reports`, { kind: c.kind, content: t('inc.report_recorded'),
                submitted_at: new Date().toISOString().replace(/\.\d{3}Z$/, 'Z') });
              reload();
            } catch (err) {
              ev.target.disabled = false;
              flash(ev.target.parentNode, errorText(err), 'error');
            }
          },
        }, t('inc.mark_submitted')) : '') },
    ], rows, { class: 'clocks compact', rowData: (c) => ({ clock: c.kind || c.name, state: c.state }) }));
}

function statusPanel(inc, reload) {
  const next = NEXT[inc.status];
  if (!next) return null;
  return h('section', { class: 'panel', id: 'inc-status' }, editForm({
    name: 'status',
    title: t('inc.move'),
    submitLabel: t('inc.move_go'),
    fields: [
      { name: 'status', label: t('inc.status'), type: 'select', options: [...next, 'rejected'].map((s) => [s, t(`inc.st.${s}`)]) },
      { name: 'note', label: t('inc.note'), wide: true },
    ],
    onSubmit: async (v) => {
      await api.post(`/incidents/${inc.id}/status`, v.note ? v : { status: v.status });
      reload();
    },
  }));
}

function timelinePanel(inc, items, ctx, reload) {
  const staff = can.editAny(ctx.user);
  return h('section', { class: 'panel', id: 'inc-timeline' }, h('h2', null, t('inc.timeline')),
    h('ol', { class: 'timeline' }, items.map((x) => h('li', { class: x.internal ? 'internal' : null },
      h('span', { class: 'mono small' }, formatTime(x.at)), ' ', h('strong', null, x.actor), ' ',
      h('span', { class: 'muted' }, x.kind), x.internal ? [' ', badge(t('inc.internal'), 'warn')] : null,
      x.text ? h('div', { class: 'tl-text' }, x.text) : null))),
    editForm({
      name: 'note',
      submitLabel: t('inc.add_note'),
      fields: [{ name: 'text', label: t('inc.note'), type: 'textarea', rows: 3, required: true, wide: true },
        staff ? { name: 'internal', label: t('inc.internal_note'), type: 'checkbox' } : null].filter(Boolean),
      onSubmit: async (v) => {
        await api.post(`/incidents/${inc.id}/notes`, { text: v.text, internal: !!v.internal });
        reload();
      },
    }));
}

async function renderOne(host, ctx) {
  replace(host, loading());
  const reload = async () => {
    const [inc, tl] = await Promise.all([api.get(`/incidents/${ctx.id}`), api.get(`/incidents/${ctx.id}/timeline`)]);
    if (!ctx.current()) return;
    ctx.setTitle(inc.title);
    const extras = await incidentExtras(inc, ctx, reload);
    if (!ctx.current()) return;
    replace(host,
      h('div', { class: 'page-head' }, h('h1', null, inc.title), ' ', tlpBadge(inc.tlp), ' ',
        badge(t(`inc.st.${inc.status}`), inc.status === 'closed' ? 'ok' : 'warn')),
      h('p', { class: 'muted small' }, `${inc.org_name} · ${inc.category} / ${inc.type} · ${inc.severity} · `,
        `${t('inc.f.aware_at')} ${formatTime(inc.aware_at)} · ${t('inc.reporter')}: ${inc.reporter}`,
        inc.on_behalf ? ` (${t('inc.on_behalf')})` : ''),
      inc.description ? h('section', { class: 'panel' }, h('pre', { class: 'adv-body' }, inc.description)) : null,
      clocksPanel(inc, ctx, reload),
      can.editAny(ctx.user) ? statusPanel(inc, reload) : null,
      ...extras,
      timelinePanel(inc, tl.items || [], ctx, reload));
  };
  await reload();
}

export async function render(host, ctx) {
  return ctx.id ? renderOne(host, ctx) : renderList(host, ctx);
}
