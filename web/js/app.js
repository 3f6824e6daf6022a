// Start-up, session, layout and hash routing.
//   #/login  #/  #/orgs?q=&province=&kind=  #/orgs/{id}  #/providers  #/journal

import { h, replace } from './dom.js';
import { t, lang, setLang, LANGUAGES } from './i18n.js';
import { session, restoreSession, logout, onUnauthorized, can } from './api.js';
import { errorBox, loading } from './ui.js';
import * as loginPage from './pages/login.js';
import * as dashboardPage from './pages/dashboard.js';
import * as orgsPage from './pages/orgs.js';
import * as orgPage from './pages/org.js';
import * as providersPage from './pages/providers.js';
import * as journalPage from './pages/journal.js';
import * as checklistPage from './pages/checklist.js';
import * as programmePage from './pages/programme.js';
import * as sessionsPage from './pages/sessions.js';
import * as indicatorsPage from './pages/indicators.js';
import * as advisoriesPage from './pages/advisories.js';
import * as incidentsPage from './pages/incidents.js';
import * as callListPage from './pages/calllist.js';
import * as vulnsPage from './pages/vulns.js';
import * as vulnsUnroutedPage from './pages/vulns_unrouted.js';

const root = document.getElementById('app');
let returnTo = null; // where to go after logging in
let loginNotice = null;

export function parseHash() {
  let raw = location.hash.replace(/^#/, '');
  try {
    raw = decodeURI(raw);
  } catch (_) {
    /* a malformed escape: route on the raw text */
  }
  raw = raw || '/';
  const [path, qs] = raw.split('?');
  return { path: path || '/', params: new URLSearchParams(qs || '') };
}

export function navigate(hash, { replaceState = false } = {}) {
  if (location.hash === hash) {
    route();
  } else if (replaceState) {
    history.replaceState(null, '', hash);
    route();
  } else {
    location.hash = hash;
  }
}

function homeFor(user) {
  if (user.role === 'spoc' && user.org_id != null) return `#/orgs/${user.org_id}`;
  return '#/';
}

function navLinks(user) {
  const links = [];
  if (user.role === 'spoc') {
    if (user.org_id != null) links.push({ href: `#/orgs/${user.org_id}`, key: 'nav.mytown', match: new RegExp(`^/orgs/${user.org_id}$`), id: 'nav-mytown' });
  } else {
    links.push({ href: '#/', key: 'nav.dashboard', match: /^\/$/, id: 'nav-dashboard' });
    links.push({ href: '#/orgs', key: 'nav.orgs', match: /^\/orgs/, id: 'nav-orgs' });
  }
  if (can.seeProviders(user)) links.push({ href: '#/providers', key: 'nav.providers', match: /^\/providers/, id: 'nav-providers' });
  if (can.seeJournal(user)) links.push({ href: '#/journal', key: 'nav.journal', match: /^\/journal/, id: 'nav-journal' });
  if ((user.role === 'spoc' && user.org_id != null) || user.role === 'provider') links.push({ href: '#/checklist', key: 'nav.checklist', match: /^\/checklist/, id: 'nav-checklist' });
  if (can.editAny(user) || user.role === 'viewer') links.push({ href: '#/programme', key: 'nav.programme', match: /^\/programme/, id: 'nav-programme' });
  links.push({ href: '#/sessions', key: 'nav.sessions', match: /^\/sessions/, id: 'nav-sessions' });
  if (user.role !== 'viewer') links.push({ href: '#/indicators', key: 'nav.indicators', match: /^\/indicators/, id: 'nav-indicators' });
  if (user.role !== 'viewer') links.push({ href: '#/incidents', key: 'nav.incidents', match: /^\/incidents/, id: 'nav-incidents' });
  if (can.editAny(user)) links.push({ href: '#/call-list', key: 'nav.calllist', match: /^\/call-list/, id: 'nav-calllist' });
  if (can.editAny(user) || (user.role === 'spoc' && user.org_id != null) || user.role === 'provider') links.push({ href: '#/vulns', key: 'nav.vulns', match: /^\/vulns/, id: 'nav-vulns' });
  if (can.editAny(user) || ['spoc', 'provider'].includes(user.role)) links.push({ href: '#/advisories', key: 'nav.advisories', match: /^\/advisories/, id: 'nav-advisories' });
  return links;
}

function langSwitch() {
  return h('div', { class: 'lang-switch', role: 'group', 'aria-label': t('nav.language') },
    LANGUAGES.map((code) => h('button', {
      type: 'button',
      class: ['lang', code === lang() ? 'active' : ''],
      'aria-pressed': code === lang() ? 'true' : 'false',
      dataset: { lang: code },
      onclick: () => {
        if (code === lang()) return;
        setLang(code);
        route();
      },
    }, code.toUpperCase())));
}

function layout(user, path) {
  const nav = h('nav', { class: 'mainnav', 'aria-label': 'main' },
    navLinks(user).map((l) => h('a', {
      href: l.href,
      id: l.id,
      class: l.match.test(path) ? 'active' : null,
      'aria-current': l.match.test(path) ? 'page' : null,
    }, t(l.key))));
  const logoutBtn = h('button', {
    type: 'button', class: 'btn btn-quiet', id: 'logout',
    onclick: async () => {
      logoutBtn.disabled = true;
      try {
        await logout();
      } catch (_) {
        /* the session is gone on our side either way */
      }
      returnTo = null;
      navigate('#/login');
    },
  }, t('nav.logout'));
  const header = h('header', { class: 'topbar' },
    h('a', { class: 'brand', href: homeFor(user) },
      h('img', { src: '/favicon.svg', alt: '', width: 22, height: 22 }),
      h('span', { class: 'long' }, t('app.title')),
      h('span', { class: 'short' }, t('app.short'))),
    nav,
    h('div', { class: 'userbox' },
      h('span', { class: 'who', id: 'who' }, user.name, ' ', h('span', { class: 'role' }, t(`role.${user.role}`))),
      langSwitch(),
      logoutBtn));
  const main = h('main', { id: 'view', tabindex: '-1' });
  replace(root, header, main);
  return main;
}

const pages = [
  // A SPOC without a town (a set-up error) gets the (empty) dashboard rather than a redirect loop.
  { re: /^\/$/, page: dashboardPage, allowed: (u) => u.role !== 'spoc' || u.org_id == null },
  { re: /^\/orgs\/?$/, page: orgsPage, allowed: (u) => u.role !== 'spoc' },
  { re: /^\/orgs\/([^/]+)$/, page: orgPage, allowed: () => true },
  { re: /^\/providers\/?$/, page: providersPage, allowed: (u) => can.seeProviders(u) },
  { re: /^\/journal\/?$/, page: journalPage, allowed: (u) => can.seeJournal(u) },
  { re: /^\/checklist(?:\/([^/]+))?$/, page: checklistPage, allowed: (u) => ['spoc', 'provider'].includes(u.role) || can.editAny(u) },
  { re: /^\/programme\/?$/, page: programmePage, allowed: (u) => can.editAny(u) || u.role === 'viewer' },
  { re: /^\/sessions\/?$/, page: sessionsPage, allowed: () => true },
  { re: /^\/indicators\/?$/, page: indicatorsPage, allowed: (u) => u.role !== 'viewer' },
  { re: /^\/advisories(?:\/(\d+))?\/?$/, page: advisoriesPage, allowed: (u) => can.editAny(u) || ['spoc', 'provider'].includes(u.role) },
  { re: /^\/incidents(?:\/(\d+))?\/?$/, page: incidentsPage, allowed: (u) => u.role !== 'viewer' },
  { re: /^\/call-list\/?$/, page: callListPage, allowed: (u) => can.editAny(u) },
  { re: /^\/vulns\/?$/, page: vulnsPage, allowed: (u) => can.editAny(u) || ['spoc', 'provider'].includes(u.role) },
  { re: /^\/vulns\/unrouted\/?$/, page: vulnsUnroutedPage, allowed: (u) => can.editAny(u) },
];

let routeSeq = 0;

export function route() {
  const seq = ++routeSeq;
  const { path, params } = parseHash();
  const user = session.user;

  if (!user) {
    if (path !== '/login') returnTo = location.hash || null;
    document.title = `${t('login.title')} · ${t('app.title')}`;
    replace(root, loginPage.render({
      notice: loginNotice,
      onLoggedIn: (u) => {
        loginNotice = null;
        const target = returnTo && returnTo !== '#/login' ? returnTo : homeFor(u);
        returnTo = null;
        // A SPOC always starts on its own town.
        navigate(u.role === 'spoc' ? homeFor(u) : target, { replaceState: true });
      },
    }));
    if (path !== '/login') history.replaceState(null, '', '#/login');
    return;
  }

  if (path === '/login') {
    navigate(homeFor(user), { replaceState: true });
    return;
  }

  const hit = pages.find((p) => p.re.test(path));
  if (!hit || !hit.allowed(user)) {
    navigate(homeFor(user), { replaceState: true });
    return;
  }
  const m = path.match(hit.re);
  const main = layout(user, path);
  const host = h('div', { class: 'page' });
  main.appendChild(host);
  const ctx = {
    user,
    params,
    id: m[1] || null,
    navigate,
    setTitle: (s) => { document.title = `${s} · ${t('app.title')}`; },
    current: () => seq === routeSeq,
  };
  Promise.resolve()
    .then(() => hit.page.render(host, ctx))
    .catch((err) => {
      if (seq === routeSeq && err.status !== 401) replace(host, errorBox(err, () => route()));
    });
}

onUnauthorized(() => {
  loginNotice = t('login.expired');
  returnTo = location.hash;
  route();
});

let listening = false;

async function boot() {
  replace(root, loading());
  try {
    await restoreSession();
  } catch (err) {
    replace(root, h('div', { class: 'boot-error' }, errorBox(err, boot)));
    return;
  }
  if (!listening) {
    window.addEventListener('hashchange', route);
    listening = true;
  }
  route();
}

boot();
