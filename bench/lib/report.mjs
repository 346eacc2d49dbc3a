// The printed report: how it was measured, the tables, and the issue targets.
import { sizeTable, targetsTable, timingTable } from './table.mjs';

export function report({ meta, results, targets, sizes }) {
  const load = (l) => l.map((x) => x.toFixed(2)).join(' ');
  const out = [
    `tokenward benchmark, ${meta.mode} mode${meta.mode === 'quick' ? ' (tiny counts: proves the harness runs; the numbers mean nothing)' : ''}`,
    `Node ${meta.node}, ${meta.cpus} cores, load average ${load(meta.loadavgStart)} at start, ${load(meta.loadavgEnd)} at end: other work may have been running.`,
    'per-op: microseconds per call. ratio vs jose: this row / the jose row, same runtime, same run (< 1 is faster than jose).',
    `Inputs: tokens signed with jose at setup (RSA 2048-bit; the RS256 token is ${meta.rs256TokenBytes} bytes, Keycloak-shaped), valid for a day;`,
    '  `now` / `currentDate` / `clockTimestamp` passed where the impl takes one. Each call must accept its token (iss checked): counted.',
    '  Every case is set up and warmed up (on separate tokens) before any is timed; then timed in chunks, the event loop turning between.',
    'Node: performance.now() in process.',
  ];
  if (meta.workerdMethod) out.push(`workerd (miniflare ${meta.versions.miniflare}): ${meta.workerdMethod}.`);
  out.push(
    'n/a: fast-jwt is Node-only; cf-worker-jwt has no PS256 / EdDSA; jose has no Wasm to instantiate.',
    'guard: a Request with `Authorization: Bearer <token>` per call, iss and aud checked; the JWKS (Keycloak-shaped) from an',
    '  in-process fetch stub; the ratio is to the jose guard (createRemoteJWKSet + jwtVerify). "first request": a fresh guard per call.',
    ...(meta.nodeGuardV8Flags
      ? [
          `  Node guard rows ran with ${meta.nodeGuardV8Flags}: this V8 (${meta.v8}) aborts the process at a lazy deopt of an inlined`,
          '  call of a Wasm export returning externref (GuardCore.check is one); see bench/node/v8-probe.mjs.',
        ]
      : []),
    'heap: HS256 (1e6 RS256 verifies would take minutes), one `node --expose-gc` child per impl; "tokenward" drops each Token',
    '  (freed by the finalizer) and lets the event loop turn every 1,000 calls; flat = over the 2nd half of the calls heapUsed',
    '  grows <= 1 MiB and Wasm memory <= 0.5 MiB (readings after gc()). +free() runs 1/4 of the calls, jose 1/20 (async WebCrypto HMAC).',
    '',
    timingTable(results),
  );
  if (sizes) out.push('', sizeTable(results));
  out.push('', 'Issue targets (judged on the default tokenward row; a better ours variant is named in "from"):', targetsTable(targets));
  out.push('', `done in ${meta.seconds.toFixed(1)} s`);
  return out.join('\n');
}
