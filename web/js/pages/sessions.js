// Information sessions: every account sees them (Brussels time) with the
// calendar file; a SPOC registers its town's people (waiting list at
// capacity) and cancels; the war room creates sessions and records who
// attended.
//   #/sessions

import { h, replace } from '../dom.js';
import { t, formatNumber } from '../i18n.js';
import { api, can } from '../api.js';
import { loading, editForm, deleteButton, flash, badge, prepareButton } from '../ui.js';

const AUDIENCES = ['all', 'spoc', 'it', 'management'];

function createForm(onDone) {
  return editForm({
    name: 'session',
    title: t('sess.new'),
    submitLabel: t('sess.create'),
    fields: [
      { name: 'title', label: t('sess.f.title'), required: true, wide: true },
      { name: 'starts', label: t('sess.f.starts'), type: 'datetime-local', required: true },
      { name: 'ends', label: t('sess.f.ends'), type: 'datetime-local', required: true },
      { name: 'place', label: t('sess.f.place') },
      { name: 'online_url', label: t('sess.f.online_url'), type: 'url' },
      { name: 'capacity', label: t('sess.f.capacity'), type: 'number', min: 1, required: true },
      { name: 'audience', label: t('sess.f.audience'), type: 'select', options: AUDIENCES.map((a) => [a, t(`sess.aud.${a}`)]) },
    ],
    onSubmit: async (v) => {
      const body = { title: v.title, starts: v.starts, ends: v.ends, capacity: Number(v.capacity), audience: v.audience };
      if (v.place) body.place = v.place;
      if (v.online_url) body.online_url = v.online_url;
      await api.post('/sessions', body);
      onDone();
    },
  });
}

function registrations(s, ctx, reload) {
  const base = `/sessions/${s.id}/registrations`;
  const staff = can.editAny(ctx.user);
  const rows = (s.registrations || []).filter((r) => r.status !== 'cancelled');
  return h('ul', { class: 'registrations' }, rows.map((r) => h('li', { dataset: { reg: r.id, status: r.status } },
    h('span', { class: 'reg-name' }, r.name), ' ', h('span', { class: 'muted' }, r.org_name), ' ',
    badge(t(`sess.st.${r.status}`), r.status === 'registered' ? 'ok' : 'warn'),
    staff && r.status === 'registered'
      ? h('label', { class: 'attended' }, h('input', {
        type: 'checkbox', checked: r.attended,
        onchange: async (ev) => {
          await api.patch(`${base}/${r.id}`, { attended: ev.target.checked });
          reload();
        },
      }), ' ', t('sess.attended'))
      : null,
    deleteButton(async () => {
      await api.del(`${base}/${r.id}`);
      reload();
    }, t('sess.cancel')))));
}

function sessionCard(s, ctx, reload) {
  const canRegister = ctx.user.role === 'spoc';
  const where = [s.place, s.online_url ? h('a', { href: s.online_url, rel: 'noopener', target: '_blank' }, s.online_url) : null].filter(Boolean);
  return h('section', { class: 'panel session', dataset: { session: s.id } },
    h('h2', null, s.title),
    h('p', null, h('span', { class: 'mono when' }, `${s.starts_local.replace('T', ' ')} – ${s.ends_local.slice(11)}`), ' ',
      h('span', { class: 'muted' }, `(${s.timezone})`), ' · ', where.flatMap((w, i) => (i ? [' · ', w] : [w]))),
    h('p', { class: 'muted small counts' }, t('sess.counts', { r: formatNumber(s.registered), c: formatNumber(s.capacity), w: formatNumber(s.waiting) }),
      ' · ', h('a', { href: `/api/v1/sessions/${s.id}/ics`, class: 'ics' }, t('sess.ics'))),
    s.registrations ? registrations(s, ctx, reload) : null,
    can.editAny(ctx.user) ? prepareButton(`/sessions/${s.id}/invitation`, t('sess.invite'), 'sess.invited') : null,
    canRegister ? editForm({
      name: `reg-${s.id}`,
      submitLabel: t('sess.register'),
      fields: [{ name: 'name', label: t('sess.f.name'), required: true }, { name: 'email', label: t('sess.f.email'), type: 'email' }],
      onSubmit: async (v, form) => {
        const r = await api.post(`/sessions/${s.id}/registrations`, v.email ? v : { name: v.name });
        form.reset();
        flash(form, t(`sess.st.${r.status}`));
        reload();
      },
    }) : null);
}

export async function render(host, ctx) {
  ctx.setTitle(t('sess.title'));
  replace(host, loading());
  const list = h('div', { id: 'sessions-list' });
  const reload = async () => {
    const r = await api.get('/sessions');
    const full = await Promise.all((r.items || []).map((s) => api.get(`/sessions/${s.id}`)));
    if (!ctx.current()) return;
    replace(list, full.length ? full.map((s) => sessionCard(s, ctx, reload)) : h('p', { class: 'empty' }, t('sess.none')));
  };
  replace(host,
    h('div', { class: 'page-head' }, h('h1', null, t('sess.title'))),
    can.editAny(ctx.user) ? h('section', { class: 'panel', id: 'session-new' }, createForm(reload)) : null,
    list);
  await reload();
}
