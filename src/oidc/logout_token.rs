//! OIDC Back-Channel Logout 1.0, 2.6: validating a `logout_token` and naming the session it
//! ends.

use serde_json::Value;

use super::error::{OidcError, OidcErrorKind, Result};
use crate::{Algorithm, KeySet, VerifyOptions};

pub const BACKCHANNEL_EVENT: &str = "http://schemas.openid.net/event/backchannel-logout";

/// Which sessions a valid logout token ends: the one with `sid`, or all of `sub`'s.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LogoutTarget {
    pub sid: Option<String>,
    pub sub: Option<String>,
    /// For replay detection by the receiver (which keeps the ids it has seen until `exp`).
    pub jti: String,
    pub exp: Option<i64>,
}

fn fail(msg: &str) -> OidcError {
    OidcError::new(OidcErrorKind::LogoutToken, msg)
}

/// Validate a logout token. `exp` is not required by the spec, so a token without one is
/// accepted if `iat` is within `max_age` seconds (the receiver's replay window).
pub fn validate(
    jwt: &str,
    keys: &KeySet,
    issuer: &str,
    client_id: &str,
    algorithms: Option<&[Algorithm]>,
    max_age: u64,
    now: i64,
) -> Result<LogoutTarget> {
    let unverified = crate::decode(jwt).map_err(|_| fail("the logout token is not a valid JWT"))?;
    if let Some(typ) = unverified.header().typ() {
        let t = typ.strip_prefix("application/").unwrap_or(typ);
        // logout+jwt is the explicit type; plain JWT is what many providers (Keycloak) send.
        if !t.eq_ignore_ascii_case("logout+jwt") && !t.eq_ignore_ascii_case("JWT") {
            return Err(fail("the logout token's typ is neither logout+jwt nor JWT"));
        }
    }
    let mut opts = VerifyOptions::default()
        .issuer(issuer)
        .audience(client_id)
        .require("iat")
        .require("jti")
        .require("events")
        .max_age(max_age);
    if let Some(a) = algorithms {
        opts = opts.algorithms(a);
    }
    // A logout token need not carry exp; the verifier requires it, so check that one part here.
    let checked = if unverified.claims().exp().is_none() {
        crate::verify_jws(jwt, keys, algorithms)
            .map_err(|e| fail(&format!("the logout token does not verify: {}", e.message())))?;
        // Claims other than exp are checked through explain's pipeline on the same options.
        let report = crate::explain(jwt, Some(keys), &opts, now);
        let only_exp_missing =
            report.checks.iter().all(|c| c.status != crate::Status::Fail || c.id == crate::check_id::EXP);
        if !only_exp_missing {
            return Err(fail("the logout token does not verify (iss, aud, iat, jti or events)"));
        }
        // Verified now: the signature by verify_jws, every claim but exp by explain.
        unverified.into_token()
    } else {
        crate::verify(jwt, keys, &opts, now)
            .map_err(|e| fail(&format!("the logout token does not verify: {}", e.message())))?
    };
    let c = checked.claims();
    if c.contains("nonce") {
        return Err(fail("a logout token must not carry a nonce"));
    }
    match c.get("events").and_then(Value::as_object).and_then(|e| e.get(BACKCHANNEL_EVENT)) {
        Some(Value::Object(_)) => {}
        _ => return Err(fail("the logout token has no back-channel logout event")),
    }
    let sid = c.sid().map(str::to_owned);
    let sub = c.sub().map(str::to_owned);
    if sid.is_none() && sub.is_none() {
        return Err(fail("the logout token names neither sid nor sub"));
    }
    Ok(LogoutTarget { sid, sub, jti: c.jti().unwrap_or_default().to_owned(), exp: c.exp() })
}
