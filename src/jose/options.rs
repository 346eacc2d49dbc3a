//! What a verification checks beyond the signature. Every default is written down and
//! fails closed.

use crate::prelude::*;

use crate::jose::algorithm::Algorithm;
use crate::jose::kind::TokenKind;

/// Default clock tolerance in seconds. Small: enough for servers kept by NTP and for the
/// second-granularity of NumericDate, far below any access-token lifetime.
pub const DEFAULT_CLOCK_TOLERANCE: u64 = 30;

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct VerifyOptions {
    /// Accepted `iss` values. Non-empty makes `iss` required. Default: empty (not checked).
    pub issuer: Vec<String>,
    /// Accepted audiences; the token's `aud` must contain one. Non-empty makes `aud`
    /// required. Default: empty (not checked; a token's `aud` alone never fails it).
    pub audience: Vec<String>,
    /// Required `azp` (authorized party). Makes `azp` required. Default: none.
    pub azp: Option<String>,
    /// Required token kind. Default: none, which still refuses ID tokens (they identify a
    /// login to a client, they authorize nothing) and refresh and offline tokens (credentials
    /// for the token endpoint, never for a resource). Tokens of unknown kind pass: other
    /// providers' access tokens carry no kind marker.
    pub kind: Option<TokenKind>,
    /// Algorithm allow-list. Default: none, meaning what the key set's keys allow. Never
    /// empty.
    pub algorithms: Option<Vec<Algorithm>>,
    /// Leeway in seconds for `exp`, `nbf`, `iat` and `max_age`. Default
    /// `DEFAULT_CLOCK_TOLERANCE` (30).
    pub clock_tolerance: u64,
    /// Largest accepted age in seconds, measured from `iat` (which becomes required).
    /// Default: none.
    pub max_age: Option<u64>,
    /// Claims that must be present. `exp` is always required. Default: empty.
    pub required_claims: Vec<String>,
}

impl Default for VerifyOptions {
    fn default() -> Self {
        Self {
            issuer: Vec::new(),
            audience: Vec::new(),
            azp: None,
            kind: None,
            algorithms: None,
            clock_tolerance: DEFAULT_CLOCK_TOLERANCE,
            max_age: None,
            required_claims: Vec::new(),
        }
    }
}

impl VerifyOptions {
    pub fn issuer(mut self, iss: impl Into<String>) -> Self {
        self.issuer.push(iss.into());
        self
    }
    pub fn audience(mut self, aud: impl Into<String>) -> Self {
        self.audience.push(aud.into());
        self
    }
    pub fn azp(mut self, azp: impl Into<String>) -> Self {
        self.azp = Some(azp.into());
        self
    }
    pub fn kind(mut self, kind: TokenKind) -> Self {
        self.kind = Some(kind);
        self
    }
    pub fn algorithms(mut self, algs: &[Algorithm]) -> Self {
        self.algorithms = Some(algs.to_vec());
        self
    }
    pub fn clock_tolerance(mut self, secs: u64) -> Self {
        self.clock_tolerance = secs;
        self
    }
    pub fn max_age(mut self, secs: u64) -> Self {
        self.max_age = Some(secs);
        self
    }
    pub fn require(mut self, claim: impl Into<String>) -> Self {
        self.required_claims.push(claim.into());
        self
    }
}
