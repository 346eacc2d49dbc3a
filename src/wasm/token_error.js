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
const freeze = (_key, value) => (typeof value === 'object' && value !== null ? Object.freeze(value) : value);
export function parseFrozen(text) {
  return JSON.parse(text, freeze);
}

