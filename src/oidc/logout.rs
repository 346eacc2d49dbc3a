//! Ending sessions: RP-initiated logout (OIDC RP-Initiated Logout 1.0), Keycloak's
//! back-channel logout by refresh token, RFC 7009 revocation, and Keycloak's admin API.

use crate::prelude::*;

use serde::{Deserialize, Serialize};

use super::error::{OidcError, OidcErrorKind, Result};
use super::http::{with_query, HttpRequest, Method};
use super::token::ClientAuth;

/// The parameters of an RP-initiated logout, as a GET URL or as the fields of a POST form
/// the user agent submits (for ID tokens too long for a URL).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct EndSession {
    pub endpoint: String,
    pub fields: Vec<(String, String)>,
}

impl EndSession {
    /// `client_id` always; `id_token_hint` whenever one is known (Keycloak answers 400
    /// without it when a redirect URI is given, and accepts an expired one); empty values
    /// are left out, so "undefined" or "" is never sent.
    pub fn new(
        endpoint: &str,
        client_id: &str,
        id_token_hint: Option<&str>,
        post_logout_redirect_uri: Option<&str>,
        state: Option<&str>,
        ui_locales: Option<&str>,
    ) -> Self {
        let candidates = [
            ("client_id", Some(client_id)),
            ("id_token_hint", id_token_hint),
            ("post_logout_redirect_uri", post_logout_redirect_uri),
            ("state", state),
            ("ui_locales", ui_locales),
        ];
        let fields = candidates
            .iter()
            .filter_map(|(k, v)| {
                v.filter(|v| !v.is_empty() && *v != "undefined" && *v != "null")
                    .map(|v| ((*k).to_owned(), v.to_owned()))
            })
            .collect();
        Self { endpoint: endpoint.to_owned(), fields }
    }

    pub fn url(&self) -> String {
        let pairs: Vec<(&str, &str)> = self.fields.iter().map(|(k, v)| (k.as_str(), v.as_str())).collect();
        with_query(&self.endpoint, &pairs)
    }
}

/// Keycloak's back-channel logout: POST the refresh token to the end-session endpoint. Ends
/// the online or offline session; 204 also when it is already gone.
pub fn backchannel_request(endpoint: &str, auth: &ClientAuth, refresh_token: &str) -> HttpRequest {
    auth.form(endpoint, &[("refresh_token", refresh_token)])
}

/// RFC 7009 revocation of a refresh token.
pub fn revocation_request(endpoint: &str, auth: &ClientAuth, refresh_token: &str) -> HttpRequest {
    auth.form(endpoint, &[("token", refresh_token), ("token_type_hint", "refresh_token")])
}

/// Keycloak's admin base URL and realm from an issuer `{base}/realms/{realm}`.
pub fn admin_session_url(issuer: &str, session_id: &str) -> Result<String> {
    // Searched as bytes and split with get(): core's substring search slices with a panic
    // whose message formatting (char Debug, Unicode tables) would be in the session's Wasm for
    // this one line.
    const REALMS: &[u8] = b"/realms/";
    let (base, realm) = issuer
        .as_bytes()
        .windows(REALMS.len())
        .rposition(|w| w == REALMS)
        .and_then(|i| Some((issuer.get(..i)?, issuer.get(i + REALMS.len()..)?)))
        .filter(|(b, r)| !b.is_empty() && !r.is_empty() && !r.contains('/'))
        .ok_or_else(|| {
            OidcError::new(
                OidcErrorKind::InvalidOption,
                "the issuer is not a Keycloak realm URL ({base}/realms/{realm})",
            )
        })?;
    if session_id.is_empty()
        || !session_id.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_' || b == b'.')
    {
        return Err(OidcError::new(OidcErrorKind::InvalidOption, "the session id is not a Keycloak session id"));
    }
    Ok(format!("{base}/admin/realms/{realm}/sessions/{session_id}"))
}

/// `DELETE {base}/admin/realms/{realm}/sessions/{sid}` with a service account's bearer.
pub fn admin_logout_request(issuer: &str, session_id: &str, service_token: &str) -> Result<HttpRequest> {
    Ok(HttpRequest {
        method: Method::Delete,
        url: admin_session_url(issuer, session_id)?,
        headers: vec![("authorization".into(), format!("Bearer {service_token}"))],
        body: None,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn end_session_never_sends_empty_or_undefined() {
        let e = EndSession::new("https://id/logout", "spa", Some("undefined"), Some("https://app/"), None, Some(""));
        assert_eq!(e.url(), "https://id/logout?client_id=spa&post_logout_redirect_uri=https%3A%2F%2Fapp%2F");
        let e = EndSession::new("https://id/logout?x=1", "spa", Some("h.i.t"), None, Some("st"), None);
        assert_eq!(e.url(), "https://id/logout?x=1&client_id=spa&id_token_hint=h.i.t&state=st");
    }

    #[test]
    fn admin_url_from_issuer() {
        assert_eq!(
            admin_session_url("https://kc/auth/realms/demo", "a-b").unwrap(),
            "https://kc/auth/admin/realms/demo/sessions/a-b"
        );
        assert!(admin_session_url("https://other/issuer", "a").is_err());
        assert!(admin_session_url("https://kc/realms/demo", "../x").is_err());
        // The last "/realms/" splits; an empty base or realm, or a path after the realm, is refused.
        assert_eq!(
            admin_session_url("https://kc/realms/x/realms/demo", "s").unwrap(),
            "https://kc/realms/x/admin/realms/demo/sessions/s"
        );
        for issuer in ["https://kc/realms/", "/realms/demo", "https://kc/realms/demo/x", "https://kc/realms"] {
            assert!(admin_session_url(issuer, "s").is_err(), "{issuer}");
        }
    }
}
