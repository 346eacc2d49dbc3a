// The package's workerd entry in miniflare's bundled workerd. Modules are listed explicitly (no
// bundler), with the .wasm as a CompiledWasm module, as wrangler's CompiledWasm rule would give.
// One Miniflare instance answers both the shared checks and the parity corpus (one request each).
import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { Miniflare } from 'miniflare';
import { assertSummary } from './fixtures/expect-summary.mjs';
import { assertParity, loadParityCorpus, parityInputs } from './fixtures/parity-compare.mjs';
import { runtimeFixture } from './fixtures/tokens.mjs';

const root = fileURLToPath(new URL('../../', import.meta.url));
const pkg = join(root, 'pkg');
const fixtures = join(root, 'tests', 'js', 'fixtures');

// miniflare's workerd refuses to start with a compatibility date newer than its build (2026-04-26
// for miniflare 4.20260426.0, the last release that supports Node 20): keep this at or below it.
const COMPATIBILITY_DATE = '2026-04-01';

const esm = (path) => ({ type: 'ESModule', path });

// A build's workerd entry, glue, snippets and Wasm (pkg/ is the full build, pkg/inspect/ the
// WebCrypto-only one the parity worker also loads).
function buildModules(dir) {
  const snippetDir = join(dir, 'snippets');
  const snippets = existsSync(snippetDir)
    ? readdirSync(snippetDir, { recursive: true })
        .filter((f) => f.endsWith('.js'))
        .map((f) => esm(join(snippetDir, f)))
    : [];
  return [
    esm(join(dir, 'workerd.js')),
    esm(join(dir, 'tokenward.js')),
    ...snippets,
    { type: 'CompiledWasm', path: join(dir, 'tokenward_bg.wasm') },
  ];
}

function workerModules() {
  return [
    esm(join(fixtures, 'worker.mjs')), // the first module is the worker's entry point
    esm(join(fixtures, 'exercise.mjs')),
    esm(join(fixtures, 'parity.mjs')),
    ...buildModules(pkg),
    ...buildModules(join(pkg, 'inspect')),
  ];
}

let mf;
before(() => {
  mf = new Miniflare({ modules: workerModules(), modulesRoot: root, compatibilityDate: COMPATIBILITY_DATE });
});
after(() => mf?.dispose());

async function post(path, body) {
  const res = await mf.dispatchFetch(`http://localhost${path}`, { method: 'POST', body: JSON.stringify(body) });
  const text = await res.text();
  if (res.status !== 200) throw new Error(`worker answered ${res.status}: ${text}`);
  return JSON.parse(text);
}

test('shared runtime checks pass in workerd', { timeout: 120_000 }, async () => {
  assertSummary(await post('/', await runtimeFixture()));
});

test('parity corpus: verifyAsync and the wasm32 build in workerd agree with the native verdicts', { timeout: 120_000 }, async (t) => {
  const corpus = loadParityCorpus(t);
  if (!corpus) return;
  t.diagnostic(assertParity('workerd', corpus, await post('/parity', parityInputs(corpus, 'workerd'))));
});
