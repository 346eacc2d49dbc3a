// Workload 7: bytes a page loads, raw / gzip / brotli (node:zlib, max levels, each file compressed
// on its own as a server would). Ours: the Wasm, the glue and the browser entry as shipped (plus a
// minified-glue variant); peers: esbuild minified browser ESM bundles of only what the workloads use.
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { brotliCompressSync, constants, gzipSync } from 'node:zlib';
import { build } from 'esbuild';
import { pkgFile, ROOT, snippetFiles } from '../lib/paths.mjs';

function sizes(buffers) {
  const sum = (f) => buffers.reduce((a, b) => a + f(b), 0);
  return {
    raw: sum((b) => b.length),
    gzip: sum((b) => gzipSync(b, { level: 9 }).length),
    brotli: sum((b) => brotliCompressSync(b, { params: { [constants.BROTLI_PARAM_QUALITY]: 11 } }).length),
  };
}

async function bundle(contents, external = []) {
  const out = await build({
    stdin: { contents, resolveDir: ROOT, loader: 'js' },
    bundle: true,
    minify: true,
    format: 'esm',
    platform: 'browser',
    external,
    write: false,
    logLevel: 'silent',
  });
  return Buffer.from(out.outputFiles[0].contents);
}

const PEERS = [
  { impl: 'jose', role: 'jose', src: "export { jwtVerify, createLocalJWKSet, decodeJwt } from 'jose';" },
  { impl: 'jwt-decode', role: 'peer', src: "export { jwtDecode } from 'jwt-decode';" },
  { impl: 'cf-worker-jwt', role: 'peer', src: "export { verify, decode } from '@tsndr/cloudflare-worker-jwt';" },
];

/** The files a page loads for one entry of ours, as shipped ('' = full, 'lite' = tokenward/lite). */
function shipped(sub) {
  const names = ['tokenward_bg.wasm', 'tokenward.js', 'browser.js'].map((f) => join(sub, f));
  return [...names, ...snippetFiles(sub)].map((f) => readFileSync(pkgFile(f)));
}

export async function measureSize() {
  const wasm = readFileSync(pkgFile('tokenward_bg.wasm'));
  const minifiedGlue = await bundle(`export * from ${JSON.stringify(pkgFile('browser.js'))};`, ['*.wasm']);
  const rows = [
    { impl: 'tokenward', role: 'ours', primary: true, s: sizes(shipped('')), notes: 'wasm + tokenward.js + browser.js + snippets, as shipped' },
    { impl: 'tokenward (min. JS)', role: 'ours', s: sizes([wasm, minifiedGlue]), notes: 'wasm + the JS bundled and minified by esbuild' },
  ];
  if (existsSync(pkgFile(join('lite', 'browser.js')))) {
    rows.push({ impl: 'tokenward/lite', role: 'ours', s: sizes(shipped('lite')), notes: 'lite entry (decode + explain, no signature crypto), as shipped' });
  }
  for (const p of PEERS) rows.push({ impl: p.impl, role: p.role, s: sizes([await bundle(p.src)]), notes: 'esbuild --minify, browser ESM' });
  rows.push({ impl: 'fast-jwt', role: 'peer', na: 'Node-only' });
  return rows.map(({ s, ...r }) => ({
    workload: 'size',
    variant: '',
    runtime: 'browser',
    ...r,
    ...(s ? { bytes: s } : {}),
    primary: !!r.primary,
  }));
}
