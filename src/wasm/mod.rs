//! wasm-bindgen glue: newtypes over the core, each method a line or two. All error
//! translation is in `errors`, all conversion in `convert`, options in `options`.
//!
//! Two groups, each on its own cargo feature so a flavour ships only what it exports:
//! `api` (the verification API: Token, KeySet, decode, verify, explain) and `session`
//! (SessionCore, for tokenward/session and tokenward/browser).

#[cfg(feature = "api")]
mod api;
#[cfg(any(feature = "api", feature = "session"))]
mod claims_typings;
#[cfg(feature = "api")]
mod convert;
mod errors;
#[cfg(feature = "inspect")]
mod explain_async;
#[cfg(feature = "guard")]
mod guard;
#[cfg(feature = "inspect")]
mod inspect;
#[cfg(feature = "inspect")]
mod inspect_typings;
#[cfg(feature = "session")]
mod json;
#[cfg(feature = "api")]
mod names;
#[cfg(all(feature = "api", feature = "signature"))]
mod native;
#[cfg(feature = "api")]
mod options;
#[cfg(feature = "session")]
mod session;
#[cfg(feature = "session")]
mod session_typings;
#[cfg(feature = "api")]
mod typings;
#[cfg(all(feature = "api", any(feature = "signature", feature = "webcrypto")))]
mod webcrypto;

#[cfg(feature = "inspect")]
pub(crate) use api::{token_text, JsKeySet};

// Single-threaded Wasm (no atomics): talc's dynamic heap grows Wasm memory as needed.
#[cfg(not(target_feature = "atomics"))]
#[global_allocator]
static ALLOCATOR: talc::wasm::WasmDynamicTalc = talc::wasm::new_wasm_dynamic_allocator();
