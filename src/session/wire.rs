//! The session's wire format: events, the config and stored states in, commands, views and
//! states out, as JSON values (`serde_json::Value`, the JSON the crate already parses).
//! Written by hand rather than derived: serde's derived code, once per type and format, was
//! most of the session's Wasm. Member names are the JS API's (camelCase) except the stored
//! state's, which keeps the snake_case of the token endpoint's members; absent and `null`
//! are the same, and a member of the wrong type is an error naming it, never a default.

use crate::prelude::*;

use core::cell::RefCell;

use serde_json::{Map, Value};

use super::cause::Cause;
use super::clock::ServerClock;
use super::config::{Backchannel, Config, Flow};
use super::io::{map_of, Command, Event, Notice};
use super::machine::{Access, View};
use super::state::{Lease, State, Tokens};
use crate::jose::subtle::{Member, SubtleParams};
use crate::oidc::authorize::{LoginOptions, PendingLogin};
use crate::oidc::discovery::ProviderMetadata;
use crate::oidc::http::{HttpRequest, Method};
use crate::oidc::{OidcError, OidcErrorKind};

type Result<T> = core::result::Result<T, OidcError>;

fn bad(msg: String) -> OidcError {
    OidcError::new(OidcErrorKind::InvalidOption, msg)
}

/// One JSON object's members, read by name; `what` names the object in errors. A reader
/// returns plain values and remembers the first error (`done` reports it), which keeps
/// each member's read to one call in the Wasm.
struct Obj<'a> {
    what: &'a str,
    map: &'a Map<String, Value>,
    err: RefCell<Option<OidcError>>,
}

impl<'a> Obj<'a> {
    fn new(what: &'a str, v: &'a Value) -> Result<Self> {
        match v {
            Value::Object(map) => Ok(Self { what, map, err: RefCell::new(None) }),
            _ => Err(bad(format!("{what} must be an object"))),
        }
    }

    /// `value`, unless a read failed.
    fn done<T>(self, value: T) -> Result<T> {
        match self.err.into_inner() {
            Some(e) => Err(e),
            None => Ok(value),
        }
    }

    fn fail(&self, e: OidcError) {
        self.err.borrow_mut().get_or_insert(e);
    }

    fn wrong(&self, name: &str, expected: &str) {
        self.fail(bad(format!("{}: {name} must be {expected}", self.what)));
    }

    /// Refuse members not in `known` (a misspelt option must not be silently ignored).
    fn only(&self, known: &[&str]) {
        if let Some(k) = self.map.keys().find(|k| !known.contains(&k.as_str())) {
            self.fail(bad(format!("{}: unknown member \"{}\"", self.what, crate::jose::error::sanitize(k, 40))));
        }
    }

    fn get(&self, name: &str) -> Option<&'a Value> {
        self.map.get(name).filter(|v| !v.is_null())
    }

    fn required<T: Default>(&self, name: &str, v: Option<T>) -> T {
        if v.is_none() && self.get(name).is_none() {
            self.fail(bad(format!("{}: {name} is required", self.what)));
        }
        v.unwrap_or_default()
    }

    fn opt<T>(&self, name: &str, expected: &str, read: fn(&'a Value) -> Option<T>) -> Option<T> {
        let v = self.get(name)?;
        let out = read(v);
        if out.is_none() {
            self.wrong(name, expected);
        }
        out
    }

    fn str(&self, name: &str) -> Option<String> {
        self.opt(name, "a string", |v| v.as_str().map(str::to_owned))
    }
    fn req_str(&self, name: &str) -> String {
        self.required(name, self.str(name))
    }
    fn u64(&self, name: &str) -> Option<u64> {
        self.opt(name, "a non-negative integer", Value::as_u64)
    }
    fn req_u64(&self, name: &str) -> u64 {
        self.required(name, self.u64(name))
    }
    fn i64(&self, name: &str) -> Option<i64> {
        self.opt(name, "an integer", Value::as_i64)
    }
    fn req_i64(&self, name: &str) -> i64 {
        self.required(name, self.i64(name))
    }
    fn u32(&self, name: &str) -> Option<u32> {
        self.opt(name, "a non-negative 32-bit integer", |v| u32::try_from(v.as_u64()?).ok())
    }
    fn req_u32(&self, name: &str) -> u32 {
        self.required(name, self.u32(name))
    }
    fn bool(&self, name: &str) -> Option<bool> {
        self.opt(name, "a boolean", Value::as_bool)
    }
    fn req_bool(&self, name: &str) -> bool {
        self.required(name, self.bool(name))
    }
    fn flag(&self, name: &str) -> bool {
        self.bool(name).unwrap_or(false)
    }
    fn strings(&self, name: &str) -> Option<Vec<String>> {
        self.opt(name, "an array of strings", |v| v.as_array()?.iter().map(|s| s.as_str().map(str::to_owned)).collect())
    }
    fn pairs(&self, name: &str) -> Vec<(String, String)> {
        fn pair(v: &Value) -> Option<(String, String)> {
            match v.as_array()?.as_slice() {
                [k, v] => Some((k.as_str()?.to_owned(), v.as_str()?.to_owned())),
                _ => None,
            }
        }
        self.opt(name, "an array of [name, value] string pairs", |v| v.as_array()?.iter().map(pair).collect())
            .unwrap_or_default()
    }
    fn cause(&self, name: &str) -> Option<Cause> {
        self.opt(name, "a cause code", |v| Cause::from_code(v.as_str()?))
    }
    fn object<T>(&self, name: &str, read: fn(&str, &Value) -> Result<T>) -> Option<T> {
        let v = self.get(name)?;
        read(&format!("{}.{name}", self.what), v).map_err(|e| self.fail(e)).ok()
    }
    fn list<T>(&self, name: &str, read: fn(&str, &Value) -> Result<T>) -> Vec<T> {
        let Some(v) = self.get(name) else { return Vec::new() };
        let Some(items) = v.as_array() else {
            self.wrong(name, "an array");
            return Vec::new();
        };
        let what = format!("{}.{name}[]", self.what);
        items.iter().filter_map(|v| read(&what, v).map_err(|e| self.fail(e)).ok()).collect()
    }
}

/// A JSON object built member by member.
#[derive(Default)]
struct Out(Map<String, Value>);

impl Out {
    fn tagged(key: &str, tag: &str) -> Self {
        Self::default().set(key, tag)
    }
    fn set(mut self, name: &str, v: impl Into<Value>) -> Self {
        self.0.insert(name.to_owned(), v.into());
        self
    }
    /// `None` as `null`, as the stored state and the views always carry every member.
    fn opt<T: Into<Value>>(self, name: &str, v: Option<T>) -> Self {
        self.set(name, v.map_or(Value::Null, Into::into))
    }
    fn str(self, name: &str, v: &Option<String>) -> Self {
        self.opt(name, v.as_deref())
    }
    fn value(self) -> Value {
        Value::Object(self.0)
    }
}

fn strings(items: &[String]) -> Value {
    Value::Array(items.iter().map(|s| Value::from(s.as_str())).collect())
}

fn pairs(items: &[(String, String)]) -> Value {
    Value::Array(items.iter().map(|(k, v)| Value::Array(vec![k.as_str().into(), v.as_str().into()])).collect())
}

fn cause(c: Option<Cause>) -> Value {
    c.map_or(Value::Null, |c| c.code().into())
}

// ---- the config ----

const CONFIG_MEMBERS: &[&str] = &[
    "issuer",
    "clientId",
    "clientSecret",
    "clientSecretInBody",
    "redirectUri",
    "postLogoutRedirectUri",
    "scope",
    "minValidity",
    "idleTimeout",
    "idleWarning",
    "userAgent",
    "logoutAsForm",
    "backchannel",
    "adminClientId",
    "adminClientSecret",
    "flow",
    "algorithms",
    "clockTolerance",
    "requestTimeoutMs",
];

/// A session config as the JS API spells it (`SessionConfig`); every default is `Config::new`'s.
pub fn config(v: &Value) -> Result<Config> {
    let o = Obj::new("session config", v)?;
    o.only(CONFIG_MEMBERS);
    let mut c = Config::new(&o.req_str("issuer"), &o.req_str("clientId"), o.str("redirectUri").as_deref());
    c.client_secret = o.str("clientSecret");
    c.client_secret_in_body = o.flag("clientSecretInBody");
    c.post_logout_redirect_uri = o.str("postLogoutRedirectUri");
    c.scope = o.str("scope").unwrap_or(c.scope);
    c.min_validity = o.u64("minValidity").unwrap_or(c.min_validity);
    c.idle_timeout = o.u64("idleTimeout");
    c.idle_warning = o.u64("idleWarning").unwrap_or(c.idle_warning);
    c.user_agent = o.flag("userAgent");
    c.logout_as_form = o.flag("logoutAsForm");
    c.backchannel = match o.str("backchannel").as_deref() {
        None | Some("refresh_token") => Backchannel::RefreshToken,
        Some("admin") => Backchannel::Admin,
        Some(_) => {
            o.wrong("backchannel", "\"refresh_token\" or \"admin\"");
            Backchannel::RefreshToken
        }
    };
    c.admin_client_id = o.str("adminClientId");
    c.admin_client_secret = o.str("adminClientSecret");
    c.flow = match o.str("flow").as_deref() {
        None | Some("authorization_code") => Flow::AuthorizationCode,
        Some("client_credentials") => Flow::ClientCredentials,
        Some(_) => {
            o.wrong("flow", "\"authorization_code\" or \"client_credentials\"");
            Flow::AuthorizationCode
        }
    };
    c.algorithms = o.strings("algorithms");
    c.clock_tolerance = o.u64("clockTolerance").unwrap_or(c.clock_tolerance);
    c.request_timeout_ms = o.u64("requestTimeoutMs").unwrap_or(c.request_timeout_ms);
    o.done(c)
}

// ---- events ----

/// One event as the JS driver sends it: `{ type, ...members }` (`SessionEvent`).
pub fn event(v: &Value) -> Result<Event> {
    let outer = Obj::new("a session event", v)?;
    let ty = outer.str("type").unwrap_or_default();
    outer.done(())?;
    let o = Obj::new(&ty, v)?;
    let event = match ty.as_str() {
        "start" => Event::Start,
        "loaded" => Event::Loaded { state: o.object("state", state) },
        "saved" => Event::Saved { ok: o.req_bool("ok"), current: o.object("current", state) },
        "storeChanged" => Event::StoreChanged { state: o.object("state", state) },
        "loadFailed" => Event::LoadFailed { message: o.req_str("message") },
        "saveFailed" => Event::SaveFailed { message: o.req_str("message") },
        "response" => Event::Response {
            id: o.req_u32("id"),
            status: o.required("status", o.opt("status", "an HTTP status", |v| u16::try_from(v.as_u64()?).ok())),
            body: o.req_str("body"),
            retry_after: o.u64("retryAfter"),
            sent: o.req_u64("sent"),
            received: o.req_u64("received"),
        },
        "noResponse" => Event::NoResponse { id: o.req_u32("id") },
        "login" => Event::Login { options: o.object("options", login_options).unwrap_or_default() },
        "callback" => Event::Callback { url: o.req_str("url") },
        "ensureFresh" => Event::EnsureFresh { force: o.flag("force") },
        "activity" => Event::Activity,
        "logout" => Event::Logout {
            provider: o.bool("provider").unwrap_or(true),
            revoke: o.flag("revoke"),
            ui_locales: o.str("uiLocales"),
        },
        "backchannelLogout" => Event::BackchannelLogout { sid: o.str("sid"), sub: o.str("sub") },
        "timer" => Event::Timer,
        "signatureChecked" => {
            Event::SignatureChecked { id: o.req_u32("id"), ok: o.req_bool("ok"), error: o.str("error") }
        }
        "" => return Err(bad("a session event must be an object with a type".into())),
        other => {
            return Err(bad(format!("unknown session event type \"{}\"", crate::jose::error::sanitize(other, 40))))
        }
    };
    o.done(event)
}

const LOGIN_MEMBERS: &[&str] =
    &["prompt", "loginHint", "uiLocales", "maxAge", "acrValues", "scope", "extra", "returnTo"];

fn login_options(what: &str, v: &Value) -> Result<LoginOptions> {
    let o = Obj::new(what, v)?;
    o.only(LOGIN_MEMBERS);
    let v = LoginOptions {
        prompt: o.str("prompt"),
        login_hint: o.str("loginHint"),
        ui_locales: o.str("uiLocales"),
        max_age: o.u64("maxAge"),
        acr_values: o.str("acrValues"),
        scope: o.str("scope"),
        extra: o.pairs("extra"),
        return_to: o.str("returnTo"),
    };
    o.done(v)
}

// ---- the stored state ----

/// A stored state, as `state_json` wrote it (a store may hand back any JSON object: each
/// member is checked).
pub fn state(what: &str, v: &Value) -> Result<State> {
    let o = Obj::new(what, v)?;
    let v = State {
        version: o.req_u64("version"),
        metadata: o.object("metadata", metadata),
        jwks: o.str("jwks"),
        pending: o.list("pending", pending),
        tokens: o.object("tokens", tokens),
        id_token_hint: o.str("id_token_hint"),
        sid: o.str("sid"),
        clock: o.object("clock", clock).unwrap_or_default(),
        lease: o.object("lease", lease),
        spent: o.strings("spent").unwrap_or_default(),
        idle_deadline: o.u64("idle_deadline"),
        not_before: o.i64("not_before").unwrap_or(0),
        ended: o.cause("ended"),
        parked: o.object("parked", tokens),
    };
    o.done(v)
}

pub fn state_json(s: &State) -> Value {
    Out::default()
        .set("version", s.version)
        .opt("metadata", s.metadata.as_ref().map(metadata_json))
        .str("jwks", &s.jwks)
        .set("pending", Value::Array(s.pending.iter().map(pending_json).collect()))
        .opt("tokens", s.tokens.as_ref().map(tokens_json))
        .str("id_token_hint", &s.id_token_hint)
        .str("sid", &s.sid)
        .set("clock", Out::default().opt("skew_ms", s.clock.skew_ms).set("samples", s.clock.samples).value())
        .opt(
            "lease",
            s.lease.as_ref().map(|l| Out::default().set("owner", l.owner.as_str()).set("until", l.until).value()),
        )
        .set("spent", strings(&s.spent))
        .opt("idle_deadline", s.idle_deadline)
        .set("not_before", s.not_before)
        .set("ended", cause(s.ended))
        .opt("parked", s.parked.as_ref().map(tokens_json))
        .value()
}

fn metadata(what: &str, v: &Value) -> Result<ProviderMetadata> {
    let o = Obj::new(what, v)?;
    let v = ProviderMetadata {
        issuer: o.req_str("issuer"),
        authorization_endpoint: o.req_str("authorization_endpoint"),
        token_endpoint: o.req_str("token_endpoint"),
        jwks_uri: o.req_str("jwks_uri"),
        end_session_endpoint: o.str("end_session_endpoint"),
        revocation_endpoint: o.str("revocation_endpoint"),
        userinfo_endpoint: o.str("userinfo_endpoint"),
        iss_parameter_supported: o.flag("iss_parameter_supported"),
        backchannel_logout_supported: o.flag("backchannel_logout_supported"),
    };
    o.done(v)
}

fn metadata_json(m: &ProviderMetadata) -> Value {
    Out::default()
        .set("issuer", m.issuer.as_str())
        .set("authorization_endpoint", m.authorization_endpoint.as_str())
        .set("token_endpoint", m.token_endpoint.as_str())
        .set("jwks_uri", m.jwks_uri.as_str())
        .str("end_session_endpoint", &m.end_session_endpoint)
        .str("revocation_endpoint", &m.revocation_endpoint)
        .str("userinfo_endpoint", &m.userinfo_endpoint)
        .set("iss_parameter_supported", m.iss_parameter_supported)
        .set("backchannel_logout_supported", m.backchannel_logout_supported)
        .value()
}

fn pending(what: &str, v: &Value) -> Result<PendingLogin> {
    let o = Obj::new(what, v)?;
    let v = PendingLogin {
        state: o.req_str("state"),
        nonce: o.req_str("nonce"),
        verifier: o.req_str("verifier"),
        redirect_uri: o.req_str("redirect_uri"),
        max_age: o.u64("max_age"),
        return_to: o.str("return_to"),
        started: o.req_u64("started"),
    };
    o.done(v)
}

fn pending_json(p: &PendingLogin) -> Value {
    Out::default()
        .set("state", p.state.as_str())
        .set("nonce", p.nonce.as_str())
        .set("verifier", p.verifier.as_str())
        .set("redirect_uri", p.redirect_uri.as_str())
        .opt("max_age", p.max_age)
        .str("return_to", &p.return_to)
        .set("started", p.started)
        .value()
}

fn tokens(what: &str, v: &Value) -> Result<Tokens> {
    let o = Obj::new(what, v)?;
    let v = Tokens {
        access_token: o.req_str("access_token"),
        expires_at: o.req_i64("expires_at"),
        issued_at: o.req_i64("issued_at"),
        refresh_token: o.str("refresh_token"),
        refresh_expires_at: o.i64("refresh_expires_at"),
        offline: o.flag("offline"),
        id_token: o.str("id_token"),
        scope: o.str("scope"),
        iss: o.str("iss"),
        sub: o.str("sub"),
        nonce: o.str("nonce"),
    };
    o.done(v)
}

fn tokens_json(t: &Tokens) -> Value {
    Out::default()
        .set("access_token", t.access_token.as_str())
        .set("expires_at", t.expires_at)
        .set("issued_at", t.issued_at)
        .str("refresh_token", &t.refresh_token)
        .opt("refresh_expires_at", t.refresh_expires_at)
        .set("offline", t.offline)
        .str("id_token", &t.id_token)
        .str("scope", &t.scope)
        .str("iss", &t.iss)
        .str("sub", &t.sub)
        .str("nonce", &t.nonce)
        .value()
}

fn clock(what: &str, v: &Value) -> Result<ServerClock> {
    let o = Obj::new(what, v)?;
    let v = ServerClock::restored(o.i64("skew_ms"), o.u32("samples").unwrap_or(0));
    o.done(v)
}

fn lease(what: &str, v: &Value) -> Result<Lease> {
    let o = Obj::new(what, v)?;
    let v = Lease { owner: o.req_str("owner"), until: o.req_u64("until") };
    o.done(v)
}

// ---- commands, notices and views ----

/// One command for the JS driver: `{ type, ...members }` (`SessionCommand`).
pub fn command_json(c: &Command) -> Value {
    match c {
        Command::Load => Out::tagged("type", "load"),
        Command::Save { state, expected } => {
            Out::tagged("type", "save").set("state", state_json(state)).set("expected", *expected)
        }
        Command::Send { id, request, timeout_ms } => Out::tagged("type", "send")
            .set("id", *id)
            .set("request", request_json(request))
            .set("timeoutMs", *timeout_ms),
        Command::Navigate { url } => Out::tagged("type", "navigate").set("url", url.as_str()),
        Command::SubmitForm { url, fields } => {
            Out::tagged("type", "submitForm").set("url", url.as_str()).set("fields", pairs(fields))
        }
        Command::Notify { notice } => Out::tagged("type", "notify").set("notice", notice_json(notice)),
        Command::VerifySignature { id, keys, import, verify, data, signature } => {
            Out::tagged("type", "verifySignature")
                .set("id", *id)
                .set(
                    "keys",
                    Value::Array(
                        keys.iter()
                            .map(|k| Value::Object(map_of(k.iter().map(|(n, v)| (n.clone(), v.as_str().into())))))
                            .collect(),
                    ),
                )
                .set("import", subtle_json(import))
                .set("verify", subtle_json(verify))
                .set("data", data.as_str())
                .set("signature", Value::Array(signature.iter().map(|b| Value::from(*b)).collect()))
        }
    }
    .value()
}

fn request_json(r: &HttpRequest) -> Value {
    let method = match r.method {
        Method::Get => "GET",
        Method::Post => "POST",
        Method::Delete => "DELETE",
    };
    let out = Out::tagged("method", method).set("url", r.url.as_str()).set("headers", pairs(&r.headers));
    match &r.body {
        Some(body) => out.set("body", body.as_str()),
        None => out,
    }
    .value()
}

fn subtle_json(p: &SubtleParams) -> Value {
    p.members()
        .into_iter()
        .fold(Out::default(), |out, (name, m)| match m {
            Member::Text(t) => out.set(name, t),
            Member::Number(n) => out.set(name, n),
        })
        .value()
}

fn notice_json(n: &Notice) -> Value {
    match n {
        Notice::Tokens => Out::tagged("type", "tokens"),
        Notice::Refreshed => Out::tagged("type", "refreshed"),
        Notice::LoginComplete { return_to } => Out::tagged("type", "loginComplete").str("returnTo", return_to),
        Notice::IdleWarning { remaining } => Out::tagged("type", "idleWarning").set("remaining", *remaining),
        Notice::Expiring { expires_at, remaining } => {
            Out::tagged("type", "expiring").set("expiresAt", *expires_at).set("remaining", *remaining)
        }
        Notice::LoggedOut { cause: c } => Out::tagged("type", "loggedOut").set("cause", c.code()),
        Notice::Error { cause: c, message } => {
            Out::tagged("type", "error").set("cause", c.code()).set("message", message.as_str())
        }
    }
    .value()
}

/// What `SessionCore.access` returns (`SessionAccess`).
pub fn access_json(a: &Access) -> Value {
    match a {
        Access::Ready(token) => Out::tagged("status", "ready").set("accessToken", token.as_str()),
        Access::Pending => Out::tagged("status", "pending"),
        Access::Unavailable(c) => Out::tagged("status", "unavailable").set("cause", c.code()),
    }
    .value()
}

/// What `SessionCore.view` returns (`SessionView`).
pub fn view_json(v: &View) -> Value {
    let claims = |c: &Option<Map<String, Value>>| c.clone().map(Value::Object);
    let roles = map_of(v.resource_roles.iter().map(|(client, r)| (client.clone(), strings(r))));
    Out::default()
        .set("authenticated", v.authenticated)
        .str("accessToken", &v.access_token)
        .str("idToken", &v.id_token)
        .opt("expiresAt", v.expires_at)
        .opt("refreshExpiresAt", v.refresh_expires_at)
        .set("offline", v.offline)
        .str("scope", &v.scope)
        .str("sid", &v.sid)
        .set("ended", cause(v.ended))
        .opt("idleDeadline", v.idle_deadline)
        .set("skewMs", v.skew_ms)
        .set("version", v.version)
        .opt("claims", claims(&v.claims))
        .opt("idClaims", claims(&v.id_claims))
        .set("realmRoles", strings(&v.realm_roles))
        .set("resourceRoles", Value::Object(roles))
        .value()
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn full_state() -> State {
        let tokens = Tokens {
            access_token: "at".into(),
            expires_at: 1_700_000_300,
            issued_at: 1_700_000_000,
            refresh_token: Some("rt".into()),
            refresh_expires_at: None,
            offline: true,
            id_token: Some("idt".into()),
            scope: Some("openid offline_access".into()),
            iss: Some("https://op".into()),
            sub: Some("u1".into()),
            nonce: Some("n".into()),
        };
        State {
            version: 7,
            metadata: Some(ProviderMetadata {
                issuer: "https://op".into(),
                authorization_endpoint: "https://op/auth".into(),
                token_endpoint: "https://op/token".into(),
                jwks_uri: "https://op/certs".into(),
                end_session_endpoint: Some("https://op/logout".into()),
                revocation_endpoint: None,
                userinfo_endpoint: None,
                iss_parameter_supported: true,
                backchannel_logout_supported: false,
            }),
            jwks: Some("{\"keys\":[]}".into()),
            pending: vec![PendingLogin {
                state: "s".into(),
                nonce: "n".into(),
                verifier: "v".into(),
                redirect_uri: "https://app/cb".into(),
                max_age: Some(60),
                return_to: None,
                started: 1_700_000_000_000,
            }],
            tokens: Some(tokens.clone()),
            id_token_hint: Some("idt".into()),
            sid: Some("sid".into()),
            clock: ServerClock::restored(Some(-1500), 3),
            lease: Some(Lease { owner: "tab-1".into(), until: 1_700_000_010_000 }),
            spent: vec!["ab12".into()],
            idle_deadline: Some(1_700_000_900_000),
            not_before: 5,
            ended: Some(Cause::OfflineRevoked),
            parked: Some(tokens),
        }
    }

    #[test]
    fn a_state_survives_the_round_trip() {
        let s = full_state();
        let v = state_json(&s);
        assert_eq!(v["tokens"]["access_token"], "at");
        assert_eq!(v["ended"], "offline_revoked");
        assert_eq!(state("state", &v).unwrap(), s);
        let empty = State::default();
        assert_eq!(state("state", &state_json(&empty)).unwrap(), empty);
    }

    #[test]
    fn a_stored_state_of_the_wrong_shape_is_refused_with_the_member_named() {
        let mut v = state_json(&full_state());
        v["tokens"]["expires_at"] = json!("soon");
        let e = state("state", &v).unwrap_err();
        assert_eq!(e.message, "state.tokens: expires_at must be an integer");
        let e = state("state", &json!({ "metadata": null })).unwrap_err();
        assert_eq!(e.message, "state: version is required");
        let e = state("state", &json!({ "version": 1, "ended": "bored" })).unwrap_err();
        assert_eq!(e.message, "state: ended must be a cause code");
        let e = state("state", &json!({ "version": 1, "pending": [{ "state": 1 }] })).unwrap_err();
        assert_eq!(e.message, "state.pending[]: state must be a string");
    }

    #[test]
    fn the_config_has_every_default_and_refuses_unknown_or_mistyped_members() {
        let c = config(&json!({ "issuer": "https://op", "clientId": "app" })).unwrap();
        assert_eq!(c, Config::new("https://op", "app", None));
        let c = config(&json!({
            "issuer": "https://op", "clientId": "app", "redirectUri": "https://app/cb",
            "idleTimeout": 600, "backchannel": "admin", "flow": "client_credentials",
            "algorithms": ["RS256"], "scope": "openid email", "userAgent": true,
        }))
        .unwrap();
        assert_eq!(c.idle_timeout, Some(600));
        assert_eq!(c.backchannel, Backchannel::Admin);
        assert_eq!(c.flow, Flow::ClientCredentials);
        assert_eq!(c.algorithms, Some(vec!["RS256".to_owned()]));
        assert_eq!(c.redirect_uri.as_deref(), Some("https://app/cb"));
        assert!(c.user_agent);
        let err = |v: Value| config(&v).unwrap_err().message;
        assert_eq!(
            err(json!({ "issuer": "https://op", "clientId": "app", "idleTimout": 5 })),
            "session config: unknown member \"idleTimout\""
        );
        assert_eq!(
            err(json!({ "issuer": "https://op", "clientId": "app", "minValidity": -1 })),
            "session config: minValidity must be a non-negative integer"
        );
        assert_eq!(
            err(json!({ "issuer": "https://op", "clientId": "app", "minValidity": 1.5 })),
            "session config: minValidity must be a non-negative integer"
        );
        assert_eq!(
            err(json!({ "issuer": "https://op", "clientId": "app", "flow": "implicit" })),
            "session config: flow must be \"authorization_code\" or \"client_credentials\""
        );
        assert_eq!(err(json!({ "clientId": "app" })), "session config: issuer is required");
        assert_eq!(
            err(json!({ "issuer": "https://op", "clientId": "app", "externalSignatures": true })),
            "session config: unknown member \"externalSignatures\""
        );
        assert_eq!(err(json!("https://op")), "session config must be an object");
    }

    #[test]
    fn events_are_read_with_their_defaults() {
        assert_eq!(event(&json!({ "type": "start" })).unwrap(), Event::Start);
        assert_eq!(
            event(&json!({ "type": "logout" })).unwrap(),
            Event::Logout { provider: true, revoke: false, ui_locales: None }
        );
        assert_eq!(
            event(&json!({ "type": "ensureFresh", "force": null })).unwrap(),
            Event::EnsureFresh { force: false }
        );
        let r = event(&json!({ "type": "response", "id": 3, "status": 200, "body": "{}", "sent": 1, "received": 2 }));
        assert_eq!(
            r.unwrap(),
            Event::Response { id: 3, status: 200, body: "{}".into(), retry_after: None, sent: 1, received: 2 }
        );
        let login =
            event(&json!({ "type": "login", "options": { "prompt": "login", "extra": [["kc_idp_hint", "github"]] } }));
        let Event::Login { options } = login.unwrap() else { panic!() };
        assert_eq!(options.prompt.as_deref(), Some("login"));
        assert_eq!(options.extra, vec![("kc_idp_hint".to_owned(), "github".to_owned())]);
        let s = full_state();
        let loaded = event(&json!({ "type": "loaded", "state": state_json(&s) })).unwrap();
        assert_eq!(loaded, Event::Loaded { state: Some(s) });
    }

    #[test]
    fn a_malformed_event_is_an_error_naming_what_is_wrong() {
        let err = |v: Value| event(&v).unwrap_err().message;
        assert_eq!(err(json!(null)), "a session event must be an object");
        assert_eq!(err(json!({})), "a session event must be an object with a type");
        assert_eq!(err(json!({ "type": "jump" })), "unknown session event type \"jump\"");
        assert_eq!(
            err(json!({ "type": "response", "id": 1, "status": 70000, "body": "", "sent": 0, "received": 0 })),
            "response: status must be an HTTP status"
        );
        assert_eq!(err(json!({ "type": "callback" })), "callback: url is required");
        assert_eq!(err(json!({ "type": "saved", "ok": "yes" })), "saved: ok must be a boolean");
        assert_eq!(
            err(json!({ "type": "login", "options": { "loginhint": "x" } })),
            "login.options: unknown member \"loginhint\""
        );
        assert_eq!(
            err(json!({ "type": "login", "options": { "extra": [["a"]] } })),
            "login.options: extra must be an array of [name, value] string pairs"
        );
    }

    #[test]
    fn commands_and_views_have_the_js_api_names() {
        let send = Command::Send { id: 2, request: HttpRequest::get("https://op/certs"), timeout_ms: 10_000 };
        assert_eq!(
            command_json(&send),
            json!({ "type": "send", "id": 2, "timeoutMs": 10_000,
                    "request": { "method": "GET", "url": "https://op/certs", "headers": [["accept", "application/json"]] } })
        );
        let n = Command::Notify { notice: Notice::Error { cause: Cause::Network, message: "down".into() } };
        assert_eq!(
            command_json(&n),
            json!({ "type": "notify", "notice": { "type": "error", "cause": "network", "message": "down" } })
        );
        assert_eq!(
            access_json(&Access::Unavailable(Cause::NoSession)),
            json!({ "status": "unavailable", "cause": "no_session" })
        );
        let save = command_json(&Command::Save { state: full_state(), expected: 6 });
        assert_eq!(state("state", &save["state"]).unwrap(), full_state());
    }

    #[test]
    fn every_cause_code_is_unique_reads_back_and_is_in_the_typings() {
        let codes: alloc::collections::BTreeSet<&str> = Cause::ALL.iter().map(|c| c.code()).collect();
        assert_eq!(codes.len(), Cause::ALL.len(), "two causes share a code");
        for c in Cause::ALL {
            assert_eq!(Cause::from_code(c.code()), Some(*c));
        }
        assert_eq!(Cause::from_code("Logged_Out"), None);
        // The TypeScript union apps switch on lists exactly these codes.
        let ts = include_str!("../wasm/session_typings.rs");
        let union = &ts[ts.find("export type SessionCause =").unwrap()..];
        let union = &union[..union.find(';').unwrap()];
        let typed: alloc::collections::BTreeSet<&str> = union.split('\'').skip(1).step_by(2).collect();
        assert_eq!(typed, codes);
    }

    #[test]
    fn the_other_commands_have_the_js_api_names() {
        let form =
            Command::SubmitForm { url: "https://op/logout".into(), fields: vec![("id_token_hint".into(), "i".into())] };
        assert_eq!(
            command_json(&form),
            json!({ "type": "submitForm", "url": "https://op/logout", "fields": [["id_token_hint", "i"]] })
        );
        // A POST carries its body; a GET has no body member at all (fetch refuses one).
        let post =
            Command::Send { id: 3, request: HttpRequest::form("https://op/token", &[("a", "b c")]), timeout_ms: 1 };
        assert_eq!(command_json(&post)["request"]["body"], json!("a=b+c"));
        assert_eq!(command_json(&post)["request"]["method"], json!("POST"));
        let get = Command::Send { id: 4, request: HttpRequest::get("https://op/certs"), timeout_ms: 1 };
        assert!(command_json(&get)["request"].as_object().unwrap().get("body").is_none());
        let (import, verify) = crate::jose::subtle::params(crate::jose::algorithm::Algorithm::PS256).unwrap();
        let key: crate::session::io::PublicJwk =
            map_of([("kty".to_owned(), "RSA".to_owned()), ("e".into(), "AQAB".into())]);
        let check = Command::VerifySignature {
            id: 5,
            keys: vec![key],
            import,
            verify,
            data: "h.p".into(),
            signature: vec![1, 255],
        };
        assert_eq!(
            command_json(&check),
            json!({ "type": "verifySignature", "id": 5, "keys": [{ "kty": "RSA", "e": "AQAB" }],
                    "import": { "name": "RSA-PSS", "hash": "SHA-256" }, "verify": { "name": "RSA-PSS", "saltLength": 32 },
                    "data": "h.p", "signature": [1, 255] })
        );
        let done = |return_to| command_json(&Command::Notify { notice: Notice::LoginComplete { return_to } });
        assert_eq!(done(None), json!({ "type": "notify", "notice": { "type": "loginComplete", "returnTo": null } }));
        assert_eq!(done(Some("/app".into()))["notice"]["returnTo"], json!("/app"));
    }

    #[test]
    fn a_view_has_the_js_api_names() {
        let mut claims = Map::new();
        claims.insert("sub".into(), json!("u1"));
        let view = View {
            authenticated: true,
            access_token: Some("at".into()),
            id_token: None,
            expires_at: Some(1_700_000_300),
            refresh_expires_at: None,
            offline: false,
            scope: Some("openid".into()),
            sid: None,
            ended: None,
            idle_deadline: Some(9),
            skew_ms: -40,
            version: 3,
            claims: Some(claims),
            id_claims: None,
            realm_roles: vec!["user".into()],
            resource_roles: map_of([("app".to_owned(), vec!["admin".to_owned()])]),
        };
        assert_eq!(
            view_json(&view),
            json!({ "authenticated": true, "accessToken": "at", "idToken": null, "expiresAt": 1_700_000_300,
                    "refreshExpiresAt": null, "offline": false, "scope": "openid", "sid": null, "ended": null,
                    "idleDeadline": 9, "skewMs": -40, "version": 3, "claims": { "sub": "u1" }, "idClaims": null,
                    "realmRoles": ["user"], "resourceRoles": { "app": ["admin"] } })
        );
    }
}
