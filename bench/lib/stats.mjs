// Small numeric helpers shared by the runners and the report.

export function median(values) {
  if (values.length === 0) return NaN;
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
}

/** Per-operation microseconds from a total in milliseconds. */
export function usPerOp(totalMs, ops) {
  return ops > 0 ? (totalMs * 1000) / ops : NaN;
}

export function ratio(ours, peer) {
  return Number.isFinite(ours) && Number.isFinite(peer) && peer > 0 ? ours / peer : NaN;
}

/** Fixed significant digits, without exponent notation for the sizes used here. */
export function fmt(value, digits = 3) {
  if (value == null || !Number.isFinite(value)) return '-';
  if (value === 0) return '0';
  const abs = Math.abs(value);
  if (abs >= 10 ** digits) return value.toFixed(0);
  const decimals = Math.max(0, digits - 1 - Math.floor(Math.log10(abs)));
  return value.toFixed(Math.min(decimals, 4));
}

export const MiB = 1024 * 1024;
