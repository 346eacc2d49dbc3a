//! The raw signature check through the runtime's WebCrypto (native code in Node, browsers
//! and workerd), for `verifyAsync`. Only the primitive moves out: the core has already
//! decided the algorithm, the candidate keys and everything before the signature, and
//! decides everything after it (`verify_finish`). Keys are imported from the key set's
//! validated public material, never from the token.

use js_sys::{Array, Function, Object, Promise, Reflect, Uint8Array};
use wasm_bindgen::prelude::*;

use crate::jose::subtle::{Member, SubtleParams};
use crate::{Algorithm, Key};

use super::convert::object;

fn get(obj: &JsValue, name: &str) -> Option<JsValue> {
    Reflect::get(obj, &JsValue::from_str(name)).ok().filter(|v| !v.is_undefined() && !v.is_null())
}

thread_local! {
    /// `globalThis.crypto.subtle` (looked up once), and each algorithm's verify parameters.
    static SUBTLE: core::cell::OnceCell<Option<JsValue>> = const { core::cell::OnceCell::new() };
    static VERIFY_PARAMS: core::cell::RefCell<Vec<(Algorithm, JsValue)>> = const { core::cell::RefCell::new(Vec::new()) };
}

/// `globalThis.crypto.subtle`, where the runtime has it.
pub(crate) fn subtle() -> Option<JsValue> {
    SUBTLE.with(|s| s.get_or_init(|| get(&get(&js_sys::global().into(), "crypto")?, "subtle")).clone())
}

fn call(subtle: &JsValue, method: &str, args: &[JsValue]) -> Result<Promise, JsValue> {
    let f: Function = get(subtle, method).ok_or_else(|| JsValue::from_str(method))?.dyn_into()?;
    f.apply(subtle, &args.iter().collect::<Array>())?.dyn_into::<Promise>()
}

fn js_params(p: &SubtleParams) -> JsValue {
    let members: Vec<(&str, JsValue)> = p
        .members()
        .into_iter()
        .map(|(name, m)| {
            (
                name,
                match m {
                    Member::Text(t) => JsValue::from_str(t),
                    Member::Number(n) => JsValue::from(n),
                },
            )
        })
        .collect();
    object(&members)
}

/// WebCrypto's import (key) and verify (operation) parameters, as the core decides them.
fn params(alg: Algorithm) -> Option<(JsValue, JsValue)> {
    crate::jose::subtle::params(alg).map(|(import, verify)| (js_params(&import), js_params(&verify)))
}

/// `subtle.importKey('jwk', …)` for `key` as used by `alg` (RSA and ECDSA keys are bound to
/// their hash, so the import is per algorithm).
pub(crate) fn import(subtle: &JsValue, key: &Key, alg: Algorithm) -> Result<Promise, JsValue> {
    let members = key.public_jwk().ok_or_else(|| JsValue::from_str("not a public key"))?;
    let jwk = Object::new();
    for (name, value) in members {
        Reflect::set(&jwk, &JsValue::from_str(name), &JsValue::from_str(&value))?;
    }
    let (import_params, _) = params(alg).ok_or_else(|| JsValue::from_str("no WebCrypto algorithm"))?;
    let usages: Array = core::iter::once(JsValue::from_str("verify")).collect();
    call(subtle, "importKey", &[JsValue::from_str("jwk"), jwk.into(), import_params, JsValue::FALSE, usages.into()])
}

/// WebCrypto's answers for `keys` (Promises of the candidates' CryptoKeys): a Promise of one
/// boolean per key, or of null when WebCrypto failed.
pub(crate) fn verify_all(
    subtle: &JsValue,
    alg: Algorithm,
    keys: &Array,
    signature: &[u8],
    message: &[u8],
) -> Result<Promise, JsValue> {
    let params = VERIFY_PARAMS.with(|cache| {
        if let Some((_, p)) = cache.borrow().iter().find(|(a, _)| *a == alg) {
            return Some(p.clone());
        }
        let (_, p) = params(alg)?;
        cache.borrow_mut().push((alg, p.clone()));
        Some(p)
    });
    let params = params.ok_or_else(|| JsValue::from_str("no WebCrypto algorithm"))?;
    // Copies: the check runs after this call returns, when the Wasm memory may have moved on.
    let (signature, message) = (Uint8Array::from(signature), Uint8Array::from(message));
    Ok(super::errors::subtle_verify(subtle, &params, keys, &signature, &message))
}

/// The verdict of `webcrypto_checks`' answers (one boolean per candidate of `pending`):
/// "verified" by the first candidate that verified. Trusted because these bindings ran the
/// check themselves, with the candidates' keys imported from the key set's own public
/// material: the one place an outside answer is taken as a verdict.
pub(crate) fn verdict(pending: &crate::PendingSignature, results: &JsValue) -> crate::Verdict {
    let first = Array::from(results).iter().position(|r| r.as_bool() == Some(true));
    match first.and_then(|i| pending.candidates().get(i)) {
        Some(&key) => crate::Verdict::dangerous_trust_outside_verifier(pending, key),
        None => crate::Verdict::invalid(),
    }
}

/// `promise.then(on_ok, on_err)`.
pub(crate) fn then_call(promise: &Promise, on_ok: &JsValue, on_err: &JsValue) -> Result<Promise, JsValue> {
    let then: Function = get(promise, "then").ok_or_else(|| JsValue::from_str("then"))?.dyn_into()?;
    then.call2(promise, on_ok, on_err)?.dyn_into::<Promise>()
}
