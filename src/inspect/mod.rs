//! The token inspector's decisions (`www/inspect/`, `tokenward/inspect`): what pasted text is,
//! what each token and claim means, Keycloak-aware notes and warnings, how two tokens differ,
//! what a failed key fetch means and, in words, why a token fails a configuration. Pure like
//! the rest of the core (`now` is an argument); the page and the JS API only display and fetch.

use crate::prelude::*;

mod claims;
mod diff;
mod fetch;
mod input;
mod notes;
mod response;
mod summary;
mod times;
mod view;

pub use diff::{compare, Change, Comparison};
pub use fetch::{discovery_answer, fetch_failure, fetch_request, jwks_answer, FetchStep};
pub use notes::key_notes;
pub use summary::summary;
pub use times::describe_time;
pub use view::{ClientRoles, Field, Inspection, Level, Note, ResponseView, TimeView, TokenView};

/// Inspect pasted text: one token (compact JWT, optionally with a `Bearer ` prefix or quotes),
/// a whole token-endpoint response (JSON), or a URL / form body carrying tokens. Never fails:
/// text that holds no token becomes one entry whose `error` says what is wrong.
pub fn inspect(text: &str, now: i64) -> Inspection {
    let pasted = input::classify(text);
    let mut tokens: Vec<TokenView> = pasted.tokens.iter().map(|(field, t)| view::token(field, t, now)).collect();
    let response = pasted.response.as_ref().map(|r| response::view(r, &mut tokens));
    Inspection { input: pasted.input, tokens, response, notes: pasted.notes }
}
