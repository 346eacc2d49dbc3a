//! RSASSA-PKCS1-v1_5 (RS*) and RSASSA-PSS (PS*, salt length = hash length per RFC 7518
//! 3.5) verification. The public key is parsed once.

use rsa::{BigUint, Pkcs1v15Sign, Pss, RsaPublicKey};
use sha2::{Digest, Sha256, Sha384, Sha512};

use crate::algorithm::Algorithm;

pub(crate) struct RsaKey {
    key: RsaPublicKey,
    len: usize,
}

impl RsaKey {
    pub fn new(n: &[u8], e: &[u8]) -> Result<Self, String> {
        let key = RsaPublicKey::new_with_max_size(
            BigUint::from_bytes_be(n),
            BigUint::from_bytes_be(e),
            crate::limits::MAX_RSA_BITS,
        )
        .map_err(|e| format!("RSA key refused: {e}"))?;
        Ok(Self { key, len: n.len() })
    }

    pub fn verify(&self, alg: Algorithm, message: &[u8], signature: &[u8]) -> bool {
        // RFC 8017 8.2.2 step 1: the signature is exactly the modulus length.
        if signature.len() != self.len {
            return false;
        }
        let k = &self.key;
        match alg {
            Algorithm::RS256 => k.verify(Pkcs1v15Sign::new::<Sha256>(), &Sha256::digest(message), signature),
            Algorithm::RS384 => k.verify(Pkcs1v15Sign::new::<Sha384>(), &Sha384::digest(message), signature),
            Algorithm::RS512 => k.verify(Pkcs1v15Sign::new::<Sha512>(), &Sha512::digest(message), signature),
            Algorithm::PS256 => k.verify(Pss::new_with_salt::<Sha256>(32), &Sha256::digest(message), signature),
            Algorithm::PS384 => k.verify(Pss::new_with_salt::<Sha384>(48), &Sha384::digest(message), signature),
            Algorithm::PS512 => k.verify(Pss::new_with_salt::<Sha512>(64), &Sha512::digest(message), signature),
            _ => return false,
        }
        .is_ok()
    }
}
