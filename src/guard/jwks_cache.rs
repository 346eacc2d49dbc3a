//! When a guard fetches its key set: a per-isolate JWKS cache as a sans-IO machine. The shim
//! asks `lookup` before each verification and reports each fetch's answer; every decision
//! (fresh or stale, refetch for an unknown `kid`, cooldown, how long stale keys may serve)
//! is made here.
//!
//! - Freshness from the response's `Cache-Control: max-age`, bounded to
//!   [`min_max_age`, `max_max_age`]; `no-store`, `no-cache` or an unusable value count as the
//!   minimum, no header as `default_max_age`.
//! - Past freshness the cached keys keep verifying while one background fetch replaces them
//!   (stale-while-revalidate); if the endpoint fails they keep working until `stale_limit`
//!   seconds past freshness, then requests get 503 until a fetch succeeds.
//! - A token whose `kid` no cached key answers to triggers a fetch, at most one per
//!   `cooldown` window: a flood of random kids costs one fetch per window. A failed fetch also
//!   waits a cooldown before the next try.
//! - One fetch at a time: concurrent requests wait for it (`Lookup::Wait`); a fetch not
//!   answered within `fetch_timeout` counts as failed, so a lost request never blocks others.
//! - A key removed from the JWKS stops verifying as soon as the new set is fetched.

use crate::prelude::*;

use alloc::sync::Arc;

use crate::jose::error::{Error, ErrorKind, Result};
use crate::jose::keyset::KeySet;

/// The cache's bounds, in seconds. Every default is the one documented in the README.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CachePolicy {
    /// Freshness of a response without `Cache-Control: max-age`. Default 600 (10 minutes,
    /// as jose's `createRemoteJWKSet`).
    pub default_max_age: u64,
    /// A smaller `max-age` (or `no-store` / `no-cache`) counts as this. Default 60.
    pub min_max_age: u64,
    /// A larger `max-age` counts as this. Default 86400 (a day).
    pub max_max_age: u64,
    /// At most one fetch for unknown kids, and no retry after a failure, per this window.
    /// Default 30.
    pub cooldown: u64,
    /// How long past freshness cached keys keep verifying while fetches fail. Default 3600.
    pub stale_limit: u64,
    /// A fetch not answered in this time counts as failed (the shim aborts it). Default 10.
    pub fetch_timeout: u64,
}

impl Default for CachePolicy {
    fn default() -> Self {
        Self {
            default_max_age: 600,
            min_max_age: 60,
            max_max_age: 86_400,
            cooldown: 30,
            stale_limit: 3_600,
            fetch_timeout: 10,
        }
    }
}

impl CachePolicy {
    pub(crate) fn validate(&self) -> Result<()> {
        let bad = |m: &str| Err(Error::new(ErrorKind::InvalidOption, m));
        const WEEK: u64 = 7 * 86_400;
        if self.min_max_age > self.max_max_age || self.max_max_age > WEEK {
            return bad("the JWKS freshness bounds must satisfy min <= max <= 7 days");
        }
        if !(self.min_max_age..=self.max_max_age).contains(&self.default_max_age) {
            return bad("the default JWKS freshness must lie within its bounds");
        }
        if self.cooldown == 0 || self.cooldown > 3_600 {
            return bad("the JWKS cooldown must be 1 to 3600 seconds");
        }
        if self.stale_limit > WEEK {
            return bad("the JWKS stale limit must be at most 7 days");
        }
        if self.fetch_timeout == 0 || self.fetch_timeout > 120 {
            return bad("the JWKS fetch timeout must be 1 to 120 seconds");
        }
        Ok(())
    }

    /// Freshness in seconds for a response with this `Cache-Control` header.
    pub fn freshness(&self, cache_control: Option<&str>) -> u64 {
        let Some(header) = cache_control else { return self.default_max_age };
        let mut max_age = None;
        for directive in header.split(',').map(str::trim) {
            let (name, value) = directive.split_once('=').unwrap_or((directive, ""));
            match name.trim().to_ascii_lowercase().as_str() {
                "no-store" | "no-cache" => return self.min_max_age,
                "max-age" => max_age = Some(value.trim().trim_matches('"').parse::<u64>().ok()),
                _ => {}
            }
        }
        match max_age {
            None => self.default_max_age,
            Some(None) => self.min_max_age,
            Some(Some(secs)) => secs.clamp(self.min_max_age, self.max_max_age),
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FetchKind {
    /// The discovery document, for its `jwks_uri` (fetched once per isolate).
    Discovery,
    Jwks,
}

/// A GET the shim must make and report with `fetched` or `failed`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Fetch {
    pub id: u64,
    pub kind: FetchKind,
    pub url: String,
}

#[derive(Debug)]
pub enum Lookup {
    /// Verify with these keys. `refresh`: start this fetch without waiting for it (the keys
    /// are stale but still usable).
    Ready { keys: Arc<KeySet>, refresh: Option<Fetch> },
    /// Nothing usable until this fetch answers: make it, report it, look up again.
    Fetch(Fetch),
    /// Another request's fetch (this id) is under way: wait for it, then look up again.
    Wait(u64),
    /// No usable keys and no fetch allowed yet.
    Unavailable { why: String, retry_after: u64 },
}

pub struct JwksCache {
    policy: CachePolicy,
    issuer: String,
    discovery_url: Option<String>,
    jwks_uri: Option<String>,
    /// Entries in each fetched set's verified-token cache.
    token_cache_size: usize,
    keys: Option<Arc<KeySet>>,
    /// The JWKS text the keys came from, for a snapshot.
    source: String,
    fresh_until: i64,
    usable_until: i64,
    in_flight: Option<(Fetch, i64)>,
    next_id: u64,
    /// No fetch that the cooldown limits (unknown kid, retry after failure) before this.
    quiet_until: i64,
    last_error: Option<String>,
    fetches: u64,
}

impl JwksCache {
    /// Keys from `jwks_uri`, or from the `jwks_uri` of the discovery document at
    /// `discovery_url` (whose `issuer` must be `issuer`). Exactly one of the two is given.
    pub fn new(
        policy: CachePolicy,
        issuer: &str,
        jwks_uri: Option<String>,
        discovery_url: Option<String>,
        token_cache_size: usize,
    ) -> Result<Self> {
        policy.validate()?;
        let bad = |m: &str| Err(Error::new(ErrorKind::InvalidOption, m));
        match (&jwks_uri, &discovery_url) {
            (Some(_), Some(_)) | (None, None) => return bad("give exactly one of jwksUri and discovery"),
            (Some(u), None) | (None, Some(u)) if !crate::oidc::http::is_endpoint_url(u) => {
                return bad("jwksUri and discovery must be absolute http(s) URLs")
            }
            _ => {}
        }
        Ok(Self {
            policy,
            issuer: issuer.to_owned(),
            discovery_url,
            jwks_uri,
            token_cache_size,
            keys: None,
            source: String::new(),
            fresh_until: 0,
            usable_until: 0,
            in_flight: None,
            next_id: 1,
            quiet_until: 0,
            last_error: None,
            fetches: 0,
        })
    }

    pub fn policy(&self) -> &CachePolicy {
        &self.policy
    }

    /// Fetches started so far (discovery included).
    pub fn fetches(&self) -> u64 {
        self.fetches
    }

    /// What to verify a token with `kid` at `now` (seconds).
    pub fn lookup(&mut self, now: i64, kid: Option<&str>) -> Lookup {
        if self.in_flight.as_ref().is_some_and(|(_, started)| now >= started.saturating_add(self.timeout())) {
            let id = self.in_flight.as_ref().map_or(0, |(f, _)| f.id);
            self.failed(id, now, "the JWKS fetch timed out");
        }
        let unknown_kid = |keys: &KeySet| kid.is_some_and(|k| !keys.knows_kid(k));
        let keys = self.keys.clone().filter(|_| now < self.usable_until);
        match keys {
            Some(keys) if !unknown_kid(&keys) => {
                let refresh = if now >= self.fresh_until && self.in_flight.is_none() && now >= self.quiet_until {
                    Some(self.start(now))
                } else {
                    None
                };
                Lookup::Ready { keys, refresh }
            }
            // An unknown kid: maybe the provider rotated its keys. One fetch per cooldown.
            Some(keys) => match &self.in_flight {
                Some((f, _)) => Lookup::Wait(f.id),
                None if now >= self.quiet_until => {
                    self.quiet_until = now.saturating_add(self.policy.cooldown as i64);
                    Lookup::Fetch(self.start(now))
                }
                None => Lookup::Ready { keys, refresh: None },
            },
            None => match &self.in_flight {
                Some((f, _)) => Lookup::Wait(f.id),
                None if now < self.quiet_until => Lookup::Unavailable {
                    why: self.last_error.clone().unwrap_or_else(|| "the JWKS could not be fetched".into()),
                    retry_after: (self.quiet_until - now) as u64,
                },
                None => Lookup::Fetch(self.start(now)),
            },
        }
    }

    fn timeout(&self) -> i64 {
        self.policy.fetch_timeout as i64
    }

    fn start(&mut self, now: i64) -> Fetch {
        let (kind, url) = match (&self.jwks_uri, &self.discovery_url) {
            (Some(u), _) => (FetchKind::Jwks, u.clone()),
            (None, Some(d)) => (FetchKind::Discovery, d.clone()),
            (None, None) => (FetchKind::Jwks, String::new()),
        };
        let fetch = Fetch { id: self.next_id, kind, url };
        self.next_id += 1;
        self.fetches += 1;
        self.in_flight = Some((fetch.clone(), now));
        fetch
    }

    /// The answer to fetch `id`: its HTTP status, `Cache-Control` header and body. A reply
    /// to a fetch no longer awaited (timed out, superseded) is ignored.
    pub fn fetched(&mut self, id: u64, now: i64, status: u16, cache_control: Option<&str>, body: &str) {
        let Some((fetch, _)) = self.in_flight.take_if(|(f, _)| f.id == id) else { return };
        if status != 200 {
            return self.failed(id, now, &format!("the {} endpoint answered HTTP {status}", fetch.what()));
        }
        match fetch.kind {
            FetchKind::Discovery => match crate::oidc::discovery::parse(body, &self.issuer) {
                Ok(meta) => self.jwks_uri = Some(meta.jwks_uri),
                Err(e) => self.failed(id, now, &e.message),
            },
            FetchKind::Jwks => match KeySet::from_jwks(body) {
                Ok(set) => {
                    let fresh = self.policy.freshness(cache_control) as i64;
                    self.install(set, body, now.saturating_add(fresh));
                }
                Err(e) => self.failed(id, now, &format!("the JWKS was refused: {}", e.message())),
            },
        }
    }

    fn install(&mut self, set: KeySet, text: &str, fresh_until: i64) {
        // (Not Sync in the single-threaded no_std Wasm, where the guard is never used.)
        #[cfg_attr(tokenward_no_std, allow(clippy::arc_with_non_send_sync))]
        let keys = Arc::new(set.with_cache(self.token_cache_size));
        self.keys = Some(keys);
        self.source = text.to_owned();
        self.fresh_until = fresh_until;
        self.usable_until = fresh_until.saturating_add(self.policy.stale_limit as i64);
        self.last_error = None;
    }

    /// Fetch `id` failed (network, timeout): cached keys go on within their limit, and the
    /// next try waits a cooldown.
    pub fn failed(&mut self, id: u64, now: i64, why: &str) {
        if self.in_flight.as_ref().is_some_and(|(f, _)| f.id == id) {
            self.in_flight = None;
        }
        self.quiet_until = now.saturating_add(self.policy.cooldown as i64);
        self.last_error = Some(crate::jose::error::sanitize(why, 200));
    }

    /// What a fresh isolate can start from (`restore`): the issuer, where the keys came from
    /// (the discovery document, if any, and the JWKS URL), the JWKS text and its freshness, as
    /// JSON; `None` before the first successful fetch.
    pub fn snapshot(&self) -> Option<String> {
        self.keys.as_ref()?;
        let doc = serde_json::json!({
            "issuer": self.issuer,
            "jwks": self.source,
            "freshUntil": self.fresh_until,
            "jwksUri": self.jwks_uri,
            "discovery": self.discovery_url,
        });
        Some(doc.to_string())
    }

    /// Start from a snapshot (persisted by the shim in the Cache API or KV). Ignored (`false`)
    /// when it is malformed, from another issuer or endpoint, past its stale limit, or older
    /// than what the cache already holds.
    pub fn restore(&mut self, snapshot: &str, now: i64) -> bool {
        let Ok(doc) = crate::jose::json::parse_value("the snapshot", snapshot.as_bytes()) else { return false };
        let (Some(text), Some(fresh_until)) = (doc["jwks"].as_str(), doc["freshUntil"].as_i64()) else {
            return false;
        };
        // Guards of several issuers may share one store (and key): another issuer's keys must
        // never verify this one's tokens. A snapshot that names no issuer is ignored too.
        if doc["issuer"].as_str() != Some(self.issuer.as_str()) {
            return false;
        }
        let uri = doc["jwksUri"].as_str();
        let same_source = doc["discovery"].as_str() == self.discovery_url.as_deref()
            && match &self.jwks_uri {
                Some(known) => uri == Some(known.as_str()),
                // Discovery: the snapshot's jwks_uri is adopted, as it came from the same
                // discovery document (a guard given a jwksUri, even for this issuer, is another
                // source).
                None => uri.is_some_and(crate::oidc::http::is_endpoint_url),
            };
        // Freshness from a snapshot never exceeds what a live response could give.
        let fresh_until = fresh_until.min(now.saturating_add(self.policy.max_max_age as i64));
        let usable = now < fresh_until.saturating_add(self.policy.stale_limit as i64);
        if !same_source || !usable || fresh_until <= self.fresh_until {
            return false;
        }
        let Ok(set) = KeySet::from_jwks(text) else { return false };
        self.jwks_uri = uri.map(str::to_owned);
        self.install(set, text, fresh_until);
        true
    }
}

impl Fetch {
    fn what(&self) -> &'static str {
        match self.kind {
            FetchKind::Discovery => "discovery",
            FetchKind::Jwks => "JWKS",
        }
    }
}
