//! `SessionCore`: the session machine for the JS driver (`tokenward/session`). Events,
//! commands and views cross as plain JSON-compatible values (serde-wasm-bindgen); they are
//! not on a hot path.

use serde::de::DeserializeOwned;
use serde::Serialize;
use wasm_bindgen::prelude::*;

use super::errors::{invalid_option, JsResult};
use crate::oidc::pkce::Random;
use crate::session::{Access, Config, Event, Session};

/// The platform CSPRNG (`crypto.getRandomValues` through getrandom).
struct PlatformRandom;

impl Random for PlatformRandom {
    fn fill(&mut self, buf: &mut [u8]) {
        // Checked to work when the session is created; it does not start failing later.
        let _ = getrandom::getrandom(buf);
    }
}

fn to_js<T: Serialize>(v: &T) -> JsResult<JsValue> {
    v.serialize(&serde_wasm_bindgen::Serializer::json_compatible())
        .map_err(|e| invalid_option(format!("cannot convert to JS: {e}")))
}

fn member(v: &JsValue, name: &str) -> JsValue {
    js_sys::Reflect::get(v, &JsValue::from_str(name)).unwrap_or(JsValue::UNDEFINED)
}

fn field<T: DeserializeOwned>(v: &JsValue, name: &str) -> JsResult<T> {
    serde_wasm_bindgen::from_value(member(v, name))
        .map_err(|e| invalid_option(format!("session event member {name}: {e}")))
}

/// Events are read member by member rather than by serde's internally tagged enum support,
/// which buffers every value (the whole stored state included) in an intermediate tree and
/// doubled the session's Wasm.
fn event(v: &JsValue) -> JsResult<Event> {
    if !v.is_object() {
        return Err(invalid_option("a session event must be an object with a type"));
    }
    let ty = member(v, "type").as_string().unwrap_or_default();
    Ok(match ty.as_str() {
        "start" => Event::Start,
        "loaded" => Event::Loaded { state: field(v, "state")? },
        "saved" => Event::Saved { ok: field(v, "ok")?, current: field(v, "current")? },
        "storeChanged" => Event::StoreChanged { state: field(v, "state")? },
        "response" => Event::Response {
            id: field(v, "id")?,
            status: field(v, "status")?,
            body: field(v, "body")?,
            retry_after: field(v, "retryAfter")?,
            sent: field(v, "sent")?,
            received: field(v, "received")?,
        },
        "noResponse" => Event::NoResponse { id: field(v, "id")? },
        "login" => Event::Login { options: field::<Option<_>>(v, "options")?.unwrap_or_default() },
        "callback" => Event::Callback { url: field(v, "url")? },
        "ensureFresh" => Event::EnsureFresh { force: field::<Option<bool>>(v, "force")?.unwrap_or(false) },
        "activity" => Event::Activity,
        "logout" => Event::Logout {
            provider: field::<Option<bool>>(v, "provider")?.unwrap_or(true),
            revoke: field::<Option<bool>>(v, "revoke")?.unwrap_or(false),
            ui_locales: field(v, "uiLocales")?,
        },
        "backchannelLogout" => Event::BackchannelLogout { sid: field(v, "sid")?, sub: field(v, "sub")? },
        "timer" => Event::Timer,
        "signatureChecked" => {
            Event::SignatureChecked { id: field(v, "id")?, ok: field(v, "ok")?, error: field(v, "error")? }
        }
        other => return Err(invalid_option(format!("unknown session event type \"{other}\""))),
    })
}

fn ms(v: f64, what: &str) -> JsResult<u64> {
    if v.is_finite() && (0.0..=9_007_199_254_740_991.0).contains(&v) {
        Ok(v as u64)
    } else {
        Err(invalid_option(format!("{what} must be a non-negative number of milliseconds")))
    }
}

#[wasm_bindgen(js_name = SessionCore)]
pub struct JsSession {
    inner: Session,
}

#[wasm_bindgen(js_class = SessionCore)]
impl JsSession {
    /// A session machine for `config` (see `SessionConfig` in the typings).
    #[wasm_bindgen(constructor)]
    pub fn new(#[wasm_bindgen(unchecked_param_type = "SessionConfig")] config: JsValue) -> JsResult<JsSession> {
        let mut cfg: Config =
            serde_wasm_bindgen::from_value(config).map_err(|e| invalid_option(format!("session config: {e}")))?;
        // ID-token signatures go to the driver's WebCrypto (native code in every JS runtime),
        // so the session needs no signature crypto in its Wasm.
        cfg.external_signatures = true;
        let mut probe = [0u8; 8];
        getrandom::getrandom(&mut probe)
            .map_err(|_| invalid_option("no secure random source (crypto.getRandomValues) in this runtime"))?;
        let inner = Session::new(cfg, Box::new(PlatformRandom)).map_err(|e| invalid_option(e.message))?;
        Ok(Self { inner })
    }

    /// Feed one event at local time `now` (ms since the epoch) and, if known, a monotonic
    /// clock reading `mono` (ms; `performance.now()`).
    pub fn handle(
        &mut self,
        #[wasm_bindgen(unchecked_param_type = "SessionEvent")] event: JsValue,
        now: f64,
        mono: Option<f64>,
    ) -> JsResult<()> {
        let ev = self::event(&event)?;
        let now = crate::session::Now { wall: ms(now, "now")?, mono: mono.map(|m| ms(m.floor(), "mono")).transpose()? };
        self.inner.handle(ev, now);
        Ok(())
    }

    /// The next command, or `undefined`.
    #[wasm_bindgen(unchecked_return_type = "SessionCommand | undefined")]
    pub fn poll(&mut self) -> JsResult<JsValue> {
        match self.inner.poll() {
            Some(c) => to_js(&c),
            None => Ok(JsValue::UNDEFINED),
        }
    }

    /// Local time (ms) at which to feed `{ type: 'timer' }`, or `undefined`.
    #[wasm_bindgen(js_name = nextDeadline)]
    pub fn next_deadline(&self) -> Option<f64> {
        self.inner.next_deadline().map(|d| d as f64)
    }

    /// `{ status: 'ready', accessToken } | { status: 'pending' } | { status: 'unavailable', cause }`.
    #[wasm_bindgen(unchecked_return_type = "SessionAccess")]
    pub fn access(&self, now: f64) -> JsResult<JsValue> {
        #[derive(Serialize)]
        #[serde(tag = "status", rename_all = "camelCase")]
        enum A {
            #[serde(rename_all = "camelCase")]
            Ready {
                access_token: String,
            },
            Pending,
            Unavailable {
                cause: crate::session::Cause,
            },
        }
        let a = match self.inner.access(ms(now, "now")?) {
            Access::Ready(t) => A::Ready { access_token: t },
            Access::Pending => A::Pending,
            Access::Unavailable(cause) => A::Unavailable { cause },
        };
        to_js(&a)
    }

    /// What the app may see of the session (never the refresh token).
    #[wasm_bindgen(unchecked_return_type = "SessionView")]
    pub fn view(&self, now: f64) -> JsResult<JsValue> {
        to_js(&self.inner.view(ms(now, "now")?))
    }

    /// The RP-initiated logout URL for the session as it is now, if the provider has one.
    #[wasm_bindgen(js_name = endSessionUrl)]
    pub fn end_session_url(&self) -> Option<String> {
        self.inner.end_session_url()
    }
}
