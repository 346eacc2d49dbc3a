//! verify_start / verify_finish: the split used by verifyAsync (WebCrypto does the middle).
// Signatures are checked by the crate's own verifiers here: the build without them
// (`--no-default-features`) runs the session and unit tests only.
#![cfg(feature = "signature")]

mod common;

use common::*;
use serde_json::json;
use tokenward::{verify_finish, verify_start, Algorithm, KeySet, Started, Verdict, VerifyOptions};

fn finish_here(
    token: &str,
    keys: &KeySet,
    opts: &VerifyOptions,
    now: i64,
) -> Result<tokenward::Token, tokenward::Error> {
    match verify_start(token, keys, opts, now)? {
        Started::Verified(t) => Ok(t),
        Started::NeedsSignature(p) => {
            let verdict = p.verify_here(keys);
            verify_finish(p, &verdict, keys, opts, now)
        }
    }
}

#[test]
fn start_then_finish_agrees_with_explain_on_every_outcome() {
    // verify is built from start and finish; explain runs the checks through its own
    // pipeline, so it is the independent witness here.
    let opts = VerifyOptions::default().issuer(ISS);
    let t = sign("RS256", json!({}), access_claims());
    let (input, _) = t.rsplit_once('.').unwrap();
    let cases = [
        t.clone(),
        format!("{input}.{}", b64(&[1u8; 256])),
        sign("ES256", json!({}), with(access_claims(), json!({"exp": NOW - 100}))),
        sign("PS256", json!({}), with(access_claims(), json!({"iss": "http://other"}))),
        sign("EdDSA", json!({"kid": "nope"}), access_claims()),
        sign("ES384", json!({"crit": ["x"], "x": 1}), access_claims()),
        "a.b".into(),
    ];
    let mut outcomes = Vec::new();
    for token in &cases {
        let split = finish_here(token, &jwks(), &opts, NOW);
        let report = tokenward::explain(token, Some(&jwks()), &opts, NOW);
        assert_eq!(report.ok, split.is_ok(), "{token}");
        let code = split.as_ref().err().map(|e| e.code());
        assert_eq!(report.failures().next().and_then(|c| c.code), code, "{token}");
        if let Ok(t) = &split {
            assert_eq!(t.claims().sub(), Some("u1"));
        }
        outcomes.push(code);
    }
    // The cases cover each stage: ok, signature, time, issuer, key, crit, structure.
    assert_eq!(
        outcomes,
        vec![
            None,
            Some("signature_invalid"),
            Some("expired"),
            Some("issuer_mismatch"),
            Some("key_not_found"),
            Some("crit_unsupported"),
            Some("malformed")
        ]
    );
}

#[test]
fn the_pending_signature_is_what_the_outside_verifier_needs() {
    let keys = jwks();
    let t = sign("ES256", json!({}), access_claims());
    let Started::NeedsSignature(p) = verify_start(&t, &keys, &VerifyOptions::default(), NOW).unwrap() else {
        panic!("an ES256 token needs its signature checked");
    };
    assert_eq!(p.alg(), Algorithm::ES256);
    assert_eq!(p.message(), t.rsplit_once('.').unwrap().0.as_bytes());
    assert_eq!(p.signature().len(), 64);
    assert_eq!(p.candidates().len(), 1);
    let key = &keys.keys()[p.candidates()[0]];
    assert_eq!(key.kid(), Some("p256"));
    // The public JWK rebuilt from the key set verifies like the original.
    let jwk: serde_json::Map<String, serde_json::Value> =
        key.public_jwk().unwrap().into_iter().map(|(k, v)| (k.to_string(), json!(v))).collect();
    let rebuilt = KeySet::from_jwks(&serde_json::Value::Object(jwk).to_string()).unwrap();
    assert!(
        tokenward::crypto::verify_raw(&rebuilt.keys()[0], p.alg(), p.message(), p.signature()),
        "the rebuilt key must verify the same signature"
    );
    // Another set (here with one key, fewer than the candidate's position) answers invalid, no panic.
    let other = KeySet::from_jwks(&json!({"keys": [rsa_jwk(&common::keys().rsa, "only")]}).to_string()).unwrap();
    assert_eq!(p.verify_here(&other), Verdict::invalid());
    assert!(p.verify_here(&keys) != Verdict::invalid(), "its own set verifies it");
    // A signature the outside verifier refused is signature_invalid, whatever the claims say.
    assert_eq!(code(verify_finish(p, &Verdict::invalid(), &keys, &VerifyOptions::default(), NOW)), "signature_invalid");
    assert!(KeySet::from_secret(&keys_hmac(), Algorithm::HS256, None).unwrap().keys()[0].public_jwk().is_none());
}

fn keys_hmac() -> Vec<u8> {
    keys().hmac.clone()
}

#[test]
fn hmac_and_cache_hits_finish_at_once_and_finish_fills_the_cache() {
    let hs = hmac_keys(Algorithm::HS256);
    let t = sign("HS256", json!({}), access_claims());
    assert!(matches!(verify_start(&t, &hs, &VerifyOptions::default(), NOW).unwrap(), Started::Verified(_)));

    let keys = jwks();
    let t = sign("RS256", json!({}), access_claims());
    finish_here(&t, &keys, &VerifyOptions::default(), NOW).unwrap();
    assert_eq!(keys.cache_stats().entries, 1);
    let again = verify_start(&t, &keys, &VerifyOptions::default(), NOW).unwrap();
    assert!(matches!(again, Started::Verified(_)), "a verified token is a cache hit");
    // A hit still re-checks the options.
    let wrong = verify_start(&t, &keys, &VerifyOptions::default().issuer("http://other"), NOW);
    assert_eq!(wrong.err().map(|e| e.code()), Some("issuer_mismatch"));
}

#[test]
fn a_pending_signature_finishes_only_with_its_own_key_set_and_a_candidate_key() {
    let (a, b) = (jwks(), jwks());
    let t = sign("ES256", json!({}), access_claims());
    let start = |keys: &KeySet| match verify_start(&t, keys, &VerifyOptions::default(), NOW).unwrap() {
        Started::NeedsSignature(p) => p,
        Started::Verified(_) => panic!("not cached yet"),
    };
    // Set A's pending signature, with a genuinely valid verdict, finished against set B: refused,
    // and nothing lands in B's cache.
    let p = start(&a);
    let verdict = p.verify_here(&a);
    assert_eq!(code(verify_finish(p, &verdict, &b, &VerifyOptions::default(), NOW)), "invalid_option");
    assert_eq!(b.cache_stats().entries, 0);
    // B's pending finished with A's verdict: the verdict names another set.
    let p = start(&a);
    let verdict_for_a = p.verify_here(&a);
    let q = start(&b);
    assert_eq!(code(verify_finish(q, &verdict_for_a, &b, &VerifyOptions::default(), NOW)), "signature_invalid");
    // An outside verifier naming a key that was not a candidate (an RSA key for ES256): refused.
    let q = start(&b);
    let outsider = (0..b.keys().len()).find(|i| !q.candidates().contains(i)).unwrap();
    let forged = Verdict::dangerous_trust_outside_verifier(&q, outsider);
    assert_eq!(code(verify_finish(q, &forged, &b, &VerifyOptions::default(), NOW)), "signature_invalid");
    // Its own set, its own candidate: verified and cached.
    let q = start(&b);
    let good = Verdict::dangerous_trust_outside_verifier(&q, q.candidates()[0]);
    assert_eq!(code(verify_finish(q, &good, &b, &VerifyOptions::default(), NOW)), "ok");
    assert_eq!(b.cache_stats().entries, 1);
    drop(p);
}

#[test]
fn a_signature_of_the_wrong_length_never_reaches_an_outside_verifier() {
    // Node's WebCrypto RSA-PSS accepts a signature one byte short (its leading zero dropped);
    // the core refuses any length the key could not have produced, before anyone is asked.
    let set = jwks();
    for alg in ["PS256", "RS256", "ES256", "EdDSA"] {
        let good = sign(alg, json!({}), access_claims());
        let (input, sig) = good.rsplit_once('.').unwrap();
        let mut bytes = base64::Engine::decode(&base64::engine::general_purpose::URL_SAFE_NO_PAD, sig).unwrap();
        bytes.remove(0);
        let short = format!("{input}.{}", b64(&bytes));
        let opts = VerifyOptions::default();
        let err = verify_start(&short, &set, &opts, NOW).err().unwrap_or_else(|| panic!("{alg}: started"));
        assert_eq!(err.code(), "signature_invalid", "{alg}");
        // A "verified" answer for that key does not make it pass explain either.
        let Ok(Started::NeedsSignature(p)) = verify_start(&good, &set, &opts, NOW) else { panic!("{alg}") };
        let yes = Verdict::dangerous_trust_outside_verifier(&p, p.candidates()[0]);
        let report = tokenward::explain_with_verdict(&short, &set, &opts, NOW, &yes);
        assert_eq!(report.check("signature").unwrap().code, Some("signature_invalid"), "{alg}");
        assert!(tokenward::explain_with_verdict(&good, &set, &opts, NOW, &yes).ok, "{alg}");
    }
}
