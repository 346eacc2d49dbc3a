//! Structure, header and payload: the token's shape, before anything in it is trusted.

use crate::prelude::*;

use super::{check, id, Inputs, Sink, State};
use crate::jose::claims::Claims;
use crate::jose::compact::{self, Segments};
use crate::jose::error::sanitize;
use crate::jose::header::Header;

pub(super) fn structure<'t, S: Sink>(st: &mut State<'t>, input: &Inputs<'t>, sink: &mut S) -> bool {
    let split = compact::split(input.token).and_then(|seg| compact::decode_signature(&seg).map(|sig| (seg, sig)));
    let split =
        check!(sink, id::STRUCTURE, split, |_: &(Segments<'_>, Vec<u8>)| "three base64url segments".to_string());
    match split {
        Some((seg, sig)) => {
            st.segments = Some(seg);
            st.found.signature = Some(sig);
        }
        None => st.split_failed = true,
    }
    true
}

pub(super) fn header<S: Sink>(st: &mut State<'_>, sink: &mut S) -> bool {
    let Some(seg) = st.segments else { return true };
    st.found.header = check!(sink, id::HEADER, compact::decode_header(&seg), describe_header);
    true
}

pub(super) fn payload<S: Sink>(st: &mut State<'_>, sink: &mut S) -> bool {
    let Some(seg) = st.segments else { return true };
    st.found.claims = check!(sink, id::PAYLOAD, compact::decode_claims(&seg), |c: &Claims| format!(
        "a JSON object with {} claims",
        c.raw().len()
    ));
    true
}

pub(super) fn jws_payload<S: Sink>(st: &mut State<'_>, sink: &mut S) -> bool {
    let Some(seg) = st.segments else { return true };
    st.found.payload = check!(sink, id::PAYLOAD, crate::jose::b64::decode("payload", seg.payload), |p: &Vec<u8>| {
        format!("{} bytes", p.len())
    });
    true
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
