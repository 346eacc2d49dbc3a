//! `explain`: every check with its outcome and reason, never stopping at the first failure.
//! This is what the inspector shows and what a log line should carry.

use crate::prelude::*;

use crate::jose::checks::{self, Inputs, Mode, Sink, Verdict};
use crate::jose::claims::Claims;
use crate::jose::error::Error;
use crate::jose::header::Header;
use crate::jose::keyset::KeySet;
use crate::jose::kind::TokenKind;
use crate::jose::options::VerifyOptions;
use crate::jose::verify::{validate_now, validate_options};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Status {
    Pass,
    Fail,
    Skipped,
}

impl Status {
    pub const fn name(self) -> &'static str {
        match self {
            Status::Pass => "pass",
            Status::Fail => "fail",
            Status::Skipped => "skipped",
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Check {
    pub id: &'static str,
    pub status: Status,
    /// The error code of a failed check.
    pub code: Option<&'static str>,
    /// The claim or header member a failure is about.
    pub claim: Option<String>,
    pub reason: String,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Report {
    /// True exactly when `verify` would accept the token with the same inputs.
    pub ok: bool,
    pub header: Option<Header>,
    pub claims: Option<Claims>,
    pub kind: Option<TokenKind>,
    pub checks: Vec<Check>,
}

impl Report {
    pub fn check(&self, id: &str) -> Option<&Check> {
        self.checks.iter().find(|c| c.id == id)
    }
    pub fn failures(&self) -> impl Iterator<Item = &Check> {
        self.checks.iter().filter(|c| c.status == Status::Fail)
    }
}

/// Run every check. `keys` may be absent (signature checks are then skipped and `ok` is
/// false). Invalid options are reported as one failed `options` check.
pub fn explain(token: &str, keys: Option<&KeySet>, opts: &VerifyOptions, now: i64) -> Report {
    run(token, keys, opts, now, None)
}

/// `explain` with the signature checked outside the core (WebCrypto): the candidates come
/// from `verify_start`'s `PendingSignature` (or `explain_signature_input`), and `verdict` is the
/// outside verifier's answer. Every other check, and which key counts, is decided here.
pub fn explain_with_verdict(token: &str, keys: &KeySet, opts: &VerifyOptions, now: i64, verdict: &Verdict) -> Report {
    run(token, Some(keys), opts, now, Some(verdict))
}

fn run(token: &str, keys: Option<&KeySet>, opts: &VerifyOptions, now: i64, verdict: Option<&Verdict>) -> Report {
    let mut sink = Recorder::default();
    if let Err(e) = validate_options(opts).and_then(|()| validate_now(now)) {
        sink.fail("options", e);
    }
    // The recorder never stops the pipeline, so it always comes back with what it found.
    let decoded = checks::run(&Inputs { token, keys, opts, now, verdict }, Mode::Jwt, &mut sink).unwrap_or_default();
    let ok = decoded.signature_ok && sink.0.iter().all(|c| c.status != Status::Fail);
    let kind = match (&decoded.header, &decoded.claims) {
        (Some(h), Some(c)) => Some(TokenKind::classify(h.typ(), c.typ())),
        _ => None,
    };
    Report { ok, header: decoded.header, claims: decoded.claims, kind, checks: sink.0 }
}

#[derive(Default)]
struct Recorder(Vec<Check>);

impl Sink for Recorder {
    fn pass(&mut self, id: &'static str, reason: impl FnOnce() -> String) {
        self.0.push(Check { id, status: Status::Pass, code: None, claim: None, reason: reason() });
    }
    fn skip(&mut self, id: &'static str, reason: impl FnOnce() -> String) {
        self.0.push(Check { id, status: Status::Skipped, code: None, claim: None, reason: reason() });
    }
    fn fail(&mut self, id: &'static str, err: Error) -> bool {
        self.0.push(Check {
            id,
            status: Status::Fail,
            code: Some(err.code()),
            claim: err.claim().map(str::to_owned),
            reason: err.message().to_owned(),
        });
        true
    }
}
