// The work on an incident (docs/incidents.md): the tasks of its playbooks
// (apply one, mark a task done or not applicable), the requests for help, and
// the report for the CCB. Panels for the incident page.

import { h } from '../dom.js';
import { t, formatTime } from '../i18n.js';
import { api, can } from '../api.js';
import { table, editForm, flash, errorText, badge } from '../ui.js';

const HELP_KINDS = ['forensics', 'coordination', 'legal', 'communication', 'recovery', 'hardware', 'other'];
const URGENCIES = ['low', 'normal', 'high', 'critical'];
const FINAL = ['closed', 'rejected', 'duplicate'];

function taskButton(inc, task, status, label, reload) {
  return h('button', {
    type: 'button', class: 'btn btn-small', dataset: { task: task.id, to: status },
    onclick: async (ev) => {
      ev.target.disabled = true;
      try {
        await api.patch(`/incidents/${inc.id}/tasks/${task.id}`,
          status === 'skipped' ? { status, reason: t('inc.not_applicable') } : { status });
        reload();
      } catch (err) {
        ev.target.disabled = false;
        flash(ev.target.parentNode, errorText(err), 'error');
      }
    },
  }, label);
}

function tasksPanel(inc, tasks, playbooks, ctx, reload) {
  const canChange = !FINAL.includes(inc.status) && (can.editAny(ctx.user) || ctx.user.role === 'spoc');
  const apply = canChange && playbooks.length ? editForm({
    name: 'playbook',
    submitLabel: t('inc.apply_playbook'),
    fields: [{ name: 'playbook', label: t('inc.playbook'), type: 'select', options: playbooks.map((p) => [p.id, p.title]) }],
    onSubmit: async (v) => {
      await api.post(`/incidents/${inc.id}/playbooks`, { playbook: v.playbook });
      reload();
    },
  }) : null;
  return h('section', { class: 'panel', id: 'inc-tasks' }, h('h2', null, t('inc.tasks')),
    tasks.length ? table([
      { label: t('inc.task'), cell: (x) => h('span', { title: x.guidance || '' }, x.title) },
      { label: t('inc.owner'), cell: (x) => x.owner_role || '' },
      { label: t('inc.due'), class: 'nowrap', cell: (x) => (x.due_at ? formatTime(x.due_at) : '–') },
      { label: t('inc.status'), cell: (x) => badge(x.overdue ? t('inc.clock.overdue') : x.status, x.status === 'done' ? 'ok' : x.overdue ? 'bad' : null) },
      { label: '', cell: (x) => (canChange && x.status === 'open'
        ? [taskButton(inc, x, 'done', t('inc.done'), reload), ' ', taskButton(inc, x, 'skipped', t('inc.not_applicable'), reload)]
        : x.closed_by ? h('span', { class: 'muted small' }, `${x.closed_by}, ${formatTime(x.closed_at)}`) : '') },
    ], tasks, { class: 'tasks compact', rowData: (x) => ({ task: x.id, status: x.status }) })
      : h('p', { class: 'muted' }, t('inc.no_tasks')),
    apply);
}

function helpPanel(inc, requests, ctx, reload) {
  const canAsk = !FINAL.includes(inc.status) && (can.editAny(ctx.user) || ctx.user.role === 'spoc');
  return h('section', { class: 'panel', id: 'inc-help' }, h('h2', null, t('inc.help')),
    requests.length ? h('ul', { class: 'help-requests' }, requests.map((r) => h('li', { dataset: { help: r.id, status: r.status } },
      badge(r.status, r.status === 'accepted' ? 'ok' : 'warn'), ' ', h('strong', null, r.kind), ` (${r.urgency}) `,
      r.description, r.helper_org_name ? h('span', { class: 'muted' }, ` · ${r.helper_org_name}`) : null)))
      : h('p', { class: 'muted' }, t('inc.no_help')),
    canAsk ? editForm({
      name: 'help',
      submitLabel: t('inc.ask_help'),
      fields: [
        { name: 'kind', label: t('inc.help_kind'), type: 'select', options: HELP_KINDS.map((k) => [k, k]) },
        { name: 'urgency', label: t('inc.urgency'), type: 'select', value: 'normal', options: URGENCIES.map((k) => [k, k]) },
        { name: 'description', label: t('inc.help_what'), required: true, wide: true },
      ],
      onSubmit: async (v) => {
        await api.post(`/incidents/${inc.id}/help-requests`, v);
        reload();
      },
    }) : null);
}

// The panels for incident inc (an array of nodes).
export async function incidentExtras(inc, ctx, reload) {
  const [tasks, help, playbooks] = await Promise.all([
    api.get(`/incidents/${inc.id}/tasks`), api.get(`/incidents/${inc.id}/help-requests`), api.get('/playbooks')]);
  return [
    h('p', { class: 'small' }, h('a', { href: `/api/v1/incidents/${inc.id}/report`, id: 'inc-export' }, t('inc.export'))),
    tasksPanel(inc, tasks.items || [], playbooks.items || [], ctx, reload),
    helpPanel(inc, help.items || [], ctx, reload),
  ];
}
