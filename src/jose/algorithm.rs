//! The JWS algorithms tokenward verifies, and the key family each one requires.
//! `none` is not representable: there is no way to ask for an unsigned token.

use crate::prelude::*;

use core::fmt;
use core::str::FromStr;

use crate::jose::error::{sanitize, Error, ErrorKind};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Algorithm {
    HS256,
    HS384,
    HS512,
    RS256,
    RS384,
    RS512,
    PS256,
    PS384,
    PS512,
    ES256,
    ES384,
    ES512,
    EdDSA,
}

/// The kind of key an algorithm needs. The key, not the token, decides this: a token
/// naming HS256 is never checked against an RSA key (RFC 8725 2.1 / 3.1).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum KeyFamily {
    Hmac,
    Rsa,
    EcP256,
    EcP384,
    EcP521,
    Ed25519,
}

/// A hash size in bytes, used for the HMAC minimum key length.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Hash {
    Sha256,
    Sha384,
    Sha512,
}

impl Hash {
    /// The digest length in bytes (never zero, so no `is_empty`).
    #[allow(clippy::len_without_is_empty)]
    pub const fn len(self) -> usize {
        match self {
            Hash::Sha256 => 32,
            Hash::Sha384 => 48,
            Hash::Sha512 => 64,
        }
    }
}

impl Algorithm {
    pub const ALL: [Algorithm; 13] = [
        Self::HS256,
        Self::HS384,
        Self::HS512,
        Self::RS256,
        Self::RS384,
        Self::RS512,
        Self::PS256,
        Self::PS384,
        Self::PS512,
        Self::ES256,
        Self::ES384,
        Self::ES512,
        Self::EdDSA,
    ];

    pub const fn name(self) -> &'static str {
        match self {
            Self::HS256 => "HS256",
            Self::HS384 => "HS384",
            Self::HS512 => "HS512",
            Self::RS256 => "RS256",
            Self::RS384 => "RS384",
            Self::RS512 => "RS512",
            Self::PS256 => "PS256",
            Self::PS384 => "PS384",
            Self::PS512 => "PS512",
            Self::ES256 => "ES256",
            Self::ES384 => "ES384",
            Self::ES512 => "ES512",
            Self::EdDSA => "EdDSA",
        }
    }

    pub const fn family(self) -> KeyFamily {
        match self {
            Self::HS256 | Self::HS384 | Self::HS512 => KeyFamily::Hmac,
            Self::RS256 | Self::RS384 | Self::RS512 | Self::PS256 | Self::PS384 | Self::PS512 => KeyFamily::Rsa,
            Self::ES256 => KeyFamily::EcP256,
            Self::ES384 => KeyFamily::EcP384,
            Self::ES512 => KeyFamily::EcP521,
            Self::EdDSA => KeyFamily::Ed25519,
        }
    }

    pub const fn hash(self) -> Hash {
        match self {
            Self::HS256 | Self::RS256 | Self::PS256 | Self::ES256 => Hash::Sha256,
            Self::HS384 | Self::RS384 | Self::PS384 | Self::ES384 => Hash::Sha384,
            Self::HS512 | Self::RS512 | Self::PS512 | Self::ES512 | Self::EdDSA => Hash::Sha512,
        }
    }

    /// Algorithms a key of this family may verify.
    pub fn for_family(family: KeyFamily) -> impl Iterator<Item = Algorithm> {
        Self::ALL.into_iter().filter(move |a| a.family() == family)
    }
}

impl fmt::Display for Algorithm {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

impl FromStr for Algorithm {
    type Err = Error;

    /// Exact, case-sensitive match (RFC 7515 4.1.1). `none` in any case gets its own message.
    fn from_str(s: &str) -> Result<Self, Error> {
        if let Some(a) = Self::ALL.into_iter().find(|a| a.name() == s) {
            return Ok(a);
        }
        let message = if s.eq_ignore_ascii_case("none") {
            "alg \"none\" (unsigned token) is never accepted".to_string()
        } else {
            format!("alg \"{}\" is not supported", sanitize(s, 32))
        };
        Err(Error::new(ErrorKind::UnsupportedAlg, message).with_claim("alg"))
    }
}
