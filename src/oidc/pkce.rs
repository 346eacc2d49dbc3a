//! PKCE (RFC 7636, S256 only) and the random `state` and `nonce` values of a login.

use crate::prelude::*;

use super::{OidcError, OidcErrorKind};
use crate::jose::b64;
use sha2::{Digest, Sha256};

/// The random source gave no bytes. A source that fails says so: it never leaves the buffer
/// as it was, which as a PKCE verifier, `state` or `nonce` would be guessable.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct NoRandomness;

/// Where randomness comes from: the core has none of its own. The Wasm bindings use the
/// platform's CSPRNG (getrandom -> `crypto.getRandomValues`); tests use a seeded source.
pub trait Random {
    fn fill(&mut self, buf: &mut [u8]) -> Result<(), NoRandomness>;

    /// A uniformly distributed value in `0..=max` (for backoff jitter; bias is irrelevant there).
    fn below(&mut self, max: u64) -> Result<u64, NoRandomness> {
        let mut b = [0u8; 8];
        self.fill(&mut b)?;
        Ok(if max == u64::MAX { u64::from_le_bytes(b) } else { u64::from_le_bytes(b) % (max + 1) })
    }
}

/// A source that always fails, for the crate's tests.
#[cfg(test)]
pub(crate) struct Dead;

#[cfg(test)]
impl Random for Dead {
    fn fill(&mut self, _: &mut [u8]) -> Result<(), NoRandomness> {
        Err(NoRandomness)
    }
}

/// Bytes of randomness in `state`, `nonce` and the PKCE verifier: 256 bits each, twice the
/// 128-bit floor, and a 43-character verifier (RFC 7636's minimum length).
pub const RANDOM_BYTES: usize = 32;

/// A fresh base64url random string of `RANDOM_BYTES` bytes (43 characters); an error
/// (`invalid_option`: the runtime is unusable) when the source fails.
pub fn random_string(rng: &mut dyn Random) -> Result<String, OidcError> {
    let mut b = [0u8; RANDOM_BYTES];
    rng.fill(&mut b).map_err(|NoRandomness| {
        OidcError::new(OidcErrorKind::InvalidOption, "the random source (crypto.getRandomValues) gave no bytes")
    })?;
    Ok(b64::encode(&b))
}

/// The S256 code challenge of a verifier.
pub fn challenge(verifier: &str) -> String {
    b64::encode(&Sha256::digest(verifier.as_bytes()))
}

/// RFC 7636 4.1: 43-128 characters of [A-Z a-z 0-9 - . _ ~].
pub fn is_valid_verifier(v: &str) -> bool {
    (43..=128).contains(&v.len()) && v.bytes().all(|b| b.is_ascii_alphanumeric() || b"-._~".contains(&b))
}

#[cfg(test)]
mod tests {
    use super::*;

    struct Fixed(u8);
    impl Random for Fixed {
        fn fill(&mut self, buf: &mut [u8]) -> Result<(), NoRandomness> {
            buf.fill(self.0);
            Ok(())
        }
    }

    #[test]
    fn rfc7636_appendix_b() {
        assert_eq!(
            challenge("dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk"),
            "E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM"
        );
    }

    #[test]
    fn verifier_is_43_chars_of_the_right_alphabet() {
        let v = random_string(&mut Fixed(0xfb)).unwrap();
        assert_eq!(v.len(), 43);
        assert!(is_valid_verifier(&v));
        assert!(!is_valid_verifier("short"));
        assert!(!is_valid_verifier(&"a+".repeat(30)));
    }

    #[test]
    fn a_failing_source_is_an_error_not_a_guessable_string() {
        assert_eq!(random_string(&mut Dead).unwrap_err().kind, OidcErrorKind::InvalidOption);
        assert_eq!(Dead.below(9), Err(NoRandomness));
    }
}
