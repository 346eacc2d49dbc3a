//! Session configuration. Every default is written here with its reason; every value is
//! checked when the session is created (an empty or malformed one is an error, never "off").

use crate::prelude::*;

use crate::oidc::{OidcError, OidcErrorKind};
use crate::Algorithm;

/// Refresh when the access token expires within this many seconds. Default 30: covers a
/// token request's latency and the skew estimate's error, and is well below Keycloak's
/// 300-second default lifetime (keycloak-js uses 5, oidc-client-ts 60).
pub const DEFAULT_MIN_VALIDITY: u64 = 30;
/// Seconds before the idle deadline at which `idleWarning` is raised. Default 60.
pub const DEFAULT_IDLE_WARNING: u64 = 60;
/// A token request that has not answered after this many ms is treated as lost. Default 10 s.
pub const DEFAULT_REQUEST_TIMEOUT_MS: u64 = 10_000;
/// Largest `minValidity` and `idleWarning`, in seconds: one day.
pub const MAX_MIN_VALIDITY: u64 = 86_400;
/// Largest `idleTimeout`, in seconds: one year.
pub const MAX_IDLE_TIMEOUT: u64 = 31_536_000;
/// Largest `requestTimeoutMs`: ten minutes (and below the 2^31-1 ms a JS timer can wait).
pub const MAX_REQUEST_TIMEOUT_MS: u64 = 600_000;
/// A login that has not come back after this many seconds is forgotten. Default 1 hour.
pub const PENDING_LOGIN_TTL: u64 = 3_600;

/// How a session without a user agent ends the provider session.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Backchannel {
    /// POST the refresh token to the end-session endpoint (Keycloak). Default.
    #[default]
    RefreshToken,
    /// Keycloak's admin API, `DELETE /admin/realms/{realm}/sessions/{sid}`, with a token of
    /// the `admin` service account.
    Admin,
}

/// Which grant obtains the tokens.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Flow {
    /// A user logs in (code + PKCE); refresh tokens rotate. Default.
    #[default]
    AuthorizationCode,
    /// A service account: client credentials, no refresh token, asked again before expiry.
    ClientCredentials,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Config {
    /// The issuer, exactly as the provider's discovery document names it. Required.
    pub issuer: String,
    /// Required.
    pub client_id: String,
    /// Confidential clients only (servers, edge BFFs). Default: none (public client).
    pub client_secret: Option<String>,
    /// Send the client secret in the form body instead of HTTP Basic. Default false.
    pub client_secret_in_body: bool,
    /// Where the provider sends the user back. Required for `authorization_code`.
    pub redirect_uri: Option<String>,
    /// Where the provider sends the user after an RP-initiated logout. Default: none.
    pub post_logout_redirect_uri: Option<String>,
    /// Requested scope; `openid` is always added. Default "openid". `offline_access` only
    /// when the app puts it here.
    pub scope: String,
    /// Seconds; see `DEFAULT_MIN_VALIDITY`.
    pub min_validity: u64,
    /// Seconds of inactivity after which the session ends, at the provider too. Default:
    /// none (off).
    pub idle_timeout: Option<u64>,
    /// Seconds; see `DEFAULT_IDLE_WARNING`.
    pub idle_warning: u64,
    /// Whether a user agent can be navigated (a browser): then the provider session ends by
    /// RP-initiated logout; otherwise by the back-channel. Default false (servers).
    pub user_agent: bool,
    /// Send the RP-initiated logout as a POST form rather than a GET URL. Default false.
    pub logout_as_form: bool,
    /// See `Backchannel`. Default `refresh_token`.
    pub backchannel: Backchannel,
    /// The service account for `backchannel: admin` (its client id and secret). Default none.
    pub admin_client_id: Option<String>,
    pub admin_client_secret: Option<String>,
    /// See `Flow`. Default `authorization_code`.
    pub flow: Flow,
    /// Algorithms accepted for ID tokens. Default: none, meaning what the JWKS keys allow.
    pub algorithms: Option<Vec<String>>,
    /// Leeway in seconds for ID-token time checks. Default 30 (as `verify`).
    pub clock_tolerance: u64,
    /// See `DEFAULT_REQUEST_TIMEOUT_MS`.
    pub request_timeout_ms: u64,
    /// ID-token signatures are checked by the driver (`Command::VerifySignature`, the
    /// runtime's WebCrypto) instead of the core's own verifiers. Not an app option: the JS
    /// bindings always set it, and a build without the `signature` feature always works so.
    /// Default false (Rust, with the `signature` feature).
    pub external_signatures: bool,
}

fn bad(msg: String) -> OidcError {
    OidcError::new(OidcErrorKind::InvalidOption, msg)
}

impl Config {
    /// A config with the required fields and every default.
    pub fn new(issuer: &str, client_id: &str, redirect_uri: Option<&str>) -> Self {
        Self {
            issuer: issuer.into(),
            client_id: client_id.into(),
            client_secret: None,
            client_secret_in_body: false,
            redirect_uri: redirect_uri.map(Into::into),
            post_logout_redirect_uri: None,
            scope: "openid".into(),
            min_validity: DEFAULT_MIN_VALIDITY,
            idle_timeout: None,
            idle_warning: DEFAULT_IDLE_WARNING,
            user_agent: false,
            logout_as_form: false,
            backchannel: Backchannel::RefreshToken,
            admin_client_id: None,
            admin_client_secret: None,
            flow: Flow::AuthorizationCode,
            algorithms: None,
            clock_tolerance: crate::DEFAULT_CLOCK_TOLERANCE,
            request_timeout_ms: DEFAULT_REQUEST_TIMEOUT_MS,
            external_signatures: false,
        }
    }

    /// Check every field; returns the parsed algorithm allow-list.
    pub fn validate(&self) -> Result<Option<Vec<Algorithm>>, OidcError> {
        use crate::oidc::http::is_endpoint_url;
        if !is_endpoint_url(&self.issuer) {
            return Err(bad("issuer must be an absolute http(s) URL".into()));
        }
        if self.client_id.trim().is_empty() {
            return Err(bad("clientId must not be empty".into()));
        }
        for (name, v) in [
            ("clientSecret", &self.client_secret),
            ("adminClientSecret", &self.admin_client_secret),
            ("adminClientId", &self.admin_client_id),
        ] {
            if matches!(v, Some(s) if s.is_empty()) {
                return Err(bad(format!("{name} must not be empty when given")));
            }
        }
        for (name, v) in
            [("redirectUri", &self.redirect_uri), ("postLogoutRedirectUri", &self.post_logout_redirect_uri)]
        {
            if matches!(v, Some(u) if !is_endpoint_url(u)) {
                return Err(bad(format!("{name} must be an absolute http(s) URL")));
            }
        }
        if self.flow == Flow::AuthorizationCode && self.redirect_uri.is_none() && self.user_agent {
            return Err(bad("redirectUri is required for a browser login".into()));
        }
        if self.scope.split_ascii_whitespace().any(|s| s.contains('"')) {
            return Err(bad("scope is malformed".into()));
        }
        if self.idle_timeout == Some(0) {
            return Err(bad("idleTimeout must be positive (leave it out to turn the idle policy off)".into()));
        }
        if self.request_timeout_ms == 0 {
            return Err(bad("requestTimeoutMs must be positive".into()));
        }
        // Upper bounds: past them a value is a mistake (or a unit mix-up), and the times
        // computed from it would overflow or a timer would fire at once.
        for (name, value, max) in [
            ("minValidity", self.min_validity, MAX_MIN_VALIDITY),
            ("idleTimeout", self.idle_timeout.unwrap_or(0), MAX_IDLE_TIMEOUT),
            ("idleWarning", self.idle_warning, MAX_MIN_VALIDITY),
            ("clockTolerance", self.clock_tolerance, crate::jose::limits::MAX_CLOCK_TOLERANCE),
            ("requestTimeoutMs", self.request_timeout_ms, MAX_REQUEST_TIMEOUT_MS),
        ] {
            if value > max {
                return Err(bad(format!("{name} must be at most {max}")));
            }
        }
        if self.backchannel == Backchannel::Admin
            && (self.admin_client_id.is_none() || self.admin_client_secret.is_none())
        {
            return Err(bad("backchannel \"admin\" needs adminClientId and adminClientSecret".into()));
        }
        if self.flow == Flow::ClientCredentials && self.client_secret.is_none() {
            return Err(bad("the client_credentials flow needs clientSecret".into()));
        }
        match &self.algorithms {
            None => Ok(None),
            Some(list) if list.is_empty() => Err(bad("algorithms must not be empty".into())),
            Some(list) => list
                .iter()
                .map(|a| a.parse::<Algorithm>().map_err(|_| bad(format!("unknown algorithm \"{a}\""))))
                .collect::<Result<Vec<_>, _>>()
                .map(Some),
        }
    }
}
