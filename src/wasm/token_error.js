// JS helpers of the Wasm bindings (wasm-bindgen copies this file into the package as a snippet).

// The error every tokenward call throws. `code` is stable (see TokenErrorCode in the
// typings); `claim` names the claim or header member concerned, when there is one.
export class TokenError extends Error {
  constructor(code, message, claim) {
    super(message);
    this.name = 'TokenError';
    this.code = code;
    if (claim != null) this.claim = claim;
  }
}

// Header and claims are parsed once per token and shared (the verified-token cache hands the
// same token to many callers), so they are frozen all the way down.
// (A plain parse then a walk over objects only is about 3x faster than a JSON.parse reviver.)
function deepFreeze(value) {
  if (typeof value === 'object' && value !== null) {
    for (const key in value) deepFreeze(value[key]);
    Object.freeze(value);
  }
  return value;
}
export function parseFrozen(text) {
  return deepFreeze(JSON.parse(text));
}


// A token's UTF-8 bytes straight into a buffer the Wasm side reuses: one native copy (a token is
// ASCII), where passing a string walks it char by char in JS first. Returns the bytes written.
const encoder = new TextEncoder();
export function encodeInto(text, memory, ptr, capacity) {
  return encoder.encodeInto(text, new Uint8Array(memory.buffer, ptr, capacity)).written;
}

// WebCrypto's answer for each candidate key (Promises of CryptoKeys, imported once per key): a
// Promise of the booleans, or of null when WebCrypto fails (the Wasm verifier decides then).
// Plain JS continuations here: a Wasm closure per step cost more than the check in workerd.
export function subtleVerify(subtle, params, keys, signature, message) {
  const one = (key) => key.then((k) => subtle.verify(params, k, signature, message));
  return Promise.all(keys.map(one)).catch(() => null);
}
