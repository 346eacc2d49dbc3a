//! Verified-token cache: an edge guard sees the same few tokens again and again, and the
//! signature of a token under a given key set never changes, so it is checked once.
//!
//! - Keyed by a 64-bit FxHash of the whole compact token (a table hash, fast on the token's
//!   kilobyte); a hit compares the whole token, signature included, so a collision is a miss
//!   and can never pass a forged token.
//! - Only successful verifications are stored; failures are always recomputed.
//! - An entry is never served once `now >= exp`; an expired entry is removed when looked up.
//! - A hit is not a pass: the algorithm allow-list and every claim check (times, issuer,
//!   audience, azp, kind, required claims) run again with the caller's options and `now`.
//! - Bounded: at capacity the least recently used entry goes, in O(log n).

// In the session's Wasm (no verification API) nothing consults the cache.
#![cfg_attr(all(target_arch = "wasm32", not(feature = "api")), allow(dead_code))]

use alloc::collections::BTreeMap;
use core::hash::{Hash, Hasher};

use crate::prelude::*;

use crate::jose::compact::Token;

/// Entries kept per key set unless configured otherwise: enough for the working set of an
/// edge worker. The bound is in entries, not bytes: with typical 1-2 KB tokens a full cache
/// holds a few MB, with the largest accepted (64 KiB) up to tens of MB.
pub const DEFAULT_CACHE_SIZE: usize = 1024;

/// A token as the cache knows it: its hash and its whole text.
#[derive(Debug, Clone)]
pub(crate) struct CacheKey {
    hash: u64,
    text: Box<str>,
}

pub(crate) fn key(token: &str) -> CacheKey {
    // Not collision-resistant against a chosen token, which the full comparison makes harmless
    // (a collision costs one verification, or evicts the entry it collides with).
    let mut h = rustc_hash::FxHasher::default();
    token.hash(&mut h);
    CacheKey { hash: h.finish(), text: token.into() }
}

/// Counters (public: `KeySet::cache_stats`, and `keySet.cacheStats` in JS).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct CacheStats {
    pub hits: u64,
    pub misses: u64,
    pub entries: usize,
    pub capacity: usize,
}

/// The lock and the table: std's where there is std (key sets are shared between threads),
/// a `RefCell` and a `BTreeMap` in the single-threaded `no_std` Wasm (which never consults the
/// cache, but keeps the type).
#[cfg(not(tokenward_no_std))]
type Lock<T> = std::sync::Mutex<T>;
#[cfg(not(tokenward_no_std))]
type Table = std::collections::HashMap<u64, Entry>;
#[cfg(tokenward_no_std)]
type Lock<T> = core::cell::RefCell<T>;
#[cfg(tokenward_no_std)]
type Table = BTreeMap<u64, Entry>;

#[cfg(not(tokenward_no_std))]
fn locked<T>(l: &Lock<T>) -> std::sync::MutexGuard<'_, T> {
    l.lock().unwrap_or_else(|p| p.into_inner())
}
#[cfg(tokenward_no_std)]
fn locked<T>(l: &Lock<T>) -> core::cell::RefMut<'_, T> {
    l.borrow_mut()
}

pub(crate) struct TokenCache {
    capacity: usize,
    inner: Lock<Inner>,
}

#[derive(Default)]
struct Inner {
    entries: Table,
    /// Last use -> hash: the least recently used entry is the first.
    order: BTreeMap<u64, u64>,
    tick: u64,
    hits: u64,
    misses: u64,
}

struct Entry {
    text: Box<str>,
    token: Token,
    exp: i64,
    last_used: u64,
}

impl Inner {
    fn remove(&mut self, hash: u64) {
        if let Some(e) = self.entries.remove(&hash) {
            self.order.remove(&e.last_used);
        }
    }
}

impl TokenCache {
    pub fn new(capacity: usize) -> Self {
        Self { capacity, inner: Lock::new(Inner::default()) }
    }

    pub fn get(&self, key: &CacheKey, now: i64) -> Option<Token> {
        let mut inner = locked(&self.inner);
        inner.tick += 1;
        let tick = inner.tick;
        let found = match inner.entries.get_mut(&key.hash) {
            Some(e) if e.text != key.text => None,
            Some(e) if now < e.exp => {
                let previous = core::mem::replace(&mut e.last_used, tick);
                let token = e.token.clone();
                inner.order.remove(&previous);
                inner.order.insert(tick, key.hash);
                Some(token)
            }
            Some(_) => {
                inner.remove(key.hash);
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
    pub fn insert(&self, key: CacheKey, token: Token, exp: i64, now: i64) {
        if self.capacity == 0 || now >= exp {
            return;
        }
        let mut inner = locked(&self.inner);
        // The same hash (this token again, or a colliding one): the new entry replaces it.
        inner.remove(key.hash);
        while inner.entries.len() >= self.capacity {
            let Some((_, oldest)) = inner.order.pop_first() else { break };
            inner.entries.remove(&oldest);
        }
        inner.tick += 1;
        let last_used = inner.tick;
        inner.order.insert(last_used, key.hash);
        inner.entries.insert(key.hash, Entry { text: key.text, token, exp, last_used });
    }

    pub fn stats(&self) -> CacheStats {
        let inner = locked(&self.inner);
        CacheStats { hits: inner.hits, misses: inner.misses, entries: inner.entries.len(), capacity: self.capacity }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn token(sub: &str) -> Token {
        let claims = format!(r#"{{"sub":"{sub}","exp":100}}"#);
        let t = format!(
            "{}.{}.c2ln",
            crate::jose::b64::encode(br#"{"alg":"HS256"}"#),
            crate::jose::b64::encode(claims.as_bytes())
        );
        crate::jose::compact::decode_token(&t).unwrap()
    }

    #[test]
    fn a_hash_collision_is_a_miss_never_a_hit() {
        let cache = TokenCache::new(4);
        let real = key("a.b.c");
        cache.insert(real.clone(), token("u1"), 100, 0);
        assert!(cache.get(&real, 1).is_some());
        let forged = CacheKey { hash: real.hash, text: "a.b.forged".into() };
        assert!(cache.get(&forged, 1).is_none(), "same hash, other token");
        assert_eq!(cache.stats().misses, 1);
    }

    #[test]
    fn the_least_recently_used_entry_goes_first() {
        let cache = TokenCache::new(2);
        let (a, b, c) = (key("a"), key("b"), key("c"));
        cache.insert(a.clone(), token("a"), 100, 0);
        cache.insert(b.clone(), token("b"), 100, 0);
        assert!(cache.get(&a, 1).is_some());
        cache.insert(c.clone(), token("c"), 100, 0);
        assert!(cache.get(&b, 1).is_none(), "b was the least recently used");
        assert!(cache.get(&a, 1).is_some() && cache.get(&c, 1).is_some());
        assert_eq!(cache.stats().entries, 2);
        // Expired entries are never served.
        assert!(cache.get(&a, 100).is_none());
        assert_eq!(cache.stats().entries, 1);
    }
}
