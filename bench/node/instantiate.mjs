// Workload 5 in Node: Wasm compile, instantiate (initSync on fresh copies of the glue module, so each
// run instantiates anew), and a cold import of the package in a child process, next to jose's.
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { BENCH, pkgFile, pkgUrl } from '../lib/paths.mjs';
import { median } from '../lib/stats.mjs';

const row = (impl, role, ms, runs, notes, extra = {}) => ({
  workload: 'instantiate',
  variant: '',
  runtime: 'node',
  impl,
  role,
  primary: false,
  usPerOp: ms * 1000,
  method: 'performance.now(), median of runs',
  notes: `${notes}; median of ${runs}`,
  ...extra,
});

function childStart(which) {
  const out = execFileSync(process.execPath, [join(BENCH, 'node', 'instantiate-child.mjs'), which], { encoding: 'utf8' });
  const r = JSON.parse(out.trim().split('\n').pop());
  if (!r.usable) throw new Error(`${which} was not usable after import`);
  return r.ms;
}

/** The module with a distinct custom section appended, so V8 cannot reuse an earlier compile. */
function distinct(bytes, i) {
  const name = Buffer.from(`tokenward-bench-${i}`);
  return Buffer.concat([bytes, Buffer.from([0, name.length + 1, name.length]), name]);
}

export async function measureInstantiateNode(mode) {
  const bytes = readFileSync(pkgFile('tokenward_bg.wasm'));
  const runs = Math.max(2, mode.instantiateCopies);
  const compile = [];
  const instantiate = [];
  const glue = pkgUrl('tokenward.js');
  for (let i = 0; i < runs; i++) {
    let t0 = performance.now();
    const module = await WebAssembly.compile(distinct(bytes, i));
    compile.push(performance.now() - t0);
    const fresh = await import(`${glue}?bench-copy=${i}`);
    t0 = performance.now();
    fresh.initSync({ module });
    instantiate.push(performance.now() - t0);
  }
  const starts = { tokenward: [], jose: [] };
  for (let i = 0; i < mode.childStarts; i++) {
    for (const which of ['tokenward', 'jose']) starts[which].push(childStart(which));
  }
  return [
    row('tokenward compile', 'ours', median(compile), runs, `WebAssembly.compile of ${(bytes.length / 1000).toFixed(0)} KB`, { noRatio: true }),
    row('tokenward instantiate', 'ours', median(instantiate), runs, 'initSync({ module }) of a compiled module, fresh glue copy', { primary: true, noRatio: true }),
    row('tokenward cold import', 'ours', median(starts.tokenward), mode.childStarts, 'child process: import pkg/node.js (read + compile + instantiate)'),
    row('jose cold import', 'jose', median(starts.jose), mode.childStarts, 'child process: import jose (no Wasm)'),
  ];
}
