// tokenward/browser in Debian's Chromium against the Keycloak-shaped provider: a login through
// the provider's form, then five tabs sharing one refresh chain through IndexedDB + Web Locks.
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { after, before, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { createStaticServer, listen } from '../../scripts/lib/static-server.mjs';
import { startProvider } from '../provider/index.mjs';
import { CHROMIUM, launchChromium } from './fixtures/chromium.mjs';

const skip = existsSync(CHROMIUM) ? false : 'Debian chromium is not installed';

let server, base, provider, browser;
const apiCalls = []; // Authorization headers the test API saw
before(async () => {
  if (skip) return;
  server = createStaticServer({
    routes: {
      // A resource server that refuses every token: fetch() must refresh once and retry once.
      '/api': (req, res) => {
        apiCalls.push(req.headers.authorization ?? null);
        res.writeHead(401, { 'www-authenticate': 'Bearer error="invalid_token"' }).end();
      },
    },
    mounts: [
      { prefix: '/pkg/', dir: fileURLToPath(new URL('../../pkg/', import.meta.url)) },
      { prefix: '/', dir: fileURLToPath(new URL('./fixtures/', import.meta.url)) },
    ],
  });
  base = await listen(server, 0);
  provider = await startProvider({ redirectUris: [`${base}/spa.html`], postLogoutRedirectUris: [`${base}/spa.html`] });
  browser = await launchChromium();
});
after(async () => {
  await browser?.close();
  await provider?.stop();
  await new Promise((resolve) => (server ? server.close(resolve) : resolve()));
});

async function open(context, query = '') {
  const page = await context.newPage();
  const problems = [];
  page.on('pageerror', (e) => problems.push(e.message));
  page.problems = problems;
  await page.goto(`${base}/spa.html${query}`);
  await page.waitForFunction(() => window.app, null, { timeout: 20_000 });
  return page;
}

async function loginThroughForm(page, user = 'alice') {
  await page.evaluate(() => {
    window.app.session.login(); // navigates away: nothing to wait for here
  });
  await page.waitForSelector('input[name="username"]', { timeout: 20_000 });
  assert.ok(page.url().startsWith(provider.issuer), `at the provider's login form (${page.url()})`);
  await page.fill('input[name="username"]', user);
  await page.fill('input[name="password"]', `${user}-password`);
  await Promise.all([page.waitForURL(`${base}/spa.html**`), page.click('button[type="submit"], input[type="submit"]')]);
  await page.waitForFunction(() => window.app, null, { timeout: 20_000 });
  const state = await page.evaluate(() => ({ error: window.app.error, events: window.app.events, authenticated: window.app.session.authenticated }));
  assert.ok(state.authenticated, `logged in after the callback: ${JSON.stringify(state)} ${page.problems.join('; ')}`);
}

const query = (o) => `?${new URLSearchParams({ issuer: provider.issuer, ...o })}`;

test('login through the provider: claims, roles, the ID token verified', { skip, timeout: 60_000 }, async () => {
  const context = await browser.newContext();
  const page = await open(context, query({}));
  await loginThroughForm(page);
  const s = await page.evaluate(() => window.app.state());
  assert.equal(s.authenticated, true);
  assert.equal(s.claims.preferred_username, 'alice');
  assert.equal(s.idClaims.typ, 'ID');
  assert.equal(s.user, true, 'realm role user');
  assert.equal(s.viewer, true, 'demo-spa client role viewer');
  assert.equal(s.coordination, 'shared-worker', "memory storage with 'auto': the SharedWorker holds the tokens");
  assert.deepEqual(page.problems, []);
  await context.close();
});

// Refresh tokens are encrypted at rest: the stored record has no plain refresh token.
async function sealedAtRest(page) {
  const stored = await page.evaluate(() => new Promise((resolve) => {
    const r = indexedDB.open('tokenward');
    r.onsuccess = () => {
      const g = r.result.transaction('sessions').objectStore('sessions').getAll();
      g.onsuccess = () => resolve(JSON.stringify(g.result, (k, v) => (v instanceof ArrayBuffer || ArrayBuffer.isView(v) ? '[bytes]' : v)));
    };
  }));
  assert.ok(stored.includes('"refresh_token":null'), 'the refresh token is not stored in the clear');
  assert.ok(stored.includes('"sealed"'));
}

async function fiveTabs(storage, coordination) {
  const context = await browser.newContext();
  const q = query({ storage, coordination });
  const first = await open(context, q);
  await loginThroughForm(first);
  const tabs = [first];
  for (let i = 0; i < 4; i++) tabs.push(await open(context, q));
  for (const t of tabs) assert.equal(await t.evaluate(() => window.app.session.authenticated), true, 'every tab restored the shared session');

  for (const t of tabs) assert.equal(await t.evaluate(() => window.app.session.coordination), coordination);
  if (storage === 'indexeddb') await sealedAtRest(first);

  provider.setTtl({ accessToken: 6 }); // due after 3 s (half the life, below minValidity)
  await first.evaluate(() => window.app.session.getAccessToken({ force: true }));
  const rotations = [];
  for (let round = 0; round < 3; round++) {
    await new Promise((r) => setTimeout(r, 3500));
    provider.resetCounts();
    const tokens = await Promise.all(tabs.map((t) => t.evaluate(() => window.app.token())));
    rotations.push(provider.counts().refresh);
    assert.equal(new Set(tokens).size, 1, `round ${round}: all tabs hold the same access token`);
    assert.equal(typeof tokens[0], 'string', `round ${round}: ${JSON.stringify(tokens[0])}`);
  }
  assert.deepEqual(rotations, [1, 1, 1], 'exactly one refresh request per rotation');
  for (const t of tabs) {
    const events = await t.evaluate(() => window.app.events);
    assert.ok(!events.some((e) => e.type === 'loggedOut'), 'no tab was logged out');
    assert.deepEqual(t.problems, []);
  }
  provider.setTtl({ accessToken: 300 });
  await context.close();
  return rotations;
}

test('five tabs through the SharedWorker: one refresh per rotation, the same token everywhere, no logout', { skip, timeout: 120_000 }, async () => {
  assert.deepEqual(await fiveTabs('memory', 'shared-worker'), [1, 1, 1]);
});

test('five tabs on IndexedDB + Web Locks (no SharedWorker): one refresh per rotation, the same token everywhere, no logout', { skip, timeout: 120_000 }, async () => {
  assert.deepEqual(await fiveTabs('indexeddb', 'locks'), [1, 1, 1]);
});

test("a misconfiguration says why: 'locks' with memory storage", { skip, timeout: 30_000 }, async () => {
  const context = await browser.newContext();
  const page = await context.newPage();
  await page.goto(`${base}/spa.html${query({})}`);
  await page.waitForFunction(() => window.app, null, { timeout: 20_000 });
  const msg = await page.evaluate(async () => {
    const { createSession } = await import('/pkg/session/browser-session.js');
    try {
      createSession({ issuer: 'http://127.0.0.1/realms/x', clientId: 'c', redirectUri: 'http://127.0.0.1/', coordination: 'locks' });
      return 'no error';
    } catch (e) {
      return e.message;
    }
  });
  assert.match(msg, /needs a store every tab can read/);
  await context.close();
});

test('logout() goes to end_session with id_token_hint, client_id, post_logout_redirect_uri and state; the provider session is gone', { skip, timeout: 60_000 }, async () => {
  const context = await browser.newContext();
  const page = await open(context, query({}));
  await loginThroughForm(page);
  const idToken = await page.evaluate(() => window.app.session.idClaims && window.app.session);
  assert.ok(idToken);
  const logoutRequest = page.waitForRequest((r) => r.url().startsWith(`${provider.issuer}/protocol/openid-connect/logout`));
  await page.evaluate(() => { window.app.session.logout(); });
  const url = new URL((await logoutRequest).url());
  assert.equal(url.searchParams.get('client_id'), 'demo-spa');
  assert.ok(url.searchParams.get('id_token_hint')?.split('.').length === 3, 'an ID token as the hint');
  assert.equal(url.searchParams.get('post_logout_redirect_uri'), `${base}/spa.html`);
  assert.ok(url.searchParams.get('state'));
  await page.waitForURL(`${base}/spa.html**`);
  await page.waitForFunction(() => window.app, null, { timeout: 20_000 });
  assert.equal(await page.evaluate(() => window.app.session.authenticated), false);
  // The provider's SSO session is over: a new login shows the password form again.
  await page.evaluate(() => { window.app.session.login(); });
  await page.waitForSelector('input[name="password"]', { timeout: 20_000 });
  await context.close();
});

test('fetch() adds the token; a 401 triggers one refresh and one retry, never more', { skip, timeout: 60_000 }, async () => {
  const context = await browser.newContext();
  const page = await open(context, query({}));
  await loginThroughForm(page);
  apiCalls.length = 0;
  provider.resetCounts();
  const status = await page.evaluate(async () => (await window.app.session.fetch('/api')).status);
  assert.equal(status, 401);
  assert.equal(apiCalls.length, 2, 'one call and one retry');
  assert.ok(apiCalls.every((h) => /^Bearer [\w-]+\.[\w-]+\.[\w-]+$/.test(h)), 'the Bearer header on both');
  assert.notEqual(apiCalls[0], apiCalls[1], 'the retry carries the refreshed token');
  assert.equal(provider.counts().refresh, 1);
  await context.close();
});

test('idle: activity in tab A keeps tab B logged in; no activity anywhere ends the provider session', { skip, timeout: 90_000 }, async () => {
  const context = await browser.newContext();
  const q = query({ storage: 'indexeddb', coordination: 'locks', idleTimeout: '10' });
  const a = await open(context, q);
  await loginThroughForm(a);
  const b = await open(context, q);
  assert.equal(await b.evaluate(() => window.app.session.authenticated), true);
  for (let i = 0; i < 14; i++) {
    await a.keyboard.press('Shift'); // user input in tab A only
    await new Promise((r) => setTimeout(r, 1000));
  }
  assert.equal(await b.evaluate(() => window.app.session.authenticated), true, 'tab B is still logged in after 14 s > idleTimeout');
  provider.resetCounts();
  // Nobody touches anything now: within the timeout (plus a little) the session ends, at the provider too.
  const ended = context.waitForEvent('request', { predicate: (r) => r.url().startsWith(`${provider.issuer}/protocol/openid-connect/logout`), timeout: 30_000 });
  await ended.catch(async (e) => {
    const dump = async (p) => p.evaluate(() => ({ authenticated: window.app?.session.authenticated, events: window.app?.events })).catch((x) => String(x));
    throw new Error(`${e.message}\nA: ${JSON.stringify(await dump(a))}\nB: ${JSON.stringify(await dump(b))}`);
  });
  // Whichever tab's timer fired first navigated to the provider's logout and came back.
  for (const p of [a, b]) {
    await p.waitForFunction(() => window.app && !window.app.session.authenticated, null, { timeout: 30_000 });
  }
  await a.evaluate(() => { window.app.session.login(); });
  await a.waitForSelector('input[name="password"]', { timeout: 20_000 }); // the provider session is gone
  await context.close();
});

async function adminDeleteSession(sid) {
  const tokenRes = await fetch(`${provider.issuer}/protocol/openid-connect/token`, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({ grant_type: 'client_credentials', client_id: 'demo-admin', client_secret: 'demo-admin-secret' }),
  });
  const { access_token } = await tokenRes.json();
  const res = await fetch(`${provider.origin}/admin/realms/demo/sessions/${sid}`, { method: 'DELETE', headers: { authorization: `Bearer ${access_token}` } });
  assert.equal(res.status, 204);
}

test('after a failed refresh (session revoked behind the app), logout() still sends id_token_hint', { skip, timeout: 60_000 }, async () => {
  const context = await browser.newContext();
  const page = await open(context, query({}));
  await loginThroughForm(page);
  const sid = await page.evaluate(() => window.app.session.claims.sid);
  await adminDeleteSession(sid);
  const failed = await page.evaluate(() => window.app.session.getAccessToken({ force: true }).then(() => 'ok', (e) => e.code));
  assert.notEqual(failed, 'ok');
  assert.equal(await page.evaluate(() => window.app.session.authenticated), false);
  assert.ok((await page.evaluate(() => window.app.events)).some((e) => e.type === 'loggedOut'), 'loggedOut fired');
  const logoutRequest = page.waitForRequest((r) => r.url().startsWith(`${provider.issuer}/protocol/openid-connect/logout`));
  await page.evaluate(() => { window.app.session.logout(); });
  const url = new URL((await logoutRequest).url());
  assert.ok(url.searchParams.get('id_token_hint'), 'the hint survived the failed refresh');
  assert.equal(url.searchParams.get('client_id'), 'demo-spa');
  await context.close();
});

test('bad callbacks in the browser: a wrong state and a cancelled login are typed errors, and nothing is stored', { skip, timeout: 60_000 }, async () => {
  const context = await browser.newContext();
  const page = await open(context, query({}));
  await page.goto(`${base}/spa.html?code=abc&state=forged`);
  await page.waitForFunction(() => window.app, null, { timeout: 20_000 });
  assert.equal((await page.evaluate(() => window.app.error)).code, 'state_mismatch');
  assert.equal(await page.evaluate(() => window.app.session.authenticated), false);

  await page.evaluate(() => { window.app.session.login(); });
  await page.waitForSelector('input[name="username"]', { timeout: 20_000 });
  const cancel = page.locator('button[name="cancel"], button:has-text("Cancel"), input[value="Cancel"]').first();
  await Promise.all([page.waitForURL(`${base}/spa.html**`), cancel.click()]);
  await page.waitForFunction(() => window.app, null, { timeout: 20_000 });
  assert.equal((await page.evaluate(() => window.app.error)).code, 'access_denied');
  assert.equal(await page.evaluate(() => window.app.session.authenticated), false);
  await context.close();
});

test('a tab closed in the middle of a refresh: the others go on (SharedWorker)', { skip, timeout: 60_000 }, async () => {
  const context = await browser.newContext();
  const q = query({ coordination: 'shared-worker' });
  const a = await open(context, q);
  await loginThroughForm(a);
  const b = await open(context, q);
  const before = await b.evaluate(() => window.app.session.getAccessToken());
  provider.resetCounts();
  await a.evaluate(() => { window.app.session.getAccessToken({ force: true }); });
  await a.close(); // while the refresh is under way
  // The worker finished A's refresh for everyone: B sees the new token, with no second refresh.
  await b.waitForFunction(async (old) => (await window.app.session.getAccessToken()) !== old, before, { timeout: 15_000 });
  assert.equal(provider.counts().refresh, 1, "exactly the refresh A started");
  assert.ok(await b.evaluate(() => window.app.session.authenticated));
  assert.ok(!(await b.evaluate(() => window.app.events)).some((e) => e.type === 'loggedOut'), 'no logout');
  await context.close();
});

test('offline_access: a local logout keeps the offline token, a new page restores from it; once the provider ends it, the next refresh logs out with offline_revoked', { skip, timeout: 60_000 }, async () => {
  const context = await browser.newContext();
  const q = query({ scope: 'openid offline_access' });
  const a = await open(context, q);
  await loginThroughForm(a);
  assert.equal(await a.evaluate(() => window.app.session.offline), true);
  const sid = await a.evaluate(() => window.app.session.claims.sid);
  await a.evaluate(() => window.app.session.logout({ provider: false }));
  assert.equal(await a.evaluate(() => window.app.session.authenticated), false);
  const b = await open(context, q);
  assert.equal(await b.evaluate(() => window.app.session.authenticated), true, 'the new page restored the offline session');
  assert.ok(await b.evaluate(() => window.app.session.getAccessToken({ force: true })));
  await adminDeleteSession(sid); // the provider ends it (an admin, another device)
  const code = await b.evaluate(() => window.app.session.getAccessToken({ force: true }).then(() => 'ok', (e) => e.code));
  assert.equal(code, 'offline_revoked');
  assert.ok((await b.evaluate(() => window.app.events)).some((e) => e.type === 'loggedOut' && e.cause === 'offline_revoked'));
  await context.close();
});

test('a page frozen past the idle deadline logs out on wake, at the provider too', { skip, timeout: 90_000 }, async () => {
  const context = await browser.newContext();
  const page = await context.newPage();
  page.problems = [];
  await page.clock.install(); // the page's clock, which the test can jump (a frozen tab, a sleeping laptop)
  await page.goto(`${base}/spa.html${query({ storage: 'indexeddb', coordination: 'locks', idleTimeout: '600' })}`);
  await page.waitForFunction(() => window.app, null, { timeout: 20_000 });
  await loginThroughForm(page);
  const ended = page.waitForRequest((r) => r.url().startsWith(`${provider.issuer}/protocol/openid-connect/logout`), { timeout: 40_000 });
  await page.clock.fastForward('15:00'); // 15 minutes later, past the 10-minute idle deadline
  // The tab wakes. The jump may already have fired the idle timer and sent the page to the
  // provider's logout, taking this page's context with it: that is fine too.
  await page.evaluate(() => window.dispatchEvent(new Event('focus'))).catch(() => {});
  const url = new URL((await ended).url());
  assert.ok(url.searchParams.get('id_token_hint'), 'RP-initiated logout with the hint');
  await page.waitForURL(`${base}/spa.html**`);
  await page.waitForFunction(() => window.app, null, { timeout: 20_000 });
  assert.equal(await page.evaluate(() => window.app.session.authenticated), false, 'not silently restored');
  await context.close();
});

test('bad token responses in the browser: a tampered ID token, a wrong nonce, no access_token, an HTML 502, the provider down are typed errors; the stored tokens stay as they were', { skip, timeout: 90_000 }, async () => {
  const context = await browser.newContext();
  // 'locks' + 'indexeddb': the core runs in this page (not in a SharedWorker, whose requests
  // page.route cannot see), and the session survives the navigations to the provider and back.
  const q = query({ storage: 'indexeddb', coordination: 'locks' });
  const page = await open(context, q);
  const tokenUrl = `${provider.issuer}/protocol/openid-connect/token`;
  const isCodeExchange = (r) => r.method() === 'POST' && new URLSearchParams(r.postData() ?? '').get('grant_type') === 'authorization_code';
  const cors = { 'access-control-allow-origin': base, vary: 'origin' };

  // The first login, its token response read on the way (the real one, passed on unchanged).
  let firstIdToken = null;
  await page.route((u) => u.href === tokenUrl, async (route) => {
    if (!isCodeExchange(route.request())) return route.fallback();
    const res = await route.fetch();
    firstIdToken = (await res.json()).id_token;
    await route.fulfill({ response: res });
  });
  await loginThroughForm(page);
  await page.unrouteAll();
  assert.equal(typeof firstIdToken, 'string', 'the first login went through the token endpoint');
  const tokenBefore = await page.evaluate(() => window.app.session.getAccessToken());
  const nonceBefore = await page.evaluate(() => window.app.session.idClaims.nonce);
  assert.ok(nonceBefore);

  // Another login (prompt=login: the provider's form again, not the SSO shortcut), whose token
  // response `answer` replaces; returns what the app made of the callback.
  async function badLogin(answer) {
    let exchanges = 0;
    await page.route((u) => u.href === tokenUrl, async (route) => {
      if (!isCodeExchange(route.request())) return route.fallback();
      exchanges++;
      await answer(route);
    });
    await page.evaluate(() => { window.app.session.login({ prompt: 'login' }); });
    await page.waitForSelector('input[name="username"]', { timeout: 20_000 });
    await page.fill('input[name="username"]', 'alice');
    await page.fill('input[name="password"]', 'alice-password');
    await Promise.all([page.waitForURL(`${base}/spa.html?code=**`), page.click('button[type="submit"], input[type="submit"]')]);
    await page.waitForFunction(() => window.app, null, { timeout: 20_000 });
    const s = await page.evaluate(async () => ({
      error: window.app.error,
      events: window.app.events,
      authenticated: window.app.session.authenticated,
      nonce: window.app.session.idClaims?.nonce,
      token: await window.app.session.getAccessToken().catch((e) => ({ error: e.code })),
    }));
    await page.unrouteAll();
    assert.equal(exchanges, 1, 'the code exchange went through the route once');
    // A fresh tab restores from IndexedDB: what is stored, not only what this page holds.
    const other = await open(context, q);
    s.stored = await other.evaluate(() => window.app.session.getAccessToken().catch((e) => ({ error: e.code })));
    await other.close();
    return s;
  }

  const flip = (c) => (c === 'A' ? 'B' : 'A');
  const cases = [
    ['tampered ID token', 'invalid_id_token', async (route) => {
      const res = await route.fetch();
      const body = await res.json();
      const [h, p, sig] = body.id_token.split('.');
      const i = Math.floor(sig.length / 2); // a middle character: all six of its bits are signature bits
      body.id_token = [h, p, sig.slice(0, i) + flip(sig[i]) + sig.slice(i + 1)].join('.');
      await route.fulfill({ response: res, json: body });
    }],
    // A wrong nonce cannot be forged without the provider's key: the first login's ID token is
    // genuinely signed, valid and for this client, but carries the first login's nonce, not this
    // one's, so the core must refuse it (its nonce check comes before at_hash).
    ['wrong nonce', 'invalid_id_token', async (route) => {
      const res = await route.fetch();
      const body = await res.json();
      body.id_token = firstIdToken;
      await route.fulfill({ response: res, json: body });
    }],
    ['no access_token', 'invalid_response', async (route) => {
      const res = await route.fetch();
      const body = await res.json();
      delete body.access_token;
      await route.fulfill({ response: res, json: body });
    }],
    ['HTML 502', 'server_error', (route) => route.fulfill({ status: 502, contentType: 'text/html', headers: cors, body: '<html>Bad gateway</html>' })],
    ['provider down', 'network', (route) => route.abort('connectionrefused')],
  ];
  for (const [name, cause, answer] of cases) {
    const s = await badLogin(answer);
    const dump = JSON.stringify(s);
    assert.equal(s.error?.name, 'SessionError', `${name}: a typed error (${dump})`);
    assert.equal(s.error.code, cause, `${name}: ${dump}`);
    if (name === 'wrong nonce') assert.match(s.error.message, /nonce/, dump);
    // The page's events: 'tokens' once, when restore() read the stored session, then the error.
    assert.deepEqual(s.events.map((e) => e.type), ['tokens', 'error'], `${name}: no logout, no new tokens (${dump})`);
    assert.equal(s.events[1].cause, cause, `${name}: the error event's cause`);
    assert.equal(s.authenticated, true, `${name}: still logged in`);
    assert.equal(s.token, tokenBefore, `${name}: the first login's access token, unchanged`);
    assert.equal(s.stored, tokenBefore, `${name}: the stored access token, unchanged`);
    assert.equal(s.nonce, nonceBefore, `${name}: the first login's ID token, unchanged`);
  }

  // Nothing intercepted any more: the refresh token survived too, a refresh works.
  provider.resetCounts();
  const refreshed = await page.evaluate(() => window.app.session.getAccessToken({ force: true }));
  assert.equal(typeof refreshed, 'string');
  assert.notEqual(refreshed, tokenBefore, 'a new access token');
  assert.equal(provider.counts().refresh, 1);
  const other = await open(context, q);
  assert.equal(await other.evaluate(() => window.app.session.getAccessToken()), refreshed, 'and it is stored');
  assert.deepEqual(page.problems, []);
  assert.deepEqual(other.problems, []);
  await context.close();
});
