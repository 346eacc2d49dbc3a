//! Changes to the shared state, each written by compare-and-set. When the store holds a newer
//! state than the one a change was made against, the change is re-applied to that newer state
//! (`apply` decides whether it still makes sense), so a write by another tab (an activity
//! update, a login started elsewhere) never costs this one its newest refresh token.

use crate::prelude::*;

use super::cause::Cause;
use super::clock::ServerClock;
use super::state::{Lease, State, Tokens, MAX_PENDING};
use crate::oidc::authorize::PendingLogin;
use crate::oidc::discovery::ProviderMetadata;

#[derive(Debug, Clone)]
pub(crate) enum Mutation {
    Provider {
        metadata: Option<ProviderMetadata>,
        jwks: Option<String>,
    },
    AddPending(PendingLogin),
    /// Take the login with this state out (replay protection before the code is exchanged).
    TakePending(String),
    /// Claim the refresh of `rt` for `owner`, for `ttl_ms` from when it is written (a write
    /// retried after a store failure gets its full time).
    TakeLease {
        rt: String,
        owner: String,
        ttl_ms: u64,
    },
    /// Accept a token response. `spent`: the refresh token it answered (if any).
    Commit {
        tokens: Box<Tokens>,
        spent: Option<String>,
        id_token: Option<String>,
        sid: Option<String>,
        clock: ServerClock,
        not_before: i64,
        idle_deadline: Option<u64>,
        owner: String,
    },
    /// A refresh token got a refusal: spend it and end the session, unless the store holds
    /// a newer refresh token (another caller won the race).
    Refused {
        rt: String,
        cause: Cause,
    },
    /// End the session (logout, idle, back-channel); the ID token hint is kept.
    End {
        cause: Cause,
        keep_offline: bool,
    },
    /// Bring back an offline session a local logout set aside.
    Unpark,
    /// Release a lease this instance holds (after a transient failure).
    Release {
        owner: String,
    },
    Idle {
        deadline: u64,
    },
    /// Drop the ID token hint and session id of an ended session (its provider logout is
    /// under way or done).
    Forget,
}

fn rt_of(s: &State) -> Option<&str> {
    s.tokens.as_ref().and_then(|t| t.refresh_token.as_deref())
}

impl Mutation {
    /// A step of a login (remembering it, taking it back at the callback): its caller waits
    /// on it, so a store failure fails it rather than retrying it later.
    pub(crate) fn is_login_step(&self) -> bool {
        matches!(self, Self::AddPending(_) | Self::TakePending(_))
    }

    /// Apply to `s` at local time `now`; `false` means the change no longer makes sense there.
    pub(crate) fn apply(&self, s: &mut State, now: u64) -> bool {
        match self {
            Self::Provider { metadata, jwks } => {
                if metadata.is_some() {
                    s.metadata.clone_from(metadata);
                }
                if jwks.is_some() {
                    s.jwks.clone_from(jwks);
                }
            }
            Self::AddPending(p) => {
                s.pending.retain(|q| now.saturating_sub(q.started) < super::config::PENDING_LOGIN_TTL * 1000);
                s.pending.push(p.clone());
                while s.pending.len() > MAX_PENDING {
                    s.pending.remove(0);
                }
            }
            Self::TakePending(state) => {
                let before = s.pending.len();
                s.pending.retain(|p| p.state != *state);
                if s.pending.len() == before {
                    return false;
                }
            }
            Self::TakeLease { rt, owner, ttl_ms } => {
                if rt_of(s) != Some(rt.as_str()) || s.is_spent(rt) {
                    return false;
                }
                if matches!(&s.lease, Some(l) if l.owner != *owner && l.until > now) {
                    return false;
                }
                s.lease = Some(Lease { owner: owner.clone(), until: now.saturating_add(*ttl_ms) });
            }
            Self::Commit { tokens, spent, id_token, sid, clock, not_before, idle_deadline, owner } => {
                // A deliberate end elsewhere wins over our refresh; so does a newer token set
                // that someone else obtained (theirs is as good as ours, and is stored).
                let ended_on_purpose = s.tokens.is_none()
                    && matches!(
                        s.ended,
                        Some(
                            Cause::LoggedOut
                                | Cause::IdleExpired
                                | Cause::BackchannelLogout
                                | Cause::LoggedOutElsewhere
                        )
                    );
                let other_tokens = match (rt_of(s), spent) {
                    (Some(cur), Some(sp)) => cur != sp && !s.is_spent(cur),
                    (Some(_), None) => false, // a login replaces whatever was there
                    (None, _) => false,
                };
                if spent.is_some() && (ended_on_purpose || other_tokens) {
                    return false;
                }
                if let Some(sp) = spent {
                    if tokens.refresh_token.as_deref() != Some(sp.as_str()) {
                        s.spend(sp);
                    }
                }
                s.tokens = Some((**tokens).clone());
                if id_token.is_some() {
                    s.id_token_hint.clone_from(id_token);
                }
                if sid.is_some() {
                    s.sid.clone_from(sid);
                }
                s.clock = clock.clone();
                s.not_before = s.not_before.max(*not_before);
                if idle_deadline.is_some() {
                    s.idle_deadline = s.idle_deadline.max(*idle_deadline);
                }
                if matches!(&s.lease, Some(l) if l.owner == *owner) || spent.is_none() {
                    s.lease = None;
                }
                s.ended = None;
            }
            Self::Refused { rt, cause } => {
                s.spend(rt);
                match rt_of(s) {
                    Some(cur) if cur == rt => {}
                    // The store holds another, unspent refresh token: someone else won.
                    Some(cur) if !s.is_spent(cur) => return false,
                    _ => {}
                }
                if s.tokens.is_some() {
                    s.tokens = None;
                    s.ended = Some(*cause);
                }
                s.lease = None;
            }
            Self::End { cause, keep_offline } => {
                if s.tokens.is_none() && s.ended.is_some() && (s.parked.is_none() || *keep_offline) {
                    return false;
                }
                let tokens = s.tokens.take();
                s.parked = match tokens {
                    Some(t) if *keep_offline && t.offline => Some(t),
                    _ if *keep_offline => s.parked.take(),
                    _ => None, // a provider logout ends a set-aside offline session too
                };
                s.lease = None;
                s.idle_deadline = None;
                s.ended = Some(*cause);
            }
            Self::Unpark => {
                if s.tokens.is_some() || s.parked.is_none() {
                    return false;
                }
                s.tokens = s.parked.take();
                s.ended = None;
            }
            Self::Release { owner } => {
                if !matches!(&s.lease, Some(l) if l.owner == *owner) {
                    return false;
                }
                s.lease = None;
            }
            Self::Forget => {
                if s.tokens.is_some() || (s.id_token_hint.is_none() && s.sid.is_none()) {
                    return false;
                }
                s.id_token_hint = None;
                s.sid = None;
            }
            Self::Idle { deadline } => {
                if s.tokens.is_none() || s.idle_deadline >= Some(*deadline) {
                    return false;
                }
                s.idle_deadline = Some(*deadline);
            }
        }
        true
    }
}
