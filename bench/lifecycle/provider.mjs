// The Keycloak-shaped test provider (10 s access tokens, rotated refresh tokens, a reused one
// revokes the grant), plus a count of invalid_grant answers taken at the provider: tokenward's
// refreshes run in a SharedWorker, whose requests the page's network events do not show.
import { startProvider } from '../../tests/provider/index.mjs';

export async function startBenchProvider({ redirectUris }) {
  const provider = await startProvider({ redirectUris, postLogoutRedirectUris: redirectUris, ttl: { accessToken: 10 } });
  const invalidGrant = { refresh_token: 0, authorization_code: 0 };
  // oidc-provider emits grant.error for every failed token request; invalid_grant is its 400.
  provider.oidc.on('grant.error', (ctx, err) => {
    if (err?.error !== 'invalid_grant') return;
    const gty = ctx.oidc?.params?.grant_type;
    invalidGrant[gty] = (invalidGrant[gty] ?? 0) + 1;
  });
  return {
    provider,
    /** Provider counters and invalid_grant answers since the last reset. */
    snapshot: () => ({ counts: provider.counts(), invalidGrant: { ...invalidGrant } }),
    reset() {
      provider.resetCounts();
      for (const k of Object.keys(invalidGrant)) invalidGrant[k] = 0;
    },
  };
}
