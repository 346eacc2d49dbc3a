//! The authorization request (OIDC Core 3.1.2.1, code flow with PKCE S256).

use crate::prelude::*;

use super::error::{OidcError, OidcErrorKind, Result};
use super::http::with_query;
use super::pkce::{challenge, random_string, Random};

/// Per-login options, all optional. Default: none of them sent.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct LoginOptions {
    /// `prompt` (e.g. `login`, `none`, `consent`).
    pub prompt: Option<String>,
    pub login_hint: Option<String>,
    pub ui_locales: Option<String>,
    /// `max_age` in seconds; the ID token's `auth_time` then becomes required.
    pub max_age: Option<u64>,
    pub acr_values: Option<String>,
    /// Replaces the session's configured scope for this login (`openid` is always added).
    pub scope: Option<String>,
    /// Extra parameters; they may not replace one this request sets itself.
    pub extra: Vec<(String, String)>,
    /// Where the app wants to return after the callback (kept with the login, never sent).
    pub return_to: Option<String>,
}

/// What a login in progress must remember until its callback: stored with the session.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PendingLogin {
    pub state: String,
    pub nonce: String,
    pub verifier: String,
    pub redirect_uri: String,
    pub max_age: Option<u64>,
    pub return_to: Option<String>,
    /// Local time (ms) the login started; a stale one is dropped.
    pub started: u64,
}

const RESERVED: &[&str] = &[
    "response_type",
    "client_id",
    "redirect_uri",
    "scope",
    "state",
    "nonce",
    "code_challenge",
    "code_challenge_method",
    "prompt",
    "login_hint",
    "ui_locales",
    "max_age",
    "acr_values",
];

/// `scope` with `openid` first, each scope once.
pub fn with_openid(scope: &str) -> String {
    let mut out = vec!["openid"];
    for s in scope.split_ascii_whitespace() {
        if !out.contains(&s) {
            out.push(s);
        }
    }
    out.join(" ")
}

/// Build the authorization URL and the login to remember.
pub fn authorization_url(
    endpoint: &str,
    client_id: &str,
    redirect_uri: &str,
    default_scope: &str,
    opts: &LoginOptions,
    rng: &mut dyn Random,
    now: u64,
) -> Result<(String, PendingLogin)> {
    for (k, _) in &opts.extra {
        if RESERVED.contains(&k.as_str()) || k.is_empty() {
            return Err(OidcError::new(
                OidcErrorKind::InvalidOption,
                format!("extra parameter \"{k}\" is reserved; use its own option"),
            ));
        }
    }
    let pending = PendingLogin {
        state: random_string(rng)?,
        nonce: random_string(rng)?,
        verifier: random_string(rng)?,
        redirect_uri: redirect_uri.to_owned(),
        max_age: opts.max_age,
        return_to: opts.return_to.clone(),
        started: now,
    };
    let scope = with_openid(opts.scope.as_deref().unwrap_or(default_scope));
    let code_challenge = challenge(&pending.verifier);
    let max_age = opts.max_age.map(|m| m.to_string());
    let mut pairs: Vec<(&str, &str)> = vec![
        ("response_type", "code"),
        ("client_id", client_id),
        ("redirect_uri", redirect_uri),
        ("scope", &scope),
        ("state", &pending.state),
        ("nonce", &pending.nonce),
        ("code_challenge", &code_challenge),
        ("code_challenge_method", "S256"),
    ];
    let optional = [
        ("prompt", opts.prompt.as_deref()),
        ("login_hint", opts.login_hint.as_deref()),
        ("ui_locales", opts.ui_locales.as_deref()),
        ("max_age", max_age.as_deref()),
        ("acr_values", opts.acr_values.as_deref()),
    ];
    pairs.extend(optional.iter().filter_map(|(k, v)| v.filter(|v| !v.is_empty()).map(|v| (*k, v))));
    pairs.extend(opts.extra.iter().map(|(k, v)| (k.as_str(), v.as_str())));
    Ok((with_query(endpoint, &pairs), pending))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::oidc::pkce::NoRandomness;

    struct Counter(u8);
    impl Random for Counter {
        fn fill(&mut self, buf: &mut [u8]) -> core::result::Result<(), NoRandomness> {
            self.0 = self.0.wrapping_add(1);
            buf.fill(self.0);
            Ok(())
        }
    }

    #[test]
    fn url_carries_pkce_state_nonce_and_openid() {
        let opts = LoginOptions {
            prompt: Some("login".into()),
            max_age: Some(60),
            extra: vec![("kc_idp_hint".into(), "github".into())],
            ..Default::default()
        };
        let (url, p) = authorization_url(
            "https://id/auth",
            "spa",
            "https://app/cb",
            "profile offline_access",
            &opts,
            &mut Counter(0),
            5,
        )
        .unwrap();
        assert!(url.starts_with("https://id/auth?response_type=code&client_id=spa&redirect_uri=https%3A%2F%2Fapp%2Fcb&scope=openid+profile+offline_access&state="));
        assert!(url.contains("&code_challenge_method=S256&prompt=login&max_age=60&kc_idp_hint=github"));
        assert!(url.contains(&format!("code_challenge={}", challenge(&p.verifier))));
        assert_ne!(p.state, p.nonce);
        assert!(!url.contains("undefined") && !url.contains(&p.verifier));
    }

    #[test]
    fn reserved_extra_parameters_are_refused() {
        let opts = LoginOptions { extra: vec![("state".into(), "x".into())], ..Default::default() };
        let e = authorization_url("https://id/auth", "spa", "https://app/cb", "openid", &opts, &mut Counter(0), 0)
            .unwrap_err();
        assert_eq!(e.kind, OidcErrorKind::InvalidOption);
    }

    #[test]
    fn openid_is_always_first_and_once() {
        assert_eq!(with_openid(""), "openid");
        assert_eq!(with_openid("email openid email"), "openid email");
    }
}
