// The war room's call list (docs/comms.md, "The call list"): the towns an
// escalation put there because nobody acknowledged an advisory, with every
// number to ring, what was tried, and the calls so far; the analyst records
// each call's outcome ("reached" takes the town off the list).
//   #/call-list

import { h, replace } from '../dom.js';
import { t, formatTime } from '../i18n.js';
import { api } from '../api.js';
import { loading, flash, errorText, tlpBadge } from '../ui.js';

const OUTCOMES = ['reached', 'no-answer', 'voicemail', 'wrong-number'];
const parsed = (v) => (typeof v === 'string' ? JSON.parse(v) : v || []);

function entry(x, reload, note) {
  const contacts = parsed(x.contacts);
  const tried = parsed(x.tried);
  const calls = parsed(x.calls);
  const record = (outcome) => h('button', {
    type: 'button', class: 'btn btn-small', dataset: { outcome },
    onclick: async (ev) => {
      ev.target.disabled = true;
      try {
        await api.post(`/advisories/${x.advisory_id}/called`, { org_id: x.org_id, outcome });
        reload();
      } catch (err) {
        ev.target.disabled = false;
        flash(note, errorText(err), 'error');
      }
    },
  }, t(`call.${outcome}`));
  return h('section', { class: 'panel call', dataset: { org: x.org_id, advisory: x.advisory_id } },
    h('h2', null, x.org_name, ' ', h('span', { class: 'muted small' }, `${t('call.since')} ${formatTime(x.since)}`)),
    h('p', null, tlpBadge(x.tlp), ' ', h('a', { href: `#/advisories/${x.advisory_id}` }, x.title)),
    h('ul', { class: 'call-numbers' }, contacts.map((c) => h('li', null,
      h('strong', null, c.name), ` (${c.role}) `,
      c.mobile ? h('a', { href: `tel:${c.mobile}`, class: 'mono' }, c.mobile) : null, ' ',
      c.phone ? h('a', { href: `tel:${c.phone}`, class: 'mono' }, c.phone) : null))),
    h('p', { class: 'muted small' }, t('call.tried'), ': ',
      tried.map((s) => `${s.action} ${formatTime(s.at)} (${s.sent}/${s.messages})`).join(' · ') || '–'),
    calls.length ? h('p', { class: 'small' }, t('call.calls'), ': ',
      calls.map((c) => `${formatTime(c.at)} ${c.by}: ${t(`call.${c.outcome}`)}`).join(' · ')) : null,
    h('div', { class: 'form-actions' }, OUTCOMES.map(record)));
}

export async function render(host, ctx) {
  ctx.setTitle(t('call.title'));
  replace(host, loading());
  const note = h('div');
  const list = h('div', { id: 'call-list' });
  const reload = async () => {
    const r = await api.get('/call-list');
    if (!ctx.current()) return;
    const items = r.items || [];
    replace(list, items.length ? items.map((x) => entry(x, reload, note)) : h('p', { class: 'empty' }, t('call.none')));
  };
  replace(host, h('div', { class: 'page-head' }, h('h1', null, t('call.title'))), note, list);
  await reload();
}
