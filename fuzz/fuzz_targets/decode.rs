//! Compact parsing and decode: any bytes as a token. An input with a 0x00 byte is instead
//! `header JSON 0x00 payload JSON [0x00 signature bytes]`, each part base64url-encoded here,
//! so mutations reach the JSON behind the encoding. Never panics; what decode accepts is
//! consistent, and decode agrees with explain's structure, header and payload checks.
#![no_main]

use libfuzzer_sys::fuzz_target;
use tokenward::{decode, explain, Status, TokenKind, VerifyOptions};
use tokenward_fuzz::{b64, b64_decode, NOW};

fuzz_target!(|data: &[u8]| {
    let token = if data.contains(&0) {
        let mut parts = data.splitn(3, |&b| b == 0);
        let mut next = || b64(parts.next().unwrap_or_default());
        format!("{}.{}.{}", next(), next(), next())
    } else {
        String::from_utf8_lossy(data).into_owned()
    };

    let decoded = decode(&token);
    // No key set: the pipeline decodes and checks the claims, never the signature.
    let report = explain(&token, None, &VerifyOptions::default(), NOW);
    assert!(!report.ok, "explain without keys accepted {token:?}");
    let status = |id: &str| report.check(id).map(|c| c.status);
    let parsing = ["structure", "header", "payload"];
    match &decoded {
        Ok(t) => {
            for id in parsing {
                assert_eq!(status(id), Some(Status::Pass), "decode accepted what {id} refuses: {token:?}");
            }
            assert_eq!(t.kind(), TokenKind::classify(t.header().typ(), t.claims().typ()));
            assert_eq!(report.kind, Some(t.kind()));
            assert_eq!(report.header.as_ref(), Some(t.header()));
            assert_eq!(report.claims.as_ref(), Some(t.claims()));
            // The header and payload are the segments' bytes, exactly.
            let mut segments = token.split('.');
            let mut segment = || b64_decode(segments.next().unwrap()).expect("decode accepted non-base64url");
            assert_eq!(segment(), t.header().json().as_bytes());
            assert_eq!(segment(), t.claims().json().as_bytes());
            assert_eq!(Some(t.header().alg()), t.header().raw().get("alg").and_then(|v| v.as_str()));
        }
        Err(e) => {
            assert_eq!(e.code(), "malformed", "{token:?}: {e}");
            let failed = report.checks.iter().filter(|c| parsing.contains(&c.id)).find(|c| c.status == Status::Fail);
            assert_eq!(failed.and_then(|c| c.code), Some(e.code()), "decode refused what explain parses: {token:?}");
        }
    }
    // The inspector takes any pasted text (never fails) and summarises any report.
    let _ = tokenward::inspect::inspect(&token, NOW);
    let _ = tokenward::inspect::summary(&report);
});
