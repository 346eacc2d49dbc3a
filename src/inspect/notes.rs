//! Keycloak-aware notes and warnings about one token, and about a key set. Thresholds are
//! named constants so the page and the README can state them.

use crate::prelude::*;

use crate::jose::compact::Token;
use crate::jose::error::sanitize;
use crate::jose::keyset::KeySet;
use crate::jose::time_fmt::span;

use super::view::Note;

/// An access or ID token living longer than this gets a warning (Keycloak's default access
/// token lifespan is 5 minutes; a day is far past any usual setting).
pub const LONG_LIFETIME: i64 = 24 * 3600;

pub(crate) fn of(t: &Token, kind: &str, now: i64) -> Vec<Note> {
    let (h, c) = (t.header(), t.claims());
    let mut out = Vec::new();
    let alg = h.alg();
    let hmac = alg.starts_with("HS");
    let refresh_like = matches!(kind, "refresh" | "offline");

    if alg.eq_ignore_ascii_case("none") {
        out.push(Note::warning("alg_none", "alg \"none\": the token is unsigned, anyone can write it. No verifier may accept it; tokenward never does."));
    }
    if hmac && refresh_like {
        out.push(Note::info(
            "refresh_hmac",
            format!("Keycloak signs refresh tokens with {alg} using a secret of the realm: no client can verify one, and none needs to. Only the token endpoint judges it; read it here for its exp and sid, never trust it."),
        ));
    } else if hmac {
        out.push(Note::warning(
            "hmac",
            format!("{alg}: verifying needs the shared secret. A JWKS never publishes it, and whoever holds it can also mint tokens."),
        ));
    }
    if kind == "offline" {
        out.push(Note::info(
            "offline_no_expiry",
            "An offline token has no client-side expiry: it lives until it is revoked or the realm's Offline Session Idle / Max limits end the offline session at the provider. Its exp, when present, is not the whole story.",
        ));
    }
    match c.exp() {
        None if kind != "offline" => out.push(Note::warning(
            "no_exp",
            "No exp: the token never expires by itself. tokenward always requires exp and refuses it.",
        )),
        Some(exp) if !refresh_like && matches!(kind, "access" | "id") => {
            if let Some(iat) = c.iat().filter(|iat| exp - iat > LONG_LIFETIME) {
                out.push(Note::warning(
                    "long_lifetime",
                    format!("It lives {} (exp - iat): access and ID tokens usually live minutes (Keycloak's default is 5 min); a stolen one stays usable that long.", span(exp - iat)),
                ));
            }
        }
        _ => {}
    }
    if kind == "access" && c.aud().is_empty() {
        out.push(Note::info(
            "aud_missing",
            "No aud: Keycloak leaves it out of access tokens unless a client scope or an Audience mapper adds one. That is legitimate; a resource server that needs its own audience adds an Audience mapper in Keycloak (or checks azp).",
        ));
    } else if kind == "access" && c.aud() == ["account"] {
        out.push(Note::info(
            "aud_account",
            "aud is only \"account\": Keycloak adds it for the account console's roles (the default roles scope). It does not name your API; add an Audience mapper to require one.",
        ));
    }
    let untrusted = h.untrusted_key_members();
    if !untrusted.is_empty() {
        out.push(Note::warning(
            "untrusted_key_source",
            format!("The header names its own key source ({}): a verifier that follows it lets the token choose the key that verifies it. Shown as untrusted; never fetched, never used.", untrusted.join(", ")),
        ));
    }
    if h.kid().is_none() && !refresh_like && !alg.eq_ignore_ascii_case("none") {
        out.push(Note::info(
            "no_kid",
            "No kid: a verifier must try every key of the algorithm; key rotation cannot be followed.",
        ));
    }
    if t.kind() == crate::TokenKind::Unknown && c.typ().is_some() && h.typ().is_some() && kind != "logout" {
        out.push(Note::info(
            "kind_conflict",
            "The header and payload typ disagree (or the payload typ is not Keycloak's): a kind check fails closed.",
        ));
    }
    if let Some(exp) = c.exp().filter(|e| *e <= now && !refresh_like) {
        out.push(Note::warning("expired", format!("Expired {} ago.", span(now - exp))));
    }
    out
}

/// Notes about a parsed key set: refused (weak or malformed) keys and keys without a kid.
pub fn key_notes(keys: &KeySet) -> Vec<Note> {
    let mut out: Vec<Note> = keys
        .rejected()
        .iter()
        .map(|r| {
            let kid = r.kid.as_deref().map(|k| format!(" (kid \"{}\")", sanitize(k, 40))).unwrap_or_default();
            Note::warning("key_rejected", format!("Key {}{kid} is not used: {}", r.index, r.reason))
        })
        .collect();
    let no_kid = keys.keys().iter().filter(|k| k.kid().is_none()).count();
    if no_kid > 0 && keys.keys().len() > 1 {
        out.push(Note::info(
            "key_without_kid",
            format!("{no_kid} key(s) have no kid: they can only verify tokens without a kid."),
        ));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::jose::b64::encode;

    fn jwt(header: &str, claims: &str) -> Token {
        crate::decode(&format!("{}.{}.c2ln", encode(header.as_bytes()), encode(claims.as_bytes())))
            .unwrap()
            .into_token()
    }
    fn codes(t: &Token, kind: &str) -> Vec<&'static str> {
        of(t, kind, 1000).into_iter().map(|n| n.code).collect()
    }

    #[test]
    fn keycloak_refresh_token_is_explained_not_warned() {
        let t = jwt(r#"{"alg":"HS512","typ":"JWT","kid":"r"}"#, r#"{"typ":"Refresh","exp":2000,"iat":900}"#);
        assert_eq!(codes(&t, "refresh"), ["refresh_hmac"]);
    }

    #[test]
    fn warnings_for_none_long_lifetimes_and_key_sources() {
        let t =
            jwt(r#"{"alg":"none","jku":"https://evil.example/jwks"}"#, r#"{"typ":"Bearer","exp":200000,"iat":900}"#);
        let c = codes(&t, "access");
        for code in ["alg_none", "long_lifetime", "untrusted_key_source", "aud_missing"] {
            assert!(c.contains(&code), "{code} missing from {c:?}");
        }
    }

    #[test]
    fn missing_exp_is_warned_except_for_offline_tokens() {
        let access = jwt(r#"{"alg":"RS256","kid":"k"}"#, r#"{"typ":"Bearer","aud":"api"}"#);
        assert_eq!(codes(&access, "access"), ["no_exp"]);
        let offline = jwt(r#"{"alg":"HS512","kid":"k"}"#, r#"{"typ":"Offline"}"#);
        assert_eq!(codes(&offline, "offline"), ["refresh_hmac", "offline_no_expiry"]);
    }
}
