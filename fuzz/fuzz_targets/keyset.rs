//! KeySet parsing: any bytes as a JWKS document (or a lone JWK). Never panics; a parsed set
//! accounts for every entry (kept or rejected with a reason), every kept key is one the rules
//! allow (re-derived here from its JSON), can verify something and rebuilds from its public
//! JWK, and verify and explain agree on one token.
#![no_main]

use libfuzzer_sys::fuzz_target;
use serde_json::Value;
use tokenward::limits::{MAX_KEYS, MAX_RSA_BITS, MIN_RSA_BITS};
use tokenward::{explain, verify, Algorithm, KeyFamily, KeySet, VerifyOptions};
use tokenward_fuzz::NOW;

/// An ES256 token from the fixed P-256 key (kid "p256"), valid at `NOW`, for verify and
/// explain to agree on with whatever set was parsed.
const TOKEN: &str = include_str!("../seeds/decode/es256.jwt");

fuzz_target!(|data: &[u8]| {
    let text = String::from_utf8_lossy(data);
    let set = match KeySet::from_jwks(&text) {
        Ok(set) => set,
        Err(e) => {
            assert!(matches!(e.code(), "malformed" | "key_rejected"), "{e}");
            return;
        }
    };
    // A document tokenward accepts is JSON; its entries are the keys array or the lone JWK.
    let doc: Value = serde_json::from_str(&text).expect("from_jwks accepted what serde_json refuses");
    let entries = doc.get("keys").and_then(Value::as_array).map_or(1, Vec::len);
    assert!(!set.keys().is_empty() && set.keys().len() <= MAX_KEYS);
    assert_eq!(set.keys().len() + set.rejected().len(), entries, "an entry is neither kept nor rejected");
    let mut last = None;
    for r in set.rejected() {
        assert!(r.index < entries && last.is_none_or(|l| l < r.index), "rejected indexes out of order: {r:?}");
        assert!(!r.reason.is_empty(), "{r:?}");
        let entry = doc.get("keys").and_then(|k| k.get(r.index)).unwrap_or(&doc);
        assert_eq!(r.kid.as_deref(), entry.get("kid").and_then(Value::as_str), "{r:?}");
        last = Some(r.index);
    }
    let kept = (0..entries).filter(|i| set.rejected().iter().all(|r| r.index != *i));
    for (key, index) in set.keys().iter().zip(kept) {
        let entry = doc.get("keys").and_then(|k| k.get(index)).unwrap_or(&doc);
        let member = |name: &str| entry.get(name).and_then(Value::as_str);
        let private = ["d", "p", "q", "dp", "dq", "qi", "oth"].iter().find(|m| entry.get(**m).is_some());
        assert!(private.is_none(), "key {index} kept with private member {private:?}");
        assert!(entry.get("use").is_none() || member("use") == Some("sig"), "key {index} kept: use");
        let ops = entry.get("key_ops").map(|o| o.as_array().is_some_and(|o| o.contains(&Value::from("verify"))));
        assert!(ops != Some(false), "key {index} kept without key_ops verify");
        assert_eq!(key.kid(), member("kid"));
        let family = match (member("kty"), member("crv")) {
            (Some("RSA"), _) => KeyFamily::Rsa,
            (Some("EC"), Some("P-256")) => KeyFamily::EcP256,
            (Some("EC"), Some("P-384")) => KeyFamily::EcP384,
            (Some("EC"), Some("P-521")) => KeyFamily::EcP521,
            (Some("OKP"), Some("Ed25519")) => KeyFamily::Ed25519,
            other => panic!("key {index} kept with kty and crv {other:?}"),
        };
        assert_eq!(key.family(), family);
        let alg = entry.get("alg").map(|a| a.as_str().and_then(|a| a.parse::<Algorithm>().ok()));
        assert!(alg.is_none_or(|a| a.is_some_and(|a| a.family() == family)), "key {index} kept with alg {alg:?}");
        let bits = key.info().bits;
        let size_ok = match family {
            KeyFamily::Rsa => (MIN_RSA_BITS..=MAX_RSA_BITS).contains(&bits),
            KeyFamily::EcP384 => bits == 384,
            KeyFamily::EcP521 => bits == 521,
            _ => bits == 256,
        };
        assert!(size_ok, "key {index} kept with {bits} bits");
        assert!(set.algorithms().iter().any(|&a| key.allows(a)), "a kept key verifies nothing: {:?}", key.info());
        let jwk = key.public_jwk().expect("a JWKS holds no HMAC secret");
        let jwk: serde_json::Map<String, Value> =
            jwk.into_iter().map(|(k, v)| (k.to_string(), Value::from(v))).collect();
        let rebuilt = KeySet::from_jwks(&Value::Object(jwk).to_string()).expect("a kept key's public JWK is refused");
        assert_eq!(rebuilt.keys()[0].family(), key.family());
        assert_eq!(rebuilt.keys()[0].info().bits, key.info().bits);
    }
    let _ = tokenward::inspect::key_notes(&set);
    let opts = VerifyOptions::default();
    let verified = verify(TOKEN, &set, &opts, NOW);
    let report = explain(TOKEN, Some(&set), &opts, NOW);
    assert_eq!(report.ok, verified.is_ok());
    if let Err(e) = &verified {
        assert_eq!(report.failures().next().and_then(|c| c.code), Some(e.code()));
    }
});
