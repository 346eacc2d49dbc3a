// The package's Node entry (pkg/node.js): the shared runtime checks, then the finer points of the
// API contract that need no other runtime (error codes, options, key sets, roles and scopes).
import assert from 'node:assert/strict';
import { generateKeyPairSync, randomUUID, sign } from 'node:crypto';
import { test } from 'node:test';
import * as tw from '../../pkg/node.js';
import * as webcryptoOnly from '../../pkg/inspect/node.js';
import { exercise } from './fixtures/exercise.mjs';
import { assertSummary } from './fixtures/expect-summary.mjs';
import { parityVerdicts } from './fixtures/parity.mjs';
import { assertParity, loadParityCorpus, parityInputs } from './fixtures/parity-compare.mjs';
import { makeFixture, runtimeFixture } from './fixtures/tokens.mjs';

const fx = await makeFixture();
const keySet = new tw.KeySet(fx.jwks);
const opts = { issuer: fx.issuer };

function assertTokenError(fn, code) {
  assert.throws(fn, (err) => {
    assert.ok(err instanceof tw.TokenError, `not a TokenError: ${err?.stack ?? err}`);
    assert.equal(err.name, 'TokenError');
    assert.equal(err.code, code, err.message);
    return true;
  });
}

test('shared runtime checks pass in Node', async () => {
  assertSummary(exercise(tw, await runtimeFixture()));
});

test('parity corpus: the wasm32 build in Node agrees with the native verdicts', async (t) => {
  const corpus = loadParityCorpus(t);
  if (!corpus) return;
  t.diagnostic(assertParity('node', corpus, await parityVerdicts(tw, webcryptoOnly, parityInputs(corpus, 'node'))));
});

test('KeySet accepts a JWKS JSON string', () => {
  const t = tw.verify(fx.token, new tw.KeySet(JSON.stringify(fx.jwks)), opts);
  assert.equal(t.claims.sub, 'u1');
});

test('verify reports expiry, also via options.now', () => {
  assertTokenError(() => tw.verify(fx.expired, keySet, opts), 'expired');
  assertTokenError(() => tw.verify(fx.token, keySet, { ...opts, now: fx.now + 3600 }), 'expired');
});

test('verify checks issuer, audience, kind and algorithms', () => {
  assertTokenError(() => tw.verify(fx.token, keySet, { issuer: 'http://other/realms/x' }), 'issuer_mismatch');
  assertTokenError(() => tw.verify(fx.idToken, keySet, { ...opts, audience: 'not-spa' }), 'audience_mismatch');
  assertTokenError(() => tw.verify(fx.token, keySet, { ...opts, kind: 'id' }), 'wrong_kind');
  assertTokenError(() => tw.verify(fx.token, keySet, { ...opts, algorithms: ['ES256'] }), 'alg_not_allowed');
  assert.equal(tw.verify(fx.idToken, keySet, { ...opts, audience: 'spa', kind: 'id' }).kind, 'id');
});

test('verify reports a kid missing from the key set', () => {
  assertTokenError(() => tw.verify(fx.unknownKid, keySet, opts), 'key_not_found');
});

test('KeySet.fromSecret verifies HS256 tokens', () => {
  const { secret, kid, token } = fx.hs256;
  const t = tw.verify(token, tw.KeySet.fromSecret(secret, { alg: 'HS256', kid }), opts);
  assert.equal(t.claims.sub, 'u1');
  const wrong = tw.KeySet.fromSecret('another-secret-of-at-least-32-bytes', { alg: 'HS256', kid });
  assertTokenError(() => tw.verify(token, wrong, opts), 'signature_invalid');
});

test('a verified Token exposes Keycloak roles and scopes; a decoded one has no helpers to authorize with', () => {
  const unverified = tw.decode(fx.token);
  assert.ok(unverified instanceof tw.UnverifiedToken && !(unverified instanceof tw.Token));
  for (const helper of ['hasRealmRole', 'hasResourceRole', 'hasScope', 'realmRoles', 'resourceRoles', 'scopes']) {
    assert.equal(unverified[helper], undefined, helper);
  }
  assert.deepEqual(Object.keys(unverified.toJSON()), ['header', 'claims', 'kind']);
  const t = tw.verify(fx.token, keySet, opts);
  assert.ok(t instanceof tw.Token);
  assert.deepEqual([...t.realmRoles()], ['user']);
  assert.deepEqual([...t.resourceRoles('spa')], ['viewer']);
  assert.equal(t.hasResourceRole('viewer', 'spa'), true);
  assert.equal(t.hasResourceRole('viewer', 'other'), false);
  assert.deepEqual([...t.scopes()], ['openid', 'profile']);
  assert.equal(t.hasScope('profile'), true);
  assert.equal(t.hasScope('email'), false);
  assert.equal(t.hasRealmRole('user'), true);
  assert.equal(t.hasRealmRole('admin'), false);
  // Roles are read from the token's own members only: Object.prototype names no client.
  for (const client of ['__proto__', 'constructor', 'toString', 'hasOwnProperty']) {
    assert.deepEqual([...t.resourceRoles(client)], [], client);
    assert.equal(t.hasResourceRole('viewer', client), false, client);
  }
  // Even with Object.prototype polluted (an inherited `roles` everywhere).
  Object.prototype.roles = ['viewer'];
  try {
    assert.deepEqual([...t.resourceRoles('toString')], []);
    assert.equal(t.hasResourceRole('viewer', 'constructor'), false);
  } finally {
    delete Object.prototype.roles;
  }
  // Each call hands out a fresh array: a caller's change never reaches the token.
  t.realmRoles().push('admin');
  t.scopes().push('email');
  assert.equal(t.hasRealmRole('admin'), false);
  assert.equal(t.hasScope('email'), false);
});

test('explain without a key set skips the signature check', () => {
  const r = tw.explain(fx.token, null, opts);
  const sig = r.checks.filter((c) => c.status === 'skipped');
  assert.ok(sig.length > 0, JSON.stringify(r.checks));
  assert.equal(r.claims.sub, 'u1');
});

// The verifier the Node entry registers, wrapped to record what node:crypto answered: a call
// that threw (a mismatch between the entry and the bindings, say) would fall back to the Wasm
// verifier unseen, so the tests count answers, not calls.
function recordNative() {
  const { importKey, verify } = tw.__nativeVerifier;
  const answers = [];
  tw.__setNativeVerifier(importKey, (...args) => {
    const answer = verify(...args);
    answers.push(answer);
    return answer;
  });
  return { answers, importKey, restore: () => tw.__setNativeVerifier(importKey, verify) };
}

test('Node checks signatures with node:crypto; a throwing native call falls back to the Wasm verifier', async () => {
  const fresh = () => new tw.KeySet(fx.jwks, { cacheSize: 0 });
  const native = recordNative();
  try {
    assert.equal(tw.verify(fx.token, fresh(), opts).claims.sub !== undefined, true);
    assert.deepEqual(native.answers, [true], 'node:crypto verified the signature');
    assert.equal((await tw.verifyAsync(fx.token, fresh(), opts)).kind, 'access');
    assert.deepEqual(native.answers, [true, true], 'verifyAsync too');
    // Its answer is the one that counts...
    tw.__setNativeVerifier(native.importKey, () => false);
    assertTokenError(() => tw.verify(fx.token, fresh(), opts), 'signature_invalid');
    // ...and where it throws, the Wasm verifier decides.
    tw.__setNativeVerifier(native.importKey, () => {
      throw new Error('no such algorithm');
    });
    assert.ok(tw.verify(fx.token, fresh(), opts));
  } finally {
    native.restore();
  }
});

// node:crypto reads the message and signature straight from Wasm memory. Views made before the
// call were once detached by a memory growth in between (making a JS value can allocate in
// Wasm): the 2,725th of these 3,000 Keycloak-shaped tokens failed as signature_invalid. Every
// one must verify, with each kind of node:crypto signature.
test('node:crypto: thousands of distinct tokens in one loop all verify', () => {
  const b64 = (v) => Buffer.from(JSON.stringify(v)).toString('base64url');
  const kinds = [
    ['ES256', 'ec', { namedCurve: 'P-256' }, (data, key) => sign('sha256', data, { key, dsaEncoding: 'ieee-p1363' })],
    ['EdDSA', 'ed25519', {}, (data, key) => sign(null, data, key)],
  ];
  const now = Math.floor(Date.now() / 1000);
  const native = recordNative();
  try {
  for (const [alg, type, params, signWith] of kinds) {
    const { publicKey, privateKey } = generateKeyPairSync(type, params);
    const keys = new tw.KeySet({ keys: [{ ...publicKey.export({ format: 'jwk' }), kid: 'k1', alg }] }, { cacheSize: 0 });
    let failed = 0;
    for (let i = 0; i < 3000; i++) {
      const claims = {
        sub: `u${i}`,
        iss: fx.issuer,
        aud: 'account',
        typ: 'Bearer',
        azp: 'spa',
        scope: 'openid profile email',
        sid: `abc${i}`,
        realm_access: { roles: ['user', 'offline_access', 'uma_authorization'] },
        resource_access: { account: { roles: ['manage-account', 'view-profile'] } },
        preferred_username: 'alice',
        email: 'alice@example.com',
        name: 'Alice Liddell',
        exp: now + 3600,
        iat: now,
        jti: randomUUID(),
      };
      const input = `${b64({ alg, kid: 'k1', typ: 'JWT' })}.${b64(claims)}`;
      const token = `${input}.${signWith(Buffer.from(input), privateKey).toString('base64url')}`;
      try {
        if (tw.verify(token, keys, opts).claims.iss !== fx.issuer) failed++;
      } catch {
        failed++;
      }
    }
    assert.equal(failed, 0, `${alg}: ${failed} of 3000 valid tokens refused`);
    assert.equal(native.answers.length, 3000, `${alg}: every signature went to node:crypto`);
    assert.ok(native.answers.every((a) => a === true), `${alg}: node:crypto verified every one`);
    native.answers.length = 0;
  }
  } finally {
    native.restore();
  }
});
