//! A fake Keycloak realm, in process and deterministic: discovery, a JWKS with one P-256 key
//! that signs every token (through jsonwebtoken), the authorization endpoint (`authenticate`
//! plays the user), the token endpoint (authorization_code with PKCE S256, refresh_token
//! with rotation and reuse detection, client_credentials), end-session (GET by the user
//! agent, POST back-channel), revocation and the admin API's session DELETE.
//!
//! Time is the driver's virtual clock plus `clock_offset_ms` (the server's clock may be off).
//! Every refresh token presented is logged with the verdict it got.

use std::collections::BTreeMap;
use std::sync::OnceLock;

use base64::engine::general_purpose::{STANDARD, URL_SAFE_NO_PAD};
use base64::Engine;
use jsonwebtoken::{Algorithm, EncodingKey, Header};
use serde_json::{json, Value};
use sha2::{Digest, Sha256};
use tokenward::oidc::{HttpRequest, Method};

pub const ISSUER: &str = "https://id.example/realms/demo";
pub const BASE: &str = "https://id.example";
pub const CLIENT_ID: &str = "spa";
pub const REDIRECT_URI: &str = "https://app.example/callback";
pub const POST_LOGOUT_URI: &str = "https://app.example/";
/// A confidential service account (client_credentials).
pub const SERVICE: (&str, &str) = ("svc", "svc-secret");
/// The service account allowed to call the admin API (realm-management manage-users).
pub const ADMIN: (&str, &str) = ("realm-admin", "admin-secret");
pub const KID: &str = "demo-es256";
/// The signing key after a rotation (`Provider::rotated`).
pub const NEXT_KID: &str = "demo-es256-next";
pub const USER: &str = "user-alice";

pub fn endpoint(name: &str) -> String {
    format!("{ISSUER}/protocol/openid-connect/{name}")
}

pub fn admin_session_url(sid: &str) -> String {
    format!("{BASE}/admin/realms/demo/sessions/{sid}")
}

struct Keys {
    signing: EncodingKey,
    realm_secret: EncodingKey,
    jwk: Value,
    next_signing: EncodingKey,
    next_jwk: Value,
}

fn es256_key(scalar: u8, kid: &str) -> (EncodingKey, Value) {
    use p256::pkcs8::EncodePrivateKey;
    let sk = p256::ecdsa::SigningKey::from_bytes(&[scalar; 32].into()).expect("a valid P-256 scalar");
    let pem = sk.to_pkcs8_pem(p256::pkcs8::LineEnding::LF).expect("PKCS#8 PEM");
    let point = sk.verifying_key().to_encoded_point(false);
    let jwk = json!({
        "kty": "EC", "crv": "P-256", "kid": kid, "use": "sig", "alg": "ES256",
        "x": URL_SAFE_NO_PAD.encode(point.x().unwrap()), "y": URL_SAFE_NO_PAD.encode(point.y().unwrap()),
    });
    (EncodingKey::from_ec_pem(pem.as_bytes()).expect("jsonwebtoken takes the PEM"), jwk)
}

fn keys() -> &'static Keys {
    static KEYS: OnceLock<Keys> = OnceLock::new();
    KEYS.get_or_init(|| {
        let (signing, jwk) = es256_key(0x5a, KID);
        let (next_signing, next_jwk) = es256_key(0x6b, NEXT_KID);
        Keys {
            signing,
            realm_secret: EncodingKey::from_secret(b"the realm's internal HS512 secret, 64 bytes long, never shown."),
            jwk,
            next_signing,
            next_jwk,
        }
    })
}

fn sign(claims: &Value) -> String {
    sign_typed(claims, "JWT")
}

fn sign_typed(claims: &Value, typ: &str) -> String {
    sign_as(claims, typ, false)
}

/// Signed with the key after a rotation when `next`.
fn sign_as(claims: &Value, typ: &str, next: bool) -> String {
    let mut h = Header::new(Algorithm::ES256);
    h.kid = Some(if next { NEXT_KID } else { KID }.into());
    h.typ = Some(typ.into());
    jsonwebtoken::encode(&h, claims, if next { &keys().next_signing } else { &keys().signing }).expect("ES256 signing")
}

fn sign_refresh(claims: &Value) -> String {
    jsonwebtoken::encode(&Header::new(Algorithm::HS512), claims, &keys().realm_secret).expect("HS512 signing")
}

/// OIDC Core 3.1.3.6 for ES256.
pub fn at_hash(access_token: &str) -> String {
    URL_SAFE_NO_PAD.encode(&Sha256::digest(access_token.as_bytes())[..16])
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CallbackIss {
    Correct,
    Missing,
    Wrong,
}

/// One thing wrong with the next authorization_code answer (the login's bad inputs).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum CodeTamper {
    /// The ID token's payload altered after signing.
    BadSignature,
    WrongNonce,
    NoAccessToken,
    /// An HTML page with this status instead of JSON.
    Html(u16),
    /// Lose the PKCE challenge the code was bound to, so the real S256 check fails.
    PkceMismatch,
}

/// A scripted verdict for the next refresh request that reaches the provider.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum RefreshScript {
    Error { status: u16, error: String, description: String },
}

#[derive(Debug, Clone)]
pub struct ProviderConfig {
    /// Access (and ID) token lifetime, seconds. Keycloak's default 300.
    pub access_lifetime: u64,
    /// SSO session idle and max, seconds (defaults 30 min, 10 h).
    pub session_idle: u64,
    pub session_max: u64,
    /// Offline session idle, seconds (30 days).
    pub offline_idle: u64,
    /// Keycloak's Revoke Refresh Token (max reuse 0): each refresh token works once, and a
    /// reuse detaches the client session so every later refresh fails.
    pub revoke_refresh_token: bool,
    /// Whether a reuse kills the family (Keycloak: yes). Off only to model a provider that
    /// merely refuses the reused token.
    pub reuse_detaches_client: bool,
    /// Whether refresh responses carry a new refresh token (false: the old one stays valid).
    pub rotate: bool,
    /// Keycloak's `not-before-policy`, echoed in every token response (server seconds).
    pub not_before_policy: i64,
    /// Server clock minus the driver's clock, ms.
    pub clock_offset_ms: i64,
    /// Advertise RFC 9207 `authorization_response_iss_parameter_supported`.
    pub iss_parameter_supported: bool,
    pub callback_iss: CallbackIss,
}

impl Default for ProviderConfig {
    fn default() -> Self {
        Self {
            access_lifetime: 300,
            session_idle: 1_800,
            session_max: 36_000,
            offline_idle: 30 * 24 * 3600,
            revoke_refresh_token: true,
            reuse_detaches_client: true,
            rotate: true,
            not_before_policy: 0,
            clock_offset_ms: 0,
            iss_parameter_supported: true,
            callback_iss: CallbackIss::Correct,
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Verdict {
    /// Accepted; a new refresh token replaced it.
    Rotated {
        new: String,
    },
    /// Accepted; it stays valid (no rotation).
    Kept,
    Refused {
        error: String,
        description: String,
    },
}

#[derive(Debug, Clone)]
pub struct Presented {
    /// Local (driver) ms.
    pub at: u64,
    pub rt: String,
    pub sid: Option<String>,
    pub verdict: Verdict,
}

#[derive(Debug, Clone)]
pub struct HttpResponse {
    pub status: u16,
    pub body: String,
    pub retry_after: Option<u64>,
}

impl HttpResponse {
    fn json(status: u16, v: Value) -> Self {
        Self { status, body: v.to_string(), retry_after: None }
    }
    fn empty(status: u16) -> Self {
        Self { status, body: String::new(), retry_after: None }
    }
    fn oauth(status: u16, error: &str, description: &str) -> Self {
        Self::json(status, json!({"error": error, "error_description": description}))
    }
}

#[derive(Debug, Clone)]
struct Code {
    client_id: String,
    redirect_uri: String,
    challenge: String,
    nonce: String,
    scope: String,
    sid: String,
    issued_ms: i64,
    used: bool,
}

#[derive(Debug, Clone)]
pub struct UserSession {
    pub sid: String,
    pub scope: String,
    pub nonce: String,
    pub offline: bool,
    pub started_ms: i64,
    pub last_refresh_ms: i64,
    pub active: bool,
    /// False once a reuse detached the client (Keycloak: "Session doesn't have required client").
    pub client_attached: bool,
    /// The only refresh token that still works (with Revoke Refresh Token on).
    pub current_rt: String,
    pub ended_by: Option<&'static str>,
}

pub struct Provider {
    pub cfg: ProviderConfig,
    pub code_tamper: Option<CodeTamper>,
    pub refresh_script: Vec<RefreshScript>,
    /// Every refresh token presented, in order, with its verdict.
    pub presented: Vec<Presented>,
    /// Token-endpoint refresh requests that reached the provider.
    pub refresh_requests: u32,
    /// The realm's signing key has rotated: new tokens are signed with `NEXT_KID`, and the
    /// JWKS holds both keys.
    pub rotated: bool,
    pub jwks_requests: u32,
    /// The JWKS endpoint answers 503.
    pub jwks_down: bool,
    /// After a rotation the JWKS still lacks the new key (a cache in front of it).
    pub jwks_lags: bool,
    pub code_requests: u32,
    pub client_credentials_requests: u32,
    /// (sid, how): every provider-side session end.
    pub ended: Vec<(String, &'static str)>,
    /// Every request that reached the provider: (local ms, method, url).
    pub log: Vec<(u64, Method, String)>,
    pub sessions: BTreeMap<String, UserSession>,
    codes: BTreeMap<String, Code>,
    /// refresh token -> sid, for every refresh token ever issued.
    refresh_tokens: BTreeMap<String, String>,
    id_tokens: BTreeMap<String, String>,
    service_tokens: BTreeMap<String, String>,
    counter: u64,
}

fn form(body: Option<&str>) -> BTreeMap<String, String> {
    form_urlencoded::parse(body.unwrap_or("").as_bytes()).map(|(k, v)| (k.into_owned(), v.into_owned())).collect()
}

fn query(url: &str) -> BTreeMap<String, String> {
    form(url.split_once('?').map(|(_, q)| q))
}

fn header<'a>(req: &'a HttpRequest, name: &str) -> Option<&'a str> {
    req.headers.iter().find(|(k, _)| k.eq_ignore_ascii_case(name)).map(|(_, v)| v.as_str())
}

impl Provider {
    pub fn new(cfg: ProviderConfig) -> Self {
        Self {
            cfg,
            code_tamper: None,
            refresh_script: Vec::new(),
            presented: Vec::new(),
            refresh_requests: 0,
            rotated: false,
            jwks_requests: 0,
            jwks_down: false,
            jwks_lags: false,
            code_requests: 0,
            client_credentials_requests: 0,
            ended: Vec::new(),
            log: Vec::new(),
            sessions: BTreeMap::new(),
            codes: BTreeMap::new(),
            refresh_tokens: BTreeMap::new(),
            id_tokens: BTreeMap::new(),
            service_tokens: BTreeMap::new(),
            counter: 0,
        }
    }

    /// The server's clock (ms) when the driver's reads `local`.
    pub fn server_ms(&self, local: u64) -> i64 {
        local as i64 + self.cfg.clock_offset_ms
    }

    fn next(&mut self, prefix: &str) -> String {
        self.counter += 1;
        format!("{prefix}{}", self.counter)
    }

    pub fn discovery(&self) -> Value {
        json!({
            "issuer": ISSUER,
            "authorization_endpoint": endpoint("auth"),
            "token_endpoint": endpoint("token"),
            "jwks_uri": endpoint("certs"),
            "end_session_endpoint": endpoint("logout"),
            "revocation_endpoint": endpoint("revoke"),
            "userinfo_endpoint": endpoint("userinfo"),
            "code_challenge_methods_supported": ["plain", "S256"],
            "authorization_response_iss_parameter_supported": self.cfg.iss_parameter_supported,
            "backchannel_logout_supported": true,
            "grant_types_supported": ["authorization_code", "refresh_token", "client_credentials"],
        })
    }

    pub fn jwks() -> Value {
        json!({"keys": [keys().jwk.clone()]})
    }

    pub fn keyset() -> tokenward::KeySet {
        tokenward::KeySet::from_jwks(&Self::jwks().to_string()).expect("the fake JWKS parses")
    }

    /// The refresh token that works now for session `sid`, if the session is alive.
    pub fn current_refresh_token(&self, sid: &str) -> Option<&str> {
        self.sessions.get(sid).filter(|s| s.active && s.client_attached).map(|s| s.current_rt.as_str())
    }

    pub fn session_alive(&self, sid: &str) -> bool {
        self.sessions.get(sid).is_some_and(|s| s.active && s.client_attached)
    }

    /// The sid a refresh token belongs to.
    pub fn sid_of(&self, rt: &str) -> Option<&str> {
        self.refresh_tokens.get(rt).map(String::as_str)
    }

    /// A signed back-channel `logout_token` for `sid` (OIDC Back-Channel Logout 2.4).
    pub fn logout_token(&mut self, sid: &str, local: u64) -> String {
        let iat = self.server_ms(local).div_euclid(1000);
        let jti = self.next("lt-");
        sign_typed(
            &json!({
                "iss": ISSUER, "aud": CLIENT_ID, "iat": iat, "exp": iat + 120, "jti": jti, "sub": USER, "sid": sid,
                "events": {"http://schemas.openid.net/event/backchannel-logout": {}},
            }),
            "logout+jwt",
        )
    }

    /// The user agent at the authorization endpoint: the user logs in and is sent back.
    /// Returns the callback URL (`code`, `state`, `session_state`, `iss` as configured), or
    /// an error redirect when `deny` names an error such as `access_denied`.
    pub fn authenticate(&mut self, auth_url: &str, local: u64, deny: Option<&str>) -> String {
        let q = query(auth_url);
        assert!(auth_url.starts_with(&endpoint("auth")), "not our authorization endpoint: {auth_url}");
        assert_eq!(q.get("response_type").map(String::as_str), Some("code"));
        assert_eq!(q.get("code_challenge_method").map(String::as_str), Some("S256"), "PKCE S256 is required");
        let redirect = q.get("redirect_uri").cloned().expect("redirect_uri");
        let state = q.get("state").cloned().expect("state");
        let iss = match self.cfg.callback_iss {
            CallbackIss::Correct => Some(ISSUER.to_owned()),
            CallbackIss::Missing => None,
            CallbackIss::Wrong => Some("https://evil.example/realms/demo".to_owned()),
        };
        let mut pairs: Vec<(&str, String)> = vec![("state", state)];
        if let Some(err) = deny {
            pairs.push(("error", err.to_owned()));
            pairs.push(("error_description", "The user cancelled".to_owned()));
        } else {
            let sid = self.next("sid-");
            let code = self.next("code-");
            let now = self.server_ms(local);
            self.codes.insert(
                code.clone(),
                Code {
                    client_id: q.get("client_id").cloned().unwrap_or_default(),
                    redirect_uri: redirect.clone(),
                    challenge: q.get("code_challenge").cloned().unwrap_or_default(),
                    nonce: q.get("nonce").cloned().unwrap_or_default(),
                    scope: q.get("scope").cloned().unwrap_or_else(|| "openid".into()),
                    sid: sid.clone(),
                    issued_ms: now,
                    used: false,
                },
            );
            pairs.push(("session_state", sid));
            pairs.push(("code", code));
        }
        if let Some(iss) = iss {
            pairs.push(("iss", iss));
        }
        let refs: Vec<(&str, &str)> = pairs.iter().map(|(k, v)| (*k, v.as_str())).collect();
        tokenward::oidc::http::with_query(&redirect, &refs)
    }

    /// Answer one HTTP request at local time `local`.
    pub fn handle(&mut self, req: &HttpRequest, local: u64) -> HttpResponse {
        self.log.push((local, req.method, req.url.clone()));
        let path = req.url.split('?').next().unwrap_or("");
        match (req.method, path) {
            (Method::Get, p) if p == format!("{ISSUER}/.well-known/openid-configuration") => {
                HttpResponse::json(200, self.discovery())
            }
            (Method::Get, p) if p == endpoint("certs") => {
                self.jwks_requests += 1;
                if self.jwks_down {
                    return HttpResponse::json(503, json!({ "error": "temporarily_unavailable" }));
                }
                let mut set = vec![keys().jwk.clone()];
                if self.rotated && !self.jwks_lags {
                    set.push(keys().next_jwk.clone());
                }
                HttpResponse::json(200, json!({ "keys": set }))
            }
            (Method::Post, p) if p == endpoint("token") => self.token(req, local),
            (Method::Post, p) if p == endpoint("logout") => self.backchannel_logout(req),
            (Method::Get, p) if p == endpoint("logout") => match self.end_session(&req.url) {
                Ok(_) => HttpResponse::empty(302),
                Err(msg) => {
                    HttpResponse { status: 400, body: format!("<html><body>{msg}</body></html>"), retry_after: None }
                }
            },
            (Method::Post, p) if p == endpoint("revoke") => self.revoke(req),
            (Method::Delete, p) if p.starts_with(&format!("{BASE}/admin/realms/demo/sessions/")) => {
                self.admin_delete(req, p)
            }
            _ => HttpResponse::json(404, json!({"error": "not_found"})),
        }
    }

    /// The client's identity: Basic or body secret for confidential clients, client_id only
    /// for the public one. `Err` is the 401 answer.
    fn authenticate_client(&self, req: &HttpRequest, f: &BTreeMap<String, String>) -> Result<String, HttpResponse> {
        let secrets = [(SERVICE.0, SERVICE.1), (ADMIN.0, ADMIN.1)];
        let (id, secret) = match header(req, "authorization").and_then(|h| h.strip_prefix("Basic ")) {
            Some(b) => {
                let raw = String::from_utf8(STANDARD.decode(b).unwrap_or_default()).unwrap_or_default();
                let (id, secret) = raw.split_once(':').unwrap_or((&raw, ""));
                let dec = |s: &str| {
                    form_urlencoded::parse(format!("x={s}").as_bytes())
                        .next()
                        .map(|(_, v)| v.into_owned())
                        .unwrap_or_default()
                };
                (dec(id), Some(dec(secret)))
            }
            None => (f.get("client_id").cloned().unwrap_or_default(), f.get("client_secret").cloned()),
        };
        let invalid = || HttpResponse::oauth(401, "invalid_client", "Invalid client or Invalid client credentials");
        match secrets.iter().find(|(c, _)| *c == id) {
            Some((_, s)) if secret.as_deref() == Some(*s) => Ok(id),
            Some(_) => Err(invalid()),
            None if id == CLIENT_ID && secret.is_none() => Ok(id),
            None => Err(invalid()),
        }
    }

    fn token(&mut self, req: &HttpRequest, local: u64) -> HttpResponse {
        let f = form(req.body.as_deref());
        let client = match self.authenticate_client(req, &f) {
            Ok(c) => c,
            Err(r) => return r,
        };
        match f.get("grant_type").map(String::as_str) {
            Some("authorization_code") => self.code_grant(&f, &client, local),
            Some("refresh_token") => self.refresh_grant(&f, &client, local),
            Some("client_credentials") => self.client_credentials(&client, local),
            _ => HttpResponse::oauth(400, "unsupported_grant_type", "Unsupported grant_type"),
        }
    }

    fn code_grant(&mut self, f: &BTreeMap<String, String>, client: &str, local: u64) -> HttpResponse {
        self.code_requests += 1;
        let tamper = self.code_tamper.take();
        if let Some(CodeTamper::Html(status)) = tamper {
            return HttpResponse {
                status,
                body: "<!DOCTYPE html><html><body>We are sorry...</body></html>".into(),
                retry_after: None,
            };
        }
        let now = self.server_ms(local);
        let code_value = f.get("code").cloned().unwrap_or_default();
        let Some(code) = self.codes.get_mut(&code_value) else {
            return HttpResponse::oauth(400, "invalid_grant", "Code not valid");
        };
        if code.used || now - code.issued_ms > 60_000 || code.client_id != client {
            code.used = true;
            return HttpResponse::oauth(400, "invalid_grant", "Code not valid");
        }
        code.used = true;
        let code = code.clone();
        if f.get("redirect_uri") != Some(&code.redirect_uri) {
            return HttpResponse::oauth(400, "invalid_grant", "Incorrect redirect_uri");
        }
        let challenge =
            if tamper == Some(CodeTamper::PkceMismatch) { "lost".to_owned() } else { code.challenge.clone() };
        match f.get("code_verifier") {
            None => {
                return HttpResponse::oauth(
                    400,
                    "invalid_grant",
                    "PKCE verification failed: Missing parameter: code_verifier",
                )
            }
            Some(v) if tokenward::oidc::pkce::challenge(v) != challenge => {
                return HttpResponse::oauth(400, "invalid_grant", "PKCE verification failed: Code mismatch")
            }
            Some(_) => {}
        }
        let offline = code.scope.split(' ').any(|s| s == "offline_access");
        let rt = self.issue_refresh_token(&code.sid, &code.scope, offline, now);
        self.sessions.insert(
            code.sid.clone(),
            UserSession {
                sid: code.sid.clone(),
                scope: code.scope.clone(),
                nonce: code.nonce.clone(),
                offline,
                started_ms: now,
                last_refresh_ms: now,
                active: true,
                client_attached: true,
                current_rt: rt.clone(),
                ended_by: None,
            },
        );
        let nonce =
            if tamper == Some(CodeTamper::WrongNonce) { "another-login".to_owned() } else { code.nonce.clone() };
        let mut body = self.token_body(&code.sid, &code.scope, &nonce, Some(rt), offline, now);
        match tamper {
            Some(CodeTamper::BadSignature) => {
                let id = body["id_token"].as_str().unwrap().to_owned();
                let parts: Vec<&str> = id.split('.').collect();
                let mut claims: Value = serde_json::from_slice(&URL_SAFE_NO_PAD.decode(parts[1]).unwrap()).unwrap();
                claims["sub"] = json!("user-mallory");
                body["id_token"] =
                    json!(format!("{}.{}.{}", parts[0], URL_SAFE_NO_PAD.encode(claims.to_string()), parts[2]));
            }
            Some(CodeTamper::NoAccessToken) => {
                body.as_object_mut().unwrap().remove("access_token");
            }
            _ => {}
        }
        HttpResponse::json(200, body)
    }

    fn issue_refresh_token(&mut self, sid: &str, scope: &str, offline: bool, now_ms: i64) -> String {
        let iat = now_ms.div_euclid(1000);
        let jti = self.next("rt-");
        let mut claims = json!({
            "jti": jti, "iat": iat, "iss": ISSUER, "aud": ISSUER, "sub": USER, "azp": CLIENT_ID, "sid": sid,
            "scope": scope, "typ": if offline { "Offline" } else { "Refresh" },
        });
        if !offline {
            claims["exp"] = json!(iat + self.cfg.session_idle as i64);
        }
        let rt = sign_refresh(&claims);
        self.refresh_tokens.insert(rt.clone(), sid.to_owned());
        rt
    }

    /// A Keycloak token response for session `sid`: access token, ID token (nonce, sid,
    /// at_hash, typ ID), the refresh token given, lifetimes, session_state, not-before-policy.
    fn token_body(
        &mut self,
        sid: &str,
        scope: &str,
        nonce: &str,
        rt: Option<String>,
        offline: bool,
        now_ms: i64,
    ) -> Value {
        let iat = now_ms.div_euclid(1000);
        let exp = iat + self.cfg.access_lifetime as i64;
        let jti = self.next("at-");
        let access = sign_as(
            &json!({
                "exp": exp, "iat": iat, "auth_time": iat, "jti": jti, "iss": ISSUER, "aud": "account", "sub": USER,
                "typ": "Bearer", "azp": CLIENT_ID, "sid": sid, "scope": scope, "preferred_username": "alice",
                "realm_access": {"roles": ["user"]},
            }),
            "JWT",
            self.rotated,
        );
        let id = sign_as(
            &json!({
                "exp": exp, "iat": iat, "auth_time": iat, "jti": self.next("id-"), "iss": ISSUER, "aud": CLIENT_ID,
                "sub": USER, "typ": "ID", "azp": CLIENT_ID, "nonce": nonce, "sid": sid, "at_hash": at_hash(&access),
            }),
            "JWT",
            self.rotated,
        );
        self.id_tokens.insert(id.clone(), sid.to_owned());
        let refresh_expires_in = if offline { 0 } else { self.cfg.session_idle };
        let mut body = json!({
            "access_token": access, "expires_in": self.cfg.access_lifetime, "refresh_expires_in": refresh_expires_in,
            "token_type": "Bearer", "id_token": id, "not-before-policy": self.cfg.not_before_policy,
            "session_state": sid, "scope": scope,
        });
        if let Some(rt) = rt {
            body["refresh_token"] = json!(rt);
        }
        body
    }

    fn refresh_grant(&mut self, f: &BTreeMap<String, String>, client: &str, local: u64) -> HttpResponse {
        self.refresh_requests += 1;
        let rt = f.get("refresh_token").cloned().unwrap_or_default();
        let sid = self.refresh_tokens.get(&rt).cloned();
        let (answer, verdict) = self.refresh_verdict(&rt, sid.as_deref(), client, local);
        self.presented.push(Presented { at: local, rt, sid, verdict });
        answer
    }

    fn refuse(&self, status: u16, error: &str, description: &str) -> (HttpResponse, Verdict) {
        (
            HttpResponse::oauth(status, error, description),
            Verdict::Refused { error: error.into(), description: description.into() },
        )
    }

    fn refresh_verdict(&mut self, rt: &str, sid: Option<&str>, client: &str, local: u64) -> (HttpResponse, Verdict) {
        if rt.is_empty() {
            return self.refuse(400, "invalid_request", "No refresh token");
        }
        if !self.refresh_script.is_empty() {
            let RefreshScript::Error { status, error, description } = self.refresh_script.remove(0);
            return self.refuse(status, &error, &description);
        }
        if client != CLIENT_ID {
            return self.refuse(
                400,
                "invalid_grant",
                "Invalid refresh token. Token client and authorized client don't match",
            );
        }
        let Some(sid) = sid else {
            return self.refuse(400, "invalid_grant", "Invalid refresh token");
        };
        let now = self.server_ms(local);
        let cfg = self.cfg.clone();
        let s = self.sessions.get_mut(sid).expect("every issued refresh token has a session");
        let idle = if s.offline { cfg.offline_idle } else { cfg.session_idle } as i64 * 1000;
        let expired =
            s.last_refresh_ms + idle <= now || (!s.offline && s.started_ms + cfg.session_max as i64 * 1000 <= now);
        if !s.active || expired {
            s.active = false;
            let d = match (s.offline, s.ended_by.is_some()) {
                (true, true) => "Offline user session not found",
                (true, false) => "Offline session not active",
                (false, _) => "Session not active",
            };
            return self.refuse(400, "invalid_grant", d);
        }
        if !s.client_attached {
            return self.refuse(400, "invalid_grant", "Session doesn't have required client");
        }
        if cfg.revoke_refresh_token && s.current_rt != rt {
            if cfg.reuse_detaches_client {
                s.client_attached = false;
            }
            return self.refuse(400, "invalid_grant", "Stale token");
        }
        s.last_refresh_ms = now;
        let (sid, scope, nonce, offline) = (s.sid.clone(), s.scope.clone(), s.nonce.clone(), s.offline);
        let (new_rt, verdict) = if cfg.rotate {
            let new = self.issue_refresh_token(&sid, &scope, offline, now);
            self.sessions.get_mut(&sid).unwrap().current_rt = new.clone();
            (Some(new.clone()), Verdict::Rotated { new })
        } else {
            (None, Verdict::Kept)
        };
        (HttpResponse::json(200, self.token_body(&sid, &scope, &nonce, new_rt, offline, now)), verdict)
    }

    fn client_credentials(&mut self, client: &str, local: u64) -> HttpResponse {
        self.client_credentials_requests += 1;
        if client == CLIENT_ID {
            return HttpResponse::oauth(400, "unauthorized_client", "Client not enabled to retrieve service account");
        }
        let iat = self.server_ms(local).div_euclid(1000);
        let exp = iat + self.cfg.access_lifetime as i64;
        let jti = self.next("sa-");
        let token = sign(&json!({
            "exp": exp, "iat": iat, "jti": jti, "iss": ISSUER, "sub": format!("service-account-{client}"), "typ": "Bearer",
            "azp": client, "scope": "profile email",
            "resource_access": if client == ADMIN.0 { json!({"realm-management": {"roles": ["manage-users"]}}) } else { json!({}) },
        }));
        self.service_tokens.insert(token.clone(), client.to_owned());
        HttpResponse::json(
            200,
            json!({"access_token": token, "expires_in": self.cfg.access_lifetime, "refresh_expires_in": 0, "token_type": "Bearer",
                   "not-before-policy": 0, "scope": "profile email"}),
        )
    }

    fn end(&mut self, sid: &str, how: &'static str) {
        if let Some(s) = self.sessions.get_mut(sid) {
            if s.active {
                s.active = false;
                s.ended_by = Some(how);
                self.ended.push((sid.to_owned(), how));
            }
        }
    }

    /// Keycloak's back-channel logout: refresh token + client_id POSTed; 204 also when gone.
    fn backchannel_logout(&mut self, req: &HttpRequest) -> HttpResponse {
        let f = form(req.body.as_deref());
        if let Err(r) = self.authenticate_client(req, &f) {
            return r;
        }
        let Some(rt) = f.get("refresh_token") else {
            return HttpResponse::oauth(400, "invalid_request", "No refresh token");
        };
        if let Some(sid) = self.refresh_tokens.get(rt).cloned() {
            self.end(&sid, "backchannel");
        }
        HttpResponse::empty(204)
    }

    /// RP-initiated logout as the user agent performs it (GET `url`). `Ok` carries where the
    /// user agent is sent next; `Err` is Keycloak's 400 page, e.g. a post_logout_redirect_uri
    /// without id_token_hint or client_id.
    pub fn end_session(&mut self, url: &str) -> Result<Option<String>, String> {
        let q = query(url);
        for (k, v) in &q {
            if v.is_empty() || v == "undefined" {
                return Err(format!("parameter {k} is empty or \"undefined\""));
            }
        }
        let hint = q.get("id_token_hint");
        let client = q.get("client_id");
        if q.contains_key("post_logout_redirect_uri") && (hint.is_none() || client.is_none()) {
            return Err("Missing parameters: id_token_hint".into());
        }
        if client.is_some_and(|c| c != CLIENT_ID) {
            return Err("Invalid parameter: client_id".into());
        }
        let sid = match hint {
            Some(h) => Some(self.id_tokens.get(h).cloned().ok_or("Invalid parameter: id_token_hint")?),
            None => None,
        };
        if let Some(r) = q.get("post_logout_redirect_uri") {
            if r != POST_LOGOUT_URI {
                return Err("Invalid redirect uri".into());
            }
        }
        if let Some(sid) = sid {
            self.end(&sid, "rp_initiated");
        }
        Ok(q.get("post_logout_redirect_uri").cloned())
    }

    fn revoke(&mut self, req: &HttpRequest) -> HttpResponse {
        let f = form(req.body.as_deref());
        if let Err(r) = self.authenticate_client(req, &f) {
            return r;
        }
        if let Some(sid) = f.get("token").and_then(|t| self.refresh_tokens.get(t)).cloned() {
            if let Some(s) = self.sessions.get_mut(&sid) {
                s.client_attached = false;
            }
            self.end(&sid, "revoked");
        }
        HttpResponse::empty(200)
    }

    fn admin_delete(&mut self, req: &HttpRequest, path: &str) -> HttpResponse {
        let bearer = header(req, "authorization").and_then(|h| h.strip_prefix("Bearer "));
        if bearer.and_then(|b| self.service_tokens.get(b)).map(String::as_str) != Some(ADMIN.0) {
            return HttpResponse::json(401, json!({"error": "HTTP 401 Unauthorized"}));
        }
        let sid = path.rsplit('/').next().unwrap_or("");
        if !self.sessions.get(sid).is_some_and(|s| s.active) {
            return HttpResponse::json(404, json!({"error": "Sessions not found"}));
        }
        self.end(sid, "admin");
        HttpResponse::empty(204)
    }
}
