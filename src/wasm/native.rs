//! Signature checks by the host's native crypto, synchronously: node:crypto in Node, where the
//! Node entry (www/pkg/node.js) registers it at start. Only the primitive moves out, as with
//! WebCrypto: the core has chosen the algorithm and the key (and refused any signature the key
//! could not have made), the parameters are the core's (`jose::node_crypto`), and the core
//! decides everything after. Where nothing is registered, or the native call throws, the Wasm
//! verifier decides.

use core::cell::RefCell;

use js_sys::{Function, Object, Reflect};
use wasm_bindgen::prelude::*;

use super::api::JsKeySet;
use crate::{PendingSignature, Verdict};

struct Native {
    /// `(jwk) => KeyObject`
    import: Function,
    /// `(keyObject, digest, pss, ieeeP1363, messagePtr, messageLen, signaturePtr, signatureLen)
    /// => boolean`, the bytes in this module's memory
    verify: Function,
}

thread_local! {
    static NATIVE: RefCell<Option<Native>> = const { RefCell::new(None) };
}

/// Registers the native verifier (the Node entry does, once). Not part of the public API.
#[wasm_bindgen(js_name = __setNativeVerifier, skip_typescript)]
pub fn set_native_verifier(import: Function, verify: Function) {
    NATIVE.with(|n| *n.borrow_mut() = Some(Native { import, verify }));
}

/// The native verifier's verdict on `pending`, or `None` (nothing registered, a key it cannot
/// import, a call that throws: the Wasm verifier decides then).
pub(crate) fn verdict(keys: &JsKeySet, pending: &PendingSignature) -> Option<Verdict> {
    NATIVE.with(|n| {
        let native = n.borrow();
        let native = native.as_ref()?;
        let params = crate::jose::node_crypto::params(pending.alg())?;
        let digest = params.digest.map_or(JsValue::NULL, super::names::name);
        let (pss, p1363) = (JsValue::from_bool(params.pss), JsValue::from_bool(params.ieee_p1363));
        let at =
            |bytes: &[u8]| (JsValue::from_f64(bytes.as_ptr() as usize as f64), JsValue::from_f64(bytes.len() as f64));
        let ((message, message_len), (signature, signature_len)) = (at(pending.message()), at(pending.signature()));
        for &index in pending.candidates() {
            let key = key_object(keys, native, index)?;
            // Addresses, not views: the JS side makes its views onto Wasm memory right before
            // crypto.verify, with no Wasm code in between. A view made here could be detached
            // by a memory growth before the call (making a JS value can allocate in Wasm), and
            // the check would then see no bytes. Copies into fresh Uint8Arrays cost more than
            // an Ed25519 check. The slices outlive the synchronous call.
            let ok = native.verify.call8(
                &JsValue::UNDEFINED,
                &key,
                &digest,
                &pss,
                &p1363,
                &message,
                &message_len,
                &signature,
                &signature_len,
            );
            if ok.ok()?.as_bool()? {
                return Some(Verdict::dangerous_trust_outside_verifier(pending, index));
            }
        }
        Some(Verdict::invalid())
    })
}

/// The KeyObject for the key at `index`, made once per key set from its validated public JWK.
fn key_object(keys: &JsKeySet, native: &Native, index: usize) -> Option<JsValue> {
    if let Some(k) = keys.native_keys.borrow().get(&index) {
        return Some(k.clone());
    }
    let jwk = Object::new();
    for (name, value) in keys.inner.keys().get(index)?.public_jwk()? {
        Reflect::set(&jwk, &JsValue::from_str(name), &JsValue::from_str(&value)).ok()?;
    }
    let key = native.import.call1(&JsValue::UNDEFINED, &jwk).ok()?;
    keys.native_keys.borrow_mut().insert(index, key.clone());
    Some(key)
}
