// The three libraries under comparison: the app page of each and where its version comes from.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { keycloakShim } from './keycloak-shim.mjs';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const versionOf = (file) => JSON.parse(readFileSync(file, 'utf8')).version;

const APPS = {
  tokenward: '/apps/tokenward.html',
  'keycloak-js': '/apps/keycloak-js.html',
  'oidc-client-ts': '/apps/oidc-client-ts.html',
};

export function libraries(pkgDir) {
  const pkgJson = (name) => (name === 'tokenward' ? join(pkgDir, 'package.json') : join(ROOT, 'node_modules', name, 'package.json'));
  // prepare(context, issuer) runs on the library's fresh browser context before its first tab.
  const prepare = { 'keycloak-js': keycloakShim };
  return Object.entries(APPS).map(([name, app]) => ({ name, app, version: versionOf(pkgJson(name)), prepare: prepare[name] }));
}

/** Every URI the provider must accept as a redirect (keycloak-js's silent check-sso page too). */
export const redirectUris = (base) => [...Object.values(APPS), '/apps/silent-check-sso.html'].map((p) => `${base}${p}`);
