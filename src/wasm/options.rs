//! JS options objects (camelCase) into core options. Unknown members are refused: a typo
//! such as `audiences` must not silently disable a check.

use js_sys::{Array, Object, Reflect};
use wasm_bindgen::prelude::*;

use super::errors::{invalid_option, to_js, JsResult};
use crate::{Algorithm, TokenKind, VerifyOptions};

const KNOWN: [&str; 9] =
    ["issuer", "audience", "azp", "kind", "algorithms", "clockTolerance", "maxAge", "requiredClaims", "now"];

/// Options plus `now` (seconds; the JS clock when absent).
pub(crate) fn parse(value: JsValue) -> JsResult<(VerifyOptions, i64)> {
    let mut opts = VerifyOptions::default();
    let mut now = None;
    if let Some(obj) = known_members(&value, "", &KNOWN)? {
        let get = |n: &'static str| Reflect::get(obj, &super::names::name(n)).ok().filter(|v| !v.is_undefined());
        if let Some(v) = get("issuer") {
            opts.issuer = one_or_many("issuer", &v)?;
        }
        if let Some(v) = get("audience") {
            opts.audience = one_or_many("audience", &v)?;
        }
        if let Some(v) = get("azp") {
            opts.azp = Some(string("azp", &v)?);
        }
        if let Some(v) = get("kind") {
            opts.kind = Some(string("kind", &v)?.parse::<TokenKind>().map_err(to_js)?);
        }
        if let Some(v) = get("algorithms") {
            let names = many("algorithms", &v)?;
            let algs = names.iter().map(|a| a.parse::<Algorithm>()).collect::<Result<Vec<_>, _>>();
            opts.algorithms = Some(algs.map_err(|e| invalid_option(format!("algorithms: {}", e.message())))?);
        }
        if let Some(v) = get("clockTolerance") {
            opts.clock_tolerance = seconds("clockTolerance", &v)?;
        }
        if let Some(v) = get("maxAge") {
            opts.max_age = Some(seconds("maxAge", &v)?);
        }
        if let Some(v) = get("requiredClaims") {
            opts.required_claims = many("requiredClaims", &v)?;
            if opts.required_claims.is_empty() {
                return Err(invalid_option(
                    "requiredClaims must not be an empty array (leave it out to require nothing)",
                ));
            }
        }
        if let Some(v) = get("now") {
            now = Some(seconds("now", &v)? as i64);
        }
    }
    let now = now.unwrap_or_else(|| (js_sys::Date::now() / 1000.0).floor() as i64);
    // The core's own bounds (clockTolerance, maxAge, empty values), here so that verify and
    // explain both throw for them, as for every other bad option.
    crate::jose::verify::validate_options(&opts)
        .and_then(|()| crate::jose::verify::validate_now(now))
        .map_err(to_js)?;
    Ok((opts, now))
}

/// An options object (`None` when undefined or null) whose members are all in `known`: a
/// typo (`audiences`, `cachesize`, `kdi`) must not be silently ignored. `what` prefixes the
/// messages ("" for verify's options, "KeySet ", "fromSecret ").
pub(crate) fn known_members<'a>(options: &'a JsValue, what: &str, known: &[&str]) -> JsResult<Option<&'a Object>> {
    if options.is_undefined() || options.is_null() {
        return Ok(None);
    }
    let obj: &Object = options
        .dyn_ref()
        .filter(|_| !Array::is_array(options))
        .ok_or_else(|| invalid_option(format!("{what}options must be an object")))?;
    for name in Object::keys(obj).iter() {
        let name = name.as_string().unwrap_or_default();
        if !known.contains(&name.as_str()) {
            let name = crate::jose::error::sanitize(&name, 40);
            return Err(invalid_option(format!("unknown {what}option \"{name}\"")));
        }
    }
    Ok(Some(obj))
}

pub(crate) fn string(name: &str, v: &JsValue) -> JsResult<String> {
    v.as_string().ok_or_else(|| invalid_option(format!("{name} must be a string")))
}

pub(crate) fn many(name: &str, v: &JsValue) -> JsResult<Vec<String>> {
    let arr: &Array = v.dyn_ref().ok_or_else(|| invalid_option(format!("{name} must be an array of strings")))?;
    arr.iter()
        .map(|item| item.as_string().ok_or_else(|| invalid_option(format!("{name} must be an array of strings"))))
        .collect()
}

/// An issuer or audience: one string or a non-empty array. An empty array is an error, not
/// "unchecked": a caller whose configured list came out empty must not accept any issuer.
fn one_or_many(name: &str, v: &JsValue) -> JsResult<Vec<String>> {
    match v.as_string() {
        Some(s) => Ok(vec![s]),
        None => match many(name, v) {
            Ok(list) if list.is_empty() => {
                Err(invalid_option(format!("{name} must not be an empty array (leave it out to skip the check)")))
            }
            Ok(list) => Ok(list),
            Err(_) => Err(invalid_option(format!("{name} must be a string or an array of strings"))),
        },
    }
}

pub(crate) fn seconds(name: &str, v: &JsValue) -> JsResult<u64> {
    match v.as_f64() {
        Some(n) if n.is_finite() && n >= 0.0 && n <= crate::jose::limits::MAX_NUMERIC_DATE as f64 => {
            Ok(n.floor() as u64)
        }
        _ => Err(invalid_option(format!("{name} must be a non-negative number of seconds"))),
    }
}

/// `cacheSize` from KeySet options (default `DEFAULT_CACHE_SIZE`, 0 disables).
pub(crate) fn cache_size(options: &JsValue) -> JsResult<usize> {
    if options.is_undefined() || options.is_null() {
        return Ok(crate::DEFAULT_CACHE_SIZE);
    }
    let v = Reflect::get(options, &JsValue::from_str("cacheSize")).unwrap_or(JsValue::UNDEFINED);
    if v.is_undefined() {
        return Ok(crate::DEFAULT_CACHE_SIZE);
    }
    match v.as_f64() {
        Some(n) if n.is_finite() && (0.0..=1_000_000.0).contains(&n) => Ok(n as usize),
        _ => Err(invalid_option("cacheSize must be a number from 0 to 1000000")),
    }
}
