// The shipped typings as a TypeScript user gets them: npm pack pkg/, install the tarball into a
// fresh project and type-check a file of the README's examples with tsc under `strict`,
// `skipLibCheck: false` and the default `lib`, so every .d.ts an import reaches is checked too.
// `@ts-expect-error` lines prove misspelled options are refused (tsc fails on an unused one).
import assert from 'node:assert/strict';
import { spawnSync, execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('../../', import.meta.url));
const tsc = join(root, 'node_modules', 'typescript', 'bin', 'tsc');
const npm = (args, cwd) =>
  execFileSync('npm', [...args, '--no-audit', '--no-fund', '--loglevel=error'], { cwd, encoding: 'utf8' });

const APP = `
import { decode, verify, verifyAsync, explain, KeySet, TokenError, ready } from 'tokenward';
import type { Check, Report, TokenErrorCode, VerifyOptions } from 'tokenward';
import * as lite from 'tokenward/lite';
import { createSessionDriver, memoryStore, SessionError, ready as sessionReady } from 'tokenward/session';
import type { SessionStore } from 'tokenward/session';
import { createSession } from 'tokenward/browser';
import { inspect, loadKeys, explain as inspectExplain, discover, fetchJwks, compare, describeTime } from 'tokenward/inspect';
import { createGuard } from 'tokenward/worker';

declare const jwksUri: string;
declare const accessToken: string;
declare const anyToken: string;
declare const bytes: Uint8Array;
declare const myStore: SessionStore;

// tokenward (README "Using it from JavaScript")
await ready;
const keys = new KeySet(await (await fetch(jwksUri)).json());
const uncached = new KeySet({ keys: [] }, { cacheSize: 0 });
const opts: VerifyOptions = { issuer: 'https://sso.example.com/realms/demo', audience: ['account'], clockTolerance: 5 };
try {
  const token = verify(accessToken, keys, {
    issuer: 'https://sso.example.com/realms/demo',
    audience: 'account',
    kind: 'access',
  });
  const sub: string | undefined = token.claims.sub;
  const admin: boolean = token.hasRealmRole('admin');
  token.hasResourceRole('viewer', 'my-client');
  token.hasScope('email');
  console.log(sub, admin);
} catch (err) {
  if (err instanceof TokenError) {
    const code: TokenErrorCode = err.code;
    console.log(code, err.claim);
  }
}
const later = await verifyAsync(accessToken, keys, opts);
console.log(later.kind, decode(anyToken).header.alg, uncached.cacheStats.capacity, keys.algorithms);
const report: Report = explain(anyToken, keys, opts);
const failed: Check[] = report.checks.filter((c) => c.status === 'fail');
explain(anyToken, null, opts);
KeySet.fromSecret(bytes, { alg: 'HS256' });
// @ts-expect-error a misspelled option must not type-check (the core refuses it too)
verify(accessToken, keys, { audeince: 'x' });
// @ts-expect-error the constructor's options are typed as well
new KeySet({ keys: [] }, { cachesize: 0 });

// tokenward/lite: decode and explain only
await lite.ready;
lite.decode(anyToken).claims.iss;
lite.explain(anyToken, new lite.KeySet('{"keys":[]}'), { kind: 'id' }).ok;

// tokenward/session (README "Sessions")
await sessionReady;
const driver = createSessionDriver({
  issuer: 'https://id.example/realms/demo', clientId: 'app', redirectUri: location.origin + '/',
  userAgent: true, postLogoutRedirectUri: location.origin + '/', scope: 'openid profile',
  store: myStore, navigate: (url) => location.assign(url),
});
await driver.start();
if (new URLSearchParams(location.search).has('state')) await driver.handleCallback(location.href);
const bearer: string = await driver.getAccessToken();
await driver.logout();
driver.addEventListener('loggedOut', (e) => console.log((e as CustomEvent).detail.cause));
createSessionDriver({ issuer: 'https://id.example/realms/demo', clientId: 'svc', store: memoryStore() });
try { await driver.getAccessToken({ force: true }); } catch (err) { if (err instanceof SessionError) console.log(err.code); }

// tokenward/browser (README "Single-page apps")
const session = createSession({
  issuer: 'https://id.example/realms/demo', clientId: 'spa',
  redirectUri: location.origin + '/', postLogoutRedirectUri: location.origin + '/',
  scope: 'openid profile', idleTimeout: 1800, storage: 'indexeddb', coordination: 'auto',
});
await session.restore();
if (new URLSearchParams(location.search).has('state')) await session.handleCallback();
if (!session.authenticated) await session.login();
const res: Response = await session.fetch('/api/orders');
const user: boolean = session.hasRealmRole('user');
const name: string | undefined = session.claims?.preferred_username;
const nonce: string | undefined = session.idClaims?.nonce;
const expiresAt: number | null = session.expiresAt;
session.addEventListener('loggedOut', (e) => console.log(e.type));
await session.logout();
// @ts-expect-error a misspelled session option must not type-check
createSession({ issuer: 'https://id.example/realms/demo', clientId: 'spa', idelTimeout: 1800 });

// tokenward/inspect (README "Token inspector")
const view = inspect('pasted');
const inspected = await discover('https://id.example/realms/demo', { pageOrigin: 'https://app.example' });
const checked = await inspectExplain(view.tokens[0].token, inspected, { issuer: 'https://id.example/realms/demo', audience: 'api' });
const summary: string = checked.summary;
loadKeys({ keys: [] }).keys;
(await fetchJwks('https://id.example/certs')).rejected;
compare('a', 'b').changed;
describeTime('exp', 0, 1);

// tokenward/worker (README "Edge guard")
const guard = createGuard({ issuer: 'https://id.example/realms/demo', audience: 'api', requiredRealmRoles: ['user'] });
const guarded = await guard.check(new Request('https://api.example/'));
const guardedSub = guarded instanceof Response ? guarded.status : guarded.claims.sub;
const worker = { fetch: guard.protect((req, env: { A: string }, ctx, token) => new Response(token.kind)) };
// @ts-expect-error a misspelled guard option must not type-check
createGuard({ issuer: 'https://id.example/realms/demo', requiredScope: ['read'] });

export { guardedSub, worker, bearer, expiresAt, failed, name, nonce, res, summary, user };
`;

// A user's usual settings beside the defaults: target es2022 keeps the default lib short of
// esnext (no Symbol.dispose), as in most projects; nodenext alone implies target esnext.
const CONFIGS = {
  'nodenext, target es2022': { module: 'nodenext', moduleResolution: 'nodenext', target: 'es2022' },
  'bundler, target es2022': { module: 'esnext', moduleResolution: 'bundler', target: 'es2022' },
  'nodenext, default target': { module: 'nodenext', moduleResolution: 'nodenext' },
};

test('the packed typings type-check a strict user project', { timeout: 180_000 }, async (t) => {
  const work = mkdtempSync(join(tmpdir(), 'tokenward-types-'));
  t.after(() => rmSync(work, { recursive: true, force: true }));

  const [packed] = JSON.parse(npm(['pack', join(root, 'pkg'), '--pack-destination', work, '--json'], root));
  const project = join(work, 'app');
  mkdirSync(project);
  writeFileSync(join(project, 'package.json'), JSON.stringify({ name: 'app', private: true, type: 'module' }));
  // The package has no dependencies, so the install needs no registry.
  npm(['install', '--offline', join(work, packed.filename)], project);
  writeFileSync(join(project, 'app.ts'), APP);

  for (const [name, options] of Object.entries(CONFIGS)) {
    await t.test(name, () => {
      const tsconfig = `tsconfig.${name.replace(/\W+/g, '-')}.json`;
      const compilerOptions = { ...options, strict: true, skipLibCheck: false, noEmit: true };
      writeFileSync(join(project, tsconfig), JSON.stringify({ compilerOptions, files: ['app.ts'] }, null, 2));
      const r = spawnSync(process.execPath, [tsc, '-p', join(project, tsconfig), '--pretty', 'false'], { encoding: 'utf8' });
      assert.equal(r.status, 0, `tsc failed (${name}):\n${r.stdout}${r.stderr}`);
    });
  }
});
