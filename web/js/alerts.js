// The war room's open alerts ("possible compromise at <town>": a sighting of
// an active indicator) with the one-click incident: the button opens an
// incident for the town from the alert's sighting and closes the alert.
// Used by the dashboard and the indicators page; staff only.

import { h, replace } from './dom.js';
import { t, formatTime } from './i18n.js';
import { api, can, query } from './api.js';
import { flash, errorText } from './ui.js';

function alertItem(a, onChange, note) {
  const button = h('button', { type: 'button', class: 'btn btn-small', dataset: { alert: a.id } }, t('alert.incident'));
  button.addEventListener('click', async () => {
    button.disabled = true;
    try {
      const r = await api.post(`/alerts/${a.id}/incident`, {});
      flash(note, t('alert.opened', { id: r.incident_id, town: a.org_name }));
      onChange();
    } catch (err) {
      button.disabled = false;
      flash(note, errorText(err), 'error');
    }
  });
  return h('li', { class: 'alert-item' },
    h('span', { class: 'mono small' }, formatTime(a.created_at)), ' ',
    h('a', { href: `#/orgs/${a.org_id}` }, a.org_name), ': ',
    h('span', { class: 'mono' }, `${a.type} ${a.value}`), ' ', button);
}

// A panel listing the newest open alerts; onChange() after an incident is
// opened (the caller may refresh its map). Returns null for non-staff.
export async function alertsPanel(ctx, { id, onChange = () => {} } = {}) {
  if (!can.editAny(ctx.user)) return null;
  const note = h('div', { class: 'alert-note' });
  const list = h('div');
  const section = h('section', { class: 'panel', id }, h('h2', null, t('ind.alerts')), note, list);
  const load = async () => {
    const r = await api.get('/alerts' + query({ limit: 20, status: 'open' }));
    const items = r.items || [];
    replace(list, items.length
      ? h('ul', { class: 'alert-list' }, items.map((a) => alertItem(a, () => { load(); onChange(); }, note)))
      : h('p', { class: 'empty' }, t('ind.noalerts')));
  };
  await load();
  return section;
}
