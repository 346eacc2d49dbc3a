// Node entry: Node has no fetch of file: URLs, so read the Wasm beside this file and
// instantiate it synchronously; importers then use the API without awaiting init().
import { constants, createPublicKey, verify as nodeVerify } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { setFlagsFromString } from 'node:v8';
import * as glue from './tokenward.js';

// Node 20's V8 (11.3) aborts the whole process ("Fatal error ... unreachable code" in
// Deoptimizer::DoComputeBuiltinContinuation) when it deoptimises a function at an inlined call of
// a Wasm export that returns a JS value (externref), which most of these exports do. Inlining
// such calls is switched off there (process-wide, a little slower); later V8s handle the case.
if (process.versions.v8.startsWith('11.3.')) setFlagsFromString('--no-turbo-inline-js-wasm-calls');

const { memory } = glue.initSync({ module: readFileSync(new URL('./tokenward_bg.wasm', import.meta.url)) });

// Signatures by node:crypto, synchronously (verify and verifyAsync): the core chose the key and
// the parameters (src/jose/node_crypto.rs) and decides everything else; this only maps them onto
// crypto.verify. A throw here hands the check back to the Wasm verifier. Builds without
// signature crypto (lite, inspect) have no such hook: they verify through WebCrypto only.
// The message and signature come as addresses in the Wasm memory: views made here, at the call,
// can never have been detached by a memory growth, and nothing is copied.
const bytes = (ptr, len) => new Uint8Array(memory.buffer, ptr, len);
const nativeVerifier = {
  importKey: (jwk) => createPublicKey({ key: jwk, format: 'jwk' }),
  verify: (key, digest, pss, ieeeP1363, messagePtr, messageLen, signaturePtr, signatureLen) => {
    const options = pss
      ? { key, padding: constants.RSA_PKCS1_PSS_PADDING, saltLength: constants.RSA_PSS_SALTLEN_DIGEST }
      : ieeeP1363
        ? { key, dsaEncoding: 'ieee-p1363' }
        : key;
    return nodeVerify(digest, bytes(messagePtr, messageLen), options, bytes(signaturePtr, signatureLen));
  },
};
glue.__setNativeVerifier?.(nativeVerifier.importKey, nativeVerifier.verify);
// Not part of the API: the tests wrap these to see that node:crypto really answered.
export const __nativeVerifier = Object.freeze(nativeVerifier);

export * from './tokenward.js';
// Already instantiated above; `ready` is here so code written for the browser entries' lazy
// loading (`await ready`) runs unchanged.
export const ready = Promise.resolve();
// @tokenward:token-error-export
