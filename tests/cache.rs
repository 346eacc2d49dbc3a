//! The verified-token cache: hits skip the signature, never the policy.
// Signatures are checked by the crate's own verifiers here: the build without them
// (`--no-default-features`) runs the session and unit tests only.
#![cfg(feature = "signature")]

mod common;

use common::*;
use serde_json::json;
use tokenward::{verify, Algorithm, KeySet, TokenKind, VerifyOptions};

#[test]
fn a_second_verification_is_a_hit() {
    let set = jwks();
    let t = sign("RS256", json!({}), access_claims());
    verify(&t, &set, &VerifyOptions::default(), NOW).unwrap();
    let hit = verify(&t, &set, &VerifyOptions::default(), NOW + 1).unwrap();
    assert_eq!(hit.claims().sub(), Some("u1"));
    let s = set.cache_stats();
    assert_eq!((s.hits, s.misses, s.entries), (1, 1, 1));
}

#[test]
fn a_hit_rechecks_the_callers_options() {
    let set = jwks();
    let t = sign("RS256", json!({}), access_claims());
    verify(&t, &set, &VerifyOptions::default().issuer(ISS), NOW).unwrap();
    let v = |opts: VerifyOptions| code(verify(&t, &set, &opts, NOW));
    assert_eq!(v(VerifyOptions::default().issuer("http://other")), "issuer_mismatch");
    assert_eq!(v(VerifyOptions::default().audience("api")), "audience_mismatch");
    assert_eq!(v(VerifyOptions::default().azp("other")), "azp_mismatch");
    assert_eq!(v(VerifyOptions::default().kind(TokenKind::Id)), "wrong_kind");
    assert_eq!(v(VerifyOptions::default().require("email")), "missing_claim");
    assert_eq!(v(VerifyOptions::default().algorithms(&[Algorithm::ES256])), "alg_not_allowed");
    assert_eq!(v(VerifyOptions::default().max_age(1).clock_tolerance(0)), "too_old");
    assert!(set.cache_stats().hits >= 7, "{:?}", set.cache_stats());
}

#[test]
fn a_hit_rechecks_the_clock_and_entries_end_at_exp() {
    let set = jwks();
    let claims = with(access_claims(), json!({"nbf": NOW - 5}));
    let t = sign("ES256", json!({}), claims);
    verify(&t, &set, &VerifyOptions::default(), NOW).unwrap();
    // Earlier than nbf - tolerance: the cached entry must not pass.
    assert_eq!(code(verify(&t, &set, &VerifyOptions::default().clock_tolerance(0), NOW - 100)), "not_yet_valid");
    // At exp the entry is dropped; within the tolerance the token still verifies in full...
    assert_eq!(code(verify(&t, &set, &VerifyOptions::default(), NOW + 300)), "ok");
    assert_eq!(set.cache_stats().entries, 0, "an entry never outlives exp");
    // ...and past it, it is expired.
    assert_eq!(code(verify(&t, &set, &VerifyOptions::default(), NOW + 330)), "expired");
}

#[test]
fn failures_are_never_cached() {
    let set = jwks();
    let t = sign("RS256", json!({}), access_claims());
    let parts: Vec<&str> = t.split('.').collect();
    let forged = format!(
        "{}.{}.{}",
        parts[0],
        b64(with(access_claims(), json!({"sub":"admin"})).to_string().as_bytes()),
        parts[2]
    );
    for _ in 0..2 {
        assert_eq!(code(verify(&forged, &set, &VerifyOptions::default(), NOW)), "signature_invalid");
    }
    let expired = sign("RS256", json!({}), with(access_claims(), json!({"exp": NOW - 100})));
    assert_eq!(code(verify(&expired, &set, &VerifyOptions::default(), NOW)), "expired");
    let s = set.cache_stats();
    assert_eq!((s.hits, s.entries), (0, 0));
}

#[test]
fn the_cache_is_bounded_and_evicts_the_least_recently_used() {
    let tokens: Vec<String> =
        (0..5).map(|i| sign("HS256", json!({}), with(access_claims(), json!({"jti": format!("t{i}")})))).collect();
    let hs = KeySet::from_secret(&keys().hmac, Algorithm::HS256, Some("hs")).unwrap().with_cache(3);
    let v = |t: &String| verify(t, &hs, &VerifyOptions::default(), NOW).unwrap();
    v(&tokens[0]);
    v(&tokens[1]);
    v(&tokens[2]);
    v(&tokens[0]); // hit: t0 becomes most recent
    v(&tokens[3]); // evicts t1, the least recently used
    assert_eq!(hs.cache_stats().entries, 3);
    let before = hs.cache_stats().hits;
    v(&tokens[0]);
    assert_eq!(hs.cache_stats().hits, before + 1, "t0 kept");
    v(&tokens[1]);
    assert_eq!(hs.cache_stats().hits, before + 1, "t1 was evicted");
    v(&tokens[4]);
    assert!(hs.cache_stats().entries <= 3);
}

#[test]
fn capacity_zero_disables_the_cache() {
    let set = jwks().with_cache(0);
    let t = sign("RS256", json!({}), access_claims());
    verify(&t, &set, &VerifyOptions::default(), NOW).unwrap();
    verify(&t, &set, &VerifyOptions::default(), NOW).unwrap();
    let s = set.cache_stats();
    assert_eq!((s.hits, s.entries), (0, 0));
}
