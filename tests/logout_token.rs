//! OIDC Back-Channel Logout 1.0 `logout_token` validation: each rule of section 2.6 refused
//! on its own, and a valid token naming the session it ends.
// Signatures are checked by the crate's own verifiers here: the build without them
// (`--no-default-features`) runs the session and unit tests only.
#![cfg(feature = "signature")]

mod common;

use common::{jwks, sign, with, ISS, NOW};
use serde_json::{json, Value};
use tokenward::oidc::logout_token::{validate, BACKCHANNEL_EVENT};
use tokenward::oidc::OidcErrorKind;

fn claims() -> Value {
    json!({
        "iss": ISS, "aud": "bff", "iat": NOW - 5, "exp": NOW + 120, "jti": "lt-1", "sid": "s1", "sub": "u1",
        "events": { BACKCHANNEL_EVENT: {} }
    })
}

fn check(
    header: Value,
    claims: Value,
) -> Result<tokenward::oidc::logout_token::LogoutTarget, tokenward::oidc::OidcError> {
    validate(&sign("RS256", header, claims), &jwks(), ISS, "bff", None, 300, NOW)
}

#[test]
fn a_valid_logout_token_names_its_session() {
    let t = check(json!({"typ": "logout+jwt"}), claims()).unwrap();
    assert_eq!((t.sid.as_deref(), t.sub.as_deref(), t.jti.as_str()), (Some("s1"), Some("u1"), "lt-1"));
    // exp is optional in the spec: a fresh token without one is accepted.
    assert!(check(json!({}), with(claims(), json!({"exp": null}))).is_ok());
    // sub alone, or sid alone, is enough.
    assert!(check(json!({}), with(claims(), json!({"sid": null}))).is_ok());
    assert!(check(json!({}), with(claims(), json!({"sub": null}))).is_ok());
}

#[test]
fn every_rule_is_enforced() {
    let refused = |header: Value, c: Value, why: &str| {
        let e = check(header, c).expect_err(why);
        assert_eq!(e.kind, OidcErrorKind::LogoutToken, "{why}");
    };
    refused(json!({"typ": "at+jwt"}), claims(), "an access token's typ");
    assert!(check(json!({"typ": "JWT"}), claims()).is_ok(), "plain JWT is accepted");
    refused(json!({}), with(claims(), json!({"iss": "https://evil/realms/demo"})), "another issuer");
    refused(json!({}), with(claims(), json!({"aud": "someone-else"})), "another audience");
    refused(json!({}), with(claims(), json!({"iat": null})), "no iat");
    refused(json!({}), with(claims(), json!({"jti": null})), "no jti");
    refused(json!({}), with(claims(), json!({"events": null})), "no events");
    refused(json!({}), with(claims(), json!({"events": {"http://other/event": {}}})), "not the back-channel event");
    refused(json!({}), with(claims(), json!({"events": {BACKCHANNEL_EVENT: "yes"}})), "event member not an object");
    refused(json!({}), with(claims(), json!({"sid": null, "sub": null})), "neither sid nor sub");
    refused(json!({}), with(claims(), json!({"nonce": "n"})), "a nonce");
    refused(json!({}), with(claims(), json!({"exp": NOW - 3600})), "expired");
    refused(json!({}), with(claims(), json!({"exp": null, "iat": NOW - 3600})), "no exp and older than max_age");
    let mut tampered = sign("RS256", json!({}), claims());
    tampered.replace_range(tampered.len() - 4.., "AAAA");
    assert!(validate(&tampered, &jwks(), ISS, "bff", None, 300, NOW).is_err(), "bad signature");
    let unsigned = format!("{}.{}.", common::b64(br#"{"alg":"none"}"#), common::b64(claims().to_string().as_bytes()));
    assert!(validate(&unsigned, &jwks(), ISS, "bff", None, 300, NOW).is_err(), "alg none");
}
