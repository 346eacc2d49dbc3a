// Workload 6: memory over many validations, each implementation in its own `node --expose-gc`
// child. HS256 keeps 1e6 calls fast (RS256 would take minutes); jose's HS256 is async WebCrypto and
// much slower per call, so it runs fewer calls (said in the notes).
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { BENCH } from '../lib/paths.mjs';
import { MiB, usPerOp } from '../lib/stats.mjs';

// Flat: over the second half of the run (after any start-up step: caches filling, the finalizer
// reaching its steady pace) neither the JS heap nor the Wasm memory grows beyond noise. A leak of
// a byte or two per call shows up over 5e5 calls.
const HEAP_SLACK = 1 * MiB;
const WASM_SLACK = 0.5 * MiB;

const IMPLS = [
  { impl: 'tokenward', role: 'ours', primary: true, iterations: (m) => m.heapIterations },
  // A quarter of the calls: it only shows that freeing at once keeps the Wasm memory exactly flat.
  { impl: 'tokenward +free()', role: 'ours', iterations: (m) => m.heapIterations / 4 },
  { impl: 'jose', role: 'jose', iterations: (m) => m.joseHeapIterations },
];

function runChild(impl, iterations, sample, fixture) {
  const input = JSON.stringify({
    impl,
    iterations,
    sample,
    fixture: { issuer: fixture.issuer, now: fixture.now, secret: fixture.algs.HS256.secret, kid: fixture.algs.HS256.kid, tokens: fixture.algs.HS256.tokens },
  });
  const r = spawnSync(process.execPath, ['--expose-gc', join(BENCH, 'node', 'heap-child.mjs')], {
    input,
    encoding: 'utf8',
    maxBuffer: 16 * MiB,
  });
  if (r.status !== 0) throw new Error(`heap child ${impl} exited ${r.status}: ${r.stderr}`);
  return JSON.parse(r.stdout.trim().split('\n').pop());
}

/** Growth from the sample at half the calls to the last one. */
export function flatness(samples) {
  const last = samples[samples.length - 1];
  const first = samples.find((x) => x.calls >= last.calls / 2);
  const heapGrowth = last.heapUsed - first.heapUsed;
  const wasmGrowth = last.wasmBytes - first.wasmBytes;
  return { heapGrowth, wasmGrowth, flat: heapGrowth <= HEAP_SLACK && wasmGrowth <= WASM_SLACK };
}

const mb = (b) => (b / MiB).toFixed(1);

export function measureHeap(mode, fixture) {
  return IMPLS.map((v) => {
    const iterations = v.iterations(mode);
    const sample = Math.min(mode.heapSample, iterations / 10);
    const r = runChild(v.impl, iterations, sample, fixture);
    const f = flatness(r.samples);
    const last = r.samples[r.samples.length - 1];
    const mid = r.samples.find((x) => x.calls >= last.calls / 2);
    const start = r.samples[0];
    const wasm = v.role === 'ours' ? `, wasm ${mb(mid.wasmBytes)}->${mb(last.wasmBytes)} MiB (${mb(start.wasmBytes)} at start)` : '';
    return {
      workload: 'heap',
      variant: 'HS256',
      runtime: 'node',
      impl: v.impl,
      role: v.role,
      primary: !!v.primary,
      n: iterations,
      ok: r.ok,
      usPerOp: usPerOp(r.ms, iterations),
      method: `node --expose-gc child, gc() before each reading, a reading every ${sample} calls`,
      notes: `${iterations.toLocaleString('en')} calls; 2nd half: heapUsed ${mb(mid.heapUsed)}->${mb(last.heapUsed)} MiB (${mb(start.heapUsed)} at start)${wasm}: ${f.flat ? 'flat' : 'GROWS'}${r.cache ? `; cache on (default): ${r.cache.hits} hits, ${r.cache.misses} misses` : ''}`,
      heap: { ...f, samples: r.samples },
    };
  });
}
