// Shared pieces of the pages: badges, responsive tables, forms whose API errors
// land next to the named field, delete buttons that ask twice, notices.

import { h, replace } from './dom.js';
import { t } from './i18n.js';
import { api } from './api.js';

export function tlpBadge(tlp) {
  return h('span', { class: ['badge', `tlp-${tlp.toLowerCase().replace('+', '-')}`] }, `TLP:${tlp}`);
}

export function badge(text, kind) {
  return h('span', { class: ['badge', kind ? `badge-${kind}` : ''] }, text);
}

export function reachBadge(reachable) {
  return reachable
    ? badge(t('reach.yes'), 'ok')
    : badge(t('reach.no'), 'bad');
}

// Three small marks: contacts / providers / assets known or not.
export function completeness(c) {
  c = c || {};
  const mark = (key) => h('span', {
    class: ['comp', c[key] ? 'comp-yes' : 'comp-no'],
    title: `${t(`comp.${key}`)}: ${c[key] ? t('yes') : t('no')}`,
  }, h('span', { class: 'comp-dot', 'aria-hidden': 'true' }), t(`comp.${key}`));
  return h('span', { class: 'comps' }, mark('contacts'), mark('providers'), mark('assets'));
}

export function loading() {
  return h('p', { class: 'muted loading' }, t('app.loading'));
}

export function errorBox(err, retry) {
  return h('div', { class: 'notice notice-error', role: 'alert' },
    h('strong', null, t('app.error')), ' ',
    errorText(err),
    retry ? h('button', { type: 'button', class: 'btn btn-small', onclick: retry }, t('app.retry')) : null);
}

export function errorText(err) {
  if (!err) return '';
  if (err.status === 0) return t('app.offline');
  if (err.status === 429) return t('err.throttled');
  if (err.status === 413) return t('err.too_large');
  return err.message || t('err.generic');
}

export function notFound(backHref, backLabel) {
  return h('section', { class: 'panel not-found', id: 'not-found' },
    h('h1', null, t('org.not_found')),
    h('p', null, t('org.not_found_text')),
    backHref ? h('p', null, h('a', { href: backHref, id: 'not-found-back' }, backLabel || t('org.back'))) : null);
}

// A transient message at the top of a section ("Saved.").
export function flash(host, text, kind = 'ok') {
  const n = h('div', { class: ['flash', `flash-${kind}`], role: 'status' }, text);
  host.prepend(n);
  // An error stays until read and dismissed or replaced; success fades.
  if (kind === 'error') {
    for (const old of host.querySelectorAll(':scope > .flash-error')) if (old !== n) old.remove();
    n.setAttribute('role', 'alert');
    n.append(' ', h('button', { type: 'button', class: 'btn btn-small flash-close', 'aria-label': 'close', onclick: () => n.remove() }, '×'));
  } else {
    setTimeout(() => n.remove(), 3000);
  }
}

// Table that becomes a list of cards on narrow screens: each cell carries its
// column label in data-label, shown by CSS when the header row is hidden.
// columns: [{label, cell: (row) => Node|string, class}]
export function table(columns, rows, opts = {}) {
  const thead = h('thead', null, h('tr', null, columns.map((c) => h('th', { class: c.class, scope: 'col' }, c.label))));
  const tbody = h('tbody', null, rows.map((r) => h('tr', { class: opts.rowClass ? opts.rowClass(r) : null, dataset: opts.rowData ? opts.rowData(r) : undefined },
    columns.map((c) => h('td', { class: c.class, dataset: { label: c.label } }, c.cell(r))))));
  return h('div', { class: 'table-wrap' }, h('table', { class: ['data', opts.class] }, thead, tbody));
}

// ---- forms --------------------------------------------------------------

// field({name, label, type: text|email|tel|number|select|checkbox|textarea, value,
//        options: [[value, label]], required, hint, placeholder, autocomplete})
export function field(f) {
  const id = `f-${f.form || 'x'}-${f.name}`;
  let input;
  if (f.type === 'select') {
    input = h('select', { id, name: f.name, required: f.required },
      (f.options || []).map(([v, l]) => h('option', { value: v, selected: String(v) === String(f.value ?? '') }, l)));
  } else if (f.type === 'checkbox') {
    input = h('input', { id, name: f.name, type: 'checkbox', checked: !!f.value });
  } else if (f.type === 'textarea') {
    input = h('textarea', { id, name: f.name, required: f.required, rows: f.rows || 8, placeholder: f.placeholder });
    input.value = f.value ?? '';
  } else {
    input = h('input', {
      id, name: f.name, type: f.type || 'text', value: f.value ?? '', required: f.required,
      placeholder: f.placeholder, autocomplete: f.autocomplete || 'off', inputmode: f.inputmode,
      list: f.list, min: f.min, step: f.step, spellcheck: f.type === 'email' ? 'false' : undefined,
    });
  }
  const err = h('div', { class: 'field-error', id: `${id}-err`, dataset: { for: f.name }, 'aria-live': 'polite' });
  input.setAttribute('aria-describedby', `${id}-err`);
  if (f.type === 'checkbox') {
    return h('div', { class: ['field', 'field-check', f.wide ? 'field-wide' : ''], dataset: { field: f.name } },
      h('label', { for: id }, input, ' ', f.label), err);
  }
  return h('div', { class: ['field', f.wide ? 'field-wide' : ''], dataset: { field: f.name } },
    h('label', { for: id }, f.label, f.required ? h('span', { class: 'req', 'aria-hidden': 'true' }, ' *') : null),
    input,
    f.hint ? h('div', { class: 'hint' }, f.hint) : null,
    err);
}

export function formValues(form) {
  const out = {};
  for (const el of form.elements) {
    if (!el.name) continue;
    if (el.type === 'checkbox') {
      if (el.dataset.multi) {
        out[el.name] = out[el.name] || [];
        if (el.checked) out[el.name].push(el.value);
      } else out[el.name] = el.checked;
    } else out[el.name] = el.value.trim();
  }
  return out;
}

export function clearErrors(form) {
  for (const e of form.querySelectorAll('.field-error, .form-error')) e.textContent = '';
  for (const e of form.querySelectorAll('[aria-invalid]')) e.removeAttribute('aria-invalid');
  for (const e of form.querySelectorAll('.field.has-error')) e.classList.remove('has-error');
}

// Puts an API error next to its field ("email", "contact.email", "/email" all
// name the field "email"); otherwise at the top of the form.
export function showError(form, err) {
  clearErrors(form);
  const name = (err.field || '').split(/[./[\]]/).filter(Boolean).pop();
  const slot = name && form.querySelector(`.field-error[data-for="${CSS.escape(name)}"]`);
  const text = err.status === 409 && !err.message ? t('err.conflict') : errorText(err);
  if (slot) {
    slot.textContent = text;
    const wrap = slot.closest('.field');
    wrap.classList.add('has-error');
    const input = wrap.querySelector('input, select, textarea');
    if (input) {
      input.setAttribute('aria-invalid', 'true');
      input.focus();
    }
    return;
  }
  const top = form.querySelector('.form-error');
  if (top) top.textContent = text;
}

// A form with a top error line, the given fields and Save / Cancel.
export function editForm({ name, title, fields, onSubmit, onCancel, submitLabel }) {
  const errTop = h('div', { class: 'form-error', role: 'alert' });
  const save = h('button', { type: 'submit', class: 'btn btn-primary' }, submitLabel || t('act.save'));
  const form = h('form', { class: ['edit-form', `form-${name}`], novalidate: true, dataset: { form: name } },
    title ? h('h3', null, title) : null,
    errTop,
    h('div', { class: 'fields' }, fields.map((f) => (f instanceof Node ? f : field({ ...f, form: name })))),
    h('div', { class: 'actions' }, save,
      onCancel ? h('button', { type: 'button', class: 'btn', onclick: onCancel }, t('act.cancel')) : null));
  if (onCancel) {
    form.addEventListener('keydown', (ev) => {
      if (ev.key === 'Escape') {
        ev.preventDefault();
        onCancel();
      }
    });
  }
  form.addEventListener('submit', async (ev) => {
    ev.preventDefault();
    clearErrors(form);
    const missing = [...form.querySelectorAll('[required]')].find((el) => !el.value.trim());
    if (missing) {
      showError(form, { field: missing.name, message: t('err.required') });
      return;
    }
    save.disabled = true;
    const label = save.textContent;
    save.textContent = t('act.saving');
    try {
      await onSubmit(formValues(form), form);
    } catch (err) {
      showError(form, err);
    } finally {
      save.disabled = false;
      save.textContent = label;
    }
  });
  return form;
}

// A delete button that asks "Sure?" before acting (no window.confirm, which
// blocks the page and hides the row being deleted).
export function deleteButton(onConfirm, label) {
  const btn = h('button', { type: 'button', class: 'btn btn-small btn-danger-quiet' }, label || t('act.delete'));
  let armed = false, timer = null;
  btn.addEventListener('click', async () => {
    if (!armed) {
      armed = true;
      btn.textContent = t('act.confirm_delete');
      btn.classList.add('armed');
      timer = setTimeout(() => {
        armed = false;
        btn.textContent = label || t('act.delete');
        btn.classList.remove('armed');
      }, 4000);
      return;
    }
    clearTimeout(timer);
    btn.disabled = true;
    try {
      await onConfirm();
    } finally {
      armed = false;
      btn.disabled = false;
      btn.textContent = label || t('act.delete');
      btn.classList.remove('armed');
    }
  });
  return btn;
}

export function section(title, ...children) {
  return h('section', { class: 'panel' }, h('h2', null, title), ...children);
}

export function setContent(host, ...children) {
  return replace(host, ...children);
}

// A button that prepares an advisory (POST path answers the advisory) and
// then says so with a link to it, for the four-eyes approval.
export function prepareButton(path, label, doneKey) {
  const host = h('div', { class: 'prepare' });
  const btn = h('button', { type: 'button', class: 'btn btn-small', dataset: { prepare: path } }, label);
  btn.addEventListener('click', async () => {
    btn.disabled = true;
    try {
      const a = await api.post(path, {});
      replace(host, h('p', { class: 'flash flash-ok', role: 'status' },
        h('a', { href: `#/advisories/${a.id}` }, t(doneKey, { id: a.id }))));
    } catch (err) {
      btn.disabled = false;
      flash(host, errorText(err), 'error');
    }
  });
  host.append(btn);
  return host;
}

// A list read a page at a time: fetchPage(cursor) answers {items, next_cursor};
// draw(items) renders them all (an error box with a retry replaces them on
// failure). Put results and more in the page; load(false) reads the first
// page, the "more" button the next.
export function pagedList(ctx, id, fetchPage, draw) {
  const results = h('div', { id: `${id}-results` }, loading());
  const more = h('button', { type: 'button', class: 'btn', id: `${id}-more`, hidden: true }, t('orgs.more'));
  const state = { items: [], cursor: null };
  const load = async (append) => {
    more.disabled = true;
    try {
      const r = await fetchPage(append ? state.cursor : null);
      if (!ctx.current()) return;
      state.items = append ? state.items.concat(r.items || []) : (r.items || []);
      state.cursor = r.next_cursor || null;
      replace(results, draw(state.items));
      more.hidden = !state.cursor;
    } catch (err) {
      replace(results, errorBox(err, () => load(append)));
    } finally {
      more.disabled = false;
    }
  };
  more.addEventListener('click', () => load(true));
  return { results, more, load, redraw: () => replace(results, draw(state.items)) };
}
