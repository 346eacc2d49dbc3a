//! The TypeScript `Claims` interface, shared by the verification API's typings and the
//! session's (each flavour has one or both).

use wasm_bindgen::prelude::*;

#[wasm_bindgen(typescript_custom_section)]
const CLAIMS_TYPES: &'static str = r#"
/** A token's claims: the registered ones typed, Keycloak's role members, anything else. */
export interface Claims {
  iss?: string;
  sub?: string;
  aud?: string | string[];
  exp?: number;
  nbf?: number;
  iat?: number;
  jti?: string;
  azp?: string;
  sid?: string;
  scope?: string;
  typ?: string;
  nonce?: string;
  auth_time?: number;
  acr?: string;
  at_hash?: string;
  preferred_username?: string;
  email?: string;
  name?: string;
  realm_access?: { roles?: string[] };
  resource_access?: Record<string, { roles?: string[] }>;
  [claim: string]: unknown;
}
"#;
