//! The guard's refusals: status, `WWW-Authenticate` challenge (RFC 6750 3) and JSON body.

use crate::prelude::*;

use crate::jose::error::{Error, ErrorKind};

/// A request the guard turns away. `www_authenticate` is `None` only for 503 (the keys
/// could not be had: not the client's fault, and no challenge it could answer).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Denial {
    pub status: u16,
    /// RFC 6750 error code: `invalid_request`, `invalid_token`, `insufficient_scope`; or
    /// `temporarily_unavailable` for a 503.
    pub error: Option<&'static str>,
    /// Why, for the client (attacker-controlled text is already sanitized by the core).
    pub description: Option<String>,
    /// tokenward's own code (`expired`, `wrong_kind`, `missing_role`...), for logs and tests.
    pub code: &'static str,
    pub www_authenticate: Option<String>,
    /// Seconds, with a 503.
    pub retry_after: Option<u64>,
}

/// RFC 6750 3: `error_description` and `scope` are limited to %x20-21 / %x23-5B / %x5D-7E
/// (printable ASCII without `"` and `\`); anything else becomes `?`, and it is kept short.
fn attribute_value(text: &str, max: usize) -> String {
    let mut out: String =
        text.chars().take(max).map(|c| if matches!(c, ' '..='~') && c != '"' && c != '\\' { c } else { '?' }).collect();
    if text.chars().count() > max {
        out.push_str("...");
    }
    out
}

fn challenge(realm: &str, error: Option<&str>, description: Option<&str>, scope: Option<&str>) -> String {
    let mut out = format!("Bearer realm=\"{}\"", attribute_value(realm, 200));
    if let Some(error) = error {
        out.push_str(&format!(", error=\"{error}\""));
    }
    if let Some(d) = description {
        out.push_str(&format!(", error_description=\"{}\"", attribute_value(d, 300)));
    }
    if let Some(s) = scope {
        out.push_str(&format!(", scope=\"{}\"", attribute_value(s, 300)));
    }
    out
}

impl Denial {
    /// No Bearer credentials: 401 with a bare challenge.
    pub fn missing(realm: &str) -> Self {
        Denial {
            status: 401,
            error: None,
            description: None,
            code: "missing_token",
            www_authenticate: Some(challenge(realm, None, None, None)),
            retry_after: None,
        }
    }

    /// A malformed `Authorization` header: 400 `invalid_request`.
    pub fn malformed_header(realm: &str, why: &str) -> Self {
        Self::with_error(realm, 400, "invalid_request", "malformed_header", why, None)
    }

    /// The token did not verify: 401 `invalid_token` with the core's reason.
    pub fn invalid_token(realm: &str, err: &Error) -> Self {
        Self::with_error(realm, 401, "invalid_token", err.code(), err.message(), None)
    }

    /// A valid token without a required role or scope: 403 `insufficient_scope`, with the
    /// scopes the resource requires when it requires some (RFC 6750 3).
    pub fn insufficient_scope(realm: &str, code: &'static str, why: &str, scopes: &[String]) -> Self {
        let scope = (!scopes.is_empty()).then(|| scopes.join(" "));
        Self::with_error(realm, 403, "insufficient_scope", code, why, scope.as_deref())
    }

    /// The key set could not be fetched and no usable copy is cached: 503.
    pub fn unavailable(why: &str, retry_after: u64) -> Self {
        Denial {
            status: 503,
            error: Some("temporarily_unavailable"),
            description: Some(attribute_value(why, 300)),
            code: "jwks_unavailable",
            www_authenticate: None,
            retry_after: Some(retry_after),
        }
    }

    fn with_error(
        realm: &str,
        status: u16,
        error: &'static str,
        code: &'static str,
        why: &str,
        scope: Option<&str>,
    ) -> Self {
        Denial {
            status,
            error: Some(error),
            description: Some(attribute_value(why, 300)),
            code,
            www_authenticate: Some(challenge(realm, Some(error), Some(why), scope)),
            retry_after: None,
        }
    }
}

/// Whether a verification failure is the guard's own misconfiguration rather than the
/// token's fault (never expected: options are checked when the guard is made).
pub(crate) fn is_configuration(err: &Error) -> bool {
    err.kind() == ErrorKind::InvalidOption
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn challenges_follow_rfc_6750() {
        assert_eq!(Denial::missing("api").www_authenticate.unwrap(), "Bearer realm=\"api\"");
        let err = Error::new(ErrorKind::Expired, "expired at \"x\"\\\u{7}é");
        let d = Denial::invalid_token("api", &err);
        assert_eq!(d.status, 401);
        assert_eq!(
            d.www_authenticate.unwrap(),
            "Bearer realm=\"api\", error=\"invalid_token\", error_description=\"expired at ?x????\""
        );
        let d = Denial::insufficient_scope(
            "api",
            "missing_scope",
            "scope write is required",
            &["read".into(), "write".into()],
        );
        assert_eq!(d.status, 403);
        assert!(d.www_authenticate.unwrap().ends_with(
            "error=\"insufficient_scope\", error_description=\"scope write is required\", scope=\"read write\""
        ));
        let long = "a".repeat(400);
        assert!(Denial::malformed_header("api", &long).description.unwrap().ends_with("a..."));
    }
}
