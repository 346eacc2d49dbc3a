// Keycloak's logout endpoint in front of oidc-provider's end_session:
// - POST refresh_token + client credentials (back-channel logout): ends that session, online or
//   offline, and answers 204, also when it is already gone. oidc-provider has no such call.
// - id_token_hint (GET or POST): like Keycloak 18+, ends the hinted session and redirects to the
//   registered post_logout_redirect_uri without a confirmation page, with or without cookies.
// - anything else goes to oidc-provider (a POST is turned into the equivalent GET), whose
//   confirmation page submits itself (logoutSource in index.mjs).
import { authenticateClient, cors, escapeHtml, page, readForm, redirect, send, sendHtml, sendJson } from './http.mjs';
import { verifyIdTokenHint } from './bearer.mjs';
import { PATHS } from './realm.mjs';
import { endSid, endUserSession, revokeGrant } from './sessions.mjs';

const errorPage = (res, message) =>
  sendHtml(res, 400, page('We are sorry...', `<p id="error-message" role="alert">${escapeHtml(message)}</p>`));

// Resolves to true when the request was answered here, false to hand it to oidc-provider.
export async function logoutEndpoint(op, req, res, url) {
  if (cors(op.origins, req, res)) return true;
  if (req.method !== 'GET' && req.method !== 'POST') return false;
  const post = req.method === 'POST';
  const params = post ? await readForm(req) : url.searchParams;

  if (post && params.has('refresh_token')) {
    op.count('backchannelLogout');
    await backchannelLogout(op, req, res, params);
    return true;
  }
  op.count('logout');
  if (params.has('id_token_hint')) {
    await hintedLogout(op, res, params);
    return true;
  }
  if (post) {
    redirect(res, 303, `${op.issuer}${PATHS.end_session}?${params}`);
    return true;
  }
  if (params.has('post_logout_redirect_uri') && !params.has('client_id')) {
    errorPage(res, 'Missing parameters: id_token_hint');
    return true;
  }
  return false;
}

async function backchannelLogout(op, req, res, params) {
  const { client, error } = await authenticateClient(op.provider, req, params);
  if (error) return sendJson(res, 401, { error: 'invalid_client', error_description: error });

  const rt = await op.provider.RefreshToken.find(params.get('refresh_token'), { ignoreExpiration: true, ignoreSessionBinding: true });
  if (!rt) return send(res, 204);
  if (rt.clientId !== client.clientId) {
    return sendJson(res, 400, { error: 'invalid_grant', error_description: "Invalid refresh token. Token client and authorized client don't match" });
  }
  // An online token ends the whole user session (all its clients); an offline one only its grant.
  if (rt.expiresWithSession) await endUserSession(op, rt.sessionUid, 'logout');
  await revokeGrant(op, rt.grantId, 'logout');
  return send(res, 204);
}

async function hintedLogout(op, res, params) {
  const hint = await verifyIdTokenHint(op, params.get('id_token_hint'));
  if (!hint) return errorPage(res, 'Invalid IDToken');
  const clientId = params.get('client_id') ?? hint.aud;
  if (clientId !== hint.aud) return errorPage(res, 'Parameter client_id different than the client for which ID Token was issued');

  const client = await op.provider.Client.find(clientId);
  const target = params.get('post_logout_redirect_uri');
  if (target && !client?.postLogoutRedirectUriAllowed(target)) return errorPage(res, 'Invalid redirect uri');

  if (hint.sid) await endSid(op, hint.sid, 'logout');
  if (!target) return sendHtml(res, 200, page('You are logged out', '<p>You are logged out.</p>'));
  const next = new URL(target);
  if (params.has('state')) next.searchParams.set('state', params.get('state'));
  return redirect(res, 302, next.href);
}
