// Browser test of the checklist page: a SPOC of Gent fills in the checklist
// of key action points in Debian's Chromium, sees the score, the critical
// gaps and what to do first, comes back to find the answers kept, and
// improves one point; the analyst sees the programme figures; the town's
// provider answers its own points; an information session is created, a
// SPOC registers (waiting list at capacity, promotion on cancellation) and
// attendance is recorded. A real `warroom serve` and Debian's Chromium
// (tests/web/lib.mjs).

import { warroom, assert } from './lib.mjs';

const w = await warroom('checklist');
await w.run(async () => {
  const { step } = w;
  w.cli(['init', '--no-warninglists']);
  w.cli(['demo']);
  w.addUser('spoc1', 'spoc', '44021');
  w.addUser('analyst1', 'analyst');
  await w.start();
  const { page } = w;
  const apiGet = (p) => page.evaluate(async (u) => (await fetch(u, { credentials: 'same-origin' })).json(), p);
  let items = [];
  let gaps = [];
  let expectedScore = '';

  await step('the SPOC opens the checklist from the menu; nothing answered yet', async () => {
    await w.login('spoc1');
    await page.locator('#nav-checklist').click();
    await page.locator('#checklist-form fieldset.checklist-item').first().waitFor();
    items = (await apiGet('/api/v1/checklists/current')).items;
    const n = await page.locator('#checklist-form fieldset.checklist-item').count();
    assert(n === items.length, `${n} items on the page, ${items.length} in the checklist`);
    const text = await page.locator('#checklist-score').innerText();
    assert(/no self-assessment yet/i.test(text), `score panel says "${text}"`);
    const first = await page.locator('fieldset.checklist-item').first().innerText();
    assert(first.includes(items[0].title.en) && first.includes(items[0].guidance.en), 'the first item shows its title and guidance');
  });

  await step('answering every point with evidence shows the score, the gaps and what to do first', async () => {
    gaps = items.filter((i) => i.key_measure).slice(0, 2).map((i) => i.id);
    for (const i of items) {
      const fs_ = page.locator(`fieldset[data-item="${i.id}"]`);
      await fs_.locator(`input[value="${gaps.includes(i.id) ? 'no' : 'yes'}"]`).check();
      if (i.id === items[0].id) await fs_.locator('textarea').fill('Benoemd bij collegebesluit 2026/114');
    }
    await page.locator('#checklist-save').click();
    await page.locator('.flash-ok').waitFor();
    const total = items.reduce((s, i) => s + 2 * i.weight, 0);
    const lost = items.filter((i) => gaps.includes(i.id)).reduce((s, i) => s + 2 * i.weight, 0);
    expectedScore = `${(Math.floor(((total - lost) * 10000) / total) / 100).toFixed(1)}%`;
    const score = await page.locator('#score-value .stat-value').innerText();
    assert(score === expectedScore, `score shows ${score}, expected ${expectedScore}`);
    const g = await page.locator('#score-gaps .stat-value').innerText();
    assert(g === '2', `critical gaps show ${g}`);
    const next = await page.locator('#next-steps li').evaluateAll((ls) => ls.map((l) => l.dataset.item));
    assert(next.length === 2 && gaps.every((id) => next.includes(id)), `do first: ${next.join(',')}, expected ${gaps.join(',')}`);
    await w.screenshot('checklist-scored.png');
  });

  await step('coming back shows the answers and evidence kept', async () => {
    await page.reload();
    await page.locator('#checklist-form fieldset.checklist-item').first().waitFor();
    const ev = await page.locator(`fieldset[data-item="${items[0].id}"] textarea`).inputValue();
    assert(ev === 'Benoemd bij collegebesluit 2026/114', `evidence shows "${ev}"`);
    const checked = await page.locator(`fieldset[data-item="${gaps[0]}"] input[value="no"]`).isChecked();
    assert(checked, 'the "no" of a gap is still checked');
    const score = await page.locator('#score-value .stat-value').innerText();
    assert(score === expectedScore, `score after reload ${score}`);
  });

  await step('fixing a key measure removes a critical gap and adds to the history', async () => {
    await page.locator(`fieldset[data-item="${gaps[0]}"] input[value="yes"]`).check();
    await page.locator(`fieldset[data-item="${gaps[0]}"] textarea`).fill('MFA afgedwongen op VPN sinds 1/12');
    await page.locator('#checklist-save').click();
    await page.locator('#score-gaps .stat-value', { hasText: /^1$/ }).waitFor();
    const orgId = (await apiGet('/api/v1/me')).org_id;
    const hist = (await apiGet(`/api/v1/orgs/${orgId}/assessments`)).items;
    assert(hist.length === 2, `${hist.length} assessments in the history`);
    const a = hist[0].answers.find((x) => x.item === gaps[0]);
    assert(a.answer === 'yes' && a.evidence === 'MFA afgedwongen op VPN sinds 1/12', 'the new answer is stored with its evidence');
    // the page shows the progress: two dated assessments, the newer with one gap fewer
    await page.locator('#checklist-progress tbody tr').nth(1).waitFor();
    const gapsCol = await page.locator('#checklist-progress tbody tr td:nth-child(4)').allInnerTexts();
    assert(gapsCol.length === 2 && Number(gapsCol[0]) === Number(gapsCol[1]) - 1, `progress gaps ${gapsCol.join(',')}`);
    assert(w.errors.length === 0, `page errors: ${w.errors.join('; ')}`);
  });

  await step('the SPOC switches to CyberFundamentals and reaches the Important level exactly at 3', async () => {
    await page.locator('#checklist-mode input[value="cyfun"]').check();
    await page.locator(`select[name="doc-${items[0].id}"]`).waitFor();
    for (const i of items) {
      await page.locator(`select[name="doc-${i.id}"]`).selectOption(i.id === items[1].id ? 'na' : '3');
      if (i.id !== items[1].id) await page.locator(`select[name="impl-${i.id}"]`).selectOption('3');
    }
    await page.locator('#checklist-save').click();
    await page.locator('#score-level .stat-value', { hasText: 'Important' }).waitFor();
    const v = await page.locator('#score-value .stat-value').innerText();
    assert(v === '3.00', `maturity shows ${v}`);
    await page.locator(`select[name="impl-${items[2].id}"]`).selectOption('2'); // (3+2)/2 = 2.5 on one item
    await page.locator('#checklist-save').click();
    await page.locator('#score-level .stat-value', { hasText: 'Basic' }).waitFor();
    await page.reload();
    await page.locator('#checklist-mode input[value="cyfun"]:checked').waitFor();
    const kept = await page.locator(`select[name="impl-${items[2].id}"]`).inputValue();
    assert(kept === '2', `the maturity kept after reload is ${kept}`);
  });

  await step('the analyst sees the programme figures and the towns of a campaign', async () => {
    await w.login('analyst1');
    await page.locator('#nav-programme').click();
    await page.locator('#prog-started .stat-value').waitFor();
    const s = await apiGet('/api/v1/programme/summary');
    const signed = await page.locator('#prog-signed-up .stat-value').innerText();
    assert(signed.replace(/\D+/g, ' ').trim() === `${s.signed_up} ${s.towns}`, `signed up shows "${signed}"`);
    assert((await page.locator('#prog-started .stat-value').innerText()) === '1', 'one town started the checklist');
    await page.locator('#prog-map svg.map path.town').first().waitFor();
    const gentStatus = await page.locator('#prog-map path.town[data-nis="44021"]').getAttribute('data-status');
    assert(gentStatus === 'prog-started', `Gent on the map: ${gentStatus}`);
    const red = await page.locator('#prog-map path.town.st-none').count();
    assert(red === s.towns - 1, `${red} towns red on the map, expected ${s.towns - 1}`);
    await page.locator('#campaigns button[data-filter="checklist-not-started"]').click();
    await page.locator('#campaign-towns li').first().waitFor();
    const n = await page.locator('#campaign-towns li').count();
    assert(n === s.towns - 1, `${n} towns have not started, expected ${s.towns - 1}`);
    assert(!(await page.locator('#campaign-towns').innerText()).includes('Gent\n'), 'Gent started and is not in the list');
    await w.screenshot('programme.png');
    assert(w.errors.length === 0, `page errors: ${w.errors.join('; ')}`);
  });

  await step("Gent's ICT provider answers only the points providers manage", async () => {
    const gent = (await apiGet('/api/v1/orgs?q=gent&kind=municipality')).items.find((o) => o.nis_code === '44021');
    const prov = (await apiGet(`/api/v1/orgs/${gent.id}`)).providers[0];
    assert(prov && prov.id, 'the demo gives Gent a provider');
    w.cli(['user', 'add', 'prov1', '--role', 'provider', '--provider', String(prov.id), '--password-stdin'], `${w.pw}\n`);
    await w.login('prov1');
    await page.locator('#nav-checklist').click();
    await page.locator(`#checklist-towns a[href="#/checklist/${gent.id}"]`).click();
    await page.locator('#checklist-form fieldset.checklist-item').first().waitFor();
    const shown = await page.locator('fieldset.checklist-item').evaluateAll((fs) => fs.map((f) => f.dataset.item));
    const owned = items.filter((i) => i.owner === 'provider').map((i) => i.id);
    assert(JSON.stringify(shown) === JSON.stringify(owned), `provider sees ${shown.join(',')}`);
    assert(!(await page.locator('#score-value').count()), 'no town score for the provider');
    const item = 'LG-PR-05';
    // The town answers in CyberFundamentals mode now, so its provider does too.
    assert(!(await page.locator('#checklist-mode').count()), 'a provider does not choose the mode');
    await page.locator(`select[name="doc-${item}"]`).selectOption('2');
    await page.locator(`select[name="impl-${item}"]`).selectOption('3');
    await page.locator(`fieldset[data-item="${item}"] textarea`).fill('Immutable copy from January');
    await page.locator('#checklist-save').click();
    await page.locator('.flash-ok').waitFor();
    const latest = (await apiGet(`/api/v1/orgs/${gent.id}/assessments`)).items[0];
    const a = latest.answers.find((x) => x.item === item);
    assert(latest.mode === 'cyfun' && a && a.documentation === 2 && a.implementation === 3
      && a.evidence === 'Immutable copy from January', `the provider answer is stored: ${JSON.stringify(a)}`);
    assert(latest.answers.every((x) => owned.includes(x.item)) && !('score' in latest), 'the provider sees only its items, no score');
    assert(w.errors.length === 0, `page errors: ${w.errors.join('; ')}`);
  });

  await step('the analyst creates an information session in Brussels time', async () => {
    await w.login('analyst1');
    await page.locator('#nav-sessions').click();
    await page.locator('#f-session-title').fill('Back-ups die een aanval overleven');
    await page.locator('#f-session-starts').fill('2026-12-10T14:00');
    await page.locator('#f-session-ends').fill('2026-12-10T16:30');
    await page.locator('#f-session-place').fill('Gent, Zuiderpoort');
    await page.locator('#f-session-capacity').fill('1');
    await page.locator('#session-new button[type="submit"]').click();
    const card = page.locator('section.session', { hasText: 'Back-ups die een aanval overleven' });
    await card.waitFor();
    const when = await card.locator('.when').innerText();
    assert(when.startsWith('2026-12-10 14:00'), `the session shows "${when}"`);
    const s = (await apiGet('/api/v1/sessions')).items[0];
    assert(s.starts_at === '2026-12-10T13:00:00Z', `stored as ${s.starts_at}`);
  });

  await step('a SPOC registers two people: the second waits, and moves up when the first cancels', async () => {
    await w.login('spoc1');
    await page.locator('#nav-sessions').click();
    const card = page.locator('section.session').first();
    for (const name of ['An Peeters', 'Bert Maes']) {
      await card.locator('form input[name="name"]').fill(name);
      await card.locator('form button[type="submit"]').click();
      await card.locator('li[data-reg]', { hasText: name }).waitFor();
    }
    const status = (name) => card.locator('li[data-reg]', { hasText: name }).getAttribute('data-status');
    assert(await status('An Peeters') === 'registered', 'An is registered');
    assert(await status('Bert Maes') === 'waiting', 'Bert waits');
    const cancel = card.locator('li[data-reg]', { hasText: 'An Peeters' }).locator('button');
    await cancel.click();
    await cancel.click(); // the delete button asks twice
    await card.locator('li[data-reg][data-status="registered"]', { hasText: 'Bert Maes' }).waitFor();
    assert(await card.locator('li[data-reg]', { hasText: 'An Peeters' }).count() === 0, 'An is gone');
    const href = await card.locator('a.ics').getAttribute('href');
    const ics = await page.evaluate(async (u) => (await fetch(u)).text(), href);
    assert(ics.includes('\r\nDTSTART:20261210T130000Z\r\n'), 'the .ics starts at 13:00 UTC');
    await w.screenshot('sessions-spoc.png');
  });

  await step('the analyst records attendance, and the figures count it', async () => {
    await w.login('analyst1');
    await page.locator('#nav-sessions').click();
    const row = page.locator('section.session li[data-reg]', { hasText: 'Bert Maes' });
    await row.locator('input[type="checkbox"]').check();
    await page.locator('section.session li[data-reg]', { hasText: 'Bert Maes' }).locator('input[type="checkbox"]:checked').waitFor();
    const s = await apiGet('/api/v1/programme/summary');
    assert(s.sessions.attended === 1 && s.sessions.towns_attended === 1, `figures: ${JSON.stringify(s.sessions)}`);
    assert(w.errors.length === 0, `page errors: ${w.errors.join('; ')}`);
  });
});
