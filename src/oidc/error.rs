//! Protocol errors: what went wrong with a message, before any policy decides what to do
//! about it (that is `crate::session::catalogue`).

use crate::prelude::*;

use core::fmt;

use serde::{Deserialize, Serialize};

/// An RFC 6749 error as the provider sent it: `error`, `error_description`, plus the HTTP
/// status for token-endpoint answers (0 for an authorization redirect).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct OAuthError {
    pub error: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
    #[serde(default)]
    pub status: u16,
}

#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum OidcErrorKind {
    /// The discovery document is not usable (bad JSON, missing endpoint, no S256).
    Discovery,
    /// The discovery document names another issuer than the configured one.
    IssuerMismatch,
    /// A response that is not the JSON the protocol requires (HTML error page, bad JSON,
    /// missing `access_token`, negative or non-numeric lifetimes).
    InvalidResponse,
    /// `token_type` other than Bearer.
    UnsupportedTokenType,
    /// The authorization redirect carried `error=...`.
    Authorization(OAuthError),
    /// The token endpoint answered with an RFC 6749 error.
    Grant(OAuthError),
    /// The callback has no `state`, or one that matches no login in progress.
    State,
    /// The callback's `iss` (RFC 9207) is missing although advertised, or is another issuer.
    IssParameter,
    /// The ID token failed verification (signature, iss, aud, azp, nonce, at_hash, exp, iat)
    /// or changed identity in a refresh.
    IdToken,
    /// A back-channel `logout_token` is not valid.
    LogoutToken,
    /// The caller's configuration or arguments are unusable.
    InvalidOption,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OidcError {
    pub kind: OidcErrorKind,
    pub message: String,
}

impl OidcError {
    pub fn new(kind: OidcErrorKind, message: impl Into<String>) -> Self {
        Self { kind, message: message.into() }
    }
}

impl fmt::Display for OidcError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)
    }
}

impl core::error::Error for OidcError {}

pub type Result<T> = core::result::Result<T, OidcError>;

pub(crate) fn invalid_response(msg: impl Into<String>) -> OidcError {
    OidcError::new(OidcErrorKind::InvalidResponse, msg)
}
