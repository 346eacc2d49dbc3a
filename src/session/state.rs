//! The session's persisted state: plain data that a store keeps and another tab, process or
//! request loads. `version` lets the store compare-and-set; the machine ignores a state older
//! than the one it holds.

use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

use super::cause::Cause;
use super::clock::ServerClock;
use crate::oidc::authorize::PendingLogin;
use crate::oidc::discovery::ProviderMetadata;

/// How many logins in progress are remembered (several tabs may each start one).
pub const MAX_PENDING: usize = 4;
/// How many spent refresh-token fingerprints are remembered.
pub const MAX_SPENT: usize = 8;

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct State {
    pub version: u64,
    #[serde(default)]
    pub metadata: Option<ProviderMetadata>,
    /// The provider's JWKS text, as fetched.
    #[serde(default)]
    pub jwks: Option<String>,
    #[serde(default)]
    pub pending: Vec<PendingLogin>,
    #[serde(default)]
    pub tokens: Option<Tokens>,
    /// The newest ID token ever received in this session, kept apart from `tokens` so an
    /// RP-initiated logout still carries `id_token_hint` after a failed refresh.
    #[serde(default)]
    pub id_token_hint: Option<String>,
    /// Keycloak's user-session id (`sid`, `session_state`), for the admin-API logout.
    #[serde(default)]
    pub sid: Option<String>,
    #[serde(default)]
    pub clock: ServerClock,
    /// A refresh in flight somewhere: others wait for it instead of racing it.
    #[serde(default)]
    pub lease: Option<Lease>,
    /// Fingerprints of refresh tokens that got the provider's verdict: never sent again.
    #[serde(default)]
    pub spent: Vec<String>,
    /// Local time (ms) at which the idle policy ends the session.
    #[serde(default)]
    pub idle_deadline: Option<u64>,
    /// Keycloak's not-before policy (server seconds).
    #[serde(default)]
    pub not_before: i64,
    /// Why the last session ended (so other tabs can say so).
    #[serde(default)]
    pub ended: Option<Cause>,
    /// An offline session that a local logout set aside: offline tokens outlive a local
    /// logout (that is what they are for); the next start restores it, and only a provider
    /// logout or revocation ends it.
    #[serde(default)]
    pub parked: Option<Tokens>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Tokens {
    pub access_token: String,
    /// Server seconds.
    pub expires_at: i64,
    /// Server seconds the access token was issued (or received).
    pub issued_at: i64,
    #[serde(default)]
    pub refresh_token: Option<String>,
    /// Server seconds; `None` means no client-visible expiry (offline tokens, Keycloak's 0).
    #[serde(default)]
    pub refresh_expires_at: Option<i64>,
    #[serde(default)]
    pub offline: bool,
    #[serde(default)]
    pub id_token: Option<String>,
    #[serde(default)]
    pub scope: Option<String>,
    /// The ID token's `iss` and `sub`, which a refreshed ID token must keep.
    #[serde(default)]
    pub iss: Option<String>,
    #[serde(default)]
    pub sub: Option<String>,
    /// The login's nonce: a refreshed ID token that carries one must carry this one.
    #[serde(default)]
    pub nonce: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
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
