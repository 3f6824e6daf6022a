// Browser test of the incident pages (docs/incidents.md): Gent's SPOC
// reports a ransomware incident with personal data and sees the four legal
// clocks; applies the ransomware playbook, marks a task done and asks for
// forensic help; the analyst finds it on the dashboard's due list, triages
// it, writes an internal note and records the NIS2 early warning; the SPOC
// sees the new status but not the internal note; Antwerpen's SPOC gets
// nothing. A real `warroom serve` and Debian's Chromium (tests/web/lib.mjs).

import { warroom, assert } from './lib.mjs';

const w = await warroom('incidents');
await w.run(async () => {
  const { step } = w;
  w.cli(['init', '--no-warninglists']);
  w.cli(['demo']);
  w.addUser('analyst1', 'analyst');
  w.addUser('spoc1', 'spoc', '44021');
  w.addUser('spoc2', 'spoc', '11002');
  await w.start();
  const { page } = w;
  let url = '';

  await step('Gent\'s SPOC reports a ransomware incident and sees the legal clocks', async () => {
    await w.login('spoc1');
    await page.locator('#nav-incidents').click();
    const f = page.locator('form.form-incident');
    await f.locator('[name=title]').fill('Ransom note on the file server');
    await f.locator('[name=description]').fill('Files on \\\\fs01 encrypted at 03:10; note from "Play".');
    await f.locator('[name=category]').selectOption('malicious-code');
    await f.locator('[name=type]').selectOption('infected-system');
    await f.locator('[name=severity]').selectOption('critical');
    await f.locator('[name=personal_data]').check();
    await f.locator('button[type=submit]').click();
    await page.waitForURL(/#\/incidents\/\d+$/);
    url = page.url();
    await page.locator('#inc-clocks tbody tr').nth(3).waitFor();
    const names = await page.locator('#inc-clocks tbody tr td:first-child').allInnerTexts();
    assert(names.length === 4 && names.some((n) => /GDPR/.test(n)), `clocks: ${names.join(', ')}`);
    assert((await page.locator('#inc-clocks tr[data-clock="nis2-early-warning"]').getAttribute('data-state')) === 'due', 'the early warning is not due');
  });

  await step('the SPOC applies the ransomware playbook, marks a task done and asks for help', async () => {
    await page.locator('form.form-playbook [name=playbook]').selectOption('ransomware');
    await page.locator('form.form-playbook button[type=submit]').click();
    await page.locator('#inc-tasks table.tasks tbody tr').first().waitFor();
    const n = await page.locator('#inc-tasks table.tasks tbody tr').count();
    assert(n >= 5, `${n} tasks`);
    const first = page.locator('#inc-tasks table.tasks tbody tr').first();
    const id = await first.getAttribute('data-task');
    await first.locator('button[data-to="done"]').click();
    await page.locator(`#inc-tasks tr[data-task="${id}"][data-status="done"]`).waitFor();
    const h = page.locator('form.form-help');
    await h.locator('[name=kind]').selectOption('forensics');
    await h.locator('[name=urgency]').selectOption('high');
    await h.locator('[name=description]').fill('Someone to image the file server today');
    await h.locator('button[type=submit]').click();
    await page.locator('#inc-help li[data-status="requested"]', { hasText: 'forensics' }).waitFor();
  });

  await step('the analyst finds it on the dashboard, triages it, notes internally, records the early warning', async () => {
    await w.login('analyst1');
    await page.goto(`${w.base}/#/`);
    await page.locator('#dash-due li a', { hasText: 'Gent' }).first().waitFor();
    await page.goto(url);
    const s = page.locator('form.form-status');
    await s.locator('[name=status]').selectOption('triaged');
    await s.locator('[name=note]').fill('Confirmed by phone with the IT lead');
    await s.locator('button[type=submit]').click();
    await page.locator('.page-head .badge', { hasText: 'triaged' }).waitFor();
    const n = page.locator('form.form-note');
    await n.locator('[name=text]').fill('Suspect the VPN appliance; do not tell the press yet');
    await n.locator('[name=internal]').check();
    await n.locator('button[type=submit]').click();
    await page.locator('#inc-timeline li.internal', { hasText: 'VPN appliance' }).waitFor();
    await page.locator('#inc-clocks button[data-report="nis2-early-warning"]').click();
    await page.locator('#inc-clocks tr[data-clock="nis2-early-warning"][data-state="done"]').waitFor();
    await w.screenshot('incident.png');
  });

  await step('the SPOC sees the status but not the internal note; another town sees nothing', async () => {
    await w.login('spoc1');
    await page.goto(url);
    await page.locator('.page-head .badge', { hasText: 'triaged' }).waitFor();
    const tl = await page.locator('#inc-timeline').innerText();
    assert(tl.includes('Confirmed by phone') && !tl.includes('VPN appliance'), `the town's timeline: ${tl}`);
    await w.login('spoc2');
    await page.goto(url);
    await page.locator('.error-box, .error, [role=alert]').first().waitFor();
    assert(!(await page.locator('body').innerText()).includes('Ransom note'), 'Antwerpen sees Gent\'s incident');
    await page.locator('#nav-incidents').click();
    await page.locator('.page-head h1').waitFor();
    assert(!(await page.locator('body').innerText()).includes('Ransom note'), 'Antwerpen lists Gent\'s incident');
    assert(w.errors.length === 0, w.errors.join('\n'));
  });
});
