// The demo end to end: `node scripts/demo.mjs` on free ports (PORT=0, PROVIDER_PORT=0) prints its
// URLs, users and clients; the provider answers the browser's CORS calls; and in headless
// Chromium the session page (www/session/) logs alice in through the provider's form, refreshes
// and logs out with the package's session driver. Needs pkg/ built; skipped without Chromium.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { CHROMIUM, launchChromium } from './fixtures/chromium.mjs';

const root = fileURLToPath(new URL('../../', import.meta.url));
const READY = 'Ctrl-C stops the demo.';

// Starts the demo and resolves once it has printed everything, with its output and child process.
function startDemo() {
  const child = spawn(process.execPath, ['scripts/demo.mjs'], {
    cwd: root,
    env: { ...process.env, PORT: '0', PROVIDER_PORT: '0' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (d) => { stdout += d; });
  child.stderr.on('data', (d) => { stderr += d; });
  const exited = new Promise((resolve) => child.once('exit', (code, signal) => resolve({ code, signal })));
  const ready = new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`demo not ready after 10 s:\n${stdout}${stderr}`)), 10_000);
    child.stdout.on('data', () => {
      if (stdout.includes(READY)) { clearTimeout(timer); resolve(); }
    });
    exited.then(({ code }) => { clearTimeout(timer); reject(new Error(`demo exited (${code}):\n${stdout}${stderr}`)); });
  });
  return { child, exited, ready, output: () => stdout, errors: () => stderr };
}

const field = (out, re) => {
  const m = out.match(re);
  assert.ok(m, `demo output lacks ${re}:\n${out}`);
  return m[1];
};

test('demo: session page logs alice in and out through the provider', {
  // Like the other Chromium tests: a loaded 2-core machine has taken over 30 s for this one.
  timeout: 120_000,
  skip: existsSync(CHROMIUM) ? false : `${CHROMIUM} is missing (apt-get install chromium)`,
}, async (t) => {
  assert.ok(existsSync(`${root}pkg/session/session-browser.js`), 'pkg/ is not built: run npm run build first');
  const demo = startDemo();
  t.after(async () => {
    if (demo.child.exitCode !== null) return;
    demo.child.kill('SIGINT');
    // A demo that does not stop on Ctrl-C has already failed the test: do not hang the suite.
    const stopped = await Promise.race([demo.exited, new Promise((r) => setTimeout(r, 5_000, null))]);
    if (!stopped) demo.child.kill('SIGKILL');
    await demo.exited;
  });
  await demo.ready;
  const out = demo.output();

  // What the demo prints: pages, issuer, discovery, clients, users with passwords and roles.
  const web = field(out, /^web\s+(http:\/\/127\.0\.0\.1:\d+)\/\s/m);
  const sessionUrl = field(out, /^web\s+(\S+\/session\/)\s/m);
  const issuer = field(out, /^provider\s+(http:\/\/127\.0\.0\.1:\d+\/realms\/demo)\s+\(issuer\)/m);
  assert.equal(sessionUrl, `${web}/session/`);
  assert.match(out, new RegExp(`^provider\\s+${issuer}/\\.well-known/openid-configuration\\s+\\(discovery\\)`, 'm'));
  assert.match(out, /demo-spa\s+public \(PKCE S256\)\s+no secret/);
  assert.match(out, /demo-bff\s+confidential\s+secret demo-bff-secret/);
  assert.match(out, /alice\s+\/ alice-password\s+user, demo-spa:viewer/);
  assert.match(out, /bob\s+\/ bob-password\s+user, admin/);
  assert.match(out, /carol\s+\/ carol-password\s+disabled/);

  // The page learns the issuer from the demo server; the provider lets the page's origin call
  // discovery, certs and token (the calls the browser driver makes).
  assert.deepEqual(await (await fetch(`${web}/session/config.json`)).json(), { issuer });
  for (const origin of [web, web.replace('127.0.0.1', 'localhost')]) {
    const discovery = await fetch(`${issuer}/.well-known/openid-configuration`, { headers: { origin } });
    assert.equal(discovery.headers.get('access-control-allow-origin'), origin, 'discovery CORS');
    const { jwks_uri: certs, token_endpoint: token } = await discovery.json();
    assert.equal((await fetch(certs, { headers: { origin } })).headers.get('access-control-allow-origin'), origin, 'certs CORS');
    const preflight = await fetch(token, {
      method: 'OPTIONS',
      headers: { origin, 'access-control-request-method': 'POST', 'access-control-request-headers': 'content-type' },
    });
    assert.equal(preflight.headers.get('access-control-allow-origin'), origin, 'token preflight CORS');
  }

  const browser = await launchChromium();
  t.after(() => browser.close());
  const page = await browser.newPage();
  // Page-side failures would otherwise surface only as a timeout: keep them for the message.
  const problems = [];
  const consoleText = [];
  page.on('pageerror', (err) => problems.push(`pageerror: ${err.message}`));
  page.on('console', (msg) => {
    consoleText.push(msg.text());
    if (msg.type() === 'error') problems.push(`console: ${msg.text()}`);
  });
  // The SharedWorker's script request is reported against the page and aborted when the page
  // navigates (to the provider and back) while the worker lives on: not a failure of the page.
  page.on('requestfailed', (req) => {
    if (req.url().endsWith('/pkg/session/browser-worker.js') && req.failure()?.errorText === 'net::ERR_ABORTED') return;
    problems.push(`requestfailed: ${req.url()} ${req.failure()?.errorText}`);
  });
  page.on('response', (res) => res.status() >= 400 && problems.push(`HTTP ${res.status()}: ${res.url()}`));
  const step = async (what, promise) => {
    try {
      return await promise;
    } catch (err) {
      const log = await page.locator('#log').textContent({ timeout: 500 }).catch(() => '(no log)');
      throw new Error(`${what}: ${err.message.split('\n')[0]}\nat ${page.url()}\npage log:\n${log}\n${problems.join('\n')}`);
    }
  };
  const status = (re) => page.locator('#status', { hasText: re }).waitFor({ timeout: 8_000 });
  // Resolves when the main frame has come back to the session page (after a provider round trip).
  const backOnSessionPage = () => page.waitForEvent('framenavigated', {
    predicate: (frame) => frame === page.mainFrame() && frame.url().startsWith(sessionUrl),
    timeout: 8_000,
  });

  await page.goto(sessionUrl);
  await step('initial view', status(/^logged out/));

  await page.click('#login');
  await step('provider login form', page.locator('#kc-form-login').waitFor({ timeout: 8_000 }));
  assert.ok(page.url().startsWith(`${issuer}/login-actions/authenticate/`), page.url());
  await page.fill('#username', 'alice');
  await page.fill('#password', 'alice-password');
  const loggedIn = backOnSessionPage();
  await page.click('#kc-login');
  await step('back from login', loggedIn);
  await step('authenticated view', status(/^authenticated$/));
  assert.equal(await page.locator('#user').textContent(), 'alice');
  assert.equal(new URL(page.url()).search, '', 'code and state are dropped from the URL');
  assert.match(await page.locator('#log').textContent(), /\btokens\b/);

  await page.click('#refresh');
  await step('refreshed event', page.locator('#log', { hasText: /\brefreshed\b/ }).waitFor({ timeout: 8_000 }));
  await step('still authenticated', status(/^authenticated$/));

  const loggedOut = backOnSessionPage();
  await page.click('#logout');
  await step('back from logout', loggedOut);
  await step('logged-out view', status(/^logged out/));
  assert.equal(await page.locator('#user').textContent(), '-');

  assert.ok(!consoleText.some((line) => /eyJ[\w-]+\.eyJ/.test(line)), 'no token in the console');
  assert.deepEqual(problems, [], 'no page errors, console errors or failed requests');

  // Ctrl-C stops both servers.
  demo.child.kill('SIGINT');
  assert.deepEqual(await demo.exited, { code: 0, signal: null });
  for (const url of [sessionUrl, `${issuer}/.well-known/openid-configuration`]) {
    await assert.rejects(fetch(url), `${url} still answers after Ctrl-C`);
  }
});
