//! TypeScript types of `SessionCore`'s events, commands and views (src/session/io.rs).

use wasm_bindgen::prelude::*;

#[wasm_bindgen(typescript_custom_section)]
const SESSION_TYPES: &'static str = r#"
/** Session configuration; every default is documented in the README's session table. */
export interface SessionConfig {
  issuer: string;
  clientId: string;
  clientSecret?: string;
  clientSecretInBody?: boolean;
  redirectUri?: string;
  postLogoutRedirectUri?: string;
  /** Default 'openid'; `openid` is always added. */
  scope?: string;
  /** Seconds. Default 30. */
  minValidity?: number;
  /** Seconds. Default: off. */
  idleTimeout?: number;
  /** Seconds before the idle deadline for `idleWarning`. Default 60. */
  idleWarning?: number;
  /** A navigable user agent (browser). Default false. */
  userAgent?: boolean;
  logoutAsForm?: boolean;
  /** Default 'refresh_token'. */
  backchannel?: 'refresh_token' | 'admin';
  adminClientId?: string;
  adminClientSecret?: string;
  /** Default 'authorization_code'. */
  flow?: 'authorization_code' | 'client_credentials';
  algorithms?: ('RS256' | 'RS384' | 'RS512' | 'PS256' | 'PS384' | 'PS512' | 'ES256' | 'ES384' | 'ES512' | 'EdDSA')[];
  /** Seconds. Default 30. */
  clockTolerance?: number;
  /** Default 10000. */
  requestTimeoutMs?: number;
}

export type SessionCause =
  | 'logged_out' | 'logged_out_elsewhere' | 'backchannel_logout' | 'idle_expired'
  | 'session_expired' | 'max_expired' | 'refresh_reused' | 'revoked' | 'offline_revoked'
  | 'offline_expired' | 'consent_required' | 'client_mismatch' | 'invalid_client'
  | 'user_disabled' | 'user_unknown' | 'required_action' | 'code_invalid' | 'pkce_failed'
  | 'redirect_mismatch' | 'access_denied' | 'login_required' | 'invalid_grant' | 'invalid_scope'
  | 'invalid_request' | 'network' | 'server_error' | 'rate_limited' | 'invalid_response'
  | 'invalid_id_token' | 'state_mismatch' | 'iss_mismatch' | 'discovery' | 'configuration'
  | 'no_session' | 'storage';

/** The persisted state: opaque to apps, stored as is. */
export type SessionState = { version: number; [member: string]: unknown };

export interface LoginOptions {
  prompt?: string; loginHint?: string; uiLocales?: string; maxAge?: number; acrValues?: string;
  scope?: string; extra?: [string, string][]; returnTo?: string;
}

export type SessionEvent =
  | { type: 'start' }
  | { type: 'loaded'; state: SessionState | null }
  | { type: 'saved'; ok: boolean; current: SessionState | null }
  | { type: 'loadFailed'; message: string }
  | { type: 'saveFailed'; message: string }
  | { type: 'storeChanged'; state: SessionState | null }
  | { type: 'response'; id: number; status: number; body: string; retryAfter: number | null; sent: number; received: number }
  | { type: 'noResponse'; id: number }
  | { type: 'login'; options?: LoginOptions }
  | { type: 'callback'; url: string }
  | { type: 'ensureFresh'; force?: boolean }
  | { type: 'activity' }
  | { type: 'logout'; provider?: boolean; revoke?: boolean; uiLocales?: string | null }
  | { type: 'backchannelLogout'; sid: string | null; sub: string | null }
  | { type: 'timer' }
  | { type: 'signatureChecked'; id: number; ok: boolean; error?: string | null };

export interface HttpRequest { method: 'GET' | 'POST' | 'DELETE'; url: string; headers: [string, string][]; body?: string }

export type SessionNotice =
  | { type: 'tokens' }
  | { type: 'refreshed' }
  | { type: 'loginComplete'; returnTo: string | null }
  | { type: 'idleWarning'; remaining: number }
  | { type: 'expiring'; expiresAt: number; remaining: number }
  | { type: 'loggedOut'; cause: SessionCause }
  | { type: 'error'; cause: SessionCause; message: string };

export type SessionCommand =
  | { type: 'load' }
  | { type: 'save'; state: SessionState; expected: number }
  | { type: 'send'; id: number; request: HttpRequest; timeoutMs: number }
  | { type: 'navigate'; url: string }
  | { type: 'submitForm'; url: string; fields: [string, string][] }
  | { type: 'notify'; notice: SessionNotice }
  | {
      /** Check a JWS signature with WebCrypto: import each key with `import`, verify with `verify`. */
      type: 'verifySignature'; id: number; keys: Record<string, string>[];
      import: SubtleParams; verify: SubtleParams; data: string; signature: number[];
    };

/** A WebCrypto algorithm object, as the core decides it. */
export interface SubtleParams { name: string; hash?: string; namedCurve?: string; saltLength?: number }

export type SessionAccess =
  | { status: 'ready'; accessToken: string }
  | { status: 'pending' }
  | { status: 'unavailable'; cause: SessionCause };

export interface SessionView {
  authenticated: boolean;
  accessToken: string | null;
  idToken: string | null;
  /** Server seconds, like `exp`. */
  expiresAt: number | null;
  refreshExpiresAt: number | null;
  offline: boolean;
  scope: string | null;
  sid: string | null;
  ended: SessionCause | null;
  idleDeadline: number | null;
  skewMs: number;
  version: number;
  /** The access token's claims (a JWT's; null for an opaque token), not verified by the client. */
  claims: Claims | null;
  /** The ID token's claims, verified when it was received. */
  idClaims: Claims | null;
  /** Keycloak realm roles of the access token. */
  realmRoles: string[];
  /** Keycloak client roles of the access token, by client. */
  resourceRoles: Record<string, string[]>;
}
"#;
