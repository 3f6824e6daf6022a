// Browser test of the indicators page: an analyst sees the counts, filters
// by TLP, sees a false positive and overrides it; a sighting lights its town
// up on the dashboard's alerts layer and one click opens its incident; a
// SPOC does not see the AMBER+STRICT indicator. A real `warroom serve` and
// Debian's Chromium (tests/web/lib.mjs).

import fs from 'node:fs';
import path from 'node:path';
import { warroom, assert } from './lib.mjs';

const w = await warroom('intel');
await w.run(async () => {
  const { step } = w;
  w.cli(['init', '--no-warninglists']);
  w.cli(['demo']);
  w.addUser('analyst1', 'analyst');
  w.addUser('spoc1', 'spoc', '44021');
  const list = path.join(w.tmp, 'iocs.csv');
  fs.writeFileSync(list, 'value,type,tags\nweb-green.example,domain,tlp:green;play\n'
    + 'web-strict.example,domain,tlp:amber+strict\n8.8.8.8,ipv4,tlp:green\n');
  const wl = path.join(w.tmp, 'dns.json');
  fs.writeFileSync(wl, JSON.stringify({ name: 'public-dns', type: 'cidr', list: ['8.8.8.8/32'] }));
  w.cli(['import', 'warninglist', wl]);
  w.cli(['import', 'csv', list]);
  await w.start();
  const { page, base } = w;
  const login = (u) => w.login(u);
  const run = (args) => w.cli(args);
  const errors = w.errors;

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
    await w.screenshot('indicators.png');
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
    await w.screenshot('dashboard-alerts.png');
    await page.locator('#dash-alerts button[data-alert]').click();
    await page.locator('#dash-alerts .flash', { hasText: /Incident \d+ opened for Gent/ }).waitFor();
    await page.locator('#dash-alerts .empty').waitFor();
    await page.locator('#map path.town.st-quiet[data-nis="44021"]').waitFor();
    await page.locator('#map-layers button[data-layer="programme"]').click();
    await page.locator('#map path.town.st-none[data-nis="44021"]').waitFor();
    await page.locator('#map-layers button[data-layer="checklist"]').click();
    await page.locator('#map path.town[data-nis="44021"][data-status="chk-nothing"]').waitFor();
  });

  await step('SPOC: no AMBER+STRICT indicator', async () => {
    await login('spoc1');
    await page.goto(`${base}/#/indicators`);
    await page.locator('table.indicators').waitFor();
    const text = await page.locator('table.indicators').innerText();
    assert(text.includes('web-green.example') && !text.includes('web-strict.example'), text);
    assert(errors.length === 0, errors.join('\n'));
  });
});
