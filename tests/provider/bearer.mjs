// Access tokens are JWTs this provider signed and oidc-provider does not store, so the endpoints
// that take one (admin API, userinfo, introspection) verify it with jose against our own key.
import * as jose from 'jose';

// Resolves to the payload of a valid, unexpired access token of this realm, else undefined.
export async function verifyAccessToken(op, token) {
  if (!token) return undefined;
  try {
    const { payload } = await jose.jwtVerify(token, op.jwks, { issuer: op.issuer, algorithms: ['RS256'] });
    return payload.typ === 'Bearer' ? payload : undefined;
  } catch {
    return undefined;
  }
}

// An ID token's payload when its signature and issuer are ours and typ is "ID"; expiry is not
// checked, as Keycloak accepts an expired id_token_hint.
export async function verifyIdTokenHint(op, token) {
  try {
    const { payload } = await jose.compactVerify(token, op.jwks, { algorithms: ['RS256'] });
    const claims = JSON.parse(new TextDecoder().decode(payload));
    return claims.iss === op.issuer && claims.typ === 'ID' ? claims : undefined;
  } catch {
    return undefined;
  }
}
