// The page of one local government: its details, contacts, providers and
// assets, editable by those allowed (the server checks the same rules).

import { h, replace } from '../dom.js';
import { t, formatNumber } from '../i18n.js';
import { api, can, session } from '../api.js';
import {
  badge, reachBadge, completeness, table, editForm, deleteButton, flash, notFound, loading, errorText,
} from '../ui.js';
import { PROVINCES } from './orgs.js';

const CONTACT_ROLES = ['spoc', 'deputy', 'ciso', 'it-lead', 'mayor', 'dpo'];
const CONTACT_LANGS = ['nl', 'fr', 'en'];
const ASSET_TYPES = ['cidr', 'domain', 'hostname', 'software'];
const SERVICES = ['network', 'workplace', 'applications', 'hosting'];
const CONTACT_FIELDS = ['name', 'role', 'email', 'mobile', 'phone', 'oob_email', 'language', 'active'];
const VALUE_EXAMPLES = {
  cidr: '198.18.0.0/24 · 2001:db8:1::/48',
  domain: 'gemeente.be',
  hostname: 'vpn.gemeente.be',
  software: '',
};
const ASSET_FIELDS = ['type', 'value', 'managed_by', 'provider_id', 'vendor', 'product', 'version', 'cpe'];

// What changed between the stored object and the form: only that is sent.
// A cleared text field is sent as null.
function diff(orig, values, fields) {
  const out = {};
  for (const f of fields) {
    if (!(f in values)) continue;
    const v = values[f];
    const o = orig[f];
    if (typeof v === 'boolean') {
      if (v !== !!o) out[f] = v;
    } else if (String(v) !== String(o ?? '')) {
      out[f] = v === '' ? null : v;
    }
  }
  return out;
}

// The fields of a new object: empty ones are left out.
function filled(values, fields) {
  const out = {};
  for (const f of fields) {
    if (!(f in values)) continue;
    const v = values[f];
    if (typeof v === 'boolean' || v !== '') out[f] = v;
  }
  return out;
}

function mailto(v) {
  return v ? h('a', { href: `mailto:${v}` }, v) : '';
}

function tel(v) {
  return v ? h('a', { href: `tel:${v}`, class: 'mono' }, v) : '';
}

export async function render(host, ctx) {
  const id = ctx.id;
  const user = ctx.user;
  replace(host, loading());
  let org;
  try {
    org = await api.get(`/orgs/${encodeURIComponent(id)}`);
  } catch (err) {
    if (err.status === 404 || err.status === 400) {
      ctx.setTitle(t('org.not_found'));
      const back = user.role === 'spoc' ? (user.org_id != null ? `#/orgs/${user.org_id}` : null) : '#/orgs';
      replace(host, notFound(back, user.role === 'spoc' ? t('org.back_mine') : null));
      return;
    }
    throw err;
  }
  if (!ctx.current()) return;
  ctx.setTitle(org.name);

  const editable = can.editOrg(user, org.id);
  const state = { org, editing: null }; // editing: 'details' | {kind, id|null}
  let allProviders = null;

  const flashIn = (where, msg, kind) => {
    const sec = host.querySelector(`#${where}`);
    if (sec) flash(sec.querySelector('.flash-slot') || sec, msg, kind);
  };
  const refresh = async (msg, where) => {
    state.org = await api.get(`/orgs/${encodeURIComponent(id)}`);
    if (!ctx.current()) return;
    draw();
    if (msg && where) flashIn(where, msg);
  };

  const edit = (what) => {
    state.editing = what;
    draw();
    const f = host.querySelector('form.edit-form input, form.edit-form select');
    if (f) f.focus();
  };
  const stopEdit = () => {
    state.editing = null;
    draw();
  };

  // ---- header and details ----------------------------------------------
  const header = () => {
    const o = state.org;
    const meta = [
      [t('field.nis_code'), h('span', { class: 'mono', id: 'org-nis' }, o.nis_code || '—')],
      [t('field.kind'), t(`kind.${o.kind}`)],
      [t('field.province'), h('span', { id: 'org-province-value' }, o.province || '—')],
      [t('field.population'), h('span', { id: 'org-population' }, o.population != null ? formatNumber(o.population) : '—')],
      [t('field.reachable'), h('span', { title: t('reach.hint') }, reachBadge(o.reachable))],
      [t('field.completeness'), completeness(o.completeness), 'wide'],
    ];
    if (o.valid_from) meta.push([t('field.valid_from'), o.valid_from]);
    if (o.valid_to) meta.push([t('field.valid_to'), o.valid_to]);
    if (o.successor_id != null && o.successor_id !== o.id) {
      meta.push([t('org.merged'), h('a', { href: `#/orgs/${o.successor_id}` }, `#${o.successor_id}`)]);
    }
    const head = h('div', { class: 'org-head' },
      h('div', { class: 'page-head' },
        h('h1', { id: 'org-name' }, o.name),
        badge(t(`kind.${o.kind}`), 'neutral'),
        can.editAny(user) && state.editing !== 'details'
          ? h('button', { type: 'button', class: 'btn btn-small', id: 'edit-details', onclick: () => edit('details') }, t('org.edit_details'))
          : null),
      h('dl', { class: 'meta' }, meta.map(([k, v, cls]) => h('div', { class: cls }, h('dt', null, k), h('dd', null, v)))));
    if (state.editing === 'details') {
      head.appendChild(editForm({
        name: 'details',
        title: t('org.edit_details'),
        fields: [
          { name: 'name', label: t('field.name'), value: o.name, required: true },
          { name: 'population', label: t('field.population'), type: 'number', value: o.population ?? '', min: 0, step: 1, inputmode: 'numeric' },
          { name: 'province', label: t('field.province'), type: 'select', value: o.province || '', options: [['', '—'], ...PROVINCES.map((p) => [p, p])] },
        ],
        onCancel: stopEdit,
        onSubmit: async (v) => {
          const body = diff(o, v, ['name', 'population', 'province']);
          if ('population' in body && body.population !== null) body.population = Number(body.population);
          if (Object.keys(body).length) await api.patch(`/orgs/${o.id}`, body);
          state.editing = null;
          await refresh(t('act.saved'), 'org-details');
        },
      }));
    }
    return h('section', { class: 'panel', id: 'org-details' }, h('div', { class: 'flash-slot' }), head);
  };

  // ---- contacts ----------------------------------------------------------
  const contactForm = (c) => editForm({
    name: 'contact',
    title: c ? `${t('act.edit')}: ${c.name}` : t('act.add_contact'),
    fields: [
      { name: 'name', label: t('field.name'), value: c?.name, required: true, autocomplete: 'off' },
      { name: 'role', label: t('field.role'), type: 'select', value: c?.role || 'spoc', options: CONTACT_ROLES.map((r) => [r, t(`crole.${r}`)]) },
      { name: 'email', label: t('field.email'), type: 'email', value: c?.email, inputmode: 'email' },
      { name: 'mobile', label: t('field.mobile'), type: 'tel', value: c?.mobile, placeholder: '+32 4xx xx xx xx' },
      { name: 'phone', label: t('field.phone'), type: 'tel', value: c?.phone },
      { name: 'oob_email', label: t('field.oob_email'), type: 'email', value: c?.oob_email, hint: t('field.oob_email_hint') },
      { name: 'language', label: t('field.language'), type: 'select', value: c?.language || 'nl', options: CONTACT_LANGS.map((l) => [l, t(`lang.${l}`)]) },
      { name: 'active', label: t('field.active'), type: 'checkbox', value: c ? c.active : true },
    ],
    onCancel: stopEdit,
    onSubmit: async (v) => {
      if (c) {
        const body = diff(c, v, CONTACT_FIELDS);
        if (Object.keys(body).length) await api.patch(`/contacts/${c.id}`, body);
      } else {
        await api.post(`/orgs/${state.org.id}/contacts`, filled(v, CONTACT_FIELDS));
      }
      state.editing = null;
      await refresh(t('act.saved'), 'contacts');
    },
  });

  const contactsSection = () => {
    const o = state.org;
    const list = (o.contacts || []).slice().sort((a, b) =>
      CONTACT_ROLES.indexOf(a.role) - CONTACT_ROLES.indexOf(b.role) || a.name.localeCompare(b.name));
    const ed = state.editing;
    const cols = [
      { label: t('field.name'), class: 'name', cell: (c) => h('span', null, c.name, c.active === false ? h('span', { class: 'muted small' }, ` (${t('org.inactive')})`) : null) },
      { label: t('field.role'), cell: (c) => badge(t(`crole.${c.role}`), c.role === 'spoc' || c.role === 'deputy' ? 'strong' : 'neutral') },
      { label: t('field.email'), class: 'email', cell: (c) => mailto(c.email) },
      { label: t('field.mobile'), class: 'mobile', cell: (c) => tel(c.mobile) },
      { label: t('field.phone'), class: 'phone', cell: (c) => tel(c.phone) },
      { label: t('field.oob_email'), class: 'oob', cell: (c) => mailto(c.oob_email) },
      { label: t('field.language'), cell: (c) => (c.language || '').toUpperCase() },
      { label: t('field.active'), cell: (c) => (c.active === false ? badge(t('no'), 'muted') : badge(t('yes'), 'ok-quiet')) },
    ];
    if (editable) {
      cols.push({
        label: '', class: 'row-actions', cell: (c) => h('span', { class: 'btns' },
          h('button', { type: 'button', class: 'btn btn-small', dataset: { action: 'edit-contact' }, onclick: () => edit({ kind: 'contact', id: c.id }) }, t('act.edit')),
          deleteButton(async () => {
            try {
              await api.del(`/contacts/${c.id}`);
              await refresh(t('act.deleted'), 'contacts');
            } catch (err) {
              flashIn('contacts', errorText(err), 'error');
            }
          })),
      });
    }
    let form = null;
    if (ed && ed.kind === 'contact') form = contactForm(ed.id ? list.find((c) => c.id === ed.id) : null);
    return h('section', { class: 'panel', id: 'contacts' },
      h('div', { class: 'panel-head' },
        h('h2', null, t('org.contacts'), ' ', h('span', { class: 'count' }, String(list.length))),
        editable && !form ? h('button', { type: 'button', class: 'btn btn-small btn-primary', id: 'add-contact', onclick: () => edit({ kind: 'contact', id: null }) }, t('act.add_contact')) : null),
      h('div', { class: 'flash-slot' }),
      form,
      list.length
        ? table(cols, list, { class: 'contacts', rowData: (c) => ({ id: c.id, role: c.role }), rowClass: (c) => (c.active === false ? 'inactive' : null) })
        : h('p', { class: 'empty' }, t('org.no_contacts')));
  };

  // ---- providers ---------------------------------------------------------
  const providersSection = () => {
    const o = state.org;
    const list = o.providers || [];
    const ed = state.editing;
    const manage = can.editAny(user);
    const cols = [
      { label: t('field.name'), class: 'name', cell: (p) => (can.seeProviders(user) ? h('a', { href: '#/providers' }, p.name) : p.name) },
      { label: t('field.services'), cell: (p) => h('span', { class: 'tags' }, (p.services || []).map((s) => badge(t(`service.${s}`), 'neutral'))) },
    ];
    if (manage) {
      cols.push({
        label: '', class: 'row-actions', cell: (p) => deleteButton(async () => {
          try {
            await api.del(`/providers/${p.id}/clients/${o.id}`);
            await refresh(t('act.deleted'), 'providers');
          } catch (err) {
            flashIn('providers', errorText(err), 'error');
          }
        }, t('act.unlink')),
      });
    }
    let form = null;
    if (ed && ed.kind === 'provider') {
      const opts = (allProviders || []).filter((p) => !list.some((x) => x.id === p.id)).map((p) => [p.id, p.name]);
      form = editForm({
        name: 'provider-link',
        title: t('act.link_provider'),
        fields: [
          { name: 'provider_id', label: t('field.provider'), type: 'select', required: true, options: [['', t('act.choose')], ...opts] },
          h('fieldset', { class: 'field field-wide services', dataset: { field: 'services' } },
            h('legend', null, t('field.services')),
            SERVICES.map((s) => h('label', { class: 'check' },
              h('input', { type: 'checkbox', name: 'services', value: s, dataset: { multi: '1' } }), ' ', t(`service.${s}`))),
            h('div', { class: 'field-error', dataset: { for: 'services' } })),
        ],
        onCancel: stopEdit,
        onSubmit: async (v) => {
          await api.post(`/providers/${v.provider_id}/clients`, { org_id: o.id, services: v.services || [] });
          state.editing = null;
          await refresh(t('act.saved'), 'providers');
        },
      });
    }
    return h('section', { class: 'panel', id: 'providers' },
      h('div', { class: 'panel-head' },
        h('h2', null, t('org.providers'), ' ', h('span', { class: 'count' }, String(list.length))),
        manage && !form ? h('button', {
          type: 'button', class: 'btn btn-small', id: 'link-provider',
          onclick: async () => {
            try {
              if (!allProviders) allProviders = (await api.get('/providers')).items || [];
              edit({ kind: 'provider' });
            } catch (err) {
              flashIn('providers', errorText(err), 'error');
            }
          },
        }, t('act.link_provider')) : null),
      h('div', { class: 'flash-slot' }),
      form,
      list.length ? table(cols, list, { class: 'providers', rowData: (p) => ({ id: p.id }) }) : h('p', { class: 'empty' }, t('org.no_providers')));
  };

  // ---- assets ------------------------------------------------------------
  const assetForm = (a) => {
    const o = state.org;
    const provOpts = (o.providers || []).map((p) => [p.id, p.name]);
    if (a && a.provider_id != null && !provOpts.some(([pid]) => String(pid) === String(a.provider_id))) provOpts.push([a.provider_id, `#${a.provider_id}`]);
    const form = editForm({
      name: 'asset',
      title: a ? `${t('act.edit')}: ${a.value || a.product || ''}` : t('act.add_asset'),
      fields: [
        { name: 'type', label: t('field.type'), type: 'select', value: a?.type || 'cidr', options: ASSET_TYPES.map((x) => [x, t(`atype.${x}`)]) },
        { name: 'value', label: t('field.value'), value: a?.value, wide: true },
        { name: 'managed_by', label: t('field.managed_by'), type: 'select', value: a?.managed_by || 'town', options: [['town', t('managed.town')], ['provider', t('managed.provider')]] },
        { name: 'provider_id', label: t('field.provider'), type: 'select', value: a?.provider_id ?? '', options: [['', '—'], ...provOpts] },
        { name: 'vendor', label: t('field.vendor'), value: a?.vendor },
        { name: 'product', label: t('field.product'), value: a?.product },
        { name: 'version', label: t('field.version'), value: a?.version },
        { name: 'cpe', label: t('field.cpe'), value: a?.cpe, wide: true, placeholder: 'cpe:2.3:a:vendor:product:version:*:*:*:*:*:*:*' },
      ],
      onCancel: stopEdit,
      onSubmit: async (v) => {
        if (v.type !== 'software') for (const f of ['vendor', 'product', 'version', 'cpe']) delete v[f];
        if (v.managed_by !== 'provider') v.provider_id = '';
        let body;
        if (a) {
          body = diff(a, v, ASSET_FIELDS);
          if (v.managed_by !== 'provider' && a.provider_id == null) delete body.provider_id;
        } else {
          body = filled(v, ASSET_FIELDS);
        }
        if (body.provider_id != null && body.provider_id !== '') body.provider_id = Number(body.provider_id);
        if (a) {
          if (Object.keys(body).length) await api.patch(`/assets/${a.id}`, body);
        } else {
          await api.post(`/orgs/${o.id}/assets`, body);
        }
        state.editing = null;
        await refresh(t('act.saved'), 'assets');
      },
    });
    // Software has vendor/product/version/cpe; a provider-managed asset names its provider.
    const sync = () => {
      const type = form.elements.type.value;
      const managed = form.elements.managed_by.value;
      for (const f of ['vendor', 'product', 'version', 'cpe']) form.querySelector(`[data-field="${f}"]`).hidden = type !== 'software';
      form.querySelector('[data-field="provider_id"]').hidden = managed !== 'provider';
      form.elements.value.placeholder = VALUE_EXAMPLES[type] || '';
    };
    form.elements.type.addEventListener('change', sync);
    form.elements.managed_by.addEventListener('change', sync);
    sync();
    return form;
  };

  const assetValue = (a) => {
    if (a.type === 'software') {
      const name = [a.vendor, a.product, a.version].filter(Boolean).join(' ') || a.value || '';
      return h('span', null, name, a.cpe ? h('div', { class: 'mono small muted' }, a.cpe) : null);
    }
    return h('span', { class: 'mono' }, a.value);
  };

  const assetsSection = () => {
    const o = state.org;
    const list = (o.assets || []).slice().sort((a, b) =>
      ASSET_TYPES.indexOf(a.type) - ASSET_TYPES.indexOf(b.type) || String(a.value).localeCompare(String(b.value)));
    const provName = (pid) => (o.providers || []).find((p) => String(p.id) === String(pid))?.name;
    const ed = state.editing;
    const cols = [
      { label: t('field.type'), cell: (a) => t(`atype.${a.type}`) },
      { label: t('field.value'), class: 'value', cell: assetValue },
      {
        label: t('field.managed_by'),
        cell: (a) => (a.managed_by === 'provider'
          ? `${t('managed.provider')}${a.provider_id != null ? `: ${provName(a.provider_id) || `#${a.provider_id}`}` : ''}`
          : t('managed.town')),
      },
      {
        label: '', class: 'conflicts',
        cell: (a) => ((a.conflicts && a.conflicts.length)
          ? h('span', { class: 'conflict', role: 'note' },
            h('span', { class: 'warn-icon', 'aria-hidden': 'true' }, '!'), ' ',
            t('org.conflict', { names: '' }),
            a.conflicts.map((c, i) => [i ? ', ' : '', user.role === 'spoc'
              ? (c.name || `#${c.org_id}`) // another town: out of a SPOC's scope
              : h('a', { href: `#/orgs/${c.org_id}` }, c.name || `#${c.org_id}`)]))
          : ''),
      },
    ];
    if (editable) {
      cols.push({
        label: '', class: 'row-actions', cell: (a) => h('span', { class: 'btns' },
          h('button', { type: 'button', class: 'btn btn-small', dataset: { action: 'edit-asset' }, onclick: () => edit({ kind: 'asset', id: a.id }) }, t('act.edit')),
          deleteButton(async () => {
            try {
              await api.del(`/assets/${a.id}`);
              await refresh(t('act.deleted'), 'assets');
            } catch (err) {
              flashIn('assets', errorText(err), 'error');
            }
          })),
      });
    }
    let form = null;
    if (ed && ed.kind === 'asset') form = assetForm(ed.id ? list.find((a) => a.id === ed.id) : null);
    return h('section', { class: 'panel', id: 'assets' },
      h('div', { class: 'panel-head' },
        h('h2', null, t('org.assets'), ' ', h('span', { class: 'count' }, String(list.length))),
        editable && !form ? h('button', { type: 'button', class: 'btn btn-small btn-primary', id: 'add-asset', onclick: () => edit({ kind: 'asset', id: null }) }, t('act.add_asset')) : null),
      h('div', { class: 'flash-slot' }),
      form,
      list.length
        ? table(cols, list, { class: 'assets', rowData: (a) => ({ id: a.id, type: a.type }), rowClass: (a) => (a.conflicts && a.conflicts.length ? 'has-conflict' : null) })
        : h('p', { class: 'empty' }, t('org.no_assets')));
  };

  const draw = () => {
    const y = window.scrollY;
    const showDetail = can.seeContacts(user) && session.user;
    replace(host,
      user.role !== 'spoc' ? h('nav', { class: 'crumbs' }, h('a', { href: '#/orgs' }, t('nav.orgs')), ' / ', state.org.name) : null,
      header(),
      showDetail && Array.isArray(state.org.contacts) ? contactsSection() : null,
      showDetail && Array.isArray(state.org.providers) ? providersSection() : null,
      showDetail && Array.isArray(state.org.assets) ? assetsSection() : null);
    window.scrollTo(0, y);
  };

  draw();
}
