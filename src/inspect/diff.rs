//! Two tokens side by side (typically before and after a refresh): which claims changed, and
//! what the changes that matter mean.

use crate::prelude::*;

use serde::Serialize;
use serde_json::{Map, Value};

use crate::jose::time_fmt::span;

use super::view::Note;

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Change {
    /// `header.kid` for header members, the claim name otherwise.
    pub name: String,
    pub before: Option<Value>,
    pub after: Option<Value>,
}

#[derive(Debug, Clone, Serialize)]
pub struct Comparison {
    pub changed: Vec<Change>,
    pub unchanged: Vec<String>,
    pub notes: Vec<Note>,
}

/// Compare two compact tokens. Either failing to decode is the decoder's error.
pub fn compare(before: &str, after: &str) -> crate::Result<Comparison> {
    let (a, b) = (crate::decode(before)?, crate::decode(after)?);
    let mut changed = Vec::new();
    let mut unchanged = Vec::new();
    diff_maps("header.", a.header().raw(), b.header().raw(), &mut changed, &mut unchanged);
    diff_maps("", a.claims().raw(), b.claims().raw(), &mut changed, &mut unchanged);

    let mut notes = Vec::new();
    let is_changed = |name: &str| changed.iter().any(|c: &Change| c.name == name);
    if a.claims().sub() != b.claims().sub() {
        notes.push(Note::warning(
            "subject_changed",
            "sub differs: these tokens are about different users (a refresh never changes sub).",
        ));
    }
    if a.claims().iss() != b.claims().iss() {
        notes.push(Note::warning("issuer_changed", "iss differs: different providers or realms."));
    }
    match (a.claims().sid(), b.claims().sid()) {
        (Some(x), Some(y)) if x == y => {
            notes.push(Note::info("same_session", "Same sid: one login session, as after a refresh."))
        }
        (Some(_), Some(_)) => notes.push(Note::info("new_session", "sid differs: a new login, not a refresh.")),
        _ => {}
    }
    if is_changed("header.kid") {
        notes.push(Note::info(
            "key_rotated",
            "The kid changed: the provider signs with another key now (key rotation).",
        ));
    }
    if let (Some(x), Some(y)) = (a.claims().iat(), b.claims().iat()) {
        if y != x {
            let (what, d) = if y > x { ("later", y - x) } else { ("earlier", x - y) };
            notes.push(Note::info("reissued", format!("The second was issued {} {what}.", span(d))));
        }
    }
    for (name, what) in [("scope", "scopes"), ("realm_access", "realm roles"), ("resource_access", "client roles")] {
        if is_changed(name) {
            notes.push(Note::info("grants_changed", format!("The {what} changed.")));
        }
    }
    Ok(Comparison { changed, unchanged, notes })
}

fn diff_maps(
    prefix: &str,
    a: &Map<String, Value>,
    b: &Map<String, Value>,
    changed: &mut Vec<Change>,
    same: &mut Vec<String>,
) {
    for (name, before) in a {
        let key = format!("{prefix}{name}");
        match b.get(name) {
            Some(after) if after == before => same.push(key),
            after => changed.push(Change { name: key, before: Some(before.clone()), after: after.cloned() }),
        }
    }
    for (name, after) in b.iter().filter(|(n, _)| !a.contains_key(*n)) {
        changed.push(Change { name: format!("{prefix}{name}"), before: None, after: Some(after.clone()) });
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::jose::b64::encode;

    fn jwt(claims: &str) -> String {
        format!("{}.{}.c2ln", encode(br#"{"alg":"RS256","kid":"k"}"#), encode(claims.as_bytes()))
    }

    #[test]
    fn a_refresh_keeps_sub_and_sid() {
        let c = compare(
            &jwt(r#"{"sub":"u","sid":"s","iat":100,"exp":400}"#),
            &jwt(r#"{"sub":"u","sid":"s","iat":400,"exp":700,"x":1}"#),
        )
        .unwrap();
        let names: Vec<&str> = c.changed.iter().map(|c| c.name.as_str()).collect();
        assert_eq!(names, ["exp", "iat", "x"]);
        assert!(c.changed[2].before.is_none());
        let codes: Vec<&str> = c.notes.iter().map(|n| n.code).collect();
        assert_eq!(codes, ["same_session", "reissued"]);
        assert!(compare("garbage", &jwt("{}")).is_err());
    }
}
