// Two Keycloak traits keycloak-js relies on and the test provider (oidc-provider) lacks, added in
// keycloak-js's browser context only, on its token requests; the provider's rotation and
// reuse-revokes-the-grant rules are untouched, since the real refresh token still goes through.
// - CORS with credentials: keycloak-js sends token requests with credentials: 'include'; Keycloak
//   answers its web origins with Access-Control-Allow-Credentials: true, the test provider does not,
//   so Chromium would block every response ("Failed to fetch").
// - JWT refresh tokens: keycloak-js decodes the refresh token as a JWT ("Unable to decode token,
//   payload not found" otherwise); Keycloak's are JWTs, the test provider's are opaque. The opaque
//   token travels wrapped in an unsigned JWT-shaped string and is unwrapped on its way back.
// The provider takes no middleware once started, hence the browser-side route.
const b64url = (s) => Buffer.from(s).toString('base64url');
const wrap = (rt) => `${b64url('{"alg":"none"}')}.${b64url(JSON.stringify({ typ: 'Refresh', rt }))}.`;
const unwrap = (jwt) => JSON.parse(Buffer.from(jwt.split('.')[1], 'base64url').toString()).rt;

export async function keycloakShim(context, issuer) {
  await context.route(`${issuer}/protocol/openid-connect/token`, async (route) => {
    const form = new URLSearchParams(route.request().postData() ?? '');
    if (form.get('grant_type') === 'refresh_token') form.set('refresh_token', unwrap(form.get('refresh_token')));
    const response = await route.fetch({ postData: form.toString() });
    const headers = response.headers();
    if (headers['access-control-allow-origin']) headers['access-control-allow-credentials'] = 'true';
    let body = await response.body();
    if (response.ok()) {
      const json = JSON.parse(body.toString());
      if (json.refresh_token) json.refresh_token = wrap(json.refresh_token);
      body = JSON.stringify(json);
      delete headers['content-length'];
    }
    await route.fulfill({ status: response.status(), headers, body });
  });
}
