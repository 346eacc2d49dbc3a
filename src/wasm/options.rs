//! JS options objects (camelCase) into core options. Unknown members are refused: a typo
//! such as `audiences` must not silently disable a check.

use serde::Deserialize;
use wasm_bindgen::prelude::*;

use super::errors::{invalid_option, JsResult};
use crate::{Algorithm, TokenKind, VerifyOptions};

#[derive(Deserialize)]
#[serde(untagged)]
enum OneOrMany {
    One(String),
    Many(Vec<String>),
}

impl OneOrMany {
    fn into_vec(self) -> Vec<String> {
        match self {
            OneOrMany::One(s) => vec![s],
            OneOrMany::Many(v) => v,
        }
    }
}

#[derive(Deserialize, Default)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
struct JsOptions {
    issuer: Option<OneOrMany>,
    audience: Option<OneOrMany>,
    azp: Option<String>,
    kind: Option<String>,
    algorithms: Option<Vec<String>>,
    clock_tolerance: Option<f64>,
    max_age: Option<f64>,
    required_claims: Option<Vec<String>>,
    now: Option<f64>,
}

/// Options plus `now` (seconds; the JS clock when absent).
pub(crate) fn parse(value: JsValue) -> JsResult<(VerifyOptions, i64)> {
    let js: JsOptions = if value.is_undefined() || value.is_null() {
        JsOptions::default()
    } else {
        serde_wasm_bindgen::from_value(value).map_err(|e| invalid_option(format!("invalid options: {e}")))?
    };
    let mut opts = VerifyOptions::default();
    opts.issuer = js.issuer.map(OneOrMany::into_vec).unwrap_or_default();
    opts.audience = js.audience.map(OneOrMany::into_vec).unwrap_or_default();
    opts.azp = js.azp;
    opts.kind = js.kind.as_deref().map(str::parse::<TokenKind>).transpose().map_err(super::errors::to_js)?;
    opts.algorithms = match js.algorithms {
        None => None,
        Some(list) => Some(
            list.iter()
                .map(|a| a.parse::<Algorithm>())
                .collect::<Result<Vec<_>, _>>()
                .map_err(|e| invalid_option(format!("algorithms: {}", e.message())))?,
        ),
    };
    if let Some(t) = js.clock_tolerance {
        opts.clock_tolerance = seconds("clockTolerance", t)?;
    }
    opts.max_age = js.max_age.map(|t| seconds("maxAge", t)).transpose()?;
    opts.required_claims = js.required_claims.unwrap_or_default();
    let now = match js.now {
        Some(n) => i64::try_from(seconds("now", n)?).map_err(|_| invalid_option("now is out of range"))?,
        None => (js_sys::Date::now() / 1000.0).floor() as i64,
    };
    Ok((opts, now))
}

fn seconds(name: &str, v: f64) -> JsResult<u64> {
    if v.is_finite() && v >= 0.0 && v <= crate::limits::MAX_NUMERIC_DATE as f64 {
        Ok(v.floor() as u64)
    } else {
        Err(invalid_option(format!("{name} must be a non-negative number of seconds")))
    }
}

/// `cacheSize` from KeySet options (default `DEFAULT_CACHE_SIZE`, 0 disables).
pub(crate) fn cache_size(options: &JsValue) -> JsResult<usize> {
    if options.is_undefined() || options.is_null() {
        return Ok(crate::DEFAULT_CACHE_SIZE);
    }
    let v = js_sys::Reflect::get(options, &JsValue::from_str("cacheSize")).unwrap_or(JsValue::UNDEFINED);
    if v.is_undefined() {
        return Ok(crate::DEFAULT_CACHE_SIZE);
    }
    match v.as_f64() {
        Some(n) if n.is_finite() && (0.0..=1_000_000.0).contains(&n) => Ok(n as usize),
        _ => Err(invalid_option("cacheSize must be a number from 0 to 1000000")),
    }
}
