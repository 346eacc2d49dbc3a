//! The error catalogue: every provider error the session can meet, mapped to what to do and
//! the cause the app sees. One table, in one file. Keycloak's `error_description` strings
//! (keycloak-facts.md) refine the RFC 6749 `error`, which is all other providers (and
//! oidc-provider) send.

use super::cause::Cause;
use crate::oidc::OAuthError;

/// What the session does about an error.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Action {
    /// Transient: keep the tokens, retry with backoff.
    Retry,
    /// A refresh-token reuse: another caller may have won the race, so re-read the store
    /// for a newer token set before giving up (then `Login`).
    Reload,
    /// The session is over: the user must log in again.
    Login,
    /// A configuration or programming error: do not retry, do not start a login loop.
    Stop,
}

/// Which grant the error answered.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Grant {
    Refresh,
    Code,
    ClientCredentials,
}

/// (grant, error, description prefix, offline only, action, cause). The first matching row
/// wins; a `None` description matches any. Descriptions match by prefix, since Keycloak
/// appends details ("Invalid refresh token. Token client and authorized client don't match").
type Row = (Option<Grant>, &'static str, Option<&'static str>, bool, Action, Cause);

use Action::*;
use Grant::*;

pub const TABLE: &[Row] = &[
    // refresh_token grant, Keycloak
    (Some(Refresh), "invalid_grant", Some("Session not active"), false, Login, Cause::SessionExpired),
    (Some(Refresh), "invalid_grant", Some("Offline user session not found"), false, Login, Cause::OfflineRevoked),
    (Some(Refresh), "invalid_grant", Some("Offline session not active"), false, Login, Cause::OfflineExpired),
    (Some(Refresh), "invalid_grant", Some("Token is not active"), false, Login, Cause::MaxExpired),
    (Some(Refresh), "invalid_grant", Some("Refresh token expired"), false, Login, Cause::MaxExpired),
    (Some(Refresh), "invalid_grant", Some("Stale token"), false, Reload, Cause::RefreshReused),
    (
        Some(Refresh),
        "invalid_grant",
        Some("Maximum allowed refresh token reuse exceeded"),
        false,
        Reload,
        Cause::RefreshReused,
    ),
    (
        Some(Refresh),
        "invalid_grant",
        Some("Invalid refresh token. Token client and authorized client don't match"),
        false,
        Stop,
        Cause::ClientMismatch,
    ),
    (Some(Refresh), "invalid_grant", Some("Unmatching clients"), false, Stop, Cause::ClientMismatch),
    (Some(Refresh), "invalid_grant", Some("User disabled"), false, Login, Cause::UserDisabled),
    (Some(Refresh), "invalid_grant", Some("Invalid refresh token"), false, Login, Cause::UserDisabled),
    (Some(Refresh), "invalid_grant", Some("Unknown user"), false, Login, Cause::UserUnknown),
    (Some(Refresh), "invalid_grant", Some("User has required action"), false, Login, Cause::RequiredAction),
    (
        Some(Refresh),
        "invalid_grant",
        Some("Refresh token issued before the user session started"),
        false,
        Login,
        Cause::Revoked,
    ),
    (
        Some(Refresh),
        "invalid_grant",
        Some("Refresh toked issued before the user session started"),
        false,
        Login,
        Cause::Revoked,
    ),
    (Some(Refresh), "invalid_grant", Some("Session doesn't have required client"), false, Login, Cause::RefreshReused),
    (Some(Refresh), "invalid_grant", Some("Client session not active"), false, Login, Cause::SessionExpired),
    (
        Some(Refresh),
        "invalid_scope",
        Some("Client no longer has requested consent from user"),
        false,
        Login,
        Cause::ConsentRequired,
    ),
    (Some(Refresh), "invalid_request", Some("No refresh token"), false, Stop, Cause::InvalidRequest),
    // An offline token refused without a reason we know: its session is gone.
    (Some(Refresh), "invalid_grant", None, true, Reload, Cause::OfflineRevoked),
    // Generic invalid_grant (oidc-provider, most providers): possibly a lost race.
    (Some(Refresh), "invalid_grant", None, false, Reload, Cause::InvalidGrant),
    // authorization_code grant, Keycloak
    (Some(Code), "invalid_grant", Some("Code not valid"), false, Login, Cause::CodeInvalid),
    (Some(Code), "invalid_grant", Some("Incorrect redirect_uri"), false, Stop, Cause::RedirectMismatch),
    (Some(Code), "invalid_grant", Some("PKCE verification failed"), false, Login, Cause::PkceFailed),
    (Some(Code), "invalid_grant", None, false, Login, Cause::CodeInvalid),
    // Any grant, RFC 6749 5.2 and 4.1.2.1 (the authorization redirect's errors)
    (None, "invalid_client", None, false, Stop, Cause::InvalidClient),
    (None, "unauthorized_client", None, false, Stop, Cause::InvalidClient),
    (None, "unsupported_grant_type", None, false, Stop, Cause::Configuration),
    (None, "unsupported_response_type", None, false, Stop, Cause::Configuration),
    (None, "invalid_scope", None, false, Stop, Cause::InvalidScope),
    (None, "invalid_request", None, false, Stop, Cause::InvalidRequest),
    (None, "invalid_grant", None, false, Login, Cause::InvalidGrant),
    (None, "access_denied", None, false, Stop, Cause::AccessDenied),
    (None, "login_required", None, false, Login, Cause::LoginRequired),
    (None, "interaction_required", None, false, Login, Cause::LoginRequired),
    (None, "account_selection_required", None, false, Login, Cause::LoginRequired),
    (None, "consent_required", None, false, Login, Cause::ConsentRequired),
    (None, "temporarily_unavailable", None, false, Retry, Cause::ServerError),
    (None, "server_error", None, false, Retry, Cause::ServerError),
    (None, "slow_down", None, false, Retry, Cause::RateLimited),
];

/// Classify an OAuth error from the token endpoint (`grant` set) or the authorization
/// redirect (`grant` None). An unknown error code stops: guessing could loop.
pub fn classify(grant: Option<Grant>, e: &OAuthError, offline: bool) -> (Action, Cause) {
    if e.status == 429 {
        return (Retry, Cause::RateLimited);
    }
    if e.status >= 500 && !matches!(e.error.as_str(), "invalid_client" | "invalid_grant") {
        return (Retry, Cause::ServerError);
    }
    let desc = e.description.as_deref().unwrap_or("").trim();
    TABLE
        .iter()
        .find(|(g, err, d, off, _, _)| {
            (g.is_none() || *g == grant)
                && *err == e.error
                && d.is_none_or(|d| desc.starts_with(d))
                && (!off || offline)
        })
        .map(|(_, _, _, _, a, c)| (*a, *c))
        .unwrap_or((Stop, Cause::InvalidRequest))
}

/// Classify an HTTP answer that carries no OAuth error (HTML page, empty body, bad JSON).
pub fn classify_status(status: u16) -> (Action, Cause) {
    match status {
        429 => (Retry, Cause::RateLimited),
        500..=599 => (Retry, Cause::ServerError),
        401 => (Stop, Cause::InvalidClient),
        // Not the provider's verdict (a proxy page, a truncated body): like a lost answer.
        _ => (Retry, Cause::InvalidResponse),
    }
}
