//! RFC 7520 section 4 JWS cookbook examples and the RFC 8037 Ed25519 example. Each
//! file's key is the cookbook JWK with its private members removed (oct keys go through
//! `from_secret`). Cases per file:
//! - `compact`: the compact serialization, which must verify (and return the payload);
//! - `compact_reattached`: for detached content (4.5), the compact form with the payload
//!   put back, as a recipient of detached content does (RFC 7515 appendix F);
//! - `json`, `json_flat`: JSON serializations, out of scope: must be refused as malformed;
//! - `signatureN`: where the RFC gives no compact form (4.6-4.8), signature N of the JSON
//!   form rebuilt as `protected.payload.signature` (an empty first segment when the
//!   signature has no protected header, which compact serialization cannot express).

use serde_json::Value;
use tokenward::KeySet;

use crate::common::{self, b64u, Expected, IdKind, Tally};
use crate::jose;

fn keyset(jwk: &Value) -> Result<KeySet, String> {
    if jwk["kty"] == "oct" {
        return jose::secret_keyset(jwk);
    }
    let set = KeySet::from_jwks(&jose::public_jwk(jwk).to_string()).map_err(|e| format!("from_jwks: {e}"))?;
    match set.rejected().first() {
        Some(r) => Err(format!("cookbook key refused: {}", r.reason)),
        None => Ok(set),
    }
}

fn run(file: &str) {
    let Some(doc) = common::load("rfc7520", file) else { return };
    let mut tally = Tally::new("rfc7520", file, IdKind::Case);
    let input = &doc["input"];
    let payload = input["payload"].as_str().expect("input.payload").as_bytes();
    let keys: Vec<Result<KeySet, String>> = match &input["key"] {
        Value::Array(keys) => keys.iter().map(keyset).collect(),
        jwk => vec![keyset(jwk)],
    };
    // Signature i of a multi-key example uses key i.
    let key = |i: usize| &keys[if keys.len() == 1 { 0 } else { i }];
    let output = &doc["output"];
    let payload_b64 = output["json"]["payload"].as_str().map(str::to_owned).unwrap_or_else(|| b64u(payload));

    let mut case = |name: &str, token: &str, keys: &Result<KeySet, String>, json: bool| {
        let id = format!("{file} case {name}");
        let checked = jose::check(&id, token, keys, Some(payload));
        if json {
            assert_eq!(
                checked.code,
                Some("malformed"),
                "{id}: JSON serialization not refused as malformed: {}",
                checked.detail
            );
        }
        tally.record(name, Expected::Valid, checked.accepted, checked.detail);
    };

    if let Some(compact) = output["compact"].as_str() {
        case("compact", compact, key(0), false);
        let segments: Vec<&str> = compact.split('.').collect();
        if segments.len() == 3 && segments[1].is_empty() {
            let reattached = format!("{}.{payload_b64}.{}", segments[0], segments[2]);
            case("compact_reattached", &reattached, key(0), false);
        }
    } else {
        let signatures = output["json"]["signatures"].as_array().expect("output.json.signatures");
        for (i, sig) in signatures.iter().enumerate() {
            let protected = sig["protected"].as_str().unwrap_or("");
            let token = format!("{protected}.{payload_b64}.{}", sig["signature"].as_str().expect("signature"));
            case(&format!("signature{i}"), &token, key(i), false);
        }
    }
    for form in ["json", "json_flat"] {
        if let Some(json) = output.get(form) {
            case(form, &json.to_string(), key(0), true);
        }
    }
    tally.finish();
}

#[test]
fn rfc7520_4_1_rsa_v15_signature() {
    run("4_1.rsa_v15_signature.json");
}

#[test]
fn rfc7520_4_2_rsa_pss_signature() {
    run("4_2.rsa-pss_signature.json");
}

#[test]
fn rfc7520_4_3_ecdsa_signature() {
    run("4_3.ecdsa_signature.json");
}

#[test]
fn rfc7520_4_4_hmac_sha2_integrity_protection() {
    run("4_4.hmac-sha2_integrity_protection.json");
}

#[test]
fn rfc7520_4_5_signature_with_detached_content() {
    run("4_5.signature_with_detached_content.json");
}

#[test]
fn rfc7520_4_6_protecting_specific_header_fields() {
    run("4_6.protecting_specific_header_fields.json");
}

#[test]
fn rfc7520_4_7_protecting_content_only() {
    run("4_7.protecting_content_only.json");
}

#[test]
fn rfc7520_4_8_multiple_signatures() {
    run("4_8.multiple_signatures.json");
}

#[test]
fn rfc8037_ed25519_jws() {
    run("rfc8037_ed25519_jws.json");
}
