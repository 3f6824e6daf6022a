// The checklist of key action points: a SPOC (or the war room, for any
// town) answers each point with evidence and sees the score, the critical
// gaps and what to do first. Answers of the last assessment are filled in;
// saving records a new dated assessment (the history stays on the server).
// A provider answers only the points providers manage, for its client towns.
//   #/checklist (a SPOC: its own town; a provider: its client towns)   #/checklist/{orgId}

import { h, replace } from '../dom.js';
import { t, lang } from '../i18n.js';
import { api, getAll } from '../api.js';
import { badge, loading, errorBox, flash, table } from '../ui.js';

const ANSWERS = ['yes', 'partial', 'no', 'na'];
const FUNCTIONS = ['govern', 'identify', 'protect', 'detect', 'respond', 'recover'];

const pct = (x100) => (x100 === null || x100 === undefined ? '–' : `${(x100 / 100).toFixed(1)}%`);

function scorePanel(assessment, byId) {
  if (!assessment) return h('section', { class: 'panel', id: 'checklist-score' }, h('p', { class: 'empty' }, t('checklist.not_started')));
  const s = assessment.score;
  const cyfun = assessment.mode === 'cyfun';
  const fmt = (x100) => (cyfun ? (x100 === null || x100 === undefined ? '–' : (x100 / 100).toFixed(2)) : pct(x100));
  const steps = (assessment.next_steps || []).map((id) => h('li', { dataset: { item: id } },
    h('span', { class: 'mono' }, id), ' ', byId[id] ? byId[id].title[lang()] : ''));
  return h('section', { class: 'panel', id: 'checklist-score' },
    h('div', { class: 'stats' },
      h('div', { class: 'stat', id: 'score-value' }, h('div', { class: 'stat-label' }, t(cyfun ? 'checklist.maturity' : 'checklist.score')), h('div', { class: 'stat-value' }, fmt(s.value_x100))),
      cyfun ? h('div', { class: 'stat', id: 'score-level' }, h('div', { class: 'stat-label' }, t('checklist.level')), h('div', { class: 'stat-value' }, s.level ? t(`checklist.level.${s.level}`) : '–')) : null,
      h('div', { class: 'stat', id: 'score-gaps' }, h('div', { class: 'stat-label' }, t('checklist.gaps')), h('div', { class: 'stat-value' }, String(s.critical_gaps))),
      h('div', { class: 'stat', id: 'score-answered' }, h('div', { class: 'stat-label' }, t('checklist.answered')), h('div', { class: 'stat-value' }, `${s.answered}/${s.total}`))),
    h('p', { class: 'muted small' }, t('checklist.assessed_on', { d: assessment.assessed_on, who: assessment.created_by })),
    h('ul', { class: 'kvs', id: 'score-functions' }, FUNCTIONS.map((f) => h('li', { dataset: { fn: f } },
      h('span', { class: 'k' }, t(`checklist.fn.${f}`)), ' ', h('span', { class: 'v' }, fmt(s.functions_x100[f]))))),
    steps.length ? h('div', { id: 'next-steps' }, h('h2', null, t('checklist.first')), h('ol', null, steps)) : null);
}

// The town's progress: its dated assessments, newest first, with the score
// (or maturity and level) of each.
function progressPanel(items) {
  if (items.length < 2) return null;
  const fmt = (a) => (a.mode === 'cyfun'
    ? `${(a.score.value_x100 / 100).toFixed(2)}${a.score.level ? ` · ${t(`checklist.level.${a.score.level}`)}` : ''}`
    : pct(a.score.value_x100));
  return h('section', { class: 'panel', id: 'checklist-progress' }, h('h2', null, t('checklist.progress')),
    table([
      { label: t('checklist.date'), class: 'nowrap', cell: (a) => a.assessed_on },
      { label: t('checklist.mode'), cell: (a) => t(`checklist.mode.${a.mode}`) },
      { label: t('checklist.score'), class: 'num', cell: fmt },
      { label: t('checklist.gaps'), class: 'num', cell: (a) => String(a.score.critical_gaps) },
      { label: t('checklist.answered'), class: 'num', cell: (a) => `${a.score.answered}/${a.score.total}` },
    ], items, { class: 'compact progress' }));
}

// CyberFundamentals mode: documentation and implementation maturity 1..5, or n.a.
function maturityInputs(item, prev) {
  const sel = (name, value, withNa) => h('select', { name },
    h('option', { value: '' }, '–'),
    withNa ? h('option', { value: 'na', selected: prev && prev.answer === 'na' }, t('checklist.ans.na')) : null,
    [1, 2, 3, 4, 5].map((n) => h('option', { value: String(n), selected: value === n }, String(n))));
  return h('div', { class: 'radios' },
    h('label', null, t('checklist.documentation'), ' ', sel(`doc-${item.id}`, prev && prev.documentation, true)),
    h('label', null, t('checklist.implementation'), ' ', sel(`impl-${item.id}`, prev && prev.implementation, false)));
}

function itemBlock(item, prev, mode) {
  const name = `ans-${item.id}`;
  const radios = mode === 'cyfun' ? maturityInputs(item, prev) : h('div', { class: 'radios', role: 'radiogroup' }, ANSWERS.map((a) => h('label', { class: 'radio' },
    h('input', { type: 'radio', name, value: a, checked: prev && prev.answer === a }), ' ', t(`checklist.ans.${a}`))));
  return h('fieldset', { class: 'panel checklist-item', dataset: { item: item.id, fn: item.function } },
    h('legend', null, h('span', { class: 'mono' }, item.id), ' ', item.title[lang()]),
    h('div', { class: 'badges' },
      item.key_measure ? badge(t('checklist.key'), 'bad') : null,
      badge(t(`checklist.owner.${item.owner}`)),
      badge(t(`checklist.fn.${item.function}`))),
    h('p', null, item.guidance[lang()]),
    h('p', { class: 'muted small' }, t('checklist.evidence_hint'), ' ', item.evidence[lang()]),
    radios,
    h('label', { class: 'field' }, t('checklist.evidence'),
      h('textarea', { name: `ev-${item.id}`, rows: 2, maxlength: 2000, value: prev && prev.evidence ? prev.evidence : '' })));
}

// A provider first picks one of its client towns.
async function clientTowns(host, ctx) {
  const towns = await getAll('/orgs', { kind: 'municipality' });
  if (!ctx.current()) return;
  replace(host,
    h('div', { class: 'page-head' }, h('h1', null, t('checklist.title'))),
    h('section', { class: 'panel' }, h('p', null, t('checklist.pick_town')),
      h('ul', { class: 'town-list', id: 'checklist-towns' }, towns.map((o) => h('li', null,
        h('a', { href: `#/checklist/${o.id}` }, o.name), h('span', { class: 'muted' }, o.province || ''))))));
}

export async function render(host, ctx) {
  const provider = ctx.user.role === 'provider';
  const orgId = ctx.id || (ctx.user.org_id != null ? String(ctx.user.org_id) : null);
  ctx.setTitle(t('checklist.title'));
  replace(host, loading());
  if (provider && !orgId) {
    await clientTowns(host, ctx);
    return;
  }
  if (!orgId) {
    replace(host, h('p', { class: 'empty' }, t('checklist.no_town')));
    return;
  }
  let cl;
  let history;
  try {
    [cl, history] = await Promise.all([api.get('/checklists/current'), api.get(`/orgs/${orgId}/assessments?limit=12`)]);
  } catch (err) {
    if (ctx.current()) replace(host, errorBox(err, () => render(host, ctx)));
    return;
  }
  if (!ctx.current()) return;
  const byId = Object.fromEntries(cl.items.map((i) => [i.id, i]));
  const items = provider ? cl.items.filter((i) => i.owner === 'provider') : cl.items;
  const panel = (a) => (provider
    ? h('section', { class: 'panel', id: 'checklist-score' }, h('p', null, t('checklist.provider_note')))
    : scorePanel(a, byId));
  let latest = (history.items || [])[0] || null;
  let mode = latest ? latest.mode : 'simple';
  const prevFor = (m) => (latest && latest.mode === m ? Object.fromEntries(latest.answers.map((a) => [a.item, a])) : {});
  const scoreHost = h('div', null, panel(latest));
  const progressHost = h('div', null, provider ? null : progressPanel(history.items || []));
  const save = h('button', { type: 'submit', class: 'btn btn-primary', id: 'checklist-save' }, t('checklist.save'));
  const blocks = h('div', { id: 'checklist-items' });
  const fill = () => {
    const prev = prevFor(mode);
    replace(blocks, items.map((i) => itemBlock(i, prev[i.id], mode)));
  };
  fill();
  // The town chooses the mode; a provider answers in the town's mode.
  const modeSwitch = provider ? null : h('div', { class: 'radios', role: 'radiogroup', id: 'checklist-mode' },
    ['simple', 'cyfun'].map((m) => h('label', { class: 'radio' },
      h('input', { type: 'radio', name: 'mode', value: m, checked: m === mode, onchange: () => { mode = m; fill(); } }),
      ' ', t(`checklist.mode.${m}`))));
  const form = h('form', { id: 'checklist-form', novalidate: true },
    modeSwitch ? h('section', { class: 'panel' }, modeSwitch) : null,
    blocks,
    h('div', { class: 'form-actions' }, save));
  const answerOf = (i) => {
    if (mode === 'cyfun') {
      const doc = form.querySelector(`select[name="doc-${i.id}"]`).value;
      const impl = form.querySelector(`select[name="impl-${i.id}"]`).value;
      if (doc === 'na') return { item: i.id, answer: 'na' };
      return doc && impl ? { item: i.id, documentation: Number(doc), implementation: Number(impl) } : null;
    }
    const checked = form.querySelector(`input[name="ans-${i.id}"]:checked`);
    return checked ? { item: i.id, answer: checked.value } : null;
  };
  form.addEventListener('submit', async (ev) => {
    ev.preventDefault();
    const answers = [];
    for (const i of items) {
      const a = answerOf(i);
      if (!a) continue;
      const evText = form.querySelector(`textarea[name="ev-${i.id}"]`).value.trim();
      answers.push(evText ? { ...a, evidence: evText } : a);
    }
    save.disabled = true;
    try {
      latest = await api.post(`/orgs/${orgId}/assessments`, provider ? { answers } : { mode, answers });
      if (!ctx.current()) return;
      replace(scoreHost, panel(latest));
      flash(scoreHost, t('checklist.saved'));
      if (!provider) replace(progressHost, progressPanel((await api.get(`/orgs/${orgId}/assessments?limit=12`)).items || []));
      scoreHost.scrollIntoView({ block: 'start' });
    } catch (err) {
      flash(scoreHost, err.field ? `${err.field}: ${err.message}` : err.message, 'error');
    } finally {
      save.disabled = false;
    }
  });
  replace(host,
    h('div', { class: 'page-head' }, h('h1', null, t('checklist.title')),
      h('span', { class: 'muted small' }, `${cl.title[lang()]} · ${cl.version}`)),
    scoreHost, progressHost, form);
}
