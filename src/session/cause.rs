//! Why a session ended or a step failed, as a stable snake_case code the app sees.

use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
#[non_exhaustive]
pub enum Cause {
    /// The app asked to log out.
    LoggedOut,
    /// Another tab or request ended the shared session.
    LoggedOutElsewhere,
    /// A back-channel `logout_token` ended this session.
    BackchannelLogout,
    /// This app's own idle timeout ran out.
    IdleExpired,
    /// The provider's session is no longer active (Keycloak's "Session not active" does not
    /// say whether idle or max expiry ended it; "Client session not active").
    SessionExpired,
    /// The refresh token itself ran out ("Token is not active", or its known expiry passed).
    MaxExpired,
    /// The refresh token was used twice: another caller won a race, or a response was lost.
    RefreshReused,
    /// Revoked: a not-before policy, "Refresh token issued before the user session started".
    Revoked,
    /// The offline session was ended (provider logout, revocation, admin).
    OfflineRevoked,
    /// The offline session's idle or max time ran out.
    OfflineExpired,
    ConsentRequired,
    /// The refresh token belongs to another client ("Unmatching clients"): configuration.
    ClientMismatch,
    /// The client's credentials are wrong or it is not allowed the grant: configuration.
    InvalidClient,
    UserDisabled,
    UserUnknown,
    /// The user must complete an action (update password, verify email) interactively.
    RequiredAction,
    /// The authorization code is invalid, expired or used.
    CodeInvalid,
    PkceFailed,
    /// The redirect URI is not registered or does not match: configuration.
    RedirectMismatch,
    /// The user cancelled the login (`access_denied`).
    AccessDenied,
    /// `login_required` / `interaction_required` after `prompt=none`.
    LoginRequired,
    /// The provider refused the grant without a reason we know (generic `invalid_grant`).
    InvalidGrant,
    InvalidScope,
    /// A malformed request (`invalid_request`): a bug, never retried.
    InvalidRequest,
    /// No answer: network failure or timeout (transient).
    Network,
    /// 5xx or `server_error` / `temporarily_unavailable` (transient).
    ServerError,
    /// 429 (transient, honouring Retry-After).
    RateLimited,
    /// An answer that is not what the protocol requires (HTML page, bad JSON, missing
    /// `access_token`, bad lifetimes, unsupported `token_type`).
    InvalidResponse,
    /// The ID token failed validation.
    InvalidIdToken,
    /// The callback's `state` matches no login in progress, or it was already used.
    StateMismatch,
    /// The callback's RFC 9207 `iss` is missing or wrong.
    IssMismatch,
    /// The discovery document or JWKS is unusable, or names another issuer.
    Discovery,
    /// The session configuration is unusable.
    Configuration,
    /// No session: nobody has logged in.
    NoSession,
}

impl Cause {
    /// Transient causes keep the tokens and retry.
    pub fn is_transient(self) -> bool {
        matches!(self, Self::Network | Self::ServerError | Self::RateLimited)
    }
}

/// The stable code (serde's snake_case name: the one place that spells them).
impl std::fmt::Display for Cause {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match serde_json::to_value(self) {
            Ok(serde_json::Value::String(s)) => f.write_str(&s),
            _ => f.write_str("unknown"),
        }
    }
}
