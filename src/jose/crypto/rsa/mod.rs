//! RSASSA-PKCS1-v1_5 (RS*) and RSASSA-PSS (PS*) verification (RFC 8017 8.2.2 / 8.1.2),
//! on a Montgomery context prepared once per key. A dedicated public-key path: the
//! general `rsa` crate spends most of a verification re-deriving per-key values and on
//! a slower bignum; see perf-notes.

mod pkcs1;
mod pss;

use sha2::{Digest, Sha256, Sha384, Sha512};

use crate::jose::algorithm::Algorithm;
use crate::jose::montgomery::Modulus;

pub(crate) struct RsaKey {
    modulus: Modulus,
    e: u32,
    bits: usize,
}

impl RsaKey {
    /// `n`, `e`: big-endian without leading zeros, already within policy (see
    /// `KeyMaterial::rsa`: 2048..=8192 bits, odd, e odd, 3 <= e < 2^32).
    pub fn new(n: &[u8], e: &[u8]) -> Result<Self, String> {
        if e.is_empty() || e.len() > 4 {
            return Err("RSA exponent must be 1 to 4 bytes".into());
        }
        let e = e.iter().fold(0u32, |acc, &b| (acc << 8) | u32::from(b));
        let modulus = Modulus::new(n).ok_or("RSA modulus must be odd and without leading zeros")?;
        let bits = n.len() * 8 - n[0].leading_zeros() as usize;
        Ok(Self { modulus, e, bits })
    }

    pub fn verify(&self, alg: Algorithm, message: &[u8], signature: &[u8]) -> bool {
        // RFC 8017 8.2.2 step 1 / 8.1.2 step 1: the signature is exactly k bytes, and
        // step 2: it is below the modulus (pow_be refuses both).
        let Some(em) = self.modulus.pow_be(signature, self.e) else { return false };
        match alg {
            Algorithm::RS256 => pkcs1::verify(&em, pkcs1::SHA256_PREFIX, &Sha256::digest(message)),
            Algorithm::RS384 => pkcs1::verify(&em, pkcs1::SHA384_PREFIX, &Sha384::digest(message)),
            Algorithm::RS512 => pkcs1::verify(&em, pkcs1::SHA512_PREFIX, &Sha512::digest(message)),
            Algorithm::PS256 => pss::verify::<Sha256>(&em, self.bits, &Sha256::digest(message)),
            Algorithm::PS384 => pss::verify::<Sha384>(&em, self.bits, &Sha384::digest(message)),
            Algorithm::PS512 => pss::verify::<Sha512>(&em, self.bits, &Sha512::digest(message)),
            _ => false,
        }
    }
}

#[cfg(test)]
mod tests;
