// tokenward/lite: the build without signature crypto decodes and explains, never verifies.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import * as lite from '../../pkg/lite/node.js';
import { makeFixture } from './fixtures/tokens.mjs';

const fx = await makeFixture();

test('lite decodes and exposes roles, but has no verify', () => {
  assert.equal(typeof lite.verify, 'undefined');
  assert.equal(typeof lite.KeySet.fromSecret, 'undefined');
  const t = lite.decode(fx.token);
  assert.equal(t.kind, 'access');
  assert.equal(t.claims.sub, 'u1');
  assert.throws(() => lite.decode('a.b'), (e) => e instanceof lite.TokenError && e.code === 'malformed');
});

test('lite explains every check and reports the signature as skipped', () => {
  const keys = new lite.KeySet(fx.jwks);
  const report = lite.explain(fx.token, keys, { issuer: fx.issuer });
  assert.equal(report.ok, false, 'a token is never ok without a signature check');
  const byId = Object.fromEntries(report.checks.map((c) => [c.id, c]));
  assert.equal(byId.key.status, 'pass');
  assert.equal(byId.signature.status, 'skipped');
  assert.match(byId.signature.reason, /no signature crypto/);
  assert.equal(byId.iss.status, 'pass');
  assert.equal(report.checks.filter((c) => c.status === 'fail').length, 0);
});
