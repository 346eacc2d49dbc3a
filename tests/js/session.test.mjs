// tokenward/session against the Keycloak-shaped provider (tests/provider/): login, rotation,
// concurrency, offline tokens, idle expiry without a browser, logout hints, and bad input.
// Every decision is the Rust core's; these tests drive it through the real driver and fetch.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { startProvider } from '../provider/index.mjs';
import { completeLogin } from '../provider/login.mjs';
import { createSessionDriver, memoryStore, SessionError } from '../../pkg/session/session-node.js';
import { authorizedFetch } from '../../pkg/session/session-driver.js';

let provider;
let redirectUri;
before(async () => {
  provider = await startProvider({ ttl: { accessToken: 60 } });
  redirectUri = `${provider.origin}/callback`;
});
after(() => provider.stop());

// A clock the test can move forward: the driver reads `now()`, the core estimates the server
// clock from it, so "60 seconds later" needs no waiting.
function clock() {
  let offset = 0;
  return { now: () => Date.now() + offset, advance: (s) => { offset += s * 1000; } };
}

function driver(opts = {}) {
  const c = opts.clock ?? clock();
  const d = createSessionDriver({
    issuer: provider.issuer,
    clientId: 'demo-spa',
    redirectUri,
    scope: 'openid profile',
    now: c.now,
    mono: () => undefined,
    ...opts.config,
    store: opts.store ?? memoryStore(),
    fetch: opts.fetch,
    navigate: opts.navigate,
  });
  d.clock = c;
  d.seen = [];
  for (const t of ['tokens', 'refreshed', 'loggedOut', 'error', 'loginComplete']) d.addEventListener(t, (e) => d.seen.push({ type: t, ...e.detail }));
  return d;
}

async function login(d, user = 'alice', loginOptions = {}) {
  await d.start();
  const url = await d.login(loginOptions);
  const cb = await completeLogin(url, { username: user, password: `${user}-password` });
  await d.handleCallback(cb);
  return d;
}

const stored = async (store) => (await store.load())?.tokens ?? null;

async function tokenRequest(form) {
  const res = await fetch(`${provider.issuer}/protocol/openid-connect/token`, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams(form),
  });
  return { status: res.status, body: await res.json() };
}

describe('login and rotation', () => {
  test('code + PKCE login, the ID token verified, then a refresh whose old token is refused on replay', async () => {
    const store = memoryStore();
    const d = await login(driver({ store }));
    const v = d.view();
    assert.equal(v.authenticated, true);
    assert.ok(v.idToken && v.sid, 'ID token and sid kept');
    assert.ok(!('refreshToken' in v), 'the view never carries the refresh token');
    const before = await stored(store);
    const first = await d.getAccessToken();
    assert.equal(first, before.access_token, 'a fresh token is handed out without a refresh');
    assert.equal(provider.counts().refresh, 0);

    d.clock.advance(45); // 15 s left of 60: within minValidity (30 s)
    const second = await d.getAccessToken();
    assert.notEqual(second, first);
    const afterRefresh = await stored(store);
    assert.notEqual(afterRefresh.refresh_token, before.refresh_token, 'the new refresh token replaced the old one');
    assert.ok(d.seen.some((e) => e.type === 'refreshed'));

    const replay = await tokenRequest({ grant_type: 'refresh_token', refresh_token: before.refresh_token, client_id: 'demo-spa' });
    assert.equal(replay.status, 400);
    assert.equal(replay.body.error, 'invalid_grant');
    assert.equal(replay.body.error_description, 'Stale token');
    d.dispose();
  });

  test('20 concurrent callers in 4 "tabs" sharing one store near expiry: exactly one refresh reaches the provider', async () => {
    const store = memoryStore();
    const c = clock();
    const first = await login(driver({ store, clock: c }));
    const tabs = [first, ...(await Promise.all([1, 2, 3].map(async () => { const t = driver({ store, clock: c }); await t.start(); return t; })))];
    const oldToken = (await stored(store)).access_token;
    provider.resetCounts();
    c.advance(45);
    const tokens = await Promise.all(Array.from({ length: 20 }, (_, i) => tabs[i % 4].getAccessToken()));
    assert.equal(provider.counts().refresh, 1, 'one refresh for 20 callers');
    assert.equal(new Set(tokens).size, 1, 'every caller got the same new token');
    assert.notEqual(tokens[0], oldToken);
    assert.ok(tabs.every((t) => t.view().authenticated));
    tabs.forEach((t) => t.dispose());
  });

  test('a logout in one tab logs out the others', async () => {
    const store = memoryStore();
    const a = await login(driver({ store }));
    const b = driver({ store });
    await b.start();
    assert.equal(b.view().authenticated, true, 'the login is seen by the other tab');
    await a.logout({ provider: false });
    await b.settled();
    assert.equal(b.view().authenticated, false);
    assert.ok(b.seen.some((e) => e.type === 'loggedOut' && e.cause === 'logged_out_elsewhere'));
    await assert.rejects(b.getAccessToken(), (e) => e instanceof SessionError && e.code === 'logged_out');
    a.dispose();
    b.dispose();
  });
});

describe('transient failures and service accounts', () => {
  test('a 503 on refresh keeps every token; the retry later rotates as usual', async () => {
    const store = memoryStore();
    let fail = 0;
    const flaky = async (url, init) => {
      if (fail > 0 && String(init?.body ?? '').includes('grant_type=refresh_token')) {
        fail--;
        return new Response('<html>Service Unavailable</html>', { status: 503, headers: { 'retry-after': '1' } });
      }
      return fetch(url, init);
    };
    const d = await login(driver({ store, fetch: flaky }));
    const before = await stored(store);
    fail = 1;
    provider.resetCounts();
    d.clock.advance(45);
    assert.equal(await d.getAccessToken(), before.access_token, 'the still-valid token is handed out during the backoff');
    assert.deepEqual(await stored(store), before, 'tokens kept, the refresh token included');
    assert.ok(d.seen.some((e) => e.type === 'error' && e.cause === 'server_error'));
    d.clock.advance(20); // expired now, and past Retry-After
    const fresh = await d.getAccessToken();
    assert.notEqual(fresh, before.access_token);
    assert.equal(provider.counts().refresh, 1, 'the 503 never reached the provider; one real refresh');
    d.dispose();
  });

  test('a service account (client_credentials) asks again only before expiry', async () => {
    const d = driver({ config: { clientId: 'demo-admin', clientSecret: 'demo-admin-secret', flow: 'client_credentials', redirectUri: undefined } });
    await d.start();
    provider.resetCounts();
    const a = await d.getAccessToken();
    const b = await d.getAccessToken();
    assert.equal(a, b);
    assert.equal(provider.counts().clientCredentials, 1);
    assert.equal(d.view().authenticated, true);
    d.clock.advance(45);
    const c = await d.getAccessToken();
    assert.notEqual(c, a);
    assert.equal(provider.counts().clientCredentials, 2);
    d.dispose();
  });
});

describe('offline tokens', () => {
  test('an offline token survives a local logout, a new process restores it, and the back-channel logout ends it', async () => {
    const store = memoryStore();
    const config = { clientId: 'demo-bff', clientSecret: 'demo-bff-secret', scope: 'openid offline_access' };
    const d = await login(driver({ store, config }));
    assert.equal(d.view().offline, true);
    assert.equal(d.view().refreshExpiresAt, null, 'no client-side expiry');
    await d.logout({ provider: false });
    assert.equal(d.view().authenticated, false);
    assert.equal(provider.counts().backchannelLogout, 0, 'a local logout sends nothing');
    const parked = await store.load();
    assert.equal(parked.tokens, null);
    assert.ok(parked.parked?.refresh_token, 'the offline token is kept, set aside');
    // A login from here keeps its PKCE state across the navigation (the tab's sessionStorage,
    // with memory storage): the core's carry holds no token, the set-aside one included.
    await d.login();
    const carry = d.loginCarry();
    assert.equal(carry.pending.length, 1);
    assert.deepEqual([carry.tokens, carry.parked, carry.id_token_hint], [null, null, null]);
    assert.ok(!JSON.stringify(carry).includes(parked.parked.refresh_token));

    // A later process on the same store (a Node service syncing while the user is away).
    const svc = driver({ store, config });
    await svc.start();
    assert.equal(svc.view().authenticated, true, 'restored from the kept offline token');
    svc.clock.advance(45);
    assert.ok(await svc.getAccessToken({ force: true }), 'the offline session outlived the local logout');
    const rt = (await stored(store)).refresh_token;

    await svc.logout({ provider: true }); // no user agent: back-channel POST with the refresh token
    assert.equal(provider.counts().backchannelLogout, 1);
    const after = await store.load();
    assert.equal(after.tokens, null);
    assert.equal(after.parked, null, 'a provider logout ends the offline session for good');
    const last = await tokenRequest({ grant_type: 'refresh_token', refresh_token: rt, client_id: 'demo-bff', client_secret: 'demo-bff-secret' });
    assert.equal(last.status, 400);
    assert.equal(last.body.error_description, 'Offline user session not found');
    d.dispose();
    svc.dispose();
  });

  test('in a browser, the provider logout of an offline session posts the token to the back-channel before navigating', async () => {
    const store = memoryStore();
    let navigated = null;
    const config = { clientId: 'demo-bff', clientSecret: 'demo-bff-secret', scope: 'openid offline_access', userAgent: true, postLogoutRedirectUri: redirectUri };
    const d = await login(driver({ store, config, navigate: (u) => { navigated = u; } }));
    const rt = (await stored(store)).refresh_token;
    provider.resetCounts();
    await d.logout();
    assert.equal(provider.counts().backchannelLogout, 1, 'an RP-initiated logout alone would leave the offline session alive');
    assert.ok(navigated?.startsWith(`${provider.issuer}/protocol/openid-connect/logout?`));
    const r = await tokenRequest({ grant_type: 'refresh_token', refresh_token: rt, client_id: 'demo-bff', client_secret: 'demo-bff-secret' });
    assert.equal(r.body.error_description, 'Offline user session not found');
    d.dispose();
  });

  test('refreshing a revoked offline token gives offline_revoked', async () => {
    const store = memoryStore();
    const config = { clientId: 'demo-bff', clientSecret: 'demo-bff-secret', scope: 'openid offline_access' };
    const d = await login(driver({ store, config }));
    const rt = (await stored(store)).refresh_token;
    const res = await fetch(`${provider.issuer}/protocol/openid-connect/logout`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ refresh_token: rt, client_id: 'demo-bff', client_secret: 'demo-bff-secret' }),
    });
    assert.equal(res.status, 204);
    d.clock.advance(45);
    await assert.rejects(d.getAccessToken(), (e) => e instanceof SessionError && e.code === 'offline_revoked');
    assert.ok(d.seen.some((e) => e.type === 'loggedOut' && e.cause === 'offline_revoked'));
    d.dispose();
  });
});

describe('idle expiry without a browser ends the provider session', () => {
  for (const path of ['refresh_token', 'admin']) {
    test(`by the ${path === 'admin' ? 'admin API' : 'refresh-token POST'}`, async () => {
      const store = memoryStore();
      const config = {
        clientId: 'demo-bff',
        clientSecret: 'demo-bff-secret',
        idleTimeout: 600,
        backchannel: path,
        ...(path === 'admin' ? { adminClientId: 'demo-admin', adminClientSecret: 'demo-admin-secret' } : {}),
      };
      const d = await login(driver({ store, config }));
      const rt = (await stored(store)).refresh_token;
      provider.resetCounts();
      // The process slept past the deadline: a new one restores the state and logs out on wake.
      const later = clock();
      later.advance(601);
      const woke = driver({ store, config, clock: later });
      await woke.start();
      await woke.settled();
      assert.equal(woke.view().authenticated, false);
      assert.ok(woke.seen.some((e) => e.type === 'loggedOut' && e.cause === 'idle_expired'));
      if (path === 'admin') {
        assert.equal(provider.counts().clientCredentials, 1);
        assert.equal(provider.counts().admin, 1);
      } else {
        assert.equal(provider.counts().backchannelLogout, 1);
      }
      const r = await tokenRequest({ grant_type: 'refresh_token', refresh_token: rt, client_id: 'demo-bff', client_secret: 'demo-bff-secret' });
      assert.equal(r.status, 400, 'the provider session is gone');
      assert.equal(r.body.error, 'invalid_grant');
      d.dispose();
      woke.dispose();
    });
  }
});

describe('logout', () => {
  test('the RP-initiated logout URL carries id_token_hint and client_id after a failed refresh', async () => {
    const store = memoryStore();
    let navigated = null;
    const config = { userAgent: true, postLogoutRedirectUri: redirectUri };
    const d = await login(driver({ store, config, navigate: (u) => { navigated = u; } }));
    const idToken = d.view().idToken;
    // Break the refresh: another client replays the token first (the provider revokes the grant).
    const rt = (await stored(store)).refresh_token;
    await tokenRequest({ grant_type: 'refresh_token', refresh_token: rt, client_id: 'demo-spa' });
    d.clock.advance(45);
    await assert.rejects(d.getAccessToken(), (e) => e instanceof SessionError);
    assert.equal(d.view().authenticated, false);
    navigated = null;
    await d.logout({ uiLocales: 'de' });
    const url = new URL(navigated);
    assert.equal(url.searchParams.get('ui_locales'), 'de');
    assert.ok(url.searchParams.get('state'), 'a state to match the return');
    assert.equal(url.origin + url.pathname, `${provider.issuer}/protocol/openid-connect/logout`);
    assert.equal(url.searchParams.get('client_id'), 'demo-spa');
    assert.equal(url.searchParams.get('id_token_hint'), idToken);
    assert.equal(url.searchParams.get('post_logout_redirect_uri'), redirectUri);
    assert.ok(!navigated.includes('undefined'));
    const left = await store.load();
    assert.equal(left.id_token_hint, null, 'the hint is not kept once the provider logout is under way');
    assert.equal(left.tokens, null);
    d.dispose();
  });
});

describe('expiring', () => {
  test('an app that asks for nothing is told once when its access token is due; getAccessToken() renews it', async () => {
    const d = await login(driver());
    const told = [];
    d.addEventListener('expiring', (e) => told.push(e.detail));
    const { expiresAt } = d.view();
    d.clock.advance(25); // 60 s tokens, minValidity 30: not due yet
    d.recheck();
    assert.deepEqual(told, []);
    d.clock.advance(10);
    d.recheck();
    d.recheck();
    assert.equal(told.length, 1);
    assert.equal(told[0].expiresAt, expiresAt);
    assert.ok(told[0].remaining > 0 && told[0].remaining <= 30, JSON.stringify(told));
    const before = d.view().accessToken;
    assert.notEqual(await d.getAccessToken(), before, 'a due token is refreshed');
    assert.equal(told.length, 1);
    d.dispose();
  });
});

describe('a failing store', () => {
  test('one that cannot be read fails restore() and login() with storage', { timeout: 10_000 }, async () => {
    const closed = { load: async () => { throw new Error('the database is closed'); }, compareAndSet: async () => { throw new Error('closed'); } };
    const d = driver({ store: closed });
    await assert.rejects(d.start(), (e) => e instanceof SessionError && e.code === 'storage');
    await assert.rejects(d.login(), (e) => e.code === 'storage' && /database is closed/.test(e.message));
    d.dispose();
  });
  test('one that cannot write fails login() with storage, retries with backoff (not in a loop) and keeps what it holds', { timeout: 10_000 }, async () => {
    const inner = memoryStore();
    let writes = 0;
    const full = {
      load: () => inner.load(),
      compareAndSet: async () => { writes++; throw new DOMException('the quota is used up', 'QuotaExceededError'); },
    };
    const d = driver({ store: full });
    await d.start();
    await assert.rejects(d.login(), (e) => e.code === 'storage' && /store/.test(e.message));
    await new Promise((r) => setTimeout(r, 50));
    assert.ok(writes >= 1 && writes <= 2, `${writes} writes`);
    assert.equal(await inner.load(), null);
    d.dispose();
  });
});

describe('fetch()', () => {
  test("a Request keeps its own headers and body on the one retry after a 401; a stream body is not retried", async () => {
    const seen = [];
    const doFetch = async (input, init) => {
      const req = new Request(input, init);
      seen.push({ auth: req.headers.get('authorization'), csrf: req.headers.get('x-csrf'), body: await req.text() });
      return new Response(null, { status: 401 });
    };
    let n = 0;
    const getAccessToken = async (opts) => `t${++n}${opts?.force ? '-forced' : ''}`;
    const request = new Request('https://api.example/x', { method: 'POST', headers: { 'x-csrf': 'c' }, body: 'payload' });
    assert.equal((await authorizedFetch(getAccessToken, doFetch, request)).status, 401);
    assert.deepEqual(seen, [
      { auth: 'Bearer t1', csrf: 'c', body: 'payload' },
      { auth: 'Bearer t2-forced', csrf: 'c', body: 'payload' },
    ], 'one refresh, one retry, never more');
    seen.length = 0;
    const stream = new ReadableStream({ start(c) { c.enqueue(new TextEncoder().encode('once')); c.close(); } });
    const res = await authorizedFetch(getAccessToken, doFetch, 'https://api.example/y', { method: 'POST', body: stream, duplex: 'half' });
    assert.equal(res.status, 401);
    assert.equal(seen.length, 1);
  });
});

describe('bad input: a typed error and the stored tokens unchanged', () => {
  // Log in once, then start a second login whose callback or token response is spoiled.
  async function spoiled({ fetch: wrap, callback: spoilCallback, cancel = false }) {
    const store = memoryStore();
    let spoil = false;
    const fetchFn = (url, init) => (spoil && wrap ? wrap(url, init) : fetch(url, init));
    const d = await login(driver({ store, fetch: fetchFn }));
    const before = await stored(store);
    const url = await d.login();
    let cb = await completeLogin(url, { username: 'alice', password: 'alice-password', cancel });
    if (spoilCallback) cb = spoilCallback(cb);
    spoil = true;
    const err = await d.handleCallback(cb).then(() => null, (e) => e);
    assert.ok(err instanceof SessionError, `a SessionError, got ${err}`);
    assert.deepEqual(await stored(store), before, 'stored tokens unchanged');
    d.dispose();
    return err.code;
  }
  const tokenEndpoint = (url) => String(url).endsWith('/protocol/openid-connect/token');
  const alterTokenResponse = (edit) => async (url, init) => {
    const res = await fetch(url, init);
    if (!tokenEndpoint(url)) return res;
    const body = await res.json();
    return new Response(JSON.stringify(edit(body)), { status: res.status, headers: { 'content-type': 'application/json' } });
  };

  test('wrong state', async () => {
    assert.equal(await spoiled({ callback: (cb) => cb.replace(/state=[^&]+/, 'state=forged') }), 'state_mismatch');
  });
  test('error=access_denied', async () => {
    assert.equal(await spoiled({ cancel: true }), 'access_denied');
  });
  test('tampered ID token', async () => {
    const flip = (jwt) => { const [h, p, s] = jwt.split('.'); return `${h}.${p}.${s.slice(0, -4)}${s.slice(-4) === 'AAAA' ? 'BBBB' : 'AAAA'}`; };
    assert.equal(await spoiled({ fetch: alterTokenResponse((b) => ({ ...b, id_token: flip(b.id_token) })) }), 'invalid_id_token');
  });
  test('wrong nonce (a valid ID token from another login)', async () => {
    const other = await login(driver());
    const foreign = other.view().idToken;
    other.dispose();
    assert.equal(await spoiled({ fetch: alterTokenResponse((b) => ({ ...b, id_token: foreign })) }), 'invalid_id_token');
  });
  test('no access_token', async () => {
    assert.equal(await spoiled({ fetch: alterTokenResponse(({ access_token, ...rest }) => rest) }), 'invalid_response');
  });
  test('HTML error page', async () => {
    const html = async (url, init) => (tokenEndpoint(url) ? new Response('<html><body>502 Bad Gateway</body></html>', { status: 502 }) : fetch(url, init));
    assert.equal(await spoiled({ fetch: html }), 'server_error');
  });
  test('provider down', async () => {
    const down = async (url, init) => (tokenEndpoint(url) ? Promise.reject(new TypeError('fetch failed')) : fetch(url, init));
    assert.equal(await spoiled({ fetch: down }), 'network');
  });
  test('a replayed callback', async () => {
    const store = memoryStore();
    const d = driver({ store });
    await d.start();
    const cb = await completeLogin(await d.login(), { username: 'alice', password: 'alice-password' });
    await d.handleCallback(cb);
    const before = await stored(store);
    await assert.rejects(d.handleCallback(cb), (e) => e.code === 'state_mismatch');
    assert.deepEqual(await stored(store), before);
    d.dispose();
  });
  test('a login hint holding half a surrogate pair reads as U+FFFD; an unknown login option is refused', async () => {
    const d = driver();
    await d.start();
    const url = new URL(await d.login({ loginHint: 'al\ud83d' }));
    assert.equal(url.searchParams.get('login_hint'), 'al\ufffd');
    await assert.rejects(d.login({ loginHnit: 'alice' }), (e) => e.code === 'invalid_option' && /loginHnit/.test(e.message));
    d.dispose();
  });
  test('a claim named __proto__ is an own member of the view, not its prototype', async () => {
    const b64 = (o) => Buffer.from(JSON.stringify(o)).toString('base64url');
    // As text: in an object literal, __proto__ sets the prototype and JSON.stringify drops it.
    const payload = Buffer.from('{"sub":"u1","exp":4102444800,"iat":1700000000,"__proto__":{"polluted":true}}').toString('base64url');
    const state = {
      version: 1,
      tokens: { access_token: `${b64({ alg: 'RS256' })}.${payload}.c2ln`, expires_at: 4102444800, issued_at: 1700000000 },
    };
    const d = driver({ store: memoryStore(state) });
    await d.start();
    const seen = d.view().claims;
    assert.equal(Object.getPrototypeOf(seen), Object.prototype);
    assert.equal(seen.polluted, undefined);
    assert.deepEqual(Object.getOwnPropertyDescriptor(seen, '__proto__').value, { polluted: true });
    d.dispose();
  });
  test('a bad configuration is a TokenError naming the option', () => {
    assert.throws(() => createSessionDriver({ issuer: 'not a url', clientId: 'x' }), (e) => e.code === 'invalid_option' && /issuer/.test(e.message));
    assert.throws(() => createSessionDriver({ issuer: provider.issuer, clientId: '' }), (e) => e.code === 'invalid_option');
    assert.throws(() => createSessionDriver({ issuer: provider.issuer, clientId: 'x', algorithms: [] }), (e) => e.code === 'invalid_option');
    assert.throws(() => createSessionDriver({ issuer: provider.issuer, clientId: 'x', idleTimeout: 0 }), (e) => e.code === 'invalid_option');
    assert.throws(() => createSessionDriver({ issuer: provider.issuer, clientId: 'x', bogus: 1 }), TypeError);
  });
});
