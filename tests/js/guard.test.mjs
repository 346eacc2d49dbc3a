// tokenward/worker's guard in Node, against a local JWKS server that counts its fetches: the
// answers (status, WWW-Authenticate), rotation, a kid flood, an outage, concurrency, Hono.
import assert from 'node:assert/strict';
import { after, before, beforeEach, test } from 'node:test';
import { Hono } from 'hono';
import { createGuard } from '../../pkg/guard-node.js';
import { guardCases, guardWorld } from './fixtures/guard-world.mjs';

let world;
before(async () => {
  world = await guardWorld();
});
after(() => world.close());
beforeEach(() => world.reset());

const request = (token, scheme = 'Bearer') =>
  new Request('http://api.test/', { headers: token === undefined ? {} : { authorization: `${scheme} ${token}` } });

function guardFor(extra = {}) {
  return createGuard({ issuer: world.issuer, audience: 'api', requiredRealmRoles: ['user'], ...extra });
}

const REASONS = {
  expired: /^expired at /,
  audience_mismatch: /contains no expected audience/,
  issuer_mismatch: /is not an expected issuer/,
  wrong_kind: /(ID|refresh) token/,
  signature_invalid: /signature does not verify/,
  alg_not_allowed: /HS256 is not allowed/,
  missing_role: /realm role user is required/,
};

async function status(result) {
  return result instanceof Response ? result.status : 200;
}

test('each case gets its status and an RFC 6750 challenge; discovery and the JWKS are fetched once', async () => {
  const guard = guardFor();
  for (const [name, token, want, code] of await guardCases(world)) {
    const result = await guard.check(request(token));
    assert.equal(await status(result), want, name);
    if (want === 200) {
      assert.equal(result.claims.sub, 'u1', name);
      continue;
    }
    const challenge = result.headers.get('www-authenticate');
    const error = want === 403 ? 'insufficient_scope' : 'invalid_token';
    assert.match(challenge, new RegExp(`^Bearer realm="[^"]+", error="${error}", error_description="[^"]+"`), name);
    const body = await result.json();
    assert.equal(body.error, error, name);
    // The core's reason for each failure, as verify words it.
    assert.match(body.error_description, REASONS[code], name);
  }
  const bare = await guard.check(request(undefined));
  assert.equal(bare.status, 401);
  assert.equal(bare.headers.get('www-authenticate'), `Bearer realm="${world.issuer}"`);
  assert.equal((await guard.check(request('a b'))).status, 400);
  assert.equal((await guard.check(request('x', 'Basic'))).status, 401);
  assert.deepEqual(world.state.fetches, { jwks: 1, discovery: 1 });
});

test('rotation: the new kid is fetched once; a flood of unknown kids costs one fetch per cooldown', async () => {
  const guard = guardFor({ jwksUri: `${world.issuer}/protocol/openid-connect/certs` });
  assert.equal(await status(await guard.check(request(await world.sign()))), 200);
  const signNew = await world.rotate();
  const fresh = await signNew();
  assert.equal(await status(await guard.check(request(fresh))), 200);
  assert.equal(await status(await guard.check(request(fresh))), 200);
  assert.equal(world.state.fetches.jwks, 2, 'one fetch for the new kid');
  // The old key is gone from the JWKS: it stops verifying.
  const old = await guard.check(request(await world.sign()));
  assert.equal(old.status, 401);
  const flood = await Promise.all(
    Array.from({ length: 200 }, async (_, i) => guard.check(request(await world.sign({}, { kid: `random-${i}` })))),
  );
  assert.ok(flood.every((r) => r.status === 401));
  assert.ok(world.state.fetches.jwks <= 3, `at most one fetch for the flood, saw ${world.state.fetches.jwks - 2}`);
});

test('1,000 concurrent cold checks share one fetch', async () => {
  const guard = guardFor({ jwksUri: `${world.issuer}/protocol/openid-connect/certs` });
  const token = await world.sign();
  const results = await Promise.all(Array.from({ length: 1000 }, () => guard.check(request(token))));
  assert.ok(results.every((r) => !(r instanceof Response)), 'every concurrent check passed');
  assert.equal(world.state.fetches.jwks, 1);
  assert.equal(guard.fetches, 1);
});

test('an outage keeps cached keys working, and the retry waits its cooldown', async () => {
  const guard = guardFor({
    jwksUri: `${world.issuer}/protocol/openid-connect/certs`,
    cache: { minMaxAge: 1, defaultMaxAge: 1, cooldown: 30 },
  });
  world.state.cacheControl = 'max-age=1';
  const token = await world.sign();
  assert.equal(await status(await guard.check(request(token))), 200);
  world.state.down = true;
  await new Promise((r) => setTimeout(r, 1100));
  // Stale now: a background refetch starts and fails, and the cached keys go on.
  for (let i = 0; i < 5; i++) assert.equal(await status(await guard.check(request(token))), 200);
  await until(() => world.state.fetches.jwks === 2);
  for (let i = 0; i < 5; i++) assert.equal(await status(await guard.check(request(token))), 200);
  assert.equal(world.state.fetches.jwks, 2, 'no retry within the cooldown');
});

async function until(condition, ms = 3000) {
  const end = Date.now() + ms;
  while (!condition()) {
    if (Date.now() > end) throw new Error('timed out waiting');
    await new Promise((r) => setTimeout(r, 10));
  }
}

test('protect() and Hono middleware hand the verified token to the handler', async () => {
  const guard = guardFor();
  const handler = guard.protect((req, env, ctx, token) => new Response(token.claims.sub));
  assert.equal(await (await handler(request(await world.sign()), {}, undefined)).text(), 'u1');
  assert.equal((await handler(request(undefined), {}, undefined)).status, 401);
  const app = new Hono();
  app.use('/api/*', guard.hono());
  app.get('/api/me', (c) => c.text(c.get('token').claims.sub));
  assert.equal(await (await app.request('/api/me', { headers: { authorization: `Bearer ${await world.sign()}` } })).text(), 'u1');
  const denied = await app.request('/api/me', { headers: { authorization: `Bearer ${await world.sign({ typ: 'ID' })}` } });
  assert.equal(denied.status, 401);
  assert.match(denied.headers.get('www-authenticate'), /error="invalid_token"/);
});

test('guard options fail closed', () => {
  const bad = [
    {},
    { issuer: '' },
    { issuer: world.issuer, audience: [] },
    { issuer: world.issuer, requiredScopes: [] },
    { issuer: world.issuer, requiredResourceRoles: { api: [] } },
    { issuer: world.issuer, kind: 'id' },
    { issuer: world.issuer, jwksUri: '/relative' },
    { issuer: world.issuer, cache: { cooldown: 0 } },
    { issuer: world.issuer, cache: { colldown: 5 } },
  ];
  for (const options of bad) {
    assert.throws(() => createGuard(options), (e) => e.code === 'invalid_option', JSON.stringify(options));
  }
  // The shim's own option, persist: an empty or half-made store is an error, never "off".
  const kv = { get: async () => null, put: async () => {} };
  const cache = { match: async () => undefined, put: async () => {} };
  for (const persist of [null, 'kv', {}, { kv: {} }, { kv: { get: kv.get } }, { cache: kv }, { kv, cache }, { kv, key: '' }, { cache, key: 7 }]) {
    assert.throws(
      () => createGuard({ issuer: world.issuer, persist }),
      (e) => e.code === 'invalid_option' && /persist/.test(e.message),
      JSON.stringify(persist),
    );
  }
  for (const persist of [{ kv }, { cache }, { kv, key: 'tenant-a' }]) createGuard({ issuer: world.issuer, persist });
});

// persist: the key set saved after each JWKS fetch and restored on a fresh guard's first check
// (a fresh isolate starts warm). The stores below behave as the runtime's do: async, and the
// Cache hands out a new Response on each match.
function fakeKv() {
  const map = new Map();
  return { map, get: async (key) => map.get(key) ?? null, put: async (key, value) => void map.set(key, value) };
}

function fakeCache() {
  const map = new Map();
  return {
    map,
    match: async (url) => {
      const hit = map.get(String(url));
      return hit && new Response(hit.body, { headers: hit.headers });
    },
    put: async (url, res) => void map.set(String(url), { body: await res.text(), headers: res.headers }),
  };
}

const JWKS_PATH = '/protocol/openid-connect/certs';
const SNAPSHOT_URL = 'https://tokenward.invalid/tokenward-jwks';

// A clock the guard and world.sign both read (Date.now), moved by hand; restored after the test.
function clock(t) {
  const real = Date.now.bind(Date);
  let offset = 0;
  t.mock.method(Date, 'now', () => real() + offset);
  return { advance: (seconds) => (offset += seconds * 1000) };
}

test('persist { kv }: a fresh guard restores what the first one saved and fetches nothing', async () => {
  const kv = fakeKv();
  const a = guardFor({ persist: { kv } });
  assert.equal(await status(await a.check(request(await world.sign()))), 200);
  assert.deepEqual(world.state.fetches, { jwks: 1, discovery: 1 });
  const saved = JSON.parse(kv.map.get('tokenward-jwks'));
  assert.equal(saved.jwksUri, `${world.issuer}${JWKS_PATH}`);
  assert.deepEqual(JSON.parse(saved.jwks).keys.map((k) => k.kid), ['rsa-1', 'ec-1']);

  // Same store, same options, a new guard (what a fresh isolate builds): warm from its first check.
  const b = guardFor({ persist: { kv } });
  assert.equal(await status(await b.check(request(await world.sign()))), 200);
  assert.equal(await status(await b.check(request(await world.sign({}, { alg: 'ES256' })))), 200);
  assert.equal(b.fetches, 0);
  assert.deepEqual(world.state.fetches, { jwks: 1, discovery: 1 });

  // `key` names the entry: another key starts cold and saves beside the first.
  const c = guardFor({ persist: { kv, key: 'tenant-b' } });
  assert.equal(await status(await c.check(request(await world.sign()))), 200);
  assert.deepEqual(world.state.fetches, { jwks: 2, discovery: 2 });
  assert.deepEqual([...kv.map.keys()].sort(), ['tenant-b', 'tokenward-jwks']);
});

test('persist { cache }: the same through a Cache API, under a URL no client can request', async () => {
  const cache = fakeCache();
  const a = guardFor({ persist: { cache } });
  assert.equal(await status(await a.check(request(await world.sign()))), 200);
  assert.deepEqual([...cache.map.keys()], [SNAPSHOT_URL]);
  // Kept by the Cache API: a Response without a lifetime would not be stored.
  assert.match(cache.map.get(SNAPSHOT_URL).headers.get('cache-control'), /max-age=\d+/);

  const b = guardFor({ persist: { cache } });
  assert.equal(await status(await b.check(request(await world.sign()))), 200);
  assert.equal(b.fetches, 0);
  assert.deepEqual(world.state.fetches, { jwks: 1, discovery: 1 });
});

test('persist: a corrupt snapshot, or one from another jwksUri, is ignored and the guard fetches', async () => {
  const jwksUri = `${world.issuer}${JWKS_PATH}`;
  const kv = fakeKv();
  assert.equal(await status(await guardFor({ jwksUri, persist: { kv } }).check(request(await world.sign()))), 200);
  const good = JSON.parse(kv.map.get('tokenward-jwks'));
  const cases = [
    ['not JSON', '{"jwks":'],
    ['not an object', '"tokenward"'],
    ['no freshUntil', JSON.stringify({ ...good, freshUntil: undefined })],
    ['freshUntil not a number', JSON.stringify({ ...good, freshUntil: String(good.freshUntil) })],
    ['a JWKS that does not parse', JSON.stringify({ ...good, jwks: '{"keys":' })],
    ['no jwksUri', JSON.stringify({ ...good, jwksUri: undefined })],
    ['another jwksUri', JSON.stringify({ ...good, jwksUri: 'https://other.example/certs' })],
  ];
  // Each case: one fetch (the snapshot did not count), and the answer is the live key set's.
  for (const [i, [name, text]] of cases.entries()) {
    const store = fakeKv();
    store.map.set('tokenward-jwks', text);
    const guard = guardFor({ jwksUri, persist: { kv: store } });
    assert.equal(await status(await guard.check(request(await world.sign()))), 200, name);
    assert.equal(world.state.fetches.jwks, i + 2, name);
    // The live fetch replaced the bad entry.
    assert.deepEqual(JSON.parse(store.map.get('tokenward-jwks')).jwksUri, jwksUri, name);
  }
  // The control: the good snapshot itself is taken.
  const warm = guardFor({ jwksUri, persist: { kv } });
  assert.equal(await status(await warm.check(request(await world.sign()))), 200);
  assert.equal(warm.fetches, 0);
});

test("persist: another issuer's snapshot is ignored, so its keys never verify this issuer's tokens", async () => {
  // Two issuers behind one KV and the default key, each guard reading its issuer's discovery
  // document: the other issuer's keys (same kids) must not be adopted.
  const other = await guardWorld();
  try {
    const kv = fakeKv();
    const foreign = createGuard({ issuer: other.issuer, audience: 'api', persist: { kv } });
    assert.equal(await status(await foreign.check(request(await other.sign()))), 200);
    assert.ok(kv.map.has('tokenward-jwks'));
    const guard = guardFor({ persist: { kv } });
    // Signed with the other issuer's key but naming this issuer: refused, after a live fetch.
    const forged = await other.sign({ iss: world.issuer });
    assert.equal((await guard.check(request(forged))).status, 401);
    assert.deepEqual(world.state.fetches, { jwks: 1, discovery: 1 });
    assert.equal(await status(await guard.check(request(await world.sign()))), 200);
  } finally {
    await other.close();
  }
  // The snapshot names its issuer; one naming another, or none, is not taken.
  const jwksUri = `${world.issuer}${JWKS_PATH}`;
  const kv = fakeKv();
  assert.equal(await status(await guardFor({ jwksUri, persist: { kv } }).check(request(await world.sign()))), 200);
  const good = JSON.parse(kv.map.get('tokenward-jwks'));
  assert.equal(good.issuer, world.issuer);
  for (const issuer of ['https://other.example/realms/demo', undefined]) {
    const store = fakeKv();
    store.map.set('tokenward-jwks', JSON.stringify({ ...good, issuer }));
    const guard = guardFor({ jwksUri, persist: { kv: store } });
    assert.equal(await status(await guard.check(request(await world.sign()))), 200);
    assert.equal(guard.fetches, 1, `issuer ${issuer}`);
  }
});

test('persist: a snapshot past its stale limit is ignored; one within it serves through an outage', async (t) => {
  const time = clock(t);
  const jwksUri = `${world.issuer}${JWKS_PATH}`;
  const kv = fakeKv();
  // Fresh for 300 s (max-age=300), then usable for staleLimit (3600 by default) more.
  assert.equal(await status(await guardFor({ jwksUri, persist: { kv } }).check(request(await world.sign()))), 200);
  const saved = kv.map.get('tokenward-jwks');
  world.state.down = true;

  // Stale but within the limit: the snapshot's keys answer although the endpoint is down.
  time.advance(300 + 3600 - 60);
  const within = guardFor({ jwksUri, persist: { kv } });
  assert.equal(await status(await within.check(request(await world.sign()))), 200);
  // Its background refresh (stale keys) is the one fetch; it fails, and the keys go on.
  await until(() => world.state.fetches.jwks === 2);
  assert.equal(await status(await within.check(request(await world.sign()))), 200);

  // Past the limit: ignored, so the guard has no keys until a fetch succeeds.
  time.advance(61);
  const store = fakeKv();
  store.map.set('tokenward-jwks', saved);
  const past = guardFor({ jwksUri, persist: { kv: store } });
  const res = await past.check(request(await world.sign()));
  assert.equal(res.status, 503);
  assert.equal(world.state.fetches.jwks, 3);
});

test('persist: a snapshot claiming freshness for years counts as at most maxMaxAge', async (t) => {
  const time = clock(t);
  const jwksUri = `${world.issuer}${JWKS_PATH}`;
  const kv = fakeKv();
  assert.equal(await status(await guardFor({ jwksUri, persist: { kv } }).check(request(await world.sign()))), 200);
  const saved = JSON.parse(kv.map.get('tokenward-jwks'));
  kv.map.set('tokenward-jwks', JSON.stringify({ ...saved, freshUntil: saved.freshUntil + 10 * 365 * 86400 }));
  const guard = guardFor({ jwksUri, persist: { kv } });
  assert.equal(await status(await guard.check(request(await world.sign()))), 200);
  assert.equal(guard.fetches, 0);
  // maxMaxAge (86400) and staleLimit (3600) later the keys are spent: the guard must fetch.
  world.state.down = true;
  time.advance(86400 + 3600 + 1);
  assert.equal((await guard.check(request(await world.sign()))).status, 503);
  assert.equal(world.state.fetches.jwks, 2);
});

test('persist: a KV or Cache whose calls throw or reject never fails a request', async () => {
  const fail = () => {
    throw new Error('storage down');
  };
  const reject = async () => fail();
  const stores = [
    ['kv rejecting', { kv: { get: reject, put: reject } }],
    ['kv throwing', { kv: { get: fail, put: fail } }],
    ['kv get fine, put throwing', { kv: { get: async () => null, put: fail } }],
    ['cache rejecting', { cache: { match: reject, put: reject } }],
    ['cache throwing', { cache: { match: fail, put: fail } }],
    ['cache match fine, put throwing', { cache: { match: async () => undefined, put: fail } }],
  ];
  const jwksUri = `${world.issuer}${JWKS_PATH}`;
  for (const [name, persist] of stores) {
    world.reset();
    const guard = guardFor({ jwksUri, persist });
    assert.equal(await status(await guard.check(request(await world.sign()))), 200, name);
    assert.equal(await status(await guard.check(request(await world.sign()))), 200, name);
    assert.equal(world.state.fetches.jwks, 1, name);
    // A failed save is not a failed fetch: no cooldown opened, so a rotation is still seen.
    const signNew = await world.rotate();
    assert.equal(await status(await guard.check(request(await signNew()))), 200, name);
    assert.equal(world.state.fetches.jwks, 2, name);
  }
});
