// The package's workerd entry in miniflare's bundled workerd. Modules are listed explicitly (no
// bundler), with the .wasm as a CompiledWasm module, as wrangler's CompiledWasm rule would give.
import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { Miniflare } from 'miniflare';
import { assertSummary } from './fixtures/expect-summary.mjs';
import { runtimeFixture } from './fixtures/tokens.mjs';

const root = fileURLToPath(new URL('../../', import.meta.url));
const pkg = join(root, 'pkg');
const fixtures = join(root, 'tests', 'js', 'fixtures');

// miniflare's workerd refuses to start with a compatibility date newer than its build (2026-04-26
// for miniflare 4.20260426.0, the last release that supports Node 20): keep this at or below it.
const COMPATIBILITY_DATE = '2026-04-01';

function workerModules() {
  const esm = (path) => ({ type: 'ESModule', path });
  const snippetDir = join(pkg, 'snippets');
  const snippets = existsSync(snippetDir)
    ? readdirSync(snippetDir, { recursive: true })
        .filter((f) => f.endsWith('.js'))
        .map((f) => esm(join(snippetDir, f)))
    : [];
  return [
    esm(join(fixtures, 'worker.mjs')), // the first module is the worker's entry point
    esm(join(fixtures, 'exercise.mjs')),
    esm(join(pkg, 'workerd.js')),
    esm(join(pkg, 'tokenward.js')),
    ...snippets,
    { type: 'CompiledWasm', path: join(pkg, 'tokenward_bg.wasm') },
  ];
}

test('shared runtime checks pass in workerd', { timeout: 120_000 }, async (t) => {
  const mf = new Miniflare({
    modules: workerModules(),
    modulesRoot: root,
    compatibilityDate: COMPATIBILITY_DATE,
  });
  t.after(() => mf.dispose());

  const res = await mf.dispatchFetch('http://localhost/', {
    method: 'POST',
    body: JSON.stringify(await runtimeFixture()),
  });
  const text = await res.text();
  if (res.status !== 200) throw new Error(`worker answered ${res.status}: ${text}`);
  assertSummary(JSON.parse(text));
});
