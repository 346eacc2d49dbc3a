// tokenward/worker's guard in workerd (miniflare), against the local JWKS server of
// fixtures/guard-world.mjs: the same cases as in Node, concurrent cold requests sharing one
// fetch, rotation, a kid flood, 1,000 concurrent checks in one isolate, and persist (KV and the
// Cache API) carrying the key set to a fresh workerd.
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { Miniflare } from 'miniflare';
import { guardCases, guardWorld } from './fixtures/guard-world.mjs';

const root = fileURLToPath(new URL('../../', import.meta.url));
const pkg = join(root, 'pkg');
// At or below the bundled workerd's build date (see runtime-workerd.test.mjs).
const COMPATIBILITY_DATE = '2026-04-01';

function modules() {
  const esm = (path) => ({ type: 'ESModule', path });
  const snippetDir = join(pkg, 'snippets');
  const snippets = existsSync(snippetDir)
    ? readdirSync(snippetDir, { recursive: true }).filter((f) => f.endsWith('.js')).map((f) => esm(join(snippetDir, f)))
    : [];
  return [
    esm(join(root, 'tests', 'js', 'fixtures', 'guard-worker.mjs')),
    ...['guard-workerd.js', 'guard-driver.js', 'workerd.js', 'tokenward.js'].map((f) => esm(join(pkg, f))),
    ...snippets,
    { type: 'CompiledWasm', path: join(pkg, 'tokenward_bg.wasm') },
  ];
}

let world;
let mf;
before(async () => {
  world = await guardWorld();
  mf = new Miniflare({
    modules: modules(),
    modulesRoot: root,
    compatibilityDate: COMPATIBILITY_DATE,
    bindings: { ISSUER: world.issuer },
  });
});
after(async () => {
  await mf?.dispose();
  await world?.close();
});

const call = (token, path = '/') =>
  mf.dispatchFetch(`http://api.test${path}`, { headers: token ? { authorization: `Bearer ${token}` } : {} });

test('workerd: cold concurrent requests share one fetch; every case gets its answer', { timeout: 120_000 }, async () => {
  const token = await world.sign();
  const cold = await Promise.all(Array.from({ length: 50 }, () => call(token)));
  for (const res of cold) assert.equal(res.status, 200, await res.text());
  assert.deepEqual(world.state.fetches, { jwks: 1, discovery: 1 });
  for (const [name, t, want] of await guardCases(world)) {
    const res = await call(t);
    assert.equal(res.status, want, `${name}: ${await res.clone().text()}`);
    if (want !== 200) {
      const error = want === 403 ? 'insufficient_scope' : 'invalid_token';
      assert.match(res.headers.get('www-authenticate'), new RegExp(`^Bearer realm="[^"]+", error="${error}"`), name);
    }
    await res.arrayBuffer();
  }
  const bare = await call(undefined);
  assert.equal(bare.status, 401);
  assert.equal(bare.headers.get('www-authenticate'), `Bearer realm="${world.issuer}"`);
  assert.equal(world.state.fetches.jwks, 1);

  const concurrent = await (await call(token, '/concurrent')).json();
  assert.equal(concurrent.passed, 1000);

  // Rotation at the server: the new kid is fetched once; then a flood of unknown kids within
  // the cooldown costs nothing more.
  const signNew = await world.rotate();
  const fresh = await signNew();
  for (let i = 0; i < 3; i++) assert.equal((await call(fresh)).status, 200);
  assert.equal(world.state.fetches.jwks, 2);
  const flood = await Promise.all(
    Array.from({ length: 100 }, async (_, i) => call(await world.sign({}, { kid: `random-${i}` }))),
  );
  assert.ok(flood.every((r) => r.status === 401));
  assert.equal(world.state.fetches.jwks, 2, 'the flood fell within the cooldown opened by the rotation');
  assert.equal((await (await call(undefined, '/fetches')).json()).fetches, 3);
});

// persist across isolates: each Miniflare instance is its own workerd process (a fresh isolate,
// a fresh guard); instances with the same defaultPersistRoot share their KV and Cache storage.
for (const PERSIST of ['kv', 'cache']) {
  test(`workerd persist ${PERSIST}: a fresh isolate's first request is served from the stored key set`, { timeout: 120_000 }, async () => {
    world.reset();
    const dir = mkdtempSync(join(tmpdir(), `tokenward-persist-${PERSIST}-`));
    const start = (persistRoot) =>
      new Miniflare({
        modules: modules(),
        modulesRoot: root,
        compatibilityDate: COMPATIBILITY_DATE,
        bindings: { ISSUER: world.issuer, PERSIST },
        kvNamespaces: ['JWKS'],
        defaultPersistRoot: persistRoot,
      });
    const get = (instance, token, path = '/') =>
      instance.dispatchFetch(`http://api.test${path}`, { headers: token ? { authorization: `Bearer ${token}` } : {} });
    const token = await world.sign();
    let instance;
    const stop = async () => {
      await instance?.dispose();
      instance = undefined;
    };
    try {
      instance = start(dir);
      const first = await get(instance, token);
      assert.equal(first.status, 200, await first.text());
      assert.deepEqual(world.state.fetches, { jwks: 1, discovery: 1 });
      if (PERSIST === 'kv') {
        // The snapshot is in the namespace, as the KV API reads it.
        const saved = JSON.parse(await (await instance.getKVNamespace('JWKS')).get('tokenward-jwks'));
        assert.equal(saved.jwksUri, `${world.issuer}/protocol/openid-connect/certs`);
      }
      await stop();

      // A new workerd on the same storage: its first requests (concurrent) fetch nothing.
      instance = start(dir);
      const warm = await Promise.all(Array.from({ length: 20 }, () => get(instance, token)));
      for (const res of warm) assert.equal(res.status, 200, await res.text());
      assert.deepEqual(world.state.fetches, { jwks: 1, discovery: 1 });
      assert.equal((await (await get(instance, undefined, '/fetches')).json()).fetches, 0);
      await stop();

      // The control: a new workerd on other (empty) storage starts cold, so the isolate really is new.
      instance = start(undefined);
      const cold = await get(instance, token);
      assert.equal(cold.status, 200, await cold.text());
      assert.deepEqual(world.state.fetches, { jwks: 2, discovery: 2 });
    } finally {
      await stop();
      rmSync(dir, { recursive: true, force: true });
    }
  });
}
