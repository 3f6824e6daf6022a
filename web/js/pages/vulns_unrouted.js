// What reached nobody (docs/vulns.md): the scan events whose address or name
// matched no town, by prefix, domain and AS number, and the war room's claim
// of a prefix or domain for a town, which routes those past events to it
// (POST /orgs/{id}/assets; "Claims route past events").
//   #/vulns/unrouted

import { h, replace } from '../dom.js';
import { t, formatNumber, formatTime } from '../i18n.js';
import { api, getAll } from '../api.js';
import { loading, table, editForm } from '../ui.js';
import { tabs } from './vulns.js';

// The asset a group becomes: a range (an IPv6 address alone as its /128) or a domain.
function claimOf(group) {
  if (group.domain) return { type: 'domain', value: group.domain };
  const v = group.prefix;
  return { type: 'cidr', value: v.includes('/') ? v : `${v}/${v.includes(':') ? 128 : 32}` };
}

const unroutedEvents = (items) => items.reduce((n, x) => n + x.events, 0);

export async function render(host, ctx) {
  ctx.setTitle(t('vuln.unrouted'));
  replace(host, loading());
  const towns = (await getAll('/orgs', { kind: 'municipality' })).sort((a, b) => a.name.localeCompare(b.name, 'nl'));
  if (!ctx.current()) return;
  const notice = h('div', { id: 'vuln-claimed' });
  const body = h('div', null, loading());
  replace(host,
    h('div', { class: 'page-head' }, h('h1', null, t('vuln.unrouted'))),
    tabs('vuln-tab-unrouted'),
    h('p', { class: 'muted' }, t('vuln.unrouted_intro')),
    notice, body);

  let before = 0;
  const claimCell = (group, town) => {
    const cell = h('div', { class: 'claim' });
    const open = () => {
      const c = claimOf(group);
      const form = editForm({
        name: 'claim',
        submitLabel: t('vuln.claim_go'),
        fields: [
          { name: 'org', label: t('vuln.town'), type: 'select', required: true, value: town || '',
            options: [['', t('act.choose')], ...towns.map((o) => [o.id, o.name])] },
          { name: 'value', label: t(`atype.${c.type}`), required: true, value: c.value },
        ],
        onSubmit: async (v) => {
          await api.post(`/orgs/${v.org}/assets`, { type: c.type, value: v.value });
          const name = towns.find((o) => String(o.id) === v.org)?.name || v.org;
          await load(name, v.value);
        },
        onCancel: () => replace(cell, button),
      });
      replace(cell, form);
      form.querySelector('select').focus();
    };
    const button = h('button', { type: 'button', class: 'btn btn-small', dataset: { claim: group.prefix || group.domain }, onclick: open }, t('vuln.claim'));
    cell.append(button);
    return cell;
  };

  // (Re)loads the lists; after a claim, says how many past events it routed.
  const load = async (claimedBy, value) => {
    const [un, cov] = await Promise.all([api.get('/vulns/unrouted'), api.get('/vulns/coverage')]);
    if (!ctx.current()) return;
    const items = un.items || [];
    const now = unroutedEvents(items);
    if (claimedBy) {
      replace(notice, h('p', { class: 'flash flash-ok', role: 'status' },
        t('vuln.claimed', { n: formatNumber(before - now), value, town: claimedBy })));
    }
    before = now;
    const g = cov.unrouted || { domains: [], asns: [] };
    replace(body,
      h('section', { class: 'panel', id: 'vuln-unrouted-prefixes' },
        h('h2', null, t('vuln.by_prefix'), ' ', h('span', { class: 'count' }, formatNumber(items.length))),
        items.length ? table([
          { label: t('vuln.prefix'), class: 'mono', cell: (x) => x.prefix },
          { label: t('vuln.events'), class: 'num', cell: (x) => formatNumber(x.events) },
          { label: 'AS', class: 'mono', cell: (x) => x.asns || '' },
          { label: t('vuln.issue'), cell: (x) => x.issues || '' },
          { label: t('vuln.seen'), class: 'nowrap small', cell: (x) => [formatTime(x.first_seen), h('br'), formatTime(x.last_seen)] },
          { label: '', cell: (x) => claimCell(x) },
        ], items, { class: 'unrouted', rowData: (x) => ({ prefix: x.prefix }) }) : h('p', { class: 'empty' }, t('vuln.all_routed'))),
      h('section', { class: 'panel', id: 'vuln-unrouted-domains' },
        h('h2', null, t('vuln.by_domain')),
        h('p', { class: 'muted small' }, t('vuln.last_30')),
        g.domains.length ? table([
          { label: t('atype.domain'), class: 'mono', cell: (x) => x.domain },
          { label: t('vuln.events'), class: 'num', cell: (x) => formatNumber(x.events) },
          { label: '', cell: (x) => claimCell(x) },
        ], g.domains, { class: 'compact', rowData: (x) => ({ domain: x.domain }) }) : h('p', { class: 'empty' }, t('vuln.none_here'))),
      h('section', { class: 'panel', id: 'vuln-unrouted-asns' },
        h('h2', null, t('vuln.by_asn')),
        h('p', { class: 'muted small' }, t('vuln.last_30')),
        g.asns.length ? table([
          { label: 'AS', class: 'mono', cell: (x) => x.asn },
          { label: t('vuln.events'), class: 'num', cell: (x) => formatNumber(x.events) },
        ], g.asns, { class: 'compact', rowData: (x) => ({ asn: x.asn }) }) : h('p', { class: 'empty' }, t('vuln.none_here'))));
  };
  await load();
}
