// tokenward/browser in an app built by Vite and by webpack, each with its default configuration
// (no config file), loaded in Chromium: the build must succeed (no top-level await, the Wasm and
// the SharedWorker found as assets) and the session must work from the bundle.
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { createStaticServer, listen } from '../../scripts/lib/static-server.mjs';
import { startProvider } from '../provider/index.mjs';
import { CHROMIUM, launchChromium } from './fixtures/chromium.mjs';

const skip = existsSync(CHROMIUM) ? false : 'Debian chromium is not installed';
const pkg = fileURLToPath(new URL('../../pkg/', import.meta.url));

let dir;
before(async () => {
  dir = await mkdtemp(join(tmpdir(), 'tokenward-vite-'));
  await mkdir(join(dir, 'node_modules'));
  await symlink(pkg, join(dir, 'node_modules', 'tokenward'), 'dir');
  await writeFile(join(dir, 'index.html'), '<!doctype html><meta charset="utf-8"><title>vite app</title><script type="module" src="/main.js"></script>\n');
  // webpack's defaults: the entry is src/index.js, the bundle dist/main.js.
  await mkdir(join(dir, 'src'));
  await writeFile(join(dir, 'src', 'index.js'), "import '../main.js';\n");
  await writeFile(
    join(dir, 'main.js'),
    `import { createSession } from 'tokenward/browser';
import { ready, decode } from 'tokenward';
import { ready as liteReady, decode as liteDecode } from 'tokenward/lite';
import { ready as sessionReady, createSessionDriver } from 'tokenward/session';
const jwt = 'eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJ2aXRlIiwidHlwIjoiQmVhcmVyIn0.c2ln'; // {"sub":"vite","typ":"Bearer"}
window.entries = Promise.all([ready, liteReady, sessionReady]).then(async () => {
  const driver = createSessionDriver({ issuer: new URLSearchParams(location.search).get('issuer'), clientId: 'demo-spa', redirectUri: location.origin + '/' });
  const view = await driver.start();
  return { full: decode(jwt).claims.sub, lite: liteDecode(jwt).claims.sub, session: view.authenticated };
}, (e) => ({ error: e.message }));
const issuer = new URLSearchParams(location.search).get('issuer');
const session = createSession({ issuer, clientId: 'demo-spa', redirectUri: location.origin + '/' });
window.app = { session };
window.result = session.restore().then(
  (authenticated) => ({ authenticated, coordination: session.coordination }),
  (e) => ({ error: e.message }),
);
`,
  );
});
after(() => rm(dir, { recursive: true, force: true }));

// Vite 7 and 8 default to 'baseline-widely-available', which allows top-level await; Vite 5 and 6
// defaulted to 'modules' (this list), which does not, and many apps still build for it. Vite 7's
// esbuild-based pipeline with that target is the check that fails on a top-level await.
const MODULES_TARGET = ['es2020', 'edge88', 'firefox78', 'chrome87', 'safari14'];

test("Vite 5/6's default target ('modules') builds the app: no top-level await in any browser entry", { timeout: 60_000 }, async () => {
  const { build } = await import('vite7');
  await build({ root: dir, configFile: false, logLevel: 'silent', build: { target: MODULES_TARGET, outDir: join(dir, 'dist-modules') } });
});

/** Serve `dist` (with `html` as its page when the bundler writes none), log in from the bundle. */
async function runBundle(t, dist, html) {
  if (html) await writeFile(join(dist, 'index.html'), html);
  const server = createStaticServer({ mounts: [{ prefix: '/', dir: dist }] });
  const base = await listen(server, 0);
  t.after(() => new Promise((resolve) => server.close(resolve)));
  const provider = await startProvider({ redirectUris: [`${base}/`] });
  t.after(() => provider.stop());
  const browser = await launchChromium();
  t.after(() => browser.close());
  const page = await browser.newPage();
  const problems = [];
  page.on('pageerror', (e) => problems.push(e.message));
  await page.goto(`${base}/?issuer=${encodeURIComponent(provider.issuer)}`);
  const result = await page.waitForFunction(() => window.result, null, { timeout: 30_000 }).then((h) => h.jsonValue());
  assert.deepEqual(result, { authenticated: false, coordination: 'shared-worker' }, `${JSON.stringify(result)} ${problems.join('; ')}`);
  // tokenward, tokenward/lite and tokenward/session from the same bundle, each used after `ready`.
  const entries = await page.waitForFunction(() => window.entries, null, { timeout: 30_000 }).then((h) => h.jsonValue());
  assert.deepEqual(entries, { full: 'vite', lite: 'vite', session: false });
  // The bundled worker and Wasm work: a login reaches the provider's form.
  await page.evaluate(() => { window.app.session.login(); });
  await page.waitForSelector('input[name="username"]', { timeout: 20_000 });
  assert.ok(page.url().startsWith(`${provider.issuer}/`));
  assert.deepEqual(problems, []);
}

test('an app built by Vite with its defaults runs tokenward/browser, tokenward, tokenward/lite and tokenward/session', { skip, timeout: 120_000 }, async (t) => {
  const { build } = await import('vite');
  await build({ root: dir, configFile: false, logLevel: 'error' });
  await runBundle(t, join(dir, 'dist'));
});

test('an app built by webpack with its defaults runs the same entries', { skip, timeout: 180_000 }, async (t) => {
  const { default: webpack } = await import('webpack');
  const outDir = join(dir, 'dist-webpack');
  // No configuration but where the app is and where the bundle goes (webpack's own default is
  // dist/, which the Vite build above uses).
  const stats = await new Promise((resolve, reject) =>
    webpack({ context: dir, output: { path: outDir } }, (err, s) => (err ? reject(err) : resolve(s))),
  );
  assert.ok(!stats.hasErrors(), stats.toString({ all: false, errors: true }));
  await runBundle(t, outDir, '<!doctype html><meta charset="utf-8"><title>webpack app</title><script src="main.js"></script>\n');
});
