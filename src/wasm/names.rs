//! JS property names, each made once per instance: `JsValue::from_str` copies and decodes the
//! text on every call, which for option and result objects cost more than the work itself.

use core::cell::RefCell;

use wasm_bindgen::JsValue;

thread_local! {
    // A few dozen names: a list searched by address (then text) is smaller than a map.
    static NAMES: RefCell<Vec<(&'static str, JsValue)>> = const { RefCell::new(Vec::new()) };
}

/// The JS string for a property name known at compile time.
pub(crate) fn name(n: &'static str) -> JsValue {
    NAMES.with(|names| {
        let mut names = names.borrow_mut();
        if let Some((_, v)) = names.iter().find(|(k, _)| core::ptr::eq(*k, n) || *k == n) {
            return v.clone();
        }
        let v = JsValue::from_str(n);
        names.push((n, v.clone()));
        v
    })
}
