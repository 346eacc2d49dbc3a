//! The JWT claims set. Registered (RFC 7519), OpenID Connect and Keycloak claims are
//! type-checked once when the token is decoded, so accessors never fail; every other claim
//! is kept as JSON.

use crate::prelude::*;

use serde_json::{Map, Value};

use crate::jose::error::{Error, Result};
use crate::jose::limits::MAX_NUMERIC_DATE;

/// Claims that must be strings when present.
const STRING_CLAIMS: [&str; 14] = [
    "iss",
    "sub",
    "jti",
    "azp",
    "sid",
    "scope",
    "typ",
    "nonce",
    "acr",
    "at_hash",
    "preferred_username",
    "email",
    "name",
    "session_state",
];

/// Claims that must be NumericDate (RFC 7519 2) when present.
const TIME_CLAIMS: [&str; 4] = ["exp", "nbf", "iat", "auth_time"];

#[derive(Debug, Clone, PartialEq)]
pub struct Claims {
    raw: Map<String, Value>,
    /// The payload JSON exactly as received (checked: no duplicates, bounded depth).
    source: String,
}

impl Claims {
    pub(crate) fn from_json(source: String, raw: Map<String, Value>) -> Result<Self> {
        for name in STRING_CLAIMS {
            if let Some(v) = raw.get(name) {
                if !v.is_string() {
                    return Err(wrong_type(name, "a string"));
                }
            }
        }
        for name in TIME_CLAIMS {
            if let Some(v) = raw.get(name) {
                numeric_date(v)
                    .ok_or_else(|| wrong_type(name, "a NumericDate (a JSON number of seconds from 0 to year 9999)"))?;
            }
        }
        match raw.get("aud") {
            None | Some(Value::String(_)) => {}
            Some(Value::Array(items)) if items.iter().all(Value::is_string) => {}
            Some(_) => return Err(wrong_type("aud", "a string or an array of strings")),
        }
        if let Some(v) = raw.get("realm_access") {
            if !is_roles_object(v) {
                return Err(wrong_type("realm_access", "an object whose roles is an array of strings"));
            }
        }
        if let Some(v) = raw.get("resource_access") {
            let ok = v.as_object().is_some_and(|m| m.values().all(is_roles_object));
            if !ok {
                return Err(wrong_type("resource_access", "an object of objects whose roles are arrays of strings"));
            }
        }
        Ok(Self { raw, source })
    }

    pub fn raw(&self) -> &Map<String, Value> {
        &self.raw
    }
    /// The payload's JSON text as received.
    pub fn json(&self) -> &str {
        &self.source
    }
    /// Any claim, typed or not.
    pub fn get(&self, name: &str) -> Option<&Value> {
        self.raw.get(name)
    }
    pub fn contains(&self, name: &str) -> bool {
        self.raw.contains_key(name)
    }

    pub fn iss(&self) -> Option<&str> {
        self.str("iss")
    }
    pub fn sub(&self) -> Option<&str> {
        self.str("sub")
    }
    /// `aud` as a list (a single string is a list of one).
    pub fn aud(&self) -> Vec<&str> {
        match self.raw.get("aud") {
            Some(Value::String(s)) => vec![s.as_str()],
            Some(Value::Array(items)) => items.iter().filter_map(Value::as_str).collect(),
            _ => Vec::new(),
        }
    }
    /// Expiry, rounded down: a fractional `exp` never extends validity.
    pub fn exp(&self) -> Option<i64> {
        self.time("exp").map(floor)
    }
    /// Not-before, rounded up: a fractional `nbf` never starts validity early.
    pub fn nbf(&self) -> Option<i64> {
        self.time("nbf").map(ceil)
    }
    /// Issued-at, rounded up: the issued-in-the-future check is never lenient. An age measured
    /// from it (`maxAge`) can come out up to a second short, far inside any clock tolerance.
    pub fn iat(&self) -> Option<i64> {
        self.time("iat").map(ceil)
    }
    pub fn auth_time(&self) -> Option<i64> {
        self.time("auth_time").map(floor)
    }
    pub fn jti(&self) -> Option<&str> {
        self.str("jti")
    }
    pub fn azp(&self) -> Option<&str> {
        self.str("azp")
    }
    pub fn sid(&self) -> Option<&str> {
        self.str("sid")
    }
    pub fn scope(&self) -> Option<&str> {
        self.str("scope")
    }
    pub fn typ(&self) -> Option<&str> {
        self.str("typ")
    }
    pub fn nonce(&self) -> Option<&str> {
        self.str("nonce")
    }
    pub fn acr(&self) -> Option<&str> {
        self.str("acr")
    }
    pub fn at_hash(&self) -> Option<&str> {
        self.str("at_hash")
    }
    pub fn preferred_username(&self) -> Option<&str> {
        self.str("preferred_username")
    }
    pub fn email(&self) -> Option<&str> {
        self.str("email")
    }
    pub fn name(&self) -> Option<&str> {
        self.str("name")
    }

    /// Keycloak realm roles (`realm_access.roles`).
    pub fn realm_roles(&self) -> Vec<&str> {
        roles(self.raw.get("realm_access"))
    }
    /// Keycloak client roles (`resource_access[client].roles`).
    pub fn resource_roles(&self, client: &str) -> Vec<&str> {
        roles(self.raw.get("resource_access").and_then(|r| r.get(client)))
    }
    /// Every client `resource_access` names, with its roles (as `resource_roles` gives them).
    pub fn resource_roles_by_client(&self) -> Vec<(&str, Vec<&str>)> {
        self.raw
            .get("resource_access")
            .and_then(Value::as_object)
            .map(|m| m.iter().map(|(client, access)| (client.as_str(), roles(Some(access)))).collect())
            .unwrap_or_default()
    }
    pub fn has_realm_role(&self, role: &str) -> bool {
        self.realm_roles().contains(&role)
    }
    pub fn has_resource_role(&self, role: &str, client: &str) -> bool {
        self.resource_roles(client).contains(&role)
    }
    /// OAuth scopes: `scope` split on spaces (RFC 6749 3.3).
    pub fn scopes(&self) -> Vec<&str> {
        self.scope().map(|s| scope_list(s).collect()).unwrap_or_default()
    }
    pub fn has_scope(&self, scope: &str) -> bool {
        self.scopes().contains(&scope)
    }

    fn str(&self, name: &str) -> Option<&str> {
        self.raw.get(name).and_then(Value::as_str)
    }
    fn time(&self, name: &str) -> Option<f64> {
        self.raw.get(name).and_then(numeric_date)
    }
}

/// A JSON number within [0, year 9999]. Strings, booleans and out-of-range values are not
/// dates (CVE-2026-25537 treated string dates as absent; we refuse them).
fn numeric_date(v: &Value) -> Option<f64> {
    let n = v.as_f64()?;
    (n.is_finite() && (0.0..=MAX_NUMERIC_DATE as f64).contains(&n)).then_some(n)
}

fn is_roles_object(v: &Value) -> bool {
    match v {
        Value::Object(m) => match m.get("roles") {
            None => true,
            Some(Value::Array(items)) => items.iter().all(Value::is_string),
            Some(_) => false,
        },
        _ => false,
    }
}

/// The scopes a `scope` claim lists: split on spaces, empty parts dropped (RFC 6749 3.3).
pub fn scope_list(scope: &str) -> impl Iterator<Item = &str> {
    scope.split(' ').filter(|p| !p.is_empty())
}

fn roles(access: Option<&Value>) -> Vec<&str> {
    access
        .and_then(|a| a.get("roles"))
        .and_then(Value::as_array)
        .map(|r| r.iter().filter_map(Value::as_str).collect())
        .unwrap_or_default()
}

fn wrong_type(claim: &str, expected: &str) -> Error {
    Error::malformed(format!("claim {claim} must be {expected}")).with_claim(claim)
}

/// Rounding of a NumericDate (finite, within years 0-9999, so far inside i64) without std's
/// float functions, which the `no_std` Wasm does not have.
fn floor(t: f64) -> i64 {
    let i = t as i64;
    i - i64::from((i as f64) > t)
}
fn ceil(t: f64) -> i64 {
    let i = t as i64;
    i + i64::from((i as f64) < t)
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn claims(v: Value) -> Result<Claims> {
        Claims::from_json(v.to_string(), v.as_object().unwrap().clone())
    }

    #[test]
    fn keycloak_roles_and_scopes() {
        let c = claims(json!({
            "scope": "openid  profile email",
            "realm_access": {"roles": ["user", "admin"]},
            "resource_access": {"spa": {"roles": ["viewer"]}, "account": {"roles": ["manage-account"]}}
        }))
        .unwrap();
        assert_eq!(c.realm_roles(), vec!["user", "admin"]);
        assert!(c.has_realm_role("admin") && !c.has_realm_role("root"));
        assert_eq!(c.resource_roles("spa"), vec!["viewer"]);
        assert!(c.has_resource_role("manage-account", "account"));
        assert!(!c.has_resource_role("viewer", "account"));
        assert!(c.resource_roles("missing").is_empty());
        assert_eq!(c.scopes(), vec!["openid", "profile", "email"]);
        assert!(c.has_scope("email") && !c.has_scope("offline_access"));
    }

    #[test]
    fn aud_is_a_list() {
        assert_eq!(claims(json!({"aud": "a"})).unwrap().aud(), vec!["a"]);
        assert_eq!(claims(json!({"aud": ["a", "b"]})).unwrap().aud(), vec!["a", "b"]);
        assert!(claims(json!({"aud": ["a", 1]})).is_err());
        assert!(claims(json!({"aud": 5})).is_err());
    }

    #[test]
    fn time_claims_must_be_numbers_in_range() {
        for bad in [json!("1700000000"), json!(true), json!(null), json!(-1), json!(1e300), json!([1])] {
            let err = claims(json!({ "exp": bad })).unwrap_err();
            assert_eq!(err.code(), "malformed");
            assert_eq!(err.claim(), Some("exp"));
        }
        assert!(claims(json!({"nbf": "0"})).is_err());
        assert!(claims(json!({"iat": false})).is_err());
    }

    #[test]
    fn fractional_times_round_towards_failing_exp_nbf_and_future_iat() {
        let c = claims(json!({"exp": 100.9, "nbf": 50.1, "iat": 50.1})).unwrap();
        assert_eq!(c.exp(), Some(100));
        assert_eq!(c.nbf(), Some(51));
        assert_eq!(c.iat(), Some(51));
    }

    #[test]
    fn typed_string_claims() {
        assert!(claims(json!({"iss": 1})).is_err());
        assert!(claims(json!({"email": ["a"]})).is_err());
        assert!(claims(json!({"realm_access": {"roles": "admin"}})).is_err());
        assert!(claims(json!({"resource_access": {"spa": []}})).is_err());
        let c = claims(json!({"iss": "x", "custom": {"any": [1, 2]}})).unwrap();
        assert_eq!(c.iss(), Some("x"));
        assert_eq!(c.get("custom"), Some(&json!({"any": [1, 2]})));
    }

    fn parse(text: &str) -> Result<Claims> {
        Claims::from_json(text.to_string(), crate::jose::json::parse_object("payload", text.as_bytes())?)
    }

    #[test]
    fn duplicates_are_found_at_any_depth_and_however_spelled() {
        for text in [
            r#"{"sub":"a","sub":"b"}"#,
            r#"{"s\u0075b":"a","sub":"b"}"#,
            r#"{"realm_access":{"roles":["x"],"roles":[]}}"#,
            r#"{"resource_access":{"spa":{"roles":[]},"spa":{"roles":[]}}}"#,
            r#"{"custom":{"a":1,"b":{"c":2,"c":3}}}"#,
            r#"{"custom":[{"k":1,"k":1}]}"#,
        ] {
            let err = parse(text).unwrap_err();
            assert!(err.message().contains("duplicate member"), "{text}: {}", err.message());
        }
        // A duplicate far from its first occurrence: the 41st member repeats the first.
        let mut big: Vec<String> = (0..40).map(|i| format!("\"k{i}\":{i}")).collect();
        assert!(parse(&format!("{{{}}}", big.join(","))).is_ok());
        big.push("\"k0\":0".into());
        assert!(parse(&format!("{{{}}}", big.join(","))).unwrap_err().message().contains("duplicate"));
    }

    #[test]
    fn escaped_registered_names_are_still_checked() {
        let err = parse(r#"{"\u0065xp":"1800000000"}"#).unwrap_err();
        assert_eq!(err.claim(), Some("exp"));
        assert_eq!(parse(r#"{"\u0065xp":1800000000}"#).unwrap().exp(), Some(1_800_000_000));
    }

    #[test]
    fn roles_errors_name_the_enclosing_claim() {
        for (text, claim) in [
            (r#"{"realm_access":{"roles":["a",1]}}"#, "realm_access"),
            (r#"{"realm_access":{"roles":"a"}}"#, "realm_access"),
            (r#"{"realm_access":[]}"#, "realm_access"),
            (r#"{"resource_access":{"spa":{"roles":[true]}}}"#, "resource_access"),
            (r#"{"resource_access":{"spa":"x"}}"#, "resource_access"),
            (r#"{"aud":["a",{}]}"#, "aud"),
            (r#"{"aud":{}}"#, "aud"),
            (r#"{"iss":{}}"#, "iss"),
            (r#"{"exp":{}}"#, "exp"),
        ] {
            let err = parse(text).unwrap_err();
            assert_eq!(err.claim(), Some(claim), "{text}: {}", err.message());
            assert!(err.message().starts_with(&format!("claim {claim} must be")), "{}", err.message());
        }
        // Other members of a roles object are free-form.
        let c = parse(r#"{"realm_access":{"roles":["a"],"extra":{"x":[1]}}}"#).unwrap();
        assert_eq!(c.realm_roles(), vec!["a"]);
    }

    #[test]
    fn the_payload_must_be_an_object() {
        for text in ["[]", "1", "\"x\"", "null", "{} {}", ""] {
            assert_eq!(parse(text).unwrap_err().code(), "malformed", "{text}");
        }
        assert_eq!(parse("{}").unwrap().raw().len(), 0);
    }
}
