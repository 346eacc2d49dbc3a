// tokenward/inspect in Node over its own flavour (pkg/inspect/: lite plus WebCrypto verifyAsync and the inspector): inspection of tokens, token responses and
// garbage; checks with the signature by WebCrypto; comparisons; key fetches with a fake fetch.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { generateKeyPairSync } from 'node:crypto';
import { generateKeyPair, SignJWT } from 'jose';
import * as inspector from '../../pkg/inspect/inspect-node.js';
import { makeFixture, tamperPayload } from './fixtures/tokens.mjs';

const fx = await makeFixture();
const byId = (report) => Object.fromEntries(report.checks.map((c) => [c.id, c]));
const codes = (notes) => notes.map((n) => n.code);

test('a Keycloak-shaped access token is explained: kind, roles, claims, times', () => {
  const r = inspector.inspect(fx.token, { now: fx.now + 60 });
  assert.equal(r.input, 'token');
  const [t] = r.tokens;
  assert.equal(t.kind, 'access');
  assert.equal(t.issuer, fx.issuer);
  assert.deepEqual(t.realm_roles, ['user']);
  assert.deepEqual(t.client_roles, [{ client: 'spa', roles: ['viewer'] }]);
  assert.deepEqual(t.scopes, ['openid', 'profile']);
  assert.equal(t.claims.sub, 'u1');
  assert.equal(t.header.kid, 'k1');
  const exp = t.times.find((x) => x.claim === 'exp');
  assert.equal(exp.relative, 'expires in 4m 0s');
  assert.match(exp.utc, /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/);
  const iss = t.claim_fields.find((f) => f.name === 'iss');
  assert.match(iss.explanation, /Keycloak realm "demo"/);
  assert.ok(codes(t.notes).includes('aud_missing'), 'Keycloak access tokens without aud are explained');
  assert.equal(inspector.describeTime('exp', fx.now + 300, fx.now + 300 + 3 * 3600), 'expired 3h 0m ago');
});

test('a token response: every token, lifetimes beside them, refresh_expires_in 0 is offline', async () => {
  const secret = new TextEncoder().encode('realm-secret-realm-secret-realm-secret-realm-secret-realm-secret!');
  const refresh = await new SignJWT({ typ: 'Offline', iss: fx.issuer, sub: 'u1', sid: 's1', iat: fx.now })
    .setProtectedHeader({ alg: 'HS512', typ: 'JWT', kid: 'r1' })
    .sign(secret);
  const body = JSON.stringify({
    access_token: fx.token, expires_in: 300, refresh_expires_in: 0, refresh_token: refresh,
    token_type: 'Bearer', id_token: fx.idToken, scope: 'openid offline_access',
  });
  const r = inspector.inspect(body, { now: fx.now });
  assert.equal(r.input, 'token_response');
  assert.deepEqual(r.tokens.map((t) => [t.field, t.kind]), [['access_token', 'access'], ['id_token', 'id'], ['refresh_token', 'offline']]);
  assert.match(r.tokens[0].stated_lifetime, /^expires_in: 300 s/);
  assert.match(r.tokens[2].stated_lifetime, /offline/);
  assert.ok(codes(r.response.notes).includes('offline_response'));
  assert.deepEqual(codes(r.tokens[2].notes), ['refresh_hmac', 'offline_no_expiry']);
});

test('garbage gets a clear error naming what is wrong', () => {
  const cases = [
    ['hello', /3 segments, this has 1.*three base64url segments/],
    ['a.b', /exactly 3 segments, this has 2/],
    [`${Buffer.from('{"alg":"RS256"}').toString('base64url')}.@@@.c2ln`, /payload is not strict base64url/],
    [`${Buffer.from('{"alg":').toString('base64url')}.e30.c2ln`, /header is not valid JSON/],
    ['', /Nothing to inspect/],
  ];
  for (const [text, message] of cases) {
    const [t] = inspector.inspect(text).tokens;
    assert.equal(t.kind, 'invalid', text);
    assert.equal(t.error.code, 'malformed');
    assert.match(t.error.message, message, text);
  }
  const jwks = inspector.inspect(JSON.stringify(fx.jwks));
  assert.equal(jwks.input, 'invalid');
  assert.match(jwks.notes[0].text, /JWKS/);
  assert.throws(() => inspector.inspect(42), (e) => e.code === 'malformed');
});

test('a token in a URL is found and warned about', () => {
  const r = inspector.inspect(`https://app.example/cb#state=x&access_token=${fx.token}`);
  assert.equal(r.input, 'url');
  assert.equal(r.tokens[0].kind, 'access');
  assert.ok(codes(r.notes).includes('token_in_url'));
});

test('explain verifies the signature through WebCrypto in the inspect build', async () => {
  const keys = inspector.loadKeys(fx.jwks);
  assert.equal(keys.keys.length, 1);
  const good = await inspector.explain(fx.token, keys, { issuer: fx.issuer, kind: 'access' });
  assert.equal(good.ok, true, good.summary);
  assert.match(byId(good).signature.reason, /kid "k1".*by WebCrypto/);
  assert.match(good.summary, /^Accepted/);

  const bad = await inspector.explain(tamperPayload(fx.token, { sub: 'u2' }), keys, { issuer: fx.issuer });
  assert.equal(bad.ok, false);
  assert.equal(byId(bad).signature.status, 'fail');
  assert.equal(byId(bad).signature.code, 'signature_invalid');

  const wrongConfig = await inspector.explain(fx.token, keys, { issuer: 'https://other/realms/x', audience: 'api' });
  assert.match(wrongConfig.summary, /^Refused: 2 checks fail\. iss: .*; aud: /);

  const noKeys = await inspector.explain(fx.token, null, {});
  assert.equal(byId(noKeys).signature.status, 'skipped');
  assert.match(noKeys.summary, /^Not verified/);
});

test('weak keys are refused with a note', async () => {
  // jose refuses to make a 1024-bit key; node:crypto still does.
  const { publicKey } = generateKeyPairSync('rsa', { modulusLength: 1024 });
  const loaded = inspector.loadKeys({ keys: [{ ...publicKey.export({ format: 'jwk' }), kid: 'weak' }, ...fx.jwks.keys] });
  assert.equal(loaded.keys.length, 1);
  assert.match(loaded.notes.find((n) => n.code === 'key_rejected').text, /kid "weak".*1024 bits/);
});

test('compare says which claims changed and what it means', async () => {
  const later = await new SignJWT({ ...fx.claims, sid: 's1', iat: fx.now + 240, exp: fx.now + 540 })
    .setProtectedHeader({ alg: 'RS256', kid: 'k1', typ: 'JWT' })
    .sign((await generateKeyPair('RS256')).privateKey);
  const before = tamperPayload(fx.token, { sid: 's1' });
  const c = inspector.compare(before, later);
  assert.deepEqual(c.changed.map((x) => x.name), ['exp', 'iat']);
  assert.deepEqual(codes(c.notes), ['same_session', 'reissued']);
  assert.throws(() => inspector.compare('garbage', later), (e) => e.code === 'malformed');
});

test('discovery then JWKS through the given fetch; failures are explained, not swallowed', async () => {
  const issuer = 'https://sso.example/realms/demo';
  const requested = [];
  const fakeFetch = (answers) => async (url, init) => {
    requested.push([url, init.credentials]);
    const a = answers[url];
    if (!a) throw new TypeError('Failed to fetch');
    return { status: a[0], text: async () => (typeof a[1] === 'string' ? a[1] : JSON.stringify(a[1])) };
  };
  const doc = { issuer, authorization_endpoint: `${issuer}/auth`, token_endpoint: `${issuer}/token`, jwks_uri: `${issuer}/certs` };
  const ok = await inspector.discover(issuer, {
    fetch: fakeFetch({ [`${issuer}/.well-known/openid-configuration`]: [200, doc], [`${issuer}/certs`]: [200, fx.jwks] }),
    pageOrigin: 'http://localhost:1',
  });
  assert.equal(ok.keys.length, 1);
  assert.equal(ok.jwksUri, `${issuer}/certs`);
  assert.deepEqual(requested.map(([, c]) => c), ['omit', 'omit']);

  await assert.rejects(inspector.discover(issuer, { fetch: fakeFetch({}), pageOrigin: 'http://localhost:1' }),
    (e) => e.name === 'InspectError' && /CORS/.test(e.message) && /Web Origins/.test(e.message) && e.message.includes('http://localhost:1'));
  await assert.rejects(inspector.discover(issuer, { fetch: fakeFetch({ [`${issuer}/.well-known/openid-configuration`]: [404, 'nope'] }) }),
    (e) => /404/.test(e.message) && /realms\/<realm>/.test(e.message));
  await assert.rejects(inspector.discover('https://sso.example/realms/other', {
    fetch: fakeFetch({ 'https://sso.example/realms/other/.well-known/openid-configuration': [200, doc] }),
  }), (e) => /names issuer/.test(e.message));
  await assert.rejects(inspector.fetchJwks('not a url', { fetch: fakeFetch({}) }), (e) => /not an absolute/.test(e.message));
  assert.equal(inspector.originOf('https://sso.example:8443/realms/demo/certs'), 'https://sso.example:8443');
});

test('verifyAsync works in the inspect build (no signature crypto) through WebCrypto', async () => {
  const lite = await import('../../pkg/inspect/node.js'); // named lite: no signature crypto
  const keys = new lite.KeySet(fx.jwks);
  const token = await lite.verifyAsync(fx.token, keys, { issuer: fx.issuer });
  assert.equal(token.claims.sub, 'u1');
  await assert.rejects(lite.verifyAsync(fx.tampered, keys, {}), (e) => e.code === 'signature_invalid');
  await assert.rejects(lite.verifyAsync(fx.expired, keys, {}), (e) => e.code === 'expired');
  assert.equal(typeof lite.verify, 'undefined', 'still no synchronous verify');
});
