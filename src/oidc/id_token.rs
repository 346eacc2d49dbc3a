//! ID token validation (OIDC Core 3.1.3.7 and 12.2) on top of the token verifier: signature
//! against the provider's JWKS, `iss`, `aud` containing the client, `azp` when there are
//! several audiences, `exp`, `iat`, `nonce`, `auth_time` with `max_age`, and `at_hash`.

use crate::prelude::*;

use crate::jose::b64;
use sha2::{Digest, Sha256, Sha384, Sha512};

use super::error::{OidcError, OidcErrorKind, Result};
use crate::{Algorithm, Hash, KeySet, PendingSignature, Started, Token, TokenKind, Verdict, VerifyOptions};

pub struct IdTokenRules<'a> {
    pub issuer: &'a str,
    pub client_id: &'a str,
    /// The login's nonce: at login it is required and must match; in a refresh response an
    /// ID token's nonce, if any, must still match (OIDC Core 12.2).
    pub nonce: Option<&'a str>,
    pub nonce_required: bool,
    pub max_age: Option<u64>,
    /// The access token of the same response, checked against `at_hash` when present.
    pub access_token: Option<&'a str>,
    pub algorithms: Option<&'a [Algorithm]>,
    pub clock_tolerance: u64,
}

fn fail(msg: impl Into<String>) -> OidcError {
    OidcError::new(OidcErrorKind::IdToken, msg)
}

/// The left half of the hash of `access_token` that `at_hash` carries (OIDC Core 3.1.3.6).
pub fn at_hash(access_token: &str, alg: Algorithm) -> String {
    let digest: Vec<u8> = match alg.hash() {
        Hash::Sha256 => Sha256::digest(access_token.as_bytes()).to_vec(),
        Hash::Sha384 => Sha384::digest(access_token.as_bytes()).to_vec(),
        Hash::Sha512 => Sha512::digest(access_token.as_bytes()).to_vec(),
    };
    b64::encode(&digest[..digest.len() / 2])
}

/// The first half of an ID-token check: what the token says about itself, and every
/// check before the signature. The signature is then checked here (`verify`) or by the
/// driver (WebCrypto, through the session's `VerifySignature` command), and `finish` runs
/// the rest.
pub enum IdCheck {
    /// Verified already (the key set's cache remembered this token).
    Done(Token),
    Signature(PendingSignature),
}

fn options<'a>(rules: &IdTokenRules<'a>, kind: Option<TokenKind>) -> VerifyOptions {
    let mut opts = VerifyOptions { kind, clock_tolerance: rules.clock_tolerance, ..VerifyOptions::default() }
        .issuer(rules.issuer)
        .audience(rules.client_id)
        .require("iat")
        .require("sub");
    if let Some(a) = rules.algorithms {
        opts = opts.algorithms(a);
    }
    if rules.max_age.is_some() {
        opts = opts.require("auth_time");
    }
    opts
}

/// Keycloak marks ID tokens with typ "ID"; other providers mark nothing. Anything that says
/// it is another kind (an access or refresh token) is refused.
fn expected_kind(kind: TokenKind) -> Result<Option<TokenKind>> {
    match kind {
        TokenKind::Id => Ok(Some(TokenKind::Id)),
        TokenKind::Unknown => Ok(None),
        other => Err(fail(format!("the id_token member holds a {other} token"))),
    }
}

/// Start checking an ID token. `now` is the estimated server time in seconds.
pub fn start(jwt: &str, keys: &KeySet, rules: &IdTokenRules<'_>, now: i64) -> Result<IdCheck> {
    let unverified =
        crate::decode(jwt).map_err(|e| fail(format!("the ID token is not a valid JWT: {}", e.message())))?;
    let opts = options(rules, expected_kind(unverified.kind())?);
    if let Some(m) = rules.max_age {
        let auth_time = unverified.claims().auth_time().unwrap_or(0);
        if now.saturating_sub(auth_time) > (m as i64).saturating_add(rules.clock_tolerance as i64) {
            return Err(fail(format!("the login is older than max_age {m}s")));
        }
    }
    match crate::verify_start(jwt, keys, &opts, now).map_err(does_not_verify)? {
        Started::Verified(token) => after_signature(token, rules).map(IdCheck::Done),
        Started::NeedsSignature(p) => Ok(IdCheck::Signature(p)),
    }
}

/// Finish what `start` began, with the signature verifier's answer for `pending`.
pub fn finish(
    pending: PendingSignature,
    verdict: &Verdict,
    keys: &KeySet,
    rules: &IdTokenRules<'_>,
    now: i64,
) -> Result<Token> {
    let opts = options(rules, expected_kind(pending.token().kind())?);
    let token = crate::verify_finish(pending, verdict, keys, &opts, now).map_err(does_not_verify)?;
    after_signature(token, rules)
}

/// Verify an ID token, its signature checked here by the crate's verifiers.
#[cfg(feature = "signature")]
pub fn verify(jwt: &str, keys: &KeySet, rules: &IdTokenRules<'_>, now: i64) -> Result<Token> {
    match start(jwt, keys, rules, now)? {
        IdCheck::Done(token) => Ok(token),
        IdCheck::Signature(p) => {
            let verdict = p.verify_here(keys);
            finish(p, &verdict, keys, rules, now)
        }
    }
}

fn does_not_verify(e: crate::Error) -> OidcError {
    fail(format!("the ID token does not verify: {}", e.message()))
}

/// The checks that need the verified token: azp, nonce and at_hash.
fn after_signature(token: Token, rules: &IdTokenRules<'_>) -> Result<Token> {
    let c = token.claims();
    let aud = c.aud();
    if aud.len() > 1 && c.azp() != Some(rules.client_id) {
        return Err(fail("the ID token has several audiences and its azp is not this client"));
    }
    if let Some(azp) = c.azp() {
        if azp != rules.client_id {
            return Err(fail("the ID token's azp is another client"));
        }
    }
    match (c.nonce(), rules.nonce) {
        (Some(got), Some(want)) if got == want => {}
        (None, _) if !rules.nonce_required => {}
        // A refresh whose original nonce is not known (an older stored session): nothing to compare.
        (Some(_), None) if !rules.nonce_required => {}
        (None, _) => return Err(fail("the ID token has no nonce")),
        _ => return Err(fail("the ID token's nonce does not match the login's")),
    }
    if let (Some(h), Some(at)) = (c.at_hash(), rules.access_token) {
        let alg: Algorithm = token.header().alg().parse().map_err(|_| fail("unknown alg"))?;
        if h != at_hash(at, alg) {
            return Err(fail("the ID token's at_hash does not match the access token"));
        }
    }
    Ok(token)
}

/// OIDC Core 12.2: an ID token from a refresh must name the same issuer and subject.
pub fn same_identity(new: &Token, iss: &str, sub: &str) -> Result<()> {
    if new.claims().iss() != Some(iss) || new.claims().sub() != Some(sub) {
        return Err(fail("the refreshed ID token names another issuer or subject"));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn at_hash_example_from_oidc_core_a3() {
        // OIDC Core A.3: access token "jHkWEdUXMU1BwAsC4vtUsZwnNvTIxEl0z9K3vx5KF0Y", RS256.
        assert_eq!(at_hash("jHkWEdUXMU1BwAsC4vtUsZwnNvTIxEl0z9K3vx5KF0Y", Algorithm::RS256), "77QmUPtjPfzWtF2AnpK9RQ");
    }
}
