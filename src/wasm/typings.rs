//! TypeScript types we own, for what wasm-bindgen sees only as `JsValue`.

use wasm_bindgen::prelude::*;

#[wasm_bindgen(typescript_custom_section)]
const TYPES: &'static str = r#"
export type Algorithm =
  | 'HS256' | 'HS384' | 'HS512' | 'RS256' | 'RS384' | 'RS512'
  | 'PS256' | 'PS384' | 'PS512' | 'ES256' | 'ES384' | 'ES512' | 'EdDSA';

/** From Keycloak's payload `typ` (Bearer, ID, Refresh, Offline) or header `typ: at+jwt`. */
export type TokenKind = 'access' | 'id' | 'refresh' | 'offline' | 'unknown';

export type TokenErrorCode =
  | 'malformed' | 'unsupported_alg' | 'alg_not_allowed' | 'key_not_found' | 'key_rejected'
  | 'signature_invalid' | 'expired' | 'not_yet_valid' | 'issued_in_future' | 'too_old'
  | 'issuer_mismatch' | 'audience_mismatch' | 'azp_mismatch' | 'wrong_kind' | 'missing_claim'
  | 'crit_unsupported' | 'invalid_option';

/** Thrown by every tokenward call. */
export declare class TokenError extends Error {
  readonly name: 'TokenError';
  readonly code: TokenErrorCode;
  /** The claim or header member concerned, when there is one. */
  readonly claim?: string;
}

export interface VerifyOptions {
  /** Accepted `iss` value(s); makes `iss` required. Default: not checked. */
  issuer?: string | string[];
  /** Accepted audience(s); `aud` must contain one; makes `aud` required. Default: not checked. */
  audience?: string | string[];
  /** Required `azp`. Default: not checked. */
  azp?: string;
  /** Required kind. Default: any kind except refresh / offline, which are always refused unless asked for. */
  kind?: Exclude<TokenKind, 'unknown'>;
  /** Algorithm allow-list. Default: the algorithms the key set's keys allow. */
  algorithms?: Algorithm[];
  /** Leeway for exp / nbf / iat / maxAge, in seconds. Default: 30. */
  clockTolerance?: number;
  /** Largest age from `iat`, in seconds; makes `iat` required. Default: none. */
  maxAge?: number;
  /** Claims that must be present (`exp` always is). Default: none. */
  requiredClaims?: string[];
  /** The current time in seconds since the epoch. Default: the JS clock. */
  now?: number;
}

export interface KeySetOptions {
  /** Verified-token cache entries (default 1024; 0 disables). A hit skips the signature
   *  only: the algorithm allow-list and every claim are checked again on each call. */
  cacheSize?: number;
}

export interface SecretOptions extends KeySetOptions {
  alg: 'HS256' | 'HS384' | 'HS512';
  kid?: string;
}

export interface CacheStats {
  hits: number;
  misses: number;
  entries: number;
  capacity: number;
}

export interface Jwk {
  kty: string;
  kid?: string;
  use?: string;
  alg?: string;
  key_ops?: string[];
  [member: string]: unknown;
}
export interface Jwks {
  keys: Jwk[];
}
export interface KeyInfo {
  kid: string | null;
  kty: string;
  crv: string | null;
  alg: Algorithm | null;
  use: string | null;
  bits: number;
}
export interface RejectedKey {
  index: number;
  kid: string | null;
  reason: string;
}

export interface JoseHeader {
  alg: string;
  typ?: string;
  kid?: string;
  cty?: string;
  crit?: string[];
  [member: string]: unknown;
}

export type CheckId =
  | 'options' | 'structure' | 'header' | 'payload' | 'crit' | 'algorithm' | 'key' | 'signature'
  | 'exp' | 'nbf' | 'iat' | 'max_age' | 'iss' | 'aud' | 'azp' | 'kind' | 'required';

export interface Check {
  id: CheckId;
  status: 'pass' | 'fail' | 'skipped';
  /** Set when status is 'fail'. */
  code?: TokenErrorCode;
  claim?: string;
  reason: string;
}

export interface Report {
  /** True exactly when `verify` would accept the token with the same arguments. */
  ok: boolean;
  kind: TokenKind | null;
  header: JoseHeader | null;
  claims: Claims | null;
  checks: Check[];
}
"#;
