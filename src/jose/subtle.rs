//! WebCrypto's parameters for checking a JWS signature (`importKey` and `verify`), as plain
//! data. The core decides them; a driver that checks signatures through the runtime's
//! WebCrypto (the Wasm bindings' `verifyAsync`, the session's `VerifySignature` command)
//! passes them on unchanged, so no JS decides how a key is used.

use crate::prelude::*;

use super::algorithm::{Algorithm, Hash};

/// One WebCrypto algorithm object, e.g. `{ name: "ECDSA", hash: "SHA-256" }`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SubtleParams {
    pub name: String,
    pub hash: Option<String>,
    pub named_curve: Option<String>,
    pub salt_length: Option<u32>,
}

impl SubtleParams {
    fn named(name: &str) -> Self {
        Self { name: name.into(), hash: None, named_curve: None, salt_length: None }
    }

    /// The members as (name, value) pairs, numbers as numbers.
    pub fn members(&self) -> Vec<(&'static str, Member<'_>)> {
        let mut out = vec![("name", Member::Text(&self.name))];
        out.extend(self.hash.as_deref().map(|h| ("hash", Member::Text(h))));
        out.extend(self.named_curve.as_deref().map(|c| ("namedCurve", Member::Text(c))));
        out.extend(self.salt_length.map(|n| ("saltLength", Member::Number(n))));
        out
    }
}

pub enum Member<'a> {
    Text(&'a str),
    Number(u32),
}

fn hash_name(h: Hash) -> String {
    match h {
        Hash::Sha256 => "SHA-256",
        Hash::Sha384 => "SHA-384",
        Hash::Sha512 => "SHA-512",
    }
    .into()
}

/// The `importKey` and `verify` parameters for `alg`; none for HMAC (its secret never
/// leaves the core) and for algorithms WebCrypto has no name for.
pub fn params(alg: Algorithm) -> Option<(SubtleParams, SubtleParams)> {
    let hash = Some(hash_name(alg.hash()));
    Some(match alg {
        Algorithm::RS256 | Algorithm::RS384 | Algorithm::RS512 => (
            SubtleParams { hash, ..SubtleParams::named("RSASSA-PKCS1-v1_5") },
            SubtleParams::named("RSASSA-PKCS1-v1_5"),
        ),
        // RFC 7518 3.5: the salt is as long as the hash.
        Algorithm::PS256 | Algorithm::PS384 | Algorithm::PS512 => (
            SubtleParams { hash, ..SubtleParams::named("RSA-PSS") },
            SubtleParams { salt_length: Some(alg.hash().len() as u32), ..SubtleParams::named("RSA-PSS") },
        ),
        Algorithm::ES256 | Algorithm::ES384 | Algorithm::ES512 => {
            let curve = match alg {
                Algorithm::ES256 => "P-256",
                Algorithm::ES384 => "P-384",
                _ => "P-521",
            };
            (
                SubtleParams { named_curve: Some(curve.into()), ..SubtleParams::named("ECDSA") },
                SubtleParams { hash, ..SubtleParams::named("ECDSA") },
            )
        }
        Algorithm::EdDSA => (SubtleParams::named("Ed25519"), SubtleParams::named("Ed25519")),
        _ => return None,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pss_salt_is_the_hash_length_and_ecdsa_binds_the_curve() {
        let (import, verify) = params(Algorithm::PS384).unwrap();
        assert_eq!(import.hash.as_deref(), Some("SHA-384"));
        assert_eq!(verify.salt_length, Some(48));
        let (import, verify) = params(Algorithm::ES512).unwrap();
        assert_eq!(import.named_curve.as_deref(), Some("P-521"));
        assert_eq!(verify.hash.as_deref(), Some("SHA-512"));
        assert!(params(Algorithm::HS256).is_none());
    }
}
