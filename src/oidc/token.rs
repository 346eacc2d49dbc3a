//! Token-endpoint requests (authorization code, refresh, client credentials) and responses
//! (RFC 6749 5.1-5.2, with Keycloak's extra fields).

use crate::prelude::*;

use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};

use super::error::{invalid_response, OAuthError, OidcError, OidcErrorKind, Result};
use super::http::{basic_auth, HttpRequest};
use crate::TokenKind;

/// How a client authenticates at the token endpoint. A public client (an SPA) has no secret.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ClientAuth {
    pub client_id: String,
    /// A confidential client's secret. Default: none (public client, PKCE only).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub secret: Option<String>,
    /// Send the secret as `client_secret` in the body instead of HTTP Basic. Default: Basic
    /// (RFC 6749 2.3.1: servers must support it).
    #[serde(default)]
    pub secret_in_body: bool,
}

impl ClientAuth {
    pub fn public(client_id: impl Into<String>) -> Self {
        Self { client_id: client_id.into(), secret: None, secret_in_body: false }
    }

    /// A form POST to `url` authenticated as this client (`client_id` always in the body:
    /// Keycloak's logout and public clients need it).
    pub fn form(&self, url: &str, pairs: &[(&str, &str)]) -> HttpRequest {
        let mut all: Vec<(&str, &str)> = pairs.to_vec();
        all.push(("client_id", &self.client_id));
        match &self.secret {
            Some(s) if self.secret_in_body => {
                all.push(("client_secret", s));
                HttpRequest::form(url, &all)
            }
            Some(s) => HttpRequest::form(url, &all).header("authorization", basic_auth(&self.client_id, s)),
            None => HttpRequest::form(url, &all),
        }
    }
}

pub fn code_request(endpoint: &str, auth: &ClientAuth, code: &str, redirect_uri: &str, verifier: &str) -> HttpRequest {
    auth.form(
        endpoint,
        &[
            ("grant_type", "authorization_code"),
            ("code", code),
            ("redirect_uri", redirect_uri),
            ("code_verifier", verifier),
        ],
    )
}

pub fn refresh_request(endpoint: &str, auth: &ClientAuth, refresh_token: &str) -> HttpRequest {
    auth.form(endpoint, &[("grant_type", "refresh_token"), ("refresh_token", refresh_token)])
}

pub fn client_credentials_request(endpoint: &str, auth: &ClientAuth, scope: Option<&str>) -> HttpRequest {
    let mut pairs = vec![("grant_type", "client_credentials")];
    if let Some(s) = scope.filter(|s| !s.is_empty()) {
        pairs.push(("scope", s));
    }
    auth.form(endpoint, &pairs)
}

/// A successful token response, typed and checked.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct TokenResponse {
    pub access_token: String,
    /// Seconds; `None` when the provider did not say.
    pub expires_in: Option<u64>,
    pub refresh_token: Option<String>,
    /// Keycloak: seconds until the refresh token expires; 0 means no expiry (offline
    /// tokens). `None` when absent (other providers).
    pub refresh_expires_in: Option<u64>,
    pub id_token: Option<String>,
    pub scope: Option<String>,
    pub session_state: Option<String>,
    /// Keycloak's `not-before-policy`: tokens issued before it are revoked. 0 = none.
    pub not_before_policy: i64,
}

/// The longest lifetime accepted, in seconds: twelve digits (some 31,000 years), so that
/// adding it to a time can never overflow.
pub const MAX_LIFETIME: u64 = 999_999_999_999;

fn lifetime(m: &Map<String, Value>, name: &str) -> Result<Option<u64>> {
    match m.get(name) {
        None | Some(Value::Null) => Ok(None),
        // Some providers send numbers as strings ("3600"); accept only digits.
        Some(Value::String(s)) if !s.is_empty() && s.len() <= 12 && s.bytes().all(|b| b.is_ascii_digit()) => {
            Ok(s.parse().ok())
        }
        Some(Value::Number(n)) => match n.as_u64() {
            Some(v) if v <= MAX_LIFETIME => Ok(Some(v)),
            Some(_) => Err(invalid_response(format!("{name} is more than {MAX_LIFETIME} seconds"))),
            None => Err(invalid_response(format!("{name} is not a non-negative whole number"))),
        },
        Some(_) => Err(invalid_response(format!("{name} is not a number"))),
    }
}

fn opt_string(m: &Map<String, Value>, name: &str) -> Result<Option<String>> {
    match m.get(name) {
        None | Some(Value::Null) => Ok(None),
        Some(Value::String(s)) if s.is_empty() => Ok(None),
        Some(Value::String(s)) => Ok(Some(s.clone())),
        Some(_) => Err(invalid_response(format!("{name} is not a string"))),
    }
}

fn looks_like_html(body: &str) -> bool {
    let b = body.trim_start().get(..15).unwrap_or("").to_ascii_lowercase();
    b.starts_with("<!doctype") || b.starts_with("<html") || b.starts_with('<')
}

fn json_object(body: &str) -> Result<Map<String, Value>> {
    if looks_like_html(body) {
        return Err(invalid_response(
            "the token endpoint answered with an HTML page, not JSON (a proxy or error page?)",
        ));
    }
    crate::jose::json::parse_object("the token endpoint's answer", body.as_bytes())
        .map_err(|e| invalid_response(e.message()))
}

/// Parse an RFC 6749 5.2 error body; `None` when the body is not one.
pub fn parse_error(status: u16, body: &str) -> Option<OAuthError> {
    let m = json_object(body).ok()?;
    let error = m.get("error")?.as_str()?.to_owned();
    let description = m.get("error_description").and_then(Value::as_str).map(str::to_owned);
    Some(OAuthError { error, description, status })
}

/// Parse a token-endpoint answer: 2xx must be a valid token response; an error status must
/// carry an RFC 6749 error (anything else is `InvalidResponse`, with the status kept in the
/// message so transient failures can be told apart by the caller).
pub fn parse_response(status: u16, body: &str) -> Result<TokenResponse> {
    if !(200..300).contains(&status) {
        return Err(match parse_error(status, body) {
            Some(e) => {
                OidcError::new(OidcErrorKind::Grant(e.clone()), format!("the token endpoint refused: {}", e.error))
            }
            None => invalid_response(format!("the token endpoint answered HTTP {status} without an OAuth error")),
        });
    }
    let m = json_object(body)?;
    if m.contains_key("error") {
        return Err(invalid_response("a successful answer that carries an error member"));
    }
    let access_token =
        opt_string(&m, "access_token")?.ok_or_else(|| invalid_response("the token response has no access_token"))?;
    // The token kind (RFC 8725 3.11): an ID, refresh or offline token handed out as the
    // access token would reach the app's APIs as a Bearer credential. Opaque tokens pass.
    let other_kind = crate::decode(&access_token).ok().and_then(|t| match t.kind() {
        TokenKind::Id => Some("an ID"),
        TokenKind::Refresh => Some("a refresh"),
        TokenKind::Offline => Some("an offline"),
        TokenKind::Access | TokenKind::Unknown => None,
    });
    if let Some(kind) = other_kind {
        return Err(invalid_response(format!(
            "the token response's access_token is {kind} token, not an access token"
        )));
    }
    match m.get("token_type").and_then(Value::as_str) {
        Some(t) if t.eq_ignore_ascii_case("bearer") => {}
        Some(t) => {
            return Err(OidcError::new(
                OidcErrorKind::UnsupportedTokenType,
                format!("token_type \"{t}\" is not supported (Bearer only)"),
            ))
        }
        None => return Err(invalid_response("the token response has no token_type")),
    }
    let not_before_policy = match m.get("not-before-policy") {
        None | Some(Value::Null) => 0,
        Some(v) => {
            v.as_i64().filter(|n| *n >= 0).ok_or_else(|| invalid_response("not-before-policy is not a timestamp"))?
        }
    };
    Ok(TokenResponse {
        access_token,
        expires_in: lifetime(&m, "expires_in")?,
        refresh_token: opt_string(&m, "refresh_token")?,
        refresh_expires_in: lifetime(&m, "refresh_expires_in")?,
        id_token: opt_string(&m, "id_token")?,
        scope: opt_string(&m, "scope")?,
        session_state: opt_string(&m, "session_state")?,
        not_before_policy,
    })
}

/// What a client may read of a refresh token: nothing, unless it happens to be a JWT (as
/// Keycloak's are), and then only `exp` and `typ`. It is signed with the realm's secret, so
/// it can never be verified here; this is a hint for scheduling, never a decision of trust.
pub fn peek_refresh_token(rt: &str) -> (Option<i64>, Option<String>) {
    match crate::decode(rt) {
        Ok(t) => (t.claims().exp().filter(|e| *e > 0), t.claims().typ().map(str::to_owned)),
        Err(_) => (None, None),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_access_token_of_another_kind_is_refused() {
        let jwt = |typ: &str| {
            let b = |v: &str| crate::jose::b64::encode(v.as_bytes());
            format!("{}.{}.c2ln", b(r#"{"alg":"RS256"}"#), b(&format!(r#"{{"typ":"{typ}","sub":"u"}}"#)))
        };
        let body = |at: &str| format!(r#"{{"access_token":"{at}","token_type":"Bearer"}}"#);
        for typ in ["ID", "Refresh", "Offline"] {
            let e = parse_response(200, &body(&jwt(typ))).unwrap_err();
            assert_eq!(e.kind, OidcErrorKind::InvalidResponse, "{typ}");
        }
        for at in [jwt("Bearer"), "opaque-token".into()] {
            assert_eq!(parse_response(200, &body(&at)).unwrap().access_token, at);
        }
    }

    #[test]
    fn lifetimes_are_bounded() {
        let body = |v: &str| format!(r#"{{"access_token":"a","token_type":"Bearer","expires_in":{v}}}"#);
        assert_eq!(parse_response(200, &body("999999999999")).unwrap().expires_in, Some(MAX_LIFETIME));
        for v in ["1000000000000", "9223372036854775807", "18446744073709551615"] {
            let e = parse_response(200, &body(v)).unwrap_err();
            assert_eq!(e.kind, OidcErrorKind::InvalidResponse, "{v}");
        }
    }

    #[test]
    fn keycloak_response() {
        let r = parse_response(200, r#"{"access_token":"a","expires_in":300,"refresh_expires_in":0,"refresh_token":"r","token_type":"bearer","id_token":"i","not-before-policy":0,"session_state":"s","scope":"openid offline_access"}"#).unwrap();
        assert_eq!((r.expires_in, r.refresh_expires_in, r.session_state.as_deref()), (Some(300), Some(0), Some("s")));
    }

    #[test]
    fn bad_responses_are_typed() {
        let k = |s, b| parse_response(s, b).unwrap_err().kind;
        assert_eq!(k(200, "<html><body>Bad gateway</body></html>"), OidcErrorKind::InvalidResponse);
        assert_eq!(k(200, r#"{"token_type":"Bearer"}"#), OidcErrorKind::InvalidResponse);
        assert_eq!(k(200, r#"{"access_token":"a","token_type":"DPoP"}"#), OidcErrorKind::UnsupportedTokenType);
        assert_eq!(
            k(200, r#"{"access_token":"a","token_type":"Bearer","expires_in":-5}"#),
            OidcErrorKind::InvalidResponse
        );
        assert_eq!(
            k(200, r#"{"access_token":"a","token_type":"Bearer","expires_in":"soon"}"#),
            OidcErrorKind::InvalidResponse
        );
        assert_eq!(
            k(200, r#"{"access_token":"a","token_type":"Bearer","expires_in":1.5}"#),
            OidcErrorKind::InvalidResponse
        );
        assert_eq!(k(502, "<html>"), OidcErrorKind::InvalidResponse);
        let twice =
            parse_response(200, r#"{"access_token":"a","access_token":"b","token_type":"Bearer"}"#).unwrap_err();
        assert_eq!(twice.kind, OidcErrorKind::InvalidResponse);
        assert!(twice.message.contains("duplicate member \"access_token\""), "{}", twice.message);
        match k(400, r#"{"error":"invalid_grant","error_description":"Stale token"}"#) {
            OidcErrorKind::Grant(e) => assert_eq!(
                (e.error.as_str(), e.description.as_deref(), e.status),
                ("invalid_grant", Some("Stale token"), 400)
            ),
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn client_auth_basic_or_body() {
        let mut a = ClientAuth { client_id: "bff".into(), secret: Some("s:1".into()), secret_in_body: false };
        let r = refresh_request("https://id/token", &a, "rt");
        assert_eq!(r.body.as_deref(), Some("grant_type=refresh_token&refresh_token=rt&client_id=bff"));
        assert!(r.headers.iter().any(|(k, v)| k == "authorization" && v == "Basic YmZmOnMlM0Ex"));
        a.secret_in_body = true;
        assert!(refresh_request("https://id/token", &a, "rt").body.unwrap().ends_with("client_secret=s%3A1"));
    }
}
