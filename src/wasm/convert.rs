//! Core values into plain JS objects. JSON text and `JSON.parse` keep the conversion fast
//! and exact (numbers beyond 2^53 lose precision the same way they would in JS).

use serde_json::{json, Map, Value};
use wasm_bindgen::prelude::*;

use crate::{Check, KeySet, Report};

pub(crate) fn to_js(value: &impl serde::Serialize) -> JsValue {
    serde_json::to_string(value)
        .ok()
        .and_then(|text| js_sys::JSON::parse(&text).ok())
        .unwrap_or(JsValue::NULL)
}

/// JSON text the core already validated, as a JS value.
pub(crate) fn parse_json(text: &str) -> JsValue {
    js_sys::JSON::parse(text).unwrap_or(JsValue::NULL)
}

pub(crate) fn strings(items: &[&str]) -> js_sys::Array {
    items.iter().map(|s| JsValue::from_str(s)).collect()
}

pub(crate) fn report(r: &Report) -> JsValue {
    let checks: Vec<Value> = r.checks.iter().map(check).collect();
    to_js(&json!({
        "ok": r.ok,
        "kind": r.kind.map(|k| k.name()),
        "header": r.header.as_ref().map(|h| Value::Object(h.raw().clone())),
        "claims": r.claims.as_ref().map(|c| Value::Object(c.raw().clone())),
        "checks": checks,
    }))
}

fn check(c: &Check) -> Value {
    let mut m = Map::new();
    m.insert("id".into(), c.id.into());
    m.insert("status".into(), c.status.name().into());
    if let Some(code) = c.code {
        m.insert("code".into(), code.into());
    }
    if let Some(claim) = &c.claim {
        m.insert("claim".into(), claim.as_str().into());
    }
    m.insert("reason".into(), c.reason.as_str().into());
    Value::Object(m)
}

pub(crate) fn key_infos(set: &KeySet) -> JsValue {
    let keys: Vec<Value> = set
        .keys()
        .iter()
        .map(|k| {
            let i = k.info();
            json!({ "kid": i.kid, "kty": i.kty, "crv": i.crv, "alg": i.alg.map(|a| a.name()), "use": i.key_use, "bits": i.bits })
        })
        .collect();
    to_js(&keys)
}

pub(crate) fn rejected(set: &KeySet) -> JsValue {
    let list: Vec<Value> =
        set.rejected().iter().map(|r| json!({ "index": r.index, "kid": r.kid, "reason": r.reason })).collect();
    to_js(&list)
}
