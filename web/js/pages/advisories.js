// Advisories (docs/comms.md): the war room writes one (TLP, severity, kind,
// audience, acknowledgement), attaches files, submits it; a second analyst
// approves it; the page then follows delivery and acknowledgement live, with
// the map of the addressed towns that have not answered. A SPOC sees what was
// sent to its town and acknowledges it.
//   #/advisories            list (+ the new-advisory form for staff)
//   #/advisories/{id}       one advisory

import { h, replace } from '../dom.js';
import { t, formatNumber, formatTime } from '../i18n.js';
import { api, can, getAll } from '../api.js';
import { loading, table, editForm, flash, errorText, badge, tlpBadge } from '../ui.js';
import { loadGeo, drawMap, legend, recolour } from '../map.js';

const TLPS = ['CLEAR', 'GREEN', 'AMBER', 'AMBER+STRICT', 'RED'];
const SEVERITIES = ['info', 'low', 'medium', 'high', 'critical'];
const KINDS = ['advisory', 'alert', 'lessons-learned', 'invitation', 'request-for-information'];
const ROLES = ['spoc', 'deputy', 'ciso', 'it-lead', 'mayor', 'dpo'];
const PROVINCES = ['Antwerpen', 'Limburg', 'Oost-Vlaanderen', 'Vlaams-Brabant', 'West-Vlaanderen'];
const POLL_MS = 4000;

function checks(name, values, checked, label) {
  return h('fieldset', { class: 'field field-wide checks', dataset: { field: name } },
    h('legend', null, label),
    values.map((v) => h('label', { class: 'check' },
      h('input', { type: 'checkbox', name, value: v, checked: checked.includes(v), dataset: { multi: '1' } }), ' ', v)),
    h('div', { class: 'field-error', dataset: { for: name } }));
}

// The audience from the form: everyone, some provinces, or towns by NIS code.
async function audienceOf(v) {
  const aud = { roles: v.roles };
  if (v.scope === 'provinces') aud.provinces = v.provinces;
  else if (v.scope === 'orgs') {
    const codes = v.orgs.split(/[\s,;]+/).filter(Boolean);
    const orgs = await Promise.all(codes.map((c) => getAll('/orgs', { q: c, kind: 'municipality' })));
    aud.orgs = orgs.map((list, i) => {
      const o = list.find((x) => String(x.nis_code) === codes[i]);
      if (!o) throw Object.assign(new Error(t('adv.unknown_nis', { nis: codes[i] })), { field: 'orgs' });
      return o.id;
    });
  } else aud.all = true;
  return aud;
}

function createForm(ctx) {
  return editForm({
    name: 'advisory',
    title: t('adv.new'),
    submitLabel: t('adv.create'),
    fields: [
      { name: 'title', label: t('adv.f.title'), required: true, wide: true },
      { name: 'body', label: t('adv.f.body'), type: 'textarea', required: true, wide: true, hint: t('adv.f.body_hint') },
      { name: 'tlp', label: 'TLP', type: 'select', value: 'AMBER', options: TLPS.map((x) => [x, `TLP:${x}`]) },
      { name: 'severity', label: t('adv.f.severity'), type: 'select', value: 'medium', options: SEVERITIES.map((x) => [x, x]) },
      { name: 'kind', label: t('adv.f.kind'), type: 'select', options: KINDS.map((x) => [x, x]) },
      { name: 'scope', label: t('adv.f.scope'), type: 'select', options: [['all', t('adv.scope.all')], ['provinces', t('adv.scope.provinces')], ['orgs', t('adv.scope.orgs')]] },
      checks('provinces', PROVINCES, [], t('adv.f.provinces')),
      { name: 'orgs', label: t('adv.f.orgs'), placeholder: '44021, 11002', wide: true },
      checks('roles', ROLES, ['spoc', 'deputy'], t('adv.f.roles')),
      { name: 'ack_required', label: t('adv.f.ack_required'), type: 'checkbox' },
      { name: 'ack_deadline', label: t('adv.f.ack_deadline'), type: 'datetime-local' },
    ],
    onSubmit: async (v) => {
      const body = { title: v.title, body: v.body, tlp: v.tlp, severity: v.severity, kind: v.kind,
        audience: await audienceOf(v), ack_required: v.ack_required };
      if (v.ack_deadline) body.ack_deadline = new Date(v.ack_deadline).toISOString().replace(/\.\d{3}Z$/, 'Z');
      const a = await api.post('/advisories', body);
      ctx.navigate(`#/advisories/${a.id}`);
    },
  });
}

function statusBadge(st) {
  return badge(t(`adv.st.${st}`), st === 'sent' ? 'ok' : st === 'draft' ? null : 'warn');
}

async function renderList(host, ctx) {
  ctx.setTitle(t('adv.title'));
  replace(host, loading());
  const items = await getAll('/advisories');
  if (!ctx.current()) return;
  replace(host,
    h('div', { class: 'page-head' }, h('h1', null, t('adv.title'))),
    can.editAny(ctx.user) ? h('section', { class: 'panel', id: 'advisory-new' }, createForm(ctx)) : null,
    h('section', { class: 'panel' }, items.length
      ? table([
        { label: '#', class: 'num', cell: (a) => String(a.id) },
        { label: t('adv.f.title'), cell: (a) => h('a', { href: `#/advisories/${a.id}` }, a.title) },
        { label: 'TLP', cell: (a) => tlpBadge(a.tlp) },
        { label: t('adv.f.kind'), cell: (a) => a.kind },
        { label: t('adv.status'), cell: (a) => statusBadge(a.status) },
        { label: t('adv.delivered'), class: 'num', cell: (a) => `${formatNumber(a.stats.delivered)} / ${formatNumber(a.stats.recipients)}` },
        { label: t('adv.acknowledged'), class: 'num', cell: (a) => `${formatNumber(a.stats.acknowledged)} / ${formatNumber(a.stats.towns)}` },
        { label: t('adv.created'), class: 'nowrap', cell: (a) => formatTime(a.created_at) },
      ], items, { class: 'advisories', rowData: (a) => ({ advisory: a.id }) })
      : h('p', { class: 'empty' }, t('adv.none'))));
}

// Each addressed town: acknowledged, reached but silent, not yet reached,
// nothing could be delivered.
const ACK_LEGEND = [['adv-acked', 'complete'], ['adv-silent', 'partial'], ['adv-pending', 'quiet'],
  ['adv-failed', 'none'], ['adv-not-addressed', 'unknown']];
const ACK_COLOUR = Object.fromEntries(ACK_LEGEND);
const ACK_RANK = { 'adv-acked': 3, 'adv-silent': 2, 'adv-pending': 1, 'adv-failed': 0 };

function townStates(deliveries) {
  const st = new Map();
  for (const d of deliveries) {
    const s = d.acknowledged_at ? 'adv-acked' : d.status === 'sent' ? 'adv-silent'
      : d.status === 'failed' ? 'adv-failed' : 'adv-pending';
    // a town is as far as its furthest recipient
    const prev = st.get(d.org_id);
    if (!prev || ACK_RANK[s] > ACK_RANK[prev]) st.set(d.org_id, s);
  }
  return st;
}

async function ackMap(host, deliveries, ctx) {
  const [orgs, geo] = await Promise.all([getAll('/orgs', { kind: 'municipality' }), loadGeo()]);
  if (!ctx.current()) return;
  const byNis = new Map(orgs.filter((o) => o.nis_code).map((o) => [String(o.nis_code), o]));
  const states = townStates(deliveries);
  const svg = drawMap(host, geo, byNis, (org) => ctx.navigate(`#/orgs/${org.id}`));
  recolour(svg, byNis, (org) => {
    const s = (org && states.get(org.id)) || 'adv-not-addressed';
    return [s, ACK_COLOUR[s]];
  });
}

function actions(a, ctx, reload, note) {
  const act = (label, path, id) => h('button', {
    type: 'button', class: 'btn', id,
    onclick: async (ev) => {
      ev.target.disabled = true;
      try {
        await api.post(`/advisories/${a.id}/${path}`, {});
        reload();
      } catch (err) {
        ev.target.disabled = false;
        flash(note, errorText(err), 'error');
      }
    },
  }, label);
  if (ctx.user.role === 'spoc') {
    return a.ack_required ? [act(t('adv.ack'), 'ack', 'adv-ack')] : [];
  }
  if (!can.editAny(ctx.user)) return [];
  if (a.status === 'draft') return [act(t('adv.submit'), 'submit', 'adv-submit')];
  if (a.status === 'submitted') {
    return [act(t('adv.withdraw'), 'withdraw', 'adv-withdraw'),
      a.author === ctx.user.name ? h('span', { class: 'muted small' }, t('adv.four_eyes')) : act(t('adv.approve'), 'approve', 'adv-approve')];
  }
  return [];
}

function attachments(a, ctx, reload, note) {
  const staff = can.editAny(ctx.user);
  const list = (a.attachments || []).map((f) => h('li', null,
    staff ? h('a', { href: `/api/v1/advisories/${a.id}/attachments/${f.id}` }, f.name) : f.name,
    ' ', h('span', { class: 'muted small' }, `${f.content_type}, ${formatNumber(f.size)} B`)));
  let upload = null;
  if (staff && a.status === 'draft') {
    const input = h('input', { type: 'file', id: 'adv-file', 'aria-label': t('adv.attach') });
    input.addEventListener('change', async () => {
      const file = input.files[0];
      if (!file) return;
      try {
        await api.upload(`/advisories/${a.id}/attachments?name=${encodeURIComponent(file.name)}`, file);
        reload();
      } catch (err) {
        flash(note, errorText(err), 'error');
      }
    });
    upload = h('label', { class: 'btn btn-small' }, t('adv.attach'), ' ', input);
  }
  return h('section', { class: 'panel', id: 'adv-attachments' }, h('h2', null, t('adv.attachments')),
    list.length ? h('ul', null, list) : h('p', { class: 'muted' }, t('adv.no_attachments')), upload);
}

async function renderOne(host, ctx) {
  replace(host, loading());
  let timer = null;
  const reload = async () => {
    clearTimeout(timer);
    const a = await api.get(`/advisories/${ctx.id}`);
    if (!ctx.current()) return;
    ctx.setTitle(a.title);
    const staff = can.editAny(ctx.user);
    const deliveries = staff && a.status !== 'draft' && a.status !== 'submitted'
      ? (await api.get(`/advisories/${a.id}/deliveries`)).items || [] : [];
    if (!ctx.current()) return;
    const note = h('div', { class: 'adv-note' });
    const s = a.stats;
    const mapHost = h('div', { class: 'map-host', id: 'adv-map' }, loading());
    replace(host,
      h('div', { class: 'page-head' }, h('h1', null, a.title), ' ', tlpBadge(a.tlp), ' ', statusBadge(a.status)),
      note,
      h('p', { class: 'muted small' }, `${a.kind} · ${a.severity} · ${t('adv.author')}: ${a.author}`,
        a.approver ? ` · ${t('adv.approver')}: ${a.approver}` : '',
        a.ack_required ? ` · ${t('adv.ack_by')} ${a.ack_deadline ? formatTime(a.ack_deadline) : '–'}` : ''),
      h('div', { class: 'form-actions', id: 'adv-actions' }, actions(a, ctx, reload, note)),
      h('div', { class: 'stats' },
        h('div', { class: 'stat', id: 'adv-delivered' }, h('div', { class: 'stat-label' }, t('adv.delivered')),
          h('div', { class: 'stat-value' }, `${formatNumber(s.delivered)} / ${formatNumber(s.recipients)}`)),
        h('div', { class: ['stat', s.failed ? 'stat-bad' : ''], id: 'adv-failed' }, h('div', { class: 'stat-label' }, t('adv.failed')),
          h('div', { class: 'stat-value' }, formatNumber(s.failed))),
        h('div', { class: 'stat', id: 'adv-acknowledged' }, h('div', { class: 'stat-label' }, t('adv.acknowledged')),
          h('div', { class: 'stat-value' }, `${formatNumber(s.acknowledged)} / ${formatNumber(s.towns)}`))),
      h('section', { class: 'panel' }, h('h2', null, t('adv.f.body')), h('pre', { class: 'adv-body' }, a.body)),
      attachments(a, ctx, reload, note),
      deliveries.length ? h('section', { class: 'panel map-panel' },
        h('div', { class: 'panel-head' }, h('h2', null, t('adv.who_answered')), legend(ACK_LEGEND)), mapHost) : null,
      deliveries.length ? h('section', { class: 'panel' }, h('h2', null, t('adv.deliveries')), table([
        { label: t('adv.town'), cell: (d) => d.org_name },
        { label: t('adv.recipient'), cell: (d) => `${d.name} (${d.role})` },
        { label: t('adv.address'), class: 'mono small', cell: (d) => d.address },
        { label: t('adv.status'), cell: (d) => badge(d.status, d.status === 'sent' ? 'ok' : d.status === 'failed' ? 'bad' : 'warn') },
        { label: t('adv.acknowledged'), cell: (d) => (d.acknowledged_at ? formatTime(d.acknowledged_at) : '–') },
        { label: t('adv.error'), class: 'small', cell: (d) => d.last_error || '' },
      ], deliveries, { class: 'deliveries compact' })) : null);
    if (deliveries.length) await ackMap(mapHost, deliveries, ctx);
    // live while it is being sent or waits for acknowledgements
    if (ctx.current() && (a.status === 'sending' || (a.status === 'sent' && a.ack_required && s.acknowledged < s.towns))) {
      timer = setTimeout(() => { if (ctx.current()) reload().catch(() => {}); }, POLL_MS);
    }
  };
  await reload();
}

export async function render(host, ctx) {
  return ctx.id ? renderOne(host, ctx) : renderList(host, ctx);
}
