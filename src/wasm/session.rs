//! `SessionCore`: the session machine for the JS driver (`tokenward/session`). Events, the
//! config and stored states come in as JS values, read through `JSON.stringify` and the
//! core's JSON parser; commands and views go out as plain objects. `session::wire` spells
//! both sides; they are not on a hot path.

use crate::prelude::*;

use wasm_bindgen::prelude::*;

use super::errors::{invalid_option, JsResult};
use super::json::{from_js_json, to_js_json};
use crate::oidc::pkce::{NoRandomness, Random};
use crate::session::{wire, Session};

/// The platform CSPRNG (`crypto.getRandomValues` through getrandom).
struct PlatformRandom;

impl Random for PlatformRandom {
    fn fill(&mut self, buf: &mut [u8]) -> Result<(), NoRandomness> {
        getrandom::fill(buf).map_err(|_| NoRandomness)
    }
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
        let mut cfg = wire::config(&from_js_json(&config, "session config")?).map_err(|e| invalid_option(e.message))?;
        // ID-token signatures go to the driver's WebCrypto (native code in every JS runtime),
        // so the session needs no signature crypto in its Wasm.
        cfg.external_signatures = true;
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
        let ev = wire::event(&from_js_json(&event, "a session event")?).map_err(|e| invalid_option(e.message))?;
        let now = crate::session::Now { wall: ms(now, "now")?, mono: mono.map(|m| ms(m, "mono")).transpose()? };
        self.inner.handle(ev, now);
        Ok(())
    }

    /// The next command, or `undefined`.
    #[wasm_bindgen(unchecked_return_type = "SessionCommand | undefined")]
    pub fn poll(&mut self) -> JsResult<JsValue> {
        match self.inner.poll() {
            Some(c) => Ok(to_js_json(&wire::command_json(&c))),
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
        Ok(to_js_json(&wire::access_json(&self.inner.access(ms(now, "now")?))))
    }

    /// What the app may see of the session (never the refresh token).
    #[wasm_bindgen(unchecked_return_type = "SessionView")]
    pub fn view(&self, now: f64) -> JsResult<JsValue> {
        Ok(to_js_json(&wire::view_json(&self.inner.view(ms(now, "now")?))))
    }

    /// The stored state to keep across a login's navigation when the store is memory (see
    /// `Session::login_carry`): no token in it. `undefined` when no login is in progress.
    #[wasm_bindgen(js_name = loginCarry, unchecked_return_type = "SessionState | undefined")]
    pub fn login_carry(&self) -> JsValue {
        self.inner.login_carry().map_or(JsValue::UNDEFINED, |s| to_js_json(&wire::state_json(&s)))
    }

    /// The RP-initiated logout URL for the session as it is now, if the provider has one.
    #[wasm_bindgen(js_name = endSessionUrl)]
    pub fn end_session_url(&self) -> Option<String> {
        self.inner.end_session_url()
    }
}
