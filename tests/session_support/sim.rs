//! The driver: Session instances on one virtual clock, a shared compare-and-set store, the
//! fake provider behind a network that can lose, delay, duplicate or hold messages, and
//! StoreChanged broadcasts after every successful Save. It also watches the invariants that
//! only the whole system can see (one refresh in flight, no refresh token sent again after a
//! verdict, the store keeping the newest refresh token) and records violations.

use std::collections::{BTreeMap, BTreeSet, VecDeque};

use tokenward::oidc::HttpRequest;
use tokenward::session::{Cause, Command, Config, Event, Notice, Session, State, Tokens};

use super::provider::{self, HttpResponse, Provider, ProviderConfig, Verdict};
use super::rng::SeededRandom;

/// The driver's clock starts here (local ms since the epoch: 2023-11-14).
pub const T0: u64 = 1_700_000_000_000;
/// One way of a normal round trip, ms.
pub const LATENCY_MS: u64 = 20;
/// A refresh sent more often than this per minute by one instance is a loop: one per
/// `MIN_REFRESH_INTERVAL_MS`, plus one for the window's edge.
pub const MAX_REFRESHES_PER_MINUTE: usize = (60_000 / super::MIN_REFRESH_INTERVAL_MS) as usize + 1;

/// What a request is, for faults and invariants.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    Discovery,
    Jwks,
    Code,
    Refresh,
    ClientCredentials,
    Backchannel,
    Revoke,
    Admin,
    Other,
    /// In a fault script: matches every kind.
    Any,
}

pub fn kind_of(req: &HttpRequest) -> Kind {
    let path = req.url.split('?').next().unwrap_or("");
    let grant = form_urlencoded::parse(req.body.as_deref().unwrap_or("").as_bytes())
        .find(|(k, _)| k == "grant_type")
        .map(|(_, v)| v.into_owned());
    if path.ends_with("/.well-known/openid-configuration") {
        Kind::Discovery
    } else if path == provider::endpoint("certs") {
        Kind::Jwks
    } else if path == provider::endpoint("token") {
        match grant.as_deref() {
            Some("authorization_code") => Kind::Code,
            Some("refresh_token") => Kind::Refresh,
            Some("client_credentials") => Kind::ClientCredentials,
            _ => Kind::Other,
        }
    } else if path == provider::endpoint("logout") {
        Kind::Backchannel
    } else if path == provider::endpoint("revoke") {
        Kind::Revoke
    } else if path.contains("/admin/realms/") {
        Kind::Admin
    } else {
        Kind::Other
    }
}

fn form_value(req: &HttpRequest, name: &str) -> Option<String> {
    form_urlencoded::parse(req.body.as_deref().unwrap_or("").as_bytes())
        .find(|(k, _)| k == name)
        .map(|(_, v)| v.into_owned())
}

/// `Command::VerifySignature` checked natively, as WebCrypto would: the fake provider signs
/// with ES256, so a P-256 key and a raw r || s signature (p256, a dev-dependency, so this works
/// in the build without the crate's own verifiers too).
fn signature_verifies(keys: &[tokenward::session::PublicJwk], data: &str, signature: &[u8]) -> bool {
    use base64::Engine;
    use p256::ecdsa::signature::Verifier;
    let b64 = |v: Option<&String>| v.and_then(|v| base64::engine::general_purpose::URL_SAFE_NO_PAD.decode(v).ok());
    let Ok(sig) = p256::ecdsa::Signature::from_slice(signature) else { return false };
    keys.iter().any(|k| {
        let (Some(x), Some(y)) = (b64(k.get("x")), b64(k.get("y"))) else { return false };
        if k.get("crv").map(String::as_str) != Some("P-256") || x.len() != 32 || y.len() != 32 {
            return false;
        }
        let point = p256::EncodedPoint::from_affine_coordinates(x.as_slice().into(), y.as_slice().into(), false);
        p256::ecdsa::VerifyingKey::from_encoded_point(&point).is_ok_and(|key| key.verify(data.as_bytes(), &sig).is_ok())
    })
}

/// What the network does to one request.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Fault {
    /// Delivered normally.
    None,
    /// Lost on the way: the provider never sees it; `NoResponse` at the timeout.
    DropRequest,
    /// The provider answers, the answer is lost: `NoResponse` at the timeout.
    DropResponse,
    /// The answer arrives after this many ms (at or past the timeout: lost, as above).
    Delay(u64),
    /// The answer arrives twice, the copy this many ms after the first.
    Duplicate(u64),
    /// A proxy answers instead of the provider (503 HTML, 429 with Retry-After...).
    Answer { status: u16, body: String, retry_after: Option<u64> },
    /// The request is held (a frozen tab, a stalled connection) until `release_held`: no
    /// timeout fires.
    Hold,
}

impl Fault {
    pub fn unavailable() -> Self {
        Fault::Answer {
            status: 503,
            body: "<html><body><h1>503 Service Unavailable</h1></body></html>".into(),
            retry_after: None,
        }
    }
    pub fn rate_limited(retry_after: u64) -> Self {
        Fault::Answer {
            status: 429,
            body: "<html><body>Too Many Requests</body></html>".into(),
            retry_after: Some(retry_after),
        }
    }
}

/// Random network trouble for refresh requests (probabilities per request).
#[derive(Debug, Clone, Default)]
pub struct RandomFaults {
    pub drop_request: f64,
    pub drop_response: f64,
    pub delay: f64,
    pub max_delay_ms: u64,
    pub duplicate: f64,
    pub unavailable: f64,
    pub rate_limited: f64,
}

#[derive(Debug, Clone)]
struct Flight {
    inst: usize,
    id: u32,
    kind: Kind,
    rt: Option<String>,
    sent: u64,
    done: bool,
    /// The provider rotated the refresh token and this answer will never be delivered.
    lost_rotation: bool,
    /// The new refresh token in this answer (a rotation), if any.
    rotated_to: Option<String>,
    /// Answered by a proxy, not the provider: no verdict.
    injected: bool,
}

#[derive(Debug, Clone)]
struct Delivery {
    inst: usize,
    event: Event,
    /// The flight this answers (index into `flights`).
    flight: Option<usize>,
}

pub struct Client {
    pub session: Session,
    pub config: Config,
    /// Every notice, with the local time it came.
    pub notices: Vec<(u64, Notice)>,
    pub navigations: Vec<String>,
    pub forms: Vec<(String, Vec<(String, String)>)>,
    /// Local times of this instance's refresh requests.
    pub refresh_sends: Vec<u64>,
    /// Every `Command::VerifySignature` this instance sent.
    pub verify_requests: Vec<Command>,
    seed: u64,
}

impl Client {
    pub fn last_navigation(&self) -> Option<&str> {
        self.navigations.last().map(String::as_str)
    }

    /// Notices since index `from`.
    pub fn notices_since(&self, from: usize) -> Vec<Notice> {
        self.notices[from.min(self.notices.len())..].iter().map(|(_, n)| n.clone()).collect()
    }

    pub fn logged_out_causes(&self) -> Vec<Cause> {
        self.notices
            .iter()
            .filter_map(|(_, n)| if let Notice::LoggedOut { cause } = n { Some(*cause) } else { None })
            .collect()
    }
}

pub struct Sim {
    pub now: u64,
    pub provider: Provider,
    pub store: Option<State>,
    /// Every state the store ever held, oldest first.
    pub history: Vec<State>,
    pub clients: Vec<Client>,
    pub script: VecDeque<(Kind, Fault)>,
    pub random_faults: Option<RandomFaults>,
    pub latency_ms: u64,
    /// Delay of a Saved answer (IndexedDB is asynchronous) and of a broadcast.
    pub store_latency_ms: u64,
    /// The next this many store operations (loads and saves) fail with the store's own error,
    /// after `store_failures_after` more that work.
    pub store_failures: u32,
    pub store_failures_after: u32,
    pub broadcast_latency_ms: u64,
    /// Drop StoreChanged broadcasts (a browser without BroadcastChannel, another process).
    pub broadcast: bool,
    /// Check that at most one refresh is in flight at once. Off only in tests that freeze
    /// an instance on purpose.
    pub check_single_flight: bool,
    /// When set, the driver's signature checks fail to run with this error (a WebCrypto
    /// without the algorithm).
    pub signature_error: Option<String>,
    /// When set, the driver's signature answers wait here until released (a slow WebCrypto).
    pub held_signatures: Option<Vec<(usize, Event)>>,
    pub violations: Vec<String>,
    /// Every refresh token an instance has received a verdict on (rotated, or refused 4xx).
    pub judged: BTreeSet<String>,
    /// Sessions (sid) whose rotation answer was lost: the store cannot hold their newest token.
    pub lost_rotation: BTreeSet<String>,
    /// Injected transient answers and lost requests that hit refreshes.
    pub transient_refresh_failures: u32,
    queue: BTreeMap<(u64, u64), Delivery>,
    held: Vec<(usize, HttpRequest, usize)>,
    flights: Vec<Flight>,
    seq: u64,
    rng: SeededRandom,
}

impl Sim {
    pub fn new(cfg: ProviderConfig, seed: u64) -> Self {
        Self {
            now: T0,
            provider: Provider::new(cfg),
            store: None,
            history: Vec::new(),
            clients: Vec::new(),
            script: VecDeque::new(),
            random_faults: None,
            latency_ms: LATENCY_MS,
            store_latency_ms: 0,
            store_failures: 0,
            store_failures_after: 0,
            broadcast_latency_ms: 0,
            broadcast: true,
            check_single_flight: true,
            signature_error: None,
            held_signatures: None,
            violations: Vec::new(),
            judged: BTreeSet::new(),
            lost_rotation: BTreeSet::new(),
            transient_refresh_failures: 0,
            queue: BTreeMap::new(),
            held: Vec::new(),
            flights: Vec::new(),
            seq: 0,
            rng: SeededRandom::new(seed ^ 0x9e37_79b9_7f4a_7c15),
        }
    }

    /// A new instance with this config, started (Start, Load, discovery) and settled.
    pub fn add_client(&mut self, config: Config) -> usize {
        let i = self.session_started(config);
        self.settle();
        i
    }

    /// As `add_client`, started but not settled (for a store that keeps failing, whose
    /// retries never settle).
    pub fn session_started(&mut self, config: Config) -> usize {
        let seed = self.rng.next_u64();
        let session = Session::new(config.clone(), Box::new(SeededRandom::new(seed))).expect("a valid config");
        self.clients.push(Client {
            session,
            config,
            notices: Vec::new(),
            navigations: Vec::new(),
            forms: Vec::new(),
            refresh_sends: Vec::new(),
            verify_requests: Vec::new(),
            seed,
        });
        let i = self.clients.len() - 1;
        self.handle(i, Event::Start);
        i
    }

    /// Replace instance `i` by a fresh one with the same config (a reloaded tab, a restarted
    /// process, a woken Durable Object): its pending answers are lost. Started, not settled.
    pub fn restart(&mut self, i: usize) {
        self.queue.retain(|_, d| d.inst != i);
        let open: Vec<usize> =
            (0..self.flights.len()).filter(|f| self.flights[*f].inst == i && !self.flights[*f].done).collect();
        for f in open {
            self.flights[f].done = true;
            self.mark_lost(f);
        }
        let seed = self.clients[i].seed.wrapping_add(1);
        self.clients[i].seed = seed;
        self.clients[i].session =
            Session::new(self.clients[i].config.clone(), Box::new(SeededRandom::new(seed))).unwrap();
        self.handle(i, Event::Start);
    }

    pub fn session(&self, i: usize) -> &Session {
        &self.clients[i].session
    }

    pub fn stored_tokens(&self) -> Option<&Tokens> {
        self.store.as_ref().and_then(|s| s.tokens.as_ref())
    }

    pub fn stored_jwks(&self) -> Option<&str> {
        self.store.as_ref().and_then(|s| s.jwks.as_deref())
    }

    pub fn stored_refresh_token(&self) -> Option<String> {
        self.stored_tokens().and_then(|t| t.refresh_token.clone())
    }

    /// Feed `event` to instance `i` now and carry out what it asks.
    pub fn handle(&mut self, i: usize, event: Event) {
        self.clients[i].session.handle(event, self.now);
        self.drain(i);
    }

    fn schedule(&mut self, at: u64, d: Delivery) {
        self.seq += 1;
        self.queue.insert((at, self.seq), d);
    }

    fn drain(&mut self, i: usize) {
        while let Some(cmd) = self.clients[i].session.poll() {
            match cmd {
                Command::Load => {
                    let event = if self.store_fails() {
                        Event::LoadFailed { message: "QuotaExceededError".into() }
                    } else {
                        Event::Loaded { state: self.store.clone() }
                    };
                    self.schedule(self.now + self.store_latency_ms, Delivery { inst: i, event, flight: None });
                }
                Command::Save { state, expected } => self.save(i, state, expected),
                Command::Send { id, request, timeout_ms } => self.send(i, id, request, timeout_ms),
                Command::Navigate { url } => self.clients[i].navigations.push(url),
                Command::SubmitForm { url, fields } => self.clients[i].forms.push((url, fields)),
                Command::Notify { notice } => self.clients[i].notices.push((self.now, notice)),
                // The driver's WebCrypto, played by the crate's verifiers, a millisecond later.
                Command::VerifySignature { id, ref keys, ref data, ref signature, .. } => {
                    let ok_input = signature_verifies(keys, data, signature);
                    self.clients[i].verify_requests.push(cmd.clone());
                    let error = self.signature_error.clone();
                    let ok = error.is_none() && ok_input;
                    let event = Event::SignatureChecked { id, ok, error };
                    match self.held_signatures.as_mut() {
                        Some(held) => held.push((i, event)),
                        None => self.schedule(self.now + 1, Delivery { inst: i, event, flight: None }),
                    }
                }
            }
        }
    }

    /// Compare-and-set exactly as `Command::Save` says: write only if the store holds
    /// version `expected` (0: empty); otherwise answer with what it holds.
    fn store_fails(&mut self) -> bool {
        if self.store_failures_after > 0 && self.store_failures > 0 {
            self.store_failures_after -= 1;
            return false;
        }
        let fails = self.store_failures > 0;
        self.store_failures = self.store_failures.saturating_sub(1);
        fails
    }

    fn save(&mut self, i: usize, state: State, expected: u64) {
        let current = self.store.as_ref().map_or(0, |s| s.version);
        let at = self.now + self.store_latency_ms;
        if self.store_fails() {
            let event = Event::SaveFailed { message: "QuotaExceededError".into() };
            self.schedule(at, Delivery { inst: i, event, flight: None });
            return;
        }
        if current != expected {
            let current = self.store.clone();
            self.schedule(at, Delivery { inst: i, event: Event::Saved { ok: false, current }, flight: None });
            return;
        }
        if state.version <= current {
            self.violations.push(format!("instance {i} saved version {} over {current}", state.version));
        }
        if let (Some(prev), None) = (self.stored_tokens(), &state.tokens) {
            if let Some(why) = self.unjustified_end(prev, state.ended) {
                self.violations.push(format!("t={} instance {i} dropped the session's tokens: {why}", self.now - T0));
            }
        }
        self.store = Some(state.clone());
        self.history.push(state.clone());
        self.schedule(at, Delivery { inst: i, event: Event::Saved { ok: true, current: None }, flight: None });
        if self.broadcast {
            for j in (0..self.clients.len()).filter(|j| *j != i) {
                let ev = Event::StoreChanged { state: Some(state.clone()) };
                self.schedule(self.now + self.broadcast_latency_ms, Delivery { inst: j, event: ev, flight: None });
            }
        }
    }

    /// Tokens may leave the store only for an app action (logout, idle, back-channel), an
    /// expiry the client can see, or the provider's verdict on the stored refresh token;
    /// never for a transient failure.
    fn unjustified_end(&self, prev: &Tokens, ended: Option<Cause>) -> Option<String> {
        let server_ms = self.provider.server_ms(self.now);
        let judged = prev.refresh_token.as_ref().is_some_and(|rt| self.judged.contains(rt));
        let ok = match ended {
            Some(Cause::LoggedOut | Cause::LoggedOutElsewhere | Cause::IdleExpired | Cause::BackchannelLogout) => true,
            // The client's own clock check, with the skew estimate's error.
            Some(Cause::MaxExpired | Cause::OfflineExpired)
                if prev.refresh_expires_at.is_some_and(|e| e * 1000 <= server_ms + 10_000) =>
            {
                true
            }
            Some(c) if c.is_transient() => false,
            Some(_) => judged,
            None => false,
        };
        (!ok).then(|| format!("ended {ended:?} without a verdict on its refresh token"))
    }

    fn pick_fault(&mut self, kind: Kind) -> Fault {
        if let Some(pos) = self.script.iter().position(|(k, _)| *k == kind || *k == Kind::Any) {
            return self.script.remove(pos).unwrap().1;
        }
        let Some(r) = self.random_faults.clone().filter(|_| kind == Kind::Refresh) else { return Fault::None };
        let x = self.rng.unit();
        let mut acc = 0.0;
        let mut hit = |p: f64| {
            acc += p;
            x < acc
        };
        if hit(r.drop_request) {
            Fault::DropRequest
        } else if hit(r.drop_response) {
            Fault::DropResponse
        } else if hit(r.delay) {
            Fault::Delay(self.rng.below(r.max_delay_ms.max(1)))
        } else if hit(r.duplicate) {
            Fault::Duplicate(self.rng.below(2_000))
        } else if hit(r.unavailable) {
            Fault::unavailable()
        } else if hit(r.rate_limited) {
            Fault::rate_limited(1 + self.rng.below(30))
        } else {
            Fault::None
        }
    }

    fn send(&mut self, i: usize, id: u32, request: HttpRequest, timeout_ms: u64) {
        let kind = kind_of(&request);
        let rt = (kind == Kind::Refresh).then(|| form_value(&request, "refresh_token")).flatten();
        if kind == Kind::Refresh {
            let rt = rt.clone().unwrap_or_default();
            if self.judged.contains(&rt) {
                self.violations.push(format!(
                    "t={} instance {i} presented a refresh token that already had a verdict",
                    self.now - T0
                ));
            }
            let in_flight = self.flights.iter().filter(|f| f.kind == Kind::Refresh && !f.done).count();
            if self.check_single_flight && in_flight > 0 {
                self.violations
                    .push(format!("t={} instance {i} sent a refresh while {in_flight} was in flight", self.now - T0));
            }
            let sends = &mut self.clients[i].refresh_sends;
            sends.push(self.now);
            let window = sends.iter().filter(|t| **t + 60_000 > self.now).count();
            if window > MAX_REFRESHES_PER_MINUTE {
                self.violations
                    .push(format!("t={} instance {i} sent {window} refreshes within a minute", self.now - T0));
            }
        }
        let fault = self.pick_fault(kind);
        let f = self.flights.len();
        self.flights.push(Flight {
            inst: i,
            id,
            kind,
            rt,
            sent: self.now,
            done: false,
            lost_rotation: false,
            rotated_to: None,
            injected: false,
        });
        if kind == Kind::Refresh && matches!(fault, Fault::DropRequest | Fault::Answer { .. }) {
            self.transient_refresh_failures += 1;
        }
        let timeout = self.now + timeout_ms;
        let no_answer = Delivery { inst: i, event: Event::NoResponse { id }, flight: Some(f) };
        match fault {
            Fault::DropRequest => self.schedule(timeout, no_answer),
            Fault::Hold => self.held.push((i, request, f)),
            Fault::Answer { status, body, retry_after } => {
                self.flights[f].injected = true;
                let at = self.now + 2 * self.latency_ms;
                self.respond(f, at, HttpResponse { status, body, retry_after });
            }
            Fault::DropResponse => {
                self.reach_provider(f, &request);
                self.mark_lost(f);
                self.schedule(timeout, no_answer);
            }
            Fault::Delay(ms) if self.now + ms >= timeout => {
                self.reach_provider(f, &request);
                self.mark_lost(f);
                self.schedule(timeout, no_answer);
            }
            Fault::Delay(ms) => {
                let r = self.reach_provider(f, &request);
                self.respond(f, self.now + ms, r);
            }
            Fault::Duplicate(gap) => {
                let r = self.reach_provider(f, &request);
                let at = self.now + 2 * self.latency_ms;
                self.respond(f, at, r.clone());
                self.respond(f, at + gap, r);
            }
            Fault::None => {
                let r = self.reach_provider(f, &request);
                let at = self.now + 2 * self.latency_ms;
                self.respond(f, at, r);
            }
        }
    }

    /// The provider handles the request half a round trip after it was sent.
    fn reach_provider(&mut self, f: usize, request: &HttpRequest) -> HttpResponse {
        let at = self.now + self.latency_ms;
        let before = self.provider.presented.len();
        let r = self.provider.handle(request, at);
        if let Some(p) = self.provider.presented.get(before) {
            if let Verdict::Rotated { new } = &p.verdict {
                self.flights[f].rotated_to = Some(new.clone());
            }
        }
        r
    }

    fn mark_lost(&mut self, f: usize) {
        if self.flights[f].rotated_to.is_some() {
            self.flights[f].lost_rotation = true;
            if let Some(sid) = self.flights[f].rt.as_deref().and_then(|rt| self.provider.sid_of(rt)) {
                self.lost_rotation.insert(sid.to_owned());
            }
        }
    }

    fn respond(&mut self, f: usize, at: u64, r: HttpResponse) {
        let fl = &self.flights[f];
        let event = Event::Response {
            id: fl.id,
            status: r.status,
            body: r.body,
            retry_after: r.retry_after,
            sent: fl.sent,
            received: at,
        };
        self.schedule(at, Delivery { inst: fl.inst, event, flight: Some(f) });
    }

    /// Let held request `n` (in hold order) reach the provider now; its answer follows.
    pub fn release_held(&mut self, n: usize) {
        let (_, request, f) = self.held.remove(n);
        let r = self.reach_provider(f, &request);
        let at = self.now + 2 * self.latency_ms;
        self.respond(f, at, r);
    }

    pub fn held_count(&self) -> usize {
        self.held.len()
    }

    fn deliver(&mut self, d: Delivery) {
        if let Some(f) = d.flight {
            let first = !self.flights[f].done;
            self.flights[f].done = true;
            if first && self.flights[f].kind == Kind::Refresh {
                if let (Event::Response { status, .. }, Some(rt)) = (&d.event, self.flights[f].rt.clone()) {
                    // A verdict: a rotation, or the provider's own 4xx (not a proxy's page).
                    let provider_4xx = (400..500).contains(status) && !self.flights[f].injected;
                    if self.flights[f].rotated_to.is_some() || provider_4xx {
                        self.judged.insert(rt);
                    }
                }
            }
        }
        let i = d.inst;
        self.clients[i].session.handle(d.event, self.now);
        self.drain(i);
        self.check_skew(i);
        self.check_newest();
    }

    fn check_skew(&mut self, i: usize) {
        let skew = self.clients[i].session.view(self.now).skew_ms;
        if skew.abs() > tokenward::session::clock::MAX_SKEW_MS {
            self.violations.push(format!("instance {i} believes a skew of {skew} ms"));
        }
    }

    /// Whenever nothing is in flight, being checked or being saved, the store holds the provider's newest
    /// refresh token for its session, unless that session is over or an answer carrying the
    /// newest one was lost (then nobody can have it). A JWKS fetch counts as in flight: a
    /// refresh answer whose ID token has a new kid waits for it.
    fn check_newest(&mut self) {
        let settled = self.flights.iter().all(|f| f.done || !matches!(f.kind, Kind::Refresh | Kind::Jwks))
            && !self.queue.values().any(|d| matches!(d.event, Event::Saved { .. } | Event::SignatureChecked { .. }))
            && self.held_signatures.as_ref().is_none_or(Vec::is_empty);
        if !settled {
            return;
        }
        let Some(rt) = self.stored_refresh_token() else { return };
        let Some(sid) = self.provider.sid_of(&rt).map(str::to_owned) else { return };
        if self.lost_rotation.contains(&sid) || !self.provider.session_alive(&sid) {
            return;
        }
        if self.provider.current_refresh_token(&sid) != Some(rt.as_str()) {
            self.violations.push(format!("t={} the store lost the newest refresh token of {sid}", self.now - T0));
        }
    }

    fn next_delivery_at(&self) -> Option<u64> {
        self.queue.keys().next().map(|(t, _)| *t)
    }

    fn next_timer_at(&self) -> Option<u64> {
        self.clients.iter().filter_map(|c| c.session.next_deadline()).min()
    }

    /// Run every delivery and timer due up to `t`, then set the clock to `t`.
    pub fn run_until(&mut self, t: u64) {
        let mut spins = 0u32;
        let mut last_now = self.now;
        loop {
            let next = [self.next_delivery_at(), self.next_timer_at()].into_iter().flatten().min();
            let Some(n) = next.filter(|n| *n <= t) else { break };
            self.now = self.now.max(n);
            if self.now == last_now {
                spins += 1;
                assert!(spins < 10_000, "no progress at t={}: a timer or message loop", self.now - T0);
            } else {
                spins = 0;
                last_now = self.now;
            }
            if self.next_delivery_at().is_some_and(|d| d <= self.now) {
                let key = *self.queue.keys().next().unwrap();
                let d = self.queue.remove(&key).unwrap();
                self.deliver(d);
                continue;
            }
            for i in 0..self.clients.len() {
                if self.clients[i].session.next_deadline().is_some_and(|d| d <= self.now) {
                    self.handle(i, Event::Timer);
                    self.check_skew(i);
                    self.check_newest();
                }
            }
        }
        self.now = self.now.max(t);
    }

    /// Deliver the next message on its way (the clock jumps to it); false when none is.
    pub fn step(&mut self) -> bool {
        let Some(key) = self.queue.keys().next().copied() else { return false };
        let d = self.queue.remove(&key).unwrap();
        self.now = self.now.max(key.0);
        self.deliver(d);
        true
    }

    pub fn run_for(&mut self, ms: u64) {
        self.run_until(self.now + ms);
    }

    /// Run until no message is on its way (timers due before the last one run too).
    pub fn settle(&mut self) {
        for _ in 0..100_000 {
            let Some(t) = self.next_delivery_at() else { return };
            self.run_until(t);
        }
        panic!("the system did not settle");
    }

    /// Jump to the earliest deadline of any instance and deliver it (with what follows).
    pub fn run_next_deadline(&mut self) -> Option<u64> {
        let t = self.next_timer_at()?;
        self.run_until(t.max(self.now));
        self.settle();
        Some(t)
    }

    /// Run deadlines until instance `i` has sent `n` refresh requests in all (at most
    /// `within_ms` more virtual time); the time of the n-th.
    pub fn run_until_refreshes(&mut self, i: usize, n: usize, within_ms: u64) -> Option<u64> {
        let end = self.now + within_ms;
        while self.clients[i].refresh_sends.len() < n {
            let next = [self.next_delivery_at(), self.next_timer_at()].into_iter().flatten().min()?;
            if next > end {
                return None;
            }
            self.run_until(next.max(self.now));
        }
        self.settle();
        self.clients[i].refresh_sends.get(n - 1).copied()
    }

    // ---- logins ----

    /// Event::Login on instance `i`; the authorization URL it navigated to.
    pub fn start_login(&mut self, i: usize) -> String {
        self.start_login_with(i, Default::default())
    }

    pub fn start_login_with(&mut self, i: usize, options: tokenward::oidc::authorize::LoginOptions) -> String {
        let before = self.clients[i].navigations.len();
        self.handle(i, Event::Login { options });
        self.settle();
        let nav = &self.clients[i].navigations;
        assert!(nav.len() > before, "Login navigated nowhere; notices: {:?}", self.clients[i].notices);
        nav.last().unwrap().clone()
    }

    /// The user logs in at the provider: the callback URL it sends the user agent to.
    pub fn authenticate(&mut self, auth_url: &str) -> String {
        self.provider.authenticate(auth_url, self.now, None)
    }

    pub fn callback(&mut self, i: usize, url: String) {
        self.handle(i, Event::Callback { url });
        self.settle();
    }

    /// A whole login on instance `i`: Login, the provider authenticates, Callback, tokens
    /// stored. Returns the callback URL (to replay it).
    pub fn login(&mut self, i: usize) -> String {
        let auth = self.start_login(i);
        let cb = self.authenticate(&auth);
        self.callback(i, cb.clone());
        assert!(self.stored_tokens().is_some(), "login did not store tokens; notices: {:?}", self.clients[i].notices);
        cb
    }

    /// The state the store held at `version` (to replay as a stale broadcast).
    pub fn stored_version(&self, version: u64) -> Option<&State> {
        self.history.iter().rev().find(|s| s.version == version)
    }
}
