//! The authorization response: the redirect back to the app (OIDC Core 3.1.2.5-6, RFC 9207).

use crate::prelude::*;

use super::error::{OAuthError, OidcError, OidcErrorKind, Result};

/// A successful authorization response, checked against the login in progress.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AuthorizationCode {
    pub code: String,
    pub state: String,
    pub session_state: Option<String>,
}

/// The query (or, failing that, the fragment) of a callback URL as name/value pairs.
fn params(url: &str) -> Vec<(String, String)> {
    let (before_frag, frag) = url.split_once('#').map_or((url, None), |(a, b)| (a, Some(b)));
    let query = before_frag.split_once('?').map(|(_, q)| q).filter(|q| !q.is_empty()).or(frag).unwrap_or("");
    form_urlencoded::parse(query.as_bytes()).map(|(k, v)| (k.into_owned(), v.into_owned())).collect()
}

/// Parse a callback URL. `expected_state` is the state of the login in progress (`None`
/// when there is none: a replayed or foreign callback); `issuer` is checked against the
/// `iss` parameter, which must be present when the provider advertises it (RFC 9207).
pub fn parse(url: &str, expected_state: Option<&str>, issuer: &str, iss_required: bool) -> Result<AuthorizationCode> {
    let p = params(url);
    let one = |name: &str| -> Result<Option<&str>> {
        let mut it = p.iter().filter(|(k, _)| k == name);
        let first = it.next().map(|(_, v)| v.as_str());
        if it.next().is_some() {
            return Err(OidcError::new(
                OidcErrorKind::InvalidResponse,
                format!("the callback repeats the {name} parameter"),
            ));
        }
        Ok(first)
    };
    let state = one("state")?;
    let Some(expected) = expected_state else {
        return Err(OidcError::new(
            OidcErrorKind::State,
            "no login is in progress: the callback was already used or belongs to another app",
        ));
    };
    match state {
        None => return Err(OidcError::new(OidcErrorKind::State, "the callback has no state parameter")),
        Some(s) if s != expected => {
            return Err(OidcError::new(OidcErrorKind::State, "the callback's state matches no login in progress"))
        }
        Some(_) => {}
    }
    // RFC 9207 2.4: check iss before acting on the response, errors included.
    match one("iss")? {
        Some(iss) if iss != issuer => {
            return Err(OidcError::new(
                OidcErrorKind::IssParameter,
                format!("the callback comes from issuer \"{iss}\", not \"{issuer}\""),
            ))
        }
        None if iss_required => {
            return Err(OidcError::new(
                OidcErrorKind::IssParameter,
                "the provider advertises the iss parameter but the callback has none",
            ))
        }
        _ => {}
    }
    if let Some(error) = one("error")? {
        return Err(OidcError::new(
            OidcErrorKind::Authorization(OAuthError {
                error: error.to_owned(),
                description: one("error_description")?.map(str::to_owned),
                status: 0,
            }),
            format!("the provider refused the login: {error}"),
        ));
    }
    let code = one("code")?
        .filter(|c| !c.is_empty())
        .ok_or_else(|| OidcError::new(OidcErrorKind::InvalidResponse, "the callback has no code"))?;
    Ok(AuthorizationCode {
        code: code.to_owned(),
        state: expected.to_owned(),
        session_state: one("session_state")?.map(str::to_owned),
    })
}

/// One parameter of a callback URL (the first, if repeated).
pub fn param(url: &str, name: &str) -> Option<String> {
    params(url).into_iter().find(|(k, _)| k == name).map(|(_, v)| v)
}

/// Whether a URL looks like an authorization response (has `code` or `error`, and `state`).
pub fn is_callback(url: &str) -> bool {
    let p = params(url);
    let has = |n: &str| p.iter().any(|(k, _)| k == n);
    has("state") && (has("code") || has("error"))
}

#[cfg(test)]
mod tests {
    use super::*;
    const ISS: &str = "https://id/realms/demo";

    #[test]
    fn good_callback() {
        let c = parse(
            "https://app/cb?code=abc&state=s1&session_state=x&iss=https%3A%2F%2Fid%2Frealms%2Fdemo",
            Some("s1"),
            ISS,
            true,
        )
        .unwrap();
        assert_eq!(c.code, "abc");
        assert_eq!(c.session_state.as_deref(), Some("x"));
        assert!(is_callback("https://app/cb#state=a&code=b"));
    }

    #[test]
    fn state_and_iss_checked_before_errors() {
        let k = |u: &str, st: Option<&str>, req: bool| parse(u, st, ISS, req).unwrap_err().kind;
        assert_eq!(k("https://app/cb?code=a&state=other", Some("s1"), false), OidcErrorKind::State);
        assert_eq!(k("https://app/cb?code=a", Some("s1"), false), OidcErrorKind::State);
        assert_eq!(k("https://app/cb?code=a&state=s1", None, false), OidcErrorKind::State);
        assert_eq!(k("https://app/cb?code=a&state=s1", Some("s1"), true), OidcErrorKind::IssParameter);
        assert_eq!(
            k("https://app/cb?code=a&state=s1&iss=https%3A%2F%2Fevil", Some("s1"), false),
            OidcErrorKind::IssParameter
        );
        assert_eq!(k("https://app/cb?code=a&code=b&state=s1", Some("s1"), false), OidcErrorKind::InvalidResponse);
        assert_eq!(k("https://app/cb?state=s1", Some("s1"), false), OidcErrorKind::InvalidResponse);
        match k("https://app/cb?error=access_denied&error_description=User+cancelled&state=s1", Some("s1"), false) {
            OidcErrorKind::Authorization(e) => {
                assert_eq!(e.error, "access_denied");
                assert_eq!(e.description.as_deref(), Some("User cancelled"));
            }
            other => panic!("{other:?}"),
        }
    }
}
