//! OpenID Connect protocol messages as plain data: discovery, the authorization request and
//! its callback, token and error responses, logout and revocation requests, and the
//! back-channel `logout_token`. Builds requests and parses answers; sends nothing, keeps no
//! state (the session machine in `crate::session` does).

pub mod authorize;
pub mod callback;
pub mod discovery;
pub mod error;
pub mod http;
pub mod id_token;
pub mod logout;
// Validating a logout token needs the crate's verifiers.
#[cfg(feature = "signature")]
pub mod logout_token;
pub mod pkce;
pub mod token;

pub use error::{OAuthError, OidcError, OidcErrorKind};
pub use http::{HttpRequest, Method};
