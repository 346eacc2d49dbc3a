// The package's browser entry in Debian's headless Chromium, driven by playwright-core: a static
// page imports ./pkg/browser.js as a plain module script (no bundler) and runs the shared checks;
// then the same page runs the parity corpus (tests/js/fixtures/parity.mjs) in one round trip.
import { after, before, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { createStaticServer, listen } from '../../scripts/lib/static-server.mjs';
import { assertSummary } from './fixtures/expect-summary.mjs';
import { runtimeFixture } from './fixtures/tokens.mjs';
import { launchChromium } from './fixtures/chromium.mjs';
import { assertParity, loadParityCorpus, parityInputs } from './fixtures/parity-compare.mjs';

// One server, one browser and one page for both tests.
let server, base, browser, page;
let parityInput = '[]';
// Page-side failures would otherwise surface only as a timeout: keep them for the message.
const problems = [];

before(async () => {
  const fixture = JSON.stringify(await runtimeFixture());
  const json = (body) => (req, res) => res.writeHead(200, { 'content-type': 'application/json' }).end(body());
  server = createStaticServer({
    mounts: [
      { prefix: '/pkg/', dir: fileURLToPath(new URL('../../pkg/', import.meta.url)) },
      { prefix: '/', dir: fileURLToPath(new URL('./fixtures/', import.meta.url)) },
    ],
    routes: { '/fixture.json': json(() => fixture), '/parity-input.json': json(() => parityInput) },
  });
  base = await listen(server, 0);
  browser = await launchChromium();
  page = await browser.newPage();
  page.on('pageerror', (err) => problems.push(`pageerror: ${err.message}`));
  page.on('console', (msg) => msg.type() === 'error' && problems.push(`console: ${msg.text()}`));
  page.on('requestfailed', (req) => problems.push(`requestfailed: ${req.url()}`));
  page.on('response', (res) => res.status() >= 400 && problems.push(`HTTP ${res.status()}: ${res.url()}`));
});

after(async () => {
  await browser?.close();
  if (server) await new Promise((resolve) => server.close(resolve));
});

async function openPage() {
  if (page.url().endsWith('/browser-page.html')) return;
  await page.goto(`${base}/browser-page.html`);
  await page.waitForFunction(() => window.__tokenwardResult, null, { timeout: 30_000 }).catch((err) => {
    throw new Error(`page produced no result: ${err.message}\n${problems.join('\n')}`);
  });
}

test('shared runtime checks pass in Chromium', { timeout: 120_000 }, async () => {
  await openPage();
  assertSummary(await page.evaluate(() => window.__tokenwardResult));
});

test('parity corpus: verifyAsync and the wasm32 build in Chromium agree with the native verdicts', { timeout: 120_000 }, async (t) => {
  const corpus = loadParityCorpus(t);
  if (!corpus) return;
  parityInput = JSON.stringify(parityInputs(corpus, 'chromium'));
  await openPage();
  const answer = await page
    .evaluate(async () => {
      const [full, webcryptoOnly, { parityVerdicts }] = await Promise.all([
        import('/pkg/browser.js'),
        import('/pkg/inspect/browser.js'),
        import('/parity.mjs'),
      ]);
      return parityVerdicts(full, webcryptoOnly, await (await fetch('/parity-input.json')).json());
    })
    .catch((err) => {
      throw new Error(`the page's parity run failed: ${err.message}\n${problems.join('\n')}`);
    });
  t.diagnostic(assertParity('chromium', corpus, answer));
});
