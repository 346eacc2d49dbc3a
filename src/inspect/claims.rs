//! Header members and claims explained in place: what each known one means, with its value
//! read the way Keycloak uses it.

use crate::prelude::*;

use serde_json::Value;

use crate::jose::claims::Claims;
use crate::jose::compact::Token;
use crate::jose::error::sanitize;
use crate::jose::header::{Header, UNTRUSTED_KEY_MEMBERS};
use crate::jose::kind::TokenKind;
use crate::jose::time_fmt::iso8601;

use super::times::describe_time;
use super::view::{ClientRoles, Field};

const LOGOUT_EVENT: &str = "http://schemas.openid.net/event/backchannel-logout";

/// The inspector's kind: the core's `TokenKind`, plus back-channel logout tokens (OIDC
/// Back-Channel Logout 2.4: the `events` member, or the header `typ` `logout+jwt`).
pub(crate) fn kind(t: &Token) -> &'static str {
    let logout_event =
        t.claims().get("events").and_then(Value::as_object).is_some_and(|e| e.contains_key(LOGOUT_EVENT));
    let logout_typ = t.header().typ().is_some_and(|typ| typ.eq_ignore_ascii_case("logout+jwt"));
    if logout_event || logout_typ {
        return "logout";
    }
    t.kind().name()
}

pub(crate) fn kind_label(kind: &str, t: &Token) -> String {
    let payload_typ = t.claims().typ();
    let source = match (t.header().typ(), payload_typ) {
        (_, Some(p)) => format!(" (payload typ \"{}\", as Keycloak writes it)", sanitize(p, 20)),
        (Some(h), None) => format!(" (header typ \"{}\")", sanitize(h, 20)),
        (None, None) => String::new(),
    };
    match kind {
        "access" => format!("access token{source}"),
        "id" => format!("ID token{source}"),
        "refresh" => format!("refresh token{source}"),
        "offline" => format!("offline token: the refresh token of an offline session{source}"),
        "logout" => "back-channel logout token".into(),
        _ if t.kind() == TokenKind::Unknown && payload_typ.is_some() => format!("JWT of unknown kind{source}"),
        _ => "JWT of unknown kind (no Keycloak typ claim, no at+jwt header typ)".into(),
    }
}

fn field(name: &str, label: &str, explanation: String) -> Field {
    Field { name: name.to_owned(), label: label.to_owned(), explanation, untrusted: false }
}

fn list(items: &[&str]) -> String {
    if items.is_empty() {
        return "none".into();
    }
    items.iter().take(20).map(|s| sanitize(s, 60)).collect::<Vec<_>>().join(", ")
}

pub(crate) fn header_fields(h: &Header) -> Vec<Field> {
    let mut out = Vec::new();
    for name in h.raw().keys() {
        let f = match name.as_str() {
            "alg" => field("alg", "algorithm", describe_alg(h.alg())),
            "kid" => field("kid", "key ID", "selects the key in the issuer's JWKS that verifies this token".into()),
            "typ" => field("typ", "type", describe_typ(h.typ().unwrap_or_default())),
            "cty" => field("cty", "content type", "a nested token's type; not used for plain JWTs".into()),
            "crit" => field("crit", "critical extensions", "extensions a verifier must understand or refuse; tokenward refuses all".into()),
            m if UNTRUSTED_KEY_MEMBERS.contains(&m) => Field {
                name: m.to_owned(),
                label: "untrusted key source".into(),
                explanation: format!("{m} is named by the token itself: never fetched, never used; keys come only from the key set you give"),
                untrusted: true,
            },
            _ => continue,
        };
        out.push(f);
    }
    out
}

fn describe_alg(alg: &str) -> String {
    let family = match alg.get(..2).unwrap_or("") {
        "RS" => "RSA PKCS#1 v1.5",
        "PS" => "RSA-PSS",
        "ES" => "ECDSA",
        "HS" => "HMAC with a shared secret",
        "Ed" => "EdDSA (Ed25519)",
        _ if alg.eq_ignore_ascii_case("none") => return "none: the token is unsigned; never accepted".into(),
        _ => return format!("{}: not an algorithm tokenward implements", sanitize(alg, 16)),
    };
    let hash = alg.get(2..).filter(|h| h.len() == 3).map(|h| format!(" with SHA-{h}")).unwrap_or_default();
    format!("{family}{hash}")
}

fn describe_typ(typ: &str) -> String {
    match typ.to_ascii_lowercase().trim_start_matches("application/") {
        "jwt" => "a JWT; Keycloak says the token's purpose in the payload typ instead".into(),
        "at+jwt" => "an RFC 9068 access token".into(),
        "logout+jwt" => "a back-channel logout token".into(),
        _ => format!("\"{}\"", sanitize(typ, 30)),
    }
}

pub(crate) fn claim_fields(c: &Claims, now: i64) -> Vec<Field> {
    let mut out = Vec::new();
    for (name, value) in c.raw() {
        let s = value.as_str().map(|s| sanitize(s, 80).to_owned()).unwrap_or_default();
        let time = |claim: &str, at: Option<i64>, what: &str| {
            at.map(|at| format!("{what} {} ({})", iso8601(at), describe_time(claim, at, now))).unwrap_or_default()
        };
        let f = match name.as_str() {
            "iss" => field(name, "issuer", format!("the provider that issued it: {s}{}", realm_of(&s))),
            "sub" => field(name, "subject", format!("the user (or service account) it is about: {s}")),
            "aud" => field(name, "audience", format!("the recipients it is meant for: {}", list(&c.aud()))),
            "azp" => field(name, "authorized party", format!("the client that asked for it: {s}")),
            "sid" => field(
                name,
                "session ID",
                "the login session at the provider; tokens with one sid belong to one login".into(),
            ),
            "session_state" => field(name, "session state", "Keycloak's older name for the session ID (sid)".into()),
            "scope" => field(name, "scopes", format!("granted scopes: {}", list(&c.scopes()))),
            "typ" => {
                field(name, "Keycloak token type", format!("{s}: Bearer = access, ID = ID token, Refresh, Offline"))
            }
            "realm_access" => field(name, "realm roles", format!("roles in the realm: {}", list(&c.realm_roles()))),
            "resource_access" => field(name, "client roles", describe_client_roles(c)),
            "exp" => field(name, "expires", time("exp", c.exp(), "at")),
            "nbf" => field(name, "not before", time("nbf", c.nbf(), "not valid before")),
            "iat" => field(name, "issued at", time("iat", c.iat(), "at")),
            "auth_time" => {
                field(name, "authentication time", time("auth_time", c.auth_time(), "the user logged in at"))
            }
            "jti" => field(name, "token ID", "unique per token; lets a receiver detect a replay".into()),
            "nonce" => field(name, "nonce", "ties an ID token to the login request that asked for it".into()),
            "acr" => field(name, "authentication class", format!("how strongly the user authenticated: {s}")),
            "amr" => field(name, "authentication methods", "how the user authenticated (pwd, otp, ...)".into()),
            "at_hash" => {
                field(name, "access token hash", "binds an ID token to the access token issued with it".into())
            }
            "preferred_username" => {
                field(name, "username", format!("the login name: {s} (not stable: use sub as the key)"))
            }
            "email" => field(name, "email", format!("{s} (trust it only when email_verified is true)")),
            "email_verified" => field(name, "email verified", format!("{value}")),
            "name" | "given_name" | "family_name" => field(name, "name", "from the user's profile".into()),
            "allowed-origins" => field(
                name,
                "allowed origins",
                "Keycloak's Web Origins of the client: the CORS origins it may call from".into(),
            ),
            "client_id" => field(name, "client", format!("the client of a client-credentials token: {s}")),
            "events" => field(name, "logout event", "marks a back-channel logout token".into()),
            "cnf" => {
                field(name, "confirmation", "proof-of-possession key (DPoP or mTLS): the token is bound to it".into())
            }
            _ => continue,
        };
        out.push(f);
    }
    out
}

/// ` (Keycloak realm "demo")` for a Keycloak issuer URL.
fn realm_of(iss: &str) -> String {
    match iss.rsplit_once("/realms/") {
        Some((_, realm)) if !realm.is_empty() && !realm.contains('/') => format!(" (Keycloak realm \"{realm}\")"),
        _ => String::new(),
    }
}

pub(crate) fn client_roles(c: &Claims) -> Vec<ClientRoles> {
    let Some(map) = c.get("resource_access").and_then(Value::as_object) else { return Vec::new() };
    map.keys()
        .map(|client| ClientRoles {
            client: client.clone(),
            roles: c.resource_roles(client).into_iter().map(str::to_owned).collect(),
        })
        .collect()
}

fn describe_client_roles(c: &Claims) -> String {
    let per: Vec<String> = client_roles(c)
        .iter()
        .take(20)
        .map(|r| {
            format!("{}: {}", sanitize(&r.client, 40), list(&r.roles.iter().map(String::as_str).collect::<Vec<_>>()))
        })
        .collect();
    if per.is_empty() {
        return "no client roles".into();
    }
    format!("roles per client: {}", per.join("; "))
}
