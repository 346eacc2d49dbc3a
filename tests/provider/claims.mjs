// Token contents the way Keycloak writes them: account claims for ID tokens and userinfo, and the
// access token payload (oidc-provider's own JWT access token has other claims and typ at+jwt).
import { DEFAULT_REALM_ROLES, SERVICE_ACCOUNT_ROLES, SERVICE_ACCOUNT_SCOPE, findUserById } from './realm.mjs';

// Which claims each scope releases. typ and azp ride on openid so that ID tokens carry Keycloak's
// typ "ID" and azp (findAccount returns them only for ID tokens).
export const CLAIMS = {
  openid: ['sub', 'typ', 'azp'],
  profile: ['name', 'given_name', 'family_name', 'preferred_username'],
  email: ['email', 'email_verified'],
  acr: null,
  sid: null,
  auth_time: null,
  iss: null,
};

export const SCOPES = ['openid', 'offline_access', 'profile', 'email', 'roles', 'web-origins', 'acr', 'basic'];

function profile(user) {
  return {
    email_verified: true,
    name: `${user.givenName} ${user.familyName}`,
    preferred_username: user.username,
    given_name: user.givenName,
    family_name: user.familyName,
    email: user.email,
  };
}

export async function findAccount(ctx, id) {
  const user = findUserById(id);
  if (!user) return undefined;
  return {
    accountId: user.id,
    async claims(use) {
      const idToken = use === 'id_token' ? { typ: 'ID', azp: ctx.oidc.client?.clientId } : {};
      return { sub: user.id, ...idToken, ...profile(user) };
    },
  };
}

function resourceAccess(clientRoles) {
  const entries = Object.entries(clientRoles).filter(([, roles]) => roles.length);
  return entries.length ? Object.fromEntries(entries.map(([client, roles]) => [client, { roles: [...roles] }])) : undefined;
}

const origins = (client) => [...new Set((client?.redirectUris ?? []).map((u) => new URL(u).origin))];

// formats.customizers.jwt: rebuild the payload in Keycloak's shape and order (header typ "JWT",
// payload typ "Bearer", azp, sid, realm_access, resource_access, profile claims; no client_id for
// user tokens). The scope is the grant's full scope, not the resource-filtered one.
export async function keycloakAccessToken(ctx, token, jwt) {
  const p = jwt.payload;
  const entities = ctx?.oidc?.entities ?? {};
  jwt.header = { typ: 'JWT' };

  if (token.kind === 'ClientCredentials') {
    const roles = SERVICE_ACCOUNT_ROLES[token.clientId] ?? { realm: [...DEFAULT_REALM_ROLES], clients: {} };
    jwt.payload = {
      exp: p.exp, iat: p.iat, jti: p.jti, iss: p.iss, aud: p.aud, sub: p.sub,
      typ: 'Bearer', azp: token.clientId, acr: '1',
      realm_access: { roles: roles.realm },
      resource_access: resourceAccess(roles.clients),
      scope: p.scope ?? SERVICE_ACCOUNT_SCOPE,
      client_id: token.clientId,
      preferred_username: `service-account-${token.clientId}`,
      ...(p.cnf ? { cnf: p.cnf } : {}),
    };
    return;
  }

  const user = findUserById(token.accountId);
  const source = entities.RefreshToken ?? entities.AuthorizationCode;
  jwt.payload = {
    exp: p.exp, iat: p.iat, auth_time: source?.authTime, jti: p.jti, iss: p.iss, aud: p.aud, sub: p.sub,
    typ: 'Bearer', azp: token.clientId, sid: token.sid, acr: '1',
    'allowed-origins': origins(token.client ?? entities.Client),
    realm_access: { roles: [...user.realmRoles, ...DEFAULT_REALM_ROLES] },
    resource_access: resourceAccess(user.clientRoles),
    scope: source?.scope ?? p.scope,
    ...profile(user),
    ...(p.cnf ? { cnf: p.cnf } : {}),
  };
}
