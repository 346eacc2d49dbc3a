//! The session machine. One instance per tab, process or request; instances share a store
//! and coordinate through it alone (leases and compare-and-set), so the browser's tabs and a
//! Durable Object's requests run the same code. Locks and broadcasts in a shim only make
//! it cheaper.

use crate::prelude::*;

use alloc::collections::VecDeque;

use super::backoff;
use super::catalogue::{self, Action, Grant};
use super::cause::Cause;
use super::config::{Backchannel, Config, Flow};
use super::io::{map_of, Command, Event, Notice};
use super::mutation::Mutation;
use super::state::{State, Tokens};
use crate::oidc::authorize::{self, PendingLogin};
use crate::oidc::id_token::{IdCheck, IdTokenRules};
use crate::oidc::pkce::{random_string, Random};
use crate::oidc::token::{self, ClientAuth, TokenResponse};
use crate::oidc::{callback, discovery, id_token, logout, HttpRequest, OidcError, OidcErrorKind};
use crate::{Algorithm, KeySet, PendingSignature, Verdict};

/// An access token of unknown lifetime (no `expires_in`, not a JWT) is treated as valid for
/// this many seconds: short, so a wrong guess costs a refresh, never a stale token.
pub const UNKNOWN_LIFETIME: i64 = 60;
/// This instance sends at most one refresh per this many ms (unless the last one failed):
/// a provider issuing tokens shorter-lived than `minValidity` cannot cause a refresh loop.
pub const MIN_REFRESH_INTERVAL_MS: u64 = 2_000;
/// Extra ms a lease outlives its request's timeout.
pub const LEASE_MARGIN_MS: u64 = 5_000;

/// Local time: the wall clock in ms since the epoch and, where the platform has one, a
/// monotonic clock in ms (used only to notice wall-clock jumps).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Now {
    pub wall: u64,
    pub mono: Option<u64>,
}

impl From<u64> for Now {
    fn from(wall: u64) -> Self {
        Self { wall, mono: None }
    }
}

/// Whether an access token can be handed out now.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Access {
    Ready(String),
    /// A refresh (or login exchange) is under way: ask again after the next event.
    Pending,
    Unavailable(Cause),
}

/// What the app may see of the session. Never the refresh token.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct View {
    pub authenticated: bool,
    pub access_token: Option<String>,
    pub id_token: Option<String>,
    /// Server seconds.
    pub expires_at: Option<i64>,
    pub refresh_expires_at: Option<i64>,
    pub offline: bool,
    pub scope: Option<String>,
    pub sid: Option<String>,
    pub ended: Option<Cause>,
    pub idle_deadline: Option<u64>,
    /// Estimated server - local clock, ms.
    pub skew_ms: i64,
    pub version: u64,
    /// The access token's claims, when it is a JWT (an opaque token has none). As the
    /// provider sent them over TLS: the client does not verify access tokens (they are for
    /// resource servers), so these are for display and UI decisions, not authorization.
    pub claims: Option<serde_json::Map<String, serde_json::Value>>,
    /// The ID token's claims (verified when it was received).
    pub id_claims: Option<serde_json::Map<String, serde_json::Value>>,
    /// Keycloak realm roles of the access token (`realm_access.roles`).
    pub realm_roles: Vec<String>,
    /// Keycloak client roles of the access token, by client (`resource_access`).
    pub resource_roles: alloc::collections::BTreeMap<String, Vec<String>>,
}

#[derive(Debug, Clone)]
enum Req {
    Discovery,
    Jwks,
    Code {
        pending: PendingLogin,
    },
    Refresh {
        rt: String,
    },
    ClientCredentials,
    AdminToken {
        sid: String,
    },
    AdminLogout,
    /// `then`: what follows once it answered (an RP-initiated logout after an offline end).
    Backchannel {
        then: Option<Box<Then>>,
    },
    Revoke {
        then: Box<Then>,
    },
}

/// What to do once a mutation is stored.
#[derive(Debug, Clone)]
// One per queued mutation, short-lived: as `Command`, unboxed on purpose.
#[allow(clippy::large_enum_variant)]
enum Then {
    Nothing,
    Navigate(String),
    Command(Command),
    SendCode {
        pending: PendingLogin,
        code: String,
    },
    SendRefresh {
        rt: String,
    },
    Notify(Vec<Notice>),
    /// After a local end: notify, then end the provider session as configured.
    Ended {
        provider: bool,
        revoke: bool,
        rt: Option<String>,
        hint: Option<String>,
        sid: Option<String>,
    },
    ProviderEnd {
        rt: Option<String>,
        hint: Option<String>,
        sid: Option<String>,
    },
}

/// What an ID-token check continues with once its signature is known.
enum AfterCheck {
    Code { resp: TokenResponse, pending: PendingLogin, sent: u64, received: u64 },
    Refresh { rt: String, resp: TokenResponse, nonce: Option<String>, sent: u64, received: u64 },
}

impl AfterCheck {
    fn id_token(&self) -> Option<&str> {
        match self {
            AfterCheck::Code { resp, .. } | AfterCheck::Refresh { resp, .. } => resp.id_token.as_deref(),
        }
    }
}

/// An ID token whose signature is out with the driver (`Command::VerifySignature`).
struct Checking {
    id: u32,
    pending: PendingSignature,
    after: AfterCheck,
    server_now: i64,
}

struct Saving {
    mutation: Mutation,
    then: Then,
    next: State,
}

pub struct Session {
    cfg: Config,
    algorithms: Option<Vec<Algorithm>>,
    auth: ClientAuth,
    owner: String,
    rng: Box<dyn Random>,
    now: u64,
    /// The last state known to be in the store.
    state: State,
    loaded: bool,
    keys: Option<(String, KeySet)>,
    out: VecDeque<Command>,
    next_id: u32,
    inflight: Vec<(u32, Req, u64)>,
    saving: Option<Saving>,
    queue: VecDeque<(Mutation, Then)>,
    deferred: Vec<Event>,
    /// A token answer (a login's or a refresh's) waiting for the JWKS.
    parked: Vec<AfterCheck>,
    jwks_retried: bool,
    /// The stored JWKS failed an ID token: a fresh one is being fetched.
    jwks_stale: bool,
    checking: Option<Checking>,
    want_fresh: bool,
    retry_at: Option<u64>,
    attempts: u32,
    last_error: Option<Cause>,
    last_refresh_sent: Option<u64>,
    activity_deadline: Option<u64>,
    idle_warned: Option<u64>,
    /// Failed writes in a row, and when the next try may go (the store's own errors).
    save_attempts: u32,
    save_retry_at: Option<u64>,
    /// The last load failed (until one succeeds).
    load_failed: bool,
    /// The access token `Notice::Expiring` was told for.
    expiring_told: Option<String>,
    lease_wait: Option<u64>,
    force: bool,
    forced_inflight: bool,
    /// `ui_locales` of the last `logout()`, for the RP-initiated logout.
    ui_locales: Option<String>,
    /// The provider logout under way ends an offline session: its refresh token goes to the
    /// back-channel first, since an RP-initiated logout leaves offline sessions alive.
    offline_ending: bool,
}

fn oidc_cause(e: &OidcError) -> Cause {
    match &e.kind {
        OidcErrorKind::Discovery | OidcErrorKind::IssuerMismatch => Cause::Discovery,
        OidcErrorKind::InvalidResponse | OidcErrorKind::UnsupportedTokenType => Cause::InvalidResponse,
        OidcErrorKind::State => Cause::StateMismatch,
        OidcErrorKind::IssParameter => Cause::IssMismatch,
        OidcErrorKind::IdToken | OidcErrorKind::LogoutToken => Cause::InvalidIdToken,
        OidcErrorKind::InvalidOption => Cause::Configuration,
        OidcErrorKind::Authorization(o) => catalogue::classify(None, o, false).1,
        OidcErrorKind::Grant(o) => catalogue::classify(None, o, false).1,
    }
}

impl Session {
    /// A session for `cfg`. `owner` names this instance in leases (a random id is made when
    /// empty); `rng` is the randomness source (the platform CSPRNG; seeded in tests).
    pub fn new(cfg: Config, mut rng: Box<dyn Random>) -> Result<Self, OidcError> {
        let algorithms = cfg.validate()?;
        let auth = ClientAuth {
            client_id: cfg.client_id.clone(),
            secret: cfg.client_secret.clone(),
            secret_in_body: cfg.client_secret_in_body,
        };
        let mut owner = random_string(rng.as_mut())?;
        owner.truncate(16);
        Ok(Self {
            cfg,
            algorithms,
            auth,
            owner,
            rng,
            now: 0,
            state: State::default(),
            loaded: false,
            keys: None,
            out: VecDeque::new(),
            next_id: 1,
            inflight: Vec::new(),
            saving: None,
            queue: VecDeque::new(),
            deferred: Vec::new(),
            parked: Vec::new(),
            jwks_retried: false,
            jwks_stale: false,
            checking: None,
            want_fresh: false,
            retry_at: None,
            attempts: 0,
            last_error: None,
            last_refresh_sent: None,
            activity_deadline: None,
            idle_warned: None,
            expiring_told: None,
            save_attempts: 0,
            save_retry_at: None,
            load_failed: false,
            lease_wait: None,
            force: false,
            forced_inflight: false,
            ui_locales: None,
            offline_ending: false,
        })
    }

    pub fn config(&self) -> &Config {
        &self.cfg
    }

    /// The next command for the driver, if any.
    pub fn poll(&mut self) -> Option<Command> {
        self.out.pop_front()
    }

    /// The state this instance last saw in the store.
    pub fn state(&self) -> &State {
        &self.state
    }

    /// Local time (ms) at which `Event::Timer` must be delivered, if any.
    pub fn next_deadline(&self) -> Option<u64> {
        let mut d: Vec<u64> = Vec::new();
        // Once the end is under way the passed idle deadline would only be a busy loop.
        if self.state.tokens.is_some() && !self.ending() {
            if let Some(idle) = self.idle_deadline() {
                d.push(idle);
                let warn = idle.saturating_sub(self.cfg.idle_warning * 1000);
                if self.idle_warned != Some(idle) {
                    d.push(warn);
                }
            }
            // While a refresh is under way nothing is told (its end re-checks).
            if let Some(t) = self.state.tokens.as_ref().filter(|t| !self.told_expiring(t) && !self.busy()) {
                d.push(self.state.clock.local_ms(self.due_from(t)));
            }
        }
        d.extend(self.save_retry_at);
        if self.want_fresh {
            d.extend(self.retry_at);
            d.extend(self.lease_wait);
            if let (Some(t), Some(last)) = (&self.state.tokens, self.last_refresh_sent) {
                // The interval's end wakes a due or forced refresh. Once passed it wakes
                // nothing (an answer or a save comes first) and would be a busy loop; after a
                // failure `retry_at` paces instead.
                if (self.due(t) || self.force) && self.attempts == 0 && last + MIN_REFRESH_INTERVAL_MS > self.now {
                    d.push(last + MIN_REFRESH_INTERVAL_MS);
                }
            }
        }
        d.into_iter().min()
    }

    /// Whether an access token can be handed out at `now` (server-clock aware).
    pub fn access(&self, now: u64) -> Access {
        match self.access_at(now) {
            // What is awaited needs a store write that failed and waits for its retry: say
            // so rather than keep the caller waiting on the store.
            Access::Pending if self.save_retry_at.is_some() => Access::Unavailable(Cause::Storage),
            a => a,
        }
    }

    fn access_at(&self, now: u64) -> Access {
        let Some(t) = &self.state.tokens else {
            if self.load_failed && !self.loaded {
                return Access::Unavailable(Cause::Storage);
            }
            if self.cfg.flow == Flow::ClientCredentials && self.busy() {
                return Access::Pending;
            }
            return Access::Unavailable(
                self.last_error.filter(|c| c.is_transient()).or(self.state.ended).unwrap_or(Cause::NoSession),
            );
        };
        // Past the idle deadline the session is over, even before the End is stored (a
        // restored state that slept past it, a timer not yet delivered).
        if self.idle_expired(now) {
            return Access::Unavailable(Cause::IdleExpired);
        }
        // So is a session whose end is decided but not yet stored (a slow or failing store).
        if let Some(cause) = self.ending_cause() {
            return Access::Unavailable(cause);
        }
        let server = self.state.clock.server_secs(now);
        let valid = server < t.expires_at;
        let forced = (self.force || self.forced_inflight) && self.can_refresh(t);
        // A refresh answer being checked (its ID token's signature out with the driver) or
        // being stored: the tokens in hand are about to be replaced, and a caller that forced
        // the refresh must get the new ones.
        let committing = self
            .saving
            .as_ref()
            .is_some_and(|s| matches!(s.mutation, Mutation::Commit { .. } | Mutation::Refused { .. }))
            || self.queue.iter().any(|(m, _)| matches!(m, Mutation::Commit { .. } | Mutation::Refused { .. }))
            || self.checking.as_ref().is_some_and(|c| matches!(c.after, AfterCheck::Refresh { .. }))
            || self.parked.iter().any(|a| matches!(a, AfterCheck::Refresh { .. }));
        if committing || (forced && self.busy()) {
            return Access::Pending;
        }
        if !self.due_at(t, server) && !forced {
            return Access::Ready(t.access_token.clone());
        }
        if self.busy() || (self.want_fresh && self.lease_wait.is_some()) {
            return Access::Pending;
        }
        // A backoff counts until it has passed (its Timer may not have come yet).
        let backing_off = self.retry_at.is_some_and(|r| r > now);
        if valid && (backing_off || !self.can_refresh(t)) {
            return Access::Ready(t.access_token.clone());
        }
        if let Some(c) = self.last_error.filter(|c| c.is_transient()) {
            if backing_off {
                return Access::Unavailable(c);
            }
        }
        if self.can_refresh(t) || self.cfg.flow == Flow::ClientCredentials {
            Access::Pending
        } else if valid {
            Access::Ready(t.access_token.clone())
        } else {
            Access::Unavailable(if t.offline { Cause::OfflineExpired } else { Cause::SessionExpired })
        }
    }

    /// (`_now` keeps the signature of the time-dependent queries; the view itself is not.)
    pub fn view(&self, _now: u64) -> View {
        let t = self.state.tokens.as_ref();
        let at = t.and_then(|t| crate::decode(&t.access_token).ok());
        View {
            // An end decided but not yet stored (a slow or failing store) is an end already.
            authenticated: t.is_some() && !self.ending(),
            access_token: t.map(|t| t.access_token.clone()),
            id_token: t.and_then(|t| t.id_token.clone()),
            expires_at: t.map(|t| t.expires_at),
            refresh_expires_at: t.and_then(|t| t.refresh_expires_at),
            offline: t.is_some_and(|t| t.offline),
            scope: t.and_then(|t| t.scope.clone()),
            sid: self.state.sid.clone(),
            ended: self.state.ended,
            idle_deadline: t.and(self.idle_deadline()),
            skew_ms: self.state.clock.skew(),
            version: self.state.version,
            claims: at.as_ref().map(|t| t.claims().raw().clone()),
            id_claims: t
                .and_then(|t| t.id_token.as_deref())
                .and_then(|j| crate::decode(j).ok())
                .map(|t| t.claims().raw().clone()),
            realm_roles: at
                .as_ref()
                .map(|t| t.claims().realm_roles().into_iter().map(str::to_owned).collect())
                .unwrap_or_default(),
            resource_roles: at
                .as_ref()
                .map(|t| {
                    let by_client = t.claims().resource_roles_by_client().into_iter();
                    map_of(
                        by_client
                            .map(|(client, roles)| (client.to_owned(), roles.into_iter().map(str::to_owned).collect())),
                    )
                })
                .unwrap_or_default(),
        }
    }

    /// Feed one event at local time `now`.
    pub fn handle(&mut self, event: Event, now: impl Into<Now>) {
        let now = now.into();
        self.now = now.wall;
        self.state.clock.tick(now.wall, now.mono);
        match event {
            Event::Start => self.out.push_back(Command::Load),
            Event::Loaded { state } => self.on_loaded(state),
            Event::Saved { ok, current } => self.on_saved(ok, current),
            Event::LoadFailed { message } => self.on_load_failed(&message),
            Event::SaveFailed { message } => self.on_save_failed(&message),
            Event::StoreChanged { state } => self.on_store_changed(state),
            Event::Response { id, status, body, retry_after, sent, received } => {
                self.on_response(id, Some((status, body, retry_after, sent, received)))
            }
            Event::NoResponse { id } => self.on_response(id, None),
            ev @ (Event::Login { .. } | Event::Callback { .. } | Event::Logout { .. }) => self.with_provider(ev),
            Event::EnsureFresh { force } => {
                self.want_fresh = true;
                // A forced refresh that cannot start yet (a save in flight) starts later.
                self.force = self.force || force;
                self.maybe_refresh(false);
            }
            Event::Activity => self.on_activity(),
            Event::BackchannelLogout { sid, sub } => {
                let ours = self.state.tokens.as_ref().is_some_and(|t| {
                    sid.as_ref().is_some_and(|s| self.state.sid.as_ref() == Some(s))
                        || sub.as_ref().is_some_and(|s| t.sub.as_ref() == Some(s))
                });
                if ours {
                    self.end(Cause::BackchannelLogout, false, false);
                }
            }
            Event::SignatureChecked { id, ok, error } => self.on_signature_checked(id, ok, error),
            Event::Timer => {
                self.lease_wait = self.lease_wait.filter(|w| *w > self.now);
                if self.save_retry_at.is_some_and(|r| r <= self.now) {
                    self.pump();
                }
                if self.retry_at.is_some_and(|r| r <= self.now) {
                    self.retry_at = None;
                }
                if self.want_fresh {
                    self.maybe_refresh(false);
                }
            }
        }
        self.check_idle();
        self.check_expiring();
    }

    // ---- store ----

    fn adopt(&mut self, s: State) {
        self.adopt_as(s, false)
    }

    /// `own`: the state is this instance's own write (its `Saved` answer).
    fn adopt_as(&mut self, s: State, own: bool) {
        let had = self.state.tokens.as_ref().map(|t| t.access_token.clone());
        let clock = self.state.clock.clone();
        self.state = s;
        // The skew is this machine's knowledge as much as the store's: keep the better one.
        if self.state.clock.samples < clock.samples {
            self.state.clock = clock;
        }
        let now = self.state.tokens.as_ref().map(|t| t.access_token.clone());
        if had != now {
            match (&had, &now) {
                (_, Some(_)) => {
                    // New tokens answer any forced refresh asked for before them.
                    self.force = false;
                    self.retry_at = None;
                    self.attempts = 0;
                    self.last_error = None;
                    // Tokens that are idle-expired on arrival are not announced: the End follows.
                    if !self.idle_expired(self.now) {
                        self.notify(Notice::Tokens);
                    }
                }
                (Some(_), None) => {
                    let cause = match self.state.ended {
                        Some(c) if own || c != Cause::LoggedOut => c,
                        _ => Cause::LoggedOutElsewhere,
                    };
                    self.notify(Notice::LoggedOut { cause });
                }
                _ => {}
            }
        }
    }

    fn on_loaded(&mut self, state: Option<State>) {
        self.load_failed = false;
        if let Some(s) = state {
            if s.version >= self.state.version {
                self.adopt(s);
            }
        }
        self.loaded = true;
        let now = self.now;
        if let Some(t) = self.state.tokens.clone() {
            let server = self.state.clock.server_secs(now);
            // Past the idle deadline as well: the idle policy ends it in `check_idle`, at the
            // provider too (a session that expired while nobody looked).
            if t.refresh_expires_at.is_some_and(|e| e <= server) && server >= t.expires_at && !self.idle_expired(now) {
                self.end(if t.offline { Cause::OfflineExpired } else { Cause::MaxExpired }, false, false);
            }
        }
        if self.state.tokens.is_none() && self.state.parked.is_some() {
            self.mutate(Mutation::Unpark, Then::Nothing);
        }
        if self.state.metadata.is_none() && !self.inflight.iter().any(|(_, r, _)| matches!(r, Req::Discovery)) {
            self.fetch_discovery();
        }
        self.replay();
    }

    fn on_store_changed(&mut self, state: Option<State>) {
        // Our own write, announced before its Saved answer arrives: nothing new.
        if let (Some(s), Some(sv)) = (&state, &self.saving) {
            if s.version == sv.next.version {
                // (Or a rival write of the same version: the Saved answer reports that one.)
                return;
            }
        }
        match state {
            // A stale write (an older version) is ignored: the machine never goes back.
            Some(s) if s.version > self.state.version => self.adopt(s),
            Some(_) => {}
            None if self.state.tokens.is_some() => self.adopt(self.emptied(self.state.version)),
            None => {}
        }
        self.lease_wait = None;
        if self.want_fresh {
            self.maybe_refresh(false);
        }
    }

    /// What an emptied store means (its entry deleted): a logout elsewhere, if this instance
    /// held a session. `version`: the one to carry on from.
    fn emptied(&self, version: u64) -> State {
        let ended = self.state.tokens.as_ref().map(|_| Cause::LoggedOutElsewhere);
        State { version, ended, ..State::default() }
    }

    fn mutate(&mut self, m: Mutation, then: Then) {
        // A login step behind a store that is failing would wait for its retries: it fails
        // now, and its caller may try again.
        if self.save_retry_at.is_some() && m.is_login_step() {
            return self.error(Cause::Storage, "the session store is failing to write; try again".into());
        }
        self.queue.push_back((m, then));
        self.pump();
    }

    fn pump(&mut self) {
        if self.save_retry_at.is_some_and(|r| r > self.now) {
            return;
        }
        self.save_retry_at = None;
        while self.saving.is_none() {
            let Some((mutation, then)) = self.queue.pop_front() else { return };
            let mut next = self.state.clone();
            if !mutation.apply(&mut next, self.now) {
                self.abandoned(mutation, then);
                continue;
            }
            let expected = self.state.version;
            next.version = expected + 1;
            self.out.push_back(Command::Save { state: next.clone(), expected });
            self.saving = Some(Saving { mutation, then, next });
        }
    }

    /// The store could not be read: the events that waited for it fail (their callers are
    /// told); the next one that needs the store asks for it again.
    fn on_load_failed(&mut self, message: &str) {
        self.load_failed = true;
        self.deferred.clear();
        let why = crate::jose::error::sanitize(message, 200);
        self.error(Cause::Storage, format!("the session store could not be read: {why}"));
    }

    /// The store failed to write (quota, a closed database): nothing changed there. A login
    /// step fails (its caller is told, and may try again); any other change is tried again
    /// after a backoff, a new refresh token in it kept meanwhile. Told once per failing run.
    fn on_save_failed(&mut self, message: &str) {
        let Some(saving) = self.saving.take() else { return };
        let login_step = saving.mutation.is_login_step();
        if !login_step {
            self.queue.push_front((saving.mutation, saving.then));
            self.save_attempts += 1;
            self.save_retry_at = Some(self.now + backoff::delay(self.save_attempts, None, self.rng.as_mut()));
        }
        if login_step || self.save_attempts == 1 {
            let why = crate::jose::error::sanitize(message, 200);
            self.error(Cause::Storage, format!("the session store could not be written: {why}"));
        }
        self.pump();
    }

    fn on_saved(&mut self, ok: bool, current: Option<State>) {
        let Some(saving) = self.saving.take() else { return };
        self.save_attempts = 0;
        if ok {
            // A newer state (another tab's, announced before this answer) stays.
            if saving.next.version > self.state.version {
                self.adopt_as(saving.next, true);
            }
            self.run(saving.then);
        } else {
            // Someone wrote first: take their state and re-apply the change to it.
            // The store's answer is the truth here, even if older. An emptied store is a
            // logout elsewhere (as in `on_store_changed`), which a refresh must not undo.
            let current = current.unwrap_or_else(|| self.emptied(0));
            self.adopt(current);
            self.queue.push_front((saving.mutation, saving.then));
        }
        self.pump();
        if self.saving.is_none() && self.want_fresh {
            self.maybe_refresh(false);
        }
    }

    /// A change that no longer applies to the stored state.
    fn abandoned(&mut self, m: Mutation, then: Then) {
        match (m, then) {
            (Mutation::TakePending(_), _) => {
                self.error(
                    Cause::StateMismatch,
                    "this login's callback was already used (another tab or a replay)".into(),
                );
            }
            // Only an explicit logout: an idle end that another tab already stored has had
            // its provider logout from that tab.
            (Mutation::End { cause: Cause::LoggedOut, .. }, Then::Ended { provider: true, rt, hint, sid, .. }) => {
                // Already ended here (a failed refresh, another tab): the provider session
                // may still be alive, and the ID token hint was kept for exactly this.
                self.run(Then::ProviderEnd { rt, hint, sid });
            }
            // Nothing left to forget (a second logout): the navigation still happens.
            (Mutation::Forget, then) => self.run(then),
            (Mutation::Commit { spent: Some(_), .. }, _)
            | (Mutation::Refused { .. }, _)
            | (Mutation::TakeLease { .. }, _)
                // Someone else's tokens (or their logout) are in the store and adopted.
                if self.want_fresh =>
            {
                self.maybe_refresh(false);
            }
            _ => {}
        }
    }

    fn run(&mut self, then: Then) {
        match then {
            Then::Nothing => {}
            Then::Navigate(url) => self.out.push_back(Command::Navigate { url }),
            Then::Command(c) => self.out.push_back(c),
            Then::SendCode { pending, code } => {
                let Some(m) = self.state.metadata.clone() else { return };
                let req =
                    token::code_request(&m.token_endpoint, &self.auth, &code, &pending.redirect_uri, &pending.verifier);
                self.send(req, Req::Code { pending });
            }
            Then::SendRefresh { rt } => {
                let Some(m) = self.state.metadata.clone() else { return };
                self.last_refresh_sent = Some(self.now);
                let req = token::refresh_request(&m.token_endpoint, &self.auth, &rt);
                self.send(req, Req::Refresh { rt });
            }
            Then::Notify(ns) => ns.into_iter().for_each(|n| self.notify(n)),
            // `LoggedOut` was told when the end was stored (`adopt_as`).
            Then::Ended { provider, revoke, rt, hint, sid } => {
                self.want_fresh = false;
                self.retry_at = None;
                let end = Then::ProviderEnd { rt: rt.clone(), hint, sid };
                let revocation = self.state.metadata.as_ref().and_then(|m| m.revocation_endpoint.clone());
                match (revoke, rt, revocation) {
                    (true, Some(rt), Some(ep)) => {
                        let req = logout::revocation_request(&ep, &self.auth, &rt);
                        let then = if provider { end } else { Then::Nothing };
                        self.send(req, Req::Revoke { then: Box::new(then) });
                    }
                    _ if provider => self.run(end),
                    _ => {}
                }
            }
            Then::ProviderEnd { rt, hint, sid } => self.end_at_provider(rt, hint, sid),
        }
    }

    // ---- provider metadata and keys ----

    fn fetch_discovery(&mut self) {
        let req = HttpRequest::get(discovery::discovery_url(&self.cfg.issuer));
        self.send(req, Req::Discovery);
    }

    fn fetch_jwks(&mut self) {
        if self.inflight.iter().any(|(_, r, _)| matches!(r, Req::Jwks)) {
            return;
        }
        if let Some(m) = &self.state.metadata {
            let req = HttpRequest::get(m.jwks_uri.clone());
            self.send(req, Req::Jwks);
        }
    }

    /// The key set parsed from the stored JWKS (parsed again only when the JWKS changed).
    fn ensure_keys(&mut self) -> bool {
        if self.jwks_stale {
            return false;
        }
        let Some(text) = self.state.jwks.as_ref() else { return false };
        if self.keys.as_ref().is_none_or(|(t, _)| t != text) {
            match KeySet::from_jwks(text) {
                Ok(ks) => self.keys = Some((text.clone(), ks)),
                Err(_) => return false,
            }
        }
        true
    }

    /// Login, callback and logout need the provider's metadata (and the store loaded).
    fn with_provider(&mut self, ev: Event) {
        if !self.loaded || self.state.metadata.is_none() {
            if self.loaded && !self.inflight.iter().any(|(_, r, _)| matches!(r, Req::Discovery)) {
                self.fetch_discovery();
            } else if !self.loaded && !self.out.iter().any(|c| matches!(c, Command::Load)) && self.deferred.is_empty() {
                self.out.push_back(Command::Load);
            }
            self.deferred.push(ev);
            return;
        }
        match ev {
            Event::Login { options } => self.login(options),
            Event::Callback { url } => self.on_callback(url),
            Event::Logout { provider, revoke, ui_locales } => {
                self.ui_locales = ui_locales;
                self.end(Cause::LoggedOut, provider, revoke)
            }
            _ => {}
        }
    }

    fn replay(&mut self) {
        if self.loaded && self.state.metadata.is_some() {
            for ev in core::mem::take(&mut self.deferred) {
                self.with_provider(ev);
            }
        }
    }

    // ---- login ----

    fn login(&mut self, options: authorize::LoginOptions) {
        let Some(m) = self.state.metadata.clone() else { return };
        let Some(redirect) = self.cfg.redirect_uri.clone() else {
            return self.error(Cause::Configuration, "login needs redirectUri".into());
        };
        match authorize::authorization_url(
            &m.authorization_endpoint,
            &self.cfg.client_id,
            &redirect,
            &self.cfg.scope,
            &options,
            self.rng.as_mut(),
            self.now,
        ) {
            Ok((url, pending)) => self.mutate(Mutation::AddPending(pending), Then::Navigate(url)),
            Err(e) => self.error(Cause::Configuration, e.message),
        }
    }

    fn on_callback(&mut self, url: String) {
        let m = self.state.metadata.clone().expect("checked by with_provider");
        let url_state = callback::param(&url, "state");
        let pending = url_state.as_ref().and_then(|s| self.state.pending.iter().find(|p| p.state == *s).cloned());
        match callback::parse(&url, pending.as_ref().map(|p| p.state.as_str()), &m.issuer, m.iss_parameter_supported) {
            Ok(code) => {
                let pending = pending.expect("parse checked the state");
                self.mutate(Mutation::TakePending(pending.state.clone()), Then::SendCode { pending, code: code.code });
            }
            Err(e) => {
                // A used or refused login is forgotten, so the same callback cannot be replayed.
                if let Some(p) = pending {
                    self.mutate(Mutation::TakePending(p.state), Then::Nothing);
                }
                let cause = oidc_cause(&e);
                self.error(cause, e.message);
            }
        }
    }

    fn on_code_response(&mut self, resp: TokenResponse, pending: PendingLogin, sent: u64, received: u64) {
        if !self.ensure_keys() {
            return self.await_keys(AfterCheck::Code { resp, pending, sent, received });
        }
        if resp.id_token.is_none() {
            return self
                .error(Cause::InvalidIdToken, "the token response has no id_token (is openid in the scope?)".into());
        }
        let server_now = self.estimate_after(&resp, sent, received).server_secs(received);
        self.check_id_token(AfterCheck::Code { resp, pending, sent, received }, server_now);
    }

    fn on_code_verified(
        &mut self,
        checked: Result<crate::Token, OidcError>,
        resp: TokenResponse,
        pending: PendingLogin,
        sent: u64,
        received: u64,
    ) {
        match checked {
            Ok(tok) => {
                self.jwks_retried = false;
                let sid = tok.claims().sid().map(str::to_owned).or(resp.session_state.clone());
                let (iss, sub) = (tok.claims().iss().map(str::to_owned), tok.claims().sub().map(str::to_owned));
                self.accept(
                    resp,
                    None,
                    Some(pending.nonce.clone()),
                    iss,
                    sub,
                    sid,
                    sent,
                    received,
                    vec![Notice::LoginComplete { return_to: pending.return_to.clone() }],
                );
            }
            Err(_) if !self.jwks_retried => self.refetch_keys(AfterCheck::Code { resp, pending, sent, received }),
            Err(e) => {
                self.jwks_retried = false;
                self.error(Cause::InvalidIdToken, e.message);
            }
        }
    }

    /// Wait for the JWKS before checking `after`'s ID token. A refresh keeps its lease
    /// meanwhile: its answer holds the only valid refresh token, and another instance that
    /// sent the old one would be a reuse.
    fn await_keys(&mut self, after: AfterCheck) {
        if let AfterCheck::Refresh { rt, .. } = &after {
            let m = Mutation::TakeLease { rt: rt.clone(), owner: self.owner.clone(), ttl_ms: self.lease_ttl() };
            self.mutate(m, Then::Nothing);
        }
        self.parked.push(after);
        self.fetch_jwks();
    }

    /// An ID token failed against the stored JWKS: perhaps a key rotated since it was
    /// fetched, so fetch it once more and check again.
    fn refetch_keys(&mut self, after: AfterCheck) {
        self.jwks_retried = true;
        // Only here: the stored JWKS stays for everyone until a newer one is fetched.
        self.keys = None;
        self.jwks_stale = true;
        self.await_keys(after);
    }

    /// Continue a token answer that waited for the JWKS.
    fn resume(&mut self, after: AfterCheck) {
        match after {
            AfterCheck::Code { resp, pending, sent, received } => self.on_code_response(resp, pending, sent, received),
            AfterCheck::Refresh { rt, resp, sent, received, .. } => self.on_refreshed(rt, resp, sent, received),
        }
    }

    /// How long a lease lasts from when it is written.
    fn lease_ttl(&self) -> u64 {
        self.cfg.request_timeout_ms + LEASE_MARGIN_MS
    }

    /// The ID-token rules for what the check continues with: a login's nonce is required
    /// and `max_age` applies; a refresh keeps the login's nonce, if any (OIDC Core 12.2).
    fn id_rules<'a>(&'a self, after: &'a AfterCheck) -> IdTokenRules<'a> {
        let (resp, nonce, nonce_required, max_age) = match after {
            AfterCheck::Code { resp, pending, .. } => (resp, Some(pending.nonce.as_str()), true, pending.max_age),
            AfterCheck::Refresh { resp, nonce, .. } => (resp, nonce.as_deref(), false, None),
        };
        IdTokenRules {
            issuer: &self.cfg.issuer,
            client_id: &self.cfg.client_id,
            nonce,
            nonce_required,
            max_age,
            access_token: Some(&resp.access_token),
            algorithms: self.algorithms.as_deref(),
            clock_tolerance: self.cfg.clock_tolerance,
        }
    }

    /// Check the ID token of `after`'s response (the keys are loaded): everything before the
    /// signature here, the signature here or by the driver, then `finish_id_check`.
    fn check_id_token(&mut self, after: AfterCheck, server_now: i64) {
        let Some((_, keys)) = self.keys.as_ref() else {
            let e = OidcError::new(OidcErrorKind::IdToken, "no JWKS to verify the ID token");
            return self.id_checked(Err(e), after);
        };
        let rules = self.id_rules(&after);
        let started = id_token::start(after.id_token().unwrap_or_default(), keys, &rules, server_now);
        let pending = match started {
            Ok(IdCheck::Signature(p)) => p,
            Ok(IdCheck::Done(t)) => return self.id_checked(Ok(t), after),
            Err(e) => return self.id_checked(Err(e), after),
        };
        #[cfg(feature = "signature")]
        if !self.cfg.external_signatures {
            let verdict = pending.verify_here(keys);
            let checked = id_token::finish(pending, &verdict, keys, &rules, server_now);
            return self.id_checked(checked, after);
        }
        let Some((import, verify)) = crate::jose::subtle::params(pending.alg()) else {
            let e = OidcError::new(
                OidcErrorKind::IdToken,
                format!("{} ID tokens cannot be checked by the runtime's WebCrypto", pending.alg()),
            );
            return self.id_checked(Err(e), after);
        };
        let jwks = pending
            .candidates()
            .iter()
            .filter_map(|&i| keys.keys().get(i)?.public_jwk())
            .map(|members| map_of(members.into_iter().map(|(k, v)| (k.to_owned(), v))))
            .collect();
        let data = String::from_utf8_lossy(pending.message()).into_owned();
        let signature = pending.signature().to_vec();
        let id = self.take_id();
        self.out.push_back(Command::VerifySignature { id, keys: jwks, import, verify, data, signature });
        self.checking = Some(Checking { id, pending, after, server_now });
    }

    fn on_signature_checked(&mut self, id: u32, ok: bool, error: Option<String>) {
        // An answer to no check under way (a stale id) is ignored.
        let Some(Checking { pending, after, server_now, .. }) = self.checking.take_if(|c| c.id == id) else { return };
        let checked = match (&self.keys, error) {
            (_, Some(why)) => Err(OidcError::new(
                OidcErrorKind::IdToken,
                format!("the ID token's signature could not be checked: {why}"),
            )),
            (Some((_, keys)), None) => {
                // The driver checked with the one key the core chose (the command's keys are
                // the candidates, and a token several keys could verify is refused earlier).
                let verdict = match pending.candidates() {
                    [key] if ok => Verdict::dangerous_trust_outside_verifier(&pending, *key),
                    _ => Verdict::invalid(),
                };
                id_token::finish(pending, &verdict, keys, &self.id_rules(&after), server_now)
            }
            (None, None) => {
                Err(OidcError::new(OidcErrorKind::IdToken, "the JWKS changed while the ID token was checked"))
            }
        };
        self.id_checked(checked, after);
    }

    fn id_checked(&mut self, checked: Result<crate::Token, OidcError>, after: AfterCheck) {
        match after {
            AfterCheck::Code { resp, pending, sent, received } => {
                self.on_code_verified(checked, resp, pending, sent, received)
            }
            AfterCheck::Refresh { rt, resp, sent, received, .. } => {
                self.on_refresh_verified(checked, rt, resp, sent, received)
            }
        }
    }

    fn estimate_after(&self, resp: &TokenResponse, sent: u64, received: u64) -> super::clock::ServerClock {
        let mut clock = self.state.clock.clone();
        let iat = crate::decode(&resp.access_token)
            .ok()
            .and_then(|t| t.claims().iat())
            .or_else(|| resp.id_token.as_deref().and_then(|i| crate::decode(i).ok()).and_then(|t| t.claims().iat()));
        if let Some(iat) = iat {
            clock.observe(iat, sent, received);
        }
        clock
    }

    /// Turn a token response into stored tokens: the step that accepts a response is the
    /// step that replaces the refresh token.
    #[allow(clippy::too_many_arguments)]
    fn accept(
        &mut self,
        resp: TokenResponse,
        spent: Option<String>,
        nonce: Option<String>,
        iss: Option<String>,
        sub: Option<String>,
        sid: Option<String>,
        sent: u64,
        received: u64,
        notices: Vec<Notice>,
    ) {
        let clock = self.estimate_after(&resp, sent, received);
        let server = clock.server_secs(received);
        let at = crate::decode(&resp.access_token).ok();
        let at_iat = at.as_ref().and_then(|t| t.claims().iat());
        let not_before = resp.not_before_policy.max(self.state.not_before);
        if not_before > 0 && at_iat.is_some_and(|iat| iat < not_before) {
            if let Some(rt) = spent {
                return self.mutate(Mutation::Refused { rt, cause: Cause::Revoked }, Then::Notify(vec![]));
            }
            return self
                .error(Cause::Revoked, "the access token was issued before the provider's not-before policy".into());
        }
        let expires_at = at
            .as_ref()
            .and_then(|t| t.claims().exp())
            .or(resp.expires_in.map(|e| server + e as i64))
            .unwrap_or(server + UNKNOWN_LIFETIME);
        let prev = self.state.tokens.clone();
        let refresh_token = resp.refresh_token.clone().or_else(|| spent.clone());
        let (rt_exp, rt_typ) = refresh_token.as_deref().map_or((None, None), token::peek_refresh_token);
        let offline = rt_typ.as_deref() == Some("Offline")
            || (resp.refresh_expires_in == Some(0)
                && resp.scope.as_deref().is_some_and(|s| s.split(' ').any(|x| x == "offline_access")))
            || (resp.refresh_token.is_none() && prev.as_ref().is_some_and(|p| p.offline));
        let refresh_expires_at = match resp.refresh_expires_in {
            Some(0) => None,
            Some(n) => Some(server + n as i64),
            None if resp.refresh_token.is_none() => prev.as_ref().and_then(|p| p.refresh_expires_at),
            None => rt_exp,
        };
        let tokens = Tokens {
            access_token: resp.access_token.clone(),
            expires_at,
            issued_at: at_iat.unwrap_or(server),
            refresh_token,
            refresh_expires_at: if refresh_expires_at.is_some() || resp.refresh_token.is_some() {
                refresh_expires_at
            } else {
                None
            },
            offline,
            id_token: resp.id_token.clone().or_else(|| prev.as_ref().and_then(|p| p.id_token.clone())),
            scope: resp.scope.clone().or_else(|| prev.as_ref().and_then(|p| p.scope.clone())),
            iss: iss.or_else(|| prev.as_ref().and_then(|p| p.iss.clone())),
            sub: sub.or_else(|| prev.as_ref().and_then(|p| p.sub.clone())),
            nonce: nonce.or_else(|| prev.as_ref().and_then(|p| p.nonce.clone())),
        };
        let idle_deadline = self.cfg.idle_timeout.filter(|_| spent.is_none()).map(|t| self.now + t * 1000);
        let m = Mutation::Commit {
            tokens: Box::new(tokens),
            spent,
            id_token: resp.id_token.clone(),
            sid,
            clock,
            not_before,
            idle_deadline,
            owner: self.owner.clone(),
        };
        self.retry_at = None;
        self.attempts = 0;
        self.last_error = None;
        // `Notice::Tokens` comes from `adopt` once the new tokens are stored.
        self.mutate(m, Then::Notify(notices));
    }

    // ---- rotation ----

    fn busy(&self) -> bool {
        self.checking.is_some()
            || !self.parked.is_empty()
            || self
                .inflight
                .iter()
                .any(|(_, r, _)| matches!(r, Req::Refresh { .. } | Req::Code { .. } | Req::ClientCredentials))
            || self.saving.as_ref().is_some_and(|s| {
                matches!(s.mutation, Mutation::TakeLease { .. } | Mutation::Commit { .. } | Mutation::Refused { .. })
            })
            || self.queue.iter().any(|(m, _)| {
                matches!(m, Mutation::TakeLease { .. } | Mutation::Commit { .. } | Mutation::Refused { .. })
            })
    }

    fn can_refresh(&self, t: &Tokens) -> bool {
        t.refresh_token.as_deref().is_some_and(|rt| !self.state.is_spent(rt))
    }

    /// Server seconds from which `t` is due for refresh.
    fn due_from(&self, t: &Tokens) -> i64 {
        let lifetime = (t.expires_at - t.issued_at).max(0);
        // Never refresh earlier than minValidity allows; for tokens shorter-lived than twice
        // minValidity, at half their life (else every call would refresh).
        let margin = (self.cfg.min_validity as i64).min(lifetime / 2);
        t.expires_at - margin
    }

    fn due_at(&self, t: &Tokens, server: i64) -> bool {
        server >= self.due_from(t)
    }

    fn told_expiring(&self, t: &Tokens) -> bool {
        self.expiring_told.as_deref() == Some(t.access_token.as_str())
    }

    /// Tell the app once when its access token is due and nobody refreshes it (an app that
    /// asks only now and then, or whose refresh token is gone).
    fn check_expiring(&mut self) {
        let Some(t) = self.state.tokens.as_ref() else { return };
        if self.ending() || self.busy() || self.told_expiring(t) {
            return;
        }
        let server = self.state.clock.server_secs(self.now);
        if self.due_at(t, server) {
            let (expires_at, remaining) = (t.expires_at, (t.expires_at - server).max(0) as u64);
            self.expiring_told = Some(t.access_token.clone());
            self.notify(Notice::Expiring { expires_at, remaining });
        }
    }

    fn due(&self, t: &Tokens) -> bool {
        self.due_at(t, self.state.clock.server_secs(self.now))
    }

    fn maybe_refresh(&mut self, force: bool) {
        let force = force || self.force;
        if self.busy() || self.saving.is_some() || self.retry_at.is_some_and(|r| r > self.now) {
            return;
        }
        if self.cfg.flow == Flow::ClientCredentials {
            if self.state.tokens.as_ref().is_none_or(|t| force || self.due(t)) {
                if let Some(m) = self.state.metadata.clone() {
                    self.force = false;
                    let req = token::client_credentials_request(
                        &m.token_endpoint,
                        &self.auth,
                        Some(&self.cfg.scope).filter(|s| *s != "openid").map(|s| s.as_str()),
                    );
                    self.send(req, Req::ClientCredentials);
                } else if !self.inflight.iter().any(|(_, r, _)| matches!(r, Req::Discovery)) {
                    self.fetch_discovery();
                }
            } else {
                self.want_fresh = false;
            }
            return;
        }
        let Some(t) = self.state.tokens.clone() else {
            self.want_fresh = false;
            return;
        };
        if !force && !self.due(&t) {
            self.want_fresh = false;
            return;
        }
        let Some(rt) = t.refresh_token.clone().filter(|rt| !self.state.is_spent(rt)) else { return };
        let server = self.state.clock.server_secs(self.now);
        if t.refresh_expires_at.is_some_and(|e| e <= server) {
            return self.end(if t.offline { Cause::OfflineExpired } else { Cause::MaxExpired }, false, false);
        }
        // The interval bounds refreshes that succeed; a failed one is paced by the backoff.
        if self.attempts == 0 && self.last_refresh_sent.is_some_and(|l| self.now < l + MIN_REFRESH_INTERVAL_MS) {
            return;
        }
        if let Some(l) = &self.state.lease {
            if l.owner != self.owner && l.until > self.now {
                // Someone else is refreshing: wait for their tokens (StoreChanged) or the
                // lease to run out.
                self.lease_wait = Some(l.until);
                return;
            }
        }
        if self.state.metadata.is_none() {
            if !self.inflight.iter().any(|(_, r, _)| matches!(r, Req::Discovery)) {
                self.fetch_discovery();
            }
            return;
        }
        self.forced_inflight = force;
        self.force = false;
        let ttl_ms = self.lease_ttl();
        self.mutate(
            Mutation::TakeLease { rt: rt.clone(), owner: self.owner.clone(), ttl_ms },
            Then::SendRefresh { rt },
        );
    }

    fn transient(&mut self, cause: Cause, retry_after: Option<u64>, rt: Option<String>) {
        self.attempts += 1;
        self.last_error = Some(cause);
        self.retry_at = Some(self.now + backoff::delay(self.attempts, retry_after, self.rng.as_mut()));
        self.notify(Notice::Error { cause, message: format!("transient failure ({cause}); retrying") });
        if rt.is_some() {
            self.mutate(Mutation::Release { owner: self.owner.clone() }, Then::Nothing);
        }
    }

    fn on_refresh_answer(&mut self, rt: String, answer: Option<(u16, String, Option<u64>, u64, u64)>) {
        self.forced_inflight = false;
        if self.state.tokens.is_none() {
            // The session ended while the refresh was under way (a logout): its answer is
            // moot, and the ended state must not be revived.
            return;
        }
        let Some((status, body, retry_after, sent, received)) = answer else {
            // No answer: the provider may never have seen the token, so it stays usable.
            return self.transient(Cause::Network, None, Some(rt));
        };
        match token::parse_response(status, &body) {
            Ok(resp) => self.on_refreshed(rt, resp, sent, received),
            Err(OidcError { kind: OidcErrorKind::Grant(e), .. }) => {
                let offline = self.state.tokens.as_ref().is_some_and(|t| t.offline);
                match catalogue::classify(Some(Grant::Refresh), &e, offline) {
                    (Action::Retry, cause) => self.transient(cause, retry_after, Some(rt)),
                    (_, cause) => {
                        // The provider's verdict on this token: it is never sent again. A
                        // reuse verdict first looks for a newer token in the store (the
                        // compare-and-set of `Refused` does exactly that).
                        let msg = format!(
                            "refresh refused: {}{}",
                            e.error,
                            e.description.map(|d| format!(" ({d})")).unwrap_or_default()
                        );
                        self.mutate(
                            Mutation::Refused { rt, cause },
                            Then::Notify(vec![Notice::Error { cause, message: msg }]),
                        );
                    }
                }
            }
            Err(_) if (200..300).contains(&status) => {
                // A 2xx that is no token response: not a verdict on the token.
                self.transient(Cause::InvalidResponse, None, Some(rt));
            }
            Err(_) => {
                let (_, cause) = catalogue::classify_status(status);
                self.transient(cause, retry_after, Some(rt));
            }
        }
    }

    fn on_refreshed(&mut self, rt: String, resp: TokenResponse, sent: u64, received: u64) {
        if resp.id_token.is_none() {
            return self.refresh_accepted(rt, resp, None, None, sent, received);
        }
        let server_now = self.estimate_after(&resp, sent, received).server_secs(received);
        let nonce = self.state.tokens.as_ref().and_then(|p| p.nonce.clone());
        let after = AfterCheck::Refresh { rt, resp, nonce, sent, received };
        if !self.ensure_keys() {
            return self.await_keys(after);
        }
        self.check_id_token(after, server_now);
    }

    fn on_refresh_verified(
        &mut self,
        checked: Result<crate::Token, OidcError>,
        rt: String,
        resp: TokenResponse,
        sent: u64,
        received: u64,
    ) {
        if self.state.tokens.is_none() {
            // The session ended while the ID token was checked: the answer is moot.
            return;
        }
        if checked.is_err() && !self.jwks_retried {
            let after = AfterCheck::Refresh { rt, resp, nonce: None, sent, received };
            return self.refetch_keys(after);
        }
        self.jwks_retried = false;
        let prev = self.state.tokens.as_ref();
        let checked =
            checked.and_then(|t| match (prev.and_then(|p| p.iss.as_deref()), prev.and_then(|p| p.sub.as_deref())) {
                (Some(i), Some(s)) => id_token::same_identity(&t, i, s).map(|_| t),
                // Nothing to compare with (a stored state edited, or from elsewhere): the
                // check is not skipped, the refreshed identity is refused.
                _ => Err(OidcError::new(
                    OidcErrorKind::IdToken,
                    "the session holds no iss and sub to compare the refreshed ID token with",
                )),
            });
        match checked {
            Ok(t) => {
                let (iss, sub) = (t.claims().iss().map(str::to_owned), t.claims().sub().map(str::to_owned));
                self.refresh_accepted(rt, resp, iss, sub, sent, received);
            }
            Err(e) => {
                // A refreshed ID token for someone else ends the session: the refresh
                // token it came with is not trusted either.
                self.mutate(
                    Mutation::Refused { rt, cause: Cause::InvalidIdToken },
                    Then::Notify(vec![Notice::Error { cause: Cause::InvalidIdToken, message: e.message }]),
                );
            }
        }
    }

    fn refresh_accepted(
        &mut self,
        rt: String,
        resp: TokenResponse,
        iss: Option<String>,
        sub: Option<String>,
        sent: u64,
        received: u64,
    ) {
        let sid = resp.session_state.clone().or_else(|| self.state.sid.clone());
        self.accept(resp, Some(rt), None, iss, sub, sid, sent, received, vec![Notice::Refreshed]);
    }

    fn on_client_credentials(&mut self, answer: Option<(u16, String, Option<u64>, u64, u64)>) {
        let Some((status, body, retry_after, sent, received)) = answer else {
            return self.transient(Cause::Network, None, None);
        };
        match token::parse_response(status, &body) {
            Ok(resp) => self.accept(resp, None, None, None, None, None, sent, received, vec![Notice::Refreshed]),
            Err(OidcError { kind: OidcErrorKind::Grant(e), message }) => {
                match catalogue::classify(Some(Grant::ClientCredentials), &e, false) {
                    (Action::Retry, cause) => self.transient(cause, retry_after, None),
                    (_, cause) => {
                        self.want_fresh = false;
                        self.last_error = Some(cause);
                        self.error(cause, message);
                    }
                }
            }
            Err(e) => {
                let (action, cause) = catalogue::classify_status(status);
                if action == Action::Retry {
                    self.transient(cause, retry_after, None);
                } else {
                    self.want_fresh = false;
                    self.error(cause, e.message);
                }
            }
        }
    }

    // ---- responses ----

    fn take_id(&mut self) -> u32 {
        let id = self.next_id;
        self.next_id = self.next_id.wrapping_add(1).max(1);
        id
    }

    fn send(&mut self, request: HttpRequest, req: Req) {
        let id = self.take_id();
        self.inflight.push((id, req, self.now));
        self.out.push_back(Command::Send { id, request, timeout_ms: self.cfg.request_timeout_ms });
    }

    fn on_response(&mut self, id: u32, answer: Option<(u16, String, Option<u64>, u64, u64)>) {
        let Some(pos) = self.inflight.iter().position(|(i, _, _)| *i == id) else { return };
        let (_, req, _) = self.inflight.remove(pos);
        match req {
            Req::Discovery => match answer {
                Some((200..=299, body, ..)) => match discovery::parse(&body, &self.cfg.issuer) {
                    Ok(m) => {
                        self.state.metadata = Some(m.clone());
                        self.mutate(Mutation::Provider { metadata: Some(m), jwks: None }, Then::Nothing);
                        self.replay();
                        if self.want_fresh {
                            self.maybe_refresh(false);
                        }
                    }
                    Err(e) => self.error(Cause::Discovery, e.message),
                },
                Some((status, ..)) => {
                    self.error(Cause::Discovery, format!("the discovery document answered HTTP {status}"))
                }
                None => self.error(Cause::Network, "the discovery document could not be fetched".into()),
            },
            Req::Jwks => match answer {
                Some((200..=299, body, ..)) if KeySet::from_jwks(&body).is_ok() => {
                    self.state.jwks = Some(body.clone());
                    self.mutate(Mutation::Provider { metadata: None, jwks: Some(body) }, Then::Nothing);
                    self.jwks_stale = false;
                    for after in core::mem::take(&mut self.parked) {
                        self.resume(after);
                    }
                }
                other => {
                    self.jwks_retried = false;
                    self.jwks_stale = false;
                    let cause = if other.is_none() { Cause::Network } else { Cause::Discovery };
                    let message = "the provider's JWKS could not be fetched or parsed";
                    if self.parked.is_empty() {
                        self.error(cause, message.into());
                    }
                    for after in core::mem::take(&mut self.parked) {
                        match after {
                            // The provider has rotated the refresh token, and its answer cannot
                            // be checked: the session ends (fail closed) rather than trust it.
                            AfterCheck::Refresh { rt, .. } => self.mutate(
                                Mutation::Refused { rt, cause: Cause::InvalidIdToken },
                                Then::Notify(vec![Notice::Error { cause, message: message.into() }]),
                            ),
                            AfterCheck::Code { .. } => self.error(cause, message.into()),
                        }
                    }
                }
            },
            Req::Code { pending } => match answer {
                None => self.error(Cause::Network, "the code exchange got no answer; log in again".into()),
                Some((status, body, _, sent, received)) => match token::parse_response(status, &body) {
                    Ok(resp) => self.on_code_response(resp, pending, sent, received),
                    Err(e) => {
                        let cause = match &e.kind {
                            OidcErrorKind::Grant(o) => catalogue::classify(Some(Grant::Code), o, false).1,
                            _ if status >= 500 => Cause::ServerError,
                            _ => oidc_cause(&e),
                        };
                        self.error(cause, e.message);
                    }
                },
            },
            Req::Refresh { rt } => self.on_refresh_answer(rt, answer),
            Req::ClientCredentials => self.on_client_credentials(answer),
            Req::AdminToken { sid } => match answer.map(|(s, b, ..)| token::parse_response(s, &b)) {
                Some(Ok(resp)) => match logout::admin_logout_request(&self.cfg.issuer, &sid, &resp.access_token) {
                    Ok(req) => self.send(req, Req::AdminLogout),
                    Err(e) => self.error(Cause::Configuration, e.message),
                },
                Some(Err(e)) => {
                    self.error(Cause::InvalidClient, format!("the admin service account got no token: {}", e.message))
                }
                None => self.error(Cause::Network, "the admin service account's token request got no answer".into()),
            },
            Req::Backchannel { then: Some(then) } => {
                if !matches!(answer, Some((200..=299 | 404, ..))) {
                    self.error(
                        answer.map_or(Cause::Network, |(s, ..)| catalogue::classify_status(s).1),
                        "the offline session could not be ended at the provider".into(),
                    );
                }
                self.mutate(Mutation::Forget, *then);
            }
            Req::AdminLogout | Req::Backchannel { then: None } => match answer {
                // 404: the session is already gone, which is what we wanted.
                Some((200..=299 | 404, ..)) => self.mutate(Mutation::Forget, Then::Nothing),
                Some((status, body, ..)) => {
                    let cause = token::parse_error(status, &body).map_or_else(
                        || catalogue::classify_status(status).1,
                        |e| catalogue::classify(None, &e, false).1,
                    );
                    self.error(cause, format!("the provider session could not be ended (HTTP {status})"));
                }
                None => self.error(Cause::Network, "the provider session could not be ended: no answer".into()),
            },
            Req::Revoke { then } => {
                if !matches!(answer, Some((200..=299, ..))) {
                    self.error(
                        answer.map_or(Cause::Network, |(s, ..)| catalogue::classify_status(s).1),
                        "revoking the refresh token failed".into(),
                    );
                }
                self.run(*then);
            }
        }
    }

    // ---- idle and logout ----

    fn idle_deadline(&self) -> Option<u64> {
        self.cfg.idle_timeout?;
        match (self.state.idle_deadline, self.activity_deadline) {
            (Some(a), Some(b)) => Some(a.max(b)),
            (a, b) => a.or(b),
        }
    }

    /// An `End` is queued or being saved.
    fn ending(&self) -> bool {
        self.ending_cause().is_some()
    }

    /// The cause of an end that is queued or being stored.
    fn ending_cause(&self) -> Option<Cause> {
        self.saving.iter().map(|s| &s.mutation).chain(self.queue.iter().map(|(m, _)| m)).find_map(|m| match m {
            Mutation::End { cause, .. } => Some(*cause),
            _ => None,
        })
    }

    fn idle_expired(&self, now: u64) -> bool {
        self.state.tokens.is_some() && self.idle_deadline().is_some_and(|d| now >= d)
    }

    fn on_activity(&mut self) {
        let Some(timeout) = self.cfg.idle_timeout else { return };
        if self.state.tokens.is_none() {
            return;
        }
        let deadline = self.now + timeout * 1000;
        self.activity_deadline = Some(deadline);
        // Write through only when the stored deadline is noticeably behind: activity is
        // frequent, store writes are not free.
        // (A tenth of the timeout, at least 5 s, never more than half of it, so the stored
        // deadline other tabs see is always ahead of now while anyone is active.)
        let step = (timeout * 100).max(5_000).min(timeout * 500);
        if self.state.idle_deadline.is_none_or(|d| deadline > d + step) {
            self.mutate(Mutation::Idle { deadline }, Then::Nothing);
        }
    }

    fn check_idle(&mut self) {
        if self.state.tokens.is_none() {
            return;
        }
        let Some(deadline) = self.idle_deadline() else { return };
        if self.now >= deadline {
            if !self.ending() {
                self.end(Cause::IdleExpired, true, false);
            }
        } else if self.now + self.cfg.idle_warning * 1000 >= deadline && self.idle_warned != Some(deadline) {
            self.idle_warned = Some(deadline);
            self.notify(Notice::IdleWarning { remaining: (deadline - self.now).div_ceil(1000) });
        }
    }

    /// End the session here, then (if asked) at the provider.
    fn end(&mut self, cause: Cause, provider: bool, revoke: bool) {
        // A set-aside offline session counts too: a provider logout must end it.
        let current = self.state.tokens.as_ref().or(self.state.parked.as_ref());
        let rt = current.and_then(|t| t.refresh_token.clone());
        let offline = current.is_some_and(|t| t.offline);
        let hint = self.state.id_token_hint.clone();
        let sid = self.state.sid.clone();
        self.activity_deadline = None;
        self.want_fresh = false;
        self.force = false;
        self.offline_ending = provider && offline;
        if self.state.tokens.is_none() && !provider {
            return;
        }
        // Only the app's own local logout keeps an offline session: expiry, idle and
        // back-channel ends are ends.
        let keep_offline = !provider && cause == Cause::LoggedOut;
        self.mutate(Mutation::End { cause, keep_offline }, Then::Ended { provider, revoke, rt, hint, sid });
    }

    fn end_at_provider(&mut self, rt: Option<String>, hint: Option<String>, sid: Option<String>) {
        let Some(m) = self.state.metadata.clone() else {
            return self.error(Cause::Configuration, "no provider metadata to end the provider session".into());
        };
        if self.cfg.user_agent {
            let Some(ep) = m.end_session_endpoint.clone() else {
                return self.error(Cause::Configuration, "the provider has no end_session_endpoint".into());
            };
            // `state` is optional here (it only pairs the return with this logout): without
            // randomness the provider session is still ended, without one.
            let st = random_string(self.rng.as_mut()).ok();
            let es = logout::EndSession::new(
                &ep,
                &self.cfg.client_id,
                hint.as_deref(),
                self.cfg.post_logout_redirect_uri.as_deref(),
                st.as_deref(),
                self.ui_locales.as_deref(),
            );
            let go = if self.cfg.logout_as_form {
                Command::SubmitForm { url: es.endpoint.clone(), fields: es.fields }
            } else {
                Command::Navigate { url: es.url() }
            };
            // An offline session survives an RP-initiated logout (Keycloak): end it by the
            // back-channel first, then navigate.
            if core::mem::take(&mut self.offline_ending) {
                if let Some(rt) = rt.as_deref() {
                    let req = logout::backchannel_request(&ep, &self.auth, rt);
                    return self.send(req, Req::Backchannel { then: Some(Box::new(Then::Command(go))) });
                }
            }
            // The hint (a whole ID token, with the user's claims) has done its job once the
            // provider logout is under way: it is not kept in the store past it.
            return self.mutate(Mutation::Forget, Then::Command(go));
        }
        match self.cfg.backchannel {
            Backchannel::Admin => {
                let Some(sid) = sid else {
                    return self
                        .error(Cause::Configuration, "no session id (sid) known for the admin-API logout".into());
                };
                let admin = ClientAuth {
                    client_id: self.cfg.admin_client_id.clone().unwrap_or_default(),
                    secret: self.cfg.admin_client_secret.clone(),
                    secret_in_body: self.cfg.client_secret_in_body,
                };
                let req = token::client_credentials_request(&m.token_endpoint, &admin, None);
                self.send(req, Req::AdminToken { sid });
            }
            Backchannel::RefreshToken => {
                let (Some(ep), Some(rt)) = (m.end_session_endpoint.clone(), rt) else {
                    return self.error(
                        Cause::Configuration,
                        "no end_session_endpoint or refresh token for the back-channel logout".into(),
                    );
                };
                self.offline_ending = false;
                let req = logout::backchannel_request(&ep, &self.auth, &rt);
                self.send(req, Req::Backchannel { then: None });
            }
        }
    }

    /// What a login in progress needs to survive the navigation to the provider and back
    /// when the store does not (memory storage: the tab keeps it in sessionStorage): the
    /// pending logins and the provider's metadata, keys and clock. Never a token, the ID
    /// token hint or a set-aside offline session. `None` when no login is in progress.
    pub fn login_carry(&self) -> Option<State> {
        let s = &self.state;
        (!s.pending.is_empty()).then(|| State {
            version: s.version,
            metadata: s.metadata.clone(),
            jwks: s.jwks.clone(),
            // The newest: the login this navigation is for (other tabs' stay where they are).
            pending: s.pending.last().cloned().into_iter().collect(),
            clock: s.clock.clone(),
            ..State::default()
        })
    }

    /// The RP-initiated logout URL for this session right now (for a page that wants to
    /// render a link): `client_id`, `id_token_hint` whenever one was ever received.
    pub fn end_session_url(&self) -> Option<String> {
        let ep = self.state.metadata.as_ref()?.end_session_endpoint.as_deref()?;
        let es = logout::EndSession::new(
            ep,
            &self.cfg.client_id,
            self.state.id_token_hint.as_deref(),
            self.cfg.post_logout_redirect_uri.as_deref(),
            None,
            None,
        );
        Some(es.url())
    }

    // ---- notices ----

    fn notify(&mut self, notice: Notice) {
        self.out.push_back(Command::Notify { notice });
    }

    fn error(&mut self, cause: Cause, message: String) {
        self.notify(Notice::Error { cause, message });
    }
}
