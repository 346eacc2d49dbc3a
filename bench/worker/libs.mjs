// The implementations as the worker loads them: ours from the package's workerd entry, the peers
// from the bundle host.mjs builds. No fast-jwt (Node-only).
import * as tw from '../../pkg/workerd.js';
import * as peers from './peers.bundle.mjs';

export const libs = {
  tw,
  jose: {
    createLocalJWKSet: peers.createLocalJWKSet,
    decodeJwt: peers.decodeJwt,
    importJWK: peers.importJWK,
    jwtVerify: peers.jwtVerify,
  },
  jwtDecode: peers.jwtDecode,
  cfJwt: { verify: peers.cfVerify },
};
