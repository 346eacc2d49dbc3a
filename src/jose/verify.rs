//! `verify`: signature, then policy. The only way tokenward hands out claims as trusted.

use crate::prelude::*;

use crate::jose::algorithm::Algorithm;
use crate::jose::checks::{self, Inputs, Mode, Verdict};
use crate::jose::compact::Token;
use crate::jose::error::{Error, ErrorKind, Result};
#[cfg(feature = "signature")]
use crate::jose::header::Header;
use crate::jose::keyset::KeySet;
use crate::jose::limits::{MAX_CLOCK_TOLERANCE, MAX_NUMERIC_DATE};
use crate::jose::options::VerifyOptions;

/// Verify `token` with `keys` under `opts` at time `now` (seconds since the epoch; the
/// caller reads the clock). Returns the token only if every check passes; otherwise the
/// first failure, in the order: structure, header, payload, crit, algorithm, key,
/// signature, exp, nbf, iat, max_age, iss, aud, azp, kind, required claims.
///
/// Successful verifications are remembered by the key set's cache (see `cache`); a hit
/// still re-checks the algorithm allow-list and every claim under `opts` and `now`.
///
/// It is `verify_start`, the signature checked here, then `verify_finish`: one path for the
/// cache and the checks, whoever verifies the signature.
#[cfg(feature = "signature")]
pub fn verify(token: &str, keys: &KeySet, opts: &VerifyOptions, now: i64) -> Result<Token> {
    match verify_start(token, keys, opts, now)? {
        Started::Verified(t) => Ok(t),
        Started::NeedsSignature(p) => {
            let verdict = p.verify_here(keys);
            verify_finish(p, &verdict, keys, opts, now)
        }
    }
}

/// Verify a compact JWS signature only (like jose's `compactVerify`): structure, header,
/// `crit`, algorithm allow-list, key selection and signature; the payload is returned as
/// bytes, unparsed. For JWTs use `verify`, which also validates the claims.
#[cfg(feature = "signature")]
pub fn verify_jws(token: &str, keys: &KeySet, algorithms: Option<&[Algorithm]>) -> Result<(Header, Vec<u8>)> {
    let opts = VerifyOptions { algorithms: algorithms.map(<[Algorithm]>::to_vec), ..VerifyOptions::default() };
    validate_options(&opts)?;
    let input = Inputs { token, keys: Some(keys), opts: &opts, now: 0, verdict: None };
    let found = checks::first_failure(&input, Mode::Jws)?;
    match (found.header, found.payload) {
        (Some(header), Some(payload)) if found.signature_ok => Ok((header, payload)),
        _ => Err(Error::new(ErrorKind::SignatureInvalid, "signature not verified")),
    }
}

/// The first half of a verification whose signature is checked elsewhere (WebCrypto, from
/// the Wasm bindings' `verifyAsync`): either the answer (a cache hit, an HMAC token, or a
/// failure before the signature) or what the outside verifier must check.
pub enum Started {
    Verified(Token),
    NeedsSignature(PendingSignature),
}

/// A signature to check with one of `candidates` (positions in `KeySet::keys()`), then
/// hand back to `verify_finish`.
pub struct PendingSignature {
    /// The id of the key set that chose the candidates.
    set: u64,
    alg: Algorithm,
    candidates: Vec<usize>,
    message: Vec<u8>,
    signature: Vec<u8>,
    token: Token,
    cache_key: crate::jose::cache::CacheKey,
}

impl PendingSignature {
    pub(crate) fn set(&self) -> u64 {
        self.set
    }
    pub fn alg(&self) -> Algorithm {
        self.alg
    }
    pub fn candidates(&self) -> &[usize] {
        &self.candidates
    }
    /// The JWS signing input, `header.payload`.
    pub fn message(&self) -> &[u8] {
        &self.message
    }
    pub fn signature(&self) -> &[u8] {
        &self.signature
    }
    /// The parsed token, not verified yet.
    pub fn token(&self) -> &Token {
        &self.token
    }

    /// Check the signature here instead (the pure-Wasm path), as `verify` does. `keys` is
    /// the set `verify_start` was given; any other set answers "invalid".
    #[cfg(feature = "signature")]
    pub fn verify_here(&self, keys: &KeySet) -> Verdict {
        if keys.id() != self.set {
            return Verdict::invalid();
        }
        self.candidates
            .iter()
            .find(|&&i| keys.keys().get(i).is_some_and(|k| k.verify(self.alg, &self.message, &self.signature)))
            .map_or_else(Verdict::invalid, |&i| Verdict::verified_here(self.set, i))
    }
}

/// Start a verification: same checks, order and errors as `verify`, up to the signature.
/// HMAC signatures are checked here at once (they are cheap and their secret never leaves);
/// without signature crypto an HMAC token is refused (no key set of that build holds a secret).
pub fn verify_start(token: &str, keys: &KeySet, opts: &VerifyOptions, now: i64) -> Result<Started> {
    let input = Inputs { token, keys: Some(keys), opts, now, verdict: None };
    validate_options(opts)?;
    validate_now(now)?;
    let cache_key = crate::jose::cache::key(token);
    if let Some(hit) = cache_get(keys, &cache_key, now) {
        checks::first_failure(&input, Mode::Verified(&hit))?;
        return Ok(Started::Verified(hit));
    }
    let pending = pending(&input, cache_key)?;
    if pending.alg.family() == crate::KeyFamily::Hmac {
        #[cfg(feature = "signature")]
        {
            let verdict = pending.verify_here(keys);
            return verify_finish(pending, &verdict, keys, opts, now).map(Started::Verified);
        }
        #[cfg(not(feature = "signature"))]
        return Err(Error::new(ErrorKind::UnsupportedAlg, "this build has no signature crypto for HMAC"));
    }
    Ok(Started::NeedsSignature(pending))
}

/// What an outside verifier must check for `explain_with_verdict`: the checks before the
/// signature, as `verify_start` runs them, without the cache. A failure there needs no
/// signature: `explain` alone reports it.
pub fn explain_signature_input(token: &str, keys: &KeySet, opts: &VerifyOptions) -> Result<PendingSignature> {
    validate_options(opts)?;
    let input = Inputs { token, keys: Some(keys), opts, now: 0, verdict: None };
    pending(&input, crate::jose::cache::key(token))
}

fn pending(input: &Inputs<'_>, cache_key: crate::jose::cache::CacheKey) -> Result<PendingSignature> {
    let found = checks::first_failure(input, Mode::UntilSignature)?;
    let (Some(header), Some(claims), Some(alg), Some(candidates), Some(signature)) =
        (found.header, found.claims, found.alg, found.candidates, found.signature)
    else {
        // Every stage up to the key passed, so only a missing key set leaves a gap.
        return Err(Error::new(ErrorKind::KeyNotFound, "no key set given"));
    };
    // A signature no candidate could have made is refused here, whoever would check it.
    let fits = |i: &usize| input.keys.and_then(|k| k.keys().get(*i)).is_some_and(|k| k.could_have_signed(&signature));
    if !candidates.iter().any(fits) {
        return Err(checks::does_not_verify(alg));
    }
    let token = input.token;
    let message = token.as_bytes()[..token.rfind('.').unwrap_or(0)].to_vec();
    Ok(PendingSignature {
        set: input.keys.map_or(0, KeySet::id),
        alg,
        candidates,
        message,
        signature,
        token: Token::new(header, claims),
        cache_key,
    })
}

/// Finish what `verify_start` began: `verdict` is the signature check's answer for
/// `pending` (from `verify_here`, or an outside verifier through
/// `Verdict::dangerous_trust_outside_verifier`). `keys` must be the set that started it:
/// another set's pending signature or verdict is refused, so it can never be cached there.
/// Then the claim checks run (with `opts` and `now`, as in `verify`) and a success is
/// remembered by the key set's cache.
pub fn verify_finish(
    pending: PendingSignature,
    verdict: &Verdict,
    keys: &KeySet,
    opts: &VerifyOptions,
    now: i64,
) -> Result<Token> {
    validate_options(opts)?;
    validate_now(now)?;
    if pending.set != keys.id() {
        return Err(Error::new(ErrorKind::InvalidOption, "this pending signature was started with another key set"));
    }
    if verdict.verified_key(keys, &pending.candidates).is_none() {
        return Err(checks::does_not_verify(pending.alg));
    }
    let input = Inputs { token: "", keys: Some(keys), opts, now, verdict: None };
    checks::first_failure(&input, Mode::Verified(&pending.token))?;
    if let Some(exp) = pending.token.claims().exp() {
        cache_insert(keys, pending.cache_key, &pending.token, exp, now);
    }
    Ok(pending.token)
}

// The verified-token cache serves the verification API: the session's Wasm (built without `api`)
// verifies each ID token once, so it leaves the cache's code out (5 KB of gzip). Native builds
// always have it.
#[cfg(any(feature = "api", not(target_arch = "wasm32")))]
fn cache_get(keys: &KeySet, key: &crate::jose::cache::CacheKey, now: i64) -> Option<Token> {
    keys.cache().get(key, now)
}
#[cfg(any(feature = "api", not(target_arch = "wasm32")))]
fn cache_insert(keys: &KeySet, key: crate::jose::cache::CacheKey, token: &Token, exp: i64, now: i64) {
    keys.cache().insert(key, token.clone(), exp, now);
}
#[cfg(not(any(feature = "api", not(target_arch = "wasm32"))))]
fn cache_get(_: &KeySet, _: &crate::jose::cache::CacheKey, _: i64) -> Option<Token> {
    None
}
#[cfg(not(any(feature = "api", not(target_arch = "wasm32"))))]
fn cache_insert(_: &KeySet, _: crate::jose::cache::CacheKey, _: &Token, _: i64, _: i64) {}

/// Every option and `now` checked by the core, whoever built them (the Rust API is typed but
/// unbounded): a value that would switch a check off, or overflow the time arithmetic, is an
/// `invalid_option`, never "unchecked".
pub(crate) fn validate_options(opts: &VerifyOptions) -> Result<()> {
    let bad = |m: String| Err(Error::new(ErrorKind::InvalidOption, m));
    if opts.algorithms.as_ref().is_some_and(Vec::is_empty) {
        return bad("algorithms must not be empty".into());
    }
    if opts.issuer.iter().chain(&opts.audience).any(String::is_empty) {
        return bad("issuer and audience values must not be empty strings".into());
    }
    if opts.azp.as_deref() == Some("") {
        return bad("azp must not be an empty string".into());
    }
    if opts.required_claims.iter().any(String::is_empty) {
        return bad("requiredClaims must not hold an empty name".into());
    }
    if opts.clock_tolerance > MAX_CLOCK_TOLERANCE {
        return bad(format!(
            "clockTolerance {} is more than the {MAX_CLOCK_TOLERANCE} s accepted",
            opts.clock_tolerance
        ));
    }
    if opts.max_age.is_some_and(|m| m > MAX_NUMERIC_DATE as u64) {
        return bad("maxAge is beyond any NumericDate".into());
    }
    Ok(())
}

/// `now` must be a NumericDate (0 to year 9999), as the claims it is compared with.
pub(crate) fn validate_now(now: i64) -> Result<()> {
    if !(0..=MAX_NUMERIC_DATE).contains(&now) {
        return Err(Error::new(
            ErrorKind::InvalidOption,
            format!("now ({now}) must be seconds from 0 to {MAX_NUMERIC_DATE}"),
        ));
    }
    Ok(())
}

#[cfg(test)]
mod cache_tests {
    use super::*;

    /// Fuzzing found this (verify_explain, a build with `signature` alone): the cache was tied
    /// to the `api` feature, so a native build without it never remembered a token. Native
    /// builds have the cache whatever their features; only the session's Wasm leaves it out.
    #[test]
    fn native_builds_keep_the_verified_token_cache_whatever_their_features() {
        let keys =
            KeySet::from_jwks(r#"{"kty":"OKP","crv":"Ed25519","x":"11qYAYKxCrfVS_7TyWQHOg7hcvPapiMlrwIaaPcHURo"}"#)
                .unwrap();
        let text = format!(
            "{}.{}.c2ln",
            crate::jose::b64::encode(br#"{"alg":"EdDSA"}"#),
            crate::jose::b64::encode(br#"{"exp":100}"#)
        );
        let token = crate::jose::compact::decode_token(&text).unwrap();
        cache_insert(&keys, crate::jose::cache::key(&text), &token, 100, 0);
        assert!(cache_get(&keys, &crate::jose::cache::key(&text), 1).is_some());
        assert_eq!(keys.cache_stats().hits, 1);
    }
}
