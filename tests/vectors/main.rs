//! Data-driven test vectors: Wycheproof (JWS, JWK and raw signature files) and the RFC 7520
//! / RFC 8037 JWS examples. The vectors live outside the repository, in
//! `$TOKENWARD_VECTORS` or else `<crate>/../shared/vectors`; a test whose file is absent
//! prints a SKIPPED line and passes. Each file's outcome must match the source's
//! expectation except for the cases listed, with a reason, in `DEVIATIONS.md`.
//!
//! `parity.rs` also gives every compact-JWS vector and the committed jose corpus
//! (tests/parity/) their native verdicts, for the JS tests to compare each runtime with.
//!
//! Run: `cargo test --test vectors` (summary lines go straight to stderr).
// Signatures are checked by the crate's own verifiers here: the build without them
// (`--no-default-features`) runs the session and unit tests only.
#![cfg(feature = "signature")]

mod common;
mod jose;

mod ecdsa;
mod ed25519;
mod hmac;
mod parity;
mod rfc7520;
mod rsa_pkcs1;
mod rsa_pss;
mod synthetic;
mod wycheproof_jwk;
mod wycheproof_jws;
