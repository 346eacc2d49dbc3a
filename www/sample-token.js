// Makes a Keycloak-like RS256 access token with WebCrypto and a throwaway key, so the demo can be
// tried without a running identity provider. The key is discarded: the token only decodes.
const b64url = (bytes) => btoa(String.fromCharCode(...new Uint8Array(bytes)))
  .replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');
const json64 = (value) => b64url(new TextEncoder().encode(JSON.stringify(value)));

export async function sampleToken() {
  const alg = { name: 'RSASSA-PKCS1-v1_5', modulusLength: 2048, publicExponent: new Uint8Array([1, 0, 1]), hash: 'SHA-256' };
  const { privateKey } = await crypto.subtle.generateKey(alg, false, ['sign']);
  const now = Math.floor(Date.now() / 1000);
  const header = { alg: 'RS256', kid: 'k1', typ: 'JWT' };
  const claims = {
    iss: 'http://localhost/realms/demo', sub: 'u1', typ: 'Bearer', azp: 'spa', exp: now + 300, iat: now,
    realm_access: { roles: ['user'] }, scope: 'openid profile',
  };
  const input = `${json64(header)}.${json64(claims)}`;
  const signature = await crypto.subtle.sign(alg, privateKey, new TextEncoder().encode(input));
  return `${input}.${b64url(signature)}`;
}
