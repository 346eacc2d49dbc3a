//! HMAC-SHA2 (HS*). The tag comparison is constant-time.

use hmac::{Hmac, Mac};
use sha2::{Sha256, Sha384, Sha512};
use zeroize::Zeroizing;

use crate::jose::algorithm::Algorithm;

pub(crate) struct HmacKey(Zeroizing<Vec<u8>>);

impl HmacKey {
    pub fn new(secret: &[u8]) -> Self {
        Self(Zeroizing::new(secret.to_vec()))
    }

    pub fn verify(&self, alg: Algorithm, message: &[u8], signature: &[u8]) -> bool {
        fn check<M: Mac + hmac::digest::KeyInit>(key: &[u8], message: &[u8], tag: &[u8]) -> bool {
            match <M as Mac>::new_from_slice(key) {
                Ok(mut mac) => {
                    mac.update(message);
                    mac.verify_slice(tag).is_ok()
                }
                Err(_) => false,
            }
        }
        match alg {
            Algorithm::HS256 => check::<Hmac<Sha256>>(&self.0, message, signature),
            Algorithm::HS384 => check::<Hmac<Sha384>>(&self.0, message, signature),
            Algorithm::HS512 => check::<Hmac<Sha512>>(&self.0, message, signature),
            _ => false,
        }
    }
}
