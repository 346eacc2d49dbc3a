//! A set of verification keys, parsed and checked once. Keys come from a JWKS (public keys
//! only) or from an explicit HMAC secret; never from the token.

use crate::prelude::*;

use serde_json::Value;

use crate::jose::algorithm::{Algorithm, KeyFamily};
use crate::jose::error::sanitize;
use crate::jose::error::{Error, ErrorKind, Result};
use crate::jose::json;
use crate::jose::jwk::{self, describe_family, JwkInfo, KeyMaterial};
use crate::jose::limits::{MAX_JWKS_BYTES, MAX_KEYS};

/// One usable key.
pub struct Key {
    info: JwkInfo,
    family: KeyFamily,
    /// The validated public material, for handing the key to another verifier (WebCrypto).
    material: KeyMaterial,
    /// A key given on its own (a secret, or a bare JWK) without a `kid` answers to any
    /// token `kid`, as a single key does in jose; keys from a JWKS match by `kid` only.
    any_kid: bool,
    #[cfg(feature = "signature")]
    prepared: crate::jose::crypto::PreparedKey,
}

impl Key {
    fn new(info: JwkInfo, material: &KeyMaterial) -> Result<Self, String> {
        Ok(Self {
            family: material.family(),
            material: material.clone(),
            any_kid: false,
            #[cfg(feature = "signature")]
            prepared: crate::jose::crypto::prepare(material)?,
            info,
        })
    }

    pub fn info(&self) -> &JwkInfo {
        &self.info
    }
    pub fn kid(&self) -> Option<&str> {
        self.info.kid.as_deref()
    }

    fn answers_to(&self, kid: &str) -> bool {
        self.kid() == Some(kid) || self.any_kid
    }
    pub fn family(&self) -> KeyFamily {
        self.family
    }

    /// The key's public members as a JWK (kty with n, e / crv, x, y), rebuilt from the
    /// validated material, for importing it into another verifier (WebCrypto). `None` for
    /// an HMAC secret, which never leaves the key set.
    pub fn public_jwk(&self) -> Option<Vec<(&'static str, String)>> {
        use crate::jose::b64::encode;
        Some(match &self.material {
            KeyMaterial::Rsa { n, e } => vec![("kty", "RSA".into()), ("n", encode(n)), ("e", encode(e))],
            KeyMaterial::Ec { family, point } => {
                let len = (point.len() - 1) / 2;
                let crv = match family {
                    KeyFamily::EcP256 => "P-256",
                    KeyFamily::EcP384 => "P-384",
                    _ => "P-521",
                };
                vec![
                    ("kty", "EC".into()),
                    ("crv", crv.into()),
                    ("x", encode(&point[1..1 + len])),
                    ("y", encode(&point[1 + len..])),
                ]
            }
            KeyMaterial::Ed25519 { x } => vec![("kty", "OKP".into()), ("crv", "Ed25519".into()), ("x", encode(x))],
            KeyMaterial::Hmac { .. } => return None,
        })
    }

    /// The only length an `alg` signature by this key can have, in bytes: for RSA the modulus
    /// length (RFC 8017 8.1.2 and 8.2.2, step 1), for ECDSA r || s at the curve's size (RFC 7518
    /// 3.4), 64 for Ed25519 (RFC 8032 5.1.7). `None` for HMAC (checked where it is computed).
    /// Enforced before any verifier outside the core is asked: they need not refuse another
    /// length (Node's RSA-PSS takes one byte short, as if a leading zero had been dropped).
    pub fn signature_len(&self) -> Option<usize> {
        match &self.material {
            KeyMaterial::Rsa { .. } => Some(self.info.bits.div_ceil(8)),
            KeyMaterial::Ec { point, .. } => Some(point.len() - 1),
            KeyMaterial::Ed25519 { .. } => Some(64),
            KeyMaterial::Hmac { .. } => None,
        }
    }

    /// Whether `signature` has the shape only a genuine signature by this key can have: its
    /// length (`signature_len`) and, for Ed25519, S < L and R not of small order. Checked by
    /// the core before any verifier, so that none (WebCrypto, node:crypto) answers otherwise.
    pub(crate) fn could_have_signed(&self, signature: &[u8]) -> bool {
        let length_ok = self.signature_len().is_none_or(|len| len == signature.len());
        let strict = !matches!(self.material, KeyMaterial::Ed25519 { .. })
            || crate::jose::points::ed25519_strict_signature(signature);
        length_ok && strict
    }

    /// Whether this key may verify `alg`: the family must match, and a key that names its
    /// `alg` is used for that algorithm only.
    pub fn allows(&self, alg: Algorithm) -> bool {
        alg.family() == self.family && self.info.alg.is_none_or(|a| a == alg)
    }

    pub(crate) fn describe(&self) -> String {
        let kid = self.kid().map(|k| format!("kid \"{}\"", sanitize(k, 40))).unwrap_or("no kid".into());
        let alg = self.info.alg.map(|a| format!(", alg {a}")).unwrap_or_default();
        format!("{kid} ({} {} bits{alg})", describe_family(self.family), self.info.bits)
    }

    #[cfg(feature = "signature")]
    pub(crate) fn verify(&self, alg: Algorithm, message: &[u8], signature: &[u8]) -> bool {
        self.allows(alg) && self.prepared.verify(alg, message, signature)
    }
}

/// A key the set refused, and why.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RejectedKey {
    /// Position in the JWKS `keys` array.
    pub index: usize,
    pub kid: Option<String>,
    pub reason: String,
}

pub struct KeySet {
    keys: Vec<Key>,
    rejected: Vec<RejectedKey>,
    cache: crate::jose::cache::TokenCache,
    /// Unique per set in this process: ties a `PendingSignature` and its `Verdict` to the
    /// set that chose the key, so an answer for one set can never finish (or be cached by)
    /// another.
    id: u64,
}

impl core::fmt::Debug for KeySet {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        let keys: Vec<String> = self.keys.iter().map(Key::describe).collect();
        f.debug_struct("KeySet").field("keys", &keys).field("rejected", &self.rejected).finish()
    }
}

impl KeySet {
    /// Parse a JWKS document (`{"keys":[...]}`) or a single JWK. Keys that are unsafe or
    /// unusable are left out and listed in `rejected()` with the reason. A document that is
    /// not a JWKS, or that holds no usable key at all, is an error (`key_rejected`, with each
    /// key's reason): such a set could never verify anything.
    pub fn from_jwks(json_text: &str) -> Result<Self> {
        if json_text.len() > MAX_JWKS_BYTES {
            return Err(Error::malformed(format!(
                "JWKS is {} bytes, more than the {MAX_JWKS_BYTES} accepted",
                json_text.len()
            )));
        }
        Self::from_jwks_value(&json::parse_value("JWKS", json_text.as_bytes())?)
    }

    /// As `from_jwks`, from an already parsed JSON value.
    pub fn from_jwks_value(doc: &Value) -> Result<Self> {
        let single;
        let lone = doc.get("keys").is_none() && doc.get("kty").is_some();
        let entries: &[Value] = match doc.get("keys") {
            Some(Value::Array(keys)) => keys,
            Some(_) => return Err(Error::malformed("JWKS keys is not an array")),
            None if lone => {
                single = [doc.clone()];
                &single
            }
            None => return Err(Error::malformed("not a JWKS: no keys array (and not a single JWK)")),
        };
        let mut set = KeySet::empty();
        for (index, value) in entries.iter().enumerate() {
            let kid = value.get("kid").and_then(Value::as_str).map(str::to_owned);
            let outcome = if index >= MAX_KEYS {
                Err(format!("more than {MAX_KEYS} keys in one set"))
            } else {
                jwk::parse(value).and_then(|p| Key::new(p.info, &p.material))
            };
            match outcome {
                Ok(mut key) => {
                    key.any_kid = lone && key.info.kid.is_none();
                    set.keys.push(key)
                }
                Err(reason) => set.rejected.push(RejectedKey { index, kid, reason }),
            }
        }
        if set.keys.is_empty() {
            let reasons: Vec<String> = set
                .rejected
                .iter()
                .take(4)
                .map(|r| {
                    let kid = r.kid.as_deref().map(|k| format!(" (kid \"{}\")", sanitize(k, 40))).unwrap_or_default();
                    format!("key {}{kid}: {}", r.index, r.reason)
                })
                .collect();
            let more =
                if set.rejected.len() > 4 { format!("; and {} more", set.rejected.len() - 4) } else { String::new() };
            let why = if reasons.is_empty() {
                "the set is empty".to_owned()
            } else {
                format!("{}{more}", reasons.join("; "))
            };
            return Err(Error::new(
                ErrorKind::KeyRejected,
                format!("the JWKS holds no usable verification key: {why}"),
            ));
        }
        Ok(set)
    }

    /// A set holding one HMAC secret for exactly one algorithm. Secrets shorter than the
    /// hash output are refused (`key_rejected`).
    pub fn from_secret(secret: &[u8], alg: Algorithm, kid: Option<&str>) -> Result<Self> {
        let material = KeyMaterial::hmac(secret, alg).map_err(|r| Error::new(ErrorKind::KeyRejected, r))?;
        let info = JwkInfo {
            kid: kid.map(str::to_owned),
            kty: "oct".into(),
            crv: None,
            alg: Some(alg),
            key_use: Some("sig".into()),
            bits: material.bits(),
        };
        let mut key = Key::new(info, &material).map_err(|r| Error::new(ErrorKind::KeyRejected, r))?;
        key.any_kid = kid.is_none();
        let mut set = KeySet::empty();
        set.keys.push(key);
        Ok(set)
    }

    fn empty() -> Self {
        static NEXT_ID: core::sync::atomic::AtomicU64 = core::sync::atomic::AtomicU64::new(1);
        KeySet {
            keys: Vec::new(),
            rejected: Vec::new(),
            cache: crate::jose::cache::TokenCache::new(crate::jose::cache::DEFAULT_CACHE_SIZE),
            id: NEXT_ID.fetch_add(1, core::sync::atomic::Ordering::Relaxed),
        }
    }

    pub(crate) fn id(&self) -> u64 {
        self.id
    }

    /// Set the verified-token cache size (default `DEFAULT_CACHE_SIZE`; 0 disables it).
    /// See the `cache` module for what a hit still checks.
    pub fn with_cache(mut self, capacity: usize) -> Self {
        self.cache = crate::jose::cache::TokenCache::new(capacity);
        self
    }

    pub fn cache_stats(&self) -> crate::jose::cache::CacheStats {
        self.cache.stats()
    }

    #[cfg_attr(not(feature = "signature"), allow(dead_code))]
    pub(crate) fn cache(&self) -> &crate::jose::cache::TokenCache {
        &self.cache
    }

    pub fn keys(&self) -> &[Key] {
        &self.keys
    }
    pub fn rejected(&self) -> &[RejectedKey] {
        &self.rejected
    }

    /// The algorithms some key in the set may verify: the default allow-list.
    pub fn algorithms(&self) -> Vec<Algorithm> {
        Algorithm::ALL.into_iter().filter(|&a| self.allows(a)).collect()
    }

    /// Whether some key in the set may verify `alg` (is it in the default allow-list).
    pub fn allows(&self, alg: Algorithm) -> bool {
        self.keys.iter().any(|k| k.allows(alg))
    }

    /// The keys (positions in `keys()`, in set order) that may verify a token with this
    /// `alg` and `kid`. Exactly one key is chosen: a token that
    /// several usable keys could verify (no `kid` and several candidates, or a `kid` two keys
    /// share) is refused as ambiguous rather than tried against each, which would let one
    /// forged token cost up to `MAX_KEYS` signature checks.
    pub(crate) fn select_indexed(&self, alg: Algorithm, kid: Option<&str>) -> Result<Vec<usize>> {
        let by_kid = (0..self.keys.len()).filter(|&i| kid.is_none_or(|kid| self.keys[i].answers_to(kid)));
        let usable: Vec<usize> = by_kid.clone().filter(|&i| self.keys[i].allows(alg)).collect();
        if usable.len() > 1 {
            let message = match kid {
                Some(kid) => format!(
                    "{} keys share kid \"{}\" and can verify {alg}: the key is ambiguous",
                    usable.len(),
                    sanitize(kid, 40)
                ),
                None => {
                    format!("the token has no kid and {} keys can verify {alg}: the key is ambiguous", usable.len())
                }
            };
            return Err(Error::new(ErrorKind::KeyNotFound, message).with_claim("kid"));
        }
        if !usable.is_empty() {
            return Ok(usable);
        }
        let message = match (kid, by_kid.map(|i| &self.keys[i]).next()) {
            (Some(_), Some(key)) => format!("key {} cannot verify {alg}", key.describe()),
            (Some(kid), None) => match self.rejected_kid(kid) {
                Some(err) => return Err(err),
                None => format!("no key with kid \"{}\" among the {} usable keys", sanitize(kid, 40), self.keys.len()),
            },
            (None, _) => format!("no key in the set can verify {alg}"),
        };
        Err(Error::new(ErrorKind::KeyNotFound, message).with_claim("kid"))
    }

    /// Whether `kid` names a key of this set, usable or refused: a token with any other kid
    /// may be signed with a key this copy of the JWKS does not have yet.
    pub fn knows_kid(&self, kid: &str) -> bool {
        self.keys.iter().any(|k| k.answers_to(kid)) || self.rejected.iter().any(|r| r.kid.as_deref() == Some(kid))
    }

    /// `key_rejected` with the reason when `kid` names a key this set refused (and no usable
    /// key answers to it): the token's key is there but unsafe, which is what to fix.
    pub(crate) fn rejected_kid(&self, kid: &str) -> Option<Error> {
        if self.keys.iter().any(|k| k.answers_to(kid)) {
            return None;
        }
        let r = self.rejected.iter().find(|r| r.kid.as_deref() == Some(kid))?;
        let message = format!("the key with kid \"{}\" was rejected: {}", sanitize(kid, 40), r.reason);
        Some(Error::new(ErrorKind::KeyRejected, message).with_claim("kid"))
    }
}
