//! Test keys (fixed seeds, generated once per test binary) and a signer that produces
//! any header / payload, including the malicious ones.
#![allow(dead_code)]

use std::sync::OnceLock;

use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine;
use rand::rngs::StdRng;
use rand::SeedableRng;
use serde_json::{json, Value};

pub fn b64(bytes: &[u8]) -> String {
    URL_SAFE_NO_PAD.encode(bytes)
}

pub struct Keys {
    pub rsa: rsa::RsaPrivateKey,
    pub rsa_1024: rsa::RsaPrivateKey,
    pub p256: p256::ecdsa::SigningKey,
    pub p384: p384::ecdsa::SigningKey,
    pub p521: p521::ecdsa::SigningKey,
    pub ed: ed25519_dalek::SigningKey,
    pub hmac: Vec<u8>,
}

pub fn keys() -> &'static Keys {
    static KEYS: OnceLock<Keys> = OnceLock::new();
    KEYS.get_or_init(|| {
        let mut rng = StdRng::seed_from_u64(7);
        Keys {
            rsa: rsa::RsaPrivateKey::new(&mut rng, 2048).unwrap(),
            rsa_1024: rsa::RsaPrivateKey::new(&mut rng, 1024).unwrap(),
            p256: p256::ecdsa::SigningKey::random(&mut rng),
            p384: p384::ecdsa::SigningKey::random(&mut rng),
            p521: p521::ecdsa::SigningKey::random(&mut rng),
            ed: ed25519_dalek::SigningKey::generate(&mut rng),
            hmac: (0u8..64).collect(),
        }
    })
}

pub fn rsa_jwk(key: &rsa::RsaPrivateKey, kid: &str) -> Value {
    use rsa::traits::PublicKeyParts;
    json!({"kty":"RSA","kid":kid,"use":"sig","n": b64(&key.n().to_bytes_be()),"e": b64(&key.e().to_bytes_be())})
}

fn ec_jwk(point: &[u8], crv: &str, kid: &str) -> Value {
    let len = (point.len() - 1) / 2;
    json!({"kty":"EC","crv":crv,"kid":kid,"x": b64(&point[1..1 + len]),"y": b64(&point[1 + len..])})
}

pub fn p256_jwk(kid: &str) -> Value {
    ec_jwk(keys().p256.verifying_key().to_encoded_point(false).as_bytes(), "P-256", kid)
}

/// The JWKS the tests verify against: one key per asymmetric family.
pub fn jwks_value() -> Value {
    let k = keys();
    json!({"keys": [
        rsa_jwk(&k.rsa, "rsa"),
        p256_jwk("p256"),
        ec_jwk(k.p384.verifying_key().to_encoded_point(false).as_bytes(), "P-384", "p384"),
        ec_jwk(p521::ecdsa::VerifyingKey::from(&k.p521).to_encoded_point(false).as_bytes(), "P-521", "p521"),
        {"kty":"OKP","crv":"Ed25519","kid":"ed","x": b64(k.ed.verifying_key().as_bytes())},
    ]})
}

pub fn jwks() -> tokenward::KeySet {
    tokenward::KeySet::from_jwks(&jwks_value().to_string()).unwrap()
}

pub fn hmac_keys(alg: tokenward::Algorithm) -> tokenward::KeySet {
    tokenward::KeySet::from_secret(&keys().hmac, alg, Some("hs")).unwrap()
}

pub fn kid_for(alg: &str) -> &'static str {
    match alg {
        a if a.starts_with("RS") || a.starts_with("PS") => "rsa",
        "ES256" => "p256",
        "ES384" => "p384",
        "ES512" => "p521",
        "EdDSA" => "ed",
        _ => "hs",
    }
}

/// Sign `header.payload` (already base64url) with the test key for `alg`.
pub fn signature(alg: &str, input: &[u8]) -> Vec<u8> {
    use rsa::signature::{RandomizedSigner, SignatureEncoding, Signer};
    use sha2::{Sha256, Sha384, Sha512};
    let k = keys();
    let mut rng = StdRng::seed_from_u64(1);
    match alg {
        "RS256" => rsa::pkcs1v15::SigningKey::<Sha256>::new(k.rsa.clone()).sign(input).to_vec(),
        "RS384" => rsa::pkcs1v15::SigningKey::<Sha384>::new(k.rsa.clone()).sign(input).to_vec(),
        "RS512" => rsa::pkcs1v15::SigningKey::<Sha512>::new(k.rsa.clone()).sign(input).to_vec(),
        "PS256" => rsa::pss::BlindedSigningKey::<Sha256>::new(k.rsa.clone()).sign_with_rng(&mut rng, input).to_vec(),
        "PS384" => rsa::pss::BlindedSigningKey::<Sha384>::new(k.rsa.clone()).sign_with_rng(&mut rng, input).to_vec(),
        "PS512" => rsa::pss::BlindedSigningKey::<Sha512>::new(k.rsa.clone()).sign_with_rng(&mut rng, input).to_vec(),
        "ES256" => {
            let s: p256::ecdsa::Signature = k.p256.sign(input);
            s.to_bytes().to_vec()
        }
        "ES384" => {
            let s: p384::ecdsa::Signature = k.p384.sign(input);
            s.to_bytes().to_vec()
        }
        "ES512" => {
            let s: p521::ecdsa::Signature = k.p521.sign(input);
            s.to_bytes().to_vec()
        }
        "EdDSA" => ed25519_dalek::Signer::sign(&k.ed, input).to_bytes().to_vec(),
        "HS256" => hmac_tag::<hmac::Hmac<Sha256>>(&k.hmac, input),
        "HS384" => hmac_tag::<hmac::Hmac<Sha384>>(&k.hmac, input),
        "HS512" => hmac_tag::<hmac::Hmac<Sha512>>(&k.hmac, input),
        other => panic!("no test signer for {other}"),
    }
}

pub fn hmac_tag<M: hmac::Mac + hmac::digest::KeyInit>(key: &[u8], input: &[u8]) -> Vec<u8> {
    let mut m = <M as hmac::Mac>::new_from_slice(key).unwrap();
    m.update(input);
    m.finalize().into_bytes().to_vec()
}

/// A token with exactly this header and payload JSON text, signed with `alg`'s test key.
pub fn sign_text(alg: &str, header: &str, payload: &str) -> String {
    let input = format!("{}.{}", b64(header.as_bytes()), b64(payload.as_bytes()));
    let sig = signature(alg, input.as_bytes());
    format!("{input}.{}", b64(&sig))
}

/// A token for `alg` with the test kid merged into `header` and `claims` as payload.
pub fn sign(alg: &str, header: Value, claims: Value) -> String {
    let mut h = json!({"alg": alg, "kid": kid_for(alg)});
    if let (Some(h), Some(extra)) = (h.as_object_mut(), header.as_object()) {
        for (k, v) in extra {
            h.insert(k.clone(), v.clone());
        }
    }
    sign_text(alg, &h.to_string(), &claims.to_string())
}

pub const NOW: i64 = 1_800_000_000;
pub const ISS: &str = "http://localhost:8080/realms/demo";

/// A Keycloak-shaped access token payload valid at `NOW`.
pub fn access_claims() -> Value {
    json!({
        "exp": NOW + 300, "iat": NOW - 10, "jti": "j1", "iss": ISS, "aud": "account", "sub": "u1",
        "typ": "Bearer", "azp": "spa", "sid": "s1", "scope": "openid profile email",
        "realm_access": {"roles": ["user"]}, "resource_access": {"spa": {"roles": ["viewer"]}},
        "preferred_username": "alice"
    })
}

pub fn with(mut claims: Value, patch: Value) -> Value {
    for (k, v) in patch.as_object().unwrap() {
        if v.is_null() {
            claims.as_object_mut().unwrap().remove(k);
        } else {
            claims[k] = v.clone();
        }
    }
    claims
}

pub fn code(r: Result<tokenward::Token, tokenward::Error>) -> &'static str {
    match r {
        Ok(_) => "ok",
        Err(e) => e.code(),
    }
}
