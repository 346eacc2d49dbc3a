//! verify_start / verify_finish: the split used by verifyAsync (WebCrypto does the middle).

mod common;

use common::*;
use serde_json::json;
use tokenward::{verify_finish, verify_start, Algorithm, KeySet, Started, VerifyOptions};

fn finish_here(token: &str, keys: &KeySet, opts: &VerifyOptions, now: i64) -> Result<tokenward::Token, tokenward::Error> {
    match verify_start(token, keys, opts, now)? {
        Started::Verified(t) => Ok(t),
        Started::NeedsSignature(p) => {
            let ok = p.verify_here(keys);
            verify_finish(p, ok, keys, opts, now)
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
        vec![None, Some("signature_invalid"), Some("expired"), Some("issuer_mismatch"), Some("key_not_found"), Some("crit_unsupported"), Some("malformed")]
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
    // Another set (here with one key, fewer than the candidate's position) answers false, no panic.
    let other = KeySet::from_jwks(&json!({"keys": [rsa_jwk(&common::keys().rsa, "only")]}).to_string()).unwrap();
    let _ = p.verify_here(&other);
    // A signature the outside verifier refused is signature_invalid, whatever the claims say.
    assert_eq!(code(verify_finish(p, false, &keys, &VerifyOptions::default(), NOW)), "signature_invalid");
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
