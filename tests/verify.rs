//! verify: every algorithm, every claim rule and its boundary, and explain agreeing with it.
// Signatures are checked by the crate's own verifiers here: the build without them
// (`--no-default-features`) runs the session and unit tests only.
#![cfg(feature = "signature")]

mod common;

use common::*;
use serde_json::json;
use tokenward::{explain, verify, Algorithm, Status, TokenKind, VerifyOptions};

const ASYMMETRIC: [&str; 10] =
    ["RS256", "RS384", "RS512", "PS256", "PS384", "PS512", "ES256", "ES384", "ES512", "EdDSA"];

#[test]
fn every_algorithm_verifies_its_own_tokens() {
    let set = jwks();
    for alg in ASYMMETRIC {
        let t = sign(alg, json!({}), access_claims());
        let token = verify(&t, &set, &VerifyOptions::default(), NOW).unwrap_or_else(|e| panic!("{alg}: {e}"));
        assert_eq!(token.claims().sub(), Some("u1"));
        assert_eq!(token.header().alg(), alg);
        // Without a kid, every key of the family is tried.
        let no_kid = sign_text(alg, &json!({"alg": alg}).to_string(), &access_claims().to_string());
        assert!(verify(&no_kid, &set, &VerifyOptions::default(), NOW).is_ok(), "{alg} without kid");
    }
    for alg in [Algorithm::HS256, Algorithm::HS384, Algorithm::HS512] {
        let t = sign(alg.name(), json!({}), access_claims());
        assert!(verify(&t, &hmac_keys(alg), &VerifyOptions::default(), NOW).is_ok(), "{alg}");
        // A secret for one HMAC algorithm does not verify another.
        let other = if alg == Algorithm::HS256 { Algorithm::HS512 } else { Algorithm::HS256 };
        assert_eq!(code(verify(&t, &hmac_keys(other), &VerifyOptions::default(), NOW)), "alg_not_allowed");
    }
}

#[test]
fn default_allow_list_is_what_the_keys_allow() {
    let algs = jwks().algorithms();
    assert!(algs.contains(&Algorithm::RS256) && algs.contains(&Algorithm::ES512) && algs.contains(&Algorithm::EdDSA));
    assert!(!algs.contains(&Algorithm::HS256));
}

#[test]
fn time_claims_and_tolerance() {
    let set = jwks();
    let v = |claims, opts: &VerifyOptions| code(verify(&sign("ES256", json!({}), claims), &set, opts, NOW));
    let strict = VerifyOptions::default().clock_tolerance(0);
    let d = VerifyOptions::default();
    assert_eq!(v(with(access_claims(), json!({"exp": null})), &d), "missing_claim");
    assert_eq!(v(with(access_claims(), json!({"exp": NOW})), &strict), "expired");
    assert_eq!(v(with(access_claims(), json!({"exp": NOW + 1})), &strict), "ok");
    assert_eq!(v(with(access_claims(), json!({"exp": NOW - 10})), &d), "ok");
    assert_eq!(v(with(access_claims(), json!({"nbf": NOW + 1})), &strict), "not_yet_valid");
    assert_eq!(v(with(access_claims(), json!({"nbf": NOW})), &strict), "ok");
    assert_eq!(v(with(access_claims(), json!({"nbf": NOW + 30})), &d), "ok");
    assert_eq!(v(with(access_claims(), json!({"nbf": NOW + 31})), &d), "not_yet_valid");
    assert_eq!(v(with(access_claims(), json!({"iat": NOW + 31})), &d), "issued_in_future");
    assert_eq!(v(with(access_claims(), json!({"iat": NOW + 30})), &d), "ok");
    let max_age = VerifyOptions::default().clock_tolerance(0).max_age(60);
    assert_eq!(v(with(access_claims(), json!({"iat": NOW - 60})), &max_age), "ok");
    assert_eq!(v(with(access_claims(), json!({"iat": NOW - 61})), &max_age), "too_old");
    assert_eq!(v(with(access_claims(), json!({"iat": null})), &max_age), "missing_claim");
}

#[test]
fn issuer_audience_azp_and_required_claims() {
    let set = jwks();
    let v = |claims, opts: VerifyOptions| code(verify(&sign("RS256", json!({}), claims), &set, &opts, NOW));
    let base = VerifyOptions::default;
    assert_eq!(v(access_claims(), base().issuer(ISS)), "ok");
    assert_eq!(v(access_claims(), base().issuer("http://other").issuer(ISS)), "ok");
    assert_eq!(v(access_claims(), base().issuer("http://other")), "issuer_mismatch");
    assert_eq!(v(access_claims(), base().issuer(format!("{ISS}/"))), "issuer_mismatch");
    assert_eq!(v(with(access_claims(), json!({"iss": null})), base().issuer(ISS)), "missing_claim");
    // Without an audience option, any aud (Keycloak's "account") passes; with one, aud is required.
    assert_eq!(v(access_claims(), base()), "ok");
    assert_eq!(v(access_claims(), base().audience("account")), "ok");
    assert_eq!(v(with(access_claims(), json!({"aud": ["x", "api"]})), base().audience("api")), "ok");
    assert_eq!(v(access_claims(), base().audience("api")), "audience_mismatch");
    assert_eq!(v(with(access_claims(), json!({"aud": null})), base().audience("api")), "missing_claim");
    assert_eq!(v(access_claims(), base().azp("spa")), "ok");
    assert_eq!(v(access_claims(), base().azp("other")), "azp_mismatch");
    assert_eq!(v(with(access_claims(), json!({"azp": null})), base().azp("spa")), "missing_claim");
    assert_eq!(v(access_claims(), base().require("sid").require("email")), "missing_claim");
    assert_eq!(v(access_claims(), base().require("sid")), "ok");
    assert_eq!(v(access_claims(), base().kind(TokenKind::Access)), "ok");
    let id = with(access_claims(), json!({"typ": "ID", "aud": "spa"}));
    assert_eq!(v(id.clone(), base().kind(TokenKind::Id).audience("spa")), "ok");
    assert_eq!(v(id.clone(), base().kind(TokenKind::Access)), "wrong_kind");
    // Fail closed: without a kind option an ID token is refused (as refresh tokens are); a
    // token of unknown kind (no typ, as other providers' access tokens) still passes.
    assert_eq!(v(id, base().audience("spa")), "wrong_kind");
    let refresh = with(access_claims(), json!({"typ": "Refresh"}));
    assert_eq!(v(refresh, base()), "wrong_kind");
    assert_eq!(v(with(access_claims(), json!({"typ": null})), base()), "ok");
}

#[test]
fn empty_issuer_or_audience_option_is_invalid() {
    let t = sign("RS256", json!({}), access_claims());
    assert_eq!(code(verify(&t, &jwks(), &VerifyOptions::default().issuer(""), NOW)), "invalid_option");
    assert_eq!(code(verify(&t, &jwks(), &VerifyOptions::default().audience(""), NOW)), "invalid_option");
}

#[test]
fn failures_come_in_pipeline_order() {
    // Bad signature and expired: the signature failure is reported.
    let t = sign("RS256", json!({}), with(access_claims(), json!({"exp": NOW - 1000})));
    let (input, _) = t.rsplit_once('.').unwrap();
    let forged = format!("{input}.{}", b64(&[1u8; 256]));
    assert_eq!(code(verify(&forged, &jwks(), &VerifyOptions::default(), NOW)), "signature_invalid");
    assert_eq!(code(verify(&t, &jwks(), &VerifyOptions::default(), NOW)), "expired");
}

#[test]
fn explain_reports_every_check_and_agrees_with_verify() {
    let set = jwks();
    let opts = VerifyOptions::default().issuer(ISS).audience("account").kind(TokenKind::Access);
    let cases = [
        sign("RS256", json!({}), access_claims()),
        sign("RS256", json!({}), with(access_claims(), json!({"exp": NOW - 1000}))),
        sign("ES256", json!({}), with(access_claims(), json!({"iss": "http://evil", "aud": "x"}))),
        sign("RS256", json!({"kid": "nope"}), access_claims()),
        sign("RS256", json!({"crit": ["x"], "x": 1}), access_claims()),
        "not.a.token".to_string(),
        "abc".to_string(),
    ];
    for t in &cases {
        let report = explain(t, Some(&set), &opts, NOW);
        let verified = verify(t, &set, &opts, NOW);
        assert_eq!(report.ok, verified.is_ok(), "{t}");
        if let Err(e) = verified {
            let first = report.failures().next().expect("a failure");
            assert_eq!(first.code, Some(e.code()), "{t}");
        }
        // Every check is reported once, whatever happened.
        let ids: Vec<&str> = report.checks.iter().map(|c| c.id).collect();
        for id in [
            "structure",
            "header",
            "payload",
            "crit",
            "algorithm",
            "key",
            "signature",
            "exp",
            "nbf",
            "iat",
            "max_age",
            "iss",
            "aud",
            "azp",
            "kind",
            "required",
        ] {
            assert_eq!(ids.iter().filter(|i| **i == id).count(), 1, "{id} in {ids:?}");
        }
    }
    // It does not stop at the first failure.
    let report = explain(&cases[2], Some(&set), &opts, NOW);
    let failed: Vec<&str> = report.failures().map(|c| c.id).collect();
    assert_eq!(failed, vec!["iss", "aud"]);
    assert_eq!(report.check("signature").unwrap().status, Status::Pass);
    assert!(report.check("exp").unwrap().reason.contains("in 5m 0s"), "{}", report.check("exp").unwrap().reason);
}

#[test]
fn explain_without_keys_skips_signature_and_is_not_ok() {
    let t = sign("RS256", json!({}), access_claims());
    let report = explain(&t, None, &VerifyOptions::default(), NOW);
    assert!(!report.ok);
    assert_eq!(report.check("signature").unwrap().status, Status::Skipped);
    assert_eq!(report.check("exp").unwrap().status, Status::Pass);
    assert_eq!(report.kind, Some(TokenKind::Access));
    assert_eq!(report.failures().count(), 0);
}

#[test]
fn explain_of_an_undecodable_payload_still_checks_the_signature() {
    let t = sign_text("RS256", r#"{"alg":"RS256","kid":"rsa"}"#, "not json");
    let report = explain(&t, Some(&jwks()), &VerifyOptions::default(), NOW);
    assert_eq!(report.check("payload").unwrap().status, Status::Fail);
    assert_eq!(report.check("signature").unwrap().status, Status::Pass);
    assert_eq!(report.check("exp").unwrap().status, Status::Skipped);
    assert!(report.header.is_some() && report.claims.is_none());
}

#[test]
fn decode_reads_without_verifying_and_helpers_work() {
    let t = sign("RS256", json!({}), access_claims());
    let (input, _) = t.rsplit_once('.').unwrap();
    let token = tokenward::decode(&format!("{input}.{}", b64(b"junk"))).unwrap();
    assert_eq!(token.kind(), TokenKind::Access);
    let c = token.claims();
    assert_eq!(c.realm_roles(), vec!["user"]);
    assert!(c.has_resource_role("viewer", "spa"));
    assert!(c.has_scope("profile"));
    assert_eq!(c.preferred_username(), Some("alice"));
    assert_eq!(c.exp(), Some(NOW + 300));
}

#[test]
fn verify_jws_checks_signatures_of_non_json_payloads() {
    let t = sign_text("ES256", r#"{"alg":"ES256","kid":"p256"}"#, "hello");
    let (header, payload) = tokenward::verify_jws(&t, &jwks(), None).unwrap();
    assert_eq!(payload, b"hello");
    assert_eq!(header.kid(), Some("p256"));
    let forged = t.replacen(&b64(b"hello"), &b64(b"jello"), 1);
    assert_eq!(tokenward::verify_jws(&forged, &jwks(), None).unwrap_err().code(), "signature_invalid");
}

#[test]
fn a_lone_key_without_kid_answers_to_any_kid_but_jwks_keys_match_exactly() {
    let t = sign("HS256", json!({"kid": "whatever"}), access_claims());
    let lone = tokenward::KeySet::from_secret(&keys().hmac, Algorithm::HS256, None).unwrap();
    assert_eq!(code(verify(&t, &lone, &VerifyOptions::default(), NOW)), "ok");
    let named = tokenward::KeySet::from_secret(&keys().hmac, Algorithm::HS256, Some("k2")).unwrap();
    assert_eq!(code(verify(&t, &named, &VerifyOptions::default(), NOW)), "key_not_found");
    let mut jwk = p256_jwk("p256");
    jwk.as_object_mut().unwrap().remove("kid");
    let es = sign("ES256", json!({"kid": "other"}), access_claims());
    let bare = tokenward::KeySet::from_jwks(&jwk.to_string()).unwrap();
    assert_eq!(code(verify(&es, &bare, &VerifyOptions::default(), NOW)), "ok");
    let set = tokenward::KeySet::from_jwks(&json!({"keys": [jwk]}).to_string()).unwrap();
    assert_eq!(code(verify(&es, &set, &VerifyOptions::default(), NOW)), "key_not_found");
}
