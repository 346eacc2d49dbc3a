//! Wycheproof json_web_key_test.json: key sets with unsafe or unusable keys (small or
//! ROCA RSA moduli, exponent 1, short or empty HMAC secrets, wrong use / alg / curve / kty,
//! points off the curve, AES keys), each with a JWS that must then fail to verify.

use crate::common::{self, array, say, Expected, IdKind, Tally};
use crate::jose;

const FILE: &str = "json_web_key_test.json";

#[test]
fn wycheproof_json_web_key() {
    let Some(doc) = common::load("wycheproof", FILE) else { return };
    let mut tally = Tally::new("wycheproof", FILE, IdKind::TcId);
    let mut special = Vec::new();
    for group in array(&doc, "testGroups") {
        let keys = jose::group_keyset(group);
        for test in array(group, "tests") {
            let tc = test["tcId"].as_u64().expect("tcId");
            let id = format!("{FILE} tcId {tc}");
            let token = test["jws"].as_str().unwrap_or_else(|| panic!("{id}: jws is not a compact string"));
            let checked = jose::check(&id, token, &keys, None);
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
