// Plain-text tables for the terminal.
import { fmt, ratio } from './stats.mjs';

export const KB = 1000; // sizes are reported in KB of 1000 bytes

function render(headers, rows) {
  const widths = headers.map((h, i) => Math.max(h.length, ...rows.map((r) => String(r[i]).length)));
  const line = (cells) => cells.map((c, i) => String(c).padEnd(widths[i])).join(' | ').trimEnd();
  return [line(headers), widths.map((w) => '-'.repeat(w)).join('-|-'), ...rows.map(line)].join('\n');
}

const key = (r) => `${r.workload}|${r.variant}|${r.runtime}`;

/** The jose row of each (workload, variant, runtime), the ratio's denominator. */
export function joseIndex(results) {
  const index = new Map();
  for (const r of results) if (r.role === 'jose' && !r.na) index.set(key(r), r);
  return index;
}

export function failed(r) {
  return !r.na && (r.ok !== r.n || (r.error && r.ok === 0));
}

export function timingTable(results) {
  const jose = joseIndex(results);
  const rows = results
    .filter((r) => r.workload !== 'size')
    .map((r) => {
      const name = r.variant ? `${r.workload} ${r.variant}` : r.workload;
      const j = jose.get(key(r));
      let perOp;
      let rat = '-';
      if (r.na) perOp = `n/a (${r.na})`;
      else if (r.error && !r.n) perOp = `ERROR ${r.error}`;
      else {
        perOp = fmt(r.usPerOp, 4);
        if (j && !r.noRatio && !failed(r) && !failed(j)) rat = fmt(ratio(r.usPerOp, j.usPerOp), 3);
      }
      const notes = [];
      if (failed(r)) notes.push(`ACCEPTED ONLY ${r.ok}/${r.n}${r.error ? `: ${r.error}` : ''}`);
      else if (r.ok != null) notes.push(`${r.ok}/${r.n} accepted`);
      if (r.capped) notes.push(`time cap: ${r.n} of ${r.planned} planned`);
      if (r.notes) notes.push(r.notes);
      return [name, r.runtime, r.impl, perOp, rat, notes.join('; ')];
    });
  return render(['workload', 'runtime', 'impl', 'per-op (us)', 'ratio vs jose', 'notes'], rows);
}

export function sizeTable(results) {
  const sizes = results.filter((r) => r.workload === 'size');
  const jose = sizes.find((r) => r.role === 'jose');
  const kb = (b) => (b / KB).toFixed(1);
  const rows = sizes.map((r) =>
    r.na
      ? [r.impl, `n/a (${r.na})`, '', '', '', '']
      : [r.impl, kb(r.bytes.raw), kb(r.bytes.gzip), kb(r.bytes.brotli), fmt(ratio(r.bytes.gzip, jose.bytes.gzip), 3), r.notes],
  );
  return render(['size: impl', 'raw KB', 'gzip KB', 'brotli KB', 'gzip ratio vs jose', 'what'], rows);
}

export function targetsTable(targets) {
  const rows = targets.map((t) => [t.name, t.measured, t.limit, t.status ?? (t.met == null ? 'not measured' : t.met ? 'met' : 'NOT MET'), t.detail ?? '']);
  return render(['target', 'measured', 'limit', 'status', 'from'], rows);
}
