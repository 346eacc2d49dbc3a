//! Core values into plain JS objects, built directly (no serializer): header and claims
//! come from the JSON text the core already validated, through the engine's JSON.parse.

use js_sys::{Array, Object, Reflect};
use wasm_bindgen::prelude::*;

use crate::{Check, KeySet, Report};

/// JSON text the core already validated, as a JS value.
pub(crate) fn parse_json(text: &str) -> JsValue {
    js_sys::JSON::parse(text).unwrap_or(JsValue::NULL)
}

pub(crate) fn strings(items: &[&str]) -> Array {
    items.iter().map(|s| JsValue::from_str(s)).collect()
}

/// A plain object from (name, value) pairs.
pub(crate) fn object(fields: &[(&'static str, JsValue)]) -> JsValue {
    let obj = Object::new();
    for (name, value) in fields {
        let _ = Reflect::set(&obj, &super::names::name(name), value);
    }
    obj.into()
}

fn opt_str(s: Option<&str>) -> JsValue {
    s.map_or(JsValue::NULL, JsValue::from_str)
}

pub(crate) fn report(r: &Report) -> JsValue {
    let checks: Array = r.checks.iter().map(check).collect();
    object(&[
        ("ok", r.ok.into()),
        ("kind", opt_str(r.kind.map(|k| k.name()))),
        ("header", r.header.as_ref().map_or(JsValue::NULL, |h| parse_json(h.json()))),
        ("claims", r.claims.as_ref().map_or(JsValue::NULL, |c| parse_json(c.json()))),
        ("checks", checks.into()),
    ])
}

fn check(c: &Check) -> JsValue {
    let mut fields = vec![("id", JsValue::from_str(c.id)), ("status", JsValue::from_str(c.status.name()))];
    if let Some(code) = c.code {
        fields.push(("code", JsValue::from_str(code)));
    }
    if let Some(claim) = &c.claim {
        fields.push(("claim", JsValue::from_str(claim)));
    }
    fields.push(("reason", JsValue::from_str(&c.reason)));
    object(&fields)
}

pub(crate) fn key_infos(set: &KeySet) -> JsValue {
    let keys: Array = set
        .keys()
        .iter()
        .map(|k| {
            let i = k.info();
            object(&[
                ("kid", opt_str(i.kid.as_deref())),
                ("kty", JsValue::from_str(&i.kty)),
                ("crv", opt_str(i.crv.as_deref())),
                ("alg", opt_str(i.alg.map(|a| a.name()))),
                ("use", opt_str(i.key_use.as_deref())),
                ("bits", JsValue::from(i.bits as u32)),
            ])
        })
        .collect();
    keys.into()
}

pub(crate) fn rejected(set: &KeySet) -> JsValue {
    let list: Array = set
        .rejected()
        .iter()
        .map(|r| {
            object(&[
                ("index", JsValue::from(r.index as u32)),
                ("kid", opt_str(r.kid.as_deref())),
                ("reason", JsValue::from_str(&r.reason)),
            ])
        })
        .collect();
    list.into()
}
