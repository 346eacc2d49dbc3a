//! Signature verification, behind one small interface so that the primitive can be swapped
//! (a faster RSA, WebCrypto) without touching policy. A key is prepared once, when the key
//! set is built; each verification then only does the math.

mod ecdsa;
mod eddsa;
mod hmac;
#[cfg(feature = "jwt-provider")]
pub mod jwt_provider;
mod rsa;

use crate::jose::algorithm::Algorithm;
use crate::jose::jwk::KeyMaterial;

/// A key ready to verify signatures of its family.
pub(crate) enum PreparedKey {
    Rsa(rsa::RsaKey),
    Ecdsa(ecdsa::EcKey),
    Ed25519(eddsa::EdKey),
    Hmac(hmac::HmacKey),
}

/// Prepare key material for verification; point validation and similar checks that need
/// the curve arithmetic happen here. The error is a reason for the key set's report.
pub(crate) fn prepare(material: &KeyMaterial) -> Result<PreparedKey, String> {
    Ok(match material {
        KeyMaterial::Rsa { n, e } => PreparedKey::Rsa(rsa::RsaKey::new(n, e)?),
        KeyMaterial::Ec { family, point } => PreparedKey::Ecdsa(ecdsa::EcKey::new(*family, point)?),
        KeyMaterial::Ed25519 { x } => PreparedKey::Ed25519(eddsa::EdKey::new(x)?),
        KeyMaterial::Hmac { secret } => PreparedKey::Hmac(hmac::HmacKey::new(secret)),
    })
}

impl PreparedKey {
    /// `true` only for a valid signature of `message` under `alg` with this key. The caller
    /// has already checked that `alg` belongs to this key's family; a mismatch is `false`.
    pub fn verify(&self, alg: Algorithm, message: &[u8], signature: &[u8]) -> bool {
        match self {
            Self::Rsa(k) => k.verify(alg, message, signature),
            Self::Ecdsa(k) => k.verify(alg, message, signature),
            Self::Ed25519(k) => alg == Algorithm::EdDSA && k.verify(message, signature),
            Self::Hmac(k) => k.verify(alg, message, signature),
        }
    }
}

/// The bare signature primitive for one key: `true` if `signature` is valid for `message`
/// under `alg`. No token parsing, no policy beyond the key's own (family, `alg`). For test
/// vectors and for callers who hold a detached signature.
pub fn verify_raw(key: &crate::Key, alg: Algorithm, message: &[u8], signature: &[u8]) -> bool {
    key.verify(alg, message, signature)
}
