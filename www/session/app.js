// Session page: the package's session driver in the browser against the demo provider. The
// driver does the protocol (discovery, PKCE, code exchange, refresh, logout); this page only wires
// its I/O (a sessionStorage store, navigation) and shows its view and events. Tokens are never
// logged: the claims are shown decoded, and events carry no token.
import { decode } from '/pkg/browser.js';
import { createSessionDriver } from '/pkg/session-browser.js';

const $ = (id) => document.getElementById(id);
const STORE_KEY = 'tokenward-demo:session';

function log(type, detail) {
  const extra = detail && Object.keys(detail).length ? ` ${JSON.stringify(detail)}` : '';
  $('log').textContent += `${new Date().toLocaleTimeString()} ${type}${extra}\n`;
}

// The store contract: compare-and-set on state.version, 0 meaning empty. sessionStorage is one
// tab's and synchronous, so reading and writing without an await in between is atomic.
function sessionStorageStore(key) {
  const read = () => JSON.parse(sessionStorage.getItem(key) ?? 'null');
  return {
    async load() {
      return read();
    },
    async compareAndSet(expected, state) {
      const current = read();
      if ((current?.version ?? 0) !== expected) return { ok: false, current };
      if (state == null) sessionStorage.removeItem(key);
      else sessionStorage.setItem(key, JSON.stringify(state));
      return { ok: true };
    },
  };
}

function render(driver) {
  const view = driver.view();
  $('status').textContent = view.authenticated ? 'authenticated' : `logged out${view.ended ? ` (${view.ended})` : ''}`;
  let claims = null;
  if (view.accessToken) {
    try {
      claims = decode(view.accessToken).claims;
    } catch (err) {
      log('decode failed', { code: err.code, message: err.message });
    }
  }
  $('user').textContent = claims?.preferred_username ?? '-';
  $('claims').textContent = claims ? JSON.stringify(claims, null, 2) : '';
  $('login').disabled = view.authenticated;
  $('refresh').disabled = !view.authenticated;
  $('logout').disabled = !view.authenticated;
}

// Button actions: a SessionError is shown with its code; the view is redrawn either way.
const action = (driver, name, fn) => async () => {
  try {
    await fn();
  } catch (err) {
    log(`${name} failed`, { code: err.code, message: err.message });
  }
  render(driver);
};

async function main() {
  // The demo server knows the provider's issuer (its port may be changed): no hardcoded URL here.
  const { issuer } = await (await fetch('/session/config.json')).json();
  // One canonical page URL, as registered with the provider (whichever of 127.0.0.1/localhost).
  const here = `${location.origin}/session/`;
  const driver = createSessionDriver({
    issuer,
    clientId: 'demo-spa',
    redirectUri: here,
    postLogoutRedirectUri: here,
    userAgent: true,
    scope: 'openid profile',
    store: sessionStorageStore(STORE_KEY),
    navigate: (url) => location.assign(url),
  });
  for (const type of ['tokens', 'refreshed', 'loggedOut', 'error']) {
    driver.addEventListener(type, (e) => {
      log(type, e.detail);
      render(driver);
    });
  }

  await driver.start();
  const params = new URLSearchParams(location.search);
  // Back from the provider's login (with a code, or an error such as access_denied).
  if (params.has('state') && (params.has('code') || params.has('error'))) {
    try {
      await driver.handleCallback(location.href);
    } catch (err) {
      log('callback failed', { code: err.code, message: err.message });
    }
  }
  // Drop code/state (and the state a logout returns with) so a reload does not replay them.
  if (location.search) history.replaceState(null, '', location.pathname);

  $('login').addEventListener('click', action(driver, 'login', () => driver.login()));
  $('refresh').addEventListener('click', action(driver, 'refresh', () => driver.getAccessToken({ force: true })));
  $('logout').addEventListener('click', action(driver, 'logout', () => driver.logout()));
  render(driver);
}

main().catch((err) => {
  $('status').textContent = `failed: ${err.message}`;
  log('startup failed', { message: err.message });
});
