//! verify and explain with the fixed key sets: two option blocks, then a token (see
//! `tokenward_fuzz::split_input`). Whatever the input, the paths that decide a token agree:
//! - explain's `ok` is verify's verdict, and when verify fails, explain's first failed check
//!   (the `options` pseudo-check included, which comes first) has verify's code and claim;
//! - explain lists every check, once, in verify's order;
//! - verify_start / verify_here / verify_finish is verify;
//! - explain_with_verdict given verify_here's answer reports what explain does;
//! - verify_jws accepts only when structure, header and the signature checks pass, and always
//!   when the payload check passes too;
//! - a cache hit answers as a fresh verification, under other options and clock too;
//! - and what verify accepts meets every documented rule, re-derived here from the claims'
//!   JSON and the options (a rule both pipelines got wrong would pass the checks above).
#![no_main]

use libfuzzer_sys::fuzz_target;
use serde_json::Value;
use tokenward::{
    check_id as id, explain, explain_signature_input, explain_with_verdict, verify, verify_finish, verify_jws,
    verify_start, Algorithm, Error, KeyFamily, KeySet, Report, Started, Status, Token, TokenKind, Verdict,
    VerifyOptions,
};
use tokenward_fuzz::{b64_decode, fresh_set, hs256, sets, split_input, token_of};

/// The check ids in verify's order, each exactly once in every report (after `options`).
const ORDER: [&str; 16] = [
    id::STRUCTURE,
    id::HEADER,
    id::PAYLOAD,
    id::CRIT,
    id::ALGORITHM,
    id::KEY,
    id::SIGNATURE,
    id::EXP,
    id::NBF,
    id::IAT,
    id::MAX_AGE,
    id::ISS,
    id::AUD,
    id::AZP,
    id::KIND,
    id::REQUIRED,
];

/// What a verification's outcome is judged by: the token's parts, or the error's code and claim.
fn outcome(r: &Result<Token, Error>) -> Result<(&tokenward::Header, &tokenward::Claims), (&str, Option<&str>)> {
    match r {
        Ok(t) => Ok((t.header(), t.claims())),
        Err(e) => Err((e.code(), e.claim())),
    }
}

fn two_phase(token: &str, keys: &KeySet, opts: &VerifyOptions, now: i64) -> Result<Token, Error> {
    match verify_start(token, keys, opts, now)? {
        Started::Verified(t) => Ok(t),
        Started::NeedsSignature(p) => {
            let verdict = p.verify_here(keys);
            verify_finish(p, &verdict, keys, opts, now)
        }
    }
}

fn check_report(token: &str, report: &Report, verified: &Result<Token, Error>) {
    assert_eq!(report.ok, verified.is_ok(), "explain's ok is not verify's verdict for {token:?}: {verified:?}");
    let ids: Vec<&str> = report.checks.iter().map(|c| c.id).skip_while(|&c| c == "options").collect();
    assert_eq!(ids, ORDER, "{token:?}");
    let first = report.failures().next();
    match verified {
        Ok(t) => {
            assert!(first.is_none(), "verify accepted, explain failed {first:?}");
            assert_eq!(report.header.as_ref(), Some(t.header()));
            assert_eq!(report.claims.as_ref(), Some(t.claims()));
            assert_eq!(report.kind, Some(t.kind()));
        }
        Err(e) => {
            let first = first.unwrap_or_else(|| panic!("verify refused ({e}), explain failed nothing: {token:?}"));
            assert_eq!((first.code, first.claim.as_deref()), (Some(e.code()), e.claim()), "{token:?}: {e}");
        }
    }
}

/// The rules an accepted token meets (README, "Options of verify / explain"), from the raw JSON.
fn assert_policy(token: &str, t: &Token, keys: &KeySet, opts: &VerifyOptions, now: i64) {
    let claims = t.claims().raw();
    let (now, tol) = (now as f64, opts.clock_tolerance as f64);
    let time = |name: &str| claims.get(name).map(|v| v.as_f64().unwrap_or_else(|| panic!("{name} {v} accepted")));
    let exp = time("exp").unwrap_or_else(|| panic!("accepted without exp: {token:?}"));
    assert!(exp.floor() > now - tol, "expired, accepted: {token:?}");
    assert!(time("nbf").is_none_or(|nbf| nbf.ceil() <= now + tol), "not yet valid, accepted: {token:?}");
    assert!(time("iat").is_none_or(|iat| iat.ceil() <= now + tol), "issued in the future, accepted: {token:?}");
    if let Some(max) = opts.max_age {
        let iat = time("iat").unwrap_or_else(|| panic!("maxAge without iat, accepted: {token:?}"));
        assert!(now - iat.ceil() - max as f64 <= tol, "too old, accepted: {token:?}");
    }
    let is = |name: &str, want: &str| claims.get(name).and_then(Value::as_str) == Some(want);
    assert!(opts.issuer.is_empty() || opts.issuer.iter().any(|i| is("iss", i)), "issuer: {token:?}");
    let aud: Vec<&str> = match claims.get("aud") {
        Some(Value::String(a)) => vec![a],
        Some(Value::Array(list)) => list.iter().filter_map(Value::as_str).collect(),
        _ => Vec::new(),
    };
    assert!(opts.audience.is_empty() || opts.audience.iter().any(|a| aud.contains(&a.as_str())), "aud: {token:?}");
    assert!(opts.azp.as_ref().is_none_or(|azp| is("azp", azp)), "azp: {token:?}");
    assert!(opts.required_claims.iter().all(|c| claims.contains_key(c)), "required: {token:?}");
    // The kind: the payload typ (Keycloak) or the header typ at+jwt (RFC 9068); both, disagreeing, is unknown.
    let header_typ = t.header().typ().map(|h| h.strip_prefix("application/").unwrap_or(h).to_ascii_lowercase());
    let from_header = (header_typ.as_deref() == Some("at+jwt")).then_some(TokenKind::Access);
    let from_payload = match claims.get("typ").and_then(Value::as_str) {
        Some("Bearer" | "bearer") => Some(TokenKind::Access),
        Some("ID") => Some(TokenKind::Id),
        Some("Refresh") => Some(TokenKind::Refresh),
        Some("Offline") => Some(TokenKind::Offline),
        _ => None,
    };
    let kind = match (from_header, from_payload) {
        (Some(h), Some(p)) if h != p => TokenKind::Unknown,
        (h, p) => h.or(p).unwrap_or(TokenKind::Unknown),
    };
    match opts.kind {
        Some(want) => assert_eq!(kind, want, "{token:?}"),
        None => assert!(matches!(kind, TokenKind::Access | TokenKind::Unknown), "{kind:?} accepted: {token:?}"),
    }
    // The algorithm: allowed, and one the key set holds a key for; an HMAC tag is the secret's.
    let alg: Algorithm = t.header().alg().parse().unwrap_or_else(|_| panic!("alg accepted: {token:?}"));
    assert!(opts.algorithms.as_ref().map_or(keys.allows(alg), |list| list.contains(&alg)), "{alg} accepted");
    assert!(keys.keys().iter().any(|k| k.family() == alg.family()), "{alg} accepted without a key of its family");
    if alg.family() == KeyFamily::Hmac {
        let (input, sig) = token.rsplit_once('.').expect("three segments");
        assert_eq!(alg, Algorithm::HS256, "the only secret is an HS256 one");
        assert_eq!(b64_decode(sig), Some(hs256(input.as_bytes())), "an HMAC tag not made with the secret: {token:?}");
    }
}

/// Check id, status and code: what a report decides, without the reasons' wording.
fn decisions(report: &Report) -> Vec<(&str, Status, Option<&str>)> {
    report.checks.iter().map(|c| (c.id, c.status, c.code)).collect()
}

fuzz_target!(|data: &[u8]| {
    let Some((a, b, body)) = split_input(data) else { return };
    let token = token_of(&a, body);
    let keys = &sets()[a.set()];
    let (opts, now) = (a.options(), a.now());

    let verified = verify(&token, keys, &opts, now);
    let report = explain(&token, Some(keys), &opts, now);
    check_report(&token, &report, &verified);
    if let Ok(t) = &verified {
        assert_policy(&token, t, keys, &opts, now);
    }
    assert_eq!(outcome(&two_phase(&token, keys, &opts, now)), outcome(&verified), "two-phase differs: {token:?}");

    // The outside-verifier path, fed the crate's own answer, decides as explain does.
    if let Ok(pending) = explain_signature_input(&token, keys, &opts) {
        let verdict = pending.verify_here(keys);
        let outside = explain_with_verdict(&token, keys, &opts, now, &verdict);
        assert_eq!(decisions(&outside), decisions(&report), "{token:?}");
        assert_eq!(outside.ok, report.ok);
        let unavailable = explain_with_verdict(&token, keys, &opts, now, &Verdict::unavailable("fuzz"));
        assert!(!unavailable.ok);
        assert_eq!(unavailable.check(id::SIGNATURE).map(|c| c.status), Some(Status::Skipped));
    }

    // verify_jws: structure, header, crit, algorithm, key and signature only.
    let jws = verify_jws(&token, keys, opts.algorithms.as_deref());
    let passed = |ids: &[&str]| ids.iter().all(|&c| report.check(c).is_some_and(|c| c.status == Status::Pass));
    let signature_checks = [id::STRUCTURE, id::HEADER, id::CRIT, id::ALGORITHM, id::KEY, id::SIGNATURE];
    match &jws {
        Ok((header, payload)) => {
            assert!(passed(&signature_checks), "verify_jws accepted what explain refuses: {token:?}");
            assert_eq!(Some(header), report.header.as_ref());
            if let Some(claims) = &report.claims {
                assert_eq!(payload, claims.json().as_bytes());
            }
        }
        Err(e) => assert!(!passed(&signature_checks) || !passed(&[id::PAYLOAD]), "verify_jws refused ({e}) {token:?}"),
    }

    // A verified token is cached: a hit must answer as a fresh verification would, for this
    // call's options and for block b's (other options, another clock).
    if let Ok(t) = &verified {
        let cached = fresh_set(a.set());
        let stored = t.claims().exp().is_some_and(|exp| now < exp);
        for (round, (o, n)) in [(&opts, now), (&opts, now), (&b.options(), b.now())].into_iter().enumerate() {
            let hit = verify(&token, &cached, o, n);
            assert_eq!(outcome(&hit), outcome(&verify(&token, keys, o, n)), "a cache hit differs: {token:?}");
            check_report(&token, &explain(&token, Some(&cached), o, n), &hit);
            if let Ok(t) = &hit {
                assert_policy(&token, t, keys, o, n);
            }
            if round == 1 {
                // Stored unless it expires now (passing within the tolerance): then a hit.
                assert_eq!(cached.cache_stats().hits, u64::from(stored), "{token:?}");
            }
        }
    }
});
