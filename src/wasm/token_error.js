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
