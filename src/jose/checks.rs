//! The ordered checks behind both `verify` and `explain`. One pipeline, two sinks: `verify`
//! stops at the first failure and never formats a pass reason; `explain` records every
//! check and carries on past failures.

use crate::jose::algorithm::Algorithm;
use crate::jose::claims::Claims;
use crate::jose::compact::Token;
use crate::jose::compact::{self, Segments};
use crate::jose::error::sanitize;
use crate::jose::error::{Error, ErrorKind};
use crate::jose::header::Header;
use crate::jose::keyset::{Key, KeySet};
use crate::jose::kind::TokenKind;
use crate::jose::options::VerifyOptions;
use crate::jose::time_fmt::{iso8601, relative};

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

const AFTER_STRUCTURE: [&str; 6] = [id::HEADER, id::PAYLOAD, id::CRIT, id::ALGORITHM, id::KEY, id::SIGNATURE];
const CLAIM_CHECKS: [&str; 9] =
    [id::EXP, id::NBF, id::IAT, id::MAX_AGE, id::ISS, id::AUD, id::AZP, id::KIND, id::REQUIRED];

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
    pub fn dangerous_trust_outside_verifier(pending: &crate::jose::verify::PendingSignature, key: usize) -> Self {
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

/// What the pipeline decoded, whatever the checks said.
#[derive(Default)]
pub(crate) struct Decoded {
    pub header: Option<Header>,
    pub claims: Option<Claims>,
    pub signature_ok: bool,
}

/// Record `$result` as check `$id`: `Some(value)` on a pass, `None` on a failure, and
/// `return $stop` when the sink does not go on past a failure.
macro_rules! check {
    ($sink:expr, $id:expr, $result:expr, $pass:expr, $stop:expr) => {
        match $result {
            Ok(v) => {
                $sink.pass($id, || $pass(&v));
                Some(v)
            }
            Err(e) => {
                if !$sink.fail($id, e) {
                    return $stop;
                }
                None
            }
        }
    };
}

pub(crate) fn run<S: Sink>(input: &Inputs<'_>, sink: &mut S) -> Decoded {
    let structure = compact::split(input.token).and_then(|seg| compact::decode_signature(&seg).map(|sig| (seg, sig)));
    let Some((seg, sig)) = check!(
        sink,
        id::STRUCTURE,
        structure,
        |_: &(Segments<'_>, Vec<u8>)| "three base64url segments".to_string(),
        Decoded::default()
    ) else {
        for c in AFTER_STRUCTURE.into_iter().chain(CLAIM_CHECKS) {
            sink.skip(c, || "the token could not be split into a header, payload and signature".into());
        }
        return Decoded::default();
    };

    let header = check!(sink, id::HEADER, compact::decode_header(&seg), describe_header, Decoded::default());
    let claims = check!(
        sink,
        id::PAYLOAD,
        compact::decode_claims(&seg),
        |c: &Claims| format!("a JSON object with {} claims", c.raw().len()),
        Decoded::default()
    );

    let signature_ok = match &header {
        Some(h) => match signature_checks(input, sink, h, &seg, &sig) {
            Some(ok) => ok,
            None => return Decoded::default(),
        },
        None => {
            for c in [id::CRIT, id::ALGORITHM, id::KEY, id::SIGNATURE] {
                sink.skip(c, || "the header could not be decoded".into());
            }
            false
        }
    };

    match &claims {
        Some(c) => {
            if !claim_checks(input, sink, header.as_ref(), c) {
                return Decoded::default();
            }
        }
        None => {
            for c in CLAIM_CHECKS {
                sink.skip(c, || "the payload could not be decoded".into());
            }
        }
    }
    Decoded { header, claims, signature_ok }
}

fn describe_header(h: &Header) -> String {
    let mut out = format!("alg {}", sanitize(h.alg(), 16));
    if let Some(kid) = h.kid() {
        out.push_str(&format!(", kid \"{}\"", sanitize(kid, 40)));
    }
    if let Some(typ) = h.typ() {
        out.push_str(&format!(", typ \"{}\"", sanitize(typ, 20)));
    }
    let untrusted = h.untrusted_key_members();
    if !untrusted.is_empty() {
        out.push_str(&format!("; {} present and ignored (keys come only from the key set)", untrusted.join(", ")));
    }
    out
}

/// crit, algorithm, key and signature. `None` means the sink asked to stop; otherwise
/// whether the signature verified.
fn signature_checks<S: Sink>(
    input: &Inputs<'_>,
    sink: &mut S,
    header: &Header,
    seg: &Segments<'_>,
    sig: &[u8],
) -> Option<bool> {
    check!(sink, id::CRIT, header.check_extensions(), |_: &()| "no critical extensions".to_string(), None);
    let Some(alg) = check!(
        sink,
        id::ALGORITHM,
        choose_alg(input, header),
        |a: &Algorithm| format!("{a} is supported and allowed"),
        None
    ) else {
        sink.skip(id::KEY, || "no usable algorithm".into());
        sink.skip(id::SIGNATURE, || "no usable algorithm".into());
        return Some(false);
    };
    let Some(keys) = input.keys else {
        sink.skip(id::KEY, || "no key set given".into());
        sink.skip(id::SIGNATURE, || "no key set given".into());
        return Some(false);
    };
    let Some(candidates) = check!(
        sink,
        id::KEY,
        keys.select_indexed(alg, header.kid()),
        |c: &Vec<usize>| {
            let names: Vec<String> = c.iter().map(|&i| keys.keys()[i].describe()).collect();
            format!("{} matching key(s): {}", c.len(), names.join("; "))
        },
        None
    ) else {
        sink.skip(id::SIGNATURE, || "no matching key".into());
        return Some(false);
    };
    let verified = match input.verdict {
        Some(Verdict(Outcome::Unavailable(why))) => {
            sink.skip(id::SIGNATURE, || format!("signature not checked: {why}"));
            return Some(false);
        }
        Some(verdict) => outside_verdict(verdict, keys, alg, &candidates),
        None if !cfg!(feature = "signature") => {
            sink.skip(id::SIGNATURE, || "this build has no signature crypto (tokenward/lite)".into());
            return Some(false);
        }
        None => {
            let keys: Vec<&Key> = candidates.iter().map(|&i| &keys.keys()[i]).collect();
            verify_signature(alg, &keys, seg.signing_input.as_bytes(), sig)
        }
    };
    Some(check!(sink, id::SIGNATURE, verified, |k: &String| format!("verified with {alg} and key {k}"), None).is_some())
}

fn choose_alg(input: &Inputs<'_>, header: &Header) -> Result<Algorithm, Error> {
    let alg: Algorithm = header.alg().parse()?;
    let allowed = match (&input.opts.algorithms, input.keys) {
        (Some(list), _) => list.contains(&alg),
        (None, Some(keys)) => keys.allows(alg),
        (None, None) => true,
    };
    if !allowed {
        let source = if input.opts.algorithms.is_some() { "the algorithms option" } else { "the key set" };
        return Err(Error::new(ErrorKind::AlgNotAllowed, format!("{alg} is not allowed by {source}")).with_claim("alg"));
    }
    Ok(alg)
}

/// An outside verifier's answer, held to the core's own choice: only a key of this key set
/// among the candidates (positions in `keys()`) the core selected for this algorithm can
/// have verified the token.
fn outside_verdict(verdict: &Verdict, keys: &KeySet, alg: Algorithm, candidates: &[usize]) -> Result<String, Error> {
    match &verdict.0 {
        Outcome::Verified { .. } => verdict
            .verified_key(keys, candidates)
            .filter(|k| k.allows(alg))
            .map(|k| format!("{} (by WebCrypto)", k.describe()))
            .ok_or_else(|| {
                Error::new(
                    ErrorKind::SignatureInvalid,
                    "the outside verifier named a key that was not a candidate of this key set",
                )
            }),
        Outcome::Invalid | Outcome::Unavailable(_) => Err(Error::new(
            ErrorKind::SignatureInvalid,
            format!("the {alg} signature does not verify with the matching key(s)"),
        )),
    }
}

#[cfg(feature = "signature")]
fn verify_signature(alg: Algorithm, candidates: &[&Key], message: &[u8], sig: &[u8]) -> Result<String, Error> {
    candidates.iter().find(|k| k.verify(alg, message, sig)).map(|k| k.describe()).ok_or_else(|| {
        Error::new(ErrorKind::SignatureInvalid, format!("the {alg} signature does not verify with the matching key(s)"))
    })
}

#[cfg(not(feature = "signature"))]
fn verify_signature(_: Algorithm, _: &[&Key], _: &[u8], _: &[u8]) -> Result<String, Error> {
    Err(Error::new(ErrorKind::UnsupportedAlg, "this build of tokenward has no signature support"))
}

/// Time, issuer, audience, azp, kind and required-claim checks. `false` means stop.
fn claim_checks<S: Sink>(input: &Inputs<'_>, sink: &mut S, header: Option<&Header>, c: &Claims) -> bool {
    let (opts, now) = (input.opts, input.now);
    // Saturating throughout: the options are bounded by validate_options, but nothing here
    // may overflow whatever it is given.
    let tol = i64::try_from(opts.clock_tolerance).unwrap_or(i64::MAX);
    macro_rules! fail {
        ($id:expr, $err:expr) => {
            if !sink.fail($id, $err) {
                return false;
            }
        };
    }
    macro_rules! missing {
        ($claim:expr, $why:expr) => {
            Error::new(ErrorKind::MissingClaim, format!("claim {} is required{}", $claim, $why)).with_claim($claim)
        };
    }

    match c.exp() {
        None => fail!(id::EXP, missing!("exp", "")),
        Some(exp) if exp <= now.saturating_sub(tol) => fail!(
            id::EXP,
            Error::new(
                ErrorKind::Expired,
                format!("expired at {} ({}; tolerance {tol}s)", iso8601(exp), relative(exp, now))
            )
            .with_claim("exp")
        ),
        Some(exp) => sink.pass(id::EXP, || format!("expires at {} ({})", iso8601(exp), relative(exp, now))),
    }
    match c.nbf() {
        None => sink.skip(id::NBF, || "no nbf claim".into()),
        Some(nbf) if nbf > now.saturating_add(tol) => fail!(
            id::NBF,
            Error::new(ErrorKind::NotYetValid, format!("not valid before {} ({})", iso8601(nbf), relative(nbf, now)))
                .with_claim("nbf")
        ),
        Some(nbf) => sink.pass(id::NBF, || format!("valid since {} ({})", iso8601(nbf), relative(nbf, now))),
    }
    match c.iat() {
        None => sink.skip(id::IAT, || "no iat claim".into()),
        Some(iat) if iat > now.saturating_add(tol) => fail!(
            id::IAT,
            Error::new(
                ErrorKind::IssuedInFuture,
                format!("issued in the future at {} ({})", iso8601(iat), relative(iat, now))
            )
            .with_claim("iat")
        ),
        Some(iat) => sink.pass(id::IAT, || format!("issued at {} ({})", iso8601(iat), relative(iat, now))),
    }
    match (opts.max_age, c.iat()) {
        (None, _) => sink.skip(id::MAX_AGE, || "no maxAge option".into()),
        (Some(_), None) => fail!(id::MAX_AGE, missing!("iat", " by the maxAge option")),
        (Some(max), Some(iat)) => {
            let max = i64::try_from(max).unwrap_or(i64::MAX);
            let age = now.saturating_sub(iat);
            if age.saturating_sub(max) > tol {
                fail!(
                    id::MAX_AGE,
                    Error::new(ErrorKind::TooOld, format!("issued {}s ago, more than maxAge {max}s", age))
                        .with_claim("iat")
                );
            } else {
                sink.pass(id::MAX_AGE, || format!("age {age}s within maxAge {max}s"));
            }
        }
    }

    if opts.issuer.is_empty() {
        sink.skip(id::ISS, || match c.iss() {
            Some(iss) => format!("no issuer option (token iss \"{}\")", sanitize(iss, 80)),
            None => "no issuer option".into(),
        });
    } else {
        match c.iss() {
            None => fail!(id::ISS, missing!("iss", " by the issuer option")),
            Some(iss) if opts.issuer.iter().any(|i| i == iss) => {
                sink.pass(id::ISS, || format!("iss \"{}\" is expected", sanitize(iss, 120)))
            }
            Some(iss) => fail!(
                id::ISS,
                Error::new(
                    ErrorKind::IssuerMismatch,
                    format!("iss \"{}\" is not an expected issuer", sanitize(iss, 80))
                )
                .with_claim("iss")
            ),
        }
    }

    let aud = c.aud();
    if opts.audience.is_empty() {
        sink.skip(id::AUD, || format!("no audience option (token aud: {})", quoted(&aud)));
    } else if aud.is_empty() {
        fail!(id::AUD, missing!("aud", " by the audience option"));
    } else if let Some(hit) = aud.iter().find(|a| opts.audience.iter().any(|x| x == *a)) {
        sink.pass(id::AUD, || format!("aud contains \"{hit}\""));
    } else {
        fail!(
            id::AUD,
            Error::new(ErrorKind::AudienceMismatch, format!("aud {} contains no expected audience", quoted(&aud)))
                .with_claim("aud")
        );
    }

    match (&opts.azp, c.azp()) {
        (None, _) => sink.skip(id::AZP, || "no azp option".into()),
        (Some(_), None) => fail!(id::AZP, missing!("azp", " by the azp option")),
        (Some(want), Some(azp)) if want == azp => sink.pass(id::AZP, || format!("azp \"{azp}\" is expected")),
        (Some(_), Some(azp)) => fail!(
            id::AZP,
            Error::new(ErrorKind::AzpMismatch, format!("azp \"{}\" is not the expected client", sanitize(azp, 80)))
                .with_claim("azp")
        ),
    }

    let kind = TokenKind::classify(header.and_then(Header::typ), c.typ());
    match opts.kind {
        Some(want) if want == kind => sink.pass(id::KIND, || format!("{kind} token, as required")),
        Some(want) => fail!(
            id::KIND,
            Error::new(ErrorKind::WrongKind, format!("expected a {want} token, this is {}", describe_kind(kind)))
                .with_claim("typ")
        ),
        None if matches!(kind, TokenKind::Refresh | TokenKind::Offline) => fail!(
            id::KIND,
            Error::new(
                ErrorKind::WrongKind,
                format!("a {kind} token is a credential for the token endpoint; set kind to accept it"),
            )
            .with_claim("typ")
        ),
        // An ID token says who logged in to a client; it is no credential for an API.
        None if kind == TokenKind::Id => fail!(
            id::KIND,
            Error::new(ErrorKind::WrongKind, "an ID token is not an access token; set kind to 'id' to verify one")
                .with_claim("typ")
        ),
        None => sink.pass(id::KIND, || format!("{} (no kind required)", describe_kind(kind))),
    }

    if opts.required_claims.is_empty() {
        sink.skip(id::REQUIRED, || "no requiredClaims option".into());
    } else {
        match opts.required_claims.iter().find(|name| !c.contains(name)) {
            Some(name) => fail!(id::REQUIRED, missing!(name.as_str(), " by the requiredClaims option")),
            None => sink.pass(id::REQUIRED, || format!("present: {}", opts.required_claims.join(", "))),
        }
    }
    true
}

/// `"a", "b"` (bounded), for messages.
fn quoted(items: &[&str]) -> String {
    if items.is_empty() {
        return "none".into();
    }
    let list: Vec<String> = items.iter().take(8).map(|s| format!("\"{}\"", sanitize(s, 60))).collect();
    let more = if items.len() > 8 { ", …" } else { "" };
    format!("{}{more}", list.join(", "))
}

fn describe_kind(kind: TokenKind) -> String {
    match kind {
        TokenKind::Unknown => "a token of unknown kind".into(),
        k => format!("a {k} token"),
    }
}

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

/// Structure, header and signature checks only, for a JWS whose payload need not be JSON
/// claims. Returns the header and the payload bytes.
#[cfg(feature = "signature")]
pub(crate) fn run_jws(input: &Inputs<'_>) -> Result<(Header, Vec<u8>), Error> {
    let seg = compact::split(input.token)?;
    let sig = compact::decode_signature(&seg)?;
    let header = compact::decode_header(&seg)?;
    let mut sink = FirstFailure::default();
    // The payload is decoded only after crit and the signature: with an unsupported
    // extension such as b64:false it need not be base64url at all.
    match signature_checks(input, &mut sink, &header, &seg, &sig) {
        Some(true) => Ok((header, crate::jose::b64::decode("payload", seg.payload)?)),
        _ => Err(sink.0.unwrap_or_else(|| Error::new(ErrorKind::SignatureInvalid, "signature not verified"))),
    }
}

/// Everything before the signature, in `verify`'s order (structure, header, payload, crit,
/// algorithm, key): the token, its algorithm, the candidate keys (positions in the set),
/// the signing input and the signature, for a verifier outside this crate.
pub(crate) fn before_signature(input: &Inputs<'_>) -> Result<(Token, Algorithm, Vec<usize>, Vec<u8>), Error> {
    let seg = compact::split(input.token)?;
    let sig = compact::decode_signature(&seg)?;
    let header = compact::decode_header(&seg)?;
    let claims = compact::decode_claims(&seg)?;
    header.check_extensions()?;
    let alg = choose_alg(input, &header)?;
    let keys = input.keys.ok_or_else(|| Error::new(ErrorKind::KeyNotFound, "no key set given"))?;
    let candidates = keys.select_indexed(alg, header.kid())?;
    Ok((Token::new(header, claims), alg, candidates, sig))
}

/// The checks a cached, already verified token must pass again on every use: the
/// algorithm allow-list and every claim check, under this call's options and clock.
pub(crate) fn recheck(input: &Inputs<'_>, token: &Token) -> Result<(), Error> {
    choose_alg(input, token.header())?;
    let mut sink = FirstFailure::default();
    claim_checks(input, &mut sink, Some(token.header()), token.claims());
    sink.0.map_or(Ok(()), Err)
}
