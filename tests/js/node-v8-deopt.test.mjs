// Node 20's V8 aborts the process when it deoptimises a function at an inlined call of a Wasm export
// that returns externref (tokenward's exports do). The Node entry switches that inlining off on the
// affected V8; this runs V8's own reproduction in a child, once bare and once after importing it.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { test } from 'node:test';
import { PROBE_SOURCE as PROBE } from '../../bench/node/v8-probe.mjs';

// V8's reproduction: the bench's probe (bench/node/v8-probe.mjs), one source for both.

function run(prelude) {
  const code = `${prelude}\n${PROBE}`;
  return spawnSync(process.execPath, ['--allow-natives-syntax', '--input-type=module', '-e', code], {
    encoding: 'utf8',
    timeout: 60_000,
    cwd: new URL('../../', import.meta.url),
  });
}

test('the Node entry keeps V8 from aborting at a deoptimised inlined Wasm call', () => {
  const affected = process.versions.v8.startsWith('11.3.');
  const bare = run('');
  // On the affected V8 the bare probe aborts: the check below then means something.
  if (affected) assert.ok(!bare.stdout.includes('survived'), 'V8 11.3 was expected to abort on the bare probe');
  const guarded = run(`await import('./pkg/node.js');`);
  assert.match(guarded.stdout, /survived/, `aborted with the entry loaded: ${guarded.stderr.split('\n').slice(0, 3).join(' ')}`);
});
