// www/inspect/ in Debian's headless Chromium (playwright-core): paste tokens, token responses and
// garbage; verify with a JWKS from a local server and from the provider's discovery; every
// request the page makes is recorded and must be one the test asked for. Screenshots (PNG) of
// desktop, narrow and dark views go to tests/artifacts/ (git-ignored); their paths are printed.
import assert from 'node:assert/strict';
import { mkdirSync } from 'node:fs';
import { createServer } from 'node:http';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { startProvider } from '../provider/index.mjs';
import { createStaticServer, listen } from '../../scripts/lib/static-server.mjs';
import { makeFixture } from './fixtures/tokens.mjs';
import { launchChromium } from './fixtures/chromium.mjs';

const ARTIFACTS = fileURLToPath(new URL('../artifacts/', import.meta.url));
const close = (server) => new Promise((resolve) => server.close(resolve));

test('the inspector explains, verifies and fetches only what it is asked to', { timeout: 180_000 }, async (t) => {
  const fx = await makeFixture();
  const op = await startProvider();
  t.after(() => op.stop());

  const web = createStaticServer({
    mounts: [
      { prefix: '/pkg/', dir: fileURLToPath(new URL('../../pkg/', import.meta.url)) },
      { prefix: '/', dir: fileURLToPath(new URL('../../www/', import.meta.url)) },
    ],
  });
  const base = await listen(web, 0);
  t.after(() => close(web));

  // Another origin, as a real JWKS would be; keys are public, so any origin may read them.
  const keysServer = createServer((req, res) => {
    if (req.url !== '/jwks.json') return res.writeHead(404).end();
    res.writeHead(200, { 'content-type': 'application/json', 'access-control-allow-origin': '*' }).end(JSON.stringify(fx.jwks));
  });
  const keysBase = await listen(keysServer, 0, 'localhost');
  t.after(() => close(keysServer));
  // The same keys without CORS headers: the browser refuses the answer, and the page must say why.
  const noCors = createServer((req, res) => res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(fx.jwks)));
  const noCorsBase = await listen(noCors, 0, 'localhost');
  t.after(() => close(noCors));

  // A token signed by the provider's own key (client credentials of its admin client).
  const tokenRes = await fetch(`${op.issuer}/protocol/openid-connect/token`, {
    method: 'POST',
    headers: { authorization: `Basic ${Buffer.from('demo-admin:demo-admin-secret').toString('base64')}` },
    body: new URLSearchParams({ grant_type: 'client_credentials' }),
  });
  assert.equal(tokenRes.status, 200, 'the provider issues a client-credentials token');
  const providerToken = (await tokenRes.json()).access_token;

  const browser = await launchChromium();
  t.after(() => browser.close());
  const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
  const requests = [];
  const problems = [];
  page.on('request', (req) => requests.push(req.url()));
  page.context().on('request', () => {});
  page.on('pageerror', (err) => problems.push(`pageerror: ${err.message}`));
  page.on('console', (msg) => msg.type() === 'error' && problems.push(`console: ${msg.text()}`));

  await page.goto(`${base}/inspect/`);
  await page.waitForSelector('html[data-ready="true"]', { timeout: 30_000 }).catch((err) => {
    throw new Error(`${err.message}\n${problems.join('\n')}`);
  });

  const inspect = async (text, second = '') => {
    await page.fill('#token', text);
    if (second) {
      await page.click('#compare-box summary');
      await page.fill('#token-b', second);
    }
    await page.click('#inspect');
  };
  const signature = (index = 0) => page.locator(`.token[data-index="${index}"] [data-check="signature"]`);

  // 1. A jose-minted token, no keys yet: claims, roles and checks shown, signature skipped.
  await inspect(fx.token);
  const card = page.locator('.token[data-kind="access"]');
  await card.waitFor();
  const text = await card.innerText();
  for (const expected of ['realm roles', 'user', 'client roles: spa', 'viewer', 'openid profile', 'Keycloak realm "demo"', 'expires in']) {
    assert.ok(text.includes(expected), `"${expected}" missing from the token card:\n${text}`);
  }
  assert.equal(await signature().getAttribute('data-status'), 'skipped');

  // 2. Garbage: a clear error.
  await inspect('this is not a token');
  assert.match(await page.locator('.token .error').innerText(), /3 segments, this has 1/);

  // 3. A token response: all three tokens.
  await inspect(JSON.stringify({ access_token: fx.token, id_token: fx.idToken, refresh_token: fx.expired, token_type: 'Bearer', expires_in: 300, refresh_expires_in: 1800 }));
  await page.locator('.token').nth(2).waitFor();
  assert.deepEqual(await page.locator('.token').evaluateAll((els) => els.map((e) => e.dataset.field)), ['access_token', 'id_token', 'refresh_token']);
  assert.match(await page.locator('.response').innerText(), /refresh_expires_in/);

  // 4. A JWKS from a local server on another origin: the signature verifies through WebCrypto.
  const jwksUrl = `${keysBase}/jwks.json`;
  await page.fill('#jwks-url', jwksUrl);
  await page.click('#fetch-jwks');
  await page.locator('.keyset[data-keys="1"]').waitFor();
  await page.fill('#opt-issuer', fx.issuer);
  await inspect(fx.token);
  await page.locator('[data-check="signature"][data-status="pass"]').waitFor();
  assert.match(await signature().innerText(), /by WebCrypto/);
  assert.match(await page.locator('.summary').innerText(), /^Accepted/);
  mkdirSync(ARTIFACTS, { recursive: true });
  const shots = { desktop: `${ARTIFACTS}inspector-desktop.png`, narrow: `${ARTIFACTS}inspector-narrow.png`, dark: `${ARTIFACTS}inspector-dark-narrow.png` };
  await page.screenshot({ path: shots.desktop, fullPage: true });

  // 5. Tampered: the signature check fails. Compared with the original: sub changed.
  await inspect(fx.tampered, fx.token);
  await page.locator('[data-check="signature"][data-status="fail"]').waitFor();
  assert.match(await page.locator('.summary').innerText(), /^Refused: 1 check fails\. signature:/);
  assert.equal(await page.locator('.compare [data-changed="sub"]').count(), 1);
  await page.setViewportSize({ width: 380, height: 900 });
  await page.screenshot({ path: shots.narrow, fullPage: true });

  // 6. The provider's keys through its discovery document.
  await page.fill('#opt-issuer', op.issuer);
  await page.fill('#token-b', '');
  await inspect(providerToken);
  await page.click('#discover');
  await page.locator('.keyset').filter({ hasText: '/certs' }).waitFor();
  await page.locator('[data-check="signature"][data-status="pass"]').waitFor();
  await page.emulateMedia({ colorScheme: 'dark' });
  await page.screenshot({ path: shots.dark, fullPage: true });

  // 7. A fetch the user did not ask for is blocked by the page's policy.
  const attempt = (url) => page.evaluate((u) => fetch(u).then(() => 'fetched', () => 'blocked'), url);
  assert.equal(await attempt(`${base}/inspect/index.html`), 'blocked');
  assert.equal(await attempt(jwksUrl), 'blocked');

  // 8. A JWKS served without CORS headers: the failure is explained, not swallowed.
  const noCorsUrl = `${noCorsBase}/jwks.json`;
  await page.fill('#jwks-url', noCorsUrl);
  await page.click('#fetch-jwks');
  const why = await page.locator('#keys .error').innerText();
  assert.match(why, /CORS/);
  assert.match(why, /Web Origins/);

  // 9. Offline once loaded: with the network gone, pasting and explaining still work.
  await page.context().setOffline(true);
  await inspect(fx.idToken);
  await page.locator('.token[data-kind="id"]').waitFor();
  await page.context().setOffline(false);

  // 10. Keyboard only: focus reaches the token field, Ctrl+Enter inspects.
  await page.fill('#token', '');
  await page.focus('#token');
  await page.keyboard.type(fx.token);
  await page.keyboard.press('Control+Enter');
  await page.locator('.token[data-kind="access"]').waitFor();

  // 11. Every request was the page itself, its code, the fetcher frame, or a fetch the test asked for.
  const asked = new Set([jwksUrl, noCorsUrl, `${op.issuer}/.well-known/openid-configuration`, `${op.issuer}/protocol/openid-connect/certs`]);
  const own = (u) => u.startsWith(`${base}/inspect/`) || u.startsWith(`${base}/pkg/inspect/`);
  const unexpected = requests.filter((u) => !own(u) && !asked.has(u) && !u.startsWith('data:'));
  assert.deepEqual(unexpected, [], `requests nobody asked for:\n${unexpected.join('\n')}`);
  for (const u of asked) assert.ok(requests.includes(u), `${u} was asked for but not requested`);
  assert.ok(!requests.some((u) => u.startsWith(`${base}/pkg/`) && !u.startsWith(`${base}/pkg/inspect/`)), 'only the inspect build (lite plus WebCrypto) is loaded');
  // (The refused CORS answer of step 8 is the browser's console error, on purpose.)
  assert.deepEqual(problems.filter((p) => !p.includes('Content Security Policy') && !p.includes('CORS') && !p.includes('net::ERR_FAILED')), []);

  for (const [name, path] of Object.entries(shots)) console.log(`screenshot (${name}): ${path}`);
});
