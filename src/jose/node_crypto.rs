//! node:crypto's parameters for checking a JWS signature synchronously
//! (`crypto.verify(digest, data, key, signature)`), as plain data: the core decides them, the
//! Node entry passes them on (`src/wasm/native.rs`, `www/pkg/node.js`).

use super::algorithm::{Algorithm, Hash};

/// How node:crypto checks an `alg` signature.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct NodeVerify {
    /// The digest name (`sha256`...); `None` for Ed25519, whose hash is part of the scheme.
    pub digest: Option<&'static str>,
    /// RSA-PSS padding with the salt as long as the digest (RFC 7518 3.5); otherwise PKCS#1
    /// v1.5 for RSA.
    pub pss: bool,
    /// ECDSA signatures as r || s (JWS, RFC 7518 3.4), not DER.
    pub ieee_p1363: bool,
}

/// The parameters for `alg`; none for HMAC (its secret never leaves the core).
pub fn params(alg: Algorithm) -> Option<NodeVerify> {
    let digest = Some(match alg.hash() {
        Hash::Sha256 => "sha256",
        Hash::Sha384 => "sha384",
        Hash::Sha512 => "sha512",
    });
    Some(match alg {
        Algorithm::RS256 | Algorithm::RS384 | Algorithm::RS512 => NodeVerify { digest, pss: false, ieee_p1363: false },
        Algorithm::PS256 | Algorithm::PS384 | Algorithm::PS512 => NodeVerify { digest, pss: true, ieee_p1363: false },
        Algorithm::ES256 | Algorithm::ES384 | Algorithm::ES512 => NodeVerify { digest, pss: false, ieee_p1363: true },
        Algorithm::EdDSA => NodeVerify { digest: None, pss: false, ieee_p1363: false },
        _ => return None,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn each_family_gets_its_padding_and_encoding() {
        assert_eq!(params(Algorithm::PS384), Some(NodeVerify { digest: Some("sha384"), pss: true, ieee_p1363: false }));
        assert_eq!(params(Algorithm::ES512).map(|p| (p.digest, p.ieee_p1363)), Some((Some("sha512"), true)));
        assert_eq!(params(Algorithm::EdDSA).and_then(|p| p.digest), None);
        assert!(params(Algorithm::HS256).is_none());
    }
}
