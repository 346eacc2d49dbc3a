// Every option fails closed: an empty, null, wrongly typed or unknown value is invalid_option
// from verify, explain and verifyAsync alike (never "check off"), and so is every member of
// the KeySet and fromSecret options. One table, so a new option gets its row.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import * as jose from 'jose';
import * as tw from '../../pkg/node.js';

const NOW = Math.floor(Date.now() / 1000);
const { publicKey, privateKey } = await jose.generateKeyPair('RS256', { extractable: true });
const jwk = { ...(await jose.exportJWK(publicKey)), kid: 'k1' };
const keys = new tw.KeySet({ keys: [jwk] });
const token = await new jose.SignJWT({ iss: 'https://id/realms/x', sub: 'u', aud: 'api', typ: 'Bearer', azp: 'spa' })
  .setProtectedHeader({ alg: 'RS256', kid: 'k1' }).setIssuedAt(NOW).setExpirationTime(NOW + 300).sign(privateKey);

const BAD_VERIFY_OPTIONS = [
  'not an object', 42, [],
  { nope: 1 }, { Issuer: 'x' },
  { issuer: '' }, { issuer: [] }, { issuer: null }, { issuer: 1 }, { issuer: [''] }, { issuer: ['x', 2] },
  { audience: '' }, { audience: [] }, { audience: null }, { audience: {} },
  { azp: '' }, { azp: null }, { azp: ['spa'] },
  { kind: '' }, { kind: null }, { kind: 'Access' }, { kind: 'bearer' },
  { algorithms: [] }, { algorithms: null }, { algorithms: 'RS256' }, { algorithms: ['none'] }, { algorithms: ['rs256'] },
  { clockTolerance: -1 }, { clockTolerance: null }, { clockTolerance: '30' }, { clockTolerance: Infinity }, { clockTolerance: NaN }, { clockTolerance: 86_401 },
  { maxAge: -5 }, { maxAge: null }, { maxAge: '60' },
  { requiredClaims: [] }, { requiredClaims: null }, { requiredClaims: 'sub' }, { requiredClaims: [''] }, { requiredClaims: [1] },
  { now: -1 }, { now: null }, { now: '1700000000' }, { now: 1e300 },
];

test('every bad verify option is invalid_option in verify, explain and verifyAsync', async () => {
  assert.equal(tw.verify(token, keys, { issuer: 'https://id/realms/x', audience: 'api', azp: 'spa' }).claims.sub, 'u');
  for (const opts of BAD_VERIFY_OPTIONS) {
    const label = JSON.stringify(opts) ?? String(opts);
    assert.throws(() => tw.verify(token, keys, opts), (e) => e.code === 'invalid_option', `verify ${label}`);
    assert.throws(() => tw.explain(token, keys, opts), (e) => e.code === 'invalid_option', `explain ${label}`);
    await assert.rejects(tw.verifyAsync(token, keys, opts), (e) => e.code === 'invalid_option', `verifyAsync ${label}`);
  }
});

test('KeySet and fromSecret options refuse unknown members and wrong types', () => {
  for (const opts of [{ cachesize: 1 }, { cacheSize: -1 }, { cacheSize: 'big' }, 'x']) {
    assert.throws(() => new tw.KeySet({ keys: [jwk] }, opts), (e) => e.code === 'invalid_option', JSON.stringify(opts));
  }
  assert.equal(new tw.KeySet({ keys: [jwk] }, { cacheSize: 0 }).keys.length, 1);
  const secret = 'a'.repeat(32);
  for (const opts of [undefined, {}, { alg: 'HS256', kdi: 'x' }, { alg: 'HS256', kid: 7 }, { alg: 'HS256', kid: '' }, { alg: 'HS256', kid: null }, { alg: 256 }, { alg: 'RS256' }]) {
    assert.throws(() => tw.KeySet.fromSecret(secret, opts), (e) => e.code === 'invalid_option' || e.code === 'key_rejected', JSON.stringify(opts));
  }
  // The kid that was dropped before: a secret named "a" no longer answers to kid "b".
  const named = tw.KeySet.fromSecret(secret, { alg: 'HS256', kid: 'a' });
  assert.equal(named.keys[0].kid, 'a');
});

test('a key set with no usable key throws with the reasons', () => {
  for (const doc of [{ keys: [] }, { keys: [null] }, { keys: [{ kty: 'RSA' }] }]) {
    assert.throws(() => new tw.KeySet(doc), (e) => e.code === 'key_rejected' && /no usable verification key/.test(e.message), JSON.stringify(doc));
  }
});
