// Browser test of the web UI: a real `warroom serve` on a free loopback port
// with a temporary database, driven in Debian's Chromium by playwright-core.
//
// env: WARROOM_BIN (the built binary), WARROOM_SOURCE_DIR, WARROOM_ARTIFACTS
// (screenshots are written there). Run `npm ci` in tests/web first.
// Prints "web: N passed, N failed" last; exits 1 on any failure.

import { spawn, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import crypto from 'node:crypto';

const BIN = process.env.WARROOM_BIN;
const ARTIFACTS = process.env.WARROOM_ARTIFACTS || path.join(os.tmpdir(), 'warroom-web-artifacts');
const CHROMIUM = process.env.CHROMIUM || '/usr/bin/chromium';
const STEP_TIMEOUT_MS = 15000;
const TOTAL_TIMEOUT_MS = 240000;
const TOWNS = 285;

const results = []; // {name, ok, error}
let server = null;
let serverLog = '';
let browser = null;
let tmp = null;

function fail(msg) {
  throw new Error(msg);
}

function assert(cond, msg) {
  if (!cond) fail(msg);
}

function freePort() {
  return new Promise((resolve, reject) => {
    const srv = net.createServer();
    srv.unref();
    srv.on('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address();
      srv.close(() => resolve(port));
    });
  });
}

function cli(args, input) {
  const r = spawnSync(BIN, ['--db', path.join(tmp, 'w.db'), ...args], {
    input: input ?? '', encoding: 'utf8', timeout: 60000,
  });
  if (r.error) fail(`warroom ${args.join(' ')}: ${r.error.message}`);
  if (r.status !== 0) {
    fail(`warroom ${args.join(' ')} exited ${r.status}: ${(r.stderr || r.stdout || '').trim()}`);
  }
  return r.stdout;
}

async function waitForHealth(base, deadlineMs) {
  const end = Date.now() + deadlineMs;
  let last = '';
  while (Date.now() < end) {
    if (server.exitCode !== null) fail(`server exited with ${server.exitCode} before answering /health:\n${serverLog}`);
    try {
      const res = await fetch(`${base}/health`, { signal: AbortSignal.timeout(1000) });
      if (res.status === 200) return;
      last = `HTTP ${res.status}`;
    } catch (e) {
      last = e.message;
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  fail(`server did not answer GET /health with 200 within ${deadlineMs} ms (last: ${last})`);
}

async function stopServer() {
  if (!server || server.exitCode !== null) return;
  const exited = new Promise((r) => server.once('exit', r));
  server.kill('SIGTERM');
  const t = setTimeout(() => server.kill('SIGKILL'), 5000);
  await Promise.race([exited, new Promise((r) => setTimeout(r, 6000))]);
  clearTimeout(t);
}

async function shot(page, name, opts = {}) {
  const file = path.join(ARTIFACTS, name);
  await page.screenshot({ path: file, fullPage: opts.fullPage ?? false });
  return file;
}

async function main() {
  if (!BIN) fail('WARROOM_BIN is not set (path of the built warroom binary)');
  if (!fs.existsSync(BIN)) fail(`WARROOM_BIN does not exist: ${BIN}`);
  if (!fs.existsSync(CHROMIUM)) fail(`Chromium not found at ${CHROMIUM} (apt-get install chromium)`);
  let chromium;
  try {
    ({ chromium } = await import('playwright-core'));
  } catch (e) {
    fail(`playwright-core is not installed: run "npm ci" in tests/web (${e.message})`);
  }
  fs.mkdirSync(ARTIFACTS, { recursive: true });
  for (const f of fs.readdirSync(ARTIFACTS)) {
    if (/^failure-\d+\.png$/.test(f)) fs.rmSync(path.join(ARTIFACTS, f)); // from an earlier run
  }
  tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'warroom-web-'));

  // ---- a fresh database and two accounts ------------------------------------
  const analystPw = crypto.randomBytes(12).toString('base64url');
  const spocPw = crypto.randomBytes(12).toString('base64url');
  cli(['init']);
  cli(['demo']);
  cli(['user', 'add', 'tester', '--role', 'analyst', '--password-stdin'], `${analystPw}\n`);
  cli(['user', 'add', 'spoc1', '--role', 'spoc', '--org', '44021', '--password-stdin'], `${spocPw}\n`);

  // ---- the server -------------------------------------------------------------
  const port = await freePort();
  const base = `http://127.0.0.1:${port}`;
  server = spawn(BIN, ['--db', path.join(tmp, 'w.db'), 'serve', '--listen', `127.0.0.1:${port}`], {
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const keep = (d) => {
    serverLog += d.toString();
    if (serverLog.length > 200000) serverLog = serverLog.slice(-100000);
  };
  server.stdout.on('data', keep);
  server.stderr.on('data', keep);
  await waitForHealth(base, 20000);

  // ---- the browser --------------------------------------------------------------
  browser = await chromium.launch({
    executablePath: CHROMIUM,
    headless: true,
    timeout: 30000,
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
      '--disable-background-networking', '--disable-component-update', '--disable-sync'],
  });
  const context = await browser.newContext({
    viewport: { width: 1366, height: 860 },
    locale: 'en-GB',
    timezoneId: 'Europe/Brussels',
  });
  const page = await context.newPage();
  page.setDefaultTimeout(STEP_TIMEOUT_MS);
  page.setDefaultNavigationTimeout(STEP_TIMEOUT_MS);
  const pageErrors = [];
  page.on('pageerror', (e) => pageErrors.push(`page error: ${e.message}`));
  page.on('console', (m) => {
    const text = m.text();
    if (m.type() === 'error' && !/status of (401|404|422)/.test(text)) pageErrors.push(`console: ${text}`);
  });

  const login = async (user, pw) => {
    await page.locator('#username').fill(user);
    await page.locator('#password').fill(pw);
    await page.locator('#login-submit').click();
  };
  const apiGet = (p) => page.evaluate(async (u) => {
    const r = await fetch(u, { credentials: 'same-origin' });
    return { status: r.status, body: r.status === 200 ? await r.json() : null };
  }, p);
  const contactRow = (name) => page.locator('#contacts table.contacts tbody tr', { hasText: name });

  let gentId = null;
  let otherId = null;
  const contactName = `Test Contact ${crypto.randomBytes(3).toString('hex')}`;

  const steps = [
    ['login page renders and refuses a wrong password', async () => {
      await page.goto(`${base}/`);
      await page.locator('#login-submit').waitFor();
      assert(/#\/login$/.test(page.url()), `expected #/login, got ${page.url()}`);
      await shot(page, 'login.png');
      await login('tester', 'wrong-password');
      await page.locator('#login-error').filter({ hasText: /\S/ }).waitFor();
      const text = await page.locator('#login-error').innerText();
      assert(/wrong|onjuist/i.test(text), `login error says "${text}"`);
    }],

    ['analyst logs in and sees the map with every town', async () => {
      await login('tester', analystPw);
      await page.locator('svg.map path.town').first().waitFor();
      const n = await page.locator('svg.map path.town').count();
      assert(n === TOWNS, `map has ${n} town shapes, expected ${TOWNS}`);
      const coloured = await page.locator('svg.map path.town.st-unknown').count();
      assert(coloured === 0, `${coloured} towns on the map have no registry record`);
      const towns = (await page.locator('#stat-towns .stat-value').innerText()).replace(/\D/g, '');
      assert(towns === String(TOWNS), `towns count shows ${towns}`);
      for (const id of ['#stat-reachable', '#stat-incomplete']) {
        assert(await page.locator(id).isVisible(), `${id} is not shown`);
      }
      const states = await page.locator('svg.map path.town').evaluateAll((ps) => [...new Set(ps.map((p) => p.dataset.status))]);
      assert(states.length >= 2, `map shows only ${states.join(',')}: the demo should have gaps`);
      await shot(page, 'dashboard.png');
    }],

    ['hovering a town shows its name; clicking opens it', async () => {
      const gent = page.locator('svg.map path.town[data-nis="44021"]');
      // A point inside the outline (the middle of the box may be a neighbour).
      const pt = await gent.evaluate((el) => {
        const r = el.getBoundingClientRect();
        for (let i = 1; i < 12; i++) {
          for (let j = 1; j < 12; j++) {
            const x = r.left + (r.width * i) / 12, y = r.top + (r.height * j) / 12;
            if (document.elementFromPoint(x, y) === el) return { x, y };
          }
        }
        return null;
      });
      assert(pt, 'could not find a point inside Gent on the map');
      await page.mouse.move(pt.x - 40, pt.y - 40);
      await page.mouse.move(pt.x, pt.y, { steps: 4 });
      const tip = page.locator('.map-tip');
      await tip.filter({ hasText: 'Gent' }).waitFor({ state: 'visible' });
      await shot(page, 'dashboard-hover.png');
      await page.mouse.click(pt.x, pt.y);
      await page.waitForURL(/#\/orgs\/[^/]+$/);
      await page.locator('#org-name', { hasText: /^Gent$/ }).waitFor();
      gentId = page.url().split('/').pop();
    }],

    ['list: search for Gent and open it', async () => {
      await page.locator('#nav-orgs').click();
      await page.locator('#org-search').fill('Gent');
      const link = page.locator('#org-results a.org-link', { hasText: /^Gent$/ });
      await link.waitFor();
      const rows = await page.locator('#org-results tbody tr').count();
      assert(rows >= 1 && rows < 20, `search for Gent gave ${rows} rows`);
      await page.locator('#org-province').selectOption('Oost-Vlaanderen');
      await page.locator('#org-results a.org-link', { hasText: /^Gent$/ }).waitFor();
      await link.click();
      await page.locator('#org-name', { hasText: /^Gent$/ }).waitFor();
      const nis = await page.locator('#org-nis').innerText();
      assert(nis.trim() === '44021', `NIS code shows "${nis}"`);
      assert(page.url().endsWith(`#/orgs/${gentId}`), `list opened ${page.url()}, map opened #/orgs/${gentId}`);
      await page.locator('#contacts').waitFor();
      await page.locator('#assets').waitFor();
      await page.locator('#providers').waitFor();
      await shot(page, 'town.png', { fullPage: true });
      const other = await apiGet('/api/v1/orgs?q=Aalst&kind=municipality');
      assert(other.status === 200, `GET /api/v1/orgs?q=Aalst answered ${other.status}`);
      const aalst = other.body.items.find((o) => o.name === 'Aalst');
      assert(aalst, 'Aalst not found through the API');
      otherId = aalst.id;
    }],

    ['add a contact, set its mobile, reload: the canonical number is stored', async () => {
      await page.locator('#add-contact').click();
      const form = page.locator('form.form-contact');
      await form.locator('[name=name]').fill(contactName);
      await form.locator('[name=role]').selectOption('ciso');
      await form.locator('[name=email]').fill('ciso.test@gent.example.org');
      await form.locator('[name=language]').selectOption('nl');
      await form.locator('button[type=submit]').click();
      await contactRow(contactName).waitFor();
      await contactRow(contactName).locator('[data-action=edit-contact]').click();
      await form.locator('[name=mobile]').fill('0499 00 12 34');
      await form.locator('button[type=submit]').click();
      await form.waitFor({ state: 'detached' });
      await page.reload();
      await contactRow(contactName).waitFor();
      const mobile = (await contactRow(contactName).locator('td.mobile').innerText()).trim();
      assert(mobile === '+32499001234', `after reload the mobile shows "${mobile}", expected +32499001234`);
    }],

    ['a bad email is refused and named at its field', async () => {
      await contactRow(contactName).locator('[data-action=edit-contact]').click();
      const form = page.locator('form.form-contact');
      await form.locator('[name=email]').fill('not-an-email');
      await form.locator('button[type=submit]').click();
      const err = form.locator('.field[data-field=email] .field-error');
      await err.filter({ hasText: /\S/ }).waitFor();
      const invalid = await form.locator('[name=email]').getAttribute('aria-invalid');
      assert(invalid === 'true', 'the email input is not marked invalid');
      const others = await form.locator('.field:not([data-field=email]) .field-error').evaluateAll((es) => es.map((e) => e.textContent).join(''));
      assert(others === '', `other fields show errors: ${others}`);
      await shot(page, 'town-field-error.png');
      await form.locator('button', { hasText: /cancel|annuleren/i }).click();
      await form.waitFor({ state: 'detached' });
      const email = (await contactRow(contactName).locator('td.email').innerText()).trim();
      assert(email === 'ciso.test@gent.example.org', `the refused email changed the contact: "${email}"`);
    }],

    ['phone viewport: the town page turns its tables into cards', async () => {
      await page.setViewportSize({ width: 390, height: 844 });
      await page.locator('#contacts table.contacts').waitFor();
      const display = await page.locator('#contacts table.contacts thead').evaluate((el) => getComputedStyle(el).display);
      assert(display === 'none', `table header still shown on a phone (display: ${display})`);
      const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
      assert(overflow <= 1, `the page scrolls sideways on a phone by ${overflow}px`);
      await shot(page, 'town-phone.png', { fullPage: true });
      await page.goto(`${base}/#/`);
      await page.locator('svg.map path.town').first().waitFor();
      await shot(page, 'dashboard-phone.png', { fullPage: true });
      await page.goto(`${base}/#/orgs/${gentId}`);
      await page.locator('#org-name', { hasText: /^Gent$/ }).waitFor();
      await page.setViewportSize({ width: 1366, height: 860 });
    }],

    ['delete the test contact', async () => {
      const del = contactRow(contactName).locator('button', { hasText: /delete|verwijderen/i });
      await del.click();
      await contactRow(contactName).locator('button.armed').click();
      await contactRow(contactName).waitFor({ state: 'detached' });
    }],

    ['language switch: Dutch labels, kept after a reload', async () => {
      await page.locator('.topbar button[data-lang=nl]').click();
      await page.locator('#nav-orgs', { hasText: 'Lokale besturen' }).waitFor();
      await page.locator('#contacts h2', { hasText: 'Contacten' }).waitFor();
      await page.reload();
      await page.locator('#nav-orgs', { hasText: 'Lokale besturen' }).waitFor();
      const stored = await page.evaluate(() => localStorage.getItem('warroom.lang'));
      assert(stored === 'nl', `localStorage warroom.lang is ${stored}`);
      const htmlLang = await page.evaluate(() => document.documentElement.lang);
      assert(htmlLang === 'nl', `<html lang> is ${htmlLang}`);
      await page.locator('.topbar button[data-lang=en]').click();
      await page.locator('#nav-orgs', { hasText: 'Local governments' }).waitFor();
    }],

    ['log out', async () => {
      await page.locator('#logout').click();
      await page.locator('#login-submit').waitFor();
      const me = await apiGet('/api/v1/me');
      assert(me.status === 401, `GET /api/v1/me after logout answered ${me.status}, expected 401`);
    }],

    ['a SPOC lands on its own town and cannot reach another', async () => {
      await login('spoc1', spocPw);
      await page.waitForURL(new RegExp(`#/orgs/${gentId}$`));
      await page.locator('#org-name', { hasText: /^Gent$/ }).waitFor();
      await page.locator('#contacts').waitFor();
      for (const id of ['#nav-dashboard', '#nav-orgs', '#nav-journal']) {
        assert(await page.locator(id).count() === 0, `a SPOC sees the ${id} link`);
      }
      await shot(page, 'spoc-town.png');
      await page.goto(`${base}/#/orgs/${otherId}`);
      await page.locator('#not-found').waitFor();
      assert(await page.locator('#org-name').count() === 0, 'another town\'s page shows a name');
      await shot(page, 'spoc-other-town.png');
      await page.goto(`${base}/#/orgs`);
      await page.waitForURL(new RegExp(`#/orgs/${gentId}$`));
      await page.locator('#org-name', { hasText: /^Gent$/ }).waitFor();
    }],

    ['no script errors and no Content-Security-Policy violations', async () => {
      assert(pageErrors.length === 0, pageErrors.join('\n'));
    }],
  ];

  let stop = false;
  for (const [name, fn] of steps) {
    if (stop) {
      results.push({ name, ok: null });
      console.log(`skip  ${name}`);
      continue;
    }
    const t0 = Date.now();
    try {
      await fn();
      results.push({ name, ok: true });
      console.log(`ok    ${name} (${Date.now() - t0} ms)`);
    } catch (e) {
      results.push({ name, ok: false, error: e.message });
      console.log(`FAIL  ${name}\n      ${String(e.message).split('\n').join('\n      ')}`);
      try {
        const f = await shot(page, `failure-${results.length}.png`, { fullPage: true });
        console.log(`      screenshot: ${f}  url: ${page.url()}`);
      } catch (_) {
        /* the page may be gone */
      }
      stop = true; // the steps build on each other
    }
  }
}

async function cleanup() {
  try {
    if (browser) await Promise.race([browser.close(), new Promise((r) => setTimeout(r, 5000))]);
  } catch (_) { /* already gone */ }
  await stopServer();
  if (tmp) fs.rmSync(tmp, { recursive: true, force: true });
}

const watchdog = setTimeout(async () => {
  console.log(`FAIL  the test took longer than ${TOTAL_TIMEOUT_MS / 1000} s`);
  if (server && server.exitCode === null) server.kill('SIGKILL');
  process.exit(1);
}, TOTAL_TIMEOUT_MS);

let setupError = null;
try {
  await main();
} catch (e) {
  setupError = e;
} finally {
  await cleanup();
  clearTimeout(watchdog);
}

const passed = results.filter((r) => r.ok === true).length;
const failed = results.filter((r) => r.ok === false).length + (setupError ? 1 : 0);
const skipped = results.filter((r) => r.ok === null).length;
if (setupError) console.log(`FAIL  set-up: ${setupError.message}`);
if (failed && serverLog) console.log(`--- server log (last lines) ---\n${serverLog.split('\n').slice(-40).join('\n')}`);
console.log(`screenshots: ${ARTIFACTS}`);
console.log(`web: ${passed} passed, ${failed} failed${skipped ? `, ${skipped} skipped` : ''}`);
process.exit(failed ? 1 : 0);
