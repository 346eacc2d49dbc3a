// The demo SPA on tokenward/browser against the demo provider. The library does the protocol
// (discovery, PKCE, code exchange, refresh shared by every tab, logout); this page shows its
// getters and events. Open it in two tabs: they share one session and one refresh. Tokens are
// never logged; claims are shown decoded.
import { createSession } from '/pkg/session/browser-session.js';

const $ = (id) => document.getElementById(id);

function log(type, detail) {
  const extra = detail && Object.keys(detail).length ? ` ${JSON.stringify(detail)}` : '';
  $('log').textContent += `${new Date().toLocaleTimeString()} ${type}${extra}\n`;
}

let lastCause = null;
function render(session) {
  const authenticated = session.authenticated;
  $('status').textContent = authenticated ? 'authenticated' : `logged out${lastCause ? ` (${lastCause})` : ''}`;
  const claims = session.claims;
  $('user').textContent = claims?.preferred_username ?? '-';
  $('roles').textContent = claims ? (claims.realm_access?.roles ?? []).join(', ') : '-';
  $('claims').textContent = claims ? JSON.stringify(claims, null, 2) : '';
  $('coordination').textContent = session.coordination;
  $('login').disabled = authenticated;
  $('refresh').disabled = !authenticated;
  $('token').disabled = !authenticated;
  $('logout').disabled = !authenticated;
  countdown(session);
}

// Seconds until the access token expires, by this tab's clock (the library itself judges by its
// estimate of the server's clock).
function countdown(session) {
  const at = session.expiresAt;
  $('expires').textContent = at ? `${Math.max(0, Math.round(at - Date.now() / 1000))} s` : '-';
}

const action = (session, name, fn) => async () => {
  try {
    await fn();
  } catch (err) {
    log(`${name} failed`, { code: err.code, message: err.message });
  }
  render(session);
};

async function main() {
  // The demo server knows the provider's issuer (its port may be changed): no hardcoded URL here.
  const { issuer } = await (await fetch('/session/config.json')).json();
  // One canonical page URL, as registered with the provider (whichever of 127.0.0.1/localhost).
  const here = `${location.origin}/session/`;
  const session = createSession({ issuer, clientId: 'demo-spa', redirectUri: here, postLogoutRedirectUri: here, scope: 'openid profile' });
  for (const type of ['tokens', 'refreshed', 'loggedOut', 'error', 'idleWarning']) {
    session.addEventListener(type, (e) => {
      if (type === 'loggedOut') lastCause = e.detail.cause;
      log(type, e.detail);
      render(session);
    });
  }

  await session.restore();
  const params = new URLSearchParams(location.search);
  // Back from the provider's login (with a code, or an error such as access_denied).
  if (params.has('state') && (params.has('code') || params.has('error'))) {
    try {
      await session.handleCallback(location.href);
    } catch (err) {
      log('callback failed', { code: err.code, message: err.message });
    }
  } else if (params.has('state') && !session.authenticated) {
    lastCause = 'logged_out'; // back from the provider's logout
  }
  // Drop code/state (and the state a logout returns with) so a reload does not replay them.
  if (location.search) history.replaceState(null, '', location.pathname);

  $('login').addEventListener('click', action(session, 'login', () => session.login()));
  $('refresh').addEventListener('click', action(session, 'refresh', () => session.getAccessToken({ force: true })));
  $('token').addEventListener('click', action(session, 'getAccessToken', () => session.getAccessToken()));
  $('logout').addEventListener('click', action(session, 'logout', () => session.logout()));
  setInterval(() => countdown(session), 1000);
  render(session);
}

main().catch((err) => {
  $('status').textContent = `failed: ${err.message}`;
  log('startup failed', { message: err.message });
});
