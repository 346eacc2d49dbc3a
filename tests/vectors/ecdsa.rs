//! Wycheproof ECDSA files in IEEE P1363 form (`r || s`, the JWS encoding; RFC 7518 3.4)
//! through `verify_raw`, keys as EC JWKs from the uncompressed public point.

use serde_json::{json, Value};
use tokenward::{Algorithm, KeySet};

use crate::common::{b64u, hex, keyset_from_jwk, run_raw_file, str_of};

fn ec(group: &Value) -> (Algorithm, Result<KeySet, String>) {
    let key = &group["publicKey"];
    let (alg, crv, len) = match (str_of(key, "curve"), str_of(group, "sha")) {
        ("secp256r1", "SHA-256") => (Algorithm::ES256, "P-256", 32),
        ("secp384r1", "SHA-384") => (Algorithm::ES384, "P-384", 48),
        ("secp521r1", "SHA-512") => (Algorithm::ES512, "P-521", 66),
        (c, h) => panic!("no JWS algorithm for {c} with {h}"),
    };
    let point = hex(str_of(key, "uncompressed"));
    assert!(point.len() == 1 + 2 * len && point[0] == 4, "not an uncompressed {crv} point");
    let jwk = json!({"kty": "EC", "crv": crv, "x": b64u(&point[1..=len]), "y": b64u(&point[1 + len..])});
    (alg, keyset_from_jwk(&jwk))
}

#[test]
fn wycheproof_ecdsa_secp256r1_sha256_p1363() {
    run_raw_file("ecdsa_secp256r1_sha256_p1363_test.json", ec);
}

#[test]
fn wycheproof_ecdsa_secp384r1_sha384_p1363() {
    run_raw_file("ecdsa_secp384r1_sha384_p1363_test.json", ec);
}
