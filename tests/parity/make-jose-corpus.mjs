#!/usr/bin/env node
// Writes tests/parity/jose-corpus.json: tokens signed once by npm jose (the reference
// implementation), for every algorithm both jose and tokenward support, valid and mutated, with
// the public JWKs (HMAC: the secret) and a fixed `now`, so the committed file never expires.
// Each case carries the outcome tokenward must give (`expect`: "ok" or an error code); the
// native parity test (tests/vectors/parity.rs) asserts it, and every runtime is then compared
// with the native verdict (tests/js/fixtures/parity-compare.mjs).
//
// Run by hand when the corpus should change: node tests/parity/make-jose-corpus.mjs
// (the output differs on every run: fresh keys and signatures).
import { createHash, createHmac, webcrypto } from 'node:crypto';
import { readFileSync, writeFileSync } from 'node:fs';
import * as jose from 'jose';

const OUT = new URL('./jose-corpus.json', import.meta.url);
const NOW = 1767225600; // 2026-01-01T00:00:00Z, the corpus's fixed clock
const ISS = 'https://idp.example/realms/parity';
const AUD = 'api';
const OPTIONS = { issuer: ISS, audience: AUD, now: NOW };

const RSA = ['RS256', 'RS384', 'RS512', 'PS256', 'PS384', 'PS512'];
const EC = { ES256: 32, ES384: 48, ES512: 66 };
const HMAC = { HS256: 32, HS384: 48, HS512: 64 };
const ALGS = [...RSA, ...Object.keys(EC), 'EdDSA', ...Object.keys(HMAC)];
// Another algorithm of the same family, for the swapped-alg cases.
const SIBLING = {
  RS256: 'RS384', RS384: 'RS512', RS512: 'RS256', PS256: 'PS384', PS384: 'PS512', PS512: 'PS256',
  ES256: 'ES384', ES384: 'ES512', ES512: 'ES256', EdDSA: 'ES256', HS256: 'HS384', HS384: 'HS512', HS512: 'HS256',
};
// The group orders, for high-S ECDSA signatures.
const ORDER = {
  ES256: 0xffffffff00000000ffffffffffffffffbce6faada7179e84f3b9cac2fc632551n,
  ES384: 0xffffffffffffffffffffffffffffffffffffffffffffffffc7634d81f4372ddf581a0db248b0a77aecec196accc52973n,
  ES512: BigInt(`0x01ff${'ffffffff'.repeat(7)}fffffffa51868783bf2f966b7fcc0148f709a5d03bb5c9b8899c47aebb6fb71e91386409`),
};
for (const [alg, n] of Object.entries(ORDER)) if (n.toString(2).length !== { ES256: 256, ES384: 384, ES512: 521 }[alg]) throw new Error(`order of ${alg}`);
const ED25519_L = 2n ** 252n + 27742317777372353535851937790883648493n;

const b64u = (bytes) => Buffer.from(bytes).toString('base64url');
const unb64u = (s) => new Uint8Array(Buffer.from(s, 'base64url'));
const text = (s) => new TextEncoder().encode(s);

const beToInt = (bytes) => bytes.reduce((n, b) => (n << 8n) | BigInt(b), 0n);
const leToInt = (bytes) => beToInt([...bytes].reverse());
function intToBe(n, len) {
  const out = new Uint8Array(len);
  for (let i = len - 1; i >= 0; i--, n >>= 8n) out[i] = Number(n & 0xffn);
  return out;
}
const intToLe = (n, len) => intToBe(n, len).reverse();

function claims(extra = {}) {
  const c = { iss: ISS, aud: AUD, sub: 'u1', typ: 'Bearer', azp: 'spa', iat: NOW - 60, exp: NOW + 600, jti: 'j1', ...extra };
  for (const k of Object.keys(c)) if (c[k] === undefined) delete c[k];
  return c;
}

function sign(alg, key, payload, header = {}) {
  return new jose.SignJWT(payload).setProtectedHeader({ alg, kid: 'k1', typ: 'JWT', ...header }).sign(key);
}

const parts = (token) => token.split('.');
const withSignature = (token, sig) => `${parts(token).slice(0, 2).join('.')}.${b64u(sig)}`;
const signatureOf = (token) => unb64u(parts(token)[2]);
const headerOf = (token) => JSON.parse(Buffer.from(parts(token)[0], 'base64url'));
const HASH = { 256: 'SHA-256', 384: 'SHA-384', 512: 'SHA-512' };

// Signs any header (jose refuses to sign a crit it does not know) through WebCrypto directly.
async function rawSign(alg, key, header, payload) {
  const input = `${b64u(text(JSON.stringify(header)))}.${b64u(text(JSON.stringify(payload)))}`;
  const bits = alg.slice(2);
  let sig;
  if (HMAC[alg]) sig = createHmac(`sha${bits}`, key).update(input).digest();
  else if (alg.startsWith('RS')) sig = await webcrypto.subtle.sign({ name: 'RSASSA-PKCS1-v1_5' }, key, text(input));
  else if (alg.startsWith('PS')) sig = await webcrypto.subtle.sign({ name: 'RSA-PSS', saltLength: bits / 8 }, key, text(input));
  else if (EC[alg]) sig = await webcrypto.subtle.sign({ name: 'ECDSA', hash: HASH[bits] }, key, text(input));
  else sig = await webcrypto.subtle.sign({ name: 'Ed25519' }, key, text(input));
  return `${input}.${b64u(new Uint8Array(sig))}`;
}

async function keysFor(alg) {
  if (HMAC[alg]) {
    const secret = webcrypto.getRandomValues(new Uint8Array(HMAC[alg]));
    return { signKey: secret, keys: { secret: { k: b64u(secret), alg, kid: 'k1' } } };
  }
  const crv = alg === 'EdDSA' ? 'Ed25519' : undefined;
  const { publicKey, privateKey } = await jose.generateKeyPair(alg, { extractable: true, crv });
  const jwk = { ...(await jose.exportJWK(publicKey)), kid: 'k1', use: 'sig', alg };
  return { signKey: privateKey, publicKey, keys: { jwks: { keys: [jwk] } } };
}

// DER ECDSA-Sig-Value from a JWS r || s (what a signer that forgot RFC 7518 3.4 would send).
function der(sig) {
  const int = (b) => {
    let i = 0;
    while (i < b.length - 1 && b[i] === 0) i++;
    const v = b.slice(i);
    const body = v[0] & 0x80 ? [0, ...v] : [...v];
    return [0x02, body.length, ...body];
  };
  const half = sig.length / 2;
  const seq = [...int(sig.slice(0, half)), ...int(sig.slice(half))];
  const len = seq.length < 0x80 ? [seq.length] : [0x81, seq.length];
  return new Uint8Array([0x30, ...len, ...seq]);
}

// An Ed25519 signature whose R is the identity (r = 0): S = k * a mod L satisfies the
// cofactorless equation [S]B = R + [k]A. RFC 8032 verifiers that only compare encodings accept
// it; verify_strict (tokenward's Wasm and native verifier) refuses a small-order R.
async function ed25519SmallOrderR(privateKey, signingInput) {
  const jwk = await jose.exportJWK(privateKey);
  const h = createHash('sha512').update(unb64u(jwk.d)).digest();
  const a = h.subarray(0, 32);
  a[0] &= 248;
  a[31] &= 127;
  a[31] |= 64;
  const R = new Uint8Array(32);
  R[0] = 1; // the identity point: y = 1, x = 0
  const k = leToInt(createHash('sha512').update(R).update(unb64u(jwk.x)).update(text(signingInput)).digest()) % ED25519_L;
  const S = (k * leToInt(a)) % ED25519_L;
  return new Uint8Array([...R, ...intToLe(S, 32)]);
}

const cases = [];
function add(alg, name, token, keys, expect, { options = {}, note } = {}) {
  cases.push({ id: `jose:${alg}/${name}`, source: 'jose', token, ...keys, options: { ...OPTIONS, ...options }, expect, ...(note ? { note } : {}) });
}

for (const alg of ALGS) {
  const { signKey, publicKey, keys } = await keysFor(alg);
  const other = await keysFor(alg);
  const good = await sign(alg, signKey, claims());
  const [h, p] = parts(good);
  add(alg, 'valid', good, keys, 'ok');
  add(alg, 'valid-no-options', good, keys, 'ok', { options: { issuer: undefined, audience: undefined } });
  add(alg, 'tampered-payload', `${h}.${b64u(text(JSON.stringify(claims({ sub: 'admin' }))))}.${parts(good)[2]}`, keys, 'signature_invalid');
  add(alg, 'wrong-key', await sign(alg, other.signKey, claims()), keys, 'signature_invalid');
  const swapped = b64u(text(JSON.stringify({ ...headerOf(good), alg: SIBLING[alg] })));
  add(alg, 'alg-swapped', `${swapped}.${p}.${parts(good)[2]}`, keys, 'alg_not_allowed', { note: `header alg ${SIBLING[alg]}, key alg ${alg}` });
  add(alg, 'alg-not-in-option', good, keys, 'alg_not_allowed', { options: { algorithms: [SIBLING[alg]] } });
  add(alg, 'alg-in-option', good, keys, 'ok', { options: { algorithms: [SIBLING[alg], alg] } });
  add(alg, 'expired', await sign(alg, signKey, claims({ exp: NOW - 600 })), keys, 'expired');
  add(alg, 'expired-within-tolerance', await sign(alg, signKey, claims({ exp: NOW - 10 })), keys, 'ok', { options: { clockTolerance: 30 } });
  add(alg, 'not-yet-valid', await sign(alg, signKey, claims({ nbf: NOW + 600 })), keys, 'not_yet_valid');
  add(alg, 'no-exp', await sign(alg, signKey, claims({ exp: undefined })), keys, 'missing_claim');
  add(alg, 'wrong-issuer', await sign(alg, signKey, claims({ iss: 'https://evil.example' })), keys, 'issuer_mismatch');
  add(alg, 'wrong-audience', await sign(alg, signKey, claims({ aud: 'other' })), keys, 'audience_mismatch');
  add(alg, 'unknown-kid', await sign(alg, signKey, claims(), { kid: 'k2' }), keys, 'key_not_found');
  const crit = { alg, kid: 'k1', typ: 'JWT', crit: ['urn:example:ext'], 'urn:example:ext': true };
  add(alg, 'crit-unknown-extension', await rawSign(alg, signKey, crit, claims()), keys, 'crit_unsupported');
  add(alg, 'valid-raw-signed', await rawSign(alg, signKey, { alg, kid: 'k1' }, claims()), keys, 'ok', { note: 'signed through WebCrypto directly, as the crit case is' });
  const sig = signatureOf(good);
  add(alg, 'signature-truncated', withSignature(good, sig.slice(0, sig.length - 1)), keys, 'signature_invalid');
  add(alg, 'signature-zero', withSignature(good, new Uint8Array(sig.length)), keys, 'signature_invalid');
  add(alg, 'signature-bit-flip', withSignature(good, sig.map((b, i) => (i === sig.length >> 1 ? b ^ 1 : b))), keys, 'signature_invalid');

  if (RSA.includes(alg)) {
    // A signature that happens to start with a zero byte, sent without it (RFC 8017 8.2.2
    // step 1: the signature is exactly k bytes).
    let short;
    for (let i = 0; !short; i++) {
      const t = await sign(alg, signKey, claims({ jti: `z${i}` }));
      if (signatureOf(t)[0] === 0) short = withSignature(t, signatureOf(t).slice(1));
    }
    add(alg, 'signature-leading-zero-dropped', short, keys, 'signature_invalid');
    const spki = text(await jose.exportSPKI(publicKey));
    add(alg, 'hs256-with-public-key', await sign('HS256', spki, claims()), keys, 'alg_not_allowed', { note: 'HS256 keyed with the RSA public key (SPKI PEM)' });
  }
  if (alg.startsWith('PS')) {
    // PSS with an empty salt: RFC 7518 3.5 fixes the salt length to the hash's.
    const input = `${h}.${p}`;
    const saltless = await webcrypto.subtle.sign({ name: 'RSA-PSS', saltLength: 0 }, signKey, text(input));
    add(alg, 'pss-salt-0', `${input}.${b64u(new Uint8Array(saltless))}`, keys, 'signature_invalid');
  }
  if (EC[alg]) {
    const n = EC[alg];
    const highS = new Uint8Array([...sig.slice(0, n), ...intToBe(ORDER[alg] - beToInt(sig.slice(n)), n)]);
    add(alg, 'ecdsa-high-s', withSignature(good, highS), keys, 'ok', { note: 'RFC 7518 has no low-S rule' });
    add(alg, 'ecdsa-der-signature', withSignature(good, der(sig)), keys, 'signature_invalid');
    const sOverN = new Uint8Array([...sig.slice(0, n), ...intToBe(beToInt(sig.slice(n)) + ORDER[alg], n)]);
    if (beToInt(sig.slice(n)) + ORDER[alg] < 1n << BigInt(8 * n)) add(alg, 'ecdsa-s-plus-n', withSignature(good, sOverN), keys, 'signature_invalid');
  }
  if (alg === 'EdDSA') {
    const S = leToInt(sig.slice(32)) + ED25519_L;
    add(alg, 'ed25519-s-plus-l', withSignature(good, new Uint8Array([...sig.slice(0, 32), ...intToLe(S, 32)])), keys, 'signature_invalid', { note: 'non-canonical S' });
    add(alg, 'ed25519-small-order-r', withSignature(good, await ed25519SmallOrderR(signKey, `${h}.${p}`)), keys, 'signature_invalid', { note: 'R is the identity point (r = 0)' });
    const fully = await sign('Ed25519', signKey, claims());
    add(alg, 'alg-ed25519-fully-specified', fully, keys, 'unsupported_alg', { note: 'RFC 9864 alg "Ed25519": jose signs it, tokenward knows EdDSA only' });
  }
}

for (const c of cases) for (const k of Object.keys(c.options)) if (c.options[k] === undefined) delete c.options[k];
const doc = {
  about: 'Generated by tests/parity/make-jose-corpus.mjs with npm jose; see tests/vectors/parity.rs. Keys are test keys.',
  jose: JSON.parse(readFileSync(new URL('../../node_modules/jose/package.json', import.meta.url))).version,
  now: NOW,
  cases,
};
writeFileSync(OUT, `${JSON.stringify(doc, null, 1)}\n`);
console.log(`${cases.length} cases -> ${OUT.pathname}`);
