//! Why a session ended or a step failed, as a stable snake_case code the app sees.

/// Declares `Cause` with each variant's stable code beside it, so the enum, `code` and
/// `from_code` come from one list and cannot drift apart.
macro_rules! causes {
    ($($(#[$doc:meta])* $variant:ident = $code:literal,)*) => {
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
        #[non_exhaustive]
        pub enum Cause {
            $($(#[$doc])* $variant,)*
        }

        impl Cause {
            /// Every cause, in declaration order.
            pub const ALL: &'static [Cause] = &[$(Self::$variant,)*];

            /// The stable snake_case code, e.g. `session_expired`.
            pub fn code(self) -> &'static str {
                match self {
                    $(Self::$variant => $code,)*
                }
            }

            /// The cause a code names, if any.
            pub fn from_code(code: &str) -> Option<Self> {
                match code {
                    $($code => Some(Self::$variant),)*
                    _ => None,
                }
            }
        }
    };
}

causes! {
    /// The app asked to log out.
    LoggedOut = "logged_out",
    /// Another tab or request ended the shared session.
    LoggedOutElsewhere = "logged_out_elsewhere",
    /// A back-channel `logout_token` ended this session.
    BackchannelLogout = "backchannel_logout",
    /// This app's own idle timeout ran out.
    IdleExpired = "idle_expired",
    /// The provider's session is no longer active (Keycloak's "Session not active" does not
    /// say whether idle or max expiry ended it; "Client session not active").
    SessionExpired = "session_expired",
    /// The refresh token itself ran out ("Token is not active", or its known expiry passed).
    MaxExpired = "max_expired",
    /// The refresh token was used twice: another caller won a race, or a response was lost.
    RefreshReused = "refresh_reused",
    /// Revoked: a not-before policy, "Refresh token issued before the user session started".
    Revoked = "revoked",
    /// The offline session was ended (provider logout, revocation, admin).
    OfflineRevoked = "offline_revoked",
    /// The offline session's idle or max time ran out.
    OfflineExpired = "offline_expired",
    ConsentRequired = "consent_required",
    /// The refresh token belongs to another client ("Unmatching clients"): configuration.
    ClientMismatch = "client_mismatch",
    /// The client's credentials are wrong or it is not allowed the grant: configuration.
    InvalidClient = "invalid_client",
    UserDisabled = "user_disabled",
    UserUnknown = "user_unknown",
    /// The user must complete an action (update password, verify email) interactively.
    RequiredAction = "required_action",
    /// The authorization code is invalid, expired or used.
    CodeInvalid = "code_invalid",
    PkceFailed = "pkce_failed",
    /// The redirect URI is not registered or does not match: configuration.
    RedirectMismatch = "redirect_mismatch",
    /// The user cancelled the login (`access_denied`).
    AccessDenied = "access_denied",
    /// `login_required` / `interaction_required` after `prompt=none`.
    LoginRequired = "login_required",
    /// The provider refused the grant without a reason we know (generic `invalid_grant`).
    InvalidGrant = "invalid_grant",
    InvalidScope = "invalid_scope",
    /// A malformed request (`invalid_request`): a bug, never retried.
    InvalidRequest = "invalid_request",
    /// No answer: network failure or timeout (transient).
    Network = "network",
    /// 5xx or `server_error` / `temporarily_unavailable` (transient).
    ServerError = "server_error",
    /// 429 (transient, honouring Retry-After).
    RateLimited = "rate_limited",
    /// An answer that is not what the protocol requires (HTML page, bad JSON, missing
    /// `access_token`, bad lifetimes, unsupported `token_type`).
    InvalidResponse = "invalid_response",
    /// The ID token failed validation.
    InvalidIdToken = "invalid_id_token",
    /// The callback's `state` matches no login in progress, or it was already used.
    StateMismatch = "state_mismatch",
    /// The callback's RFC 9207 `iss` is missing or wrong.
    IssMismatch = "iss_mismatch",
    /// The discovery document or JWKS is unusable, or names another issuer.
    Discovery = "discovery",
    /// The session configuration is unusable.
    Configuration = "configuration",
    /// No session: nobody has logged in.
    NoSession = "no_session",
    /// The session store failed to read or write (its own error, not a conflict): nothing
    /// in it changed; a write is retried with backoff.
    Storage = "storage",
}

impl Cause {
    /// Transient causes keep the tokens and retry.
    pub fn is_transient(self) -> bool {
        matches!(self, Self::Network | Self::ServerError | Self::RateLimited)
    }
}

impl core::fmt::Display for Cause {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.write_str(self.code())
    }
}
