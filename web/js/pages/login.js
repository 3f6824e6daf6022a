// The login page.

import { h } from '../dom.js';
import { t, lang, setLang, LANGUAGES } from '../i18n.js';
import { login } from '../api.js';
import { errorText } from '../ui.js';

export function render({ notice, onLoggedIn }) {
  const msg = h('div', { class: ['form-error', 'login-error'], id: 'login-error', role: 'alert' }, notice || '');
  const user = h('input', { id: 'username', name: 'username', autocomplete: 'username', required: true, autocapitalize: 'none', spellcheck: 'false' });
  const pass = h('input', { id: 'password', name: 'password', type: 'password', autocomplete: 'current-password', required: true });
  const submit = h('button', { type: 'submit', class: 'btn btn-primary btn-block', id: 'login-submit' }, t('login.submit'));
  let busy = false;
  const form = h('form', { class: 'login-form', novalidate: true },
    h('div', { class: 'field' }, h('label', { for: 'username' }, t('login.username')), user),
    h('div', { class: 'field' }, h('label', { for: 'password' }, t('login.password')), pass),
    msg,
    submit);
  form.addEventListener('submit', async (ev) => {
    ev.preventDefault();
    if (busy) return;
    if (!user.value.trim() || !pass.value) {
      msg.textContent = t('login.failed');
      (user.value.trim() ? pass : user).focus();
      return;
    }
    busy = true;
    submit.disabled = true;
    submit.textContent = t('login.busy');
    msg.textContent = '';
    try {
      const u = await login(user.value.trim(), pass.value);
      pass.value = '';
      onLoggedIn(u);
    } catch (err) {
      if (err.status === 401) msg.textContent = t('login.failed');
      else if (err.status === 429) {
        const s = err.retryAfter || 60;
        msg.textContent = s > 90 ? t('login.throttled_min', { m: Math.ceil(s / 60) }) : t('login.throttled', { s });
      }
      else msg.textContent = errorText(err);
      pass.select();
    } finally {
      busy = false;
      submit.disabled = false;
      submit.textContent = t('login.submit');
    }
  });

  const langs = h('div', { class: 'lang-switch', role: 'group', 'aria-label': t('nav.language') },
    LANGUAGES.map((code) => h('button', {
      type: 'button', class: ['lang', code === lang() ? 'active' : ''], dataset: { lang: code },
      'aria-pressed': code === lang() ? 'true' : 'false',
      onclick: () => {
        setLang(code);
        const fresh = render({ notice: msg.textContent, onLoggedIn });
        page.replaceWith(fresh);
      },
    }, code.toUpperCase())));

  const page = h('div', { class: 'login-page' },
    h('main', { class: 'login-card' },
      h('div', { class: 'login-head' },
        h('img', { src: '/favicon.svg', alt: '', width: 40, height: 40 }),
        h('div', null, h('h1', null, t('app.title')), h('p', { class: 'muted' }, t('login.intro')))),
      h('h2', null, t('login.title')),
      form,
      h('div', { class: 'login-foot' }, langs)));
  setTimeout(() => user.focus(), 0);
  return page;
}
