// Raw and gzip sizes of build outputs, printed so size regressions show in every build log.
import { readFileSync } from 'node:fs';
import { gzipSync } from 'node:zlib';

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
