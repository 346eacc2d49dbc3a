// What serve.mjs and the demo print about a running provider: issuer, discovery, clients and the
// demo users (fixed test credentials only, never a token).

const roles = (u) => [...u.realmRoles, ...Object.entries(u.clientRoles).flatMap(([c, r]) => r.map((role) => `${c}:${role}`))].join(', ');

/** The clients and users, one per line under a heading each. */
export function accountLines({ clients, users }) {
  return [
    'clients',
    ...clients.map((c) => `  ${c.clientId.padEnd(11)} ${c.type.padEnd(19)} ${c.secret ? `secret ${c.secret}` : 'no secret'}  (${c.grants.join(', ')})`),
    'users',
    ...users.map((u) => `  ${u.username.padEnd(6)} / ${u.password.padEnd(15)} ${u.enabled ? roles(u) : 'disabled (login fails)'}`),
  ];
}

/** @param {{ issuer: string, clients: object[], users: object[] }} provider from startProvider() */
export function summaryLines(provider) {
  return [
    `issuer     ${provider.issuer}`,
    `discovery  ${provider.issuer}/.well-known/openid-configuration`,
    ...accountLines(provider),
  ];
}
