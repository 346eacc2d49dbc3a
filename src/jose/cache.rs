//! Verified-token cache: an edge guard sees the same few tokens again and again, and the
//! signature of a token under a given key set never changes, so it is checked once.
//!
//! - Keyed by SHA-256 of the whole compact token: a hit is the same bytes, signature
//!   included.
//! - Only successful verifications are stored; failures are always recomputed.
//! - An entry is never served once `now >= exp`; expired entries are removed when looked up
//!   or purged by an insert at capacity.
//! - A hit is not a pass: the algorithm allow-list and every claim check (times, issuer,
//!   audience, azp, kind, required claims) run again with the caller's options and `now`.
//! - Bounded: at capacity, expired entries go first, then the least recently used one.
//!   Eviction scans the entries (O(capacity), only on inserting a miss).

use std::collections::HashMap;
use std::sync::Mutex;

use sha2::{Digest, Sha256};

use crate::jose::compact::Token;

/// Entries kept per key set unless configured otherwise: enough for the working set of an
/// edge worker. The bound is in entries, not bytes: with typical 1-2 KB tokens a full cache
/// holds a few MB, with the largest accepted (64 KiB) up to tens of MB.
pub const DEFAULT_CACHE_SIZE: usize = 1024;

pub(crate) type Fingerprint = [u8; 32];

pub(crate) fn fingerprint(token: &str) -> Fingerprint {
    Sha256::digest(token.as_bytes()).into()
}

/// Counters (public: `KeySet::cache_stats`, and `keySet.cacheStats` in JS).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct CacheStats {
    pub hits: u64,
    pub misses: u64,
    pub entries: usize,
    pub capacity: usize,
}

pub(crate) struct TokenCache {
    capacity: usize,
    inner: Mutex<Inner>,
}

#[derive(Default)]
struct Inner {
    entries: HashMap<Fingerprint, Entry>,
    tick: u64,
    hits: u64,
    misses: u64,
}

struct Entry {
    token: Token,
    exp: i64,
    last_used: u64,
}

impl TokenCache {
    pub fn new(capacity: usize) -> Self {
        Self { capacity, inner: Mutex::new(Inner::default()) }
    }

    pub fn get(&self, key: &Fingerprint, now: i64) -> Option<Token> {
        let mut inner = self.inner.lock().unwrap_or_else(|p| p.into_inner());
        inner.tick += 1;
        let tick = inner.tick;
        let found = match inner.entries.get_mut(key) {
            Some(e) if now < e.exp => {
                e.last_used = tick;
                Some(e.token.clone())
            }
            Some(_) => {
                inner.entries.remove(key);
                None
            }
            None => None,
        };
        if found.is_some() {
            inner.hits += 1;
        } else {
            inner.misses += 1;
        }
        found
    }

    /// Store a token that just verified; `exp` is its expiry (verified tokens have one).
    pub fn insert(&self, key: Fingerprint, token: Token, exp: i64, now: i64) {
        if self.capacity == 0 || now >= exp {
            return;
        }
        let mut inner = self.inner.lock().unwrap_or_else(|p| p.into_inner());
        if inner.entries.len() >= self.capacity && !inner.entries.contains_key(&key) {
            inner.entries.retain(|_, e| now < e.exp);
            if inner.entries.len() >= self.capacity {
                let oldest = inner.entries.iter().min_by_key(|(_, e)| e.last_used).map(|(k, _)| *k);
                if let Some(k) = oldest {
                    inner.entries.remove(&k);
                }
            }
        }
        inner.tick += 1;
        let last_used = inner.tick;
        inner.entries.insert(key, Entry { token, exp, last_used });
    }

    pub fn stats(&self) -> CacheStats {
        let inner = self.inner.lock().unwrap_or_else(|p| p.into_inner());
        CacheStats { hits: inner.hits, misses: inner.misses, entries: inner.entries.len(), capacity: self.capacity }
    }
}
