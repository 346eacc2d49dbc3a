//! The session's persisted state: plain data that a store keeps and another tab, process or
//! request loads. `version` lets the store compare-and-set; the machine ignores a state older
//! than the one it holds.

use crate::prelude::*;

use sha2::{Digest, Sha256};

use super::cause::Cause;
use super::clock::ServerClock;
use crate::oidc::authorize::PendingLogin;
use crate::oidc::discovery::ProviderMetadata;

/// How many logins in progress are remembered (several tabs may each start one).
pub const MAX_PENDING: usize = 4;
/// How many spent refresh-token fingerprints are remembered.
pub const MAX_SPENT: usize = 8;

#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct State {
    pub version: u64,
    pub metadata: Option<ProviderMetadata>,
    /// The provider's JWKS text, as fetched.
    pub jwks: Option<String>,
    pub pending: Vec<PendingLogin>,
    pub tokens: Option<Tokens>,
    /// The newest ID token ever received in this session, kept apart from `tokens` so an
    /// RP-initiated logout still carries `id_token_hint` after a failed refresh.
    pub id_token_hint: Option<String>,
    /// Keycloak's user-session id (`sid`, `session_state`), for the admin-API logout.
    pub sid: Option<String>,
    pub clock: ServerClock,
    /// A refresh in flight somewhere: others wait for it instead of racing it.
    pub lease: Option<Lease>,
    /// Fingerprints of refresh tokens that got the provider's verdict: never sent again.
    pub spent: Vec<String>,
    /// Local time (ms) at which the idle policy ends the session.
    pub idle_deadline: Option<u64>,
    /// Keycloak's not-before policy (server seconds).
    pub not_before: i64,
    /// Why the last session ended (so other tabs can say so).
    pub ended: Option<Cause>,
    /// An offline session that a local logout set aside: offline tokens outlive a local
    /// logout (that is what they are for); the next start restores it, and only a provider
    /// logout or revocation ends it.
    pub parked: Option<Tokens>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Tokens {
    pub access_token: String,
    /// Server seconds.
    pub expires_at: i64,
    /// Server seconds the access token was issued (or received).
    pub issued_at: i64,
    pub refresh_token: Option<String>,
    /// Server seconds; `None` means no client-visible expiry (offline tokens, Keycloak's 0).
    pub refresh_expires_at: Option<i64>,
    pub offline: bool,
    pub id_token: Option<String>,
    pub scope: Option<String>,
    /// The ID token's `iss` and `sub`, which a refreshed ID token must keep.
    pub iss: Option<String>,
    pub sub: Option<String>,
    /// The login's nonce: a refreshed ID token that carries one must carry this one.
    pub nonce: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Lease {
    /// The instance refreshing.
    pub owner: String,
    /// Local time (ms) after which the lease is void (the owner died or lost its answer).
    pub until: u64,
}

/// A refresh token's fingerprint: enough to recognise it, useless to present it.
pub fn fingerprint(rt: &str) -> String {
    let d = Sha256::digest(rt.as_bytes());
    d[..12].iter().map(|b| format!("{b:02x}")).collect()
}

impl State {
    pub fn is_spent(&self, rt: &str) -> bool {
        let f = fingerprint(rt);
        self.spent.contains(&f)
    }

    pub fn spend(&mut self, rt: &str) {
        let f = fingerprint(rt);
        if !self.spent.contains(&f) {
            self.spent.push(f);
            if self.spent.len() > MAX_SPENT {
                self.spent.remove(0);
            }
        }
    }
}
