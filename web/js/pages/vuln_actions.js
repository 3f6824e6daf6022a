// What a town (or the war room, or the provider that manages the asset) does
// with one vulnerability finding (docs/vulns.md): acknowledge it, mark it
// fixed, accept the risk or call it a false positive (the last two with a
// reason, which the server requires; an accepted risk also its last day), or
// open it again. The API's refusal is shown next to the field it names or in
// the row.

import { h, replace } from '../dom.js';
import { t } from '../i18n.js';
import { api } from '../api.js';
import { editForm, flash, errorText } from '../ui.js';

const WITH_REASON = ['accepted', 'false-positive'];

// The day n months from today (YYYY-MM-DD): an acceptance's default last day.
function inMonths(n) {
  const d = new Date();
  d.setMonth(d.getMonth() + n);
  return d.toISOString().slice(0, 10);
}

// Which moves a finding in this status offers.
function movesFrom(status) {
  if (status === 'open') return ['acknowledged', 'fixed', 'accepted', 'false-positive'];
  if (status === 'acknowledged') return ['fixed', 'accepted', 'false-positive'];
  return ['open'];
}

// The actions cell of finding f; onChanged(updated finding) after a change.
export function findingActions(f, onChanged) {
  const host = h('div', { class: 'btns finding-actions', dataset: { finding: String(f.id) } });
  const patch = (body) => api.patch(`/findings/${f.id}`, body);
  const buttons = () => replace(host, movesFrom(f.status).map((to) => h('button', {
    type: 'button', class: 'btn btn-small', dataset: { to },
    onclick: async (ev) => {
      if (WITH_REASON.includes(to)) {
        reasonForm(to);
        return;
      }
      ev.target.disabled = true;
      try {
        onChanged(await patch({ status: to }));
      } catch (err) {
        ev.target.disabled = false;
        flash(host, errorText(err), 'error');
      }
    },
  }, t(`vuln.do.${to}`))));
  const reasonForm = (to) => {
    const form = editForm({
      name: 'finding-reason',
      submitLabel: t(`vuln.do.${to}`),
      // Not marked required here: the server's rules and messages decide.
      fields: [
        { name: 'reason', label: t('vuln.reason'), type: 'textarea', rows: 2, wide: true, hint: t('vuln.reason_hint') },
        to === 'accepted' ? { name: 'until', label: t('vuln.until_day'), type: 'date', value: inMonths(3), hint: t('vuln.until_hint') } : null,
      ].filter(Boolean),
      onSubmit: async (v) => onChanged(await patch(to === 'accepted'
        ? { status: to, reason: v.reason, until: v.until }
        : { status: to, reason: v.reason })),
      onCancel: buttons,
    });
    form.dataset.to = to;
    replace(host, form);
    form.querySelector('textarea').focus();
  };
  buttons();
  return host;
}
