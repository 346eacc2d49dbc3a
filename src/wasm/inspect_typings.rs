//! TypeScript types of the inspector's views (src/inspect/view.rs, diff.rs, fetch.rs).

use wasm_bindgen::prelude::*;

#[wasm_bindgen(typescript_custom_section)]
const INSPECT_TYPES: &'static str = r#"
/** A note or warning of the inspector; `code` is stable, `text` is for people. */
export interface Note { level: 'info' | 'warning'; code: string; text: string; }

/** A header member or claim explained in place. */
export interface Field { name: string; label: string; explanation: string; untrusted: boolean; }

export interface TimeView {
  claim: 'exp' | 'nbf' | 'iat' | 'auth_time';
  /** Seconds since the epoch. */
  at: number;
  /** ISO 8601, UTC. */
  utc: string;
  /** "expires in 4m 12s", "expired 3h 0m ago", as of the inspection's `now`. */
  relative: string;
  past: boolean;
}

export interface TokenView {
  /** 'access_token', 'id_token', 'refresh_token', 'logout_token', or 'token' when pasted alone. */
  field: string;
  kind: TokenKind | 'logout' | 'invalid';
  label: string;
  token: string;
  /** Why the text is not a JWT (segments, base64url, JSON, claim types). */
  error: { code: TokenErrorCode; message: string } | null;
  /** The header and payload JSON as the token carries them. */
  header_json: string | null;
  claims_json: string | null;
  header_fields: Field[];
  claim_fields: Field[];
  issuer: string | null;
  subject: string | null;
  audience: string[];
  azp: string | null;
  sid: string | null;
  scopes: string[];
  realm_roles: string[];
  client_roles: { client: string; roles: string[] }[];
  times: TimeView[];
  /** What the token response said of this token's lifetime (expires_in / refresh_expires_in). */
  stated_lifetime: string | null;
  notes: Note[];
}

export interface Inspection {
  input: 'token' | 'token_response' | 'url' | 'invalid';
  tokens: TokenView[];
  response: {
    token_type: string | null; expires_in: number | null; refresh_expires_in: number | null;
    scope: string | null; session_state: string | null; notes: Note[];
  } | null;
  notes: Note[];
}

export interface Comparison {
  /** `header.<member>` for header members. `before` / `after` absent when added / removed. */
  changed: { name: string; before?: unknown; after?: unknown }[];
  unchanged: string[];
  notes: Note[];
}

/** One step of fetching keys: where to fetch (url, origin), or what an answer means. */
export interface FetchStep { ok: boolean; url: string | null; origin: string | null; message: string; }
"#;
