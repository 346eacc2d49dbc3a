//! Tokens and keys: strict compact-JWS parsing, typed claims, JWK key sets, the signature
//! verifiers and the one check pipeline behind `verify` and `explain` (RFC 7515-7519,
//! RFC 8725). Knows nothing of OIDC flows or sessions.

pub(crate) mod algorithm;
pub(crate) mod b64;
pub(crate) mod cache;
pub(crate) mod checks;
pub(crate) mod claims;
pub(crate) mod compact;
pub(crate) mod error;
pub(crate) mod explain;
pub(crate) mod header;
pub(crate) mod json;
pub(crate) mod jwk;
pub(crate) mod keyset;
pub(crate) mod kind;
pub mod limits;
pub(crate) mod montgomery;
pub mod node_crypto;
pub(crate) mod options;
pub(crate) mod points;
pub(crate) mod roca;
pub mod subtle;
pub(crate) mod time_fmt;
pub(crate) mod verify;

#[cfg(feature = "signature")]
pub mod crypto;
