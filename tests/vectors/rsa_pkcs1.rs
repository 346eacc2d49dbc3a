//! Wycheproof RSASSA-PKCS1-v1_5 (RS256/384/512) signature files through `verify_raw`.

use serde_json::{json, Value};
use tokenward::{Algorithm, KeySet};

use crate::common::{b64u, hex, keyset_from_jwk, run_raw_file, str_of};

/// The group's public key as an RSA JWK (n and e from the hex fields, no alg).
pub fn rsa_keyset(group: &Value) -> Result<KeySet, String> {
    let key = &group["publicKey"];
    let n = hex(str_of(key, "modulus"));
    let e = hex(str_of(key, "publicExponent"));
    let strip = |v: &[u8]| v.iter().position(|&b| b != 0).map_or(vec![], |i| v[i..].to_vec());
    keyset_from_jwk(&json!({"kty": "RSA", "n": b64u(&strip(&n)), "e": b64u(&strip(&e))}))
}

fn rs(group: &Value) -> Algorithm {
    match str_of(group, "sha") {
        "SHA-256" => Algorithm::RS256,
        "SHA-384" => Algorithm::RS384,
        "SHA-512" => Algorithm::RS512,
        other => panic!("no RS algorithm for {other}"),
    }
}

#[test]
fn wycheproof_rsa_signature_2048_sha256() {
    run_raw_file("rsa_signature_2048_sha256_test.json", |g| (rs(g), rsa_keyset(g)));
}

#[test]
fn wycheproof_rsa_signature_2048_sha384() {
    run_raw_file("rsa_signature_2048_sha384_test.json", |g| (rs(g), rsa_keyset(g)));
}

#[test]
fn wycheproof_rsa_signature_2048_sha512() {
    run_raw_file("rsa_signature_2048_sha512_test.json", |g| (rs(g), rsa_keyset(g)));
}
