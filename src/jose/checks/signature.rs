//! crit, algorithm, key and signature: what may verify the token, and whether it does.

use crate::prelude::*;

use super::{check, id, Inputs, Outcome, Sink, State, Verdict};
use crate::jose::algorithm::Algorithm;
use crate::jose::error::{Error, ErrorKind};
use crate::jose::header::Header;
use crate::jose::keyset::{Key, KeySet};

pub(super) fn crit<S: Sink>(st: &mut State<'_>, sink: &mut S) -> bool {
    let Some(header) = st.header() else { return true };
    check!(sink, id::CRIT, header.check_extensions(), |_: &()| "no critical extensions".to_string());
    true
}

pub(super) fn algorithm<S: Sink>(st: &mut State<'_>, input: &Inputs<'_>, sink: &mut S) -> bool {
    let Some(header) = st.header() else { return true };
    let alg =
        check!(sink, id::ALGORITHM, choose_alg(input, header), |a: &Algorithm| format!("{a} is supported and allowed"));
    st.found.alg = alg;
    true
}

pub(super) fn key<S: Sink>(st: &mut State<'_>, input: &Inputs<'_>, sink: &mut S) -> bool {
    let (Some(header), Some(alg), Some(keys)) = (st.header(), st.found.alg, input.keys) else { return true };
    st.found.candidates = check!(sink, id::KEY, keys.select_indexed(alg, header.kid()), |c: &Vec<usize>| {
        let names: Vec<String> = c.iter().map(|&i| keys.keys()[i].describe()).collect();
        format!("{} matching key(s): {}", c.len(), names.join("; "))
    });
    true
}

pub(super) fn signature<S: Sink>(st: &mut State<'_>, input: &Inputs<'_>, sink: &mut S) -> bool {
    let (Some(alg), Some(keys), Some(candidates)) = (st.found.alg, input.keys, st.found.candidates.as_deref()) else {
        return true;
    };
    let verified = match input.verdict {
        Some(Verdict(Outcome::Unavailable(why))) => {
            sink.skip(id::SIGNATURE, || format!("signature not checked: {why}"));
            return true;
        }
        Some(verdict) => match st.found.signature.as_deref() {
            Some(sig) => outside_verdict(verdict, keys, alg, candidates, sig),
            None => return true,
        },
        None if !cfg!(feature = "signature") => {
            sink.skip(id::SIGNATURE, || "this build has no signature crypto (tokenward/lite)".into());
            return true;
        }
        None => match (st.segments, st.found.signature.as_deref()) {
            (Some(seg), Some(sig)) => {
                let keys: Vec<&Key> = candidates.iter().map(|&i| &keys.keys()[i]).collect();
                verify_signature(alg, &keys, seg.signing_input.as_bytes(), sig)
            }
            _ => return true,
        },
    };
    st.found.signature_ok =
        check!(sink, id::SIGNATURE, verified, |k: &String| format!("verified with {alg} and key {k}")).is_some();
    true
}

fn choose_alg(input: &Inputs<'_>, header: &Header) -> Result<Algorithm, Error> {
    let alg: Algorithm = header.alg().parse()?;
    let allowed = match (&input.opts.algorithms, input.keys) {
        (Some(list), _) => list.contains(&alg),
        (None, Some(keys)) => keys.allows(alg),
        (None, None) => true,
    };
    if !allowed {
        // A token whose kid names a key the set refused (a 1024-bit RSA key, say) is about
        // that key, not about the allow-list the refusal left without its algorithm.
        if let (None, Some(keys), Some(kid)) = (&input.opts.algorithms, input.keys, header.kid()) {
            if let Some(err) = keys.rejected_kid(kid) {
                return Err(err);
            }
        }
        let source = if input.opts.algorithms.is_some() { "the algorithms option" } else { "the key set" };
        return Err(Error::new(ErrorKind::AlgNotAllowed, format!("{alg} is not allowed by {source}")).with_claim("alg"));
    }
    Ok(alg)
}

/// An outside verifier's answer, held to the core's own choice: only a key of this key set
/// among the candidates (positions in `keys()`) the core selected for this algorithm can
/// have verified the token.
fn outside_verdict(
    verdict: &Verdict,
    keys: &KeySet,
    alg: Algorithm,
    candidates: &[usize],
    signature: &[u8],
) -> Result<String, Error> {
    match &verdict.0 {
        Outcome::Verified { .. } => {
            let key = verdict.verified_key(keys, candidates).filter(|k| k.allows(alg)).ok_or_else(|| {
                Error::new(
                    ErrorKind::SignatureInvalid,
                    "the outside verifier named a key that was not a candidate of this key set",
                )
            })?;
            // No verifier's "yes" stands for a signature this key could not have made.
            if !key.could_have_signed(signature) {
                return Err(does_not_verify(alg));
            }
            Ok(format!("{} (by WebCrypto)", key.describe()))
        }
        Outcome::Invalid | Outcome::Unavailable(_) => Err(does_not_verify(alg)),
    }
}

pub(crate) fn does_not_verify(alg: Algorithm) -> Error {
    Error::new(ErrorKind::SignatureInvalid, format!("the {alg} signature does not verify with the matching key(s)"))
}

#[cfg(feature = "signature")]
fn verify_signature(alg: Algorithm, candidates: &[&Key], message: &[u8], sig: &[u8]) -> Result<String, Error> {
    candidates.iter().find(|k| k.verify(alg, message, sig)).map(|k| k.describe()).ok_or_else(|| does_not_verify(alg))
}

#[cfg(not(feature = "signature"))]
fn verify_signature(_: Algorithm, _: &[&Key], _: &[u8], _: &[u8]) -> Result<String, Error> {
    Err(Error::new(ErrorKind::UnsupportedAlg, "this build of tokenward has no signature support"))
}
