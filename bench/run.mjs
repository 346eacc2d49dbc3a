// The benchmark: tokenward next to its peers, in one process per runtime, same machine, same run.
// Results are ratios (ours / jose); see bench/README.md. `--quick` only proves the harness works.
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { cpus, loadavg } from 'node:os';
import { dirname, join } from 'node:path';
import v8 from 'node:v8';
import { parseArgs, USAGE } from './lib/args.mjs';
import { measureCases } from './lib/measure.mjs';
import { MODES } from './lib/modes.mjs';
import { ROOT, snapshotPkg } from './lib/paths.mjs';
import { report } from './lib/report.mjs';
import { evaluateTargets } from './lib/targets.mjs';
import { nodeDriver } from './node/driver.mjs';
import { makeFixture } from './node/fixture.mjs';
import { measureHeap } from './node/heap.mjs';
import { measureInstantiateNode } from './node/instantiate.mjs';
import { measureSize } from './node/size.mjs';
import { NO_INLINE_FLAG, probeExternrefDeopt } from './node/v8-probe.mjs';
import { workerDriver } from './worker/driver.mjs';
import { startWorker } from './worker/host.mjs';
import { measureInstantiateWorkerd } from './worker/instantiate.mjs';
import { allCases } from './workloads/index.mjs';

const opts = parseArgs(process.argv.slice(2));
if (opts.help) {
  console.log(USAGE);
  process.exit(0);
}
const mode = MODES[opts.mode];
const started = performance.now();
const elapsed = () => `${((performance.now() - started) / 1000).toFixed(1)} s`;
const progress = (msg) => process.stderr.write(`[bench ${elapsed()}] ${msg}\n`);

// One build for the whole run, whatever happens to pkg/ meanwhile.
const removeSnapshot = await snapshotPkg({ waitMs: 300_000, log: progress });
process.on('exit', removeSnapshot);
const { libs } = await import('./node/libs.mjs'); // after the snapshot: it imports the package

const logRow = (r) => progress(`${r.runtime} ${r.workload} ${r.variant} ${r.impl}: ${r.usPerOp?.toFixed(1)} us/op`);
const want = (w) => opts.only.includes(w);

const meta = {
  mode: mode.name,
  date: new Date().toISOString(),
  node: process.version,
  v8: process.versions.v8,
  cpus: cpus().length,
  loadavgStart: loadavg(),
  versions: Object.fromEntries(
    ['jose', 'jwt-decode', 'fast-jwt', '@tsndr/cloudflare-worker-jwt', 'hono', 'miniflare', 'esbuild'].map((p) => [
      p,
      JSON.parse(readFileSync(join(ROOT, 'node_modules', p, 'package.json'), 'utf8')).version,
    ]),
  ),
};

progress(`${mode.name} mode: making keys and tokens with jose`);
const fixture = await makeFixture(mode);
meta.rs256TokenBytes = fixture.rs256TokenBytes;
const cases = allCases(mode).filter((c) => want(c.workload));
const results = [];

progress('Node');
const isGuard = (c) => c.workload === 'guard';
const nodeCases = cases.filter((c) => !isGuard(c));
results.push(...(await measureCases(nodeDriver({ libs, fixture, mode }), nodeCases, mode, logRow)));
if (cases.some(isGuard)) {
  // The guard's Node cases run last: on a V8 that aborts at a lazy deopt of an inlined
  // externref-returning Wasm call (Node 20, see node/v8-probe.mjs), with that inlining turned off.
  const probe = probeExternrefDeopt();
  meta.v8ExternrefDeopt = probe.detail;
  if (probe.aborts) {
    v8.setFlagsFromString(NO_INLINE_FLAG);
    meta.nodeGuardV8Flags = NO_INLINE_FLAG;
    progress(`V8 ${process.versions.v8} ${probe.detail} at a lazy deopt of an inlined externref Wasm call: guard rows run with ${NO_INLINE_FLAG}`);
  }
  const rows = await measureCases(nodeDriver({ libs, fixture, mode }), cases.filter(isGuard), mode, logRow);
  if (probe.aborts) for (const r of rows) r.notes = [r.notes, NO_INLINE_FLAG].filter(Boolean).join('; ');
  results.push(...rows);
}
if (want('instantiate')) results.push(...(await measureInstantiateNode(mode)));

if (opts.workerd) {
  progress('workerd (miniflare)');
  const worker = await startWorker({ fixture, mode });
  try {
    const driver = await workerDriver(worker, { forceWall: opts.workerdWall });
    meta.workerdMethod = driver.method;
    meta.workerdClock = worker.setup.clock;
    results.push(...(await measureCases(driver, cases, mode, logRow)));
    if (want('instantiate')) results.push(...(await measureInstantiateWorkerd(worker, mode)));
  } finally {
    await worker.mf.dispose();
  }
}

if (want('heap')) {
  progress('heap (child processes)');
  results.push(...measureHeap(mode, fixture));
}
if (want('size')) {
  progress('size');
  results.push(...(await measureSize()));
}

meta.loadavgEnd = loadavg();
meta.seconds = (performance.now() - started) / 1000;
const targets = evaluateTargets(results);

console.log(report({ meta, results, targets, sizes: want('size') }));

mkdirSync(dirname(opts.out), { recursive: true });
writeFileSync(opts.out, `${JSON.stringify({ meta, results, targets }, null, 2)}\n`);
console.log(`wrote ${opts.out}`);
