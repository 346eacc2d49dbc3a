//! The verification API's bindings (`tokenward`, `tokenward/lite`): `Token`, `KeySet`,
//! `decode`, `verify`, `explain`, `verifyAsync`. Each method a line or two over the core.

#[cfg(any(feature = "signature", feature = "webcrypto"))]
use alloc::rc::Rc;
use alloc::sync::Arc;
use core::cell::RefCell;
#[cfg(any(feature = "signature", feature = "webcrypto"))]
use std::collections::HashMap;

use wasm_bindgen::prelude::*;

use super::errors::{invalid_option, to_js, JsResult};
#[cfg(any(feature = "signature", feature = "webcrypto"))]
use super::webcrypto;
use super::{convert, options};

/// A verified token (from `verify` / `verifyAsync`): header, claims, kind and the Keycloak
/// role and scope helpers. It holds only what it hands out (the JS objects and the role
/// lists, read once by the core's `Claims`), so the Rust side frees the token at once:
/// nothing large waits for the JS garbage collector's finalizers.
#[wasm_bindgen(js_name = Token)]
pub struct JsToken {
    parts: alloc::rc::Rc<JsParts>,
    kind: crate::TokenKind,
}

/// What `decode` returns: the header, claims and kind of a token nobody verified, and no
/// role or scope helpers, so an authorization decision cannot be made on it by accident.
#[wasm_bindgen(js_name = UnverifiedToken)]
pub struct JsUnverifiedToken {
    header: JsValue,
    claims: JsValue,
    kind: crate::TokenKind,
}

/// A verified token's frozen JS header and claims, built once per token on first read and
/// shared by every cache hit (see `PartsMemo`).
/// Roles and scopes are read from the claims object when asked for: the core has validated
/// their types (`realm_access.roles` an array of strings, `scope` a string), so that object
/// holds what the core's own accessors would return.
struct JsParts {
    header: Lazy,
    claims: Lazy,
}

/// A frozen JS object made from validated JSON text on first use: a caller that reads only
/// `claims` (or nothing, as a guard checking roles) never pays for the header's. The text is
/// kept as a JS string, not in Wasm memory: a Token lives until JS collects its wrapper, and
/// Wasm memory held that long is invisible to the JS collector (it grew without bound over a
/// synchronous loop of cold verifies, and allocation slowed with it).
struct Lazy {
    json: JsValue,
    value: core::cell::OnceCell<JsValue>,
}

impl Lazy {
    // Tokens are made only by the flavours that verify (lite decodes only).
    #[cfg_attr(not(any(feature = "signature", feature = "webcrypto")), allow(dead_code))]
    fn new(json: &str) -> Self {
        Self { json: JsValue::from_str(json), value: core::cell::OnceCell::new() }
    }
    fn get(&self) -> JsValue {
        self.value.get_or_init(|| super::errors::parse_frozen(&self.json)).clone()
    }
}

impl From<crate::Unverified> for JsUnverifiedToken {
    /// Fresh objects, the caller's own.
    fn from(t: crate::Unverified) -> Self {
        Self {
            header: convert::parse_json(t.header().json()),
            claims: convert::parse_json(t.claims().json()),
            kind: t.kind(),
        }
    }
}

/// Each verified token's JS parts, built once and shared by its cache hits, by
/// `Token::serial`. Bounded by the key set's cache capacity: when full it starts afresh (a
/// hit then rebuilds its parts once), so it never holds more than the cache could hand out.
#[cfg(any(feature = "signature", feature = "webcrypto"))]
#[derive(Clone)]
pub(crate) struct PartsMemo {
    parts: Rc<RefCell<HashMap<u64, Rc<JsParts>>>>,
    capacity: usize,
}

#[cfg(any(feature = "signature", feature = "webcrypto"))]
impl PartsMemo {
    fn new(capacity: usize) -> Self {
        Self { parts: Rc::default(), capacity }
    }

    /// The JS face of a verified token.
    fn token(&self, t: crate::Token) -> JsToken {
        let serial = t.serial();
        if let Some(parts) = self.parts.borrow().get(&serial) {
            return JsToken { parts: Rc::clone(parts), kind: t.kind() };
        }
        let parts = Rc::new(JsParts { header: Lazy::new(t.header().json()), claims: Lazy::new(t.claims().json()) });
        if self.capacity > 0 {
            let mut memo = self.parts.borrow_mut();
            if memo.len() >= self.capacity {
                memo.clear();
            }
            memo.insert(serial, Rc::clone(&parts));
        }
        JsToken { parts, kind: t.kind() }
    }
}

/// The member at `path` in `obj`, own members only (a client named `__proto__` or
/// `constructor` finds nothing), or undefined.
fn member_at(obj: &JsValue, path: &[&str]) -> JsValue {
    let mut v = obj.clone();
    for name in path {
        let name = JsValue::from_str(name);
        let own = v.is_object() && js_sys::Object::has_own(v.unchecked_ref::<js_sys::Object>(), &name);
        v = if own { js_sys::Reflect::get(&v, &name).unwrap_or(JsValue::UNDEFINED) } else { JsValue::UNDEFINED };
    }
    v
}

/// A fresh copy of the array at `path` in `obj`, or an empty one.
fn strings_at(obj: &JsValue, path: &[&str]) -> js_sys::Array {
    let v = member_at(obj, path);
    if js_sys::Array::is_array(&v) {
        js_sys::Array::from(&v)
    } else {
        js_sys::Array::new()
    }
}

fn contains(list: &js_sys::Array, item: &str) -> bool {
    list.includes(&JsValue::from_str(item), 0)
}

fn to_json(header: &JsValue, claims: &JsValue, kind: crate::TokenKind) -> JsValue {
    convert::object(&[("header", header.clone()), ("claims", claims.clone()), ("kind", JsValue::from_str(kind.name()))])
}

#[wasm_bindgen(js_class = UnverifiedToken)]
impl JsUnverifiedToken {
    #[wasm_bindgen(getter, unchecked_return_type = "JoseHeader")]
    pub fn header(&self) -> JsValue {
        self.header.clone()
    }
    #[wasm_bindgen(getter, unchecked_return_type = "Claims")]
    pub fn claims(&self) -> JsValue {
        self.claims.clone()
    }
    #[wasm_bindgen(getter, unchecked_return_type = "TokenKind")]
    pub fn kind(&self) -> String {
        self.kind.name().to_owned()
    }
    #[wasm_bindgen(js_name = toJSON)]
    pub fn to_json(&self) -> JsValue {
        to_json(&self.header, &self.claims, self.kind)
    }
}

#[wasm_bindgen(js_class = Token)]
impl JsToken {
    #[wasm_bindgen(getter, unchecked_return_type = "JoseHeader")]
    pub fn header(&self) -> JsValue {
        self.parts.header.get()
    }
    #[wasm_bindgen(getter, unchecked_return_type = "Claims")]
    pub fn claims(&self) -> JsValue {
        self.parts.claims.get()
    }
    #[wasm_bindgen(getter, unchecked_return_type = "TokenKind")]
    pub fn kind(&self) -> String {
        self.kind.name().to_owned()
    }
    #[wasm_bindgen(js_name = realmRoles, unchecked_return_type = "string[]")]
    pub fn realm_roles(&self) -> js_sys::Array {
        strings_at(&self.parts.claims.get(), &["realm_access", "roles"])
    }
    #[wasm_bindgen(js_name = resourceRoles, unchecked_return_type = "string[]")]
    pub fn resource_roles(&self, client: &str) -> js_sys::Array {
        strings_at(&self.parts.claims.get(), &["resource_access", client, "roles"])
    }
    #[wasm_bindgen(js_name = hasRealmRole)]
    pub fn has_realm_role(&self, role: &str) -> bool {
        contains(&self.realm_roles(), role)
    }
    #[wasm_bindgen(js_name = hasResourceRole)]
    pub fn has_resource_role(&self, role: &str, client: &str) -> bool {
        contains(&self.resource_roles(client), role)
    }
    #[wasm_bindgen(unchecked_return_type = "string[]")]
    pub fn scopes(&self) -> js_sys::Array {
        let scope = member_at(&self.parts.claims.get(), &["scope"]).as_string().unwrap_or_default();
        crate::jose::claims::scope_list(&scope).map(JsValue::from_str).collect()
    }
    #[wasm_bindgen(js_name = hasScope)]
    pub fn has_scope(&self, scope: &str) -> bool {
        contains(&self.scopes(), scope)
    }
    #[wasm_bindgen(js_name = toJSON)]
    pub fn to_json(&self) -> JsValue {
        to_json(&self.parts.header.get(), &self.parts.claims.get(), self.kind)
    }
}

/// Verification keys, parsed and checked once: a JWKS (`{ keys: [...] }`, as JSON text or
/// an object) or a single JWK. Unsafe keys are left out and listed in `rejected`.
#[wasm_bindgen(js_name = KeySet)]
pub struct JsKeySet {
    // Shared with the pending promises of verifyAsync, which outlive the call.
    pub(crate) inner: Arc<crate::KeySet>,
    /// The JS parts of the tokens this set verified, for its cache hits.
    #[cfg(any(feature = "signature", feature = "webcrypto"))]
    memo: PartsMemo,
    /// node:crypto KeyObjects, by key position (see `native`).
    #[cfg(feature = "signature")]
    pub(crate) native_keys: RefCell<HashMap<usize, JsValue>>,
    /// WebCrypto keys imported for verifyAsync, by key position and algorithm: one import
    /// per key, shared by concurrent calls (the Promise is kept, not its result).
    #[cfg(any(feature = "signature", feature = "webcrypto"))]
    crypto_keys: RefCell<HashMap<(usize, crate::Algorithm), js_sys::Promise>>,
}

impl JsKeySet {
    fn wrap(inner: crate::KeySet) -> Self {
        Self::shared(Arc::new(inner))
    }

    /// The JS face of a token this set verified (its parts shared by the cache's hits).
    #[cfg(feature = "guard")]
    pub(crate) fn token(&self, t: crate::Token) -> JsToken {
        self.memo.token(t)
    }

    /// A JS face for a set the core holds (the guard's cached JWKS).
    pub(crate) fn shared(inner: Arc<crate::KeySet>) -> Self {
        Self {
            #[cfg(any(feature = "signature", feature = "webcrypto"))]
            memo: PartsMemo::new(inner.cache_stats().capacity),
            inner,
            #[cfg(feature = "signature")]
            native_keys: RefCell::default(),
            #[cfg(any(feature = "signature", feature = "webcrypto"))]
            crypto_keys: RefCell::default(),
        }
    }
}

#[wasm_bindgen(js_class = KeySet)]
impl JsKeySet {
    #[wasm_bindgen(constructor)]
    pub fn new(
        #[wasm_bindgen(unchecked_param_type = "string | Jwks | Jwk")] jwks: JsValue,
        // Optional in the typings (`new KeySet(jwks)`); still a JsValue, so undefined reaches
        // cache_size, which takes it as the default.
        #[wasm_bindgen(unchecked_optional_param_type = "KeySetOptions")] options: JsValue,
    ) -> JsResult<JsKeySet> {
        options::known_members(&options, "KeySet ", &["cacheSize"])?;
        let cache = options::cache_size(&options)?;
        let text = match jwks.as_string() {
            Some(text) => text,
            None if jwks.is_object() => js_sys::JSON::stringify(&jwks)
                .ok()
                .and_then(|s| s.as_string())
                .ok_or_else(|| invalid_option("the JWKS object cannot be serialized"))?,
            None => return Err(invalid_option("KeySet takes a JWKS as JSON text or as an object")),
        };
        let inner = crate::KeySet::from_jwks(&text).map_err(to_js)?;
        Ok(JsKeySet::wrap(inner.with_cache(cache)))
    }

    /// A set holding one HMAC secret (bytes, or a string taken as UTF-8) for one algorithm.
    #[cfg(feature = "signature")]
    #[wasm_bindgen(js_name = fromSecret)]
    pub fn from_secret(
        #[wasm_bindgen(unchecked_param_type = "Uint8Array | string")] secret: JsValue,
        #[wasm_bindgen(unchecked_param_type = "SecretOptions")] options: JsValue,
    ) -> JsResult<JsKeySet> {
        let bytes = match secret.as_string() {
            Some(s) => s.into_bytes(),
            None if secret.is_instance_of::<js_sys::Uint8Array>() => js_sys::Uint8Array::new(&secret).to_vec(),
            None => return Err(invalid_option("secret must be a Uint8Array or a string")),
        };
        if !options.is_object() {
            return Err(invalid_option("fromSecret needs options with alg (HS256, HS384 or HS512)"));
        }
        options::known_members(&options, "fromSecret ", &["alg", "kid", "cacheSize"])?;
        let member =
            |name: &str| js_sys::Reflect::get(&options, &JsValue::from_str(name)).ok().filter(|v| !v.is_undefined());
        let alg: crate::Algorithm = member("alg")
            .and_then(|v| v.as_string())
            .ok_or_else(|| invalid_option("fromSecret needs options.alg (HS256, HS384 or HS512)"))?
            .parse()
            .map_err(to_js)?;
        // A kid that is not a string is an error: dropped, it would make the secret answer to
        // any kid.
        let kid = match member("kid") {
            None => None,
            Some(v) => match v.as_string() {
                Some(k) if !k.is_empty() => Some(k),
                _ => return Err(invalid_option("fromSecret options.kid must be a non-empty string")),
            },
        };
        let cache = options::cache_size(&options)?;
        let inner = crate::KeySet::from_secret(&bytes, alg, kid.as_deref()).map_err(to_js)?;
        Ok(JsKeySet::wrap(inner.with_cache(cache)))
    }

    /// Verified-token cache counters.
    #[cfg(feature = "signature")]
    #[wasm_bindgen(getter, js_name = cacheStats, unchecked_return_type = "CacheStats")]
    pub fn cache_stats(&self) -> JsValue {
        let s = self.inner.cache_stats();
        convert::object(&[
            ("hits", JsValue::from(s.hits as f64)),
            ("misses", JsValue::from(s.misses as f64)),
            ("entries", JsValue::from(s.entries as u32)),
            ("capacity", JsValue::from(s.capacity as u32)),
        ])
    }

    #[wasm_bindgen(getter, unchecked_return_type = "KeyInfo[]")]
    pub fn keys(&self) -> JsValue {
        convert::key_infos(&self.inner)
    }
    #[wasm_bindgen(getter, unchecked_return_type = "RejectedKey[]")]
    pub fn rejected(&self) -> JsValue {
        convert::rejected(&self.inner)
    }
    /// `explain(token, this, options)`.
    #[wasm_bindgen(unchecked_return_type = "Report")]
    pub fn explain(
        &self,
        #[wasm_bindgen(unchecked_param_type = "string")] token: JsValue,
        #[wasm_bindgen(unchecked_param_type = "VerifyOptions")] options: JsValue,
    ) -> JsResult<JsValue> {
        let token = token_text(&token)?;
        let (opts, now) = options::parse(options)?;
        Ok(convert::report(&crate::explain(&token, Some(&self.inner), &opts, now)))
    }

    /// The algorithms the set's keys allow (the default allow-list of `verify`).
    #[wasm_bindgen(getter, unchecked_return_type = "Algorithm[]")]
    pub fn algorithms(&self) -> js_sys::Array {
        let names: Vec<&str> = self.inner.algorithms().iter().map(|a| a.name()).collect();
        convert::strings(&names)
    }
}

/// The token as a Rust string. An oversized token is refused before it is copied.
pub(crate) fn token_text(token: &JsValue) -> JsResult<String> {
    let text: &js_sys::JsString =
        token.dyn_ref().ok_or_else(|| to_js(crate::Error::malformed("token must be a string")))?;
    let units = text.length() as usize;
    if units > crate::jose::limits::MAX_TOKEN_BYTES {
        return Err(to_js(crate::Error::malformed(format!(
            "token is more than the {} bytes accepted",
            crate::jose::limits::MAX_TOKEN_BYTES
        ))));
    }
    TOKEN_BYTES.with(|buf| {
        let mut buf = buf.borrow_mut();
        // At most 3 UTF-8 bytes per UTF-16 unit: the whole text always fits.
        buf.resize(units * 3, 0);
        let written = super::errors::encode_into(text, &wasm_bindgen::memory(), buf.as_ptr() as u32, buf.len() as u32);
        let bytes = buf.get(..written as usize).unwrap_or_default();
        // encodeInto writes UTF-8 (lone surrogates as U+FFFD): valid by construction.
        core::str::from_utf8(bytes).map(str::to_owned).map_err(|_| to_js(crate::Error::malformed("token is not text")))
    })
}

thread_local! {
    /// The buffer every token string is copied into (see `token_text`).
    static TOKEN_BYTES: RefCell<Vec<u8>> = const { RefCell::new(Vec::new()) };
}

/// Decode without verifying. Never use the result to authorize.
#[wasm_bindgen]
pub fn decode(#[wasm_bindgen(unchecked_param_type = "string")] token: JsValue) -> JsResult<JsUnverifiedToken> {
    crate::decode(&token_text(&token)?).map(JsUnverifiedToken::from).map_err(to_js)
}

/// Verify the signature with `keys`, then the claims under `options`. Throws `TokenError`.
/// Absent from the build without signature crypto.
#[cfg(feature = "signature")]
#[wasm_bindgen]
pub fn verify(
    #[wasm_bindgen(unchecked_param_type = "string")] token: JsValue,
    keys: &JsKeySet,
    #[wasm_bindgen(unchecked_param_type = "VerifyOptions")] options: JsValue,
) -> JsResult<JsToken> {
    let token = token_text(&token)?;
    let (opts, now) = options::parse(options)?;
    // crate::verify, with the host's native crypto for the signature where it has it.
    let verified = match crate::verify_start(&token, &keys.inner, &opts, now) {
        Ok(crate::Started::Verified(t)) => Ok(t),
        Ok(crate::Started::NeedsSignature(p)) => {
            let verdict = super::native::verdict(keys, &p).unwrap_or_else(|| p.verify_here(&keys.inner));
            crate::verify_finish(p, &verdict, &keys.inner, &opts, now)
        }
        Err(e) => Err(e),
    };
    verified.map(|t| keys.memo.token(t)).map_err(to_js)
}

/// Every check with pass / fail / skipped and a reason. `keys` may be null (signature
/// checks are then skipped).
#[wasm_bindgen(unchecked_return_type = "Report")]
pub fn explain(
    #[wasm_bindgen(unchecked_param_type = "string")] token: JsValue,
    #[wasm_bindgen(unchecked_param_type = "KeySet | null")] keys: JsValue,
    #[wasm_bindgen(unchecked_param_type = "VerifyOptions")] options: JsValue,
) -> JsResult<JsValue> {
    if keys.is_null() || keys.is_undefined() {
        let token = token_text(&token)?;
        let (opts, now) = options::parse(options)?;
        return Ok(convert::report(&crate::explain(&token, None, &opts, now)));
    }
    // wasm-bindgen cannot take an optional class reference; the KeySet method can, and
    // its generated glue checks that `keys` really is a KeySet.
    let method = js_sys::Reflect::get(&keys, &JsValue::from_str("explain"))
        .ok()
        .and_then(|m| m.dyn_into::<js_sys::Function>().ok())
        .ok_or_else(|| invalid_option("explain takes a KeySet or null"))?;
    method.call2(&keys, &token, &options)
}

/// As `verify`, with the signature checked by the runtime's WebCrypto (native code) where
/// it can: a Promise of the `Token`, rejected with a `TokenError`. Same checks, order and
/// errors as `verify`; cache hits and HMAC tokens settle at once; without WebCrypto (or
/// for a key it refuses) the signature is checked in Wasm, as `verify` does. In the build
/// without signature crypto (tokenward/lite) WebCrypto is the only verifier: where it
/// cannot answer, the Promise rejects with `unsupported_alg`.
#[cfg(any(feature = "signature", feature = "webcrypto"))]
#[wasm_bindgen(js_name = verifyAsync, unchecked_return_type = "Promise<Token>")]
pub fn verify_async(
    #[wasm_bindgen(unchecked_param_type = "string")] token: JsValue,
    keys: &JsKeySet,
    #[wasm_bindgen(unchecked_param_type = "VerifyOptions")] options: JsValue,
) -> js_sys::Promise {
    settle((|| -> JsResult<JsValue> {
        let token = token_text(&token)?;
        let (opts, now) = options::parse(options)?;
        match crate::verify_start(&token, &keys.inner, &opts, now).map_err(to_js)? {
            crate::Started::Verified(t) => Ok(keys.memo.token(t).into()),
            crate::Started::NeedsSignature(p) => Ok(keys.check_signature(p, Rc::new(opts), now).into()),
        }
    })())
}

#[cfg(any(feature = "signature", feature = "webcrypto"))]
impl JsKeySet {
    fn crypto_key(&self, subtle: &JsValue, index: usize, alg: crate::Algorithm) -> JsResult<js_sys::Promise> {
        if let Some(p) = self.crypto_keys.borrow().get(&(index, alg)) {
            return Ok(p.clone());
        }
        let key = self.inner.keys().get(index).ok_or_else(|| invalid_option("no such key"))?;
        let promise = webcrypto::import(subtle, key, alg)?;
        self.crypto_keys.borrow_mut().insert((index, alg), promise.clone());
        Ok(promise)
    }

    /// WebCrypto verifies each candidate; the core finishes. Any WebCrypto failure (no
    /// subtle, an algorithm it lacks, an import it refuses) hands the signature to the Wasm
    /// verifier instead: the answer is the same, only slower.
    fn check_signature(
        &self,
        pending: crate::PendingSignature,
        opts: Rc<crate::VerifyOptions>,
        now: i64,
    ) -> js_sys::Promise {
        let memo = self.memo.clone();
        self.finish_signature(pending, opts, now, move |r| r.map(|t| memo.token(t).into()).map_err(to_js))
    }

    /// `check_signature` with what becomes of the core's answer left to `done` (the guard
    /// turns it into its decision).
    pub(crate) fn finish_signature(
        &self,
        pending: crate::PendingSignature,
        opts: Rc<crate::VerifyOptions>,
        now: i64,
        done: impl FnOnce(crate::Result<crate::Token>) -> JsResult<JsValue> + 'static,
    ) -> js_sys::Promise {
        // Where the host has a synchronous native verifier (Node), it answers at once.
        #[cfg(feature = "signature")]
        if let Some(verdict) = super::native::verdict(self, &pending) {
            return settle(done(crate::verify_finish(pending, &verdict, &self.inner, &opts, now)));
        }
        let checks = self.webcrypto_checks(&pending);
        let finish = Finish { keys: Arc::clone(&self.inner), opts, now, pending, done: Box::new(done) };
        let Ok(checks) = checks else { return settle(finish.run(None)) };
        // One continuation: `checks` resolves to WebCrypto's answers, or to null when it failed.
        let on_done = Closure::once_into_js(move |results: JsValue| -> JsResult<JsValue> {
            finish.run(Some(results).filter(|r| !r.is_null()))
        });
        webcrypto::then_call(&checks, &on_done, &JsValue::UNDEFINED).unwrap_or_else(|e| js_sys::Promise::reject(&e))
    }

    /// WebCrypto's answer for each candidate key (a Promise of booleans, or of null).
    pub(crate) fn webcrypto_checks(&self, p: &crate::PendingSignature) -> JsResult<js_sys::Promise> {
        let subtle = webcrypto::subtle().ok_or(JsValue::NULL)?;
        let keys: js_sys::Array = p
            .candidates()
            .iter()
            .map(|&i| self.crypto_key(&subtle, i, p.alg()).map(JsValue::from))
            .collect::<JsResult<_>>()?;
        webcrypto::verify_all(&subtle, p.alg(), &keys, p.signature(), p.message())
    }
}

/// What finishing a `verifyAsync` needs once WebCrypto has answered, or failed (the options
/// shared: the guard's are the same for every request). Consumed by the one continuation.
#[cfg(any(feature = "signature", feature = "webcrypto"))]
struct Finish {
    keys: Arc<crate::KeySet>,
    opts: Rc<crate::VerifyOptions>,
    now: i64,
    pending: crate::PendingSignature,
    done: Box<Done>,
}

#[cfg(any(feature = "signature", feature = "webcrypto"))]
type Done = dyn FnOnce(crate::Result<crate::Token>) -> JsResult<JsValue>;

#[cfg(any(feature = "signature", feature = "webcrypto"))]
impl Finish {
    /// `answer`: WebCrypto's answers for the candidates (`webcrypto_checks`), or `None` to let
    /// the Wasm verifier decide.
    fn run(self, answer: Option<JsValue>) -> JsResult<JsValue> {
        let Self { keys, opts, now, pending: p, done } = self;
        let outside = |results: JsValue| webcrypto::verdict(&p, &results);
        #[cfg(feature = "signature")]
        let verdict = answer.map_or_else(|| p.verify_here(&keys), outside);
        #[cfg(not(feature = "signature"))]
        let Some(verdict) = answer.map(outside) else {
            return done(Err(crate::Error::new(
                crate::ErrorKind::UnsupportedAlg,
                "WebCrypto is unavailable or refused the key, and this build (tokenward/lite) has no Wasm verifier",
            )));
        };
        done(crate::verify_finish(p, &verdict, &keys, &opts, now))
    }
}

/// A settled Promise of `result`.
#[cfg(any(feature = "signature", feature = "webcrypto"))]
fn settle(result: JsResult<JsValue>) -> js_sys::Promise {
    match result {
        Ok(value) => js_sys::Promise::resolve(&value),
        Err(err) => js_sys::Promise::reject(&err),
    }
}
