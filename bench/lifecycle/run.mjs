// npm run bench:lifecycle [-- --seconds N] [--out FILE]: tokenward, keycloak-js and oidc-client-ts
// side by side in Debian's headless Chromium, five tabs sharing one login against the
// Keycloak-shaped test provider. A benchmark, not a test: it asserts nothing and prints what it
// counted. See README.md beside this file.
import { parseArgs } from 'node:util';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';
import { pkgDir, snapshotPkg } from '../lib/paths.mjs';
import { libraries, redirectUris } from './libraries.mjs';
import { startBenchProvider } from './provider.mjs';
import { markdownTable, writeJson } from './report.mjs';
import { runScenario } from './scenario.mjs';
import { startAppServer } from './server.mjs';

const CHROMIUM = '/usr/bin/chromium';
const ARGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'];

const { values } = parseArgs({
  options: {
    seconds: { type: 'string', default: '120' },
    out: { type: 'string', default: fileURLToPath(new URL('../results/lifecycle.json', import.meta.url)) },
    only: { type: 'string' }, // comma-separated library names, for trying one out
  },
});
const seconds = Number(values.seconds);
if (!(seconds > 0)) throw new TypeError(`--seconds must be a positive number, got ${values.seconds}`);
const log = (msg) => process.stderr.write(`${msg}\n`);

// Others rebuild pkg/ now and then: serve a copy taken once, so one run sees one build.
const dropPkg = await snapshotPkg({ waitMs: 120_000, log });
let issuer;
const server = await startAppServer({ pkgDir: pkgDir(), config: () => ({ issuer, clientId: 'demo-spa' }) });
const bench = await startBenchProvider({ redirectUris: redirectUris(server.base) });
issuer = bench.provider.issuer;
const browser = await chromium.launch({ executablePath: CHROMIUM, args: ARGS });

const results = [];
try {
  const only = values.only?.split(',');
  for (const library of libraries(pkgDir()).filter((l) => !only || only.includes(l.name))) {
    log(`${library.name} ${library.version}: login, 5 tabs, ${seconds} s`);
    server.resetLoaded();
    try {
      const run = await runScenario({ browser, base: server.base, issuer, library, seconds, provider: bench });
      results.push({ library: library.name, version: library.version, ...run, loaded: server.loaded() });
    } catch (err) {
      // Say why and go on with the others: one library failing is a result too.
      results.push({ library: library.name, version: library.version, error: err.message.split('\n')[0] });
    }
  }
} finally {
  await browser.close();
  await bench.provider.stop();
  await server.close();
  dropPkg();
}

console.log(markdownTable(results));
writeJson(values.out, {
  at: new Date().toISOString(),
  seconds,
  tabs: 5,
  accessTokenTtl: 10,
  chromium: browser.version(),
  results,
});
log(`wrote ${values.out}`);
