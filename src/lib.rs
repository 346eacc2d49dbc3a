//! tokenward: OpenID Connect token validation for Keycloak and standard providers.
//!
//! The core is pure: no I/O, no clock (`now` is always an argument), no JS types. The
//! Wasm bindings live in `wasm/` and only translate.
//!
//! ```
//! # fn main() -> Result<(), tokenward::Error> {
//! use tokenward::{decode, TokenKind};
//! let t = "eyJhbGciOiJSUzI1NiJ9.eyJ0eXAiOiJCZWFyZXIiLCJzdWIiOiJ1MSJ9.c2ln";
//! let token = decode(t)?;
//! assert_eq!(token.kind(), TokenKind::Access);
//! assert_eq!(token.claims().sub(), Some("u1"));
//! # Ok(()) }
//! ```

mod algorithm;
mod b64;
mod cache;
mod checks;
mod claims;
mod compact;
mod error;
mod explain;
mod header;
mod json;
mod jwk;
mod keyset;
mod kind;
pub mod limits;
mod options;
mod roca;
mod time_fmt;
mod verify;

#[cfg(feature = "signature")]
pub mod crypto;

#[cfg(target_arch = "wasm32")]
mod wasm;

pub use algorithm::{Algorithm, Hash, KeyFamily};
pub use checks::id as check_id;
pub use cache::{CacheStats, DEFAULT_CACHE_SIZE};
pub use claims::Claims;
pub use compact::{decode, Token};
pub use error::{Error, ErrorKind, Result};
pub use explain::{explain, Check, Report, Status};
pub use header::Header;
pub use jwk::JwkInfo;
pub use keyset::{Key, KeySet, RejectedKey};
pub use kind::TokenKind;
pub use options::{VerifyOptions, DEFAULT_CLOCK_TOLERANCE};
pub use verify::{verify, verify_jws};
#[cfg(feature = "signature")]
pub use verify::{verify_finish, verify_start, PendingSignature, Started};
