// Browser test of the vulnerability page (docs/vulns.md, "The web page"): a
// Shadowserver-format RDP report with rows in Gent's range and rows that
// reach nobody; the analyst sees the region's open findings by age, the
// coverage figures and the dashboard's line; claims the unrouted prefix for
// Antwerpen in the page, sees it leave the list, Antwerpen get the findings
// and the journal the routing; Gent's SPOC calls a finding a false positive
// (an empty reason is refused with a visible message) and accepts a risk
// until a day (one more than a year ahead refused); a viewer has no
// Vulnerabilities entry.
// A real `warroom serve` and Debian's Chromium (tests/web/lib.mjs).

import fs from 'node:fs';
import path from 'node:path';
import { warroom, assert } from './lib.mjs';

const DAY = 86400000;
const stamp = (daysAgo) => new Date(Date.now() - daysAgo * DAY).toISOString().slice(0, 19).replace('T', ' ');

const w = await warroom('vulns');
await w.run(async () => {
  const { step } = w;
  w.cli(['init', '--no-warninglists']);
  w.cli(['demo']);
  w.addUser('analyst1', 'analyst');
  w.addUser('spoc1', 'spoc', '44021');
  w.addUser('viewer1', 'viewer');
  await w.start();
  const { page, base } = w;
  const rows = () => page.locator('#vuln-findings table.findings tbody tr');

  await step('a scan report with rows for Gent and rows that reach nobody is imported', async () => {
    await w.login('analyst1');
    // Gent's IPv4 range, as the API gives it to the analyst.
    const gent = await page.evaluate(async () => {
      const get = async (p) => (await fetch(`/api/v1${p}`)).json();
      const town = (await get('/orgs?q=44021&kind=municipality')).items.find((o) => String(o.nis_code) === '44021');
      const assets = (await get(`/orgs/${town.id}/assets`)).items;
      return assets.find((a) => a.type === 'cidr' && !a.value.includes(':')).value;
    });
    const net = gent.split('/')[0].split('.').slice(0, 3).join('.');
    const line = (days, ip) => `"${stamp(days)}","${ip}",3389,"","rdp","64500","BE"\n`;
    const file = path.join(w.tmp, `${new Date().toISOString().slice(0, 10)}-scan_rdp-belgium-geo.csv`);
    fs.writeFileSync(file, '"timestamp","ip","port","hostname","tag","asn","geo"\n'
      + line(2, `${net}.10`) + line(10, `${net}.11`) + line(40, `${net}.12`)
      + line(5, '203.0.113.7') + line(5, '203.0.113.8') + line(3, '192.0.2.44'));
    const out = w.cli(['import', 'shadowserver', file]);
    assert(/imported 6 rows/.test(out) && /3 routed to a town, 3 reached nobody/.test(out), out);
  });

  await step('analyst: the overview by age and severity, the coverage, the dashboard line', async () => {
    await page.goto(`${base}/#/`);
    await page.reload(); // the dashboard was drawn before the import
    const dash = page.locator('#dash-vulns');
    await dash.locator('a', { hasText: 'routed' }).waitFor();
    const text = await dash.innerText();
    // 5 events in the last 30 days (the 40-day-old one is older), 2 of them Gent's.
    assert(/40 % routed/.test(text) && /0 % acknowledged/.test(text), `dashboard: ${text}`);
    await page.locator('#nav-vulns').click();
    await page.waitForURL(/#\/vulns$/);
    await page.locator('#vuln-overview table').waitFor();
    const cell = async (age, col) => (await page.locator(`#vuln-overview tr[data-age="${age}"] td`).nth(col).innerText()).trim();
    for (const age of ['lt7', '7-30', '30-90']) assert(await cell(age, 2) === '1', `${age}: high ${await cell(age, 2)}`);
    assert(await cell('gt90', 5) === '0', 'older than 90 days');
    assert(await cell('total', 5) === '3', `total ${await cell('total', 5)}`);
    const fig = async (k) => (await page.locator(`#vuln-coverage tr[data-figure="${k}"]`).innerText()).replace(/\s+/g, ' ');
    assert(/ 5\b/.test(await fig('events')), await fig('events'));
    assert(/ 2 40 %/.test(await fig('routed')), await fig('routed'));
    assert(/ 0 0 %/.test(await fig('acknowledged')), await fig('acknowledged'));
    await rows().first().waitFor();
    assert(await rows().count() === 3, `${await rows().count()} findings`);
    await w.screenshot('vulns.png');
  });

  await step('analyst: claims the unrouted prefix for Antwerpen; it leaves the list, Antwerpen gets the findings', async () => {
    await page.locator('#vuln-tab-unrouted').click();
    const row = page.locator('#vuln-unrouted-prefixes tr[data-prefix="203.0.113.0/24"]');
    await row.waitFor();
    assert(/\b2\b/.test(await row.locator('td').nth(1).innerText()), 'two events in 203.0.113.0/24');
    await w.screenshot('vulns-unrouted.png');
    await row.locator('button[data-claim]').click();
    const form = row.locator('form.form-claim');
    await form.locator('[name=org]').selectOption({ label: 'Antwerpen' });
    assert(await form.locator('[name=value]').inputValue() === '203.0.113.0/24', 'the claim is the prefix');
    await form.locator('button[type=submit]').click();
    const done = page.locator('#vuln-claimed .flash-ok');
    await done.waitFor();
    const said = await done.innerText();
    assert(/203\.0\.113\.0\/24 claimed for Antwerpen: 2 past events/.test(said), said);
    await page.locator('#vuln-unrouted-prefixes tr[data-prefix="192.0.2.0/24"]').waitFor();
    assert(await row.count() === 0, 'the claimed prefix is still listed');
    await page.locator('#vuln-tab-findings').click();
    await page.locator('#vuln-filter [name=org]').selectOption({ label: 'Antwerpen' });
    await page.locator('#vuln-filter button[type=submit]').click();
    await page.waitForURL(/org=\d+/);
    await page.locator('#vuln-findings tr[data-finding]', { hasText: '203.0.113.7' }).waitFor();
    const ips = await page.locator('#vuln-findings table.findings tbody tr td:nth-child(3)').allInnerTexts();
    assert(ips.length === 2 && ips.every((x) => x.startsWith('203.0.113.')), `Antwerpen's findings: ${ips.join(', ')}`);
    // The journal has the claim and the routing of the past events.
    await page.locator('#nav-journal').click();
    await page.locator('#journal-results table.journal td', { hasText: 'vulns.reroute' }).first().waitFor();
  });

  await step('Gent\'s SPOC: a false positive needs a reason, then its status changes', async () => {
    await w.login('spoc1');
    await page.locator('#nav-vulns').click();
    await rows().first().waitFor();
    assert(await rows().count() === 3, `the SPOC sees ${await rows().count()} findings`);
    assert(!(await page.locator('#vuln-findings').innerText()).includes('203.0.113.'), 'the SPOC sees Antwerpen\'s');
    assert(await page.locator('#vuln-overview').count() === 0, 'the SPOC sees the region overview');
    const first = rows().first();
    const id = await first.getAttribute('data-finding');
    await first.locator('button[data-to="false-positive"]').click();
    const form = first.locator('form.form-finding-reason');
    await form.locator('button[type=submit]').click();
    const err = form.locator('.field-error[data-for="reason"]');
    await err.filter({ hasText: /required/ }).waitFor();
    assert(await page.locator(`tr[data-finding="${id}"]`).getAttribute('data-status') === 'open', 'changed without a reason');
    await form.locator('[name=reason]').fill('A honeypot of our own, on purpose');
    await form.locator('button[type=submit]').click();
    const changed = page.locator(`tr[data-finding="${id}"][data-status="false-positive"]`);
    await changed.waitFor();
    assert(/false positive/.test(await changed.innerText()) && /honeypot/.test(await changed.innerText()), await changed.innerText());
    await page.reload();
    await page.locator(`tr[data-finding="${id}"][data-status="false-positive"]`).waitFor();
  });

  await step('Gent\'s SPOC: a risk is accepted until a day within a year', async () => {
    const row = page.locator('#vuln-findings tr[data-status="open"]').first();
    const id = await row.getAttribute('data-finding');
    await row.locator('button[data-to="accepted"]').click();
    const form = row.locator('form.form-finding-reason');
    await form.locator('[name=reason]').fill('Replaced next quarter; VPN-only meanwhile');
    const far = new Date(Date.now() + 400 * DAY).toISOString().slice(0, 10);
    await form.locator('[name=until]').fill(far);
    await form.locator('button[type=submit]').click();
    await form.locator('.field-error[data-for="until"]', { hasText: /within a year/ }).waitFor();
    const day = new Date(Date.now() + 60 * DAY).toISOString().slice(0, 10);
    await form.locator('[name=until]').fill(day);
    await form.locator('button[type=submit]').click();
    const accepted = page.locator(`tr[data-finding="${id}"][data-status="accepted"]`);
    await accepted.waitFor();
    assert((await accepted.innerText()).includes(`until ${day}`), await accepted.innerText());
    await w.screenshot('vulns-spoc.png');
  });

  await step('a viewer has no Vulnerabilities entry and no page', async () => {
    await w.login('viewer1');
    await page.locator('#nav-dashboard').waitFor();
    assert(await page.locator('#nav-vulns').count() === 0, 'the viewer has the entry');
    await page.goto(`${base}/#/vulns`);
    await page.waitForURL(/#\/$/);
    assert(await page.locator('#vuln-findings').count() === 0, 'the viewer got the page');
    assert(w.errors.length === 0, w.errors.join('\n'));
  });
});
