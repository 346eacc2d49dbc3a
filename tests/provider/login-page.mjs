// The login form (oidc-provider's interactions.url). A small HTML form with Keycloak's element ids
// (kc-form-login, username, password, kc-login, input-error) so browser tests can fill it in.
// There is no consent page: as with Keycloak's default "Consent required: off", the requested
// scopes are granted at once, offline_access included.
import { escapeHtml, page, readForm, sendHtml, send } from './http.mjs';
import { SCOPES } from './claims.mjs';
import { LOGIN_PATH, REALM, findUserByName } from './realm.mjs';

export const loginUrl = (uid) => `/realms/${REALM}${LOGIN_PATH}/${uid}`;

const MESSAGES = {
  invalid: 'Invalid username or password.',
  disabled: 'Account is disabled, contact your administrator.',
  expired: 'Your login attempt timed out. Login will start from the beginning.',
};

function form(uid, { username = '', error } = {}) {
  const alert = error ? `<p id="input-error" role="alert">${escapeHtml(error)}</p>\n` : '';
  return page('Sign in to your account', `${alert}<form id="kc-form-login" method="post" action="${loginUrl(uid)}">
<label for="username">Username or email</label>
<input id="username" name="username" type="text" autocomplete="username" value="${escapeHtml(username)}" autofocus required>
<label for="password">Password</label>
<input id="password" name="password" type="password" autocomplete="current-password" required>
<button id="kc-login" name="login" type="submit">Sign In</button>
<button id="kc-cancel" name="cancel" value="true" type="submit" formnovalidate>Cancel</button>
</form>`);
}

// Grants what was asked (consent off) and finishes the interaction: oidc-provider answers 303
// back to the authorization endpoint, which redirects to the client with the code.
async function finish(op, req, res, details, accountId, login) {
  const { provider } = op;
  const { params, prompt } = details;
  const existing = details.grantId ? await provider.Grant.find(details.grantId) : undefined;
  const grant = existing?.accountId === accountId
    ? existing
    : new provider.Grant({ accountId, clientId: params.client_id });
  const scope = String(params.scope ?? '').split(' ').filter((s) => SCOPES.includes(s)).join(' ');
  if (scope) grant.addOIDCScope(scope);
  if (prompt.details.missingOIDCClaims) grant.addOIDCClaims(prompt.details.missingOIDCClaims);
  for (const [resource, scopes] of Object.entries(prompt.details.missingResourceScopes ?? {})) {
    grant.addResourceScope(resource, scopes.join(' '));
  }
  const result = { consent: { grantId: await grant.save() } };
  if (login) result.login = { accountId, acr: '1', amr: ['pwd'] };
  await provider.interactionFinished(req, res, result, { mergeWithLastSubmission: false });
}

export async function loginPage(op, req, res, uid) {
  const { provider } = op;
  let details;
  try {
    details = await provider.interactionDetails(req, res);
  } catch {
    return sendHtml(res, 400, form(uid, { error: MESSAGES.expired }));
  }
  if (details.uid !== uid) return sendHtml(res, 400, form(uid, { error: MESSAGES.expired }));

  if (req.method === 'GET') {
    // A consent prompt (an SSO session asking for new scopes) needs no page.
    if (details.prompt.name !== 'login' && details.session?.accountId) {
      return finish(op, req, res, details, details.session.accountId, false);
    }
    return sendHtml(res, 200, form(uid));
  }
  if (req.method !== 'POST') return send(res, 405);

  const body = await readForm(req);
  if (body.has('cancel')) {
    return provider.interactionFinished(req, res, { error: 'access_denied', error_description: 'User cancelled the login' });
  }
  const username = body.get('username') ?? '';
  const user = findUserByName(username.trim().toLowerCase());
  if (!user || user.password !== body.get('password')) {
    return sendHtml(res, 200, form(uid, { username, error: MESSAGES.invalid }));
  }
  if (!user.enabled) return sendHtml(res, 200, form(uid, { username, error: MESSAGES.disabled }));
  return finish(op, req, res, details, user.id, true);
}
