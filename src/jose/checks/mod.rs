//! The ordered checks behind `verify`, `verify_start` / `verify_finish`, `verify_jws` and
//! `explain`. The order exists once (`ORDER`); each entry point is a `Mode` (which stages
//! apply) and a `Sink` (what a result does): `verify` stops at the first failure and never
//! formats a pass reason, `explain` records every check and carries on past failures.
//!
//! The stages by concern: `parse` (structure, header, payload), `signature` (crit,
//! algorithm, key, signature), `claims` (time, issuer, audience, azp, kind, required).

use crate::prelude::*;

mod claims;
mod parse;
mod signature;
mod verdict;

pub(crate) use signature::does_not_verify;
pub(crate) use verdict::Outcome;
pub use verdict::Verdict;

use crate::jose::algorithm::Algorithm;
use crate::jose::claims::Claims;
use crate::jose::compact::{Segments, Token};
use crate::jose::error::Error;
use crate::jose::header::Header;
use crate::jose::keyset::KeySet;
use crate::jose::options::VerifyOptions;

/// Check identifiers, in the order they run.
pub mod id {
    pub const STRUCTURE: &str = "structure";
    pub const HEADER: &str = "header";
    pub const PAYLOAD: &str = "payload";
    pub const CRIT: &str = "crit";
    pub const ALGORITHM: &str = "algorithm";
    pub const KEY: &str = "key";
    pub const SIGNATURE: &str = "signature";
    pub const EXP: &str = "exp";
    pub const NBF: &str = "nbf";
    pub const IAT: &str = "iat";
    pub const MAX_AGE: &str = "max_age";
    pub const ISS: &str = "iss";
    pub const AUD: &str = "aud";
    pub const AZP: &str = "azp";
    pub const KIND: &str = "kind";
    pub const REQUIRED: &str = "required";
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Stage {
    Structure,
    Header,
    /// The payload as JSON claims (a JWT).
    Payload,
    Crit,
    Algorithm,
    Key,
    Signature,
    /// The payload as bytes, decoded only once the signature verified (a JWS: with an
    /// unsupported extension such as b64:false it need not be base64url at all).
    JwsPayload,
    Exp,
    Nbf,
    Iat,
    MaxAge,
    Iss,
    Aud,
    Azp,
    Kind,
    Required,
}

/// The one order of the checks.
const ORDER: [Stage; 17] = {
    use Stage::*;
    [
        Structure, Header, Payload, Crit, Algorithm, Key, Signature, JwsPayload, Exp, Nbf, Iat, MaxAge, Iss, Aud, Azp,
        Kind, Required,
    ]
};

impl Stage {
    const fn id(self) -> &'static str {
        match self {
            Stage::Structure => id::STRUCTURE,
            Stage::Header => id::HEADER,
            Stage::Payload | Stage::JwsPayload => id::PAYLOAD,
            Stage::Crit => id::CRIT,
            Stage::Algorithm => id::ALGORITHM,
            Stage::Key => id::KEY,
            Stage::Signature => id::SIGNATURE,
            Stage::Exp => id::EXP,
            Stage::Nbf => id::NBF,
            Stage::Iat => id::IAT,
            Stage::MaxAge => id::MAX_AGE,
            Stage::Iss => id::ISS,
            Stage::Aud => id::AUD,
            Stage::Azp => id::AZP,
            Stage::Kind => id::KIND,
            Stage::Required => id::REQUIRED,
        }
    }

    const fn is_claim_check(self) -> bool {
        matches!(
            self,
            Stage::Exp
                | Stage::Nbf
                | Stage::Iat
                | Stage::MaxAge
                | Stage::Iss
                | Stage::Aud
                | Stage::Azp
                | Stage::Kind
                | Stage::Required
        )
    }
}

/// Which stages of `ORDER` an entry point runs.
pub(crate) enum Mode<'a> {
    /// `verify` and `explain`: every check of a JWT.
    Jwt,
    /// `verify_start`: a JWT's checks up to the key, for a signature checked elsewhere.
    UntilSignature,
    /// `verify_jws`: structure, header and signature; the payload as bytes.
    #[cfg_attr(not(feature = "signature"), allow(dead_code))]
    Jws,
    /// A token whose signature verified already (a cache hit, `verify_finish`): the
    /// algorithm allow-list and every claim check, under this call's options and clock.
    Verified(&'a Token),
}

impl Mode<'_> {
    fn runs(&self, stage: Stage) -> bool {
        use Stage::*;
        match self {
            Mode::Jwt => stage != JwsPayload,
            Mode::UntilSignature => matches!(stage, Structure | Header | Payload | Crit | Algorithm | Key),
            Mode::Jws => matches!(stage, Structure | Header | Crit | Algorithm | Key | Signature | JwsPayload),
            Mode::Verified(_) => stage == Algorithm || stage.is_claim_check(),
        }
    }
}

pub(crate) trait Sink {
    fn pass(&mut self, id: &'static str, reason: impl FnOnce() -> String);
    fn skip(&mut self, id: &'static str, reason: impl FnOnce() -> String);
    /// Record a failure; `false` stops the pipeline.
    fn fail(&mut self, id: &'static str, err: Error) -> bool;
}

pub(crate) struct Inputs<'a> {
    pub token: &'a str,
    pub keys: Option<&'a KeySet>,
    pub opts: &'a VerifyOptions,
    pub now: i64,
    /// The signature's outcome when a verifier outside the core (WebCrypto) checked it;
    /// `None`: the core checks it itself (or, without signature crypto, skips it).
    pub verdict: Option<&'a Verdict>,
}

/// What the stages found, whatever the checks said.
#[derive(Default)]
pub(crate) struct Decoded {
    pub header: Option<Header>,
    pub claims: Option<Claims>,
    pub alg: Option<Algorithm>,
    /// The keys the token may be verified with: positions in the key set's `keys()`.
    pub candidates: Option<Vec<usize>>,
    pub signature: Option<Vec<u8>>,
    /// A JWS's payload bytes, once its signature verified.
    pub payload: Option<Vec<u8>>,
    pub signature_ok: bool,
}

/// The pipeline's working state: `Decoded` plus the borrowed segments.
struct State<'t> {
    segments: Option<Segments<'t>>,
    split_failed: bool,
    /// A verified token's parts, in `Mode::Verified` (nothing is decoded then).
    verified: Option<&'t Token>,
    found: Decoded,
}

impl State<'_> {
    fn header(&self) -> Option<&Header> {
        self.found.header.as_ref().or(self.verified.map(Token::header))
    }
    fn claims(&self) -> Option<&Claims> {
        self.found.claims.as_ref().or(self.verified.map(Token::claims))
    }

    /// Why `stage` cannot run: a stage it needs failed or was skipped.
    fn blocked(&self, stage: Stage, input: &Inputs<'_>) -> Option<&'static str> {
        use Stage::*;
        if self.split_failed {
            return Some("the token could not be split into a header, payload and signature");
        }
        match stage {
            Structure | Header | Payload => None,
            _ if stage.is_claim_check() => self.claims().is_none().then_some("the payload could not be decoded"),
            _ if self.header().is_none() => Some("the header could not be decoded"),
            Crit | Algorithm => None,
            _ if self.found.alg.is_none() && stage != JwsPayload => Some("no usable algorithm"),
            _ if input.keys.is_none() => Some("no key set given"),
            Key => None,
            Signature if self.found.candidates.is_none() => Some("no matching key"),
            Signature => None,
            _ => (!self.found.signature_ok).then_some("the signature was not verified"),
        }
    }
}

/// Run the stages of `mode` in `ORDER`. `None`: the sink stopped at a failure (it holds it).
pub(crate) fn run<'t, S: Sink>(input: &Inputs<'t>, mode: Mode<'t>, sink: &mut S) -> Option<Decoded> {
    let verified = match mode {
        Mode::Verified(token) => Some(token),
        _ => None,
    };
    let mut st = State { segments: None, split_failed: false, verified, found: Decoded::default() };
    for stage in ORDER {
        if !mode.runs(stage) {
            continue;
        }
        if let Some(why) = st.blocked(stage, input) {
            sink.skip(stage.id(), || why.into());
            continue;
        }
        if !run_stage(stage, &mut st, input, sink) {
            return None;
        }
    }
    Some(st.found)
}

/// One stage; `false` means the sink stopped.
fn run_stage<'t, S: Sink>(stage: Stage, st: &mut State<'t>, input: &Inputs<'t>, sink: &mut S) -> bool {
    use Stage::*;
    match stage {
        Structure => parse::structure(st, input, sink),
        Header => parse::header(st, sink),
        Payload => parse::payload(st, sink),
        JwsPayload => parse::jws_payload(st, sink),
        Crit => signature::crit(st, sink),
        Algorithm => signature::algorithm(st, input, sink),
        Key => signature::key(st, input, sink),
        Signature => signature::signature(st, input, sink),
        _ => {
            let header = st.header();
            match st.claims() {
                Some(c) => claims::check(stage, input, header, c, sink),
                None => true,
            }
        }
    }
}

/// Record `$result` as check `$id`: `Some(value)` on a pass, `None` on a failure, and
/// `return false` when the sink does not go on past a failure.
macro_rules! check {
    ($sink:expr, $id:expr, $result:expr, $pass:expr) => {
        match $result {
            Ok(v) => {
                $sink.pass($id, || $pass(&v));
                Some(v)
            }
            Err(e) => {
                if !$sink.fail($id, e) {
                    return false;
                }
                None
            }
        }
    };
}
use check;

/// `verify`'s sink: remembers the first failure and stops.
#[derive(Default)]
pub(crate) struct FirstFailure(pub Option<Error>);

impl Sink for FirstFailure {
    fn pass(&mut self, _: &'static str, _: impl FnOnce() -> String) {}
    fn skip(&mut self, _: &'static str, _: impl FnOnce() -> String) {}
    fn fail(&mut self, _: &'static str, err: Error) -> bool {
        self.0 = Some(err);
        false
    }
}

/// `mode` up to the first failure.
pub(crate) fn first_failure<'t>(input: &Inputs<'t>, mode: Mode<'t>) -> Result<Decoded, Error> {
    let mut sink = FirstFailure::default();
    match run(input, mode, &mut sink) {
        Some(found) => Ok(found),
        None => Err(sink.0.unwrap_or_else(|| Error::new(crate::jose::error::ErrorKind::Malformed, "check failed"))),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::jose::b64;
    use crate::jose::explain::{explain, Status};

    const NOW: i64 = 1_700_000_000;

    fn token(header: &str, payload: &str) -> String {
        format!("{}.{}.{}", b64::encode(header.as_bytes()), b64::encode(payload.as_bytes()), b64::encode(b"sig"))
    }

    fn secret() -> KeySet {
        KeySet::from_secret(&[7; 32], Algorithm::HS256, Some("k1")).unwrap()
    }

    /// (id, status, reason) of every check `explain` reports.
    fn report(t: &str, keys: Option<&KeySet>) -> Vec<(&'static str, Status, String)> {
        let r = explain(t, keys, &VerifyOptions::default(), NOW);
        r.checks.into_iter().map(|c| (c.id, c.status, c.reason)).collect()
    }

    #[test]
    fn explain_reports_every_check_once_in_the_one_order() {
        // The order `verify` documents (its first failure is the first of these that fails).
        let ids = [
            "structure",
            "header",
            "payload",
            "crit",
            "algorithm",
            "key",
            "signature",
            "exp",
            "nbf",
            "iat",
            "max_age",
            "iss",
            "aud",
            "azp",
            "kind",
            "required",
        ];
        for t in [token(r#"{"alg":"HS256"}"#, r#"{"exp":1}"#), "x".into(), token("[", "{}"), token("{}", "[")] {
            let got: Vec<&str> = report(&t, Some(&secret())).iter().map(|c| c.0).collect();
            assert_eq!(got, ids, "{t}");
        }
    }

    #[test]
    fn a_failed_stage_skips_what_needs_it_with_the_reason() {
        let skipped = |t: &str, keys: Option<&KeySet>, id: &str| {
            let r = report(t, keys);
            let c = r.iter().find(|c| c.0 == id).unwrap().clone();
            assert_eq!(c.1, Status::Skipped, "{id} of {t}: {c:?}");
            c.2
        };
        let split = "the token could not be split into a header, payload and signature";
        assert_eq!(skipped("a.b", Some(&secret()), "required"), split);
        let bad_header = token("[1]", r#"{"exp":9999999999}"#);
        assert_eq!(skipped(&bad_header, Some(&secret()), "signature"), "the header could not be decoded");
        let r = report(&bad_header, Some(&secret()));
        assert_eq!(r.iter().find(|c| c.0 == "exp").unwrap().1, Status::Pass, "claims still checked");
        let bad_payload = token(r#"{"alg":"HS256"}"#, "[]");
        assert_eq!(skipped(&bad_payload, Some(&secret()), "exp"), "the payload could not be decoded");
        let rs = token(r#"{"alg":"RS256"}"#, "{}");
        assert_eq!(skipped(&rs, Some(&secret()), "key"), "no usable algorithm");
        let hs = token(r#"{"alg":"HS256"}"#, "{}");
        assert_eq!(skipped(&hs, None, "key"), "no key set given");
        let other_kid = token(r#"{"alg":"HS256","kid":"k2"}"#, "{}");
        assert_eq!(skipped(&other_kid, Some(&secret()), "signature"), "no matching key");
    }

    #[test]
    fn modes_run_their_part_of_the_order() {
        use Stage::*;
        let ran = |mode: Mode<'_>| ORDER.into_iter().filter(|s| mode.runs(*s)).collect::<Vec<_>>();
        assert_eq!(ran(Mode::UntilSignature), vec![Structure, Header, Payload, Crit, Algorithm, Key]);
        assert_eq!(ran(Mode::Jws), vec![Structure, Header, Crit, Algorithm, Key, Signature, JwsPayload]);
        let t = crate::jose::compact::decode_token(&token(r#"{"alg":"HS256"}"#, "{}")).unwrap();
        assert_eq!(ran(Mode::Verified(&t)), vec![Algorithm, Exp, Nbf, Iat, MaxAge, Iss, Aud, Azp, Kind, Required]);
    }
}
