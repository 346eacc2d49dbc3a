//! Named attacks from RFC 8725 and the JWT CVE history. Each must fail with the stated code.
// Signatures are checked by the crate's own verifiers here: the build without them
// (`--no-default-features`) runs the session and unit tests only.
#![cfg(feature = "signature")]

mod common;

use common::*;
use serde_json::{json, Value};
use tokenward::{verify, Algorithm, KeySet, VerifyOptions};

fn opts() -> VerifyOptions {
    VerifyOptions::default()
}

fn check(token: &str) -> &'static str {
    code(verify(token, &jwks(), &opts(), NOW))
}

#[test]
fn alg_none_in_any_case_is_unsupported() {
    let payload = b64(access_claims().to_string().as_bytes());
    for alg in ["none", "None", "NONE", "nOnE"] {
        let header = b64(json!({"alg": alg}).to_string().as_bytes());
        for sig in ["", "c2ln"] {
            let token = format!("{header}.{payload}.{sig}");
            let err = verify(&token, &jwks(), &opts(), NOW).unwrap_err();
            assert_eq!(err.code(), "unsupported_alg", "{alg}");
            assert!(err.message().contains("never accepted"));
        }
    }
}

#[test]
fn rs_hs_confusion_with_the_public_key_as_secret_fails() {
    use rsa::pkcs1::EncodeRsaPublicKey;
    use rsa::pkcs8::EncodePublicKey;
    let public = keys().rsa.to_public_key();
    let secrets = [
        public.to_pkcs1_der().unwrap().as_bytes().to_vec(),
        public.to_public_key_der().unwrap().as_bytes().to_vec(),
        public.to_public_key_pem(rsa::pkcs8::LineEnding::LF).unwrap().into_bytes(),
    ];
    for secret in secrets {
        let header = b64(json!({"alg":"HS256","kid":"rsa"}).to_string().as_bytes());
        let input = format!("{header}.{}", b64(access_claims().to_string().as_bytes()));
        let tag = hmac_tag::<hmac::Hmac<sha2::Sha256>>(&secret, input.as_bytes());
        let token = format!("{input}.{}", b64(&tag));
        // The key set holds no HMAC key, so HS256 is not even allowed by default...
        assert_eq!(check(&token), "alg_not_allowed");
        // ...and forcing it into the allow-list still finds no key: an RSA key never verifies HS256.
        let forced = opts().algorithms(&[Algorithm::HS256, Algorithm::RS256]);
        assert_eq!(code(verify(&token, &jwks(), &forced, NOW)), "key_not_found");
    }
}

#[test]
fn embedded_jwk_is_never_trusted() {
    use rand::SeedableRng;
    let attacker = p256::ecdsa::SigningKey::random(&mut rand::rngs::StdRng::seed_from_u64(99));
    let point = attacker.verifying_key().to_encoded_point(false);
    let jwk = json!({"kty":"EC","crv":"P-256","x": b64(point.x().unwrap()),"y": b64(point.y().unwrap())});
    for header in [json!({"alg":"ES256","jwk": jwk}), json!({"alg":"ES256","kid":"p256","jwk": jwk})] {
        let input = format!("{}.{}", b64(header.to_string().as_bytes()), b64(access_claims().to_string().as_bytes()));
        let sig: p256::ecdsa::Signature = rsa::signature::Signer::sign(&attacker, input.as_bytes());
        let token = format!("{input}.{}", b64(&sig.to_bytes()));
        assert_eq!(check(&token), "signature_invalid");
    }
}

#[test]
fn jku_and_x5u_are_never_fetched_or_trusted() {
    // A token the attacker really signed, pointing at the attacker's key set (which a verifier
    // that fetched it would accept) and naming our key's kid, fails...
    use rand::SeedableRng;
    use rsa::signature::{Signer, Verifier};
    let attacker = p256::ecdsa::SigningKey::random(&mut rand::rngs::StdRng::seed_from_u64(98));
    for member in ["jku", "x5u"] {
        let header = json!({"alg":"ES256", "kid": "p256", member: "https://attacker.example/keys"});
        let input = format!("{}.{}", b64(header.to_string().as_bytes()), b64(access_claims().to_string().as_bytes()));
        let sig: p256::ecdsa::Signature = attacker.sign(input.as_bytes());
        assert!(
            attacker.verifying_key().verify(input.as_bytes(), &sig).is_ok(),
            "a genuine signature by the attacker's key"
        );
        let token = format!("{input}.{}", b64(&sig.to_bytes()));
        assert_eq!(check(&token), "signature_invalid", "{member}");
        // ...and a genuine token carrying the member verifies with our keys, the member ignored.
        let genuine = sign("RS256", json!({ member: "https://attacker.example/keys" }), access_claims());
        assert_eq!(check(&genuine), "ok");
        let report = tokenward::explain(&genuine, Some(&jwks()), &opts(), NOW);
        assert!(report.check("header").unwrap().reason.contains("ignored"));
    }
}

#[test]
fn unknown_crit_is_refused() {
    let t = sign("RS256", json!({"crit":["x-ext"], "x-ext": 1}), access_claims());
    assert_eq!(check(&t), "crit_unsupported");
    let t = sign("RS256", json!({"crit":["exp"], "exp": 1}), access_claims());
    assert_eq!(check(&t), "crit_unsupported");
    // Malformed crit: absent member, empty list, not a list.
    for crit in [json!(["missing"]), json!([]), json!("x-ext"), json!([1])] {
        let t = sign("RS256", json!({"crit": crit, "x-ext": 1}), access_claims());
        assert_eq!(check(&t), "malformed", "{crit}");
    }
}

#[test]
fn unencoded_payload_b64_false_is_refused() {
    let t = sign("RS256", json!({"b64": false, "crit": ["b64"]}), access_claims());
    assert_eq!(check(&t), "crit_unsupported");
    let t = sign("RS256", json!({"b64": false}), access_claims());
    assert_eq!(check(&t), "crit_unsupported");
    let t = sign("RS256", json!({"b64": true}), access_claims());
    assert_eq!(check(&t), "ok");
}

#[test]
fn two_and_five_segments_are_malformed() {
    let t = sign("RS256", json!({}), access_claims());
    let parts: Vec<&str> = t.split('.').collect();
    for bad in [
        format!("{}.{}", parts[0], parts[1]),
        format!("{}.{}.{}.{}.{}", parts[0], "", parts[1], "", parts[2]),
        format!("{}.{}.{}.{}.{}", parts[0], parts[1], parts[1], parts[1], parts[2]),
        format!("{t}."),
        String::new(),
    ] {
        let err = verify(&bad, &jwks(), &opts(), NOW).unwrap_err();
        assert_eq!(err.code(), "malformed", "{bad}");
    }
}

#[test]
fn padded_or_non_canonical_base64url_is_malformed() {
    let t = sign("HS256", json!({}), access_claims());
    let keys = hmac_keys(Algorithm::HS256);
    let v = |token: &str| code(verify(token, &keys, &opts(), NOW));
    assert_eq!(v(&t), "ok");
    let (input, sig) = t.rsplit_once('.').unwrap();
    // HS256 tag: 32 bytes = 43 chars with 2 unused bits in the last one.
    assert_eq!(v(&format!("{input}.{sig}=")), "malformed");
    let last = sig.chars().last().unwrap();
    let alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
    let idx = alphabet.find(last).unwrap();
    let sibling = alphabet.chars().nth(idx ^ 1).unwrap(); // differs only in the unused low bits
    let non_canonical = format!("{input}.{}{sibling}", &sig[..sig.len() - 1]);
    assert_eq!(v(&non_canonical), "malformed");
    // Standard-alphabet characters and whitespace.
    assert_eq!(v(&format!("{input}.{}", sig.replace('-', "+").replace('_', "/") + "+")), "malformed");
    assert_eq!(v(&format!(" {t}")), "malformed");
    assert_eq!(v(&t.replacen('.', ".\n", 1)), "malformed");
    // A padded header segment.
    let (h, rest) = t.split_once('.').unwrap();
    if h.len() % 4 != 0 {
        assert_eq!(v(&format!("{h}{}.{rest}", "=".repeat(4 - h.len() % 4))), "malformed");
    }
}

#[test]
fn duplicate_json_members_are_refused() {
    let claims = r#"{"sub":"u1","exp":1800000300,"sub":"admin"}"#;
    let t = sign_text("RS256", r#"{"alg":"RS256","kid":"rsa"}"#, claims);
    let err = verify(&t, &jwks(), &opts(), NOW).unwrap_err();
    assert_eq!(err.code(), "malformed");
    assert!(err.message().contains("duplicate"));
    let t = sign_text("RS256", r#"{"alg":"RS256","kid":"rsa","alg":"HS256"}"#, &access_claims().to_string());
    assert_eq!(check(&t), "malformed");
}

#[test]
fn exp_as_string_float_or_huge() {
    let with_exp = |exp: &str| {
        let mut text = access_claims().to_string();
        text = text.replace(&format!("\"exp\":{}", NOW + 300), &format!("\"exp\":{exp}"));
        assert!(text.contains(&format!("\"exp\":{exp}")));
        check(&sign_text("RS256", r#"{"alg":"RS256","kid":"rsa"}"#, &text))
    };
    assert_eq!(with_exp("\"1800000300\""), "malformed");
    assert_eq!(with_exp("1e400"), "malformed");
    assert_eq!(with_exp("1e300"), "malformed");
    assert_eq!(with_exp("-5"), "malformed");
    assert_eq!(with_exp("true"), "malformed");
    assert_eq!(with_exp("null"), "malformed");
    // Fractional NumericDates are legal (RFC 7519 2) and rounded towards invalid.
    assert_eq!(with_exp("1800000300.5"), "ok");
    assert_eq!(with_exp("1799999000.9"), "expired");
    // The boundary: expired once now - tolerance reaches exp.
    let tol = tokenward::DEFAULT_CLOCK_TOLERANCE as i64;
    assert_eq!(with_exp(&(NOW - tol + 1).to_string()), "ok");
    assert_eq!(with_exp(&(NOW - tol).to_string()), "expired");
}

#[test]
fn psychic_ecdsa_signature_is_refused() {
    for (alg, len) in [("ES256", 64), ("ES384", 96), ("ES512", 132)] {
        let t = sign(alg, json!({}), access_claims());
        let (input, _) = t.rsplit_once('.').unwrap();
        let zero = format!("{input}.{}", b64(&vec![0u8; len]));
        assert_eq!(check(&zero), "signature_invalid", "{alg}");
        assert_eq!(check(&t), "ok", "{alg}");
    }
}

#[test]
fn ec_key_with_a_point_off_the_curve_is_rejected() {
    let mut jwk = p256_jwk("bad");
    let mut y =
        base64::Engine::decode(&base64::engine::general_purpose::URL_SAFE_NO_PAD, jwk["y"].as_str().unwrap()).unwrap();
    y[31] ^= 1;
    jwk["y"] = json!(b64(&y));
    // Alone it makes no key set at all; beside a good key it is listed as rejected.
    let alone = KeySet::from_jwks(&json!({"keys":[jwk.clone()]}).to_string()).err().unwrap();
    assert_eq!(alone.code(), "key_rejected");
    assert!(alone.message().contains("not a valid point"), "{}", alone.message());
    let set = KeySet::from_jwks(&json!({"keys":[jwk, p256_jwk("good")]}).to_string()).unwrap();
    assert_eq!(set.keys().len(), 1);
    assert!(set.rejected()[0].reason.contains("not a valid point"), "{}", set.rejected()[0].reason);
    let t = sign("ES256", json!({"kid":"bad"}), access_claims());
    let err = verify(&t, &set, &opts().algorithms(&[Algorithm::ES256]), NOW).unwrap_err();
    assert_eq!(err.code(), "key_rejected");
    assert!(err.message().contains("not a valid point"), "{}", err.message());
}

#[test]
fn rsa_1024_bit_key_is_rejected() {
    let weak = rsa_jwk(&keys().rsa_1024, "weak");
    let alone = KeySet::from_jwks(&json!({"keys":[weak.clone()]}).to_string()).err().unwrap();
    assert!(alone.code() == "key_rejected" && alone.message().contains("1024 bits"), "{}", alone.message());
    let set = KeySet::from_jwks(&json!({"keys":[weak, rsa_jwk(&keys().rsa, "good")]}).to_string()).unwrap();
    assert_eq!(set.keys().len(), 1);
    assert!(set.rejected()[0].reason.contains("1024 bits"));
    use rsa::signature::{SignatureEncoding, Signer};
    let header = b64(br#"{"alg":"RS256","kid":"weak"}"#);
    let input = format!("{header}.{}", b64(access_claims().to_string().as_bytes()));
    let sig = rsa::pkcs1v15::SigningKey::<sha2::Sha256>::new(keys().rsa_1024.clone()).sign(input.as_bytes());
    let token = format!("{input}.{}", b64(&sig.to_vec()));
    // The token names the refused key: the answer says so, and why.
    let err = verify(&token, &set, &opts().algorithms(&[Algorithm::RS256]), NOW).err().unwrap();
    assert!(err.code() == "key_rejected" && err.message().contains("1024 bits"), "{err}");
    // Also when the refusal left the default allow-list without RS256 (the set's other key is
    // an EC key): the key is what to fix, not the allow-list.
    let ec_only =
        KeySet::from_jwks(&json!({"keys":[rsa_jwk(&keys().rsa_1024, "weak"), p256_jwk("ec")]}).to_string()).unwrap();
    let err = verify(&token, &ec_only, &opts(), NOW).err().unwrap();
    assert!(err.code() == "key_rejected" && err.message().contains("1024 bits"), "{err}");
    let report = tokenward::explain(&token, Some(&ec_only), &opts(), NOW);
    assert_eq!(report.failures().next().and_then(|c| c.code), Some("key_rejected"));
    // A kid nobody knows stays key_not_found.
    let unknown = token.replacen(&header, &b64(br#"{"alg":"RS256","kid":"nobody"}"#), 1);
    assert_eq!(code(verify(&unknown, &set, &opts().algorithms(&[Algorithm::RS256]), NOW)), "key_not_found");
}

#[test]
fn short_hmac_secrets_are_rejected() {
    for (alg, min) in [(Algorithm::HS256, 32), (Algorithm::HS384, 48), (Algorithm::HS512, 64)] {
        let err = KeySet::from_secret(&vec![1u8; min - 1], alg, None).err().unwrap();
        assert_eq!(err.code(), "key_rejected");
        assert!(KeySet::from_secret(&vec![1u8; min], alg, None).is_ok());
    }
    assert_eq!(KeySet::from_secret(&[1u8; 64], Algorithm::RS256, None).err().unwrap().code(), "key_rejected");
}

#[test]
fn deeply_nested_json_is_malformed_without_exhausting_the_stack() {
    for depth in [25, 1_000, 100_000] {
        let payload = format!("{{\"exp\":1800000300,\"x\":{}1{}}}", "[".repeat(depth), "]".repeat(depth));
        let token = format!("{}.{}.{}", b64(br#"{"alg":"RS256"}"#), b64(payload.as_bytes()), b64(&[0; 256]));
        let result = verify(&token, &jwks(), &opts(), NOW);
        let expected = if token.len() > tokenward::limits::MAX_TOKEN_BYTES { "bytes" } else { "nested deeper" };
        let err = result.unwrap_err();
        assert_eq!(err.code(), "malformed");
        assert!(err.message().contains(expected), "{depth}: {}", err.message());
    }
    let header = format!("{{\"alg\":\"RS256\",\"x\":{}{}}}", "{\"a\":".repeat(50), "}".repeat(50));
    let token = format!("{}.{}.{}", b64(header.as_bytes()), b64(b"{}"), b64(&[0; 256]));
    assert_eq!(check(&token), "malformed");
}

#[test]
fn a_one_megabyte_token_is_refused_fast() {
    let body = "A".repeat(1 << 20);
    let token = format!("{}.{body}.{}", b64(br#"{"alg":"RS256"}"#), b64(&[0; 256]));
    let err = verify(&token, &jwks(), &opts(), NOW).unwrap_err();
    assert_eq!(err.code(), "malformed");
    assert!(err.message().contains("bytes"));
    assert!(tokenward::decode(&token).is_err());
}

#[test]
fn an_id_or_refresh_token_never_passes_as_an_access_token() {
    let access = opts().kind(tokenward::TokenKind::Access);
    let id = sign("RS256", json!({}), with(access_claims(), json!({"typ":"ID","aud":"spa"})));
    assert_eq!(code(verify(&id, &jwks(), &access, NOW)), "wrong_kind");
    let refresh = sign("RS256", json!({}), with(access_claims(), json!({"typ":"Refresh"})));
    assert_eq!(code(verify(&refresh, &jwks(), &access, NOW)), "wrong_kind");
    // Even without a kind option, refresh and offline tokens are refused.
    assert_eq!(check(&refresh), "wrong_kind");
    let offline = sign("RS256", json!({}), with(access_claims(), json!({"typ":"Offline"})));
    assert_eq!(check(&offline), "wrong_kind");
    // A header typ of at+jwt contradicting the payload typ is of unknown kind.
    let mixed = sign("RS256", json!({"typ":"at+jwt"}), with(access_claims(), json!({"typ":"ID"})));
    assert_eq!(code(verify(&mixed, &jwks(), &access, NOW)), "wrong_kind");
    let untyped = sign("RS256", json!({}), with(access_claims(), json!({"typ": null})));
    assert_eq!(code(verify(&untyped, &jwks(), &access, NOW)), "wrong_kind");
}

#[test]
fn algorithm_outside_the_allow_list_is_refused() {
    let t = sign("ES256", json!({}), access_claims());
    let only_rs = opts().algorithms(&[Algorithm::RS256]);
    assert_eq!(code(verify(&t, &jwks(), &only_rs, NOW)), "alg_not_allowed");
    let err = verify(&t, &jwks(), &opts().algorithms(&[]), NOW).unwrap_err();
    assert_eq!(err.code(), "invalid_option");
}

#[test]
fn a_key_is_used_only_for_its_own_alg_and_use() {
    let mut jwk = rsa_jwk(&keys().rsa, "rsa");
    jwk["alg"] = json!("RS256");
    let set = KeySet::from_jwks(&json!({"keys":[jwk.clone()]}).to_string()).unwrap();
    assert_eq!(set.algorithms(), vec![Algorithm::RS256]);
    let ps = sign("PS256", json!({}), access_claims());
    assert_eq!(code(verify(&ps, &set, &opts().algorithms(&[Algorithm::PS256]), NOW)), "key_not_found");
    assert_eq!(code(verify(&sign("RS256", json!({}), access_claims()), &set, &opts(), NOW)), "ok");
    jwk["use"] = json!("enc");
    let enc = KeySet::from_jwks(&json!({"keys":[jwk, p256_jwk("ec")]}).to_string()).unwrap();
    assert_eq!(enc.keys().len(), 1, "only the EC key is usable");
    // The token's kid names the refused key: key_rejected, with the reason.
    let err = verify(&sign("RS256", json!({}), access_claims()), &enc, &opts().algorithms(&[Algorithm::RS256]), NOW)
        .unwrap_err();
    assert_eq!(err.code(), "key_rejected", "{err}");
}

#[test]
fn signature_over_a_modified_payload_or_header_fails() {
    for alg in ["RS256", "PS256", "ES256", "ES384", "ES512", "EdDSA"] {
        let t = sign(alg, json!({}), access_claims());
        let forged_payload = b64(with(access_claims(), json!({"sub":"admin"})).to_string().as_bytes());
        let parts: Vec<&str> = t.split('.').collect();
        let forged = format!("{}.{forged_payload}.{}", parts[0], parts[2]);
        assert_eq!(check(&forged), "signature_invalid", "{alg}");
        let truncated = format!("{}.{}.{}", parts[0], parts[1], &parts[2][..parts[2].len() - 4]);
        assert_ne!(check(&truncated), "ok", "{alg}");
    }
}

#[test]
fn key_ops_must_be_unique_strings() {
    let with_ops = |ops: Value| {
        let mut jwk = rsa_jwk(&keys().rsa, "k");
        jwk["key_ops"] = ops;
        KeySet::from_jwks(&json!({"keys":[jwk, p256_jwk("ec")]}).to_string()).unwrap()
    };
    assert_eq!(with_ops(json!(["verify"])).keys().len(), 2);
    for (ops, why) in [
        (json!(["verify", "verify"]), "twice"),
        (json!(["verify", 1]), "not a string"),
        (json!("verify"), "not an array"),
        (json!(["sign"]), "verify"),
    ] {
        let set = with_ops(ops.clone());
        assert_eq!(set.keys().len(), 1, "{ops}");
        assert!(set.rejected()[0].reason.contains(why), "{ops}: {}", set.rejected()[0].reason);
    }
}

#[test]
fn a_token_several_keys_could_verify_is_refused_as_ambiguous() {
    // Two RSA keys and a token without kid: no key is tried, let alone both.
    let mut a = rsa_jwk(&keys().rsa, "a");
    let mut b = rsa_jwk(&keys().rsa, "b");
    a.as_object_mut().unwrap().remove("kid");
    b.as_object_mut().unwrap().remove("kid");
    let set = KeySet::from_jwks(&json!({"keys":[a.clone(), b]}).to_string()).unwrap();
    let no_kid = sign_text("RS256", r#"{"alg":"RS256"}"#, &access_claims().to_string());
    let err = verify(&no_kid, &set, &opts(), NOW).unwrap_err();
    assert_eq!(err.code(), "key_not_found");
    assert!(err.message().contains("ambiguous"), "{}", err.message());
    // Two keys sharing a kid: the same.
    let shared =
        KeySet::from_jwks(&json!({"keys":[rsa_jwk(&keys().rsa, "same"), rsa_jwk(&keys().rsa, "same")]}).to_string())
            .unwrap();
    let err = verify(&sign("RS256", json!({"kid":"same"}), access_claims()), &shared, &opts(), NOW).unwrap_err();
    assert!(err.message().contains("ambiguous"), "{}", err.message());
    // One RSA key beside an EC key: the algorithm picks one, no ambiguity.
    let mixed = KeySet::from_jwks(&json!({"keys":[a, p256_jwk("ec")]}).to_string()).unwrap();
    assert_eq!(code(verify(&no_kid, &mixed, &opts(), NOW)), "ok");
}

#[test]
fn a_key_set_without_any_usable_key_is_an_error_with_the_reasons() {
    for doc in [json!({"keys": []}), json!({"keys": [null]}), json!({"keys": [{"kty": "RSA"}]})] {
        let err = KeySet::from_jwks(&doc.to_string()).err().unwrap();
        assert_eq!(err.code(), "key_rejected", "{doc}");
        assert!(err.message().contains("no usable verification key"), "{doc}: {}", err.message());
    }
}

#[test]
fn attacker_text_reaches_messages_only_sanitized() {
    // Control characters, bidi overrides and a long run, in every place a token's text can be
    // echoed: a duplicate member name, a kid, an alg, an issuer, a JSON type error.
    let evil = format!("\u{1b}[31m\u{202e}evil\n\r\t{}", "x".repeat(5000));
    let key = serde_json::to_string(&evil).unwrap(); // JSON-escaped, so the payload parses
    let dup = format!(r#"{{"sub":"a",{key}:1,{key}:2,"exp":{}}}"#, NOW + 60);
    let hdr = |h: &str| b64(h.as_bytes());
    let tokens = [
        format!("{}.{}.{}", hdr(r#"{"alg":"RS256"}"#), b64(dup.as_bytes()), b64(b"sig")),
        sign("RS256", json!({"kid": evil}), access_claims()),
        format!(
            "{}.{}.{}",
            hdr(&json!({"alg": evil}).to_string()),
            b64(access_claims().to_string().as_bytes()),
            b64(b"sig")
        ),
        sign("RS256", json!({}), with(access_claims(), json!({"iss": evil}))),
        sign("RS256", json!({}), with(access_claims(), json!({"aud": [evil]}))),
        sign("RS256", json!({}), with(access_claims(), json!({"azp": evil}))),
        sign("RS256", json!({"typ": evil}), access_claims()),
    ];
    let strict = opts().issuer(ISS).audience("api").azp("spa");
    for t in &tokens {
        let mut messages = vec![];
        if let Err(e) = verify(t, &jwks(), &strict, NOW) {
            messages.push(e.message().to_owned());
        }
        if let Err(e) = tokenward::decode(t) {
            messages.push(e.message().to_owned());
        }
        messages.extend(tokenward::explain(t, Some(&jwks()), &strict, NOW).checks.iter().map(|c| c.reason.clone()));
        for m in messages {
            assert!(
                m.chars().all(|c| !c.is_control() && !('\u{202a}'..='\u{202e}').contains(&c)),
                "unsanitized: {m:?}"
            );
            assert!(m.len() < 600, "unbounded ({} bytes): {}", m.len(), &m[..200]);
        }
    }
}

#[test]
fn a_roca_modulus_is_refused() {
    // Infineon's keys are p * q with p, q = k * M + 65537^a mod M (M the primorial of the
    // small primes): so n itself is congruent to a power of 65537 modulo every small prime.
    // Such an n, 2048 bits, odd, built here the same way; a real key of that form is refused
    // for the same reason.
    use rsa::BigUint;
    let primes: [u32; 38] = [
        3, 5, 7, 11, 13, 17, 19, 23, 29, 31, 37, 41, 43, 47, 53, 59, 61, 67, 71, 73, 79, 83, 89, 97, 101, 103, 107,
        109, 113, 127, 131, 137, 139, 149, 151, 157, 163, 167,
    ];
    let m = primes.iter().fold(BigUint::from(1u32), |acc, &p| acc * BigUint::from(p));
    let r = BigUint::from(65537u32).modpow(&BigUint::from(123_456_789u32), &m);
    // The smallest n = k * M + r above 2^2047, made odd by adding M (which keeps the residue).
    let k = (BigUint::from(1u32) << 2047usize) / &m + 1u32;
    let mut n = &k * &m + &r;
    if (&n % 2u32) == BigUint::from(0u32) {
        n += &m;
    }
    assert_eq!(n.bits(), 2048, "the test modulus must be 2048 bits");
    assert_eq!(&n % 2u32, BigUint::from(1u32));
    let roca = json!({"kty": "RSA", "kid": "roca", "n": b64(&n.to_bytes_be()), "e": "AQAB"});
    let set = KeySet::from_jwks(&json!({"keys": [roca, rsa_jwk(&keys().rsa, "good")]}).to_string()).unwrap();
    assert_eq!(set.keys().len(), 1);
    assert!(set.rejected()[0].reason.contains("ROCA"), "{}", set.rejected()[0].reason);
    // The same construction one off the residue is an ordinary modulus (no false positive).
    let near = json!({"kty": "RSA", "kid": "near", "n": b64(&(&n + 2u32).to_bytes_be()), "e": "AQAB"});
    let set = KeySet::from_jwks(&json!({"keys": [near]}).to_string());
    assert!(set.is_ok_and(|s| s.keys().len() == 1), "a modulus off the fingerprint is not refused as ROCA");
}
