// Does this Node's V8 abort the process when an optimised function is lazily deoptimised at an
// inlined call of a Wasm export that returns externref? Node 20's (V8 11.3) does: "Fatal error ...
// unreachable code" from Deoptimizer::DoComputeBuiltinContinuation, whose switch over the Wasm
// return kind has no reference case. tokenward's glue has such exports (GuardCore.check, Token's
// claims and header getters, ...); the guard workload's Node run hit it in about half the runs.
// Probed in a child process (it may abort) with a 44-byte module:
//   (func (export "f") (result externref) (call $imported_cb))
// whose import changes a field's representation, which lazily deoptimises the optimised caller.
import { spawnSync } from 'node:child_process';

export const NO_INLINE_FLAG = '--no-turbo-inline-js-wasm-calls';

const MODULE = [
  0, 97, 115, 109, 1, 0, 0, 0, 1, 5, 1, 96, 0, 1, 111, 2, 8, 1, 1, 109, 2, 99, 98, 0, 0, 3, 2, 1, 0, 7, 5, 1, 1, 102,
  0, 1, 10, 6, 1, 4, 0, 16, 0, 11,
];

/** The probe's source (run with --allow-natives-syntax): prints 'survived' unless V8 aborts. */
export const PROBE_SOURCE = `
const holder = { x: 1 };
let flip = false;
const { exports } = new WebAssembly.Instance(new WebAssembly.Module(new Uint8Array(${JSON.stringify(MODULE)})), {
  m: { cb: () => { if (flip) holder.x = 1.5; return holder; } },
});
function caller() { return holder.x + (exports.f() ? 1 : 0); }
%PrepareFunctionForOptimization(caller);
caller(); caller();
%OptimizeFunctionOnNextCall(caller);
caller();
flip = true;
caller();
console.log('survived');
`;

/** { aborts: boolean, detail } for this process's Node binary (with its default flags). */
export function probeExternrefDeopt() {
  const r = spawnSync(process.execPath, ['--allow-natives-syntax', '-e', PROBE_SOURCE], { encoding: 'utf8', timeout: 30_000 });
  if (r.stdout.includes('survived')) return { aborts: false, detail: 'survives' };
  const aborts = r.signal != null || /unreachable code/.test(r.stderr);
  return { aborts, detail: aborts ? `aborts (${r.signal ?? `exit ${r.status}`})` : `probe failed: ${r.stderr.trim().split('\n')[0]}` };
}
