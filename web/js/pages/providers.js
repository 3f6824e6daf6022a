// ICT providers and the towns they serve.

import { h, replace } from '../dom.js';
import { t, formatNumber } from '../i18n.js';
import { api, can, getAll } from '../api.js';
import { editForm, deleteButton, flash, errorText, loading, table } from '../ui.js';

const SERVICES = ['network', 'workplace', 'applications', 'hosting'];

export async function render(host, ctx) {
  ctx.setTitle(t('prov.title'));
  const manage = can.editAny(ctx.user);
  const state = { items: [], editing: null }; // editing: {kind:'new'|'rename'|'client', id}
  let orgs = null; // for the client picker

  const listHost = h('div', { id: 'provider-list' }, loading());
  const top = h('div', { class: 'flash-slot' });
  const addBtn = manage ? h('button', { type: 'button', class: 'btn btn-small btn-primary', id: 'add-provider', onclick: () => edit({ kind: 'new' }) }, t('act.add_provider')) : null;
  replace(host,
    h('div', { class: 'page-head' }, h('h1', null, t('prov.title')), h('span', { class: 'muted small', id: 'prov-count' }), addBtn),
    top,
    listHost);

  const load = async (msg) => {
    const r = await api.get('/providers');
    if (!ctx.current()) return;
    state.items = (r.items || []).slice().sort((a, b) => a.name.localeCompare(b.name));
    draw();
    if (msg) flash(top, msg);
  };
  const edit = async (what) => {
    if (what.kind === 'client' && !orgs) {
      try {
        orgs = await getAll('/orgs', {});
      } catch (err) {
        flash(top, errorText(err), 'error');
        return;
      }
    }
    state.editing = what;
    draw();
    const f = listHost.querySelector('form.edit-form input, form.edit-form select') || host.querySelector('form.edit-form input');
    if (f) f.focus();
  };
  const stop = () => {
    state.editing = null;
    draw();
  };

  const clientForm = (p) => {
    const listId = `orgs-${p.id}`;
    const taken = new Set((p.clients || []).map((c) => String(c.org_id)));
    const choices = (orgs || []).filter((o) => !taken.has(String(o.id)));
    return editForm({
      name: 'client',
      title: `${t('act.add_client')}: ${p.name}`,
      fields: [
        h('datalist', { id: listId }, choices.map((o) => h('option', { value: o.nis_code ? `${o.name} (${o.nis_code})` : o.name }))),
        { name: 'org_id', label: t('field.org'), required: true, list: listId, placeholder: t('prov.org_ph'), wide: true },
        h('fieldset', { class: 'field field-wide services', dataset: { field: 'services' } },
          h('legend', null, t('field.services')),
          SERVICES.map((s) => h('label', { class: 'check' },
            h('input', { type: 'checkbox', name: 'services', value: s, dataset: { multi: '1' } }), ' ', t(`service.${s}`))),
          h('div', { class: 'field-error', dataset: { for: 'services' } })),
      ],
      onCancel: stop,
      onSubmit: async (v) => {
        const pick = choices.find((o) => (o.nis_code ? `${o.name} (${o.nis_code})` : o.name) === v.org_id)
          || choices.find((o) => o.name.toLowerCase() === v.org_id.toLowerCase());
        if (!pick) {
          const e = new Error(t('prov.org_unknown'));
          e.field = 'org_id';
          throw e;
        }
        await api.post(`/providers/${p.id}/clients`, { org_id: pick.id, services: v.services || [] });
        state.editing = null;
        await load(t('act.saved'));
      },
    });
  };

  const card = (p) => {
    const ed = state.editing;
    const renaming = ed && ed.kind === 'rename' && ed.id === p.id;
    const clients = (p.clients || []).slice().sort((a, b) => a.name.localeCompare(b.name));
    const cols = [
      { label: t('field.org'), class: 'name', cell: (c) => h('a', { href: `#/orgs/${c.org_id}` }, c.name) },
      { label: t('field.services'), class: 'services', cell: (c) => (c.services || []).map((s) => t(`service.${s}`)).join(' · ') },
    ];
    if (manage) {
      cols.push({
        label: '', class: 'row-actions', cell: (c) => deleteButton(async () => {
          try {
            await api.del(`/providers/${p.id}/clients/${c.org_id}`);
            await load(t('act.deleted'));
          } catch (err) {
            flash(top, errorText(err), 'error');
          }
        }, t('act.unlink')),
      });
    }
    return h('section', { class: 'panel provider', dataset: { id: p.id } },
      h('div', { class: 'panel-head' },
        h('h2', null, p.name, ' ', h('span', { class: 'count' }, formatNumber(clients.length))),
        manage && !ed ? h('span', { class: 'btns' },
          h('button', { type: 'button', class: 'btn btn-small', onclick: () => edit({ kind: 'client', id: p.id }) }, t('act.add_client')),
          h('button', { type: 'button', class: 'btn btn-small', onclick: () => edit({ kind: 'rename', id: p.id }) }, t('act.edit')),
          deleteButton(async () => {
            try {
              await api.del(`/providers/${p.id}`);
              await load(t('act.deleted'));
            } catch (err) {
              flash(top, errorText(err), 'error');
            }
          })) : null),
      renaming ? editForm({
        name: 'provider',
        fields: [{ name: 'name', label: t('field.name'), value: p.name, required: true, wide: true }],
        onCancel: stop,
        onSubmit: async (v) => {
          if (v.name !== p.name) await api.patch(`/providers/${p.id}`, { name: v.name });
          state.editing = null;
          await load(t('act.saved'));
        },
      }) : null,
      ed && ed.kind === 'client' && ed.id === p.id ? clientForm(p) : null,
      clients.length ? table(cols, clients, { class: 'clients' }) : h('p', { class: 'empty' }, t('prov.no_clients')));
  };

  const draw = () => {
    const ed = state.editing;
    host.querySelector('#prov-count').textContent = formatNumber(state.items.length);
    if (addBtn) addBtn.hidden = !!ed;
    replace(listHost,
      ed && ed.kind === 'new' ? h('section', { class: 'panel' }, editForm({
        name: 'provider',
        title: t('act.add_provider'),
        fields: [{ name: 'name', label: t('field.name'), required: true, wide: true }],
        onCancel: stop,
        onSubmit: async (v) => {
          await api.post('/providers', { name: v.name });
          state.editing = null;
          await load(t('act.saved'));
        },
      })) : null,
      state.items.length ? h('div', { class: 'provider-grid' }, state.items.map(card)) : h('p', { class: 'empty panel' }, t('prov.none')));
  };

  await load();
}
