//! Wycheproof RSASSA-PSS (PS256, PS384) signature files through `verify_raw`. JWS PSS is
//! MGF1 with the same hash and a salt as long as the hash (RFC 7518 3.5); only files with
//! those parameters map to a JWS algorithm.

use serde_json::Value;
use tokenward::Algorithm;

use crate::common::{run_raw_file, str_of};
use crate::rsa_pkcs1::rsa_keyset;

fn ps(group: &Value) -> Algorithm {
    let (alg, salt) = match str_of(group, "sha") {
        "SHA-256" => (Algorithm::PS256, 32),
        "SHA-384" => (Algorithm::PS384, 48),
        "SHA-512" => (Algorithm::PS512, 64),
        other => panic!("no PS algorithm for {other}"),
    };
    assert_eq!(str_of(group, "mgf"), "MGF1");
    assert_eq!(group["mgfSha"], group["sha"], "JWS PSS uses MGF1 with the message hash");
    assert_eq!(group["sLen"].as_u64(), Some(salt), "JWS PSS salt length is the hash length");
    alg
}

#[test]
fn wycheproof_rsa_pss_2048_sha256_mgf1_32() {
    run_raw_file("rsa_pss_2048_sha256_mgf1_32_test.json", |g| (ps(g), rsa_keyset(g)));
}

#[test]
fn wycheproof_rsa_pss_2048_sha384_mgf1_48() {
    run_raw_file("rsa_pss_2048_sha384_mgf1_48_test.json", |g| (ps(g), rsa_keyset(g)));
}
