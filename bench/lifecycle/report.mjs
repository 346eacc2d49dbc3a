// The Markdown table and the JSON record of a run.
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';

const cell = (r, f) => (r.error ? '—' : f(r));

export function markdownTable(results) {
  const rows = results.map((r) => [
    `${r.library} ${r.version}`,
    cell(r, (x) => x.counts.refresh),
    cell(r, (x) => x.invalidGrant.refresh_token + x.invalidGrant.authorization_code),
    cell(r, (x) => `${x.stats.filter((s) => s.loggedOut).length} / ${x.stats.length}`),
    cell(r, (x) => x.loaded.gzip.toLocaleString('en-US')),
  ]);
  const head = ['library', 'refreshes', 'invalid_grant', 'involuntary logouts', 'gzip bytes loaded'];
  const lines = [head, head.map(() => '---'), ...rows].map((cols) => `| ${cols.join(' | ')} |`);
  const notes = results.filter((r) => r.error).map((r) => `- ${r.library} could not be run: ${r.error}`);
  return [...lines, ...(notes.length ? ['', ...notes] : [])].join('\n');
}

export function writeJson(file, record) {
  mkdirSync(dirname(file), { recursive: true });
  writeFileSync(file, `${JSON.stringify(record, null, 2)}\n`);
}
