//! The edge Bearer guard's decisions (RFC 6750): reading the `Authorization` header, when to
//! fetch the JWKS (`jwks_cache`), and the answer: the verified access token, or a status with
//! its `WWW-Authenticate` challenge. Sans-IO: the worker shim fetches, reads the clock and
//! answers; it decides nothing.

pub mod bearer;
pub mod challenge;
pub mod jwks_cache;
pub mod policy;

pub use bearer::Credentials;
pub use challenge::Denial;
pub use jwks_cache::{CachePolicy, Fetch, FetchKind, JwksCache, Lookup};
pub use policy::{Guard, GuardOptions, Step};
