// The benchmark harness in --quick mode: it runs every workload end to end, prints its table and
// writes JSON with ours and jose in each workload. No timing is asserted: numbers from a quick run
// (or from any test run) mean nothing; performance claims come from `npm run bench` only.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('../../', import.meta.url));

const WORKLOADS = {
  decode: ['node', 'workerd'],
  'cold-verify': ['node', 'workerd'],
  zipf: ['node', 'workerd'],
  keyset: ['node', 'workerd'],
  guard: ['node', 'workerd'],
  instantiate: ['node', 'workerd'],
  heap: ['node'],
  size: ['browser'],
};

function runQuick(out) {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['bench/run.mjs', '--quick', '--out', out], { cwd: root });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => (stdout += d));
    child.stderr.on('data', (d) => (stderr += d));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout, stderr }));
  });
}

test('bench --quick runs every workload and writes its JSON', { timeout: 180_000 }, async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'tokenward-bench-test-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  const out = join(dir, 'quick.json');

  const { code, stdout, stderr } = await runQuick(out);
  assert.equal(code, 0, `bench exited ${code}\n${stderr.slice(-4000)}`);
  assert.match(stdout, /workload\s*\|\s*runtime\s*\|\s*impl\s*\|\s*per-op \(us\)\s*\|\s*ratio vs jose/);
  assert.match(stdout, /Issue targets/);

  const { meta, results, targets } = JSON.parse(readFileSync(out, 'utf8'));
  assert.equal(meta.mode, 'quick');
  assert.ok(Array.isArray(targets) && targets.length > 0, 'targets present');

  for (const [workload, runtimes] of Object.entries(WORKLOADS)) {
    for (const runtime of runtimes) {
      const rows = results.filter((r) => r.workload === workload && r.runtime === runtime);
      assert.ok(rows.some((r) => r.role === 'ours' && !r.na), `${workload}/${runtime}: an ours row`);
      assert.ok(rows.some((r) => r.role === 'jose'), `${workload}/${runtime}: a jose row`);
    }
  }
  for (const r of results) {
    assert.ok(!r.error || r.na, `${r.workload} ${r.variant} ${r.runtime} ${r.impl}: ${r.error}`);
    // Every implementation accepted every token it was timed on: none "won" by failing fast.
    if (r.ok != null) assert.equal(r.ok, r.n, `${r.workload} ${r.variant} ${r.runtime} ${r.impl}: accepted ${r.ok}/${r.n}`);
  }
  const coldRs256 = results.filter((r) => r.workload === 'cold-verify' && r.variant === 'RS256' && !r.na);
  assert.ok(coldRs256.some((r) => r.impl === 'jose' && r.runtime === 'workerd'), 'jose timed inside workerd');
});
