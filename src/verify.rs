//! `verify`: signature, then policy. The only way tokenward hands out claims as trusted.

use crate::checks::{self, FirstFailure, Inputs};
use crate::algorithm::Algorithm;
use crate::compact::Token;
use crate::header::Header;
use crate::error::{Error, ErrorKind, Result};
use crate::keyset::KeySet;
use crate::options::VerifyOptions;

/// Verify `token` with `keys` under `opts` at time `now` (seconds since the epoch; the
/// caller reads the clock). Returns the token only if every check passes; otherwise the
/// first failure, in the order: structure, header, payload, crit, algorithm, key,
/// signature, exp, nbf, iat, max_age, iss, aud, azp, kind, required claims.
///
/// Successful verifications are remembered by the key set's cache (see `cache`); a hit
/// still re-checks the algorithm allow-list and every claim under `opts` and `now`.
pub fn verify(token: &str, keys: &KeySet, opts: &VerifyOptions, now: i64) -> Result<Token> {
    validate_options(opts)?;
    let input = Inputs { token, keys: Some(keys), opts, now };
    #[cfg(feature = "signature")]
    {
        let fingerprint = crate::cache::fingerprint(token);
        if let Some(hit) = keys.cache().get(&fingerprint, now) {
            checks::recheck(&input, &hit)?;
            return Ok(hit);
        }
        let verified = verify_uncached(&input)?;
        if let Some(exp) = verified.claims().exp() {
            keys.cache().insert(fingerprint, verified.clone(), exp, now);
        }
        Ok(verified)
    }
    #[cfg(not(feature = "signature"))]
    verify_uncached(&input)
}

fn verify_uncached(input: &Inputs<'_>) -> Result<Token> {
    let mut sink = FirstFailure::default();
    let decoded = checks::run(input, &mut sink);
    if let Some(err) = sink.0 {
        return Err(err);
    }
    match (decoded.signature_ok, checks::token_of(decoded)) {
        (true, Some(token)) => Ok(token),
        // Unreachable by construction: every path that leaves these unset records a failure.
        _ => Err(Error::new(ErrorKind::SignatureInvalid, "token was not verified")),
    }
}

/// Verify a compact JWS signature only (like jose's `compactVerify`): structure, header,
/// `crit`, algorithm allow-list, key selection and signature; the payload is returned as
/// bytes, unparsed. For JWTs use `verify`, which also validates the claims.
pub fn verify_jws(token: &str, keys: &KeySet, algorithms: Option<&[Algorithm]>) -> Result<(Header, Vec<u8>)> {
    let opts = VerifyOptions { algorithms: algorithms.map(<[Algorithm]>::to_vec), ..VerifyOptions::default() };
    validate_options(&opts)?;
    checks::run_jws(&Inputs { token, keys: Some(keys), opts: &opts, now: 0 })
}

pub(crate) fn validate_options(opts: &VerifyOptions) -> Result<()> {
    if opts.algorithms.as_ref().is_some_and(Vec::is_empty) {
        return Err(Error::new(ErrorKind::InvalidOption, "algorithms must not be empty"));
    }
    if opts.issuer.iter().chain(&opts.audience).any(String::is_empty) {
        return Err(Error::new(ErrorKind::InvalidOption, "issuer and audience values must not be empty strings"));
    }
    Ok(())
}
