// Ending grants and sessions from outside oidc-provider's own flows (back-channel logout,
// id_token_hint logout, the admin API). Each ended grant is recorded in the ledger with its reason
// so that a later refresh gets Keycloak's error_description.

export async function revokeGrant(op, grantId, reason) {
  const { provider, ledger } = op;
  ledger.end(grantId, reason);
  await Promise.all([provider.AccessToken, provider.RefreshToken, provider.AuthorizationCode]
    .map((Model) => Model.revokeByGrantId(grantId)));
  await provider.Grant.adapter.destroy(grantId);
}

// Keycloak's back-channel logout token to clients that registered a URI; failures are ignored,
// as Keycloak only logs them.
async function notifyClient(op, clientId, accountId, sid) {
  const client = await op.provider.Client.find(clientId);
  if (client?.backchannelLogoutUri) await client.backchannelLogout(accountId, sid).catch(() => {});
}

// Ends a browser (SSO) session as Keycloak ends a user session: online grants are revoked,
// offline ones survive. Resolves to false when there was no such session.
export async function endUserSession(op, sessionUid, reason) {
  const session = sessionUid ? await op.provider.Session.findByUid(sessionUid) : undefined;
  if (!session) return false;
  for (const [clientId, { grantId, sid, persistsLogout }] of Object.entries(session.authorizations ?? {})) {
    if (grantId && !persistsLogout) await revokeGrant(op, grantId, reason);
    await notifyClient(op, clientId, session.accountId, sid);
  }
  await session.destroy();
  return true;
}

// Ends what a session id (sid, = session_state) stands for: its browser session and its grants,
// offline ones only when asked (the admin API). Resolves to false when nothing was left to end.
export async function endSid(op, sid, reason, { offline = false } = {}) {
  const entry = op.ledger.session(sid);
  if (!entry) return false;
  const live = [...entry.grants]
    .filter(([grantId, grant]) => !op.ledger.whyEnded(grantId) && (offline || !grant.offline))
    .map(([grantId]) => grantId);
  const hadSession = await endUserSession(op, entry.sessionUid, reason);
  for (const grantId of live) await revokeGrant(op, grantId, reason);
  return hadSession || live.length > 0;
}
