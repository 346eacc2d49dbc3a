//! A token-endpoint response: its own lifetimes shown beside the tokens' times, Keycloak's
//! `refresh_expires_in: 0` read as an offline token, and whether a client would accept it.

use crate::prelude::*;

use serde_json::{Map, Value};

use crate::jose::time_fmt::span;

use super::view::{Note, ResponseView, TokenView};

/// Tokens whose `exp - iat` differs from the response's stated lifetime by more than this
/// get a note (the provider rounds and takes time to answer).
const LIFETIME_SLACK: i64 = 5;

pub(crate) fn view(m: &Map<String, Value>, tokens: &mut [TokenView]) -> ResponseView {
    let seconds = |name: &str| match m.get(name) {
        Some(Value::Number(n)) => n.as_u64(),
        Some(Value::String(s)) => s.parse().ok(),
        _ => None,
    };
    let string = |name: &str| m.get(name).and_then(Value::as_str).map(str::to_owned);
    let (expires_in, refresh_expires_in) = (seconds("expires_in"), seconds("refresh_expires_in"));
    let mut notes = Vec::new();

    for t in tokens.iter_mut() {
        let stated = match t.field.as_str() {
            "access_token" => expires_in.map(|s| ("expires_in", s)),
            "refresh_token" => refresh_expires_in.map(|s| ("refresh_expires_in", s)),
            _ => None,
        };
        let Some((name, secs)) = stated else { continue };
        t.stated_lifetime = Some(if secs == 0 {
            format!("{name}: 0 (no expiry: an offline token)")
        } else {
            format!("{name}: {secs} s ({})", span(secs as i64))
        });
        let own = own_lifetime(t);
        if let Some(own) = own.filter(|own| secs > 0 && (own - secs as i64).abs() > LIFETIME_SLACK) {
            notes.push(Note::info(
                "lifetime_mismatch",
                format!("{name} says {}, but the token's exp - iat is {}: the provider's clock or settings differ from what the token carries.", span(secs as i64), span(own)),
            ));
        }
    }
    if refresh_expires_in == Some(0) {
        notes.push(Note::info(
            "offline_response",
            "refresh_expires_in is 0: Keycloak's way of saying the refresh token is an offline token (scope offline_access), with no expiry of its own.",
        ));
    }
    if m.contains_key("access_token") {
        // A real client would judge the response itself this way (tokenward/session does).
        let body = Value::Object(m.clone()).to_string();
        if let Err(e) = crate::oidc::token::parse_response(200, &body) {
            notes.push(Note::warning(
                "response_refused",
                format!("A client would refuse this response: {}.", e.message),
            ));
        }
    }
    ResponseView {
        token_type: string("token_type"),
        expires_in,
        refresh_expires_in,
        scope: string("scope"),
        session_state: string("session_state"),
        notes,
    }
}

fn own_lifetime(t: &TokenView) -> Option<i64> {
    let at = |claim: &str| t.times.iter().find(|x| x.claim == claim).map(|x| x.at);
    Some(at("exp")? - at("iat")?)
}
