// Keys and tokens for every workload, made fresh with jose at setup (no key is committed). Plain
// JSON, so the same fixture is posted into the worker.
import { createPublicKey, randomBytes, randomUUID } from 'node:crypto';
import { exportJWK, generateKeyPair, SignJWT } from 'jose';
import { ALGS } from '../workloads/cold-verify.mjs';

export const ISSUER = 'https://sso.example.test/realms/bench';
export const AUDIENCE = 'account';
/** Where Keycloak serves the realm's JWKS (the guard workload's fetch stub answers only this URL). */
export const JWKS_URI = `${ISSUER}/protocol/openid-connect/certs`;

/** A Keycloak-shaped access token payload; sub / jti / sid differ per token. */
function claims(now, i) {
  return {
    exp: now + 86_400, // a day: nothing expires mid-run, even for peers that read the real clock
    iat: now - 10,
    auth_time: now - 20,
    jti: randomUUID(),
    iss: ISSUER,
    aud: AUDIENCE,
    sub: randomUUID(),
    typ: 'Bearer',
    azp: 'bench-spa',
    sid: randomUUID(),
    acr: '1',
    'allowed-origins': ['https://app.example.test'],
    realm_access: { roles: ['offline_access', 'default-roles-bench', 'uma_authorization', `user-${i % 7}`] },
    resource_access: { account: { roles: ['manage-account', 'manage-account-links', 'view-profile'] } },
    scope: 'openid email profile',
    email_verified: true,
    name: `User ${i}`,
    preferred_username: `user${i}`,
    given_name: 'User',
    family_name: `${i}`,
    email: `user${i}@example.test`,
  };
}

async function keysFor(alg) {
  if (alg === 'HS256') {
    const secret = randomBytes(32);
    const kid = 'hs-1';
    return {
      signKey: secret,
      kid,
      jwk: { kty: 'oct', k: secret.toString('base64url'), kid, alg, use: 'sig' },
      secret: secret.toString('base64url'),
    };
  }
  const { publicKey, privateKey } = await generateKeyPair(alg, { extractable: true }); // RSA: 2048-bit
  const kid = `${alg.toLowerCase()}-1`;
  const jwk = { ...(await exportJWK(publicKey)), kid, alg, use: 'sig' };
  const pem = createPublicKey({ key: jwk, format: 'jwk' }).export({ type: 'spki', format: 'pem' });
  return { signKey: privateKey, kid, jwk, pem };
}

async function signAll(alg, keys, now, from, count) {
  const out = [];
  for (let i = from; i < from + count; i++) {
    out.push(
      await new SignJWT(claims(now, i))
        .setProtectedHeader({ alg, kid: keys.kid, typ: 'JWT' })
        .sign(keys.signKey),
    );
  }
  return out;
}

async function keycloakJwks() {
  const rsa = async (kid, alg, use) => {
    const { publicKey } = await generateKeyPair(alg, { extractable: true, modulusLength: 2048 });
    return { kid, kty: 'RSA', alg, use, ...(await exportJWK(publicKey)) };
  };
  const ec = await generateKeyPair('ES256', { extractable: true });
  return {
    keys: [
      await rsa('rsa-sig-1', 'RS256', 'sig'),
      await rsa('rsa-enc-1', 'RSA-OAEP', 'enc'),
      { kid: 'ec-sig-1', kty: 'EC', alg: 'ES256', use: 'sig', ...(await exportJWK(ec.publicKey)) },
      await rsa('rsa-sig-2', 'RS256', 'sig'),
    ],
  };
}

export async function makeFixture(mode) {
  const now = Math.floor(Date.now() / 1000);
  const algs = {};
  for (const alg of ALGS) {
    const { signKey, ...keys } = await keysFor(alg);
    algs[alg] = {
      ...keys,
      tokens: await signAll(alg, { signKey, ...keys }, now, 0, mode.tokens),
      warm: await signAll(alg, { signKey, ...keys }, now, mode.tokens, mode.warmTokens),
    };
  }
  const jwks = await keycloakJwks();
  return {
    issuer: ISSUER,
    audience: AUDIENCE,
    jwksUri: JWKS_URI,
    now,
    algs,
    keycloakJwks: jwks,
    keycloakJwksText: JSON.stringify(jwks),
    rs256TokenBytes: algs.RS256.tokens[0].length,
  };
}
