// Node side of the workerd runs: bundles the peers, starts the bench worker in miniflare's workerd
// and gives worker/driver.mjs the means to drive it case by case.
import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { build } from 'esbuild';
import { Miniflare } from 'miniflare';
import { BENCH, pkgFile, REPO_PKG, ROOT, snippetFiles } from '../lib/paths.mjs';

// miniflare's bundled workerd refuses a compatibility date newer than its build: keep it at or
// below the one the repo's workerd test uses.
const COMPATIBILITY_DATE = '2026-04-01';

async function peersBundle() {
  const out = await build({
    entryPoints: [join(BENCH, 'worker', 'peers.mjs')],
    bundle: true,
    format: 'esm',
    platform: 'browser',
    conditions: ['workerd', 'worker', 'browser'],
    write: false,
    logLevel: 'silent',
  });
  return out.outputFiles[0].text;
}

/** Copies of tokenward.js under other names, so the worker can instantiate fresh module state. */
function freshCopies(count) {
  const src = readFileSync(pkgFile('tokenward.js'), 'utf8');
  return Array.from({ length: count }, (_, i) => {
    const path = join(BENCH, 'worker', 'fresh', String(i), 'tokenward.js');
    const toPkg = relative(join(path, '..'), REPO_PKG).replaceAll('\\', '/');
    return { type: 'ESModule', path, contents: src.replace(/from\s*(['"])\.\/snippets\//g, (_, q) => `from ${q}${toPkg}/snippets/`) };
  });
}

function workloadModules() {
  return readdirSync(join(BENCH, 'workloads'))
    .filter((f) => f.endsWith('.mjs'))
    .map((f) => ({ type: 'ESModule', path: join(BENCH, 'workloads', f) }));
}

/** A package module named as if in pkg/ (the entry imports ../../pkg/...), read from the snapshot. */
function fromPkg(type, name, encoding) {
  const contents = readFileSync(pkgFile(name), encoding);
  return { type, path: join(REPO_PKG, name), contents: encoding ? contents : new Uint8Array(contents) };
}

async function workerModules(copies) {
  const esm = (path) => ({ type: 'ESModule', path });
  return [
    esm(join(BENCH, 'worker', 'entry.mjs')), // the entry point comes first
    ...['mark-start.mjs', 'mark-end.mjs', 'libs.mjs'].map((f) => esm(join(BENCH, 'worker', f))),
    { type: 'ESModule', path: join(BENCH, 'worker', 'peers.bundle.mjs'), contents: await peersBundle() },
    ...['cases.mjs', 'modes.mjs', 'runner.mjs', 'zipf.mjs'].map((f) => esm(join(BENCH, 'lib', f))),
    ...workloadModules(),
    ...['workerd.js', 'guard-workerd.js', 'guard-driver.js', 'tokenward.js', ...snippetFiles()].map((f) =>
      fromPkg('ESModule', f, 'utf8'),
    ),
    fromPkg('CompiledWasm', 'tokenward_bg.wasm'),
    ...freshCopies(copies),
  ];
}

export async function startWorker({ fixture, mode }) {
  const t0 = performance.now();
  const mf = new Miniflare({
    modules: await workerModules(mode.instantiateCopies),
    modulesRoot: ROOT,
    compatibilityDate: COMPATIBILITY_DATE,
  });
  const send = async (cmd) => {
    const res = await mf.dispatchFetch('http://bench.local/', { method: 'POST', body: JSON.stringify(cmd) });
    const body = await res.json();
    if (body.fatal) throw new Error(`worker: ${body.fatal}`);
    return body;
  };
  await send({ op: 'ping' });
  const startupMs = performance.now() - t0;
  const setup = await send({ op: 'setup', fixture, mode: mode.name });
  return { mf, send, setup, startupMs };
}
