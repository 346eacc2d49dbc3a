//! Input bounds. Everything a token or key set can make us do is bounded by these, and
//! oversized input is refused as `malformed` before any decoding work.

/// Largest compact token accepted, in bytes. Keycloak access tokens with many client roles
/// reach 8-10 KB; 64 KiB leaves room without letting a request body become a token.
pub const MAX_TOKEN_BYTES: usize = 64 * 1024;

/// Deepest JSON nesting accepted in a header, payload or JWKS (a Keycloak token needs 4:
/// `resource_access.client.roles[]`).
pub const MAX_JSON_DEPTH: usize = 20;

/// Largest JWKS document accepted, in bytes.
pub const MAX_JWKS_BYTES: usize = 256 * 1024;

/// Most keys taken from one JWKS; later ones are rejected. Bounds the work of a `kid`-less
/// token, which is tried against every matching key.
pub const MAX_KEYS: usize = 64;

/// RSA modulus bounds in bits (RFC 8725 3.5 / NIST: at least 2048). The upper bound caps
/// the cost of one verification.
pub const MIN_RSA_BITS: usize = 2048;
pub const MAX_RSA_BITS: usize = 8192;

/// Largest RSA public exponent accepted, in bytes (e = 65537 needs 3). Bounds modexp cost.
pub const MAX_RSA_EXPONENT_BYTES: usize = 4;

/// Time claims are accepted from 0 to the end of year 9999 (seconds since the epoch).
pub const MAX_NUMERIC_DATE: i64 = 253_402_300_799;

/// Largest accepted `clockTolerance`, seconds (a day): more is no tolerance but a disabled
/// expiry check.
pub const MAX_CLOCK_TOLERANCE: u64 = 86_400;
