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
});
