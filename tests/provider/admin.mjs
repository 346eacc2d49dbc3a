// Keycloak's admin API, the one call a server-side client needs:
// DELETE /admin/realms/demo/sessions/{id} with a service account's bearer token.
import { bearerToken, send, sendJson } from './http.mjs';
import { verifyAccessToken } from './bearer.mjs';
import { REALM } from './realm.mjs';
import { endSid } from './sessions.mjs';

const SESSION = new RegExp(`^/admin/realms/${REALM}/sessions/([^/]+)$`);

export async function adminEndpoint(op, req, res, url) {
  const match = SESSION.exec(url.pathname);
  if (!match) return sendJson(res, 404, { error: 'HTTP 404 Not Found' });
  if (req.method !== 'DELETE') return sendJson(res, 405, { error: 'HTTP 405 Method Not Allowed' });

  const token = await verifyAccessToken(op, bearerToken(req));
  if (!token) return sendJson(res, 401, { error: 'HTTP 401 Unauthorized' }, { 'www-authenticate': `Bearer realm="${REALM}"` });
  // Keycloak requires realm-management's manage-users: demo-admin's service account has it,
  // users and the other clients do not.
  if (!token.resource_access?.['realm-management']?.roles?.includes('manage-users')) {
    return sendJson(res, 403, { error: 'HTTP 403 Forbidden' });
  }

  // The id is the user session id, which tokens carry as sid and token responses as session_state.
  const ended = await endSid(op, decodeURIComponent(match[1]), 'admin', { offline: true });
  return ended ? send(res, 204) : sendJson(res, 404, { error: 'Session not found' });
}
