// What oidc-provider forgets and Keycloak's answers need: why a grant ended (a reused refresh
// token, a logout, a revocation, the admin API) and which grants belong to a session id (sid).
// oidc-provider deletes revoked tokens, so without this every late refresh would read "refresh
// token not found". Keys are SHA-256 hashes of token ids: no token value is kept here.
import { createHash } from 'node:crypto';

const hash = (value) => createHash('sha256').update(value).digest('base64url');
const now = () => Math.floor(Date.now() / 1000);

// oidc-provider revokes a grant itself on these routes (its 'grant.revoked' event).
const REASON_BY_ROUTE = { token: 'reuse', end_session_confirm: 'logout', revocation: 'revoked' };

export class Ledger {
  #tokens = new Map(); // hash(refresh token id) -> { grantId, offline, exp }
  #ended = new Map(); // grantId -> 'reuse' | 'logout' | 'revoked' | 'admin'
  #sids = new Map(); // sid -> { sessionUid, grants: Map<grantId, { offline }> }

  constructor(provider) {
    provider.on('authorization_code.saved', (code) => this.#bind(code));
    provider.on('refresh_token.saved', (rt) => {
      this.#bind(rt);
      this.#tokens.set(hash(rt.jti), { grantId: rt.grantId, offline: !rt.expiresWithSession, exp: now() + rt.expiration });
    });
    provider.on('grant.revoked', (ctx, grantId) => this.end(grantId, REASON_BY_ROUTE[ctx.oidc.route] ?? 'logout'));
  }

  #bind({ sid, sessionUid, grantId, expiresWithSession }) {
    if (!sid || !grantId) return;
    const entry = this.#sids.get(sid) ?? { sessionUid, grants: new Map() };
    entry.grants.set(grantId, { offline: !expiresWithSession });
    this.#sids.set(sid, entry);
  }

  // The record of a refresh token value, if this provider issued it.
  refreshToken(value) {
    return typeof value === 'string' ? this.#tokens.get(hash(value)) : undefined;
  }

  end(grantId, reason) {
    if (!this.#ended.has(grantId)) this.#ended.set(grantId, reason);
  }

  whyEnded(grantId) {
    return this.#ended.get(grantId);
  }

  session(sid) {
    return this.#sids.get(sid);
  }
}
