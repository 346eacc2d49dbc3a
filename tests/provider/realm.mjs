// The "demo" realm: clients, users and lifetimes, shaped like a Keycloak realm export so tests
// and the demo read the same names a real Keycloak would show. Test data only: every secret and
// password here is public on purpose.

export const REALM = 'demo';

// Keycloak's endpoint paths, relative to the issuer ({origin}/realms/demo).
export const OIDC = '/protocol/openid-connect';
export const PATHS = {
  authorization: `${OIDC}/auth`,
  token: `${OIDC}/token`,
  end_session: `${OIDC}/logout`,
  jwks: `${OIDC}/certs`,
  revocation: `${OIDC}/revoke`,
  introspection: `${OIDC}/token/introspect`,
  userinfo: `${OIDC}/userinfo`,
  pushed_authorization_request: `${OIDC}/ext/par/request`,
};
// The login form lives where Keycloak's does; the uid of the pending interaction follows.
export const LOGIN_PATH = '/login-actions/authenticate';

// Keycloak's defaults (realm settings): access token 5 min, SSO session idle 30 min (the online
// refresh token's lifetime), SSO session max 10 h, offline session idle 30 days. idToken follows
// accessToken unless set, as Keycloak's ID token lifespan is the access token's.
export const DEFAULT_TTL = Object.freeze({
  accessToken: 300,
  idToken: undefined,
  refreshToken: 1800,
  offlineToken: 2592000,
  session: 36000,
});

// Roles every Keycloak user gets through default-roles-demo.
export const DEFAULT_REALM_ROLES = ['default-roles-demo', 'offline_access', 'uma_authorization'];

export const USERS = Object.freeze([
  {
    id: '9d1b6c2e-0a11-4c3e-9a5e-a11ce0000001',
    username: 'alice',
    password: 'alice-password',
    email: 'alice@example.test',
    givenName: 'Alice',
    familyName: 'Liddell',
    enabled: true,
    realmRoles: ['user'],
    clientRoles: { 'demo-spa': ['viewer'] },
  },
  {
    id: '5f0c7d1a-3b22-4d4f-8b6f-b0b000000002',
    username: 'bob',
    password: 'bob-password',
    email: 'bob@example.test',
    givenName: 'Bob',
    familyName: 'Builder',
    enabled: true,
    realmRoles: ['user', 'admin'],
    clientRoles: {},
  },
  {
    // Disabled account: its login fails with Keycloak's message, as a failing login needs.
    id: '2e8a4f3b-6c33-4e50-9c70-ca7010000003',
    username: 'carol',
    password: 'carol-password',
    email: 'carol@example.test',
    givenName: 'Carol',
    familyName: 'Danvers',
    enabled: false,
    realmRoles: ['user'],
    clientRoles: {},
  },
]);

export const findUserById = (id) => USERS.find((u) => u.id === id);
export const findUserByName = (name) => USERS.find((u) => u.username === name || u.email === name);

// Service accounts (client_credentials) carry the roles Keycloak would give them; demo-admin has
// realm-management's manage-users, which the admin endpoint requires.
export const SERVICE_ACCOUNT_ROLES = {
  'demo-bff': { realm: [...DEFAULT_REALM_ROLES], clients: {} },
  'demo-admin': {
    realm: [...DEFAULT_REALM_ROLES],
    clients: { 'realm-management': ['manage-users', 'view-users'] },
  },
};

// The scope Keycloak shows for a service account's token (its default client scopes).
export const SERVICE_ACCOUNT_SCOPE = 'profile email';

export const CLIENT_SECRETS = { 'demo-bff': 'demo-bff-secret', 'demo-admin': 'demo-admin-secret' };

// oidc-provider client metadata for the three clients.
export function clients(origin, { redirectUris = [], postLogoutRedirectUris = [], backchannelLogoutUri } = {}) {
  const defaults = [`${origin}/callback`, 'http://localhost:8080/', 'http://127.0.0.1:8080/', 'http://127.0.0.1:8080/callback'];
  const redirect_uris = [...new Set([...defaults, ...redirectUris])];
  const post_logout_redirect_uris = [...new Set([...defaults, ...postLogoutRedirectUris])];
  return [
    {
      // Public SPA: no secret, PKCE required (see pkce.required in index.mjs).
      client_id: 'demo-spa',
      token_endpoint_auth_method: 'none',
      grant_types: ['authorization_code', 'refresh_token'],
      response_types: ['code'],
      redirect_uris,
      post_logout_redirect_uris,
      require_auth_time: true, // Keycloak's ID tokens always carry auth_time
    },
    {
      // Confidential back end (BFF); secret by basic auth or in the form body.
      client_id: 'demo-bff',
      client_secret: CLIENT_SECRETS['demo-bff'],
      token_endpoint_auth_method: 'client_secret_basic',
      grant_types: ['authorization_code', 'refresh_token', 'client_credentials'],
      response_types: ['code'],
      redirect_uris,
      post_logout_redirect_uris,
      require_auth_time: true,
      ...(backchannelLogoutUri
        ? { backchannel_logout_uri: backchannelLogoutUri, backchannel_logout_session_required: true }
        : {}),
    },
    {
      // Service account whose token the admin endpoint accepts.
      client_id: 'demo-admin',
      client_secret: CLIENT_SECRETS['demo-admin'],
      token_endpoint_auth_method: 'client_secret_basic',
      grant_types: ['client_credentials'],
      response_types: [],
      redirect_uris: [],
    },
  ];
}

// What serve.mjs prints and the demo shows: no token values, only the fixed test credentials.
export const CLIENT_SUMMARY = [
  { clientId: 'demo-spa', type: 'public (PKCE S256)', secret: null, grants: ['authorization_code', 'refresh_token'] },
  { clientId: 'demo-bff', type: 'confidential', secret: CLIENT_SECRETS['demo-bff'], grants: ['authorization_code', 'refresh_token', 'client_credentials'] },
  { clientId: 'demo-admin', type: 'service account', secret: CLIENT_SECRETS['demo-admin'], grants: ['client_credentials'] },
];

export const DEMO_USERS = USERS.map(({ username, password, enabled, realmRoles, clientRoles }) => ({
  username, password, enabled, realmRoles: [...realmRoles], clientRoles: structuredClone(clientRoles),
}));
