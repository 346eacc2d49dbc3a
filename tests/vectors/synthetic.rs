//! Cases the vector files miss or get wrong, built here with a hand-written HMAC so the
//! tokens do not depend on the code under test. Needs no vector files.
//! - No Wycheproof or RFC 7520 vector carries `crit` or `b64` (only `alg: none` appears, in
//!   json_web_signature_test.json): correctly signed tokens with them must be refused
//!   with their codes.
//! - Wycheproof's "invalidBase64Padding" cases (json_web_signature_test.json tcId 367,
//!   370) are byte-identical to the valid tcId 357, so padding is really tested here.

use sha2::{Digest, Sha256};
use tokenward::{verify_jws, Algorithm, KeySet};

use crate::common::b64u;

const SECRET: &[u8] = b"tokenward test vectors: 32+ byte HMAC secret";

/// HMAC-SHA256 (RFC 2104).
fn hmac_sha256(key: &[u8], msg: &[u8]) -> Vec<u8> {
    let mut block = [0u8; 64];
    if key.len() > 64 {
        block[..32].copy_from_slice(&Sha256::digest(key));
    } else {
        block[..key.len()].copy_from_slice(key);
    }
    let pad = |b: u8| block.iter().map(|k| k ^ b).collect::<Vec<u8>>();
    let inner = Sha256::new().chain_update(pad(0x36)).chain_update(msg).finalize();
    Sha256::new().chain_update(pad(0x5c)).chain_update(inner).finalize().to_vec()
}

/// `header_segment.payload_segment.signature`, HS256 over the segments exactly as given.
fn sign_segments(header_segment: &str, payload_segment: &str, pad_signature: bool) -> String {
    let input = format!("{header_segment}.{payload_segment}");
    let mut sig = b64u(&hmac_sha256(SECRET, input.as_bytes()));
    if pad_signature {
        sig.push('='); // 32 bytes: 43 characters plus one pad
    }
    format!("{input}.{sig}")
}

fn sign(header: &str, payload_segment: &str) -> String {
    sign_segments(&b64u(header.as_bytes()), payload_segment, false)
}

fn code(token: &str) -> &'static str {
    let keys = KeySet::from_secret(SECRET, Algorithm::HS256, None).expect("secret");
    match verify_jws(token, &keys, None) {
        Ok(_) => "verified",
        Err(e) => e.code(),
    }
}

#[test]
fn crit_b64_and_none_are_refused_with_their_codes() {
    let payload = b64u(b"$.02");
    // Sanity: the hand-written HMAC agrees with tokenward's on a plain header.
    assert_eq!(code(&sign(r#"{"alg":"HS256"}"#, &payload)), "verified");
    // b64: true is the default and changes nothing.
    assert_eq!(code(&sign(r#"{"alg":"HS256","b64":true}"#, &payload)), "verified");

    let cases: &[(&str, &str, &str)] = &[
        (r#"{"alg":"HS256","b64":false,"crit":["b64"]}"#, &payload, "crit_unsupported"),
        // b64 without crit (RFC 7797 6 requires it to be critical): still refused.
        (r#"{"alg":"HS256","b64":false}"#, &payload, "crit_unsupported"),
        (r#"{"alg":"HS256","crit":["exp"],"exp":1363284000}"#, &payload, "crit_unsupported"),
        (r#"{"alg":"HS256","crit":["urn:example:ext"],"urn:example:ext":true}"#, &payload, "crit_unsupported"),
        // Malformed crit (RFC 7515 4.1.11): empty, not an array, non-string, names an absent member.
        (r#"{"alg":"HS256","crit":[]}"#, &payload, "malformed"),
        (r#"{"alg":"HS256","crit":"b64","b64":false}"#, &payload, "malformed"),
        (r#"{"alg":"HS256","crit":[1]}"#, &payload, "malformed"),
        (r#"{"alg":"HS256","crit":["b64"]}"#, &payload, "malformed"),
    ];
    for (header, payload_segment, want) in cases {
        assert_eq!(code(&sign(header, payload_segment)), *want, "header {header}");
    }
    // A really unencoded payload (RFC 7797 5.2, no '.' so it fits compact form) is not
    // base64url: refused, as malformed (the payload decodes before crit is looked at).
    let raw = code(&sign(r#"{"alg":"HS256","b64":false,"crit":["b64"]}"#, "$02"));
    assert!(["malformed", "crit_unsupported"].contains(&raw), "unencoded payload: {raw}");

    for alg in ["none", "None", "NONE", "nOnE"] {
        let header = b64u(format!(r#"{{"alg":"{alg}"}}"#).as_bytes());
        assert_eq!(code(&format!("{header}.{payload}.")), "unsupported_alg", "alg {alg}, empty signature");
        // Even carrying a (meaningless) signature.
        assert_eq!(code(&format!("{header}.{payload}.{}", b64u(&[0; 32]))), "unsupported_alg", "alg {alg}");
    }
}

#[test]
fn padded_or_non_url_base64_is_refused_even_when_signed() {
    let header = b64u(br#"{"alg":"HS256"}"#); // 20 characters, no padding needed
    assert_eq!(code(&sign_segments(&header, "VGVzdA", false)), "verified");
    let padded_header = b64u(br#"{"alg":"HS256" }"#) + "=="; // 16 bytes: 22 characters + padding
    for token in [
        sign_segments(&header, "VGVzdA==", false), // padded payload, signed as sent
        sign_segments(&header, "VGVzdA", true),    // padded signature
        sign_segments(&padded_header, "VGVzdA", false), // padded header
        sign_segments(&header, "+/+/", false),     // standard alphabet, signed as sent
        sign_segments(&header, "VGVzdB", false),   // non-canonical trailing bits
    ] {
        assert_eq!(code(&token), "malformed", "{token}");
    }
}
