//! One JWK (RFC 7517 / 7518 6) checked member by member into key material. Everything
//! here is shape and policy; the curve-point and crypto checks happen in `crypto::prepare`.

use crate::prelude::*;

use serde_json::{Map, Value};

use crate::jose::algorithm::{Algorithm, KeyFamily};
use crate::jose::b64;
use crate::jose::error::sanitize;
use crate::jose::limits::{MAX_RSA_BITS, MAX_RSA_EXPONENT_BYTES, MIN_RSA_BITS};

/// Public key (or, for HMAC, secret) bytes, validated for shape and size.
#[derive(Clone)]
#[cfg_attr(not(feature = "signature"), allow(dead_code))]
pub(crate) enum KeyMaterial {
    /// Big-endian modulus and exponent, leading zero bytes removed.
    Rsa {
        n: Vec<u8>,
        e: Vec<u8>,
    },
    /// Uncompressed SEC1 point `04 || x || y`.
    Ec {
        family: KeyFamily,
        point: Vec<u8>,
    },
    Ed25519 {
        x: [u8; 32],
    },
    Hmac {
        secret: zeroize::Zeroizing<Vec<u8>>,
    },
}

impl KeyMaterial {
    /// An RSA public key within policy: 2048 to 8192 bits, odd modulus, small odd exponent.
    pub fn rsa(n: Vec<u8>, e: Vec<u8>) -> Result<Self, String> {
        let (n, e) = (strip_zeros(n), strip_zeros(e));
        let bits = bit_len(&n);
        if bits < MIN_RSA_BITS {
            return Err(format!("RSA modulus is {bits} bits, less than the {MIN_RSA_BITS} required"));
        }
        if bits > MAX_RSA_BITS {
            return Err(format!("RSA modulus is {bits} bits, more than the {MAX_RSA_BITS} accepted"));
        }
        if n.last().is_some_and(|b| b & 1 == 0) {
            return Err("RSA modulus is even".into());
        }
        let e_ok = !e.is_empty()
            && e.len() <= MAX_RSA_EXPONENT_BYTES
            && e.last().is_some_and(|b| b & 1 == 1)
            && !(e.len() == 1 && e[0] < 3);
        if !e_ok {
            return Err("RSA exponent must be odd, at least 3 and at most 32 bits".into());
        }
        if crate::jose::roca::fingerprint(&n) {
            return Err("RSA modulus has the ROCA fingerprint (CVE-2017-15361): its private key is recoverable".into());
        }
        Ok(Self::Rsa { n, e })
    }

    /// An HMAC secret for `alg`: at least as long as the hash output (RFC 7518 3.2).
    pub fn hmac(secret: &[u8], alg: Algorithm) -> Result<Self, String> {
        if alg.family() != KeyFamily::Hmac {
            return Err(format!("{alg} is not an HMAC algorithm"));
        }
        let min = alg.hash().len();
        if secret.len() < min {
            return Err(format!("{alg} needs a secret of at least {min} bytes, got {}", secret.len()));
        }
        Ok(Self::Hmac { secret: zeroize::Zeroizing::new(secret.to_vec()) })
    }

    pub fn family(&self) -> KeyFamily {
        match self {
            Self::Rsa { .. } => KeyFamily::Rsa,
            Self::Ec { family, .. } => *family,
            Self::Ed25519 { .. } => KeyFamily::Ed25519,
            Self::Hmac { .. } => KeyFamily::Hmac,
        }
    }

    /// Key size in bits (modulus, curve order or secret length).
    pub fn bits(&self) -> usize {
        match self {
            Self::Rsa { n, .. } => bit_len(n),
            Self::Ec { family: KeyFamily::EcP256, .. } => 256,
            Self::Ec { family: KeyFamily::EcP384, .. } => 384,
            Self::Ec { .. } => 521,
            Self::Ed25519 { .. } => 256,
            Self::Hmac { secret } => secret.len() * 8,
        }
    }
}

/// The public description of a parsed JWK.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct JwkInfo {
    pub kid: Option<String>,
    pub kty: String,
    pub crv: Option<String>,
    pub alg: Option<Algorithm>,
    pub key_use: Option<String>,
    pub bits: usize,
}

pub(crate) struct ParsedJwk {
    pub info: JwkInfo,
    pub material: KeyMaterial,
}

const PRIVATE_MEMBERS: [&str; 7] = ["d", "p", "q", "dp", "dq", "qi", "oth"];

/// Parse a JWK from a JWKS. Symmetric (`oct`) keys are refused here: an HMAC secret
/// published in a key set is no secret, and accepting one invites RS/HS confusion.
pub(crate) fn parse(value: &Value) -> Result<ParsedJwk, String> {
    let jwk = value.as_object().ok_or("not a JSON object")?;
    let kty = str_member(jwk, "kty")?.ok_or("no kty")?;
    let kid = str_member(jwk, "kid")?.map(str::to_owned);
    let key_use = str_member(jwk, "use")?.map(str::to_owned);
    match key_use.as_deref() {
        None | Some("sig") => {}
        Some("enc") => return Err("use is \"enc\": an encryption key never verifies signatures".into()),
        Some(other) => return Err(format!("use \"{}\" is not \"sig\"", sanitize(other, 16))),
    }
    if let Some(ops) = jwk.get("key_ops") {
        // RFC 7517 4.3: an array of unique strings.
        let ops = ops.as_array().ok_or("key_ops is not an array")?;
        let names: Vec<&str> = ops
            .iter()
            .map(|o| o.as_str().ok_or("key_ops holds a value that is not a string"))
            .collect::<Result<_, _>>()?;
        if names.iter().enumerate().any(|(i, n)| names[..i].contains(n)) {
            return Err("key_ops names an operation twice".into());
        }
        if !names.contains(&"verify") {
            return Err("key_ops does not include \"verify\"".into());
        }
    }
    let alg = match str_member(jwk, "alg")? {
        None => None,
        Some(a) => Some(a.parse::<Algorithm>().map_err(|e| e.message().to_string())?),
    };
    if let Some(m) = PRIVATE_MEMBERS.into_iter().find(|m| jwk.contains_key(*m)) {
        return Err(format!("holds private key material (\"{m}\"): a key set must be public"));
    }

    let (material, crv) = match kty {
        "RSA" => (rsa(jwk)?, None),
        "EC" => {
            let crv = str_member(jwk, "crv")?.ok_or("EC key has no crv")?;
            (ec(jwk, crv)?, Some(crv.to_owned()))
        }
        "OKP" => {
            let crv = str_member(jwk, "crv")?.ok_or("OKP key has no crv")?;
            (okp(jwk, crv)?, Some(crv.to_owned()))
        }
        "oct" => return Err("symmetric (oct) keys are never taken from a JWKS; use KeySet::from_secret".into()),
        other => return Err(format!("kty \"{}\" is not supported", sanitize(other, 16))),
    };
    if let Some(alg) = alg {
        if alg.family() != material.family() {
            return Err(format!("alg {alg} does not fit a {} key", describe_family(material.family())));
        }
    }
    let bits = material.bits();
    Ok(ParsedJwk { info: JwkInfo { kid, kty: kty.to_owned(), crv, alg, key_use, bits }, material })
}

pub(crate) fn describe_family(f: KeyFamily) -> &'static str {
    match f {
        KeyFamily::Hmac => "HMAC secret",
        KeyFamily::Rsa => "RSA",
        KeyFamily::EcP256 => "EC P-256",
        KeyFamily::EcP384 => "EC P-384",
        KeyFamily::EcP521 => "EC P-521",
        KeyFamily::Ed25519 => "Ed25519",
    }
}

fn rsa(jwk: &Map<String, Value>) -> Result<KeyMaterial, String> {
    KeyMaterial::rsa(b64_member(jwk, "n")?, b64_member(jwk, "e")?)
}

fn ec(jwk: &Map<String, Value>, crv: &str) -> Result<KeyMaterial, String> {
    let (family, len) = match crv {
        "P-256" => (KeyFamily::EcP256, 32),
        "P-384" => (KeyFamily::EcP384, 48),
        "P-521" => (KeyFamily::EcP521, 66),
        other => return Err(format!("EC curve \"{}\" is not supported", sanitize(other, 16))),
    };
    let x = b64_member(jwk, "x")?;
    let y = b64_member(jwk, "y")?;
    // RFC 7518 6.2.1.2: coordinates are the full field size, no more, no less.
    if x.len() != len || y.len() != len {
        return Err(format!("{crv} coordinates must be {len} bytes each"));
    }
    let mut point = Vec::with_capacity(1 + 2 * len);
    point.push(0x04);
    point.extend_from_slice(&x);
    point.extend_from_slice(&y);
    // In every build, not only where the ECDSA verifier would notice (see points.rs).
    if !crate::jose::points::ec_on_curve(family, &point) {
        return Err("EC public key is not a valid point on its curve".into());
    }
    Ok(KeyMaterial::Ec { family, point })
}

fn okp(jwk: &Map<String, Value>, crv: &str) -> Result<KeyMaterial, String> {
    if crv != "Ed25519" {
        return Err(format!("OKP curve \"{}\" is not supported (only Ed25519)", sanitize(crv, 16)));
    }
    let x: [u8; 32] =
        b64_member(jwk, "x")?.try_into().map_err(|_| "Ed25519 public key must be 32 bytes".to_string())?;
    if crate::jose::points::ed25519_small_order(&x) {
        return Err("Ed25519 public key has small order".into());
    }
    Ok(KeyMaterial::Ed25519 { x })
}

fn str_member<'a>(jwk: &'a Map<String, Value>, name: &str) -> Result<Option<&'a str>, String> {
    match jwk.get(name) {
        None => Ok(None),
        Some(Value::String(s)) => Ok(Some(s)),
        Some(_) => Err(format!("{name} is not a string")),
    }
}

fn b64_member(jwk: &Map<String, Value>, name: &str) -> Result<Vec<u8>, String> {
    let text = str_member(jwk, name)?.ok_or_else(|| format!("no {name}"))?;
    b64::decode(name, text).map_err(|_| format!("{name} is not strict base64url"))
}

fn strip_zeros(mut v: Vec<u8>) -> Vec<u8> {
    let lead = v.iter().take_while(|&&b| b == 0).count();
    v.drain(..lead);
    v
}

fn bit_len(be: &[u8]) -> usize {
    match be.iter().position(|&b| b != 0) {
        None => 0,
        Some(i) => (be.len() - i) * 8 - be[i].leading_zeros() as usize,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn refuses_unsafe_and_unusable_keys() {
        let small_n = b64::encode(&[0xC5; 128]); // 1024-bit odd modulus
        let cases = [
            (json!({"kty":"RSA","n": small_n,"e":"AQAB"}), "1024 bits"),
            (json!({"kty":"oct","k":"c2VjcmV0"}), "oct"),
            (json!({"kty":"RSA","use":"enc","n":"AQAB","e":"AQAB"}), "enc"),
            (json!({"kty":"EC","crv":"P-256","x":"AQAB","y":"AQAB"}), "32 bytes"),
            (json!({"kty":"EC","crv":"secp256k1","x":"AQAB","y":"AQAB"}), "not supported"),
            (json!({"kty":"OKP","crv":"Ed448","x":"AQAB"}), "only Ed25519"),
            (json!({"kty":"OKP","crv":"Ed25519","x":"AQAB"}), "32 bytes"),
            (json!({"kty":"OKP","crv":"Ed25519","x": b64::encode(&[1; 32]), "alg":"ES256"}), "does not fit"),
            (json!({"kty":"OKP","crv":"Ed25519","x": b64::encode(&[1; 32]), "d": "AA"}), "private"),
            (json!({"kty":"OKP","crv":"Ed25519","x": b64::encode(&[1; 32]), "key_ops": ["encrypt"]}), "key_ops"),
            (json!({"kty":"OKP","crv":"Ed25519","x": b64::encode(&[1; 32]), "alg": "none"}), "never accepted"),
            (json!({"kty":"XYZ"}), "kty"),
            (json!("string"), "object"),
            // Refused in every build, the ones without the ECDSA and EdDSA verifiers too.
            (
                json!({"kty":"EC","crv":"P-256","x": b64::encode(&[1; 32]),"y": b64::encode(&[2; 32])}),
                "point on its curve",
            ),
            (
                json!({"kty":"OKP","crv":"Ed25519","x": b64::encode(&{ let mut id = [0u8; 32]; id[0] = 1; id })}),
                "small order",
            ),
        ];
        for (jwk, reason) in cases {
            let err = parse(&jwk).err().unwrap_or_else(|| panic!("accepted {jwk}"));
            assert!(err.contains(reason), "{jwk}: {err}");
        }
    }

    #[test]
    fn rsa_modulus_leading_zero_is_tolerated_and_bits_counted() {
        let mut n = vec![0u8];
        n.extend_from_slice(&[0xFF; 256]);
        let jwk = json!({"kty":"RSA","n": b64::encode(&n),"e":"AQAB","kid":"k"});
        let parsed = parse(&jwk).unwrap();
        assert_eq!(parsed.info.bits, 2048);
        assert_eq!(parsed.info.kid.as_deref(), Some("k"));
    }
}
