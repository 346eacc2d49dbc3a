// A Keycloak-shaped OpenID provider for tests and the demo, built on oidc-provider: realm "demo"
// at {origin}/realms/demo with Keycloak's endpoint paths, token shapes, token-response fields and
// error strings. See realm.mjs for the clients and users. Test infrastructure only: the signing
// key in keys.json is a committed test key.
import { readFileSync } from 'node:fs';
import { createServer } from 'node:http';
import * as jose from 'jose';
import { adminEndpoint } from './admin.mjs';
import { CLAIMS, SCOPES, findAccount, keycloakAccessToken } from './claims.mjs';
import { escapeHtml, page, sendJson } from './http.mjs';
import { Ledger } from './ledger.mjs';
import { loginPage, loginUrl } from './login-page.mjs';
import { logoutEndpoint } from './logout.mjs';
import { CLIENT_SUMMARY, DEFAULT_TTL, DEMO_USERS, LOGIN_PATH, PATHS, REALM, clients } from './realm.mjs';
import { keycloakTokenEndpoint } from './token-endpoint.mjs';
import { userinfoEndpoint } from './userinfo.mjs';

export { CLIENT_SUMMARY as CLIENTS, DEMO_USERS as USERS } from './realm.mjs';

const KEYS = JSON.parse(readFileSync(new URL('./keys.json', import.meta.url), 'utf8'));
const PUBLIC_JWKS = { keys: KEYS.keys.map(({ kty, kid, use, alg, n, e }) => ({ kty, kid, use, alg, n, e })) };
// Access tokens are issued for this one resource server so that they are JWTs with aud "account".
const ACCOUNT_RESOURCE = 'urn:demo:account';

const COUNTERS = ['discovery', 'auth', 'token', 'refresh', 'code', 'clientCredentials', 'logout',
  'backchannelLogout', 'revoke', 'certs', 'admin', 'userinfo', 'introspect'];
const MAX_REQUESTS = 10000; // serve.mjs may run for long
const COUNTED_PATHS = {
  '/.well-known/openid-configuration': 'discovery',
  [PATHS.authorization]: 'auth',
  [PATHS.token]: 'token',
  [PATHS.revocation]: 'revoke',
  [PATHS.jwks]: 'certs',
  [PATHS.userinfo]: 'userinfo',
  [PATHS.introspection]: 'introspect',
};

// oidc-provider warns on import that Node 20 is not supported (it works): drop only that line.
async function loadOidcProvider() {
  const { warn } = console;
  console.warn = (...args) => { if (!String(args[0]).includes('Unsupported runtime')) warn(...args); };
  try {
    const [lib, memory] = await Promise.all([
      import('oidc-provider'),
      // The library's in-memory store, one per provider; passing it avoids its "development
      // only" warning, which the default adapter prints.
      import('oidc-provider/lib/adapters/memory_adapter.js'),
    ]);
    return { Provider: lib.default, errors: lib.errors, createMemoryAdapter: memory.createMemoryAdapter };
  } finally {
    console.warn = warn;
  }
}

const now = () => Math.floor(Date.now() / 1000);

// Online refresh tokens live for the session idle time, capped by what is left of the session
// max (Keycloak: min(idle, max)); offline ones for the offline idle time.
function refreshTokenTtl(ttl, token) {
  if (!token.expiresWithSession) return ttl.offlineToken;
  const loginAt = token.authTime ?? now();
  return Math.max(1, Math.min(ttl.refreshToken, loginAt + ttl.session - now()));
}

// Lifetimes must be whole seconds > 0 (oidc-provider fails the token request otherwise).
function checkedTtl(ttl = {}) {
  for (const [name, value] of Object.entries(ttl)) {
    if (!(name in DEFAULT_TTL)) throw new TypeError(`unknown ttl "${name}" (known: ${Object.keys(DEFAULT_TTL).join(', ')})`);
    if (value !== undefined && !(Number.isInteger(value) && value > 0)) throw new TypeError(`ttl.${name} must be a positive integer of seconds, got ${value}`);
  }
  return ttl;
}

function configuration(op, opts, { errors, createMemoryAdapter }) {
  const { ttl } = op;
  return {
    adapter: createMemoryAdapter(),
    clients: clients(op.origin, opts),
    jwks: KEYS,
    findAccount,
    claims: CLAIMS,
    scopes: SCOPES,
    routes: PATHS,
    responseTypes: ['code'],
    pkce: { required: (ctx, client) => client.clientAuthMethod === 'none' },
    // Keycloak issues a refresh token with every code exchange, and rotates it on every refresh
    // ("Revoke Refresh Token", max reuse 0); a reused one revokes the grant.
    issueRefreshToken: async (ctx, client) => client.grantTypeAllowed('refresh_token'),
    rotateRefreshToken: true,
    expiresWithSession: async (ctx, code) => !code.scopes.has('offline_access'),
    ttl: {
      AccessToken: () => ttl.accessToken,
      ClientCredentials: () => ttl.accessToken,
      IdToken: () => ttl.idToken ?? ttl.accessToken,
      RefreshToken: (ctx, token) => refreshTokenTtl(ttl, token),
      Session: () => ttl.session,
      Grant: () => Math.max(ttl.offlineToken, ttl.session),
      Interaction: () => 1800,
      AuthorizationCode: () => 60,
    },
    interactions: { url: async (ctx, interaction) => loginUrl(interaction.uid) },
    features: {
      devInteractions: { enabled: false },
      clientCredentials: { enabled: true },
      backchannelLogout: { enabled: true },
      revocation: { enabled: true, allowedPolicy: async (ctx, client, token) => token.clientId === client.clientId },
      introspection: {
        enabled: true,
        allowedPolicy: async (ctx, client, token) => client.clientAuthMethod !== 'none' || token.clientId === client.clientId,
      },
      rpInitiatedLogout: {
        enabled: true,
        // The confirmation page submits itself ("logout=yes"), so a browser never stops on it
        // and completeLogout() in login.mjs can post it without one.
        logoutSource: async (ctx, form) => {
          ctx.body = page('Logging out', `${form.replace('</form>', '<input type="hidden" name="logout" value="yes"/></form>')}
<p>Logging out&hellip;</p><noscript><button type="submit" form="op.logoutForm">Log out</button></noscript>
<script>document.forms[0].submit()</script>`);
        },
        postLogoutSuccessSource: async (ctx) => { ctx.body = page('You are logged out', '<p>You are logged out.</p>'); },
      },
      resourceIndicators: {
        enabled: true,
        defaultResource: async (ctx, client, oneOf) => oneOf ?? ACCOUNT_RESOURCE,
        useGrantedResource: async () => true,
        getResourceServerInfo: async (ctx, resource) => {
          if (resource !== ACCOUNT_RESOURCE) throw new errors.InvalidTarget();
          return { scope: '', audience: 'account', accessTokenFormat: 'jwt', jwt: { sign: { alg: 'RS256' } } };
        },
      },
    },
    formats: { customizers: { jwt: keycloakAccessToken } },
    renderError: async (ctx, out) => {
      ctx.type = 'html';
      ctx.body = page('We are sorry...', `<p id="error-message" role="alert">${escapeHtml(out.error_description ?? out.error)}</p>`);
    },
    // Keycloak's "web origins": the origins of the registered redirect URIs.
    clientBasedCORS: (ctx, origin, client) => client.redirectUris.some((uri) => new URL(uri).origin === origin),
    // oidc-provider's fetch refuses loopback addresses (SSRF guard); test back-channel logout
    // receivers live there, so use plain fetch.
    fetch: (url, { dispatcher, ...options }) => globalThis.fetch(url, options),
  };
}

// Keycloak asks no consent for offline_access; oidc-provider drops offline_access unless the
// request has prompt=consent. Adding it is invisible: the consent step finishes without a page.
// (With prompt=none it cannot be added, so such a request gets an online refresh token.)
function offlineAccessAsConsent(url) {
  const params = url.searchParams;
  const prompts = new Set((params.get('prompt') ?? '').split(' ').filter(Boolean));
  if (!(params.get('scope') ?? '').split(' ').includes('offline_access') || prompts.has('consent') || prompts.has('none')) return;
  params.set('prompt', [...prompts, 'consent'].join(' '));
}

function listen(server, port) {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, '127.0.0.1', () => { server.off('error', reject); resolve(); });
  });
}

export async function startProvider(opts = {}) {
  const ttl = { ...DEFAULT_TTL, ...checkedTtl(opts.ttl) };
  const lib = await loadOidcProvider();
  const server = createServer();
  await listen(server, opts.port ?? 0);
  const origin = `http://127.0.0.1:${server.address().port}`;
  const issuer = `${origin}/realms/${REALM}`;
  const prefix = `/realms/${REALM}`;

  const counts = Object.fromEntries(COUNTERS.map((name) => [name, 0]));
  const requests = [];
  const op = {
    origin,
    issuer,
    ttl,
    notBefore: 0,
    jwks: jose.createLocalJWKSet(PUBLIC_JWKS),
    count: (name) => { counts[name] += 1; },
  };

  let provider;
  try {
    provider = new lib.Provider(issuer, configuration(op, opts, lib));
  } catch (err) {
    server.close();
    throw err;
  }
  // Keycloak puts sid into every token; oidc-provider only does so for clients that registered
  // back-channel logout with sessions.
  provider.Client.prototype.includeSid = () => true;
  if (opts.debug) provider.on('server_error', (ctx, err) => console.error('oidc-provider:', err));
  op.provider = provider;
  op.ledger = new Ledger(provider);
  op.origins = new Set(clients(origin, opts).flatMap((c) => c.redirect_uris).map((uri) => new URL(uri).origin));
  provider.use(keycloakTokenEndpoint(op));
  const callback = provider.callback();

  async function handle(req, res) {
    const url = new URL(req.url, origin);
    const entry = { method: req.method, path: url.pathname, grantType: undefined, at: Date.now() };
    requests.push(entry);
    if (requests.length > MAX_REQUESTS) requests.splice(0, requests.length - MAX_REQUESTS);
    req.requestEntry = entry;

    if (url.pathname.startsWith(`/admin/realms/${REALM}/`)) {
      op.count('admin');
      return adminEndpoint(op, req, res, url);
    }
    if (!url.pathname.startsWith(`${prefix}/`)) return sendJson(res, 404, { error: 'Unable to find matching target resource method' });
    const path = url.pathname.slice(prefix.length);
    if (req.method !== 'OPTIONS' && COUNTED_PATHS[path]) op.count(COUNTED_PATHS[path]);

    if (path.startsWith(`${LOGIN_PATH}/`)) return loginPage(op, req, res, path.slice(LOGIN_PATH.length + 1));
    if (path === PATHS.userinfo) return userinfoEndpoint(op, req, res);
    if (path === PATHS.end_session && await logoutEndpoint(op, req, res, url)) return undefined;
    if (path === PATHS.authorization && req.method === 'GET') offlineAccessAsConsent(url);

    // Mount oidc-provider under /realms/demo: it finds its mount path from originalUrl.
    req.originalUrl = `${url.pathname}${url.search}`;
    req.url = `${path}${url.search}`;
    return callback(req, res);
  }

  server.on('request', (req, res) => {
    handle(req, res).catch((err) => {
      if (!res.headersSent) sendJson(res, 500, { error: 'server_error', error_description: err.message });
      else res.destroy();
    });
  });

  return {
    issuer,
    origin,
    /** The oidc-provider instance, for tests that need to reach inside. */
    oidc: provider,
    users: DEMO_USERS,
    clients: CLIENT_SUMMARY,
    requests,
    counts: () => ({ ...counts }),
    resetCounts() {
      for (const name of COUNTERS) counts[name] = 0;
      requests.length = 0;
    },
    /** Lifetimes in seconds for tokens issued from now on: accessToken, idToken, refreshToken, offlineToken, session. */
    setTtl(ttl) { Object.assign(op.ttl, checkedTtl(ttl)); },
    /** Keycloak's not-before-policy value in token responses (it revokes nothing here). */
    setNotBefore(ts) { op.notBefore = ts; },
    stop() {
      return new Promise((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      });
    },
  };
}
