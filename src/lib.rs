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

#![cfg_attr(tokenward_no_std, no_std)]

extern crate alloc;

/// What std's prelude would bring, for the `no_std` build (each module imports it).
#[allow(unused_imports)]
mod prelude {
    pub(crate) use alloc::borrow::ToOwned;
    pub(crate) use alloc::boxed::Box;
    pub(crate) use alloc::format;
    pub(crate) use alloc::string::{String, ToString};
    pub(crate) use alloc::vec;
    pub(crate) use alloc::vec::Vec;
}

/// Without std (the session's Wasm, a final artifact: see the `std` feature in Cargo.toml) a
/// panic traps at once (the JS side sees a `RuntimeError`, as with std and
/// `panic = "abort"`): std's panic runtime, its hooks and its printing to a stderr that Wasm
/// does not have, stay out of the session's Wasm.
#[cfg(tokenward_no_std)]
#[panic_handler]
fn panic(_: &core::panic::PanicInfo) -> ! {
    core::arch::wasm32::unreachable()
}

pub mod guard;
pub mod inspect;
pub mod jose;
pub mod oidc;
pub mod session;

#[cfg(target_arch = "wasm32")]
mod wasm;

pub use jose::algorithm::{Algorithm, Hash, KeyFamily};
pub use jose::cache::{CacheStats, DEFAULT_CACHE_SIZE};
pub use jose::checks::id as check_id;
pub use jose::checks::Verdict;
pub use jose::claims::Claims;
pub use jose::compact::{decode, Token, Unverified};
#[cfg(feature = "signature")]
pub use jose::crypto;
pub use jose::error::{Error, ErrorKind, Result};
pub use jose::explain::{explain, explain_with_verdict, Check, Report, Status};
pub use jose::header::Header;
pub use jose::jwk::JwkInfo;
pub use jose::keyset::{Key, KeySet, RejectedKey};
pub use jose::kind::TokenKind;
pub use jose::limits;
pub use jose::options::{VerifyOptions, DEFAULT_CLOCK_TOLERANCE};
pub use jose::verify::{explain_signature_input, verify_finish, verify_start, PendingSignature, Started};
// Without the crate's verifiers nothing could ever pass these: they are not there at all.
#[cfg(feature = "signature")]
pub use jose::verify::{verify, verify_jws};
