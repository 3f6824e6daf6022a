// What the browser tests share: a temporary database made with the real
// `warroom` CLI, a `warroom serve` on a free loopback port, Debian's
// Chromium through playwright-core, named steps with a summary line
// ("web: N passed, N failed") and a screenshot of the page when one fails,
// and logging in through the login form.
// env: WARROOM_BIN, WARROOM_ARTIFACTS (screenshots), CHROMIUM.

import { spawn, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import crypto from 'node:crypto';

export const BIN = process.env.WARROOM_BIN;
export const ARTIFACTS = process.env.WARROOM_ARTIFACTS || path.join(os.tmpdir(), 'warroom-web-artifacts');
const CHROMIUM = process.env.CHROMIUM || '/usr/bin/chromium';

export function assert(cond, msg) {
  if (!cond) throw new Error(msg);
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

// A war room for one test file: init + demo, the password of every user
// made with addUser, the CLI, the server, the browser and the steps.
// opts.viewport: the page's size (default 1280 x 900); opts.consoleErrors:
// the browser console's errors go to w.errors too (failed requests answered
// 401, 404 or 422 are expected by the pages and left out), which is how a
// Content-Security-Policy violation shows.
export async function warroom(prefix, opts = {}) {
  assert(BIN && fs.existsSync(BIN), `WARROOM_BIN is not a built warroom binary: ${BIN}`);
  assert(fs.existsSync(CHROMIUM), `Chromium not found at ${CHROMIUM}`);
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), `warroom-web-${prefix}-`));
  const db = path.join(tmp, 'w.db');
  const pw = crypto.randomBytes(12).toString('base64url');
  let server = null, browser = null, log = '', passed = 0, failed = 0;
  const w = {
    tmp,
    pw,
    cli(args, input) {
      const r = spawnSync(BIN, ['--db', db, ...args], { input: input ?? '', encoding: 'utf8', timeout: 60000 });
      assert(!r.error && r.status === 0, `warroom ${args.join(' ')}: ${r.error ? r.error.message : (r.stderr || r.stdout).trim()}`);
      return r.stdout;
    },
    addUser(name, role, org) {
      w.cli(['user', 'add', name, '--role', role, ...(org ? ['--org', org] : []), '--password-stdin'], `${pw}\n`);
    },
    // up to 60 s for the server on a busy machine; env: extra environment
    async start(env = {}) {
      const port = await freePort();
      w.base = `http://127.0.0.1:${port}`;
      server = spawn(BIN, ['--db', db, 'serve', '--listen', `127.0.0.1:${port}`],
        { stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, ...env } });
      const keep = (d) => { log = (log + d.toString()).slice(-100000); };
      server.stdout.on('data', keep);
      server.stderr.on('data', keep);
      const end = Date.now() + 60000;
      for (;;) {
        assert(server.exitCode === null, `server exited with ${server.exitCode}:\n${log}`);
        try {
          if ((await fetch(`${w.base}/health`, { signal: AbortSignal.timeout(1000) })).status === 200) break;
        } catch (_) { /* not yet */ }
        assert(Date.now() < end, `the server did not answer /health on ${w.base} within 60 s`);
        await new Promise((r) => setTimeout(r, 100));
      }
      const { chromium } = await import('playwright-core');
      browser = await chromium.launch({ executablePath: CHROMIUM, headless: true, args: ['--no-sandbox', '--disable-gpu'] });
      const viewport = opts.viewport || { width: 1280, height: 900 };
      const context = await browser.newContext({ viewport, locale: 'en-GB', timezoneId: 'Europe/Brussels' });
      w.page = await context.newPage();
      w.page.setDefaultTimeout(15000);
      w.errors = [];
      w.page.on('pageerror', (e) => w.errors.push(`page error: ${e.message}`));
      if (opts.consoleErrors) {
        w.page.on('console', (m) => {
          if (m.type() === 'error' && !/status of (401|404|422)/.test(m.text())) w.errors.push(`console: ${m.text()}`);
        });
      }
      fs.mkdirSync(ARTIFACTS, { recursive: true });
    },
    async login(user) {
      const page = w.page;
      if (await page.locator('#logout').count()) await page.locator('#logout').click();
      await page.goto(`${w.base}/#/login`);
      await page.locator('#username').fill(user);
      await page.locator('#password').fill(pw);
      await page.locator('#login-submit').click();
      await page.locator('#logout').waitFor();
    },
    screenshot(name, shotOpts = {}) {
      return w.page.screenshot({ path: path.join(ARTIFACTS, name), fullPage: shotOpts.fullPage ?? false });
    },
    async step(name, fn) {
      const t0 = Date.now();
      try {
        await fn();
        passed++;
        console.log(`ok    ${name} (${Date.now() - t0} ms)`);
      } catch (e) {
        failed++;
        console.log(`FAIL  ${name}\n      ${String(e.message).split('\n').join('\n      ')}`);
        if (w.page) {
          const file = path.join(ARTIFACTS, `failure-${prefix}-${passed + failed}.png`);
          await w.page.screenshot({ path: file, fullPage: true }).then(
            () => console.log(`      screenshot: ${file}  url: ${w.page.url()}`), () => {});
        }
        throw e;
      }
    },
    // runs body, then closes everything, prints the summary and exits
    async run(body) {
      try {
        await body();
      } catch (e) {
        if (!failed) {
          failed++;
          console.log(`FAIL  set-up: ${e.message}`);
        }
        if (log) console.log(`--- server log (tail)\n${log.slice(-4000)}`);
      } finally {
        if (browser) await browser.close().catch(() => {});
        if (server) server.kill('SIGTERM');
        fs.rmSync(tmp, { recursive: true, force: true });
      }
      if (!passed && !failed) {
        failed++;
        console.log('FAIL  no step ran');
      }
      console.log(`web: ${passed} passed, ${failed} failed`);
      process.exit(failed ? 1 : 0);
    },
  };
  return w;
}
