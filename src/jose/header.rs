//! The JOSE header of a compact JWS, checked for shape at decode time. Members that
//! point at keys (`jku`, `x5u`, `jwk`, `x5c`) are recorded but never used: keys come only
//! from the caller's key set (RFC 8725 3.10).

use crate::prelude::*;

use serde_json::{Map, Value};

use crate::jose::error::sanitize;
use crate::jose::error::{Error, ErrorKind, Result};

/// Header members that name a key source we refuse to trust.
pub const UNTRUSTED_KEY_MEMBERS: [&str; 5] = ["jku", "x5u", "jwk", "x5c", "x5t#S256"];

#[derive(Debug, Clone, PartialEq)]
pub struct Header {
    raw: Map<String, Value>,
    /// The header JSON exactly as received.
    source: String,
}

impl Header {
    pub(crate) fn from_json(source: String, raw: Map<String, Value>) -> Result<Self> {
        match raw.get("alg") {
            Some(Value::String(_)) => {}
            Some(_) => return Err(Error::malformed("header alg is not a string").with_claim("alg")),
            None => return Err(Error::malformed("header has no alg").with_claim("alg")),
        }
        for member in ["typ", "cty", "kid"] {
            if let Some(v) = raw.get(member) {
                if !v.is_string() {
                    return Err(Error::malformed(format!("header {member} is not a string")).with_claim(member));
                }
            }
        }
        Ok(Self { raw, source })
    }

    /// The header's JSON text as received.
    pub fn json(&self) -> &str {
        &self.source
    }

    /// The `alg` exactly as written (checked to be a string).
    pub fn alg(&self) -> &str {
        self.str("alg").unwrap_or_default()
    }
    pub fn typ(&self) -> Option<&str> {
        self.str("typ")
    }
    pub fn kid(&self) -> Option<&str> {
        self.str("kid")
    }
    pub fn cty(&self) -> Option<&str> {
        self.str("cty")
    }
    pub fn raw(&self) -> &Map<String, Value> {
        &self.raw
    }

    fn str(&self, name: &str) -> Option<&str> {
        self.raw.get(name).and_then(Value::as_str)
    }

    /// Untrusted key-source members present in this header.
    pub fn untrusted_key_members(&self) -> Vec<&'static str> {
        UNTRUSTED_KEY_MEMBERS.into_iter().filter(|m| self.raw.contains_key(*m)).collect()
    }

    /// RFC 7515 4.1.11: a recipient must reject a token whose `crit` names an extension it
    /// does not process. We process none, so any well-formed `crit` is refused, and a
    /// malformed one is malformed. `b64` (RFC 7797 unencoded payload) is an extension too:
    /// anything but the default `true` is refused.
    pub fn check_extensions(&self) -> Result<()> {
        if let Some(crit) = self.raw.get("crit") {
            let names = match crit {
                Value::Array(items) if !items.is_empty() => items,
                _ => return Err(Error::malformed("header crit must be a non-empty array of names").with_claim("crit")),
            };
            for name in names {
                let Some(name) = name.as_str() else {
                    return Err(Error::malformed("header crit holds a non-string").with_claim("crit"));
                };
                if !self.raw.contains_key(name) {
                    return Err(Error::malformed(format!(
                        "header crit names \"{}\", which the header does not carry",
                        sanitize(name, 32)
                    ))
                    .with_claim("crit"));
                }
            }
            let first = names[0].as_str().unwrap_or_default();
            return Err(Error::new(
                ErrorKind::CritUnsupported,
                format!("critical header extension \"{}\" is not supported", sanitize(first, 32)),
            )
            .with_claim("crit"));
        }
        match self.raw.get("b64") {
            None | Some(Value::Bool(true)) => Ok(()),
            Some(_) => {
                Err(Error::new(ErrorKind::CritUnsupported, "unencoded payload (b64, RFC 7797) is not supported")
                    .with_claim("b64"))
            }
        }
    }
}
