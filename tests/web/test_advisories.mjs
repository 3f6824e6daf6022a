// Browser test of the advisories page (docs/comms.md): an analyst writes an
// advisory to Gent, attaches a file and submits it; the page will not let
// the author approve; a second analyst approves it; Gent's SPOC finds it and
// acknowledges; the analyst's page shows the acknowledgement and Gent green
// on the map. Then the session invitation and the programme campaign are
// prepared as advisories from their pages; an advisory nobody acknowledged
// puts Gent on the call list, where the analyst records the call. A real
// `warroom serve` without SMTP (delivery is tested against the SMTP sink in
// tests/api).

import fs from 'node:fs';
import path from 'node:path';
import { warroom, assert } from './lib.mjs';

const w = await warroom('advisories');
await w.run(async () => {
  const { step } = w;
  w.cli(['init', '--no-warninglists']);
  w.cli(['demo']);
  w.addUser('analyst1', 'analyst');
  w.addUser('analyst2', 'analyst');
  w.addUser('spoc1', 'spoc', '44021');
  await w.start({ WARROOM_ESCALATION_INTERVAL: '1' });
  const { page } = w;
  let url = '';

  await step('analyst1 writes an advisory to Gent, attaches a file, submits it', async () => {
    await w.login('analyst1');
    await page.locator('#nav-advisories').click();
    const f = page.locator('form.form-advisory');
    await f.locator('[name=title]').fill('Play ransomware: check your VPN appliances tonight');
    await f.locator('[name=body]').fill('# What\n\nPatch **now**.');
    await f.locator('[name=tlp]').selectOption('GREEN');
    await f.locator('[name=severity]').selectOption('high');
    await f.locator('[name=scope]').selectOption('orgs');
    await f.locator('[name=orgs]').fill('44021');
    await f.locator('[name=ack_required]').check();
    await f.locator('button[type=submit]').click();
    await page.waitForURL(/#\/advisories\/\d+$/);
    url = page.url();
    await page.locator('h1', { hasText: 'Play ransomware' }).waitFor();
    const file = path.join(w.tmp, 'play-iocs.csv');
    fs.writeFileSync(file, 'type,value\ndomain,play-c2.example\n');
    await page.locator('#adv-file').setInputFiles(file);
    await page.locator('#adv-attachments li', { hasText: 'play-iocs.csv' }).waitFor();
    await page.locator('#adv-submit').click();
    await page.locator('.badge', { hasText: 'awaiting approval' }).waitFor();
    assert(await page.locator('#adv-approve').count() === 0, 'the author is offered the approval');
    assert((await page.locator('#adv-actions').innerText()).includes('four eyes'), 'no four-eyes hint');
  });

  await step('analyst2 approves it: the delivery follows, Gent is addressed on the map', async () => {
    await w.login('analyst2');
    await page.goto(url);
    await page.locator('#adv-approve').click();
    await page.locator('table.deliveries').waitFor();
    const rows = await page.locator('table.deliveries tbody tr').count();
    assert(rows >= 1, 'no delivery rows');
    assert((await page.locator('table.deliveries').innerText()).includes('Gent'), 'Gent is not a recipient');
    await page.locator('#adv-map path.town[data-nis="44021"]').waitFor();
    const st = await page.locator('#adv-map path.town[data-nis="44021"]').getAttribute('data-status');
    assert(st === 'adv-pending', `Gent is ${st}`);
    assert(await page.locator('#adv-map path.town[data-status="adv-not-addressed"]').count() > 200, 'others are addressed');
  });

  await step('Gent\'s SPOC finds it and acknowledges', async () => {
    await w.login('spoc1');
    await page.locator('#nav-advisories').click();
    await page.locator('table.advisories a', { hasText: 'Play ransomware' }).click();
    await page.locator('#adv-ack').click();
    await page.locator('#adv-acknowledged .stat-value', { hasText: '1 / 1' }).waitFor();
    assert(await page.locator('#adv-file').count() === 0, 'a SPOC may attach');
  });

  await step('the analyst sees the acknowledgement and Gent green on the map', async () => {
    await w.login('analyst1');
    await page.goto(url);
    await page.locator('#adv-map path.town.st-complete[data-nis="44021"]').waitFor();
    assert((await page.locator('#adv-acknowledged').innerText()).includes('1 / 1'), 'no acknowledgement count');
    await w.screenshot('advisory.png');
  });

  await step('a session invitation and a campaign reminder are prepared as advisories', async () => {
    await page.locator('#nav-sessions').click();
    const f = page.locator('form.form-session');
    await f.locator('[name=title]').fill('Back-ups die een aanval overleven');
    await f.locator('[name=starts]').fill('2027-02-10T14:00');
    await f.locator('[name=ends]').fill('2027-02-10T16:00');
    await f.locator('[name=place]').fill('Gent');
    await f.locator('[name=capacity]').fill('40');
    await f.locator('button[type=submit]').click();
    const card = page.locator('section.session', { hasText: 'Back-ups die een aanval overleven' });
    await card.locator('.prepare button').click();
    await card.locator('.prepare a', { hasText: /Invitation ready as advisory \d+/ }).click();
    await page.locator('#adv-attachments li', { hasText: /session-\d+\.ics/ }).waitFor();
    await page.locator('#nav-programme').click();
    await page.locator('button[data-filter="not-signed-up"]').click();
    await page.locator('#campaign-result .prepare button').click();
    await page.locator('#campaign-result .prepare a', { hasText: /Reminder ready as advisory \d+/ }).click();
    await page.locator('.badge', { hasText: 'draft' }).waitFor();
    assert(w.errors.length === 0, w.errors.join('\n'));
  });

  await step('nobody acknowledged: Gent is on the call list with its numbers; the call is recorded', async () => {
    const out = w.cli(['token', 'create', 'analyst1', '--label', 'call']).trim().split('\n');
    const t1 = out[out.length - 1].trim().split(/\s+/).pop();
    const out2 = w.cli(['token', 'create', 'analyst2', '--label', 'call']).trim().split('\n');
    const t2 = out2[out2.length - 1].trim().split(/\s+/).pop();
    const call = async (token, method, p, body) => {
      const r = await fetch(`${w.base}/api/v1${p}`, { method, headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' }, body: JSON.stringify(body) });
      const text = await r.text();
      assert(r.status < 300, `${method} ${p}: HTTP ${r.status} ${text}`);
      return JSON.parse(text);
    };
    const gent = (await call(t1, 'GET', '/orgs?q=44021&kind=municipality')).items[0].id;
    const adv = await call(t1, 'POST', '/advisories', { title: 'Check your backups tonight', body: 'Now.', tlp: 'GREEN',
      severity: 'medium', kind: 'alert', audience: { orgs: [gent], roles: ['spoc'] }, ack_required: true,
      ack_deadline: '2026-01-01T00:00:00Z', escalation: [{ after_minutes: 0, action: 'call' }] });
    await call(t1, 'POST', `/advisories/${adv.id}/submit`, {});
    await call(t2, 'POST', `/advisories/${adv.id}/approve`, {});
    await page.locator('#nav-calllist').click();
    const entry = page.locator(`#call-list section.call[data-advisory="${adv.id}"]`);
    for (let i = 0; i < 30 && !(await entry.count()); i++) {
      await new Promise((r) => setTimeout(r, 1000));
      await page.reload();
      await page.locator('.page-head h1').waitFor();
    }
    await entry.waitFor();
    assert((await entry.innerText()).includes('Gent'), 'not Gent');
    assert(await entry.locator('a[href^="tel:"]').count() >= 1, 'no number to ring');
    await w.screenshot('call-list.png');
    await entry.locator('button[data-outcome="reached"]').click();
    await page.locator(`#call-list section.call[data-advisory="${adv.id}"]`).waitFor({ state: 'detached' });
  });
});
