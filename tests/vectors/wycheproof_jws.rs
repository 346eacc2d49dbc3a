//! Wycheproof json_web_signature_test.json: compact JWS through `verify_jws`, key set from
//! the group's public JWK (or, for HMAC groups, its oct secret through `from_secret`).
//! JSON-serialized JWS are out of scope and must be refused as malformed.

use crate::common::{self, array, say, Expected, IdKind, Tally};
use crate::jose;

const FILE: &str = "json_web_signature_test.json";

#[test]
fn wycheproof_json_web_signature() {
    let Some(doc) = common::load("wycheproof", FILE) else { return };
    let mut tally = Tally::new("wycheproof", FILE, IdKind::TcId);
    let mut special = Vec::new();
    for group in array(&doc, "testGroups") {
        let keys = jose::group_keyset(group);
        for test in array(group, "tests") {
            let tc = test["tcId"].as_u64().expect("tcId");
            let id = format!("{FILE} tcId {tc}");
            let jws = &test["jws"];
            let token = match jws.as_str() {
                Some(s) => s.to_string(),
                None => jws.to_string(),
            };
            let checked = jose::check(&id, &token, &keys, None);
            if !jws.is_string() {
                // JSON serialization: out of scope, but never accepted.
                assert_eq!(
                    checked.code,
                    Some("malformed"),
                    "{id}: JSON serialization not refused as malformed: {}",
                    checked.detail
                );
            }
            if let Some(member) = checked.special {
                special.push(format!("{tc} ({member}: {})", checked.code.unwrap_or("-")));
            }
            tally.record(tc, Expected::of(test), checked.accepted, checked.detail);
        }
        for (tc, twin) in common::contradictions(array(group, "tests"), "jws") {
            tally.mark_defect(tc, format!("jws byte-identical to valid tcId {twin} of the same group"));
        }
    }
    say(&format!("wycheproof {FILE}: crit/b64/none headers refused: [{}]", special.join(", ")));
    tally.finish();
}
