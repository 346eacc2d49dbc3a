//! The Bearer guard's decisions and its JWKS cache, with a simulated JWKS server that counts
//! its fetches (the Workers and Node shims run the same core: tests/js/guard*.test.mjs).
#![cfg(feature = "signature")]

mod common;

use std::cell::RefCell;

use common::*;
use serde_json::{json, Value};
use tokenward::guard::{Denial, Fetch, FetchKind, Guard, GuardOptions};

const JWKS_URI: &str = "https://idp.example/realms/demo/protocol/openid-connect/certs";

/// A JWKS endpoint: what it serves now, and every fetch it saw.
struct Server {
    jwks: RefCell<Value>,
    cache_control: RefCell<Option<String>>,
    down: RefCell<bool>,
    fetches: RefCell<Vec<Fetch>>,
}

impl Server {
    fn new() -> Self {
        Self {
            jwks: RefCell::new(jwks_value()),
            cache_control: RefCell::new(Some("max-age=300".into())),
            down: RefCell::new(false),
            fetches: RefCell::default(),
        }
    }
    fn answer(&self, f: &Fetch) -> Result<(u16, Option<String>, String), String> {
        self.fetches.borrow_mut().push(f.clone());
        if *self.down.borrow() {
            return Err("connection refused".into());
        }
        match f.kind {
            FetchKind::Jwks => Ok((200, self.cache_control.borrow().clone(), self.jwks.borrow().to_string())),
            FetchKind::Discovery => Ok((
                200,
                None,
                json!({
                    "issuer": ISS, "jwks_uri": JWKS_URI,
                    "authorization_endpoint": format!("{ISS}/protocol/openid-connect/auth"),
                    "token_endpoint": format!("{ISS}/protocol/openid-connect/token"),
                })
                .to_string(),
            )),
        }
    }
    fn count(&self) -> usize {
        self.fetches.borrow().len()
    }
}

fn guard(patch: impl FnOnce(&mut GuardOptions)) -> Guard {
    let mut opts = GuardOptions { issuer: ISS.into(), jwks_uri: Some(JWKS_URI.into()), ..Default::default() };
    opts.verify.audience = vec!["account".into()];
    patch(&mut opts);
    Guard::new(opts).unwrap()
}

fn check(g: &mut Guard, s: &Server, token: &str, now: i64) -> Result<tokenward::Token, Denial> {
    g.check_blocking(Some(&format!("Bearer {token}")), now, |f| s.answer(f))
}

fn denied(r: Result<tokenward::Token, Denial>) -> Denial {
    r.expect_err("a denial")
}

#[test]
fn tokens_pass_and_failures_get_rfc_6750_answers() {
    let (s, mut g) = (Server::new(), guard(|_| {}));
    let ok = sign("RS256", json!({}), access_claims());
    assert_eq!(check(&mut g, &s, &ok, NOW).unwrap().claims().sub(), Some("u1"));

    let none = g.check_blocking(None, NOW, |f| s.answer(f)).unwrap_err();
    assert_eq!((none.status, none.error), (401, None));
    assert_eq!(none.www_authenticate.as_deref(), Some(format!("Bearer realm=\"{ISS}\"").as_str()));
    let basic = g.check_blocking(Some("Basic dXNlcjpwdw=="), NOW, |f| s.answer(f)).unwrap_err();
    assert_eq!(basic.status, 401);
    let bad = g.check_blocking(Some("Bearer a b"), NOW, |f| s.answer(f)).unwrap_err();
    assert_eq!((bad.status, bad.error), (400, Some("invalid_request")));

    let cases = [
        ("expired", sign("RS256", json!({}), with(access_claims(), json!({"exp": NOW - 100})))),
        ("audience_mismatch", sign("RS256", json!({}), with(access_claims(), json!({"aud": "other"})))),
        ("issuer_mismatch", sign("RS256", json!({}), with(access_claims(), json!({"iss": "https://evil"})))),
        ("wrong_kind", sign("RS256", json!({}), with(access_claims(), json!({"typ": "ID"})))),
        ("wrong_kind", sign("RS256", json!({}), with(access_claims(), json!({"typ": "Refresh"})))),
        ("signature_invalid", {
            let t = sign("ES256", json!({}), access_claims());
            let forged = sign("ES256", json!({}), with(access_claims(), json!({"sub": "admin"})));
            let (a, b) = (t.rsplit_once('.').unwrap().0, forged.rsplit_once('.').unwrap().1);
            format!("{a}.{b}")
        }),
        // alg confusion: HS256 with the RSA public key's JWK as the secret
        ("alg_not_allowed", sign_text("HS256", r#"{"alg":"HS256","kid":"rsa"}"#, &access_claims().to_string())),
        ("malformed", "not-a-token".to_string()),
    ];
    for (code, token) in cases {
        let d = denied(check(&mut g, &s, &token, NOW));
        assert_eq!((d.status, d.error, d.code), (401, Some("invalid_token"), code), "{d:?}");
        let challenge = d.www_authenticate.unwrap();
        assert!(
            challenge.starts_with(&format!("Bearer realm=\"{ISS}\", error=\"invalid_token\", error_description=\""))
        );
    }
    assert_eq!(s.count(), 1, "one JWKS fetch for all of it");
}

#[test]
fn roles_and_scopes_are_required_with_403() {
    let s = Server::new();
    let mut g = guard(|o| {
        o.required_realm_roles = vec!["user".into()];
        o.required_resource_roles = vec![("spa".into(), vec!["viewer".into()])];
        o.required_scopes = vec!["profile".into()];
    });
    assert!(check(&mut g, &s, &sign("RS256", json!({}), access_claims()), NOW).is_ok());
    for (patch, code) in [
        (json!({"realm_access": {"roles": ["guest"]}}), "missing_role"),
        (json!({"resource_access": {"other": {"roles": ["viewer"]}}}), "missing_role"),
        (json!({"scope": "openid email"}), "missing_scope"),
    ] {
        let d = denied(check(&mut g, &s, &sign("RS256", json!({}), with(access_claims(), patch)), NOW));
        assert_eq!((d.status, d.error, d.code), (403, Some("insufficient_scope"), code));
        assert!(d.www_authenticate.unwrap().ends_with(", scope=\"profile\""));
    }
}

#[test]
fn rotation_fetches_the_new_kid_once_and_a_kid_flood_costs_one_fetch_per_cooldown() {
    let (s, mut g) = (Server::new(), guard(|_| {}));
    assert!(check(&mut g, &s, &sign("RS256", json!({}), access_claims()), NOW).is_ok());
    assert_eq!(s.count(), 1);
    // The provider rotates: the same RSA key under a new kid; the old kid is gone.
    let mut rotated = jwks_value();
    rotated["keys"][0]["kid"] = json!("rsa-2");
    *s.jwks.borrow_mut() = rotated;
    let new_kid = sign("RS256", json!({"kid": "rsa-2"}), access_claims());
    assert!(check(&mut g, &s, &new_kid, NOW + 1).is_ok());
    assert_eq!(s.count(), 2, "the new kid is fetched once");
    assert!(check(&mut g, &s, &new_kid, NOW + 2).is_ok());
    assert_eq!(s.count(), 2);
    // The removed key stops verifying as soon as the new set is in.
    let old = denied(check(&mut g, &s, &sign("RS256", json!({}), access_claims()), NOW + 3));
    assert_eq!(old.code, "key_not_found");

    // A flood of random kids: one fetch per cooldown window (30 s), counted at the server.
    let before = s.count();
    for i in 0..500 {
        let t = sign("ES256", json!({"kid": format!("random-{i}")}), access_claims());
        assert_eq!(denied(check(&mut g, &s, &t, NOW + 40 + i / 20)).code, "key_not_found");
    }
    // 500 tokens over 25 s, all within one window opened by the first.
    assert_eq!(s.count() - before, 1);
    let t = sign("ES256", json!({"kid": "random-late"}), access_claims());
    let _ = check(&mut g, &s, &t, NOW + 40 + 31);
    assert_eq!(s.count() - before, 2, "the next window allows one more");
}

#[test]
fn a_failing_endpoint_keeps_cached_keys_until_the_stale_limit() {
    let (s, mut g) = (Server::new(), guard(|_| {}));
    let t = sign("RS256", json!({}), with(access_claims(), json!({"exp": NOW + 100_000})));
    assert!(check(&mut g, &s, &t, NOW).is_ok());
    *s.down.borrow_mut() = true;
    // Fresh for 300 s (max-age), then stale: a background refetch fails, the keys still serve.
    assert!(check(&mut g, &s, &t, NOW + 301).is_ok());
    assert_eq!(s.count(), 2);
    // Retries wait a cooldown, not every request.
    for i in 0..50 {
        assert!(check(&mut g, &s, &t, NOW + 302 + i / 10).is_ok());
    }
    assert_eq!(s.count(), 2);
    // The stale limit (3600 s past freshness) ends it: 503, with Retry-After.
    let stale_end = NOW + 300 + 3600;
    assert!(check(&mut g, &s, &t, stale_end - 1).is_ok());
    let d = denied(check(&mut g, &s, &t, stale_end + 40));
    assert_eq!((d.status, d.code), (503, "jwks_unavailable"));
    assert!(d.retry_after.is_some() && d.www_authenticate.is_none());
    *s.down.borrow_mut() = false;
    assert!(check(&mut g, &s, &t, stale_end + 80).is_ok(), "back once a fetch succeeds");
}

#[test]
fn cache_control_is_honoured_within_bounds() {
    let p = tokenward::guard::CachePolicy::default();
    assert_eq!(p.freshness(None), 600);
    assert_eq!(p.freshness(Some("public, max-age=120")), 120);
    assert_eq!(p.freshness(Some("max-age=5")), 60);
    assert_eq!(p.freshness(Some("max-age=99999999")), 86_400);
    assert_eq!(p.freshness(Some("no-store")), 60);
    assert_eq!(p.freshness(Some("max-age=abc")), 60);
    assert_eq!(p.freshness(Some("public")), 600);
    // Live: max-age=120 means a refetch after 120 s, not before.
    let (s, mut g) = (Server::new(), guard(|_| {}));
    *s.cache_control.borrow_mut() = Some("max-age=120".into());
    let t = sign("RS256", json!({}), access_claims());
    assert!(check(&mut g, &s, &t, NOW).is_ok());
    assert!(check(&mut g, &s, &t, NOW + 119).is_ok());
    assert_eq!(s.count(), 1);
    assert!(check(&mut g, &s, &t, NOW + 121).is_ok());
    assert_eq!(s.count(), 2);
}

#[test]
fn discovery_gives_the_jwks_uri_and_its_issuer_must_match() {
    let s = Server::new();
    let mut g = guard(|o| o.jwks_uri = None);
    assert!(check(&mut g, &s, &sign("RS256", json!({}), access_claims()), NOW).is_ok());
    let urls: Vec<String> = s.fetches.borrow().iter().map(|f| f.url.clone()).collect();
    assert_eq!(urls, vec![format!("{ISS}/.well-known/openid-configuration"), JWKS_URI.to_string()]);
    let mut other = guard(|o| {
        o.jwks_uri = None;
        o.issuer = "https://other.example".into();
    });
    let d = denied(check(&mut other, &s, &sign("RS256", json!({}), access_claims()), NOW));
    assert_eq!(d.status, 503);
    assert!(d.description.unwrap().contains("issuer"));
}

#[test]
fn options_fail_closed() {
    let base = || GuardOptions { issuer: ISS.into(), jwks_uri: Some(JWKS_URI.into()), ..Default::default() };
    let cases: Vec<(&str, GuardOptions)> = vec![
        ("issuer", GuardOptions { issuer: String::new(), ..base() }),
        ("both", GuardOptions { discovery: Some(JWKS_URI.into()), ..base() }),
        ("relative", GuardOptions { jwks_uri: Some("/certs".into()), ..base() }),
        ("empty role", GuardOptions { required_realm_roles: vec![String::new()], ..base() }),
        ("no roles", GuardOptions { required_resource_roles: vec![("spa".into(), vec![])], ..base() }),
        ("kind", {
            let mut o = base();
            o.verify.kind = Some(tokenward::TokenKind::Id);
            o
        }),
        ("cooldown", {
            let mut o = base();
            o.cache.cooldown = 0;
            o
        }),
        ("empty realm", GuardOptions { realm: Some(String::new()), ..base() }),
    ];
    for (what, opts) in cases {
        let err = Guard::new(opts).err().unwrap_or_else(|| panic!("{what} accepted"));
        assert_eq!(err.code(), "invalid_option", "{what}");
    }
}

#[test]
fn a_snapshot_starts_a_fresh_isolate_warm() {
    let (s, mut g) = (Server::new(), guard(|_| {}));
    let t = sign("RS256", json!({}), access_claims());
    assert!(check(&mut g, &s, &t, NOW).is_ok());
    let snap = g.cache().snapshot().unwrap();
    let mut fresh = guard(|_| {});
    assert!(fresh.cache_mut().restore(&snap, NOW + 10));
    assert!(check(&mut fresh, &s, &t, NOW + 10).is_ok());
    assert_eq!(s.count(), 1, "no fetch in the warm isolate");
    // Past its stale limit, or from another endpoint, a snapshot is ignored.
    assert!(!guard(|_| {}).cache_mut().restore(&snap, NOW + 300 + 3600 + 1));
    assert!(!guard(|o| o.jwks_uri = Some("https://other.example/certs".into())).cache_mut().restore(&snap, NOW));
    assert!(!guard(|_| {}).cache_mut().restore("{\"jwks\": 1}", NOW));
    // Discovery adopts the snapshot's jwksUri, but only from a snapshot of a guard that
    // discovered the same issuer: guards of two issuers, or one given a jwksUri, sharing one
    // store never take each other's keys.
    let discovery = |o: &mut GuardOptions| o.jwks_uri = None;
    let mut d = guard(discovery);
    assert!(check(&mut d, &s, &t, NOW).is_ok());
    let discovered = d.cache().snapshot().unwrap();
    assert!(guard(discovery).cache_mut().restore(&discovered, NOW + 10));
    assert!(!guard(discovery).cache_mut().restore(&snap, NOW + 10), "a jwksUri guard's snapshot");
    assert!(!guard(|_| {}).cache_mut().restore(&discovered, NOW + 10), "a discovering guard's snapshot");
    let other = |o: &mut GuardOptions| {
        o.issuer = "https://other.example/realms/demo".into();
        o.jwks_uri = None;
    };
    assert!(!guard(other).cache_mut().restore(&discovered, NOW + 10));
    let mut anonymous: Value = serde_json::from_str(&snap).unwrap();
    anonymous.as_object_mut().unwrap().remove("issuer");
    assert!(!guard(|_| {}).cache_mut().restore(&anonymous.to_string(), NOW + 10));
}
