//! OpenID Connect Discovery 1.0: `{issuer}/.well-known/openid-configuration`.

use crate::prelude::*;

use serde_json::Value;

use super::error::{OidcError, OidcErrorKind, Result};
use super::http::is_endpoint_url;

/// The provider metadata the session needs. Plain data: it is stored with the session so a
/// restored tab or request does not fetch it again.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ProviderMetadata {
    pub issuer: String,
    pub authorization_endpoint: String,
    pub token_endpoint: String,
    pub jwks_uri: String,
    pub end_session_endpoint: Option<String>,
    pub revocation_endpoint: Option<String>,
    pub userinfo_endpoint: Option<String>,
    /// RFC 9207: the callback must carry `iss` when this is true.
    pub iss_parameter_supported: bool,
    pub backchannel_logout_supported: bool,
}

pub fn discovery_url(issuer: &str) -> String {
    format!("{}/.well-known/openid-configuration", issuer.trim_end_matches('/'))
}

/// Parse a discovery document. Its `issuer` must equal `expected_issuer` exactly (OIDC
/// Discovery 4.3: no normalisation, a trailing slash counts), the endpoints the session uses
/// must be absolute URLs, and a provider that advertises PKCE methods must offer S256.
pub fn parse(body: &str, expected_issuer: &str) -> Result<ProviderMetadata> {
    let bad = |m: String| OidcError::new(OidcErrorKind::Discovery, m);
    let doc = crate::jose::json::parse_object("the discovery document", body.trim_start_matches('\u{feff}').as_bytes())
        .map_err(|e| bad(e.message().to_owned()))?;
    let issuer =
        doc.get("issuer").and_then(Value::as_str).ok_or_else(|| bad("the discovery document has no issuer".into()))?;
    if issuer != expected_issuer {
        return Err(OidcError::new(
            OidcErrorKind::IssuerMismatch,
            format!("the discovery document names issuer \"{issuer}\", not the configured \"{expected_issuer}\""),
        ));
    }
    let endpoint = |name: &str, required: bool| -> Result<Option<String>> {
        match doc.get(name) {
            None | Some(Value::Null) if !required => Ok(None),
            Some(Value::String(u)) if is_endpoint_url(u) => Ok(Some(u.clone())),
            None | Some(Value::Null) => Err(bad(format!("the discovery document has no {name}"))),
            Some(_) => Err(bad(format!("{name} in the discovery document is not an absolute http(s) URL"))),
        }
    };
    if let Some(methods) = doc.get("code_challenge_methods_supported") {
        let methods =
            methods.as_array().ok_or_else(|| bad("code_challenge_methods_supported is not an array".into()))?;
        if !methods.iter().any(|m| m.as_str() == Some("S256")) {
            return Err(bad("the provider does not support PKCE with S256".into()));
        }
    }
    // Absent is false; any other non-boolean is an error: read as false, a malformed
    // `authorization_response_iss_parameter_supported` would turn RFC 9207's check off.
    let flag = |name: &str| match doc.get(name) {
        None | Some(Value::Null) => Ok(false),
        Some(Value::Bool(b)) => Ok(*b),
        Some(_) => Err(bad(format!("{name} in the discovery document is not a boolean"))),
    };
    Ok(ProviderMetadata {
        issuer: issuer.to_owned(),
        authorization_endpoint: endpoint("authorization_endpoint", true)?.unwrap_or_default(),
        token_endpoint: endpoint("token_endpoint", true)?.unwrap_or_default(),
        jwks_uri: endpoint("jwks_uri", true)?.unwrap_or_default(),
        end_session_endpoint: endpoint("end_session_endpoint", false)?,
        revocation_endpoint: endpoint("revocation_endpoint", false)?,
        userinfo_endpoint: endpoint("userinfo_endpoint", false)?,
        iss_parameter_supported: flag("authorization_response_iss_parameter_supported")?,
        backchannel_logout_supported: flag("backchannel_logout_supported")?,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    const ISS: &str = "https://id.example/realms/demo";

    fn doc(extra: &str) -> String {
        format!(
            r#"{{"issuer":"{ISS}","authorization_endpoint":"{ISS}/protocol/openid-connect/auth","token_endpoint":"{ISS}/protocol/openid-connect/token","jwks_uri":"{ISS}/protocol/openid-connect/certs"{extra}}}"#
        )
    }

    #[test]
    fn parses_a_keycloak_document() {
        let m = parse(&doc(r#","end_session_endpoint":"https://id.example/realms/demo/protocol/openid-connect/logout","authorization_response_iss_parameter_supported":true,"code_challenge_methods_supported":["plain","S256"]"#), ISS).unwrap();
        assert!(m.iss_parameter_supported);
        assert!(m.end_session_endpoint.unwrap().ends_with("/logout"));
        assert_eq!(discovery_url(ISS), format!("{ISS}/.well-known/openid-configuration"));
    }

    #[test]
    fn a_malformed_flag_is_an_error_not_false() {
        for v in [r#""true""#, "1", "[]"] {
            let e = parse(&doc(&format!(r#","authorization_response_iss_parameter_supported":{v}"#)), ISS).unwrap_err();
            assert_eq!(e.kind, OidcErrorKind::Discovery, "{v}");
        }
        assert!(
            !parse(&doc(r#","authorization_response_iss_parameter_supported":null"#), ISS)
                .unwrap()
                .iss_parameter_supported
        );
        assert!(!parse(&doc(""), ISS).unwrap().iss_parameter_supported);
    }

    #[test]
    fn issuer_must_match_exactly() {
        let e = parse(&doc(""), "https://id.example/realms/demo/").unwrap_err();
        assert_eq!(e.kind, OidcErrorKind::IssuerMismatch);
    }

    #[test]
    fn refuses_missing_endpoints_no_s256_and_garbage() {
        let no_token = format!(r#"{{"issuer":"{ISS}","authorization_endpoint":"{ISS}/a","jwks_uri":"{ISS}/c"}}"#);
        assert_eq!(parse(&no_token, ISS).unwrap_err().kind, OidcErrorKind::Discovery);
        assert_eq!(
            parse(&doc(r#","code_challenge_methods_supported":["plain"]"#), ISS).unwrap_err().kind,
            OidcErrorKind::Discovery
        );
        assert_eq!(
            parse(&doc(r#","end_session_endpoint":"/logout""#), ISS).unwrap_err().kind,
            OidcErrorKind::Discovery
        );
        assert_eq!(parse("<html>", ISS).unwrap_err().kind, OidcErrorKind::Discovery);
        // The parser's reason reaches the message: two issuers must not be read as either.
        let twice = parse(&doc(r#","issuer":"https://evil.example""#), ISS).unwrap_err();
        assert_eq!(twice.kind, OidcErrorKind::Discovery);
        assert!(twice.message.contains("duplicate member \"issuer\""), "{}", twice.message);
    }
}
