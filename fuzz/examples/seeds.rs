//! Writes the committed seed corpus, fuzz/seeds/<target>/: tokens signed with the private
//! halves of the fixed keys, key sets, and a few near-valid variants of each. A one-off, kept
//! to regenerate them: `cd fuzz && cargo +nightly run --release --example seeds` (release: RSA
//! key generation unoptimised takes a minute). The keys come from fixed seeds, so a run
//! writes the same keys again; it stops if they no longer match src/lib.rs's public JWKS.
//! These private keys protect nothing.

use std::fs;
use std::path::Path;

use rand::rngs::StdRng;
use rand::SeedableRng;
use rsa::traits::PublicKeyParts;
use serde_json::{json, Value};
use sha2::{Digest, Sha256};
use tokenward_fuzz::{b64, hs256, hs256_token, Block, ISS, JWKS, LONE_JWK, NOW};

struct Keys {
    rsa: rsa::RsaPrivateKey,
    p256: p256::ecdsa::SigningKey,
    ed: ed25519_dalek::SigningKey,
}

fn keys() -> Keys {
    let seed = |name: &str| -> [u8; 32] { Sha256::digest(name.as_bytes()).into() };
    Keys {
        rsa: rsa::RsaPrivateKey::new(&mut StdRng::seed_from_u64(2026), 2048).unwrap(),
        p256: p256::ecdsa::SigningKey::from_bytes(&seed("tokenward fuzz p256").into()).unwrap(),
        ed: ed25519_dalek::SigningKey::from_bytes(&seed("tokenward fuzz ed25519")),
    }
}

fn public_jwks(k: &Keys) -> (Value, Value) {
    let point = k.p256.verifying_key().to_encoded_point(false);
    let ed = json!({"kty": "OKP", "crv": "Ed25519", "x": b64(k.ed.verifying_key().as_bytes())});
    let mut ed_kid = ed.clone();
    ed_kid["kid"] = json!("ed");
    let jwks = json!({"keys": [
        {"kty": "RSA", "kid": "rsa", "use": "sig", "n": b64(&k.rsa.n().to_bytes_be()), "e": b64(&k.rsa.e().to_bytes_be())},
        {"kty": "EC", "crv": "P-256", "kid": "p256", "x": b64(point.x().unwrap()), "y": b64(point.y().unwrap())},
        ed_kid,
    ]});
    (jwks, ed)
}

fn sign(k: &Keys, alg: &str, header: Value, claims: &Value) -> String {
    use rsa::signature::{RandomizedSigner, SignatureEncoding, Signer};
    let mut h = json!({"alg": alg});
    let kid = match alg {
        "RS256" | "PS256" => Some("rsa"),
        "ES256" => Some("p256"),
        "EdDSA" => Some("ed"),
        _ => None,
    };
    if let Some(kid) = kid {
        h["kid"] = json!(kid);
    }
    for (name, v) in header.as_object().unwrap() {
        if v.is_null() {
            h.as_object_mut().unwrap().remove(name);
        } else {
            h[name] = v.clone();
        }
    }
    let input = format!("{}.{}", b64(h.to_string().as_bytes()), b64(claims.to_string().as_bytes()));
    let msg = input.as_bytes();
    let sig = match alg {
        "RS256" => rsa::pkcs1v15::SigningKey::<Sha256>::new(k.rsa.clone()).sign(msg).to_vec(),
        "PS256" => rsa::pss::BlindedSigningKey::<Sha256>::new(k.rsa.clone())
            .sign_with_rng(&mut StdRng::seed_from_u64(1), msg)
            .to_vec(),
        "ES256" => {
            let s: p256::ecdsa::Signature = k.p256.sign(msg);
            s.to_bytes().to_vec()
        }
        "EdDSA" => ed25519_dalek::Signer::sign(&k.ed, msg).to_bytes().to_vec(),
        "HS256" => hs256(msg),
        _ => b"not a signature".to_vec(),
    };
    format!("{input}.{}", b64(&sig))
}

fn access_claims() -> Value {
    json!({
        "exp": NOW + 300, "iat": NOW - 10, "jti": "j1", "iss": ISS, "aud": "account", "sub": "u1",
        "typ": "Bearer", "azp": "spa", "sid": "s1", "scope": "openid profile email",
        "realm_access": {"roles": ["user"]}, "resource_access": {"spa": {"roles": ["viewer"]}}
    })
}

fn with(patch: Value) -> Value {
    let mut c = access_claims();
    for (name, v) in patch.as_object().unwrap() {
        if v.is_null() {
            c.as_object_mut().unwrap().remove(name);
        } else {
            c[name] = v.clone();
        }
    }
    c
}

/// What verify says of a verify_explain seed (printed, to see each seed tests what it says).
fn outcome(seed: &[u8]) -> &'static str {
    let (a, _, body) = tokenward_fuzz::split_input(seed).unwrap();
    let keys = &tokenward_fuzz::sets()[a.set()];
    match tokenward::verify(&tokenward_fuzz::token_of(&a, body), keys, &a.options(), a.now()) {
        Ok(_) => "ok",
        Err(e) => e.code(),
    }
}

fn write(dir: &Path, name: &str, bytes: &[u8]) {
    fs::create_dir_all(dir).unwrap();
    fs::write(dir.join(name), bytes).unwrap();
}

/// Block `a` with the default options for set `set`, block `b` as given.
fn input(a: Block, b: Block, body: &[u8]) -> Vec<u8> {
    [&a.encode()[..], &b.encode()[..], body].concat()
}

fn main() {
    let k = keys();
    let (jwks, lone) = public_jwks(&k);
    let parse = |s: &str| serde_json::from_str::<Value>(s).ok();
    assert_eq!(parse(JWKS), Some(jwks.clone()), "the derived keys differ from src/lib.rs's JWKS: paste\n{jwks}");
    assert_eq!(
        parse(LONE_JWK),
        Some(lone.clone()),
        "the derived Ed25519 key differs from src/lib.rs's LONE_JWK: paste\n{lone}"
    );
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("seeds");

    // Tokens: one per algorithm, then one near-valid variant of each kind of failure.
    let tokens = [
        ("rs256", sign(&k, "RS256", json!({"typ": "JWT"}), &access_claims())),
        ("ps256", sign(&k, "PS256", json!({}), &access_claims())),
        ("es256", sign(&k, "ES256", json!({}), &access_claims())),
        ("eddsa", sign(&k, "EdDSA", json!({}), &access_claims())),
        ("hs256", sign(&k, "HS256", json!({"kid": "hs"}), &access_claims())),
        ("at_jwt", sign(&k, "ES256", json!({"typ": "at+jwt"}), &with(json!({"typ": null})))),
        ("id_token", sign(&k, "RS256", json!({}), &with(json!({"typ": "ID", "aud": "spa", "nonce": "n1"})))),
        ("refresh", sign(&k, "HS256", json!({}), &with(json!({"typ": "Refresh", "aud": ISS})))),
        ("expired", sign(&k, "EdDSA", json!({}), &with(json!({"exp": NOW - 100, "nbf": NOW - 200})))),
        ("future", sign(&k, "ES256", json!({}), &with(json!({"iat": NOW + 100, "nbf": NOW as f64 + 50.5})))),
        ("unknown_kid", sign(&k, "RS256", json!({"kid": "gone"}), &access_claims())),
        ("no_kid", sign(&k, "EdDSA", json!({"kid": null}), &access_claims())),
        ("crit", sign(&k, "ES256", json!({"crit": ["b64"], "b64": false}), &access_claims())),
        ("alg_none", sign(&k, "none", json!({}), &access_claims())),
        ("aud_list", sign(&k, "PS256", json!({"jku": "http://x"}), &with(json!({"aud": ["api", "account"]})))),
    ];
    for (name, t) in &tokens {
        write(&root.join("decode"), &format!("{name}.jwt"), t.as_bytes());
    }
    let shapes: [(&str, &[u8]); 4] = [
        ("jwe.txt", b"eyJhbGciOiJSU0EtT0FFUCJ9.a.b.c.d"),
        ("json_serialization.txt", br#"{"payload":"e30","signatures":[]}"#),
        ("two_segments.txt", b"eyJhbGciOiJIUzI1NiJ9.e30"),
        ("parts.bin", b"{\"alg\":\"HS256\",\"typ\":\"JWT\"}\0{\"exp\":1800000300,\"aud\":[\"a\"],\"iat\":1.5}\0sig"),
    ];
    for (name, bytes) in shapes {
        write(&root.join("decode"), name, bytes);
    }

    // Key sets: the fixed ones, and one whose keys are each refused for a different reason.
    let mut refused = jwks.clone();
    let list = refused["keys"].as_array_mut().unwrap();
    let mut rsa_small = list[0].clone();
    rsa_small["kid"] = json!("small");
    rsa_small["n"] = json!(b64(&k.rsa.n().to_bytes_be()[..128]));
    let mut off_curve = list[1].clone();
    off_curve["kid"] = json!("off-curve");
    off_curve["y"] = off_curve["x"].clone();
    let mut wrong_alg = list[2].clone();
    wrong_alg["alg"] = json!("ES256");
    let mut private = list[1].clone();
    private["kid"] = json!("private");
    private["d"] = json!(b64(&k.p256.to_bytes()));
    list.extend([
        rsa_small,
        off_curve,
        wrong_alg,
        private,
        json!({"kty": "oct", "kid": "hs", "k": b64(tokenward_fuzz::HS_SECRET)}),
        json!({"kty": "RSA", "kid": "enc", "use": "enc", "n": "AQAB", "e": "AQAB"}),
        json!({"kty": "EC", "kid": "ops", "crv": "P-256", "key_ops": ["sign", "sign"]}),
        json!({"kty": "OKP", "crv": "X25519", "x": "AA"}),
        json!("not an object"),
    ]);
    let mut ed_alg = lone.clone();
    ed_alg["alg"] = json!("EdDSA");
    for (name, doc) in [("jwks.json", jwks.clone()), ("lone.json", lone.clone()), ("refused.json", refused)] {
        write(&root.join("keyset"), name, doc.to_string().as_bytes());
    }
    write(&root.join("keyset"), "lone_alg.json", ed_alg.to_string().as_bytes());
    write(&root.join("keyset"), "empty.json", br#"{"keys":[]}"#);

    // verify_explain: the tokens with options under which they pass, then near misses.
    let plain = |set: u8| Block { flags: set, tolerance: 15, ..Block::default() };
    // issuer ISS, audience account, azp spa, max_age 600, required sub, algorithms RS256+ES256+EdDSA.
    let strict = Block {
        flags: 0b1111_1100,
        algorithms: (1 << 3) | (1 << 9) | (1 << 12),
        choices: 0,
        mode: 1,
        tolerance: 15,
        max_age: 600,
        offset: 0,
    };
    let other_issuer = Block { flags: 0b100, choices: 1, tolerance: 15, ..Block::default() };
    let later = Block { offset: 400, ..plain(0) };
    let token = |name: &str| tokens.iter().find(|(n, _)| *n == name).unwrap().1.as_bytes();
    let dir = root.join("verify_explain");
    for (name, a, b, body) in [
        ("rs256_strict", strict, other_issuer, token("rs256")),
        ("ps256", plain(0), later, token("ps256")),
        ("es256_strict", strict, plain(0), token("es256")),
        ("eddsa", plain(0), strict, token("eddsa")),
        ("hs256_kid", plain(2), other_issuer, token("hs256")),
        ("hs256_any_kid", plain(1), later, token("hs256")),
        ("lone_no_kid", plain(3), plain(3), token("no_kid")),
        ("at_jwt_access", Block { mode: 1, ..plain(0) }, strict, token("at_jwt")),
        ("id_token", Block { mode: 2, ..plain(0) }, plain(0), token("id_token")),
        ("refresh_refused", plain(1), Block { mode: 3, ..plain(1) }, token("refresh")),
        ("expired", plain(0), later, token("expired")),
        ("future", plain(0), plain(0), token("future")),
        ("unknown_kid", plain(0), plain(0), token("unknown_kid")),
        ("crit", plain(0), plain(0), token("crit")),
        ("alg_none", plain(0), plain(0), token("alg_none")),
        ("alg_not_allowed", Block { flags: 0b100_0000, algorithms: 1, ..plain(0) }, plain(0), token("es256")),
        ("bad_tolerance", Block { tolerance: 0xf001, ..plain(0) }, plain(0), token("eddsa")),
        ("bad_now", Block { mode: 0xe0, offset: -1, ..plain(0) }, plain(0), token("rs256")),
        ("empty_issuer", Block { flags: 0b100, choices: 2, ..plain(0) }, plain(0), token("ps256")),
    ] {
        let seed = input(a, b, body);
        println!("verify_explain/{name}.bin: {}", outcome(&seed));
        write(&dir, &format!("{name}.bin"), &seed);
    }
    // JSON parts, signed with the HS256 secret inside the target: the claims in clear.
    let parts =
        |header: Value, claims: Value| [header.to_string().as_bytes(), b"\0", claims.to_string().as_bytes()].concat();
    let json_mode = |set: u8| Block { mode: 0x08, ..plain(set) };
    let strict_json = Block { flags: strict.flags | 2, mode: 0x09, algorithms: 1, ..strict };
    for (name, a, b, body) in [
        ("parts_access", json_mode(1), strict, parts(json!({"alg": "HS256"}), access_claims())),
        ("parts_strict", strict_json, later, parts(json!({"alg": "HS256", "kid": "hs"}), access_claims())),
        ("parts_kid", json_mode(2), plain(2), parts(json!({"alg": "HS256", "kid": "hs"}), with(json!({"exp": 1.8e9})))),
        (
            "parts_refresh",
            json_mode(1),
            plain(1),
            parts(json!({"alg": "HS256", "typ": "JWT"}), with(json!({"typ": "Refresh"}))),
        ),
        ("parts_no_exp", json_mode(1), plain(1), parts(json!({"alg": "HS256"}), with(json!({"exp": null})))),
    ] {
        let seed = input(a, b, &body);
        println!("verify_explain/{name}.bin: {}", outcome(&seed));
        write(&dir, &format!("{name}.bin"), &seed);
    }
    // The same token the json_parts mode makes, for the decode target.
    write(
        &root.join("decode"),
        "hs256_parts.jwt",
        hs256_token(br#"{"alg":"HS256"}"#, access_claims().to_string().as_bytes()).as_bytes(),
    );
    println!("wrote {}", root.display());
}
