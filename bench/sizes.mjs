#!/usr/bin/env node
// What a single-page app ships for its OIDC client, gzip -9: tokenward/browser as it loads
// (pkg/session/: the Wasm and every JS file, the SharedWorker's included) beside keycloak-js,
// oidc-client-ts and auth0-spa-js, each bundled by esbuild (minified ESM, browser platform,
// everything it imports). tokenward/browser is measured both as published (readable
// sources) and bundled the same way as the peers (its page and SharedWorker entries, shared
// chunks counted once, the Wasm as is). Not a test: `npm run bench:sizes` after `./run build`.
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';
import { build } from 'esbuild';
import { BROWSER_ENTRIES, formatSize, sizeOf } from '../scripts/lib/sizes.mjs';

const ROOT = fileURLToPath(new URL('../', import.meta.url));
const SESSION = join(ROOT, 'pkg', 'session');
const BROWSER_FILES = ['tokenward_bg.wasm', 'tokenward.js', ...BROWSER_ENTRIES];
const PEERS = {
  'keycloak-js': "export { default } from 'keycloak-js';",
  'oidc-client-ts': "export { UserManager, WebStorageStateStore } from 'oidc-client-ts';",
  '@auth0/auth0-spa-js': "export { createAuth0Client } from '@auth0/auth0-spa-js';",
};

function total(files) {
  return files.reduce((t, bytes) => ({ raw: t.raw + bytes.length, gzip: t.gzip + gzipSync(bytes, { level: 9 }).length }), { raw: 0, gzip: 0 });
}

/** tokenward/browser as an app's bundler ships it: both entries (the page imports
 * browser-session.js; the SharedWorker script is loaded by URL, so it is an entry of its own). */
async function bundledOurs() {
  const out = await build({
    entryPoints: [join(SESSION, 'browser-session.js'), join(SESSION, 'browser-worker.js')],
    bundle: true, minify: true, splitting: true, format: 'esm', platform: 'browser', outdir: join(ROOT, 'target', 'sizes'),
    write: false, logLevel: 'silent',
  });
  return total([...out.outputFiles.map((f) => f.contents), readFileSync(join(SESSION, 'tokenward_bg.wasm'))]);
}

async function bundled(name, source) {
  const out = await build({
    stdin: { contents: source, resolveDir: ROOT, loader: 'js' },
    bundle: true, minify: true, format: 'esm', platform: 'browser', write: false, logLevel: 'silent',
  });
  const bytes = out.outputFiles[0].contents;
  const version = (await import(join(ROOT, 'node_modules', name, 'package.json'), { with: { type: 'json' } })).default.version;
  return { name: `${name} ${version}`, raw: bytes.length, gzip: gzipSync(bytes, { level: 9 }).length };
}

if (!existsSync(join(SESSION, 'tokenward_bg.wasm'))) {
  console.error('pkg/session/ is not built: run ./run build first');
  process.exit(1);
}
const snippets = readdirSync(join(SESSION, 'snippets'), { recursive: true }).filter((f) => f.endsWith('.js')).map((f) => join('snippets', f));
const ours = sizeOf([...BROWSER_FILES, ...snippets].map((f) => join(SESSION, f)));
const ourBundle = await bundledOurs();
const rows = [
  { name: 'tokenward/browser (Wasm + JS, as published)', ...ours },
  { name: 'tokenward/browser (Wasm + JS, bundled like the others)', ...ourBundle },
];
for (const [name, source] of Object.entries(PEERS)) rows.push(await bundled(name, source));
console.log('| library | raw bytes | gzip -9 bytes |\n| --- | --- | --- |');
for (const r of rows) console.log(`| ${r.name} | ${r.raw.toLocaleString('en-US')} | ${r.gzip.toLocaleString('en-US')} |`);
console.log(`\ntokenward/browser: ${formatSize(ours)} as published, ${formatSize(ourBundle)} bundled (Wasm ${formatSize(sizeOf([join(SESSION, 'tokenward_bg.wasm')]))})`);
