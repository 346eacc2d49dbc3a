//! Wycheproof HMAC-SHA2 files through `from_secret` + `verify_raw`. Each test carries its
//! own key; JWS HS* tags are the full hash output, so truncated-tag groups cannot verify.

use tokenward::{Algorithm, KeySet};

use crate::common::{self, array, hex, raw_verify, str_of, Expected, IdKind, Tally};

fn run(file: &str, alg: Algorithm) {
    let Some(doc) = common::load("wycheproof", file) else { return };
    let mut tally = Tally::new("wycheproof", file, IdKind::TcId);
    for group in array(&doc, "testGroups") {
        for test in array(group, "tests") {
            let tc = test["tcId"].as_u64().expect("tcId");
            let keys = KeySet::from_secret(&hex(str_of(test, "key")), alg, None).map_err(|e| {
                assert_eq!(e.code(), "key_rejected", "tcId {tc}: from_secret failed with {e}");
                format!("from_secret: {e}")
            });
            let tag = hex(str_of(test, "tag"));
            let (ok, detail) = raw_verify(&keys, alg, &hex(str_of(test, "msg")), &tag);
            let sizes = format!("key {} bits, tag {} bits", group["keySize"], tag.len() * 8);
            tally.record(tc, Expected::of(test), ok, format!("{detail} ({sizes})"));
        }
    }
    tally.finish();
}

#[test]
fn wycheproof_hmac_sha256() {
    run("hmac_sha256_test.json", Algorithm::HS256);
}

#[test]
fn wycheproof_hmac_sha384() {
    run("hmac_sha384_test.json", Algorithm::HS384);
}

#[test]
fn wycheproof_hmac_sha512() {
    run("hmac_sha512_test.json", Algorithm::HS512);
}
