//! Bindings of the inspector core (`crate::inspect`) for `tokenward/inspect` and www/inspect/:
//! each a line or two. Views cross as JSON text parsed by the engine (they are plain data).

use serde::Serialize;
use wasm_bindgen::prelude::*;

use super::convert::parse_json;
use super::errors::{invalid_option, to_js, JsResult};
use super::{token_text, JsKeySet};

fn to_value<T: Serialize>(v: &T) -> JsResult<JsValue> {
    serde_json::to_string(v).map(|s| parse_json(&s)).map_err(|_| invalid_option("could not serialize the view"))
}

/// `now` in seconds, or the JS clock.
fn now_or_clock(now: Option<f64>) -> i64 {
    now.filter(|n| n.is_finite()).unwrap_or_else(|| js_sys::Date::now() / 1000.0).floor() as i64
}

/// Inspect pasted text: a token, a token-endpoint response, or a URL or form body with tokens.
#[wasm_bindgen(js_name = inspectText, unchecked_return_type = "Inspection")]
pub fn inspect_text(
    #[wasm_bindgen(unchecked_param_type = "string")] text: JsValue,
    now: Option<f64>,
) -> JsResult<JsValue> {
    let text =
        text.as_string().ok_or_else(|| to_js(crate::Error::malformed("the text to inspect must be a string")))?;
    if text.len() > 4 * crate::jose::limits::MAX_TOKEN_BYTES {
        return Err(to_js(crate::Error::malformed("the text is too long to be a token or a token response")));
    }
    to_value(&crate::inspect::inspect(&text, now_or_clock(now)))
}

/// "expires in 4m 12s" for a time claim, as of `now` (the page's live countdown).
#[wasm_bindgen(js_name = describeTime)]
pub fn describe_time(claim: &str, at: f64, now: Option<f64>) -> String {
    crate::inspect::describe_time(claim, at as i64, now_or_clock(now))
}

/// Which claims changed between two tokens, and what that means.
#[wasm_bindgen(js_name = compareTokens, unchecked_return_type = "Comparison")]
pub fn compare_tokens(
    #[wasm_bindgen(unchecked_param_type = "string")] before: JsValue,
    #[wasm_bindgen(unchecked_param_type = "string")] after: JsValue,
) -> JsResult<JsValue> {
    let (a, b) = (token_text(&before)?, token_text(&after)?);
    to_value(&crate::inspect::compare(a.trim(), b.trim()).map_err(to_js)?)
}

/// Notes about a key set: refused (weak, malformed) keys, keys without a kid.
#[wasm_bindgen(js_name = keySetNotes, unchecked_return_type = "Note[]")]
pub fn key_set_notes(keys: &JsKeySet) -> JsResult<JsValue> {
    to_value(&crate::inspect::key_notes(&keys.inner))
}

/// Where to fetch keys from: `what` is `discovery` (from an issuer) or `jwks` (a JWKS URL).
#[wasm_bindgen(js_name = fetchRequest, unchecked_return_type = "FetchStep")]
pub fn fetch_request(what: &str, url: &str) -> JsResult<JsValue> {
    to_value(&crate::inspect::fetch_request(what, url))
}

/// What the discovery document's answer means: the JWKS URL to fetch next, or why not.
#[wasm_bindgen(js_name = discoveryAnswer, unchecked_return_type = "FetchStep")]
pub fn discovery_answer(issuer: &str, status: u16, body: &str) -> JsResult<JsValue> {
    to_value(&crate::inspect::discovery_answer(issuer, status, body))
}

/// What the JWKS URL's answer means.
#[wasm_bindgen(js_name = jwksAnswer, unchecked_return_type = "FetchStep")]
pub fn jwks_answer(url: &str, status: u16, body: &str) -> JsResult<JsValue> {
    to_value(&crate::inspect::jwks_answer(url, status, body))
}

/// A fetch without an answer (network, CORS or policy), explained.
#[wasm_bindgen(js_name = fetchFailure, unchecked_return_type = "FetchStep")]
pub fn fetch_failure(url: &str, page_origin: &str) -> JsResult<JsValue> {
    to_value(&crate::inspect::fetch_failure(url, page_origin))
}
