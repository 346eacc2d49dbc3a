//! tokenward's verifiers as a jsonwebtoken `CryptoProvider`, for Rust users who decode
//! with jsonwebtoken itself: install it once with
//! `tokenward::crypto::jwt_provider::PROVIDER.install_default()` and jsonwebtoken verifies
//! through the same code (and key checks) as tokenward. Signing stays with rust_crypto.

use jsonwebtoken::crypto::{rust_crypto, CryptoProvider, JwtVerifier, KeyUtils};
use jsonwebtoken::errors::{new_error, ErrorKind, Result};
use jsonwebtoken::{AlgorithmFamily, DecodingKey, DecodingKeyKind};

use super::PreparedKey;
use crate::jose::algorithm::{Algorithm, KeyFamily};
use crate::jose::jwk::KeyMaterial;

/// The provider: tokenward verifiers, rust_crypto signers and key utilities.
pub static PROVIDER: CryptoProvider = CryptoProvider {
    signer_factory: rust_crypto::DEFAULT_PROVIDER.signer_factory,
    verifier_factory: new_verifier,
    key_utils: KeyUtils {
        rsa_pub_components_from_private_key: RC.rsa_pub_components_from_private_key,
        rsa_pub_components_from_public_key: RC.rsa_pub_components_from_public_key,
        ec_pub_components_from_private_key: RC.ec_pub_components_from_private_key,
        ed_pub_components_from_private_key: RC.ed_pub_components_from_private_key,
        compute_digest: RC.compute_digest,
    },
};

const RC: &KeyUtils = &rust_crypto::DEFAULT_PROVIDER.key_utils;

struct Adapter {
    alg: jsonwebtoken::Algorithm,
    ours: Algorithm,
    key: PreparedKey,
}

impl jsonwebtoken::signature::Verifier<Vec<u8>> for Adapter {
    fn verify(&self, msg: &[u8], signature: &Vec<u8>) -> core::result::Result<(), jsonwebtoken::signature::Error> {
        if self.key.verify(self.ours, msg, signature) {
            Ok(())
        } else {
            Err(jsonwebtoken::signature::Error::new())
        }
    }
}

impl JwtVerifier for Adapter {
    fn algorithm(&self) -> jsonwebtoken::Algorithm {
        self.alg
    }
}

fn new_verifier(alg: &jsonwebtoken::Algorithm, key: &DecodingKey) -> Result<Box<dyn JwtVerifier>> {
    let ours: Algorithm = format!("{alg:?}").parse().map_err(|_| new_error(ErrorKind::InvalidAlgorithm))?;
    let material = match (key.family(), key.kind()) {
        (AlgorithmFamily::Rsa, DecodingKeyKind::RsaModulusExponent { n, e }) => {
            KeyMaterial::rsa(n.clone(), e.clone()).map_err(|_| new_error(ErrorKind::InvalidKeyFormat))?
        }
        (AlgorithmFamily::Ec, DecodingKeyKind::SecretOrDer(point)) => {
            let family = ours.family();
            if !matches!(family, KeyFamily::EcP256 | KeyFamily::EcP384 | KeyFamily::EcP521) {
                return Err(new_error(ErrorKind::InvalidAlgorithm));
            }
            KeyMaterial::Ec { family, point: point.clone() }
        }
        (AlgorithmFamily::Ed, DecodingKeyKind::SecretOrDer(x)) => {
            KeyMaterial::Ed25519 { x: x.as_slice().try_into().map_err(|_| new_error(ErrorKind::InvalidEddsaKey))? }
        }
        (AlgorithmFamily::Hmac, DecodingKeyKind::SecretOrDer(s)) => {
            KeyMaterial::hmac(s, ours).map_err(|_| new_error(ErrorKind::InvalidKeyFormat))?
        }
        _ => return Err(new_error(ErrorKind::InvalidKeyFormat)),
    };
    if material.family() != ours.family() {
        return Err(new_error(ErrorKind::InvalidAlgorithm));
    }
    let key = super::prepare(&material).map_err(|_| new_error(ErrorKind::InvalidKeyFormat))?;
    Ok(Box::new(Adapter { alg: *alg, ours, key }))
}
