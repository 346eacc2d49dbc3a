//! Shared plumbing: where the vectors are, how a case's outcome is judged against the
//! source's expectation, and the DEVIATIONS.md list that excuses intended differences.

use std::collections::{BTreeMap, BTreeSet};
use std::io::Write as _;
use std::path::{Path, PathBuf};

use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine as _;
use serde_json::Value;
use tokenward::{Algorithm, KeySet};

/// Every vector file the suite knows; DEVIATIONS.md may only name these.
pub const KNOWN_FILES: &[&str] = &[
    "json_web_signature_test.json",
    "json_web_key_test.json",
    "rsa_signature_2048_sha256_test.json",
    "rsa_signature_2048_sha384_test.json",
    "rsa_signature_2048_sha512_test.json",
    "rsa_pss_2048_sha256_mgf1_32_test.json",
    "rsa_pss_2048_sha384_mgf1_48_test.json",
    "ecdsa_secp256r1_sha256_p1363_test.json",
    "ecdsa_secp384r1_sha384_p1363_test.json",
    "ed25519_test.json",
    "hmac_sha256_test.json",
    "hmac_sha384_test.json",
    "hmac_sha512_test.json",
    "4_1.rsa_v15_signature.json",
    "4_2.rsa-pss_signature.json",
    "4_3.ecdsa_signature.json",
    "4_4.hmac-sha2_integrity_protection.json",
    "4_5.signature_with_detached_content.json",
    "4_6.protecting_specific_header_fields.json",
    "4_7.protecting_content_only.json",
    "4_8.multiple_signatures.json",
    "rfc8037_ed25519_jws.json",
];

/// The RFC 7520 (and RFC 8037) files of `KNOWN_FILES`: the ones named by section number or RFC.
pub fn rfc7520_files() -> Vec<&'static str> {
    KNOWN_FILES
        .iter()
        .copied()
        .filter(|f| f.starts_with(|c: char| c.is_ascii_digit()) || f.starts_with("rfc"))
        .collect()
}

const DEVIATIONS_MD: &str = include_str!("DEVIATIONS.md");

/// Write one line to the process's stderr directly: libtest captures `eprintln!` of
/// passing tests, this is visible with or without `--nocapture`.
pub fn say(line: &str) {
    let _ = std::io::stderr().lock().write_all(format!("{line}\n").as_bytes());
}

/// `$TOKENWARD_VECTORS`, else `<crate>/../shared/vectors`.
pub fn vectors_root() -> PathBuf {
    match std::env::var_os("TOKENWARD_VECTORS") {
        Some(p) if !p.is_empty() => PathBuf::from(p),
        _ => Path::new(env!("CARGO_MANIFEST_DIR")).join("..").join("shared").join("vectors"),
    }
}

/// Parse `<root>/<sub>/<file>`. `None`, after a SKIPPED line, when the file is absent;
/// a file that exists but does not parse is a failure.
pub fn load(sub: &str, file: &str) -> Option<Value> {
    let path = vectors_root().join(sub).join(file);
    if !path.is_file() {
        // In CI a missing corpus is a failure: a skip there would pass without testing.
        if std::env::var("CI").is_ok_and(|v| v == "true" || v == "1") {
            panic!("vectors not found at {} (CI=true; set TOKENWARD_VECTORS)", path.display());
        }
        say(&format!("SKIPPED: vectors not found at {} (set TOKENWARD_VECTORS)", path.display()));
        return None;
    }
    let text = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("reading {}: {e}", path.display()));
    Some(serde_json::from_str(&text).unwrap_or_else(|e| panic!("parsing {}: {e}", path.display())))
}

pub fn hex(s: &str) -> Vec<u8> {
    assert!(s.len().is_multiple_of(2), "odd-length hex {s:?}");
    (0..s.len()).step_by(2).map(|i| u8::from_str_radix(&s[i..i + 2], 16).expect("hex digit")).collect()
}

pub fn b64u(bytes: &[u8]) -> String {
    URL_SAFE_NO_PAD.encode(bytes)
}

pub fn unb64u(s: &str) -> Result<Vec<u8>, String> {
    URL_SAFE_NO_PAD.decode(s).map_err(|e| format!("bad base64url: {e}"))
}

pub fn str_of<'a>(v: &'a Value, key: &str) -> &'a str {
    v[key].as_str().unwrap_or_else(|| panic!("vector member {key} is not a string"))
}

/// Wycheproof `testGroups` / `tests` arrays.
pub fn array<'a>(v: &'a Value, key: &str) -> &'a [Value] {
    v[key].as_array().map(Vec::as_slice).unwrap_or_else(|| panic!("vector member {key} is not an array"))
}

/// A key set from one public JWK, for the signature-level (`verify_raw`) checks.
/// `Err` carries why there is no usable key.
pub fn keyset_from_jwk(jwk: &Value) -> Result<KeySet, String> {
    let set = KeySet::from_jwks(&jwk.to_string()).map_err(|e| format!("from_jwks: {e}"))?;
    match (set.keys().len(), set.rejected().first()) {
        (1, _) => Ok(set),
        (_, Some(r)) => Err(format!("key refused: {}", r.reason)),
        (n, None) => Err(format!("expected one key, got {n}")),
    }
}

/// `verify_raw` with the set's only key, or rejection when the key was refused.
pub fn raw_verify(keys: &Result<KeySet, String>, alg: Algorithm, msg: &[u8], sig: &[u8]) -> (bool, String) {
    match keys {
        Err(reason) => (false, reason.clone()),
        Ok(set) => {
            let ok = tokenward::crypto::verify_raw(&set.keys()[0], alg, msg, sig);
            (ok, if ok { "verified".into() } else { "verify_raw returned false".into() })
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Expected {
    Valid,
    Invalid,
    Acceptable,
}

impl Expected {
    pub fn of(test: &Value) -> Self {
        match test["result"].as_str() {
            Some("valid") => Self::Valid,
            Some("invalid") => Self::Invalid,
            Some("acceptable") => Self::Acceptable,
            other => panic!("unknown result {other:?}"),
        }
    }
}

/// How DEVIATIONS.md names a case of a file: Wycheproof `tcId` numbers or RFC 7520 case names.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum IdKind {
    TcId,
    Case,
}

impl IdKind {
    fn word(self) -> &'static str {
        match self {
            Self::TcId => "tcId",
            Self::Case => "case",
        }
    }
}

#[derive(Debug, Clone)]
pub struct Listed {
    pub kind: IdKind,
    pub reason: String,
    pub line: usize,
}

/// DEVIATIONS.md entries: file -> case id -> entry. Machine-readable lines look like
/// `- <file>.json tcId 12, 13, 20-25: reason` or `- <file>.json case json, json_flat: reason`;
/// every other line is prose. A line that starts like an entry but does not parse fails.
pub fn deviations() -> BTreeMap<String, BTreeMap<String, Listed>> {
    let mut out: BTreeMap<String, BTreeMap<String, Listed>> = BTreeMap::new();
    for (i, raw) in DEVIATIONS_MD.lines().enumerate() {
        let line = i + 1;
        let Some(rest) = raw.strip_prefix("- ") else { continue };
        let Some((file, rest)) = rest.split_once(' ') else { continue };
        if !file.ends_with(".json") {
            continue;
        }
        let bad = |why: &str| -> ! { panic!("DEVIATIONS.md line {line}: {why}: {raw}") };
        if !KNOWN_FILES.contains(&file) {
            bad("unknown vector file");
        }
        let (kind, rest) = match rest.split_once(' ') {
            Some(("tcId", r)) => (IdKind::TcId, r),
            Some(("case", r)) => (IdKind::Case, r),
            _ => bad("expected `tcId` or `case` after the file name"),
        };
        let Some((ids, reason)) = rest.split_once(':') else { bad("no `:` before the reason") };
        let reason = reason.trim();
        if reason.is_empty() {
            bad("empty reason");
        }
        let entries = out.entry(file.to_string()).or_default();
        for item in ids.split(',').map(str::trim) {
            let expanded: Vec<String> = match kind {
                IdKind::TcId => match item.split_once('-') {
                    Some((a, b)) => {
                        let (a, b): (u64, u64) = match (a.trim().parse(), b.trim().parse()) {
                            (Ok(a), Ok(b)) if a <= b => (a, b),
                            _ => bad("bad tcId range"),
                        };
                        (a..=b).map(|n| n.to_string()).collect()
                    }
                    None => match item.parse::<u64>() {
                        Ok(n) => vec![n.to_string()],
                        Err(_) => bad("bad tcId"),
                    },
                },
                IdKind::Case => {
                    if item.is_empty() || item.contains(char::is_whitespace) {
                        bad("bad case name");
                    }
                    vec![item.to_string()]
                }
            };
            for id in expanded {
                let entry = Listed { kind, reason: reason.to_string(), line };
                if let Some(prev) = entries.insert(id.clone(), entry) {
                    bad(&format!("{file} {id} already listed on line {}", prev.line));
                }
            }
        }
    }
    out
}

struct CaseResult {
    id: String,
    expected: Expected,
    accepted: bool,
    detail: String,
    /// Set when the test itself proved the vector contradicts another one.
    defect: Option<String>,
}

/// Outcomes for one vector file, judged on `finish`.
pub struct Tally {
    source: &'static str,
    file: String,
    kind: IdKind,
    results: Vec<CaseResult>,
}

impl Tally {
    pub fn new(source: &'static str, file: &str, kind: IdKind) -> Self {
        Self { source, file: file.to_string(), kind, results: Vec::new() }
    }

    pub fn record(&mut self, id: impl ToString, expected: Expected, accepted: bool, detail: impl Into<String>) {
        let id = id.to_string();
        assert!(!self.results.iter().any(|r| r.id == id), "{}: case {id} recorded twice", self.file);
        self.results.push(CaseResult { id, expected, accepted, detail: detail.into(), defect: None });
    }

    /// Mark a recorded case as a proven defect of the vector file (e.g. an "invalid" token
    /// byte-identical to a "valid" one). It still has to be listed in DEVIATIONS.md, but
    /// then may be an "invalid accepted".
    pub fn mark_defect(&mut self, id: impl ToString, why: impl Into<String>) {
        let id = id.to_string();
        let r = self.results.iter_mut().find(|r| r.id == id).unwrap_or_else(|| panic!("no case {id}"));
        r.defect = Some(why.into());
    }

    /// Print the summary line; fail on any unlisted deviation, on a listed "invalid accepted"
    /// that is not out of scope, and on listed entries that no longer deviate.
    pub fn finish(self) {
        let all = deviations();
        let empty = BTreeMap::new();
        let listed = all.get(&self.file).unwrap_or(&empty);
        let mut problems = Vec::new();
        let (mut unlisted_valid, mut unlisted_accepted) = (Vec::new(), Vec::new());
        let (mut as_expected, mut listed_count) = (0, 0);
        let (mut acc_yes, mut acc_no) = (Vec::new(), Vec::new());
        let mut deviating = BTreeSet::new();

        for r in &self.results {
            let deviation = match (r.expected, r.accepted) {
                (Expected::Valid, false) => Some("valid rejected"),
                (Expected::Invalid, true) => Some("INVALID ACCEPTED"),
                (Expected::Acceptable, a) => {
                    if a {
                        acc_yes.push(r.id.clone())
                    } else {
                        acc_no.push(r.id.clone())
                    }
                    None
                }
                _ => None,
            };
            let Some(what) = deviation else {
                as_expected += 1;
                continue;
            };
            deviating.insert(r.id.clone());
            match listed.get(&r.id) {
                None => {
                    if r.accepted { &mut unlisted_accepted } else { &mut unlisted_valid }.push(r.id.clone());
                    let defect = r.defect.as_ref().map(|d| format!(" [vector defect: {d}]")).unwrap_or_default();
                    problems.push(format!("  {} {}: {what} (unlisted): {}{defect}", self.kind.word(), r.id, r.detail));
                }
                Some(entry)
                    if r.accepted && r.defect.is_none() && !entry.reason.to_lowercase().contains("out of scope") =>
                {
                    problems.push(format!(
                        "  {} {}: {what}, listed on DEVIATIONS.md line {} but only out-of-scope cases (or proven vector defects) may be accepted against the expectation: {}",
                        self.kind.word(), r.id, entry.line, r.detail
                    ));
                }
                Some(_) => listed_count += 1,
            }
        }
        for (id, entry) in listed {
            if entry.kind != self.kind {
                problems.push(format!(
                    "  DEVIATIONS.md line {}: {} uses `{}`, expected `{}`",
                    entry.line,
                    self.file,
                    entry.kind.word(),
                    self.kind.word()
                ));
            }
            if !deviating.contains(id) {
                let state = match self.results.iter().find(|r| &r.id == id) {
                    None => "no such case in the file".to_string(),
                    Some(r) => format!("now as expected ({})", r.detail),
                };
                problems.push(format!(
                    "  {} {id}: stale DEVIATIONS.md entry (line {}): {state}",
                    self.kind.word(),
                    entry.line
                ));
            }
        }

        let mut summary = format!(
            "{} {}: {} cases, {} as expected, {} listed deviations",
            self.source,
            self.file,
            self.results.len(),
            as_expected,
            listed_count
        );
        if !acc_yes.is_empty() || !acc_no.is_empty() {
            summary.push_str(&format!(
                " (acceptable: accepted [{}], rejected [{}])",
                compact_ids(&acc_yes),
                compact_ids(&acc_no)
            ));
        }
        if !problems.is_empty() {
            summary.push_str(&format!(", {} PROBLEMS", problems.len()));
        }
        say(&summary);
        if !problems.is_empty() {
            let mut hint = String::new();
            if !unlisted_valid.is_empty() {
                hint.push_str(&format!(
                    "\nIf (and only if) the valid-rejected cases are intended policy, list them in tests/vectors/DEVIATIONS.md, e.g.\n- {} {} {}: <reason>",
                    self.file,
                    self.kind.word(),
                    compact_ids(&unlisted_valid)
                ));
            }
            if !unlisted_accepted.is_empty() {
                hint.push_str(&format!(
                    "\nINVALID ACCEPTED ({}): a bug in the core unless the case is out of scope; do not list it to make the test pass.",
                    compact_ids(&unlisted_accepted)
                ));
            }
            panic!("{} {}:\n{}{hint}", self.source, self.file, problems.join("\n"));
        }
    }
}

/// Within one test group, "invalid" tests whose `field` is byte-identical to a "valid"
/// test's: tcId -> the valid twin's tcId. Such a pair cannot both be right.
pub fn contradictions(tests: &[Value], field: &str) -> BTreeMap<u64, u64> {
    let mut out = BTreeMap::new();
    for t in tests.iter().filter(|t| Expected::of(t) == Expected::Invalid) {
        let twin = tests.iter().find(|v| Expected::of(v) == Expected::Valid && v[field] == t[field]);
        if let Some(v) = twin {
            out.insert(t["tcId"].as_u64().expect("tcId"), v["tcId"].as_u64().expect("tcId"));
        }
    }
    out
}

/// `1, 2, 3, 7` -> `1-3, 7` for numeric ids; names joined as they are.
pub fn compact_ids(ids: &[String]) -> String {
    let nums: Option<Vec<u64>> = ids.iter().map(|i| i.parse().ok()).collect();
    let Some(mut nums) = nums else { return ids.join(", ") };
    nums.sort_unstable();
    let mut parts = Vec::new();
    let mut i = 0;
    while i < nums.len() {
        let start = nums[i];
        while i + 1 < nums.len() && nums[i + 1] == nums[i] + 1 {
            i += 1;
        }
        parts.push(if nums[i] == start { start.to_string() } else { format!("{start}-{}", nums[i]) });
        i += 1;
    }
    parts.join(", ")
}

#[test]
fn deviations_md_is_well_formed() {
    let all = deviations();
    assert!(!all.is_empty(), "DEVIATIONS.md lists nothing machine-readable");
    for (file, entries) in &all {
        let kinds: BTreeSet<_> = entries.values().map(|e| e.kind.word()).collect();
        assert_eq!(kinds.len(), 1, "{file} mixes tcId and case entries");
    }
    assert_eq!(compact_ids(&["3".into(), "1".into(), "2".into(), "7".into()]), "1-3, 7");
}

/// A Wycheproof signature-verification file (`msg`, `sig` per test): `key_for` maps each
/// test group to its algorithm and key set; every test goes through `verify_raw`.
pub fn run_raw_file(file: &str, key_for: impl Fn(&Value) -> (Algorithm, Result<KeySet, String>)) {
    let Some(doc) = load("wycheproof", file) else { return };
    let mut tally = Tally::new("wycheproof", file, IdKind::TcId);
    for group in array(&doc, "testGroups") {
        let (alg, keys) = key_for(group);
        for test in array(group, "tests") {
            let tc = test["tcId"].as_u64().expect("tcId");
            let (ok, detail) = raw_verify(&keys, alg, &hex(str_of(test, "msg")), &hex(str_of(test, "sig")));
            tally.record(tc, Expected::of(test), ok, detail);
        }
    }
    tally.finish();
}
