//! JSON values across the boundary, for the session's wire format (`session::wire`): out as
//! plain JS objects built directly, in through `JSON.stringify` and the core's strict parser.

use crate::prelude::*;

use js_sys::{Array, Object, Reflect};
use serde_json::Value;
use wasm_bindgen::prelude::*;

use super::errors::invalid_option;

/// A JSON value as a plain JS value (objects, arrays, strings, numbers, booleans, null).
pub(crate) fn to_js_json(v: &Value) -> JsValue {
    match v {
        Value::Null => JsValue::NULL,
        Value::Bool(b) => JsValue::from_bool(*b),
        Value::Number(n) => JsValue::from_f64(n.as_f64().unwrap_or(f64::NAN)),
        Value::String(s) => JsValue::from_str(s),
        Value::Array(items) => items.iter().map(to_js_json).collect::<Array>().into(),
        Value::Object(map) => {
            let obj = Object::new();
            for (name, value) in map {
                let (key, value) = (JsValue::from_str(name), to_js_json(value));
                if name == "__proto__" {
                    // A plain set would replace the prototype: a claim named so (token
                    // content, anybody's choice) becomes an own member, as JSON.parse makes it.
                    let member = Object::new();
                    for (k, v) in [
                        ("value", &value),
                        ("writable", &JsValue::TRUE),
                        ("enumerable", &JsValue::TRUE),
                        ("configurable", &JsValue::TRUE),
                    ] {
                        let _ = Reflect::set(&member, &JsValue::from_str(k), v);
                    }
                    let _ = Reflect::define_property(&obj, &key, &member);
                } else {
                    let _ = Reflect::set(&obj, &key, &value);
                }
            }
            obj.into()
        }
    }
}

/// A JS value read as JSON: `JSON.stringify`, then the core's strict parser (a value
/// `JSON.stringify` cannot write, such as a BigInt or a cycle, is an error naming `what`).
pub(crate) fn from_js_json(v: &JsValue, what: &str) -> Result<Value, JsValue> {
    let text = js_sys::JSON::stringify(v).ok().and_then(|s| s.as_string());
    let Some(text) = text else {
        return Err(invalid_option(format!("{what} must be a JSON-compatible object")));
    };
    crate::jose::json::parse_js_value(what, text.as_bytes()).map_err(|e| invalid_option(e.message()))
}
