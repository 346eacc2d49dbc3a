// Raw and gzip sizes of build outputs, printed so size regressions show in every build log.
import { readFileSync } from 'node:fs';
import { gzipSync } from 'node:zlib';

/** What tokenward/browser loads from pkg/session/ besides the Wasm and the wasm-bindgen glue,
 * the SharedWorker's files included: the build's size report and `npm run bench:sizes`. */
export const BROWSER_ENTRIES = ['browser-session.js', 'browser-worker-client.js', 'browser-worker.js', 'browser-lazy.js', 'session-driver.js', 'browser-idb-store.js'];

export function sizeOf(paths) {
  let raw = 0;
  let gzip = 0;
  for (const p of paths) {
    const bytes = readFileSync(p);
    raw += bytes.length;
    gzip += gzipSync(bytes, { level: 9 }).length;
  }
  return { raw, gzip };
}

export function formatSize({ raw, gzip }) {
  const kb = (n) => `${(n / 1024).toFixed(1)} KiB`;
  return `${kb(raw).padStart(10)} raw  ${kb(gzip).padStart(10)} gzip`;
}
