//! tokenward's verifiers plugged into jsonwebtoken's CryptoProvider. Installed once for
//! this test binary (it is process-wide).
// Signatures are checked by the crate's own verifiers here: the build without them
// (`--no-default-features`) runs the session and unit tests only.
#![cfg(feature = "jwt-provider")]

mod common;

use common::*;
use jsonwebtoken::{Algorithm, DecodingKey, Validation};
use serde_json::{json, Value};

fn install() {
    let _ = tokenward::crypto::jwt_provider::PROVIDER.install_default();
}

fn validation(alg: Algorithm) -> Validation {
    let mut v = Validation::new(alg);
    v.validate_exp = false;
    v.validate_aud = false;
    v
}

#[test]
fn jsonwebtoken_verifies_through_tokenward() {
    install();
    use rsa::traits::PublicKeyParts;
    let k = keys();
    let rsa_key = DecodingKey::from_rsa_raw_components(&k.rsa.n().to_bytes_be(), &k.rsa.e().to_bytes_be());
    for (alg, name) in [(Algorithm::RS256, "RS256"), (Algorithm::PS384, "PS384")] {
        let t = sign(name, json!({}), access_claims());
        let data = jsonwebtoken::decode::<Value>(&t, &rsa_key, &validation(alg)).unwrap();
        assert_eq!(data.claims["sub"], "u1");
        let parts: Vec<&str> = t.split('.').collect();
        let admin = b64(with(access_claims(), json!({"sub": "admin"})).to_string().as_bytes());
        let tampered = format!("{}.{admin}.{}", parts[0], parts[2]);
        assert!(jsonwebtoken::decode::<Value>(&tampered, &rsa_key, &validation(alg)).is_err());
    }
    let point = k.p256.verifying_key().to_encoded_point(false);
    let ec_key = DecodingKey::from_ec_components(&b64(point.x().unwrap()), &b64(point.y().unwrap())).unwrap();
    let t = sign("ES256", json!({}), access_claims());
    assert!(jsonwebtoken::decode::<Value>(&t, &ec_key, &validation(Algorithm::ES256)).is_ok());
}

#[test]
fn the_provider_applies_tokenward_key_policy() {
    install();
    // A 1024-bit RSA key is refused even though jsonwebtoken itself would take it.
    use rsa::traits::PublicKeyParts;
    let weak = &keys().rsa_1024;
    let key = DecodingKey::from_rsa_raw_components(&weak.n().to_bytes_be(), &weak.e().to_bytes_be());
    // Signed with that very key, so the signature is genuine: only the key policy refuses it.
    use rsa::signature::{SignatureEncoding, Signer, Verifier};
    let input = format!("{}.{}", b64(br#"{"alg":"RS256"}"#), b64(access_claims().to_string().as_bytes()));
    let sig = rsa::pkcs1v15::SigningKey::<sha2::Sha256>::new(weak.clone()).sign(input.as_bytes());
    let verifier = rsa::pkcs1v15::VerifyingKey::<sha2::Sha256>::new(weak.to_public_key());
    assert!(verifier.verify(input.as_bytes(), &sig).is_ok(), "the rsa crate accepts the signature");
    let t = format!("{input}.{}", b64(&sig.to_vec()));
    assert!(jsonwebtoken::decode::<Value>(&t, &key, &validation(Algorithm::RS256)).is_err());
    // So is a short HMAC secret.
    let short = DecodingKey::from_secret(b"short");
    let input = format!("{}.{}", b64(br#"{"alg":"HS256"}"#), b64(access_claims().to_string().as_bytes()));
    let tag = hmac_tag::<hmac::Hmac<sha2::Sha256>>(b"short", input.as_bytes());
    let t = format!("{input}.{}", b64(&tag));
    assert!(jsonwebtoken::decode::<Value>(&t, &short, &validation(Algorithm::HS256)).is_err());
    let long = keys().hmac.clone();
    let tag = hmac_tag::<hmac::Hmac<sha2::Sha256>>(&long, input.as_bytes());
    let t = format!("{input}.{}", b64(&tag));
    assert!(jsonwebtoken::decode::<Value>(&t, &DecodingKey::from_secret(&long), &validation(Algorithm::HS256)).is_ok());
}
