//! The claim checks: time (exp, nbf, iat, max_age), issuer, audience, azp, kind and the
//! required claims, under the call's options and clock.

use crate::prelude::*;

use super::{id, Inputs, Sink, Stage};
use crate::jose::claims::Claims;
use crate::jose::error::sanitize;
use crate::jose::error::{Error, ErrorKind};
use crate::jose::header::Header;
use crate::jose::kind::TokenKind;
use crate::jose::time_fmt::{iso8601, relative};

/// One claim check; `false` means the sink stopped.
pub(super) fn check<S: Sink>(
    stage: Stage,
    input: &Inputs<'_>,
    header: Option<&Header>,
    c: &Claims,
    sink: &mut S,
) -> bool {
    let result = match stage {
        Stage::Exp => exp(input, c, sink),
        Stage::Nbf => nbf(input, c, sink),
        Stage::Iat => iat(input, c, sink),
        Stage::MaxAge => max_age(input, c, sink),
        Stage::Iss => iss(input, c, sink),
        Stage::Aud => aud(input, c, sink),
        Stage::Azp => azp(input, c, sink),
        Stage::Kind => kind(input, header, c, sink),
        Stage::Required => required(input, c, sink),
        _ => Ok(()),
    };
    match result {
        Ok(()) => true,
        Err(e) => sink.fail(stage.id(), e),
    }
}

/// Saturating throughout: the options are bounded by validate_options, but nothing here may
/// overflow whatever it is given.
fn tolerance(input: &Inputs<'_>) -> i64 {
    i64::try_from(input.opts.clock_tolerance).unwrap_or(i64::MAX)
}

fn missing(claim: &str, why: &str) -> Error {
    Error::new(ErrorKind::MissingClaim, format!("claim {claim} is required{why}")).with_claim(claim)
}

type Checked = Result<(), Error>;

fn exp<S: Sink>(input: &Inputs<'_>, c: &Claims, sink: &mut S) -> Checked {
    let (now, tol) = (input.now, tolerance(input));
    match c.exp() {
        None => Err(missing("exp", "")),
        Some(exp) if exp <= now.saturating_sub(tol) => Err(Error::new(
            ErrorKind::Expired,
            format!("expired at {} ({}; tolerance {tol}s)", iso8601(exp), relative(exp, now)),
        )
        .with_claim("exp")),
        Some(exp) => {
            sink.pass(id::EXP, || format!("expires at {} ({})", iso8601(exp), relative(exp, now)));
            Ok(())
        }
    }
}

fn nbf<S: Sink>(input: &Inputs<'_>, c: &Claims, sink: &mut S) -> Checked {
    let (now, tol) = (input.now, tolerance(input));
    match c.nbf() {
        None => sink.skip(id::NBF, || "no nbf claim".into()),
        Some(nbf) if nbf > now.saturating_add(tol) => {
            return Err(Error::new(
                ErrorKind::NotYetValid,
                format!("not valid before {} ({})", iso8601(nbf), relative(nbf, now)),
            )
            .with_claim("nbf"))
        }
        Some(nbf) => sink.pass(id::NBF, || format!("valid since {} ({})", iso8601(nbf), relative(nbf, now))),
    }
    Ok(())
}

fn iat<S: Sink>(input: &Inputs<'_>, c: &Claims, sink: &mut S) -> Checked {
    let (now, tol) = (input.now, tolerance(input));
    match c.iat() {
        None => sink.skip(id::IAT, || "no iat claim".into()),
        Some(iat) if iat > now.saturating_add(tol) => {
            return Err(Error::new(
                ErrorKind::IssuedInFuture,
                format!("issued in the future at {} ({})", iso8601(iat), relative(iat, now)),
            )
            .with_claim("iat"))
        }
        Some(iat) => sink.pass(id::IAT, || format!("issued at {} ({})", iso8601(iat), relative(iat, now))),
    }
    Ok(())
}

fn max_age<S: Sink>(input: &Inputs<'_>, c: &Claims, sink: &mut S) -> Checked {
    let (now, tol) = (input.now, tolerance(input));
    match (input.opts.max_age, c.iat()) {
        (None, _) => sink.skip(id::MAX_AGE, || "no maxAge option".into()),
        (Some(_), None) => return Err(missing("iat", " by the maxAge option")),
        (Some(max), Some(iat)) => {
            let max = i64::try_from(max).unwrap_or(i64::MAX);
            let age = now.saturating_sub(iat);
            if age.saturating_sub(max) > tol {
                return Err(Error::new(ErrorKind::TooOld, format!("issued {age}s ago, more than maxAge {max}s"))
                    .with_claim("iat"));
            }
            sink.pass(id::MAX_AGE, || format!("age {age}s within maxAge {max}s"));
        }
    }
    Ok(())
}

fn iss<S: Sink>(input: &Inputs<'_>, c: &Claims, sink: &mut S) -> Checked {
    let issuers = &input.opts.issuer;
    if issuers.is_empty() {
        sink.skip(id::ISS, || match c.iss() {
            Some(iss) => format!("no issuer option (token iss \"{}\")", sanitize(iss, 80)),
            None => "no issuer option".into(),
        });
        return Ok(());
    }
    match c.iss() {
        None => Err(missing("iss", " by the issuer option")),
        Some(iss) if issuers.iter().any(|i| i == iss) => {
            sink.pass(id::ISS, || format!("iss \"{}\" is expected", sanitize(iss, 120)));
            Ok(())
        }
        Some(iss) => Err(Error::new(
            ErrorKind::IssuerMismatch,
            format!("iss \"{}\" is not an expected issuer", sanitize(iss, 80)),
        )
        .with_claim("iss")),
    }
}

fn aud<S: Sink>(input: &Inputs<'_>, c: &Claims, sink: &mut S) -> Checked {
    let (want, aud) = (&input.opts.audience, c.aud());
    if want.is_empty() {
        sink.skip(id::AUD, || format!("no audience option (token aud: {})", quoted(&aud)));
        return Ok(());
    }
    if aud.is_empty() {
        return Err(missing("aud", " by the audience option"));
    }
    match aud.iter().find(|a| want.iter().any(|x| x == *a)) {
        Some(hit) => {
            sink.pass(id::AUD, || format!("aud contains \"{hit}\""));
            Ok(())
        }
        None => {
            Err(Error::new(ErrorKind::AudienceMismatch, format!("aud {} contains no expected audience", quoted(&aud)))
                .with_claim("aud"))
        }
    }
}

fn azp<S: Sink>(input: &Inputs<'_>, c: &Claims, sink: &mut S) -> Checked {
    match (&input.opts.azp, c.azp()) {
        (None, _) => sink.skip(id::AZP, || "no azp option".into()),
        (Some(_), None) => return Err(missing("azp", " by the azp option")),
        (Some(want), Some(azp)) if want == azp => sink.pass(id::AZP, || format!("azp \"{azp}\" is expected")),
        (Some(_), Some(azp)) => {
            return Err(Error::new(
                ErrorKind::AzpMismatch,
                format!("azp \"{}\" is not the expected client", sanitize(azp, 80)),
            )
            .with_claim("azp"))
        }
    }
    Ok(())
}

fn kind<S: Sink>(input: &Inputs<'_>, header: Option<&Header>, c: &Claims, sink: &mut S) -> Checked {
    let kind = TokenKind::classify(header.and_then(Header::typ), c.typ());
    let wrong = |m: String| Err(Error::new(ErrorKind::WrongKind, m).with_claim("typ"));
    match input.opts.kind {
        Some(want) if want == kind => sink.pass(id::KIND, || format!("{kind} token, as required")),
        Some(want) => return wrong(format!("expected a {want} token, this is {}", describe_kind(kind))),
        None if matches!(kind, TokenKind::Refresh | TokenKind::Offline) => {
            return wrong(format!("a {kind} token is a credential for the token endpoint; set kind to accept it"))
        }
        // An ID token says who logged in to a client; it is no credential for an API.
        None if kind == TokenKind::Id => {
            return wrong("an ID token is not an access token; set kind to 'id' to verify one".into())
        }
        None => sink.pass(id::KIND, || format!("{} (no kind required)", describe_kind(kind))),
    }
    Ok(())
}

fn required<S: Sink>(input: &Inputs<'_>, c: &Claims, sink: &mut S) -> Checked {
    let names = &input.opts.required_claims;
    if names.is_empty() {
        sink.skip(id::REQUIRED, || "no requiredClaims option".into());
        return Ok(());
    }
    match names.iter().find(|name| !c.contains(name)) {
        Some(name) => Err(missing(name, " by the requiredClaims option")),
        None => {
            sink.pass(id::REQUIRED, || format!("present: {}", names.join(", ")));
            Ok(())
        }
    }
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
