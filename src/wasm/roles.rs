//! Keycloak role and scope lookups on the claims object a `Token` hands out. The core
//! checked the shapes when it decoded the token (`realm_access.roles`,
//! `resource_access[client].roles`: arrays of strings; `scope`: a string); this only
//! reads them, mirroring `Claims::realm_roles` and friends.

use js_sys::{Array, Reflect};
use wasm_bindgen::prelude::*;

fn get(obj: &JsValue, name: &str) -> JsValue {
    if obj.is_object() {
        Reflect::get(obj, &JsValue::from_str(name)).unwrap_or(JsValue::UNDEFINED)
    } else {
        JsValue::UNDEFINED
    }
}

fn strings(v: JsValue) -> Array {
    match v.dyn_into::<Array>() {
        Ok(items) => items.iter().filter(|i| i.is_string()).collect(),
        Err(_) => Array::new(),
    }
}

pub(crate) fn realm(claims: &JsValue) -> Array {
    strings(get(&get(claims, "realm_access"), "roles"))
}

pub(crate) fn resource(claims: &JsValue, client: &str) -> Array {
    strings(get(&get(&get(claims, "resource_access"), client), "roles"))
}

/// `scope` split on spaces (RFC 6749 3.3).
pub(crate) fn scopes(claims: &JsValue) -> Array {
    let scope = get(claims, "scope").as_string().unwrap_or_default();
    scope.split(' ').filter(|s| !s.is_empty()).map(JsValue::from_str).collect()
}

pub(crate) fn contains(items: &Array, wanted: &str) -> bool {
    items.iter().any(|i| i.as_string().as_deref() == Some(wanted))
}
