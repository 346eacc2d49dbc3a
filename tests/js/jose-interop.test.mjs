// Interop with jose (npm), the reference implementation: tokens jose signs verify with
// tokenward for every algorithm; tampered, expired and mis-addressed ones fail with the
// code that matches jose's own verdict; explain agrees with verify.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import * as jose from 'jose';
import * as tw from '../../pkg/node.js';

const ALGS = ['RS256', 'RS384', 'RS512', 'PS256', 'PS384', 'PS512', 'ES256', 'ES384', 'ES512', 'EdDSA'];
const HMAC = { HS256: 32, HS384: 48, HS512: 64 };
const ISS = 'http://127.0.0.1/realms/demo';
const NOW = Math.floor(Date.now() / 1000);

// jose error codes mapped to tokenward's.
const JOSE_TO_TW = {
  ERR_JWS_SIGNATURE_VERIFICATION_FAILED: 'signature_invalid',
  ERR_JWT_EXPIRED: 'expired',
  ERR_JWS_INVALID: 'malformed',
  ERR_JWT_INVALID: 'malformed',
  ERR_JOSE_ALG_NOT_ALLOWED: 'alg_not_allowed',
};

function claimCode(err) {
  if (err.code !== 'ERR_JWT_CLAIM_VALIDATION_FAILED') return JOSE_TO_TW[err.code] ?? err.code;
  if (err.reason === 'missing') return 'missing_claim';
  return { iss: 'issuer_mismatch', aud: 'audience_mismatch', nbf: 'not_yet_valid', iat: 'issued_in_future' }[err.claim] ?? err.code;
}

async function joseVerdict(token, key, options) {
  try {
    await jose.jwtVerify(token, key, options);
    return 'ok';
  } catch (err) {
    return claimCode(err);
  }
}

function ourVerdict(token, keys, options) {
  try {
    tw.verify(token, keys, options);
    return 'ok';
  } catch (err) {
    assert.ok(err instanceof tw.TokenError, String(err));
    return err.code;
  }
}

async function ourAsyncVerdict(token, keys, options) {
  try {
    const t = await tw.verifyAsync(token, keys, options);
    assert.equal(t.claims.iss, ISS);
    return 'ok';
  } catch (err) {
    assert.ok(err instanceof tw.TokenError, String(err));
    return err.code;
  }
}

function claims(extra = {}) {
  return { iss: ISS, sub: 'u1', aud: 'account', typ: 'Bearer', azp: 'spa', iat: NOW - 5, exp: NOW + 300,
    realm_access: { roles: ['user'] }, ...extra };
}

async function setup(alg) {
  if (HMAC[alg]) {
    const secret = crypto.getRandomValues(new Uint8Array(HMAC[alg]));
    return { keys: tw.KeySet.fromSecret(secret, { alg, kid: 'k1' }), signKey: secret, verifyKey: secret };
  }
  const { publicKey, privateKey } = await jose.generateKeyPair(alg, { extractable: true, crv: alg === 'EdDSA' ? 'Ed25519' : undefined });
  const jwk = { ...(await jose.exportJWK(publicKey)), kid: 'k1', use: 'sig', alg };
  return { keys: new tw.KeySet({ keys: [jwk] }), signKey: privateKey, verifyKey: publicKey };
}

async function exportKey(publicKey, alg) {
  return { ...(await jose.exportJWK(publicKey)), kid: 'k1', use: 'sig', alg };
}

function sign(alg, key, payload, header = {}) {
  return new jose.SignJWT(payload).setProtectedHeader({ alg, kid: 'k1', typ: 'JWT', ...header }).sign(key);
}

function tamperPayload(token) {
  const [h, , s] = token.split('.');
  const forged = Buffer.from(JSON.stringify(claims({ sub: 'admin' }))).toString('base64url');
  return `${h}.${forged}.${s}`;
}

for (const alg of [...ALGS, ...Object.keys(HMAC)]) {
  test(`${alg}: jose-signed tokens verify, and failures match jose's verdict`, async () => {
    const { keys, signKey, verifyKey } = await setup(alg);
    assert.deepEqual(keys.rejected, []);
    const good = await sign(alg, signKey, claims());
    const token = tw.verify(good, keys, { issuer: ISS, audience: 'account' });
    assert.equal(token.claims.sub, 'u1');
    assert.equal(token.kind, 'access');
    assert.ok(token.hasRealmRole('user'));

    const other = await setup(alg);
    const cases = {
      good,
      tampered: tamperPayload(good),
      otherKey: await sign(alg, other.signKey, claims()),
      expired: await sign(alg, signKey, claims({ exp: NOW - 600 })),
      notYet: await sign(alg, signKey, claims({ nbf: NOW + 600 })),
      wrongIssuer: await sign(alg, signKey, claims({ iss: 'http://evil' })),
      wrongAudience: await sign(alg, signKey, claims({ aud: 'other' })),
      noIssuer: await sign(alg, signKey, claims({ iss: undefined })),
    };
    const options = { issuer: ISS, audience: 'account', clockTolerance: 5 };
    for (const [name, t] of Object.entries(cases)) {
      const theirs = await joseVerdict(t, verifyKey, { ...options, algorithms: [alg] });
      const ours = ourVerdict(t, keys, options);
      assert.equal(ours, theirs, `${alg} ${name}: tokenward ${ours}, jose ${theirs}`);
      // verifyAsync (WebCrypto for the signature) agrees, on a fresh key set (no cache hit)
      // and again on the same one (a hit, or the cached CryptoKey).
      const fresh = HMAC[alg] ? keys : new tw.KeySet({ keys: keys.keys.length ? [await exportKey(verifyKey, alg)] : [] });
      assert.equal(await ourAsyncVerdict(t, fresh, options), ours, `${alg} ${name}: verifyAsync`);
      assert.equal(await ourAsyncVerdict(t, fresh, options), ours, `${alg} ${name}: verifyAsync again`);
      const report = tw.explain(t, keys, options);
      assert.equal(report.ok, ours === 'ok', `${alg} ${name}: explain.ok`);
      if (ours !== 'ok') {
        const failed = report.checks.filter((c) => c.status === 'fail');
        assert.equal(failed[0]?.code, ours, `${alg} ${name}: first failed check`);
      }
    }
  });
}

test('alg confusion: an HS256 token made with the RSA public key as secret is refused', async () => {
  const { publicKey } = await jose.generateKeyPair('RS256', { extractable: true });
  const jwk = { ...(await jose.exportJWK(publicKey)), kid: 'k1' };
  const spki = new TextEncoder().encode(await jose.exportSPKI(publicKey));
  const forged = await sign('HS256', spki, claims());
  const keys = new tw.KeySet({ keys: [jwk] });
  assert.equal(ourVerdict(forged, keys, {}), 'alg_not_allowed');
  assert.equal(ourVerdict(forged, keys, { algorithms: ['HS256'] }), 'key_not_found');
});

test('explain lists every check with a reason', async () => {
  const { keys, signKey } = await setup('RS256');
  const t = await sign('RS256', signKey, claims({ exp: NOW - 600, iss: 'http://evil' }));
  const report = tw.explain(t, keys, { issuer: ISS });
  assert.equal(report.ok, false);
  assert.equal(report.kind, 'access');
  assert.equal(report.claims.sub, 'u1');
  const byId = Object.fromEntries(report.checks.map((c) => [c.id, c]));
  assert.equal(byId.signature.status, 'pass');
  assert.equal(byId.exp.status, 'fail');
  assert.equal(byId.exp.code, 'expired');
  assert.match(byId.exp.reason, /ago/);
  assert.equal(byId.iss.code, 'issuer_mismatch');
  for (const c of report.checks) assert.ok(c.reason.length > 0, c.id);
  const unkeyed = tw.explain(t, null, {});
  assert.equal(unkeyed.checks.find((c) => c.id === 'signature').status, 'skipped');
});

test('verifyAsync settles concurrent calls on one key set, and rejects bad input as TokenError', async () => {
  const { keys, signKey } = await setup('ES256');
  const tokens = await Promise.all(Array.from({ length: 8 }, (_, i) => sign('ES256', signKey, claims({ jti: `t${i}` }))));
  const verified = await Promise.all(tokens.map((t) => tw.verifyAsync(t, keys, { issuer: ISS })));
  assert.deepEqual(verified.map((t) => t.claims.jti), tokens.map((_, i) => `t${i}`));
  assert.equal(keys.cacheStats.entries, 8, 'each verified token is cached');
  await assert.rejects(tw.verifyAsync('a.b', keys, {}), (e) => e instanceof tw.TokenError && e.code === 'malformed');
  await assert.rejects(tw.verifyAsync(tokens[0], keys, { nope: 1 }), (e) => e.code === 'invalid_option');
  // An empty list fails closed: it never switches the issuer or audience check off.
  for (const opts of [{ issuer: [] }, { audience: [] }]) {
    assert.throws(() => tw.verify(tokens[0], keys, opts), (e) => e.code === 'invalid_option', JSON.stringify(opts));
    assert.throws(() => tw.explain(tokens[0], keys, opts), (e) => e.code === 'invalid_option', JSON.stringify(opts));
  }
  const forgedSig = `${tokens[0].slice(0, tokens[0].lastIndexOf('.'))}.${Buffer.alloc(64).toString('base64url')}`;
  await assert.rejects(tw.verifyAsync(forgedSig, keys, {}), (e) => e.code === 'signature_invalid');
});

test('verified claims are frozen and shared by cache hits; decoded claims are the caller\'s own', async () => {
  const { keys, signKey } = await setup('RS256');
  const t = await sign('RS256', signKey, claims());
  const first = tw.verify(t, keys, {});
  const second = tw.verify(t, keys, {});
  assert.equal(keys.cacheStats.hits, 1);
  assert.ok(Object.isFrozen(first.claims) && Object.isFrozen(first.claims.realm_access.roles));
  assert.equal(first.claims, second.claims, 'a cache hit hands out the same frozen object');
  assert.throws(() => { 'use strict'; first.claims.sub = 'admin'; }, TypeError);
  assert.equal(second.claims.sub, 'u1');
  const decoded = tw.decode(t);
  assert.ok(!Object.isFrozen(decoded.claims));
  decoded.claims.sub = 'changed';
  assert.equal(tw.decode(t).claims.sub, 'u1');
});

test('an oversized token string is refused as malformed before it is copied', () => {
  const huge = 'a'.repeat(1 << 20);
  assert.throws(() => tw.decode(huge), (e) => e instanceof tw.TokenError && e.code === 'malformed' && /bytes/.test(e.message));
  assert.throws(() => tw.decode(42), (e) => e.code === 'malformed');
});
