//! `explainAsync`: `explain` with the signature checked by the runtime's WebCrypto, so the
//! build without signature crypto (tokenward/lite, the inspector page) reports a verified
//! signature too. The core selects the candidate keys and decides every check
//! (`explain_with_verdict`); WebCrypto answers only "does key i verify these bytes".

use js_sys::Promise;
use wasm_bindgen::prelude::*;

use super::errors::{invalid_option, JsResult};
use super::{convert, options, token_text, webcrypto, JsKeySet};
use crate::{KeyFamily, Report, Verdict};

/// The report plus its one-sentence summary (`inspect::summary`).
fn with_summary(r: &Report) -> JsValue {
    let value = convert::report(r);
    let _ =
        js_sys::Reflect::set(&value, &JsValue::from_str("summary"), &JsValue::from_str(&crate::inspect::summary(r)));
    value
}

/// As `explain`, as a Promise of the report with `summary`; the signature by WebCrypto.
/// Where WebCrypto is missing or refuses the key, the full build checks the signature in
/// Wasm; the lite build reports it as skipped, with the reason. `keys` may be null.
#[wasm_bindgen(js_name = explainAsync, unchecked_return_type = "Promise<Report & { summary: string }>")]
pub fn explain_async(
    #[wasm_bindgen(unchecked_param_type = "string")] token: JsValue,
    #[wasm_bindgen(unchecked_param_type = "KeySet | null")] keys: JsValue,
    #[wasm_bindgen(unchecked_param_type = "VerifyOptions")] options: JsValue,
) -> Promise {
    let result = (|| -> JsResult<JsValue> {
        if keys.is_null() || keys.is_undefined() {
            let token = token_text(&token)?;
            let (opts, now) = options::parse(options)?;
            return Ok(with_summary(&crate::explain(&token, None, &opts, now)));
        }
        // As in `explain`: the KeySet method's glue checks that `keys` really is a KeySet.
        let method = js_sys::Reflect::get(&keys, &JsValue::from_str("explainAsync"))
            .ok()
            .and_then(|m| m.dyn_into::<js_sys::Function>().ok())
            .ok_or_else(|| invalid_option("explainAsync takes a KeySet or null"))?;
        method.call2(&keys, &token, &options)
    })();
    match result {
        Ok(v) => Promise::resolve(&v),
        Err(e) => Promise::reject(&e),
    }
}

#[wasm_bindgen(js_class = KeySet)]
impl JsKeySet {
    /// `explainAsync(token, this, options)`.
    #[wasm_bindgen(js_name = explainAsync, unchecked_return_type = "Promise<Report & { summary: string }>")]
    pub fn explain_async(
        &self,
        #[wasm_bindgen(unchecked_param_type = "string")] token: JsValue,
        #[wasm_bindgen(unchecked_param_type = "VerifyOptions")] options: JsValue,
    ) -> Promise {
        self.start_explain(&token, options).unwrap_or_else(|e| Promise::reject(&e))
    }
}

impl JsKeySet {
    fn start_explain(&self, token: &JsValue, options: JsValue) -> JsResult<Promise> {
        let token = token_text(token)?;
        let (opts, now) = options::parse(options)?;
        let keys = alloc::sync::Arc::clone(&self.inner);
        let pending = match crate::explain_signature_input(&token, &keys, &opts) {
            Ok(p) if p.alg().family() != KeyFamily::Hmac => p,
            // A failure before the signature (explain reports it) or an HMAC secret, which
            // never leaves the core: no WebCrypto involved.
            _ => return Ok(Promise::resolve(&with_summary(&crate::explain(&token, Some(&keys), &opts, now)))),
        };
        let finish = move |verdict: Option<Verdict>| -> JsValue {
            let report = match verdict {
                Some(v) => crate::explain_with_verdict(&token, &keys, &opts, now, &v),
                None => without_webcrypto(&token, &keys, &opts, now),
            };
            with_summary(&report)
        };
        let Ok(checks) = self.webcrypto_checks(&pending) else { return Ok(Promise::resolve(&finish(None))) };
        // `checks` resolves to WebCrypto's answers, or to null when it failed.
        let on_done = Closure::once_into_js(move |results: JsValue| -> JsValue {
            finish((!results.is_null()).then(|| webcrypto::verdict(&pending, &results)))
        });
        webcrypto::then_call(&checks, &on_done, &JsValue::UNDEFINED)
    }
}

/// WebCrypto could not answer: the full build's Wasm verifier decides; the lite build has none.
#[cfg(feature = "signature")]
fn without_webcrypto(token: &str, keys: &crate::KeySet, opts: &crate::VerifyOptions, now: i64) -> Report {
    crate::explain(token, Some(keys), opts, now)
}

#[cfg(not(feature = "signature"))]
fn without_webcrypto(token: &str, keys: &crate::KeySet, opts: &crate::VerifyOptions, now: i64) -> Report {
    let why =
        "WebCrypto is unavailable or refused the key, and this build (tokenward/lite) has no Wasm verifier".to_owned();
    crate::explain_with_verdict(token, keys, opts, now, &Verdict::unavailable(why))
}
