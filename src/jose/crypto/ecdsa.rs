//! ECDSA over P-256, P-384 and P-521 with JWS's fixed-size `r || s` signatures (RFC 7518
//! 3.4). ES512 is not in jsonwebtoken's rust_crypto provider; `p521` supplies it here.

use crate::jose::algorithm::{Algorithm, KeyFamily};
use p256::ecdsa::signature::Verifier as _;

pub(crate) enum EcKey {
    P256(p256::ecdsa::VerifyingKey),
    P384(p384::ecdsa::VerifyingKey),
    P521(p521::ecdsa::VerifyingKey),
}

impl EcKey {
    /// `point` is an uncompressed SEC1 point; it must lie on the curve (the invalid-curve
    /// attack) and must not be the identity.
    pub fn new(family: KeyFamily, point: &[u8]) -> Result<Self, String> {
        let bad = |_| "EC public key is not a valid point on its curve".to_string();
        Ok(match family {
            KeyFamily::EcP256 => Self::P256(p256::ecdsa::VerifyingKey::from_sec1_bytes(point).map_err(bad)?),
            KeyFamily::EcP384 => Self::P384(p384::ecdsa::VerifyingKey::from_sec1_bytes(point).map_err(bad)?),
            KeyFamily::EcP521 => Self::P521(p521::ecdsa::VerifyingKey::from_sec1_bytes(point).map_err(bad)?),
            _ => return Err("not an EC key".into()),
        })
    }

    /// `Signature::from_slice` refuses r or s equal to zero or not below the group order,
    /// which rules out the "psychic signature" (r = s = 0).
    pub fn verify(&self, alg: Algorithm, message: &[u8], signature: &[u8]) -> bool {
        match (self, alg) {
            (Self::P256(k), Algorithm::ES256) => {
                p256::ecdsa::Signature::from_slice(signature).is_ok_and(|s| k.verify(message, &s).is_ok())
            }
            (Self::P384(k), Algorithm::ES384) => {
                p384::ecdsa::Signature::from_slice(signature).is_ok_and(|s| k.verify(message, &s).is_ok())
            }
            (Self::P521(k), Algorithm::ES512) => {
                p521::ecdsa::Signature::from_slice(signature).is_ok_and(|s| k.verify(message, &s).is_ok())
            }
            _ => false,
        }
    }
}
