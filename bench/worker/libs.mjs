// The implementations as the worker loads them: ours from the package's workerd entries, the peers
// from the bundle host.mjs builds. No fast-jwt (Node-only).
import * as twGuard from '../../pkg/guard-workerd.js';
import * as tw from '../../pkg/workerd.js';
import * as peers from './peers.bundle.mjs';

export const libs = {
  tw,
  twGuard,
  jose: {
    createLocalJWKSet: peers.createLocalJWKSet,
    createRemoteJWKSet: peers.createRemoteJWKSet,
    customFetch: peers.customFetch,
    decodeJwt: peers.decodeJwt,
    importJWK: peers.importJWK,
    jwtVerify: peers.jwtVerify,
  },
  jwtDecode: peers.jwtDecode,
  cfJwt: { verify: peers.cfVerify },
  hono: { Hono: peers.Hono, jwk: peers.honoJwk },
};
