// Workload 6, one implementation per process (run with --expose-gc): HS256 verifies in a loop,
// sampling heapUsed and the Wasm memory after a forced GC every `sample` calls. Prints JSON.
// Standard input: JSON { impl, iterations, sample, fixture: { issuer, now, secret, kid, tokens } }.
import { readFileSync } from 'node:fs';
import * as jose from 'jose';
import { pkgUrl } from '../lib/paths.mjs';

const tw = await import(pkgUrl('node.js'));

const { impl, iterations, sample, fixture: fx } = JSON.parse(readFileSync(0, 'utf8'));
const wasmMemory = tw.initSync().memory; // already initialised by node.js: returns its exports
const secret = Buffer.from(fx.secret, 'base64url');
const turn = () => new Promise((resolve) => setImmediate(resolve));

async function settle() {
  globalThis.gc();
  await turn(); // let FinalizationRegistry callbacks free wasm-side objects
  await new Promise((resolve) => setTimeout(resolve, 5));
  globalThis.gc();
}

function reading(calls) {
  return { calls, heapUsed: process.memoryUsage().heapUsed, wasmBytes: wasmMemory.buffer.byteLength };
}

const ks = tw.KeySet.fromSecret(secret, { alg: 'HS256', kid: fx.kid });
const opts = { issuer: fx.issuer, now: fx.now };
const joseKey = await jose.importJWK({ kty: 'oct', k: fx.secret }, 'HS256');
const joseOpts = { issuer: fx.issuer, currentDate: new Date(fx.now * 1000), algorithms: ['HS256'] };

// Each returns accepted-count for calls [from, to).
const loops = {
  // The Token is dropped; wasm memory is freed by the finalizer. One event-loop turn every 1,000
  // calls, as a server gets between requests (a fully sync loop gives finalizers no chance to run).
  async 'tokenward'(from, to) {
    let ok = 0;
    for (let i = from; i < to; i++) {
      if (tw.verify(fx.tokens[i % fx.tokens.length], ks, opts).claims.iss === fx.issuer) ok++;
      if (i % 1000 === 999) await turn();
    }
    return ok;
  },
  async 'tokenward +free()'(from, to) {
    let ok = 0;
    for (let i = from; i < to; i++) {
      const token = tw.verify(fx.tokens[i % fx.tokens.length], ks, opts);
      if (token.claims.iss === fx.issuer) ok++;
      token.free();
    }
    return ok;
  },
  async 'jose'(from, to) {
    let ok = 0;
    for (let i = from; i < to; i++) {
      const { payload } = await jose.jwtVerify(fx.tokens[i % fx.tokens.length], joseKey, joseOpts);
      if (payload.iss === fx.issuer) ok++;
    }
    return ok;
  },
};

const loop = loops[impl];
await loop(0, Math.min(1000, sample)); // warm-up
await settle();
const samples = [reading(0)];
let ok = 0;
let ms = 0;
for (let done = 0; done < iterations; done += sample) {
  const t0 = performance.now();
  ok += await loop(done, done + sample);
  ms += performance.now() - t0;
  await settle();
  samples.push(reading(done + sample));
}
const cache = impl.startsWith('tokenward') ? (ks.cacheStats ?? null) : null;
process.stdout.write(`${JSON.stringify({ impl, iterations, ok, ms, samples, cache })}\n`);
