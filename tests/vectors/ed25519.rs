//! Wycheproof Ed25519 through `verify_raw`, keys as OKP JWKs from the raw public key.

use serde_json::json;
use tokenward::Algorithm;

use crate::common::{b64u, hex, keyset_from_jwk, run_raw_file, str_of};

#[test]
fn wycheproof_ed25519() {
    run_raw_file("ed25519_test.json", |group| {
        let key = &group["publicKey"];
        assert_eq!(str_of(key, "curve"), "edwards25519");
        let jwk = json!({"kty": "OKP", "crv": "Ed25519", "x": b64u(&hex(str_of(key, "pk")))});
        (Algorithm::EdDSA, keyset_from_jwk(&jwk))
    });
}
