//! JSON parsing that refuses what serde_json lets through: duplicate member names
//! (RFC 7515 5.2 / RFC 8725 3.9: two parsers must never see different claims) and nesting
//! deeper than `MAX_JSON_DEPTH`.

use serde::de::{DeserializeSeed, Deserializer, Error as _, MapAccess, SeqAccess, Visitor};
use serde_json::{Map, Value};
use std::fmt;

use crate::jose::error::{Error, Result};
use crate::jose::limits::MAX_JSON_DEPTH;

/// Parse a JSON object strictly. `what` names the document in error messages.
pub fn parse_object(what: &str, bytes: &[u8]) -> Result<Map<String, Value>> {
    match parse_value(what, bytes)? {
        Value::Object(map) => Ok(map),
        _ => Err(Error::malformed(format!("{what} is not a JSON object"))),
    }
}

pub fn parse_value(what: &str, bytes: &[u8]) -> Result<Value> {
    let mut de = serde_json::Deserializer::from_slice(bytes);
    let value = Strict { depth: 0 }
        .deserialize(&mut de)
        .and_then(|v| de.end().map(|()| v))
        .map_err(|e| Error::malformed(format!("{what} is not valid JSON: {}", describe(&e))))?;
    Ok(value)
}

// serde_json's messages carry line/column; ours name the failure only.
/// serde_json's message without its position, sanitized (it can quote the input).
fn describe(e: &serde_json::Error) -> String {
    let text = e.to_string();
    let text = match text.find(" at line ") {
        Some(i) => &text[..i],
        None => &text,
    };
    crate::jose::error::sanitize(text, 120)
}

struct Strict {
    depth: usize,
}

impl Strict {
    fn nested<E: serde::de::Error>(&self) -> Result<Strict, E> {
        if self.depth >= MAX_JSON_DEPTH {
            return Err(E::custom(format_args!("nested deeper than {MAX_JSON_DEPTH} levels")));
        }
        Ok(Strict { depth: self.depth + 1 })
    }
}

impl<'de> DeserializeSeed<'de> for Strict {
    type Value = Value;
    fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<Value, D::Error> {
        d.deserialize_any(self)
    }
}

impl<'de> Visitor<'de> for Strict {
    type Value = Value;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a JSON value")
    }
    fn visit_bool<E>(self, v: bool) -> Result<Value, E> {
        Ok(Value::Bool(v))
    }
    fn visit_i64<E>(self, v: i64) -> Result<Value, E> {
        Ok(Value::from(v))
    }
    fn visit_u64<E>(self, v: u64) -> Result<Value, E> {
        Ok(Value::from(v))
    }
    fn visit_f64<E: serde::de::Error>(self, v: f64) -> Result<Value, E> {
        serde_json::Number::from_f64(v).map(Value::Number).ok_or_else(|| E::custom("number is not finite"))
    }
    fn visit_str<E>(self, v: &str) -> Result<Value, E> {
        Ok(Value::String(v.to_owned()))
    }
    fn visit_string<E>(self, v: String) -> Result<Value, E> {
        Ok(Value::String(v))
    }
    fn visit_unit<E>(self) -> Result<Value, E> {
        Ok(Value::Null)
    }
    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Value, A::Error> {
        let child = self.nested()?;
        let mut out = Vec::new();
        while let Some(v) = seq.next_element_seed(Strict { depth: child.depth })? {
            out.push(v);
        }
        Ok(Value::Array(out))
    }
    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Value, A::Error> {
        let child = self.nested()?;
        let mut out = Map::new();
        while let Some(key) = map.next_key::<String>()? {
            if out.contains_key(&key) {
                return Err(A::Error::custom(format_args!(
                    "duplicate member \"{}\"",
                    crate::jose::error::sanitize(&key, 40)
                )));
            }
            let v = map.next_value_seed(Strict { depth: child.depth })?;
            out.insert(key, v);
        }
        Ok(Value::Object(out))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn duplicate_members_are_refused() {
        let err = parse_object("payload", br#"{"sub":"a","sub":"b"}"#).unwrap_err();
        assert_eq!(err.code(), "malformed");
        assert!(err.message().contains("duplicate member \"sub\""), "{}", err.message());
    }

    #[test]
    fn nested_duplicates_are_refused() {
        assert!(parse_object("payload", br#"{"a":{"x":1,"x":2}}"#).is_err());
    }

    #[test]
    fn depth_is_bounded() {
        let deep = format!("{}1{}", "[".repeat(MAX_JSON_DEPTH + 1), "]".repeat(MAX_JSON_DEPTH + 1));
        let doc = format!("{{\"a\":{deep}}}");
        let err = parse_object("payload", doc.as_bytes()).unwrap_err();
        assert!(err.message().contains("nested deeper"), "{}", err.message());
        let ok = format!("{{\"a\":{}1{}}}", "[".repeat(MAX_JSON_DEPTH - 1), "]".repeat(MAX_JSON_DEPTH - 1));
        assert!(parse_object("payload", ok.as_bytes()).is_ok());
    }

    #[test]
    fn trailing_garbage_and_non_objects_are_refused() {
        assert!(parse_object("payload", br#"{"a":1} x"#).is_err());
        assert!(parse_object("payload", br#"[1]"#).is_err());
        assert!(parse_object("payload", br#"{"a":1e400}"#).is_err());
    }
}
