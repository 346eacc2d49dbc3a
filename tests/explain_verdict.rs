//! explain_with_verdict: the signature checked outside the core (WebCrypto in explainAsync),
//! every decision still the core's: which keys are candidates, and what each answer means.
// Signatures are checked by the crate's own verifiers here: the build without them
// (`--no-default-features`) runs the session and unit tests only.
#![cfg(feature = "signature")]

mod common;

use common::*;
use serde_json::json;
use tokenward::{explain, explain_signature_input, explain_with_verdict, Status, Verdict, VerifyOptions};

fn signature_check(r: &tokenward::Report) -> (Status, String) {
    let c = r.check("signature").expect("a signature check");
    (c.status, c.reason.clone())
}

#[test]
fn a_verified_candidate_passes_and_agrees_with_explain() {
    let keys = jwks();
    let opts = VerifyOptions::default().issuer(ISS);
    let t = sign("RS256", json!({}), access_claims());
    let pending = explain_signature_input(&t, &keys, &opts).unwrap();
    let r = explain_with_verdict(
        &t,
        &keys,
        &opts,
        NOW,
        &Verdict::dangerous_trust_outside_verifier(&pending, pending.candidates()[0]),
    );
    assert!(r.ok);
    assert!(signature_check(&r).1.ends_with("(by WebCrypto)"));
    // Apart from the signature reason, the same report as the core's own verifier.
    let own = explain(&t, Some(&keys), &opts, NOW);
    assert_eq!(own.ok, r.ok);
    assert_eq!(
        own.checks.iter().filter(|c| c.id != "signature").collect::<Vec<_>>(),
        r.checks.iter().filter(|c| c.id != "signature").collect::<Vec<_>>()
    );
}

#[test]
fn a_key_that_was_not_a_candidate_cannot_verify() {
    let keys = jwks();
    let opts = VerifyOptions::default();
    let t = sign("RS256", json!({}), access_claims());
    let pending = explain_signature_input(&t, &keys, &opts).unwrap();
    let outsider =
        (0..keys.keys().len()).find(|i| !pending.candidates().contains(i)).expect("a key of another algorithm");
    let r = explain_with_verdict(&t, &keys, &opts, NOW, &Verdict::dangerous_trust_outside_verifier(&pending, outsider));
    assert!(!r.ok);
    assert_eq!(signature_check(&r).0, Status::Fail);
    let r =
        explain_with_verdict(&t, &keys, &opts, NOW, &Verdict::dangerous_trust_outside_verifier(&pending, usize::MAX));
    assert_eq!(signature_check(&r).0, Status::Fail);
    // A verdict about another key set's candidate, even the same position: not this set's.
    let other = jwks();
    let foreign = explain_signature_input(&t, &other, &opts).unwrap();
    let r = explain_with_verdict(
        &t,
        &keys,
        &opts,
        NOW,
        &Verdict::dangerous_trust_outside_verifier(&foreign, foreign.candidates()[0]),
    );
    assert_eq!(signature_check(&r).0, Status::Fail);
}

#[test]
fn invalid_fails_and_unavailable_is_skipped_with_the_reason() {
    let keys = jwks();
    let opts = VerifyOptions::default();
    let t = sign("RS256", json!({}), access_claims());
    let r = explain_with_verdict(&t, &keys, &opts, NOW, &Verdict::invalid());
    assert_eq!(r.check("signature").unwrap().code, Some("signature_invalid"));
    let r = explain_with_verdict(&t, &keys, &opts, NOW, &Verdict::unavailable("no WebCrypto"));
    assert_eq!(signature_check(&r), (Status::Skipped, "signature not checked: no WebCrypto".into()));
    assert!(!r.ok, "an unchecked signature is never ok");
}

#[test]
fn failures_before_the_signature_need_no_outside_verifier() {
    let keys = jwks();
    let t = sign("RS256", json!({"kid": "nobody"}), access_claims());
    assert_eq!(
        explain_signature_input(&t, &keys, &VerifyOptions::default()).err().map(|e| e.code()),
        Some("key_not_found")
    );
    assert_eq!(
        explain_signature_input("a.b", &keys, &VerifyOptions::default()).err().map(|e| e.code()),
        Some("malformed")
    );
}
