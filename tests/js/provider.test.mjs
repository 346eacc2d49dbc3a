// The Keycloak-shaped test provider (tests/provider/) behaves as the client expects Keycloak to:
// discovery, code + PKCE login, token-response fields and claims, refresh rotation and reuse
// errors, offline tokens, back-channel and RP-initiated logout, the admin API, lifetimes and
// request counts. No Rust build needed: node --test tests/js/provider.test.mjs
import assert from 'node:assert/strict';
import { createHash, randomBytes } from 'node:crypto';
import { after, before, test } from 'node:test';
import * as jose from 'jose';
import { startProvider } from '../provider/index.mjs';
import { CookieJar, completeLogin, completeLogout } from '../provider/login.mjs';

let op;
let endpoints;

before(async () => {
  op = await startProvider();
  endpoints = await (await fetch(`${op.issuer}/.well-known/openid-configuration`)).json();
});
after(() => op.stop());

const sleep = (ms) => new Promise((resolve) => { setTimeout(resolve, ms); });
const basic = (id, secret) => `Basic ${Buffer.from(`${id}:${secret}`).toString('base64')}`;

async function tokenRequest(params, headers = {}) {
  const res = await fetch(endpoints.token_endpoint, { method: 'POST', headers, body: new URLSearchParams(params) });
  return { status: res.status, body: await res.json() };
}

const refresh = (refreshToken, client = { client_id: 'demo-spa' }, headers = {}) =>
  tokenRequest({ grant_type: 'refresh_token', refresh_token: refreshToken, ...client }, headers);

// A full code + PKCE login through the login form; resolves to the callback URL and the tokens.
async function login({ username = 'alice', password = `${username}-password`, scope = 'openid profile email',
  clientId = 'demo-spa', secret, jar } = {}) {
  const verifier = randomBytes(32).toString('base64url');
  const redirectUri = `${op.origin}/callback`;
  const url = new URL(endpoints.authorization_endpoint);
  const state = randomBytes(8).toString('hex');
  const nonce = randomBytes(8).toString('hex');
  url.search = new URLSearchParams({
    client_id: clientId, response_type: 'code', scope, redirect_uri: redirectUri, state, nonce,
    code_challenge: createHash('sha256').update(verifier).digest('base64url'), code_challenge_method: 'S256',
  });
  const callback = new URL(await completeLogin(url.href, { username, password, jar }));
  const code = callback.searchParams.get('code');
  const auth = secret ? { headers: { authorization: basic(clientId, secret) }, client: {} } : { headers: {}, client: { client_id: clientId } };
  const exchange = { grant_type: 'authorization_code', code, redirect_uri: redirectUri, code_verifier: verifier, ...auth.client };
  const { status, body } = await tokenRequest(exchange, auth.headers);
  assert.equal(status, 200, JSON.stringify(body));
  return { callback, state, nonce, code, exchange, tokens: body, headers: auth.headers };
}

test('discovery advertises Keycloak paths and the expected capabilities', () => {
  const base = `${op.issuer}/protocol/openid-connect`;
  assert.equal(op.issuer, `${op.origin}/realms/demo`);
  assert.equal(endpoints.issuer, op.issuer);
  assert.equal(endpoints.authorization_endpoint, `${base}/auth`);
  assert.equal(endpoints.token_endpoint, `${base}/token`);
  assert.equal(endpoints.end_session_endpoint, `${base}/logout`);
  assert.equal(endpoints.jwks_uri, `${base}/certs`);
  assert.equal(endpoints.revocation_endpoint, `${base}/revoke`);
  assert.equal(endpoints.introspection_endpoint, `${base}/token/introspect`);
  assert.equal(endpoints.userinfo_endpoint, `${base}/userinfo`);
  assert.deepEqual(endpoints.code_challenge_methods_supported, ['S256']);
  assert.equal(endpoints.backchannel_logout_supported, true);
  assert.equal(endpoints.authorization_response_iss_parameter_supported, true);
});

test('alice logs in with code + PKCE and gets Keycloak-shaped tokens', async () => {
  const { callback, state, nonce, tokens } = await login();
  assert.equal(callback.searchParams.get('state'), state);
  assert.equal(callback.searchParams.get('iss'), op.issuer);

  assert.equal(tokens.token_type, 'Bearer');
  assert.equal(tokens.expires_in, 300);
  assert.ok(tokens.refresh_expires_in > 0 && tokens.refresh_expires_in <= 1800, `refresh_expires_in ${tokens.refresh_expires_in}`);
  assert.equal(tokens['not-before-policy'], 0);
  assert.equal(typeof tokens.session_state, 'string');
  assert.equal(tokens.scope, 'openid profile email');

  assert.equal(jose.decodeProtectedHeader(tokens.access_token).typ, 'JWT');
  const at = jose.decodeJwt(tokens.access_token);
  assert.equal(at.typ, 'Bearer');
  assert.equal(at.azp, 'demo-spa');
  assert.equal(at.aud, 'account');
  assert.equal(at.sid, tokens.session_state);
  assert.equal(at.scope, 'openid profile email');
  assert.equal(at.preferred_username, 'alice');
  assert.equal(at.email, 'alice@example.test');
  assert.equal(at.name, 'Alice Liddell');
  assert.ok(at.realm_access.roles.includes('user'));
  assert.ok(!at.realm_access.roles.includes('admin'));
  assert.deepEqual(at.resource_access, { 'demo-spa': { roles: ['viewer'] } });

  const jwks = jose.createRemoteJWKSet(new URL(endpoints.jwks_uri));
  const { payload: id } = await jose.jwtVerify(tokens.id_token, jwks, { issuer: op.issuer, audience: 'demo-spa' });
  assert.equal(id.typ, 'ID');
  assert.equal(id.azp, 'demo-spa');
  assert.equal(id.sid, tokens.session_state);
  assert.equal(id.nonce, nonce);
  assert.equal(typeof id.auth_time, 'number');
  await jose.jwtVerify(tokens.access_token, jwks, { issuer: op.issuer, audience: 'account' });

  const info = await fetch(endpoints.userinfo_endpoint, { headers: { authorization: `Bearer ${tokens.access_token}` } });
  assert.equal(info.status, 200);
  assert.equal((await info.json()).preferred_username, 'alice');
});

test('refresh rotates; replaying the old token is stale, then the grant is gone', async () => {
  const { tokens } = await login();
  const first = await refresh(tokens.refresh_token);
  assert.equal(first.status, 200, JSON.stringify(first.body));
  assert.notEqual(first.body.refresh_token, tokens.refresh_token);
  assert.equal(first.body.session_state, tokens.session_state);

  assert.deepEqual(await refresh(tokens.refresh_token), { status: 400, body: { error: 'invalid_grant', error_description: 'Stale token' } });
  assert.deepEqual(await refresh(first.body.refresh_token), {
    status: 400, body: { error: 'invalid_grant', error_description: "Session doesn't have required client" },
  });
});

test('offline_access gives an offline token; back-channel logout ends it', async () => {
  const { tokens } = await login({ scope: 'openid offline_access' });
  assert.equal(tokens.refresh_expires_in, 0);
  assert.ok(tokens.scope.split(' ').includes('offline_access'));
  const next = await refresh(tokens.refresh_token);
  assert.equal(next.status, 200);
  assert.equal(next.body.refresh_expires_in, 0);

  const logout = () => fetch(endpoints.end_session_endpoint, {
    method: 'POST', body: new URLSearchParams({ client_id: 'demo-spa', refresh_token: next.body.refresh_token }),
  });
  assert.equal((await logout()).status, 204);
  assert.deepEqual((await refresh(next.body.refresh_token)).body, { error: 'invalid_grant', error_description: 'Offline user session not found' });
  assert.equal((await logout()).status, 204, 'already gone still answers 204');
});

test('back-channel logout of an online session (confidential client, basic auth)', async () => {
  const { tokens, headers } = await login({ username: 'bob', clientId: 'demo-bff', secret: 'demo-bff-secret' });
  const bad = await fetch(endpoints.end_session_endpoint, {
    method: 'POST', headers: { authorization: basic('demo-bff', 'wrong') }, body: new URLSearchParams({ refresh_token: tokens.refresh_token }),
  });
  assert.equal(bad.status, 401);
  assert.deepEqual(await bad.json(), { error: 'invalid_client', error_description: 'Invalid client credentials' });

  const res = await fetch(endpoints.end_session_endpoint, { method: 'POST', headers, body: new URLSearchParams({ refresh_token: tokens.refresh_token }) });
  assert.equal(res.status, 204);
  assert.deepEqual((await refresh(tokens.refresh_token, {}, headers)).body, { error: 'invalid_grant', error_description: 'Session not active' });
});

test('RP-initiated logout with id_token_hint redirects with state and ends the online session', async () => {
  const jar = new CookieJar();
  const { tokens } = await login({ jar });
  const url = new URL(endpoints.end_session_endpoint);
  url.search = new URLSearchParams({
    id_token_hint: tokens.id_token, client_id: 'demo-spa', post_logout_redirect_uri: 'http://127.0.0.1:8080/', state: 'bye',
  });
  assert.equal(await completeLogout(url.href, { jar }), 'http://127.0.0.1:8080/?state=bye');
  assert.deepEqual((await refresh(tokens.refresh_token)).body, { error: 'invalid_grant', error_description: 'Session not active' });
});

test('logout without id_token_hint goes through the self-submitting confirmation', async () => {
  const jar = new CookieJar();
  const { tokens } = await login({ jar });
  const url = new URL(endpoints.end_session_endpoint);
  url.search = new URLSearchParams({ client_id: 'demo-spa', post_logout_redirect_uri: 'http://127.0.0.1:8080/', state: 's2' });
  assert.equal(await completeLogout(url.href, { jar }), 'http://127.0.0.1:8080/?state=s2');
  assert.deepEqual((await refresh(tokens.refresh_token)).body, { error: 'invalid_grant', error_description: 'Session not active' });
});

test('demo-admin client_credentials token ends a session through the admin API', async () => {
  const { tokens } = await login({ username: 'bob' });
  const cc = await tokenRequest({ grant_type: 'client_credentials' }, { authorization: basic('demo-admin', 'demo-admin-secret') });
  assert.equal(cc.status, 200, JSON.stringify(cc.body));
  assert.equal(cc.body.refresh_token, undefined);
  assert.equal(cc.body.refresh_expires_in, 0);
  assert.equal(jose.decodeJwt(cc.body.access_token).azp, 'demo-admin');

  const del = (bearer) => fetch(`${op.origin}/admin/realms/demo/sessions/${encodeURIComponent(tokens.session_state)}`, {
    method: 'DELETE', headers: bearer ? { authorization: `Bearer ${bearer}` } : {},
  });
  assert.equal((await del()).status, 401);
  assert.equal((await del(tokens.access_token)).status, 403, "a user's token is not an admin token");
  assert.equal((await del(cc.body.access_token)).status, 204);
  assert.equal((await del(cc.body.access_token)).status, 404);
  assert.deepEqual((await refresh(tokens.refresh_token)).body, { error: 'invalid_grant', error_description: 'Session not active' });
});

test('failed logins and bad token requests carry Keycloak\'s messages', async () => {
  await assert.rejects(login({ password: 'nope' }), /Invalid username or password\./);
  await assert.rejects(login({ username: 'carol' }), /Account is disabled/);

  const { exchange } = await login();
  assert.deepEqual((await tokenRequest(exchange)).body, { error: 'invalid_grant', error_description: 'Code not valid' });

  const cc = await tokenRequest({ grant_type: 'client_credentials' }, { authorization: basic('demo-admin', 'wrong') });
  assert.equal(cc.status, 401);
  assert.deepEqual(cc.body, { error: 'invalid_client', error_description: 'Invalid client credentials' });
});

test('a wrong code_verifier fails PKCE', async () => {
  const verifier = randomBytes(32).toString('base64url');
  const url = new URL(endpoints.authorization_endpoint);
  url.search = new URLSearchParams({
    client_id: 'demo-spa', response_type: 'code', scope: 'openid', redirect_uri: `${op.origin}/callback`, state: 'x',
    code_challenge: createHash('sha256').update(verifier).digest('base64url'), code_challenge_method: 'S256',
  });
  const code = new URL(await completeLogin(url.href, { username: 'alice', password: 'alice-password' })).searchParams.get('code');
  const res = await tokenRequest({
    grant_type: 'authorization_code', code, client_id: 'demo-spa', redirect_uri: `${op.origin}/callback`,
    code_verifier: randomBytes(32).toString('base64url'),
  });
  assert.deepEqual(res, { status: 400, body: { error: 'invalid_grant', error_description: 'PKCE verification failed' } });
});

test('lifetimes set at runtime show in expires_in; an expired refresh token is not active', async () => {
  op.setTtl({ accessToken: 2, refreshToken: 1 });
  try {
    const { tokens } = await login();
    assert.equal(tokens.expires_in, 2);
    assert.equal(tokens.refresh_expires_in, 1);
    await sleep(2100);
    assert.deepEqual((await refresh(tokens.refresh_token)).body, { error: 'invalid_grant', error_description: 'Token is not active' });
  } finally {
    op.setTtl({ accessToken: 300, refreshToken: 1800 });
  }
});

test('counts() counts refreshes and requests hold no token values', async () => {
  const { tokens } = await login();
  op.resetCounts();
  const next = await refresh(tokens.refresh_token);
  await refresh(next.body.refresh_token);
  const counts = op.counts();
  assert.equal(counts.refresh, 2);
  assert.equal(counts.token, 2);
  assert.equal(counts.code, 0);
  assert.deepEqual(op.requests.map((r) => [r.method, r.path, r.grantType]),
    Array(2).fill(['POST', '/realms/demo/protocol/openid-connect/token', 'refresh_token']));
  assert.ok(!JSON.stringify(op.requests).includes(tokens.refresh_token));
});
