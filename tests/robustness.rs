//! Mutation robustness: thousands of corrupted tokens and key sets, derived from valid ones
//! with a fixed seed. Nothing may panic (a panic would trap the Wasm instance), and explain
//! must agree with verify on every input. A stand-in for fuzzing on a stable toolchain.
// Signatures are checked by the crate's own verifiers here: the build without them
// (`--no-default-features`) runs the session and unit tests only.
#![cfg(feature = "signature")]

mod common;

use common::*;
use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};
use serde_json::json;
use tokenward::{decode, explain, verify, KeySet, VerifyOptions};

const ALPHABET: &[u8] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_.=+/ {}\\\"\xff";

fn mutate(rng: &mut StdRng, input: &[u8]) -> Vec<u8> {
    let mut out = input.to_vec();
    for _ in 0..rng.gen_range(1..4) {
        if out.is_empty() {
            out.push(ALPHABET[rng.gen_range(0..ALPHABET.len())]);
            continue;
        }
        let i = rng.gen_range(0..out.len());
        match rng.gen_range(0..5) {
            0 => out[i] ^= 1 << rng.gen_range(0..8),
            1 => out[i] = ALPHABET[rng.gen_range(0..ALPHABET.len())],
            2 => {
                out.remove(i);
            }
            3 => out.insert(i, ALPHABET[rng.gen_range(0..ALPHABET.len())]),
            _ => out.truncate(i),
        }
    }
    out
}

#[test]
fn corrupted_tokens_never_panic_and_explain_agrees_with_verify() {
    let keys = jwks();
    let hs = hmac_keys(tokenward::Algorithm::HS256);
    let opts = VerifyOptions::default().issuer(ISS).clock_tolerance(0);
    let mut rng = StdRng::seed_from_u64(2026);
    let mut outcomes = std::collections::BTreeMap::<&str, usize>::new();
    for alg in ["RS256", "PS384", "ES256", "ES384", "ES512", "EdDSA", "HS256"] {
        let set = if alg == "HS256" { &hs } else { &keys };
        let token = sign(alg, json!({}), access_claims());
        // Also corrupt the decoded JSON, not only the encoding.
        let (h, rest) = token.split_once('.').unwrap();
        let (p, _) = rest.split_once('.').unwrap();
        let payload =
            String::from_utf8(base64::Engine::decode(&base64::engine::general_purpose::URL_SAFE_NO_PAD, p).unwrap())
                .unwrap();
        for i in 0..600 {
            let candidate = if i % 3 == 0 {
                let json = mutate(&mut rng, payload.as_bytes());
                format!("{h}.{}.{}", b64(&json), token.rsplit_once('.').unwrap().1)
            } else {
                String::from_utf8_lossy(&mutate(&mut rng, token.as_bytes())).into_owned()
            };
            let verified = verify(&candidate, set, &opts, NOW);
            let report = explain(&candidate, Some(set), &opts, NOW);
            assert_eq!(report.ok, verified.is_ok(), "{candidate}");
            if let Err(e) = &verified {
                assert_eq!(report.failures().next().and_then(|c| c.code), Some(e.code()), "{candidate}");
            }
            // What decode refuses, verify refuses too (it never accepts less-formed input).
            if decode(&candidate).is_err() {
                assert!(verified.is_err(), "verify accepted what decode refuses: {candidate}");
            }
            *outcomes.entry(verified.as_ref().map_or_else(|e| e.code(), |_| "ok")).or_default() += 1;
        }
    }
    // The corruption reaches parsing, key selection and the signature, and some mutations
    // keep a token valid, so the agreement above was tested at each (with this seed:
    // malformed 3524, signature_invalid 672, ok 2, key_not_found 1, unsupported_alg 1).
    for (stage, at_least) in [("malformed", 1000), ("signature_invalid", 300), ("ok", 1)] {
        assert!(outcomes.get(stage).is_some_and(|n| *n >= at_least), "too few {stage} cases: {outcomes:?}");
    }
    assert!(outcomes.len() >= 4, "the mutations reach only {outcomes:?}");
}

#[test]
fn corrupted_key_sets_never_panic() {
    let mut rng = StdRng::seed_from_u64(7);
    let doc = jwks_value().to_string();
    let token = sign("ES256", json!({}), access_claims());
    let (mut refused, mut verified_ok, mut verified_err) = (0, 0, 0);
    for _ in 0..3000 {
        let text = String::from_utf8_lossy(&mutate(&mut rng, doc.as_bytes())).into_owned();
        match KeySet::from_jwks(&text) {
            Ok(set) => {
                // Whatever survived must behave: verify answers, explain agrees.
                let verified = verify(&token, &set, &VerifyOptions::default(), NOW);
                assert_eq!(explain(&token, Some(&set), &VerifyOptions::default(), NOW).ok, verified.is_ok());
                if verified.is_ok() {
                    verified_ok += 1
                } else {
                    verified_err += 1
                }
            }
            Err(_) => refused += 1,
        }
    }
    // Each branch ran often enough to mean something.
    assert!(
        refused > 100 && verified_ok > 100 && verified_err > 100,
        "{refused} refused, {verified_ok} verified, {verified_err} failed"
    );
}
