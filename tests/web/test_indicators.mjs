// Browser test of the indicators page: an analyst sees the counts, filters
// by TLP, sees a false positive and overrides it; a SPOC does not see the
// AMBER+STRICT indicator. A real `warroom serve` and Debian's Chromium.
// env: WARROOM_BIN, WARROOM_ARTIFACTS. Prints "web: N passed, N failed" last.

import { spawn, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import crypto from 'node:crypto';

const BIN = process.env.WARROOM_BIN;
const ARTIFACTS = process.env.WARROOM_ARTIFACTS || path.join(os.tmpdir(), 'warroom-web-artifacts');
const CHROMIUM = process.env.CHROMIUM || '/usr/bin/chromium';
const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'warroom-webintel-'));
const db = path.join(tmp, 'w.db');
let server = null;
let browser = null;
let passed = 0;
let failed = 0;

function run(args, input) {
  const r = spawnSync(BIN, ['--db', db, ...args], { input: input ?? '', encoding: 'utf8', timeout: 60000 });
  if (r.status !== 0) throw new Error(`warroom ${args.join(' ')}: ${r.stderr || r.stdout}`);
  return r.stdout;
}

async function step(name, fn) {
  try {
    await fn();
    passed++;
    console.log(`ok    ${name}`);
  } catch (e) {
    failed++;
    console.log(`FAIL  ${name}\n      ${e.message}`);
    throw e;
  }
}

function assert(c, msg) {
  if (!c) throw new Error(msg);
}

try {
  const pw = crypto.randomBytes(12).toString('base64url');
  run(['init']);
  run(['demo']);
  run(['user', 'add', 'analyst1', '--role', 'analyst', '--password-stdin'], `${pw}\n`);
  run(['user', 'add', 'spoc1', '--role', 'spoc', '--org', '44021', '--password-stdin'], `${pw}\n`);
  const list = path.join(tmp, 'iocs.csv');
  fs.writeFileSync(list, 'value,type,tags\nweb-green.example,domain,tlp:green;play\n'
    + 'web-strict.example,domain,tlp:amber+strict\n8.8.8.8,ipv4,tlp:green\n');
  const wl = path.join(tmp, 'dns.json');
  fs.writeFileSync(wl, JSON.stringify({ name: 'public-dns', type: 'cidr', list: ['8.8.8.8/32'] }));
  run(['import', 'warninglist', wl]);
  run(['import', 'csv', list]);

  // a free loopback port, and up to 60 s for the server on a busy machine
  const port = await new Promise((resolve, reject) => {
    const srv = net.createServer();
    srv.on('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const p = srv.address().port;
      srv.close(() => resolve(p));
    });
  });
  const base = `http://127.0.0.1:${port}`;
  server = spawn(BIN, ['--db', db, 'serve', '--listen', `127.0.0.1:${port}`], { stdio: 'ignore' });
  let up = false;
  for (let i = 0; i < 600 && !up; i++) {
    try {
      up = (await fetch(`${base}/health`)).status === 200;
    } catch (_) { /* not yet */ }
    if (!up) await new Promise((r) => setTimeout(r, 100));
  }
  if (!up) throw new Error(`the server did not answer /health on ${base} within 60 s`);
  const { chromium } = await import('playwright-core');
  browser = await chromium.launch({ executablePath: CHROMIUM, headless: true, args: ['--no-sandbox', '--disable-gpu'] });
  const page = await (await browser.newContext({ locale: 'en-GB' })).newPage();
  page.setDefaultTimeout(15000);
  const errors = [];
  page.on('pageerror', (e) => errors.push(e.message));
  const login = async (user) => {
    await page.goto(`${base}/#/login`);
    await page.locator('#username').fill(user);
    await page.locator('#password').fill(pw);
    await page.locator('#login-submit').click();
    await page.locator('#logout').waitFor();
  };

  await step('analyst: counts, every indicator, the false positive', async () => {
    await login('analyst1');
    await page.locator('#nav-indicators').click();
    await page.locator('table.indicators').waitFor();
    const counts = await page.locator('#ind-counts').innerText();
    assert(/Total: 3/.test(counts), `counts say "${counts}"`);
    const rows = await page.locator('table.indicators tbody tr').count();
    assert(rows === 3, `${rows} rows`);
    const fp = page.locator('table.indicators tbody tr', { hasText: '8.8.8.8' });
    assert(/False positive: public-dns/.test(await fp.innerText()), 'no false-positive badge');
    fs.mkdirSync(ARTIFACTS, { recursive: true });
    await page.screenshot({ path: path.join(ARTIFACTS, 'indicators.png') });
  });

  await step('analyst: override the false positive', async () => {
    const row = page.locator('table.indicators tbody tr', { hasText: '8.8.8.8' });
    await row.locator('button').click();
    await page.locator('table.indicators tbody tr', { hasText: 'Shared anyway: public-dns' }).waitFor();
  });

  await step('analyst: filter by TLP', async () => {
    await page.locator('#ind-tlp').selectOption('AMBER+STRICT');
    await page.locator('#ind-filter button[type=submit]').click();
    await page.waitForURL(/tlp=AMBER%2BSTRICT/);
    await page.locator('table.indicators tbody tr', { hasText: 'web-strict.example' }).waitFor();
    assert(await page.locator('table.indicators tbody tr').count() === 1, 'filter shows more than one');
  });

  await step('analyst: the town of a sighting lights up on the dashboard; one click opens its incident', async () => {
    const out = run(['token', 'create', 'spoc1', '--label', 'sweeper']).trim().split('\n');
    const token = out[out.length - 1].trim().split(/\s+/).pop();
    const r = await fetch(`${base}/api/v1/sightings`, {
      method: 'POST',
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
      body: JSON.stringify({ host: 'fw01', sightings: [{ indicator: 'web-green.example', count: 2 }] }),
    });
    assert(r.status === 201, `sighting: HTTP ${r.status}`);
    await page.goto(`${base}/#/`);
    await page.locator('#map svg path.town').first().waitFor();
    const town = page.locator('#map path.town[data-nis="44021"]');
    assert(!(await town.getAttribute('class')).includes('st-alert'), 'alert colour before the layer is chosen');
    await page.locator('#map-layers button[data-layer="alerts"]').click();
    await page.locator('#map path.town.st-alert[data-nis="44021"]').waitFor();
    assert(await page.locator('#map path.town.st-alert').count() === 1, 'more than one town lit up');
    assert((await page.locator('#stat-alerts').innerText()).includes('1'), 'no alert count');
    await page.screenshot({ path: path.join(ARTIFACTS, 'dashboard-alerts.png') });
    await page.locator('#dash-alerts button[data-alert]').click();
    await page.locator('#dash-alerts .flash', { hasText: /Incident \d+ opened for Gent/ }).waitFor();
    await page.locator('#dash-alerts .empty').waitFor();
    await page.locator('#map path.town.st-quiet[data-nis="44021"]').waitFor();
    await page.locator('#map-layers button[data-layer="programme"]').click();
    await page.locator('#map path.town.st-none[data-nis="44021"]').waitFor();
  });

  await step('SPOC: no AMBER+STRICT indicator', async () => {
    await page.locator('#logout').click();
    await login('spoc1');
    await page.goto(`${base}/#/indicators`);
    await page.locator('table.indicators').waitFor();
    const text = await page.locator('table.indicators').innerText();
    assert(text.includes('web-green.example') && !text.includes('web-strict.example'), text);
    assert(errors.length === 0, errors.join('\n'));
  });
} catch (e) {
  if (!failed) {
    failed++;
    console.log(`FAIL  set-up: ${e.message}`);
  }
} finally {
  if (browser) await browser.close().catch(() => {});
  if (server) server.kill('SIGTERM');
  fs.rmSync(tmp, { recursive: true, force: true });
}
console.log(`web: ${passed} passed, ${failed} failed`);
process.exit(failed ? 1 : 0);
