//! What the inspector hands the page: plain data, serialized as JSON for the Wasm bindings.

use crate::prelude::*;

use serde::Serialize;

use crate::jose::compact::Token;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Level {
    Info,
    Warning,
}

/// A note or warning: a stable `code` for tests and tools, a sentence for people.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Note {
    pub level: Level,
    pub code: &'static str,
    pub text: String,
}

impl Note {
    pub(crate) fn info(code: &'static str, text: impl Into<String>) -> Self {
        Self { level: Level::Info, code, text: text.into() }
    }
    pub(crate) fn warning(code: &'static str, text: impl Into<String>) -> Self {
        Self { level: Level::Warning, code, text: text.into() }
    }
}

#[derive(Debug, Clone, Serialize)]
pub struct Inspection {
    /// `token`, `token_response`, `url` (a redirect URL or form body) or `invalid`.
    pub input: &'static str,
    pub tokens: Vec<TokenView>,
    pub response: Option<ResponseView>,
    /// About the input as a whole (a token found in a URL, a removed `Bearer ` prefix).
    pub notes: Vec<Note>,
}

/// A header member or claim, explained in place.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Field {
    pub name: String,
    pub label: String,
    pub explanation: String,
    /// Shown as untrusted (a key source named by the token itself).
    pub untrusted: bool,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct TimeView {
    pub claim: &'static str,
    pub at: i64,
    pub utc: String,
    /// "expires in 4m 12s", "expired 3h 0m ago", as of `now`.
    pub relative: String,
    pub past: bool,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ClientRoles {
    pub client: String,
    pub roles: Vec<String>,
}

#[derive(Debug, Clone, Serialize)]
pub struct TokenView {
    /// Where it came from: `access_token`, `id_token`, `refresh_token`, `logout_token`, or
    /// `token` when pasted alone.
    pub field: String,
    /// `access`, `id`, `refresh`, `offline`, `logout`, `unknown`; `invalid` when not a JWT.
    pub kind: &'static str,
    pub label: String,
    /// The compact token itself, for explain and compare (already in the page's hands).
    pub token: String,
    /// Why this is not a JWT (segments, base64url, JSON, claim types), when it is not.
    pub error: Option<ErrorView>,
    /// The header and payload JSON exactly as the token carries them (member order kept).
    pub header_json: Option<String>,
    pub claims_json: Option<String>,
    pub header_fields: Vec<Field>,
    pub claim_fields: Vec<Field>,
    pub issuer: Option<String>,
    pub subject: Option<String>,
    pub audience: Vec<String>,
    pub azp: Option<String>,
    pub sid: Option<String>,
    pub scopes: Vec<String>,
    pub realm_roles: Vec<String>,
    pub client_roles: Vec<ClientRoles>,
    pub times: Vec<TimeView>,
    /// What the token response said of this token's lifetime, beside the token's own times.
    pub stated_lifetime: Option<String>,
    pub notes: Vec<Note>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ErrorView {
    pub code: &'static str,
    pub message: String,
}

#[derive(Debug, Clone, Serialize)]
pub struct ResponseView {
    pub token_type: Option<String>,
    pub expires_in: Option<u64>,
    pub refresh_expires_in: Option<u64>,
    pub scope: Option<String>,
    pub session_state: Option<String>,
    pub notes: Vec<Note>,
}

/// The view of one token found in the input under `field`.
pub(crate) fn token(field: &str, text: &str, now: i64) -> TokenView {
    let mut view = TokenView {
        field: field.to_owned(),
        kind: "invalid",
        label: "not a JWT".into(),
        token: text.to_owned(),
        error: None,
        header_json: None,
        claims_json: None,
        header_fields: Vec::new(),
        claim_fields: Vec::new(),
        issuer: None,
        subject: None,
        audience: Vec::new(),
        azp: None,
        sid: None,
        scopes: Vec::new(),
        realm_roles: Vec::new(),
        client_roles: Vec::new(),
        times: Vec::new(),
        stated_lifetime: None,
        notes: Vec::new(),
    };
    match crate::decode(text) {
        Ok(t) => fill(&mut view, &t.into_token(), now),
        Err(e) => {
            view.error = Some(ErrorView { code: e.code(), message: super::input::explain_malformed(text, e.message()) })
        }
    }
    view
}

fn fill(view: &mut TokenView, t: &Token, now: i64) {
    let (h, c) = (t.header(), t.claims());
    let kind = super::claims::kind(t);
    view.kind = kind;
    view.label = super::claims::kind_label(kind, t);
    view.header_json = Some(h.json().to_owned());
    view.claims_json = Some(c.json().to_owned());
    view.header_fields = super::claims::header_fields(h);
    view.claim_fields = super::claims::claim_fields(c, now);
    view.issuer = c.iss().map(str::to_owned);
    view.subject = c.sub().map(str::to_owned);
    view.audience = c.aud().into_iter().map(str::to_owned).collect();
    view.azp = c.azp().map(str::to_owned);
    view.sid = c.sid().map(str::to_owned);
    view.scopes = c.scopes().into_iter().map(str::to_owned).collect();
    view.realm_roles = c.realm_roles().into_iter().map(str::to_owned).collect();
    view.client_roles = super::claims::client_roles(c);
    view.times = super::times::of(c, now);
    view.notes = super::notes::of(t, kind, now);
}
