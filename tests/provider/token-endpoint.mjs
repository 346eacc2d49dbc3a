// Koa middleware (provider.use) that makes oidc-provider's token, revocation and introspection
// answers read like Keycloak's:
// - successful token responses get refresh_expires_in (0 for offline tokens), session_state (the
//   sid the tokens carry), not-before-policy, and the grant's full scope;
// - error_description strings are Keycloak's. oidc-provider says "grant request is invalid" for
//   every invalid_grant; the real reason is the error's error_detail (from the 'grant.error'
//   event) plus the ledger, which remembers why a grant ended.
// - JWT access tokens (which oidc-provider does not store) can be revoked (a no-op, 200) and
//   introspected (verified with our key).
import { verifyAccessToken } from './bearer.mjs';
import { SERVICE_ACCOUNT_SCOPE } from './realm.mjs';

const GRANT_COUNTERS = { refresh_token: 'refresh', authorization_code: 'code', client_credentials: 'clientCredentials' };
const now = () => Math.floor(Date.now() / 1000);

function refreshFailure(op, value, detail) {
  switch (detail) {
    case 'refresh token already used': return 'Stale token';
    case 'refresh token is expired': return 'Token is not active';
    case 'client mismatch': return "Invalid refresh token. Token client and authorized client don't match";
    default:
  }
  const record = op.ledger.refreshToken(value);
  if (!record) return 'Invalid refresh token';
  const why = op.ledger.whyEnded(record.grantId);
  // A reuse revoked the grant: Keycloak detaches the client session.
  if (why === 'reuse') return "Session doesn't have required client";
  if (why) return record.offline ? 'Offline user session not found' : 'Session not active';
  if (record.exp <= now()) return 'Token is not active';
  // Still unexpired but gone with its browser session (session max reached).
  return record.offline ? 'Offline session not active' : 'Session not active';
}

function describe(op, ctx, body, err) {
  const detail = err?.error_detail ?? '';
  const gty = ctx.oidc.params?.grant_type;
  if (body.error === 'invalid_client') {
    return detail === 'client not found' ? 'Invalid client or Invalid client credentials' : 'Invalid client credentials';
  }
  if (gty === 'authorization_code' && /code_verifier|code_challenge/.test(`${detail} ${body.error_description}`)) {
    return { error: 'invalid_grant', error_description: 'PKCE verification failed' };
  }
  if (body.error !== 'invalid_grant') return body.error_description;
  if (gty === 'authorization_code') return detail.includes('redirect_uri') ? 'Incorrect redirect_uri' : 'Code not valid';
  if (gty === 'refresh_token') return refreshFailure(op, ctx.oidc.params.refresh_token, detail);
  return body.error_description;
}

function keycloakResponse(op, { RefreshToken: rt, AuthorizationCode: code, ClientCredentials: cc }, body) {
  const source = rt ?? code;
  const offline = rt ? !rt.expiresWithSession : false;
  const fields = {
    access_token: body.access_token,
    expires_in: body.expires_in,
    refresh_expires_in: body.refresh_token && !offline ? rt.expiration : 0,
    refresh_token: body.refresh_token,
    token_type: body.token_type,
    id_token: body.id_token,
    'not-before-policy': op.notBefore,
    session_state: source?.sid,
    scope: source?.scope ?? body.scope ?? (cc ? SERVICE_ACCOUNT_SCOPE : undefined),
  };
  return Object.fromEntries(Object.entries(fields).filter(([, v]) => v !== undefined));
}

async function introspectJwt(op, ctx) {
  const payload = await verifyAccessToken(op, ctx.oidc.params?.token);
  ctx.status = 200;
  ctx.body = payload
    ? { ...payload, client_id: payload.azp, username: payload.preferred_username, token_type: 'Bearer', active: true }
    : { active: false };
}

export function keycloakTokenEndpoint(op) {
  const errors = new WeakMap();
  op.provider.on('grant.error', (ctx, err) => errors.set(ctx, err));

  return async function tokenEndpoint(ctx, next) {
    await next();
    const route = ctx.oidc?.route;
    const body = ctx.body && typeof ctx.body === 'object' ? ctx.body : undefined;

    if (route === 'token') {
      const gty = ctx.oidc.params?.grant_type;
      if (ctx.req.requestEntry) ctx.req.requestEntry.grantType = gty;
      if (GRANT_COUNTERS[gty]) op.count(GRANT_COUNTERS[gty]);
      if (ctx.status === 200 && body?.access_token) {
        ctx.body = keycloakResponse(op, ctx.oidc.entities, body);
      } else if (body?.error) {
        const described = describe(op, ctx, body, errors.get(ctx));
        ctx.body = typeof described === 'object' ? described : { error: body.error, error_description: described };
      }
    } else if (body?.error === 'unsupported_token_type' && route === 'revocation') {
      ctx.status = 200;
      ctx.body = '';
    } else if (body?.error === 'unsupported_token_type' && route === 'introspection') {
      await introspectJwt(op, ctx);
    }
  };
}
