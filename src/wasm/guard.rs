//! `GuardCore`, the Bearer guard's core for the worker shim (www/pkg/guard-driver.js):
//! options in, steps out (`check`), fetch answers in (`fetched`, `failed`), and the decision
//! once the signature is checked (by WebCrypto where the runtime has it).

use alloc::rc::Rc;
use alloc::sync::Arc;
use core::cell::RefCell;

use js_sys::{Object, Reflect};
use wasm_bindgen::prelude::*;

use super::api::JsKeySet;
use super::convert::object;
use super::errors::{invalid_option, to_js, JsResult};
use super::options::{self, known_members, many, seconds, string};
use crate::guard::{CachePolicy, Denial, Fetch, FetchKind, Guard, GuardOptions, Step};

const VERIFY_MEMBERS: [&str; 6] = ["audience", "azp", "algorithms", "clockTolerance", "maxAge", "requiredClaims"];
const GUARD_MEMBERS: [&str; 9] = [
    "issuer",
    "jwksUri",
    "discovery",
    "realm",
    "requiredRealmRoles",
    "requiredResourceRoles",
    "requiredScopes",
    "cache",
    "cacheSize",
];
const CACHE_MEMBERS: [&str; 6] = ["defaultMaxAge", "minMaxAge", "maxMaxAge", "cooldown", "staleLimit", "fetchTimeout"];

#[wasm_bindgen(js_name = GuardCore)]
pub struct JsGuard {
    guard: Rc<RefCell<Guard>>,
    /// The guard's verify options, fixed when it is made: shared by every request, not cloned.
    opts: Rc<crate::VerifyOptions>,
    /// The JS face of the guard's current key set (its WebCrypto keys are imported once).
    keys: RefCell<Option<Rc<JsKeySet>>>,
}

fn get(obj: &Object, name: &str) -> Option<JsValue> {
    Reflect::get(obj, &JsValue::from_str(name)).ok().filter(|v| !v.is_undefined())
}

fn parse_options(value: &JsValue) -> JsResult<GuardOptions> {
    let all: Vec<&str> = VERIFY_MEMBERS.iter().chain(&GUARD_MEMBERS).copied().collect();
    let obj = known_members(value, "guard ", &all)?.ok_or_else(|| invalid_option("createGuard needs options"))?;
    let verify = Object::new();
    for name in VERIFY_MEMBERS {
        if let Some(v) = get(obj, name) {
            let _ = Reflect::set(&verify, &JsValue::from_str(name), &v);
        }
    }
    let mut opts = GuardOptions { verify: options::parse(verify.into())?.0, ..GuardOptions::default() };
    opts.issuer = get(obj, "issuer").map(|v| string("issuer", &v)).transpose()?.unwrap_or_default();
    opts.jwks_uri = get(obj, "jwksUri").map(|v| string("jwksUri", &v)).transpose()?;
    opts.discovery = get(obj, "discovery").map(|v| string("discovery", &v)).transpose()?;
    opts.realm = get(obj, "realm").map(|v| string("realm", &v)).transpose()?;
    for (name, list) in
        [("requiredRealmRoles", &mut opts.required_realm_roles), ("requiredScopes", &mut opts.required_scopes)]
    {
        if let Some(v) = get(obj, name) {
            *list = many(name, &v)?;
            if list.is_empty() {
                return Err(invalid_option(format!(
                    "{name} must not be an empty array (leave it out to require none)"
                )));
            }
        }
    }
    if let Some(v) = get(obj, "requiredResourceRoles") {
        let map: &Object = v
            .dyn_ref()
            .filter(|_| !js_sys::Array::is_array(&v))
            .ok_or_else(|| invalid_option("requiredResourceRoles must map client ids to arrays of roles"))?;
        for client in Object::keys(map).iter() {
            let client = client.as_string().unwrap_or_default();
            let roles = many("requiredResourceRoles", &get(map, &client).unwrap_or(JsValue::NULL))?;
            opts.required_resource_roles.push((client, roles));
        }
        if opts.required_resource_roles.is_empty() {
            return Err(invalid_option("requiredResourceRoles must not be empty (leave it out to require none)"));
        }
    }
    if let Some(v) = get(obj, "cache") {
        let c = known_members(&v, "guard cache ", &CACHE_MEMBERS)?
            .ok_or_else(|| invalid_option("cache must be an object"))?;
        let mut policy = CachePolicy::default();
        let fields: [(&str, &mut u64); 6] = [
            ("defaultMaxAge", &mut policy.default_max_age),
            ("minMaxAge", &mut policy.min_max_age),
            ("maxMaxAge", &mut policy.max_max_age),
            ("cooldown", &mut policy.cooldown),
            ("staleLimit", &mut policy.stale_limit),
            ("fetchTimeout", &mut policy.fetch_timeout),
        ];
        for (name, field) in fields {
            if let Some(v) = get(c, name) {
                *field = seconds(name, &v)?;
            }
        }
        opts.cache = policy;
    }
    if get(obj, "cacheSize").is_some() {
        opts.token_cache_size = Some(options::cache_size(value)?);
    }
    Ok(opts)
}

fn fetch_object(f: &Fetch) -> JsValue {
    let kind = match f.kind {
        FetchKind::Discovery => "discovery",
        FetchKind::Jwks => "jwks",
    };
    object(&[("id", JsValue::from_f64(f.id as f64)), ("kind", kind.into()), ("url", f.url.as_str().into())])
}

fn denial_object(d: &Denial) -> JsValue {
    let opt = |s: Option<&str>| s.map_or(JsValue::NULL, JsValue::from_str);
    object(&[
        ("allow", JsValue::FALSE),
        ("status", JsValue::from_f64(f64::from(d.status))),
        ("error", opt(d.error)),
        ("description", opt(d.description.as_deref())),
        ("code", d.code.into()),
        ("wwwAuthenticate", opt(d.www_authenticate.as_deref())),
        ("retryAfter", d.retry_after.map_or(JsValue::NULL, |s| JsValue::from_f64(s as f64))),
    ])
}

#[wasm_bindgen(js_class = GuardCore)]
impl JsGuard {
    #[wasm_bindgen(constructor)]
    pub fn new(options: JsValue) -> JsResult<JsGuard> {
        let guard = Guard::new(parse_options(&options)?).map_err(to_js)?;
        let opts = Rc::new(guard.verify_options().clone());
        Ok(JsGuard { guard: Rc::new(RefCell::new(guard)), opts, keys: RefCell::default() })
    }

    /// The next step for a request with this `Authorization` header at `now` (seconds):
    /// `{ step: 'deny', decision }`, `{ step: 'fetch', fetch }`, `{ step: 'wait', id }`, or
    /// `{ step: 'verify', decision: Promise, refresh }`.
    pub fn check(&self, authorization: Option<String>, now: f64) -> JsValue {
        let now = now.floor() as i64;
        let step = self.guard.borrow_mut().check(authorization.as_deref(), now);
        match step {
            Step::Deny(d) => object(&[("step", "deny".into()), ("decision", denial_object(&d))]),
            Step::Fetch(f) => object(&[("step", "fetch".into()), ("fetch", fetch_object(&f))]),
            Step::Wait(id) => object(&[("step", "wait".into()), ("id", JsValue::from_f64(id as f64))]),
            Step::Verify { token, keys, refresh } => {
                let decision = self.verify(&token, keys, now);
                let refresh = refresh.as_ref().map_or(JsValue::NULL, fetch_object);
                object(&[("step", "verify".into()), ("decision", decision.into()), ("refresh", refresh)])
            }
        }
    }

    fn verify(&self, token: &str, keys: Arc<crate::KeySet>, now: i64) -> js_sys::Promise {
        let keys = {
            let mut slot = self.keys.borrow_mut();
            match slot.as_ref() {
                Some(k) if Arc::ptr_eq(&k.inner, &keys) => Rc::clone(k),
                _ => Rc::clone(slot.insert(Rc::new(JsKeySet::shared(keys)))),
            }
        };
        let (guard, faces) = (Rc::clone(&self.guard), Rc::clone(&keys));
        let decide = move |verified: crate::Result<crate::Token>| -> JsResult<JsValue> {
            Ok(match guard.borrow().decide(verified) {
                Ok(t) => object(&[("allow", JsValue::TRUE), ("token", faces.token(t).into())]),
                Err(d) => denial_object(&d),
            })
        };
        match crate::verify_start(token, &keys.inner, &self.opts, now) {
            Ok(crate::Started::Verified(t)) => js_sys::Promise::resolve(&decide(Ok(t)).unwrap_or(JsValue::NULL)),
            Ok(crate::Started::NeedsSignature(p)) => keys.finish_signature(p, Rc::clone(&self.opts), now, decide),
            Err(e) => js_sys::Promise::resolve(&decide(Err(e)).unwrap_or(JsValue::NULL)),
        }
    }

    /// The answer to fetch `id`.
    pub fn fetched(&self, id: f64, now: f64, status: u16, cache_control: Option<String>, body: &str) {
        self.guard.borrow_mut().cache_mut().fetched(
            id as u64,
            now.floor() as i64,
            status,
            cache_control.as_deref(),
            body,
        );
    }

    /// Fetch `id` failed (network error, timeout).
    pub fn failed(&self, id: f64, now: f64, why: &str) {
        self.guard.borrow_mut().cache_mut().failed(id as u64, now.floor() as i64, why);
    }

    /// The key set as a fresh isolate may restore it (JSON text), or undefined.
    pub fn snapshot(&self) -> Option<String> {
        self.guard.borrow().cache().snapshot()
    }

    /// Start from a snapshot; false when it is unusable (see the core's `restore`).
    pub fn restore(&self, snapshot: &str, now: f64) -> bool {
        self.guard.borrow_mut().cache_mut().restore(snapshot, now.floor() as i64)
    }

    /// The fetch timeout in seconds (the shim aborts a fetch after it).
    #[wasm_bindgen(getter, js_name = fetchTimeout)]
    pub fn fetch_timeout(&self) -> f64 {
        self.guard.borrow().cache().policy().fetch_timeout as f64
    }

    /// Fetches started so far (discovery included).
    #[wasm_bindgen(getter)]
    pub fn fetches(&self) -> f64 {
        self.guard.borrow().cache().fetches() as f64
    }
}
