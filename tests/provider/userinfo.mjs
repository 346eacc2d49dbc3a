// The userinfo endpoint for this realm's JWT access tokens (oidc-provider's own only takes the
// opaque tokens it stores). Answers as Keycloak does: the profile claims, or 401 invalid_token.
import { bearerToken, cors, readForm, sendJson } from './http.mjs';
import { verifyAccessToken } from './bearer.mjs';

export async function userinfoEndpoint(op, req, res) {
  if (cors(op.origins, req, res)) return;
  if (req.method !== 'GET' && req.method !== 'POST') return sendJson(res, 405, { error: 'invalid_request' });
  const value = bearerToken(req) ?? (req.method === 'POST' ? (await readForm(req)).get('access_token') : undefined);
  const token = await verifyAccessToken(op, value);
  if (!token) {
    return sendJson(res, 401, { error: 'invalid_token', error_description: 'Token verification failed' }, {
      'www-authenticate': 'Bearer realm="demo", error="invalid_token", error_description="Token verification failed"',
    });
  }
  const { sub, email_verified, name, preferred_username, given_name, family_name, email } = token;
  return sendJson(res, 200, { sub, email_verified, name, preferred_username, given_name, family_name, email });
}
