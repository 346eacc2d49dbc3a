// The package as users get it: npm pack pkg/, install the tarball into a fresh project and import
// it by name, so the exports map, the "files" list and the Node entry are what is tested.
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { assertSummary } from './fixtures/expect-summary.mjs';
import { runtimeFixture } from './fixtures/tokens.mjs';

const root = fileURLToPath(new URL('../../', import.meta.url));
const npm = (args, cwd) =>
  execFileSync('npm', [...args, '--no-audit', '--no-fund', '--loglevel=error'], { cwd, encoding: 'utf8' });

// Runs inside the temp project: a bare-specifier import, as in a user's code.
const CHECK_SCRIPT = `
import { decode, verify, explain, KeySet, TokenError } from 'tokenward';
import * as tw from 'tokenward';
import * as lite from 'tokenward/lite';
import { readFileSync } from 'node:fs';
const { exercise } = await import(process.env.EXERCISE_URL);
const fx = JSON.parse(readFileSync(new URL('./fixture.json', import.meta.url), 'utf8'));
const named = { decode, verify, explain, KeySet, TokenError };
console.log(JSON.stringify({
  namedImports: Object.fromEntries(Object.entries(named).map(([k, v]) => [k, typeof v])),
  resolved: import.meta.resolve('tokenward'),
  wasmResolved: import.meta.resolve('tokenward/tokenward_bg.wasm'),
  summary: exercise(tw, fx),
  lite: { resolved: import.meta.resolve('tokenward/lite'), verify: typeof lite.verify, kind: lite.decode(fx.token).kind },
}));
`;

test('the packed tarball installs and imports by name', { timeout: 180_000 }, async (t) => {
  const work = mkdtempSync(join(tmpdir(), 'tokenward-pack-'));
  t.after(() => rmSync(work, { recursive: true, force: true }));

  const [packed] = JSON.parse(npm(['pack', join(root, 'pkg'), '--pack-destination', work, '--json'], root));
  const files = packed.files.map((f) => f.path);
  for (const f of ['package.json', 'tokenward_bg.wasm', 'tokenward.js', 'node.js', 'workerd.js', 'browser.js']) {
    assert.ok(files.includes(f), `${f} missing from the tarball: ${files.join(', ')}`);
  }
  assert.ok(files.some((f) => f.startsWith('snippets/') && f.endsWith('/token_error.js')), `no TokenError snippet: ${files}`);

  const project = join(work, 'app');
  mkdirSync(project);
  writeFileSync(join(project, 'package.json'), JSON.stringify({ name: 'app', private: true, type: 'module' }));
  // The package has no dependencies, so the install needs no registry.
  npm(['install', '--offline', join(work, packed.filename)], project);

  writeFileSync(join(project, 'fixture.json'), JSON.stringify(await runtimeFixture()));
  writeFileSync(join(project, 'check.mjs'), CHECK_SCRIPT);
  const out = execFileSync(process.execPath, ['check.mjs'], {
    cwd: project,
    encoding: 'utf8',
    env: { ...process.env, EXERCISE_URL: pathToFileURL(join(root, 'tests/js/fixtures/exercise.mjs')).href },
  });
  const result = JSON.parse(out);
  assert.deepEqual(Object.values(result.namedImports), ['function', 'function', 'function', 'function', 'function']);
  assert.match(result.resolved, /\/node_modules\/tokenward\/node\.js$/);
  assert.match(result.wasmResolved, /\/node_modules\/tokenward\/tokenward_bg\.wasm$/);
  assertSummary(result.summary);
  assert.match(result.lite.resolved, /\/node_modules\/tokenward\/lite\/node\.js$/);
  assert.equal(result.lite.verify, 'undefined', 'the lite build has no verify');
  assert.equal(result.lite.kind, 'access');
});
