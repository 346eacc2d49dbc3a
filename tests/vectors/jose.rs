//! Helpers for the token-level vectors (Wycheproof JWS/JWK, RFC 7520): building the key
//! set the way a caller would, and running `verify_jws` with the header-extension checks.

use serde_json::Value;
use tokenward::{verify_jws, Algorithm, KeySet};

use crate::common::unb64u;

/// An HMAC key set from an `oct` JWK: its `k` and `alg` through `KeySet::from_secret`
/// (oct keys are deliberately never taken from a JWKS).
pub fn secret_keyset(jwk: &Value) -> Result<KeySet, String> {
    let k = jwk["k"].as_str().ok_or("oct JWK has no k")?;
    let secret = unb64u(k)?;
    let alg = jwk["alg"].as_str().ok_or("oct JWK has no alg")?;
    let alg: Algorithm = alg.parse().map_err(|e: tokenward::Error| format!("oct JWK alg: {e}"))?;
    KeySet::from_secret(&secret, alg, jwk["kid"].as_str()).map_err(|e| format!("from_secret: {e}"))
}

/// The key set for a Wycheproof JWS/JWK test group. With a `public` JWK or JWKS: that,
/// through `from_jwks`. Otherwise the group only has an `oct` secret: a single one goes
/// through `from_secret`; a set of several goes through `from_jwks`, the only API that
/// takes several keys at once (and refuses oct keys).
pub fn group_keyset(group: &Value) -> Result<KeySet, String> {
    if let Some(public) = group.get("public") {
        return KeySet::from_jwks(&public.to_string()).map_err(|e| format!("from_jwks: {e}"));
    }
    let private = group.get("private").ok_or("group has neither a public nor a private key")?;
    let single = match private.get("keys") {
        None => Some(private),
        Some(Value::Array(keys)) if keys.len() == 1 => Some(&keys[0]),
        Some(_) => None,
    };
    match single {
        Some(jwk) if jwk["kty"] == "oct" => secret_keyset(jwk),
        Some(jwk) => Err(format!("private {} key without a public one", jwk["kty"])),
        None => KeySet::from_jwks(&private.to_string()).map_err(|e| format!("from_jwks: {e}")),
    }
}

/// A JWK with its private members removed, as a verifier would be given it.
pub fn public_jwk(jwk: &Value) -> Value {
    let mut jwk = jwk.clone();
    if let Some(map) = jwk.as_object_mut() {
        for m in ["d", "p", "q", "dp", "dq", "qi", "oth"] {
            map.remove(m);
        }
    }
    jwk
}

/// Header members that must make `verify_jws` refuse a token, and the codes allowed.
/// `None` for an ordinary header (or one that does not even decode).
pub fn special_header(token: &str) -> Option<(&'static str, &'static [&'static str])> {
    let header = token.split('.').next()?;
    let header: Value = serde_json::from_slice(&unb64u(header).ok()?).ok()?;
    let header = header.as_object()?;
    if header.contains_key("crit") {
        // A malformed crit is malformed; a well-formed one names an unsupported extension.
        return Some(("crit", &["crit_unsupported", "malformed"]));
    }
    if header.get("b64").is_some_and(|b| b != &Value::Bool(true)) {
        return Some(("b64", &["crit_unsupported"]));
    }
    if header.get("alg").and_then(Value::as_str).is_some_and(|a| a.eq_ignore_ascii_case("none")) {
        return Some(("none", &["unsupported_alg"]));
    }
    None
}

pub struct Checked {
    pub accepted: bool,
    pub detail: String,
    pub code: Option<&'static str>,
    /// `Some(member)` when the header carries crit / b64 / alg none (checked here).
    pub special: Option<&'static str>,
}

/// `verify_jws` over `token` with `keys` (or with no usable key set at all). Header
/// extensions and `none` must be refused with their code: a wrong code panics here.
pub fn check(id: &str, token: &str, keys: &Result<KeySet, String>, expected_payload: Option<&[u8]>) -> Checked {
    let special = special_header(token);
    let (accepted, detail, code) = match keys {
        Err(reason) => (false, format!("no key set: {reason}"), None),
        Ok(keys) => match verify_jws(token, keys, None) {
            Ok((_, payload)) => {
                if let Some(want) = expected_payload {
                    assert_eq!(payload, want, "{id}: verified but returned a different payload");
                }
                (true, "verified".to_string(), None)
            }
            Err(e) => {
                let mut detail = format!("{}: {}", e.code(), e.message());
                if !keys.rejected().is_empty() {
                    let why: Vec<&str> = keys.rejected().iter().map(|r| r.reason.as_str()).collect();
                    detail.push_str(&format!(" [rejected keys: {}]", why.join("; ")));
                }
                (false, detail, Some(e.code()))
            }
        },
    };
    if let (Some((member, codes)), Ok(_)) = (special, keys) {
        assert!(!accepted, "{id}: header {member} accepted");
        let code = code.unwrap_or_default();
        assert!(codes.contains(&code), "{id}: header {member} refused with {detail}, expected one of {codes:?}");
    }
    Checked { accepted, detail, code, special: special.map(|(m, _)| m) }
}
