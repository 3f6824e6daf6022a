// Browser test of the web UI: the login page, the dashboard's map, a town's
// page (contacts, a field error, a phone viewport), the language switch,
// logging out, and a SPOC kept to its own town; no script error and no
// Content-Security-Policy violation on the way. A real `warroom serve` with
// a temporary database, driven in Debian's Chromium (tests/web/lib.mjs).
// Screenshots go to $WARROOM_ARTIFACTS.

import crypto from 'node:crypto';
import { warroom, assert } from './lib.mjs';

const TOWNS = 285;

const w = await warroom('browser', { viewport: { width: 1366, height: 860 }, consoleErrors: true });
await w.run(async () => {
  const { step } = w;
  w.cli(['init']);
  w.cli(['demo']);
  w.addUser('tester', 'analyst');
  w.addUser('spoc1', 'spoc', '44021');
  await w.start();
  const { page, base } = w;

  // Submits the login form (the first step expects a refusal).
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

  await step('login page renders and refuses a wrong password', async () => {
    await page.goto(`${base}/`);
    await page.locator('#login-submit').waitFor();
    assert(/#\/login$/.test(page.url()), `expected #/login, got ${page.url()}`);
    await w.screenshot('login.png');
    await login('tester', 'wrong-password');
    await page.locator('#login-error').filter({ hasText: /\S/ }).waitFor();
    const text = await page.locator('#login-error').innerText();
    assert(/wrong|onjuist/i.test(text), `login error says "${text}"`);
  });

  await step('analyst logs in and sees the map with every town', async () => {
    await login('tester', w.pw);
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
    await w.screenshot('dashboard.png');
  });

  await step('hovering a town shows its name; clicking opens it', async () => {
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
    await w.screenshot('dashboard-hover.png');
    await page.mouse.click(pt.x, pt.y);
    await page.waitForURL(/#\/orgs\/[^/]+$/);
    await page.locator('#org-name', { hasText: /^Gent$/ }).waitFor();
    gentId = page.url().split('/').pop();
  });

  await step('list: search for Gent and open it', async () => {
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
    await w.screenshot('town.png', { fullPage: true });
    const other = await apiGet('/api/v1/orgs?q=Aalst&kind=municipality');
    assert(other.status === 200, `GET /api/v1/orgs?q=Aalst answered ${other.status}`);
    const aalst = other.body.items.find((o) => o.name === 'Aalst');
    assert(aalst, 'Aalst not found through the API');
    otherId = aalst.id;
  });

  await step('add a contact, set its mobile, reload: the canonical number is stored', async () => {
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
  });

  await step('a bad email is refused and named at its field', async () => {
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
    await w.screenshot('town-field-error.png');
    await form.locator('button', { hasText: /cancel|annuleren/i }).click();
    await form.waitFor({ state: 'detached' });
    const email = (await contactRow(contactName).locator('td.email').innerText()).trim();
    assert(email === 'ciso.test@gent.example.org', `the refused email changed the contact: "${email}"`);
  });

  await step('phone viewport: the town page turns its tables into cards', async () => {
    await page.setViewportSize({ width: 390, height: 844 });
    await page.locator('#contacts table.contacts').waitFor();
    const display = await page.locator('#contacts table.contacts thead').evaluate((el) => getComputedStyle(el).display);
    assert(display === 'none', `table header still shown on a phone (display: ${display})`);
    const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
    assert(overflow <= 1, `the page scrolls sideways on a phone by ${overflow}px`);
    await w.screenshot('town-phone.png', { fullPage: true });
    await page.goto(`${base}/#/`);
    await page.locator('svg.map path.town').first().waitFor();
    await w.screenshot('dashboard-phone.png', { fullPage: true });
    await page.goto(`${base}/#/orgs/${gentId}`);
    await page.locator('#org-name', { hasText: /^Gent$/ }).waitFor();
    await page.setViewportSize({ width: 1366, height: 860 });
  });

  await step('delete the test contact', async () => {
    const del = contactRow(contactName).locator('button', { hasText: /delete|verwijderen/i });
    await del.click();
    await contactRow(contactName).locator('button.armed').click();
    await contactRow(contactName).waitFor({ state: 'detached' });
  });

  await step('language switch: Dutch labels, kept after a reload', async () => {
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
  });

  await step('log out', async () => {
    await page.locator('#logout').click();
    await page.locator('#login-submit').waitFor();
    const me = await apiGet('/api/v1/me');
    assert(me.status === 401, `GET /api/v1/me after logout answered ${me.status}, expected 401`);
  });

  await step('a SPOC lands on its own town and cannot reach another', async () => {
    await login('spoc1', w.pw);
    await page.waitForURL(new RegExp(`#/orgs/${gentId}$`));
    await page.locator('#org-name', { hasText: /^Gent$/ }).waitFor();
    await page.locator('#contacts').waitFor();
    for (const id of ['#nav-dashboard', '#nav-orgs', '#nav-journal']) {
      assert(await page.locator(id).count() === 0, `a SPOC sees the ${id} link`);
    }
    await w.screenshot('spoc-town.png');
    await page.goto(`${base}/#/orgs/${otherId}`);
    await page.locator('#not-found').waitFor();
    assert(await page.locator('#org-name').count() === 0, 'another town\'s page shows a name');
    await w.screenshot('spoc-other-town.png');
    await page.goto(`${base}/#/orgs`);
    await page.waitForURL(new RegExp(`#/orgs/${gentId}$`));
    await page.locator('#org-name', { hasText: /^Gent$/ }).waitFor();
  });

  await step('no script errors and no Content-Security-Policy violations', async () => {
    assert(w.errors.length === 0, w.errors.join('\n'));
  });
});
