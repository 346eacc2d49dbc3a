//! The answer of a signature check made outside the pipeline, held to the core's own choice
//! of key set and candidates.

use crate::prelude::*;

use crate::jose::keyset::{Key, KeySet};
use crate::jose::verify::PendingSignature;

/// The answer of a signature check made outside the pipeline (WebCrypto, or the crate's
/// verifiers through `PendingSignature::verify_here`), for one key set. Opaque: a verdict
/// that says "verified" comes only from the crate's verifiers or from the explicitly named
/// `dangerous_trust_outside_verifier`, and it names the key set and key it is about.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Verdict(pub(crate) Outcome);

#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Outcome {
    /// The key at this position in the key set with this id verified the signature.
    Verified { set: u64, key: usize },
    /// No candidate verified it.
    Invalid,
    /// The outside verifier could not decide (no WebCrypto, a key it refused): the reason.
    Unavailable(String),
}

impl Verdict {
    /// The signature does not verify.
    pub fn invalid() -> Self {
        Verdict(Outcome::Invalid)
    }

    /// The signature could not be checked (the reason is shown by `explain`); as good as
    /// invalid for `verify_finish`.
    pub fn unavailable(why: impl Into<String>) -> Self {
        Verdict(Outcome::Unavailable(why.into()))
    }

    /// DANGER: trusts that an outside verifier checked `pending`'s signature with the key
    /// at `key` (a position in the key set's `keys()`, one of `pending.candidates()`). Only
    /// for code that ran the check itself with the key the core chose, from the key set's
    /// own public material: the Wasm bindings' WebCrypto path and the session driver's
    /// `VerifySignature` answer. A key that was not a candidate still fails.
    pub fn dangerous_trust_outside_verifier(pending: &PendingSignature, key: usize) -> Self {
        Verdict(Outcome::Verified { set: pending.set(), key })
    }

    #[cfg(feature = "signature")]
    pub(crate) fn verified_here(set: u64, key: usize) -> Self {
        Verdict(Outcome::Verified { set, key })
    }

    /// Whether this says the signature verified with a key of `keys` that is a candidate.
    pub(crate) fn verified_key<'k>(&self, keys: &'k KeySet, candidates: &[usize]) -> Option<&'k Key> {
        match self.0 {
            Outcome::Verified { set, key } if set == keys.id() && candidates.contains(&key) => keys.keys().get(key),
            _ => None,
        }
    }
}
