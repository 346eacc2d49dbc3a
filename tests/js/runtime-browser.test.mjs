// The package's browser entry in Debian's headless Chromium, driven by playwright-core: a static
// page imports ./pkg/browser.js as a plain module script (no bundler) and runs the shared checks.
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { createStaticServer, listen } from '../../scripts/lib/static-server.mjs';
import { assertSummary } from './fixtures/expect-summary.mjs';
import { runtimeFixture } from './fixtures/tokens.mjs';
import { launchChromium } from './fixtures/chromium.mjs';


test('shared runtime checks pass in Chromium', { timeout: 120_000 }, async (t) => {
  const fixture = JSON.stringify(await runtimeFixture());
  const server = createStaticServer({
    mounts: [
      { prefix: '/pkg/', dir: fileURLToPath(new URL('../../pkg/', import.meta.url)) },
      { prefix: '/', dir: fileURLToPath(new URL('./fixtures/', import.meta.url)) },
    ],
    routes: {
      '/fixture.json': (req, res) => res.writeHead(200, { 'content-type': 'application/json' }).end(fixture),
    },
  });
  const base = await listen(server, 0);
  t.after(() => new Promise((resolve) => server.close(resolve)));

  const browser = await launchChromium();
  t.after(() => browser.close());

  const page = await browser.newPage();
  // Page-side failures would otherwise surface only as a timeout: keep them for the message.
  const problems = [];
  page.on('pageerror', (err) => problems.push(`pageerror: ${err.message}`));
  page.on('console', (msg) => msg.type() === 'error' && problems.push(`console: ${msg.text()}`));
  page.on('requestfailed', (req) => problems.push(`requestfailed: ${req.url()}`));
  page.on('response', (res) => res.status() >= 400 && problems.push(`HTTP ${res.status()}: ${res.url()}`));

  await page.goto(`${base}/browser-page.html`);
  const result = await page
    .waitForFunction(() => window.__tokenwardResult, null, { timeout: 30_000 })
    .then((handle) => handle.jsonValue())
    .catch((err) => {
      throw new Error(`page produced no result: ${err.message}\n${problems.join('\n')}`);
    });
  assertSummary(result);
});
