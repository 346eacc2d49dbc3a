//! The raw signature check through the runtime's WebCrypto (native code in Node, browsers
//! and workerd), for `verifyAsync`. Only the primitive moves out: the core has already
//! decided the algorithm, the candidate keys and everything before the signature, and
//! decides everything after it (`verify_finish`). Keys are imported from the key set's
//! validated public material, never from the token.

use js_sys::{Array, Function, Object, Promise, Reflect, Uint8Array};
use wasm_bindgen::prelude::*;

use crate::{Algorithm, Key};

use super::convert::object;

fn get(obj: &JsValue, name: &str) -> Option<JsValue> {
    Reflect::get(obj, &JsValue::from_str(name)).ok().filter(|v| !v.is_undefined() && !v.is_null())
}

/// `globalThis.crypto.subtle`, where the runtime has it.
pub(crate) fn subtle() -> Option<JsValue> {
    get(&get(&js_sys::global().into(), "crypto")?, "subtle")
}

fn call(subtle: &JsValue, method: &str, args: &[JsValue]) -> Result<Promise, JsValue> {
    let f: Function = get(subtle, method).ok_or_else(|| JsValue::from_str(method))?.dyn_into()?;
    f.apply(subtle, &args.iter().collect::<Array>())?.dyn_into::<Promise>()
}

fn hash(alg: Algorithm) -> JsValue {
    JsValue::from_str(match alg.hash() {
        crate::Hash::Sha256 => "SHA-256",
        crate::Hash::Sha384 => "SHA-384",
        crate::Hash::Sha512 => "SHA-512",
    })
}

/// WebCrypto's names for the import (key) and verify (operation) parameters.
fn params(alg: Algorithm) -> Option<(JsValue, JsValue)> {
    let name = |n: &str| JsValue::from_str(n);
    Some(match alg {
        Algorithm::RS256 | Algorithm::RS384 | Algorithm::RS512 => (
            object(&[("name", name("RSASSA-PKCS1-v1_5")), ("hash", hash(alg))]),
            object(&[("name", name("RSASSA-PKCS1-v1_5"))]),
        ),
        // RFC 7518 3.5: the salt is as long as the hash.
        Algorithm::PS256 | Algorithm::PS384 | Algorithm::PS512 => (
            object(&[("name", name("RSA-PSS")), ("hash", hash(alg))]),
            object(&[("name", name("RSA-PSS")), ("saltLength", JsValue::from(alg.hash().len() as u32))]),
        ),
        Algorithm::ES256 | Algorithm::ES384 | Algorithm::ES512 => {
            let curve = match alg {
                Algorithm::ES256 => "P-256",
                Algorithm::ES384 => "P-384",
                _ => "P-521",
            };
            (
                object(&[("name", name("ECDSA")), ("namedCurve", name(curve))]),
                object(&[("name", name("ECDSA")), ("hash", hash(alg))]),
            )
        }
        Algorithm::EdDSA => (object(&[("name", name("Ed25519"))]), object(&[("name", name("Ed25519"))])),
        _ => return None,
    })
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
    let usages: Array = std::iter::once(JsValue::from_str("verify")).collect();
    call(subtle, "importKey", &[JsValue::from_str("jwk"), jwk.into(), import_params, JsValue::FALSE, usages.into()])
}

/// `key.then(k => subtle.verify(params, k, signature, message))`: a Promise of a boolean.
pub(crate) fn verify(subtle: &JsValue, alg: Algorithm, key: &Promise, signature: &[u8], message: &[u8]) -> Result<Promise, JsValue> {
    let (_, verify_params) = params(alg).ok_or_else(|| JsValue::from_str("no WebCrypto algorithm"))?;
    let (subtle, signature, message) = (subtle.clone(), Uint8Array::from(signature), Uint8Array::from(message));
    let then = Closure::once_into_js(move |crypto_key: JsValue| -> Result<JsValue, JsValue> {
        Ok(call(&subtle, "verify", &[verify_params, crypto_key, signature.into(), message.into()])?.into())
    });
    then_call(key, &then, &JsValue::UNDEFINED)
}

/// `promise.then(on_ok, on_err)`.
pub(crate) fn then_call(promise: &Promise, on_ok: &JsValue, on_err: &JsValue) -> Result<Promise, JsValue> {
    let then: Function = get(promise, "then").ok_or_else(|| JsValue::from_str("then"))?.dyn_into()?;
    then.call2(promise, on_ok, on_err)?.dyn_into::<Promise>()
}
