//! What was pasted: one token, a token-endpoint response, or a URL or form body that carries
//! tokens; and, for text that is not a JWT, which part is wrong in words.

use crate::prelude::*;

use serde_json::{Map, Value};

use super::view::Note;

/// The members of a token response (or a back-channel logout body) that hold tokens.
pub(crate) const TOKEN_FIELDS: [&str; 4] = ["access_token", "id_token", "refresh_token", "logout_token"];

pub(crate) struct Pasted {
    pub input: &'static str,
    /// (where it came from, the compact token)
    pub tokens: Vec<(String, String)>,
    pub response: Option<Map<String, Value>>,
    pub notes: Vec<Note>,
}

pub(crate) fn classify(text: &str) -> Pasted {
    let mut notes = Vec::new();
    let trimmed = text.trim().trim_matches(|c| c == '"' || c == '\'');
    if trimmed.is_empty() {
        return single("token", "", notes);
    }
    if trimmed.starts_with('{') {
        return json(trimmed, notes);
    }
    if trimmed.starts_with("http://") || trimmed.starts_with("https://") || trimmed.contains('=') {
        return url_or_form(trimmed, notes);
    }
    let token = match trimmed.strip_prefix("Bearer ").or_else(|| trimmed.strip_prefix("bearer ")) {
        Some(rest) => {
            notes.push(Note::info("bearer_prefix", "The \"Bearer \" prefix of an Authorization header was removed."));
            rest.trim()
        }
        None => trimmed,
    };
    // Tokens copied from logs or terminals are often wrapped; a JWT holds no whitespace.
    let joined: String = token.chars().filter(|c| !c.is_whitespace()).collect();
    if joined.len() != token.len() {
        notes.push(Note::info("whitespace_removed", "Line breaks and spaces inside the token were removed."));
    }
    single("token", &joined, notes)
}

fn single(field: &str, token: &str, notes: Vec<Note>) -> Pasted {
    Pasted { input: "token", tokens: vec![(field.to_owned(), token.to_owned())], response: None, notes }
}

fn json(text: &str, notes: Vec<Note>) -> Pasted {
    let invalid = |message: &str, notes: Vec<Note>| Pasted {
        input: "invalid",
        tokens: vec![("token".into(), text.to_owned())],
        response: None,
        notes: [notes, vec![Note::warning("not_a_token", message)]].concat(),
    };
    let map = match crate::jose::json::parse_object("it", text.as_bytes()) {
        Ok(map) => map,
        // The parser's reason (a duplicate member, the depth limit, what it expected) is the
        // useful part for someone who pasted a hand-edited response.
        Err(e) => {
            return invalid(
                &format!("This starts like JSON, but {}. A token response is a JSON object.", e.message()),
                notes,
            )
        }
    };
    let tokens: Vec<(String, String)> = TOKEN_FIELDS
        .iter()
        .filter_map(|f| map.get(*f).and_then(Value::as_str).map(|t| ((*f).to_owned(), t.to_owned())))
        .collect();
    if !tokens.is_empty() {
        return Pasted { input: "token_response", tokens, response: Some(map), notes };
    }
    let why = if map.contains_key("keys") {
        "This is a JWKS (a key set): paste it into the key set box, not the token box."
    } else if map.contains_key("payload") && map.contains_key("signature") {
        "This is a JWS in JSON serialization; tokens are compact (three base64url segments joined by dots)."
    } else if map.contains_key("error") {
        "This is an error answer of the token endpoint: it holds no token (see its error and error_description)."
    } else {
        "A JSON object without access_token, id_token, refresh_token or logout_token."
    };
    invalid(why, notes)
}

fn url_or_form(text: &str, mut notes: Vec<Note>) -> Pasted {
    let is_url = text.starts_with("http://") || text.starts_with("https://");
    let params = match (text.split_once('#'), text.split_once('?')) {
        (Some((_, fragment)), _) => fragment,
        (None, Some((_, query))) => query,
        (None, None) if is_url => "",
        (None, None) => text,
    };
    let tokens: Vec<(String, String)> = form_urlencoded::parse(params.as_bytes())
        .filter(|(k, _)| TOKEN_FIELDS.contains(&k.as_ref()))
        .map(|(k, v)| (k.into_owned(), v.into_owned()))
        .collect();
    if tokens.is_empty() {
        return Pasted {
            input: "invalid",
            tokens: vec![("token".into(), text.to_owned())],
            response: None,
            notes: vec![Note::warning(
                "not_a_token",
                if is_url {
                    "A URL without access_token, id_token or logout_token in its query or fragment."
                } else {
                    "Not a JWT, and no access_token, id_token, refresh_token or logout_token parameter either."
                },
            )],
        };
    }
    if is_url {
        notes.push(Note::warning(
            "token_in_url",
            "A token in a URL ends up in browser history, server and proxy logs and Referer headers. Keycloak's implicit flow does this; use the authorization code flow with PKCE, which keeps tokens out of URLs.",
        ));
    }
    Pasted { input: "url", tokens, response: None, notes }
}

/// The decoder's message, with what a JWT looks like when the text has no dots at all.
pub(crate) fn explain_malformed(text: &str, message: &str) -> String {
    if text.is_empty() {
        return "Nothing to inspect: paste a token or a token response.".into();
    }
    let hint =
        if text.contains('.') { "" } else { " A JWT is three base64url segments joined by dots, starting with eyJ." };
    format!("{message}.{hint}")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn finds_tokens_in_each_kind_of_input() {
        let r = classify(r#"{"access_token":"a.b.c","refresh_token":"d.e.f","token_type":"Bearer"}"#);
        assert_eq!(r.input, "token_response");
        assert_eq!(r.tokens.len(), 2);
        let u = classify("https://app.example/cb#access_token=a.b.c&state=x");
        assert_eq!((u.input, u.tokens[0].1.as_str()), ("url", "a.b.c"));
        assert!(u.notes.iter().any(|n| n.code == "token_in_url"));
        let b = classify("Bearer eyJ.e\nyJ.sig");
        assert_eq!(b.tokens[0].1, "eyJ.eyJ.sig");
        assert_eq!(classify(r#"{"keys":[]}"#).input, "invalid");
        let twice = classify(r#"{"access_token":"a.b.c","access_token":"d.e.f"}"#);
        assert_eq!(twice.input, "invalid");
        let note = twice.notes.iter().find(|n| n.code == "not_a_token").unwrap();
        assert!(note.text.contains("duplicate member \"access_token\""), "{}", note.text);
    }
}
