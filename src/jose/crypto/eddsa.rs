//! Ed25519 (RFC 8037). The key length is checked before it reaches the library
//! (jsonwebtoken's own verifier slices `[..32]` and panics on short keys).

use ed25519_dalek::{Signature, VerifyingKey};

pub(crate) struct EdKey(VerifyingKey);

impl EdKey {
    pub fn new(x: &[u8; 32]) -> Result<Self, String> {
        let key = VerifyingKey::from_bytes(x).map_err(|_| "Ed25519 public key is not a valid point".to_string())?;
        if key.is_weak() {
            return Err("Ed25519 public key has small order".into());
        }
        Ok(Self(key))
    }

    /// Strict verification: canonical S and no small-order R, so one message has one
    /// valid signature encoding per key.
    pub fn verify(&self, message: &[u8], signature: &[u8]) -> bool {
        let Ok(sig) = <[u8; 64]>::try_from(signature) else { return false };
        self.0.verify_strict(message, &Signature::from_bytes(&sig)).is_ok()
    }
}
