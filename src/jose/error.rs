//! One error type for every failure; each kind has a stable string code that the
//! Wasm bindings, logs and tests rely on. Messages never contain token or key material.

use crate::prelude::*;

use core::fmt;

/// The one way input text reaches a message: at most `max` characters, without control
/// characters or the bidirectional-override marks that make a displayed message say something
/// other than its bytes (an attacker's kid, alg, claim value or member name, echoed to a log
/// or a page).
pub(crate) fn sanitize(text: &str, max: usize) -> String {
    let shown = |c: &char| {
        !c.is_control() && !matches!(c, '\u{202a}'..='\u{202e}' | '\u{2066}'..='\u{2069}' | '\u{200e}' | '\u{200f}')
    };
    let mut out: String = text.chars().filter(shown).take(max).collect();
    if text.chars().filter(shown).count() > max {
        out.push('…');
    }
    out
}

/// What went wrong, as a stable code. New kinds may be added, so match with a wildcard.
#[non_exhaustive]
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum ErrorKind {
    /// Not a well-formed compact JWS / JWT / JWKS (shape, base64url, JSON, claim types, limits).
    Malformed,
    /// The `alg` is not one tokenward implements (this includes `none`, always).
    UnsupportedAlg,
    /// The `alg` is implemented but not in the caller's (or the key set's) allow-list.
    AlgNotAllowed,
    /// No usable key matches the token's `kid` / algorithm.
    KeyNotFound,
    /// A key was refused as unsafe or malformed (small RSA modulus, wrong curve, short secret...).
    KeyRejected,
    /// The signature does not verify with any matching key.
    SignatureInvalid,
    /// `exp` has passed (beyond the clock tolerance).
    Expired,
    /// `nbf` is in the future (beyond the clock tolerance).
    NotYetValid,
    /// `iat` is in the future (beyond the clock tolerance).
    IssuedInFuture,
    /// Older than the caller's `maxAge`.
    TooOld,
    /// `iss` does not match the configured issuer(s).
    IssuerMismatch,
    /// `aud` does not contain a configured audience.
    AudienceMismatch,
    /// `azp` does not match the configured authorized party.
    AzpMismatch,
    /// The token is not of the expected kind (access / id / refresh / offline).
    WrongKind,
    /// A claim that is required (explicitly, or because it is configured) is absent.
    MissingClaim,
    /// The header uses an extension (`crit`, `b64`) this implementation does not process.
    CritUnsupported,
    /// The caller passed an invalid option (bad type, empty allow-list...).
    InvalidOption,
}

impl ErrorKind {
    /// The stable code, e.g. `"signature_invalid"`.
    pub const fn code(self) -> &'static str {
        match self {
            Self::Malformed => "malformed",
            Self::UnsupportedAlg => "unsupported_alg",
            Self::AlgNotAllowed => "alg_not_allowed",
            Self::KeyNotFound => "key_not_found",
            Self::KeyRejected => "key_rejected",
            Self::SignatureInvalid => "signature_invalid",
            Self::Expired => "expired",
            Self::NotYetValid => "not_yet_valid",
            Self::IssuedInFuture => "issued_in_future",
            Self::TooOld => "too_old",
            Self::IssuerMismatch => "issuer_mismatch",
            Self::AudienceMismatch => "audience_mismatch",
            Self::AzpMismatch => "azp_mismatch",
            Self::WrongKind => "wrong_kind",
            Self::MissingClaim => "missing_claim",
            Self::CritUnsupported => "crit_unsupported",
            Self::InvalidOption => "invalid_option",
        }
    }
}

/// A failure with its kind, a readable message and, where one applies, the claim or
/// header member concerned.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Error {
    kind: ErrorKind,
    message: String,
    claim: Option<String>,
}

impl Error {
    pub fn new(kind: ErrorKind, message: impl Into<String>) -> Self {
        Self { kind, message: message.into(), claim: None }
    }

    /// Attach the claim (or header member) this error is about.
    pub fn with_claim(mut self, claim: impl Into<String>) -> Self {
        self.claim = Some(claim.into());
        self
    }

    pub fn kind(&self) -> ErrorKind {
        self.kind
    }

    pub fn code(&self) -> &'static str {
        self.kind.code()
    }

    pub fn message(&self) -> &str {
        &self.message
    }

    pub fn claim(&self) -> Option<&str> {
        self.claim.as_deref()
    }

    pub(crate) fn malformed(message: impl Into<String>) -> Self {
        Self::new(ErrorKind::Malformed, message)
    }
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: {}", self.kind.code(), self.message)
    }
}

impl core::error::Error for Error {}

pub type Result<T, E = Error> = core::result::Result<T, E>;
