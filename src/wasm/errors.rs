//! The one place core errors become JS values: a `TokenError` (an `Error` subclass) with
//! a stable `code`, a message and, where known, the `claim`.

use crate::prelude::*;

use wasm_bindgen::prelude::*;

use crate::jose::error::{Error, ErrorKind};

#[wasm_bindgen(module = "/src/wasm/token_error.js")]
extern "C" {
    #[wasm_bindgen(js_name = TokenError)]
    type JsTokenError;
    #[wasm_bindgen(constructor, js_class = "TokenError")]
    fn new(code: &str, message: &str, claim: Option<String>) -> JsTokenError;

    /// `TextEncoder.encodeInto(text, memory[ptr..ptr + capacity])`: the bytes written.
    #[wasm_bindgen(js_name = encodeInto)]
    pub(crate) fn encode_into(text: &js_sys::JsString, memory: &JsValue, ptr: u32, capacity: u32) -> u32;

    /// `subtle.verify` under `params` with each of `keys` (Promises of CryptoKeys): a Promise
    /// of the booleans, or of null when WebCrypto failed.
    #[cfg(any(feature = "signature", feature = "webcrypto"))]
    #[wasm_bindgen(js_name = subtleVerify)]
    pub(crate) fn subtle_verify(
        subtle: &JsValue,
        params: &JsValue,
        keys: &js_sys::Array,
        signature: &js_sys::Uint8Array,
        message: &js_sys::Uint8Array,
    ) -> js_sys::Promise;

    /// JSON.parse with every object and array frozen.
    #[wasm_bindgen(js_name = parseFrozen)]
    pub(crate) fn parse_frozen(text: &JsValue) -> JsValue;
}

pub(crate) fn to_js(err: Error) -> JsValue {
    JsTokenError::new(err.code(), err.message(), err.claim().map(str::to_owned)).into()
}

pub(crate) fn invalid_option(message: impl Into<String>) -> JsValue {
    to_js(Error::new(ErrorKind::InvalidOption, message))
}

pub(crate) type JsResult<T> = Result<T, JsValue>;
