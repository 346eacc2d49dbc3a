//! The one network action of the inspector, fetching keys the user asked for: which URL and
//! which origin (the page's Content-Security-Policy allows exactly that origin), whether an
//! answer is usable, and what a failure means. The page only performs the fetch.

use crate::prelude::*;

use serde::Serialize;

use crate::oidc::discovery;
use crate::oidc::http::is_endpoint_url;

/// One step's outcome: where to fetch (`url`, `origin`), or what the answer means.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct FetchStep {
    pub ok: bool,
    pub url: Option<String>,
    /// `scheme://host[:port]`, the CSP source the fetch needs.
    pub origin: Option<String>,
    pub message: String,
}

fn fail(message: impl Into<String>) -> FetchStep {
    FetchStep { ok: false, url: None, origin: None, message: message.into() }
}

/// `scheme://host[:port]` of an absolute http(s) URL, lower-cased; `None` for anything else
/// (and for URLs with credentials, which a CSP source cannot express).
pub(crate) fn origin(url: &str) -> Option<String> {
    let (scheme, rest) = url.split_once("://")?;
    let scheme = scheme.to_ascii_lowercase();
    if !(scheme == "http" || scheme == "https") {
        return None;
    }
    let authority = rest.split(['/', '?', '#']).next()?;
    if authority.is_empty() || authority.contains('@') || authority.contains(char::is_whitespace) {
        return None;
    }
    Some(format!("{scheme}://{}", authority.to_ascii_lowercase()))
}

/// What to fetch: `discovery` from an issuer (its `.well-known/openid-configuration`), or
/// `jwks` from a JWKS URL.
pub fn fetch_request(what: &str, input: &str) -> FetchStep {
    let input = input.trim();
    if !is_endpoint_url(input) {
        return fail(format!("\"{}\" is not an absolute http(s) URL.", crate::jose::error::sanitize(input, 80)));
    }
    let url = match what {
        "discovery" => discovery::discovery_url(input),
        "jwks" => input.to_owned(),
        _ => return fail("fetch_request takes \"discovery\" or \"jwks\"."),
    };
    match origin(&url) {
        Some(o) => FetchStep {
            ok: true,
            message: format!("fetch {url} (the page allows connections to {o} only)"),
            url: Some(url),
            origin: Some(o),
        },
        None => fail("The URL has no origin a Content-Security-Policy can name."),
    }
}

fn status_problem(what: &str, url: &str, status: u16, body: &str) -> Option<String> {
    let html = body.trim_start().starts_with('<');
    match status {
        200..=299 if html => Some(format!("{url} answered with an HTML page, not the {what} (a login page, a proxy, or the wrong URL?).")),
        200..=299 => None,
        404 => Some(format!("{url} answered 404: no {what} there. A Keycloak issuer looks like https://host/realms/<realm> (older versions: https://host/auth/realms/<realm>).")),
        s => Some(format!("{url} answered HTTP {s} instead of the {what}.")),
    }
}

/// The discovery document's answer: the JWKS URL to fetch next, or why not.
pub fn discovery_answer(issuer: &str, status: u16, body: &str) -> FetchStep {
    let url = discovery::discovery_url(issuer.trim());
    if let Some(problem) = status_problem("discovery document", &url, status, body) {
        return fail(problem);
    }
    match discovery::parse(body, issuer.trim()) {
        Ok(meta) => match origin(&meta.jwks_uri) {
            Some(o) => FetchStep {
                ok: true,
                message: format!("the discovery document names the JWKS at {}", meta.jwks_uri),
                url: Some(meta.jwks_uri),
                origin: Some(o),
            },
            None => fail("The discovery document's jwks_uri has no usable origin."),
        },
        Err(e) => fail(format!("The discovery document is not usable: {}.", e.message)),
    }
}

/// The JWKS URL's answer: usable JSON text, or why not (the key set checks the keys).
pub fn jwks_answer(url: &str, status: u16, body: &str) -> FetchStep {
    if let Some(problem) = status_problem("JWKS", url, status, body) {
        return fail(problem);
    }
    FetchStep {
        ok: true,
        url: Some(url.to_owned()),
        origin: origin(url),
        message: format!("fetched the JWKS from {url}"),
    }
}

/// A fetch that got no answer at all. Browsers report a network error, a refused CORS check
/// and a CSP block alike (a bare TypeError), so all the likely causes are named.
pub fn fetch_failure(url: &str, page_origin: &str) -> FetchStep {
    let target = origin(url).unwrap_or_else(|| url.to_owned());
    fail(format!(
        "No answer from {url}. Either {target} is unreachable (down, wrong host or port, a certificate the browser refuses), or it answered without CORS headers for this page's origin {page_origin}: in Keycloak, add {page_origin} to the client's Web Origins. The browser does not say which."
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn origins_and_requests() {
        assert_eq!(origin("HTTPS://SSO.example:8443/realms/a?x#y").as_deref(), Some("https://sso.example:8443"));
        assert_eq!(origin("ftp://x"), None);
        assert_eq!(origin("https://user@x/"), None);
        let r = fetch_request("discovery", "http://127.0.0.1:8180/realms/demo");
        assert_eq!(r.url.as_deref(), Some("http://127.0.0.1:8180/realms/demo/.well-known/openid-configuration"));
        assert_eq!(r.origin.as_deref(), Some("http://127.0.0.1:8180"));
        assert!(!fetch_request("jwks", "not a url").ok);
    }

    #[test]
    fn answers_are_judged() {
        assert!(discovery_answer("https://x/realms/a", 404, "").message.contains("realms/<realm>"));
        assert!(!jwks_answer("https://x/certs", 200, "<html>").ok);
        let doc = r#"{"issuer":"https://x/realms/a","authorization_endpoint":"https://x/a","token_endpoint":"https://x/t","jwks_uri":"https://keys.x/certs"}"#;
        let step = discovery_answer("https://x/realms/a", 200, doc);
        assert_eq!((step.ok, step.origin.as_deref()), (true, Some("https://keys.x")));
        assert!(!discovery_answer("https://x/realms/b", 200, doc).ok);
    }
}
